"""The drawing steps of a replication: the shortcuts they take give what the plain numpy forms
give (the time order of the children, the category of a uniform number), and the children
drawn for the paediatric line carry their own group's severity, stay and place of
presentation."""

from __future__ import annotations

import numpy as np
from conftest import base_dict, deep_update
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim import validate_scenario
from capsim.demand import COMPARED_CATEGORIES, category
from capsim.model import compile_network
from capsim.model.care import _babies_needing_cots, admit_care, draw_children, time_order
from capsim.model.engine import PLANNED_CS


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 6), max_size=300), st.integers(1, 4))
def test_time_order_is_the_stable_sort(values: list[int], scale: int) -> None:
    """Times with many equal ones (a few distinct values) come out in the order of a stable
    sort: equal times keep their first order."""
    t = np.asarray(values, dtype=float) / scale
    np.testing.assert_array_equal(time_order(t), np.argsort(t, kind="stable"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5, 7.0]), min_size=1,
                max_size=COMPARED_CATEGORIES + 20),
       st.lists(st.floats(0.0, 1.0, exclude_max=True), min_size=1, max_size=200))
def test_category_is_the_search_to_the_right(weights: list[float], u: list[float]) -> None:
    """Shares with zeros among them, fewer or more than `COMPARED_CATEGORIES`: the category of
    each number is the count of cumulative shares up to it, at most the last category; the
    cumulative shares themselves fall on their own category."""
    if not sum(weights):
        weights[0] = 1.0
    cum = np.cumsum(np.asarray(weights) / sum(weights))
    numbers = np.concatenate([np.asarray(u), cum[cum < 1.0]])
    got = category(cum, numbers)
    want = np.minimum(np.searchsorted(cum, numbers, side="right"), cum.shape[0] - 1)
    np.testing.assert_array_equal(got, want)


def test_children_carry_their_groups_severity_stay_and_place() -> None:
    """Two groups, one only mild with a fixed stay of two days, one only severe; every child
    presents at the township centre (the county hospital's share is 0): each child's severity
    and stay are her group's, the children come in time order inside the simulation, and the
    loop places each of them or sends her out of the region."""
    children = {
        "groups": [
            {"id": "mild", "admissions": 400, "month_profile": [1] * 12,
             "severity": {"mild": 1.0}, "stay": {"dist": "fixed", "mean": 2}},
            {"id": "severe", "admissions": 300, "month_profile": [2] + [1] * 11,
             "severity": {"severe": 1.0}, "stay": {"dist": "lognormal", "mean": 5, "sd": 3}},
        ],
        "beds": {"county": 6, "town": 2},
        "presentation": {"county": 0.0, "town": 1.0},
        "severity_level": {"mild": "township", "moderate": "county", "severe": "county"},
    }
    scenario = validate_scenario(deep_update(base_dict(), {"paediatric": children}))
    net = compile_network(scenario)
    drawn = draw_children(scenario, net, 3, scenario.run.seed)
    assert set(np.unique(drawn.group)) == {0, 1}
    assert np.all(np.diff(drawn.t_h) >= 0)
    assert drawn.t_h[0] >= 0 and drawn.t_h[-1] < net.t_end_h
    mild, severe = drawn.group == 0, drawn.group == 1
    assert np.all(drawn.need[mild] == 0) and np.all(drawn.need[severe] == 2)
    assert np.all(drawn.stay_h[mild] == 48.0)
    assert np.all(drawn.stay_h[severe] > 0) and np.unique(drawn.stay_h[severe]).shape[0] > 1
    assert np.all(drawn.origin == net.ids.index("town"))
    (rec,) = admit_care([drawn])
    placed = rec.admitted.placed
    assert placed.shape[0] == drawn.t_h.shape[0]
    # Severe children may not stay at the township centre: each is at the county or out.
    assert set(np.unique(placed[severe])) <= {net.ids.index("county"), -1}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 400),
       st.lists(st.floats(0.0, 0.5), min_size=20, max_size=20))
def test_the_babies_needing_cots_are_those_the_array_form_finds(seed: int, n: int,
                                                                 probs: list[float]) -> None:
    """Mothers born in the region or not (facility -1), of every mode and risk colour: the
    compiled pass finds the babies below the probability of either cot, in the mothers' order,
    intensive below the intensive one, and which babies born need a cot, with their facility
    and hour of birth, as the array form does; compiled and as plain Python."""
    rng = np.random.default_rng(seed)
    u = rng.random(n)
    facility = rng.integers(-1, 4, n).astype(np.int32)
    mode = rng.integers(-1, 3, n).astype(np.int8)
    risk = rng.integers(0, 5, n).astype(np.int8)
    hours = rng.random(n) * 8760.0
    intensive = np.asarray(probs[:10])
    either = intensive + np.asarray(probs[10:])
    row = (mode >= PLANNED_CS) * 5 + risk
    born = facility >= 0
    wanted = np.flatnonzero(born & (u < either[row]))
    for helper in (_babies_needing_cots, getattr(_babies_needing_cots, "py_func", None)):
        if helper is None:
            continue
        sel = np.empty(n, dtype=np.int64)
        need = np.empty(n, dtype=np.int64)
        born_needs = np.empty(int(born.sum()), dtype=np.bool_)
        born_facility = np.empty(int(born.sum()), dtype=np.int64)
        born_h = np.empty(int(born.sum()))
        m = helper(u, facility, mode, risk, intensive, either, 5, PLANNED_CS, hours, sel,
                   need, born_needs, born_facility, born_h)
        np.testing.assert_array_equal(sel[:m], wanted)
        np.testing.assert_array_equal(need[:m], (u < intensive[row])[wanted].astype(np.int64))
        np.testing.assert_array_equal(born_needs, (u < either[row])[born])
        np.testing.assert_array_equal(born_facility, facility[born].astype(np.int64))
        np.testing.assert_array_equal(born_h, hours[born])
