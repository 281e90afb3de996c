"""Dated changes of newborn cots and paediatric beds: the ``cots`` and ``paediatric_beds`` of a
``policy:`` entry, validated by field, carried out by the admissions loop at their time under
the maternity pathway's rule for a cut (nobody evicted, beds in use owed), read by the yearly
metrics, and invisible to the mothers."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, base_dict, deep_update, run_checked
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim import validate_scenario
from capsim.errors import ScenarioError
from capsim.metrics import NEWBORN_METRICS, PAEDIATRIC_METRICS
from capsim.model import compile_network
from capsim.model.admissions import AT_ORIGIN, LEVEL, NO_BED, admit
from capsim.model.care import newborn_network, paediatric_network
from capsim.scenario.calendar import capacity_schedule

NEWBORN = {"cots": {"county": {"special": 6, "intensive": 2}, "town": {"special": 1}},
           "centres": ["county"]}
CHILDREN = {
    "groups": [{"id": "respiratory", "admissions": 900,
                "severity": {"mild": 0.6, "moderate": 0.3, "severe": 0.1},
                "stay": {"dist": "lognormal", "mean": 5, "sd": 3}}],
    "beds": {"county": 12},
    "presentation": {"county": 0.4, "town": 0.6},
    "severity_level": {"mild": "township", "moderate": "county", "severe": "county"},
}
TWO_YEARS = {"start": "2020-01-01", "days": 731, "warmup_days": 30}

#: The hand trace: one facility, one bed type, 2 beds; a cut of one bed at hour 10 while both
#: are in use, three beds more at hour 50. Admissions (hour, stay in hours) and where each goes.
TRACE_CODE = (
    "import numpy as np\n"
    "from capsim.model.admissions import admit\n"
    "t = np.array([0., 1., 8., 12., 21., 25., 40., 50., 51., 52.])\n"
    "s = np.array([20., 5., 30., 5., 3., 5., 30., 30., 30., 30.])\n"
    "n = t.shape[0]; z = np.zeros(n, dtype=np.int64)\n"
    "a = admit(t, z, z, s, np.full(n, np.nan), np.array([[2]]), np.zeros(1, np.int64),\n"
    "          np.ones((1, 1), bool), np.zeros((1, 0), np.int64), np.zeros((1, 1)), -1,\n"
    "          np.array([10., 50.]), np.array([0, 0]), np.array([[-1], [3]]))\n"
    "print(a.placed.tolist(), a.reason.tolist(), a.end_h.tolist())\n"
)


def _trace(jit: bool) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if not jit:
        env["NUMBA_DISABLE_JIT"] = "1"
    return subprocess.run([sys.executable, "-c", TRACE_CODE], capture_output=True, text=True,
                          env=env, check=True).stdout


def test_a_cut_is_owed_and_repaid_as_the_hand_trace_says() -> None:
    """Two beds, both taken at hours 0 and 1; the second frees at 6, so the patient of hour 8
    is admitted (stay to 38). The cut at 10 leaves one bed in force and two in use: the free
    count is -1, so the patients of 12 leaves the region. The bed freed at 20 repays the debt
    (count 0): the patient of 21 leaves too, and the one of 25. The bed freed at 38 is the one
    in force: the patient of 40 is admitted (to 70). Three beds more at 50 give three free: the
    patients of 50, 51 and 52 are admitted. The loop gives the same compiled and as plain
    Python (NUMBA_DISABLE_JIT=1)."""
    plain = _trace(jit=False)
    assert plain == _trace(jit=True)
    placed, reason, end = _parse(plain)
    assert placed == [0, 0, 0, -1, -1, -1, 0, 0, 0, 0]
    assert reason == [AT_ORIGIN, AT_ORIGIN, AT_ORIGIN, NO_BED, NO_BED, NO_BED, AT_ORIGIN,
                      AT_ORIGIN, AT_ORIGIN, AT_ORIGIN]
    assert end[:3] == [20.0, 6.0, 38.0] and end[6:] == [70.0, 80.0, 81.0, 82.0]


def _parse(line: str) -> tuple[list, list, list]:
    """The three lists the trace prints (``nan`` read as None)."""
    text = line.strip().replace("nan", "None")
    parts = ast.literal_eval("(" + text.replace("] [", "], [") + ")")
    return parts[0], parts[1], parts[2]


def test_a_facility_whose_beds_open_later_refers_for_the_level_until_then() -> None:
    """A facility with no beds in force is not yet a place for the level: a patient who
    arises there is referred for the ``LEVEL`` of care, and after its beds open she stays."""
    t = np.array([1.0, 20.0])
    one = np.ones(2, dtype=np.int64)
    out = admit(t, one, np.zeros(2, dtype=np.int64), np.array([5.0, 5.0]), np.full(2, np.nan),
                np.array([[4], [0]]), np.zeros(1, dtype=np.int64), np.ones((1, 2), bool),
                np.array([[1], [0]]), np.array([[0.0, 2.0], [2.0, 0.0]]), -1,
                np.array([10.0]), np.array([1]), np.array([[2]]))
    assert out.placed.tolist() == [0, 1]
    assert out.reason.tolist() == [LEVEL, AT_ORIGIN]
    assert out.end_h.tolist() == [8.0, 25.0]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 300), st.integers(0, 1), st.integers(0, 2),
                          st.floats(1, 120)), min_size=1, max_size=80, unique_by=lambda r: r[0]),
       st.lists(st.tuples(st.floats(0, 300), st.integers(0, 1), st.integers(-6, 6)),
                max_size=6),
       st.sampled_from([None, 0.5]))
def test_no_more_beds_in_use_than_in_force_once_the_debt_is_repaid(rows, changes,
                                                                   share) -> None:
    """Whatever the admissions and the dated changes (cuts below what is in use included):
    nobody is ever moved out by a cut, every bed taken (an admission or a referral back) is
    taken while fewer are in use than in force, and so, once a cut's debt is repaid, no
    facility holds more patients than its beds in force."""
    scenario = validate_scenario(deep_update(base_dict(), {"paediatric": deep_update(
        CHILDREN, {"beds": {"county": 6, "town": 3}})}))
    net = paediatric_network(scenario, compile_network(scenario))
    rows = sorted(rows)
    changes = sorted(changes)
    beds = net.beds.copy()
    # Cuts never take the beds in force below zero, as validation ensures.
    deltas = []
    force = beds[:, 0].copy()
    for _, g, d in changes:
        d = max(d, -int(force[g]))
        force[g] += d
        deltas.append(d)
    t = np.asarray([r[0] for r in rows])
    origin = np.asarray([r[1] for r in rows], dtype=np.int64)
    need = np.asarray([r[2] for r in rows], dtype=np.int64)
    stay = np.asarray([r[3] for r in rows])
    down = np.full(len(rows), np.nan if share is None else share)
    out = admit(t, origin, need, stay, down, beds, net.bed_of_need, np.ones((3, 2), bool),
                net.order, net.travel_h, 0,
                np.asarray([c[0] for c in changes], dtype=float),
                np.asarray([c[1] for c in changes], dtype=np.int64),
                np.asarray(deltas, dtype=np.int64).reshape(-1, 1))

    def in_force(g: int, when: float) -> int:
        return int(beds[g, 0] + sum(d for (tc, f, _), d in zip(changes, deltas, strict=True)
                                     if f == g and tc <= when))

    starts, ends, facs = out.stay_start_h, out.stay_end_h, out.stay_facility
    for k in range(starts.shape[0]):
        g, when = facs[k], starts[k]
        using = np.count_nonzero((facs == g) & (starts <= when) & (ends > when))
        assert using <= in_force(g, when), (k, g, when)
    # Nobody is evicted: every stay runs to its discharge or to a referral back.
    placed = out.placed >= 0
    assert out.stay_facility.shape[0] == placed.sum() + (out.down_to >= 0).sum()
    np.testing.assert_allclose(
        out.end_h[placed & (out.down_to < 0)],
        (t + net.travel_h[origin, np.maximum(out.placed, 0)] + stay)[placed & (out.down_to < 0)])


@pytest.mark.parametrize(("change", "fragment"), [
    ({"cots": {"level4": 2}}, "policy[0].cots: unknown level 'level4' (known: special, intensive)"),
    ({"cots": {"intensive": -3}}, "would have -1 cots.intensive (2 before this change)"),
    ({"paediatric_beds": -13}, "would have -1 paediatric_beds (12 before this change)"),
])
def test_bad_care_changes_are_refused_by_field(change: dict, fragment: str) -> None:
    data = deep_update(base_dict(), {"newborn": NEWBORN, "paediatric": CHILDREN})
    data["policy"] = [{"date": "2020-06-01", "facility": "county", **change}]
    with pytest.raises(ScenarioError) as err:
        validate_scenario(data)
    assert fragment in str(err.value).replace("\n", " ")


@pytest.mark.parametrize(("change", "section"), [
    ({"cots": {"special": 2}}, "newborn"), ({"paediatric_beds": 4}, "paediatric")])
def test_a_change_of_a_line_the_scenario_lacks_is_refused(change: dict, section: str) -> None:
    data = base_dict()
    data["policy"] = [{"date": "2020-06-01", "facility": "town", **change}]
    with pytest.raises(ScenarioError, match=f"town changes .* no {section}: section"):
        validate_scenario(data)


def test_the_schedule_carries_cots_and_paediatric_beds_by_date() -> None:
    """The one capacity schedule holds the cots by level and the paediatric beds as built and
    after each change; a change of care only is not a step of the maternity pathway."""
    data = deep_update(base_dict(horizon=TWO_YEARS), {"newborn": NEWBORN,
                                                      "paediatric": CHILDREN})
    data["policy"] = [{"date": "2021-01-01", "facility": "town", "paediatric_beds": 4,
                       "cots": {"intensive": 0, "special": 2}},
                      {"date": "2020-07-01", "facility": "county", "beds": 2}]
    schedule = capacity_schedule(validate_scenario(data))
    town = schedule.ids.index("town")
    assert (schedule.built[town].special_cots, schedule.built[town].paediatric_beds) == (1, 0)
    later = schedule.on(pd.Timestamp("2021-03-01").date())[town]
    assert (later.special_cots, later.intensive_cots, later.paediatric_beds) == (3, 0, 4)
    assert [s.care_only for s in schedule.steps] == [False, True]
    assert len(schedule.maternity_steps) == 1


def _two_years(policy: list[dict], **care) -> dict:
    data = deep_update(base_dict(horizon=TWO_YEARS, run={"replications": 2, "seed": 5}), care)
    data["policy"] = policy
    return data


def test_a_year_after_an_increase_reads_the_new_count_and_occupancy_on_it() -> None:
    """Cots added at the county hospital on 2021-01-01 (6+2 to 12+2) and a paediatric ward
    opened at the township centre: 2020 reads the old counts, 2021 the new ones, and each
    year's occupancy is the bed-hours used over the bed-hours in force that year, so the same
    babies on more cots read lower. The mothers do not move: every maternity row is the same
    as without the change, and every woman, newborn and child is accounted for."""
    policy = [{"date": "2021-01-01", "facility": "county", "cots": {"special": 6}},
              {"date": "2021-01-01", "facility": "town", "paediatric_beds": 5}]
    care = {"newborn": NEWBORN, "paediatric": CHILDREN}
    res = run_checked(_two_years(policy, **care))
    fixed = run_checked(_two_years([], **care))
    m = res.metrics.set_index(["replication", "year", "facility", "metric"])["value"]
    for rep in (0, 1):
        assert m[(rep, "2020", "county", "cots")] == 8
        assert m[(rep, "2021", "county", "cots")] == 14
        assert m[(rep, "2020", "town", "paediatric_beds")] == 0
        assert m[(rep, "2021", "town", "paediatric_beds")] == 5
        assert m[(rep, "2021", "region", "paediatric_beds")] == 17
        # Births of 2021 at the county hospital, per year, against the cots in force.
        assert m[(rep, "2021", "county", "cots_per_1000_births")] == pytest.approx(
            14 / m[(rep, "2021", "county", "deliveries_per_year")] * 1000, rel=1e-9)
        # The whole period's mean is the mean of the days in force: 2020 old, 2021 new.
        cots_all = (8 * 366 + 14 * 365) / 731
        assert m[(rep, "all", "county", "cots")] == pytest.approx(cots_all)
        # Cot-hours used add up over the years only when each year's occupancy is taken on
        # the cots in force that year.
        occ = {y: m[(rep, y, "county", "cot_occupancy_mean")] for y in ("2020", "2021", "all")}
        assert occ["all"] * cots_all * 731 == pytest.approx(
            occ["2020"] * 8 * 366 + occ["2021"] * 14 * 365)
        # Paediatric occupancy is the census over the beds in force: the township ward's
        # five beds in 2021, the region's seventeen.
        for fac, beds in (("town", 5), ("region", 17)):
            assert m[(rep, "2021", fac, "paediatric_occupancy_mean")] == pytest.approx(
                m[(rep, "2021", fac, "paediatric_census_mean")] / beds)
    adm = res.replications[0].metrics.set_index(["year", "facility", "metric"])["value"]
    fixed_adm = fixed.replications[0].metrics.set_index(["year", "facility", "metric"])["value"]
    # The same babies on more cots: lower occupancy in 2021, the same in 2020.
    assert adm[("2021", "county", "cot_occupancy_mean")] < fixed_adm[
        ("2021", "county", "cot_occupancy_mean")]
    assert adm[("2020", "county", "cot_occupancy_mean")] == fixed_adm[
        ("2020", "county", "cot_occupancy_mean")]
    # The township ward admits children only once it is open.
    assert adm[("2020", "town", "paediatric_admissions")] == 0
    assert adm[("2021", "town", "paediatric_admissions")] > 0
    care_metrics = set(NEWBORN_METRICS) | set(PAEDIATRIC_METRICS)
    mothers = res.metrics[~res.metrics["metric"].isin(care_metrics)].reset_index(drop=True)
    fixed_mothers = fixed.metrics[~fixed.metrics["metric"].isin(care_metrics)]
    assert mothers.equals(fixed_mothers.reset_index(drop=True))
    assert res.flows.equals(fixed.flows)


def test_the_care_networks_take_the_dated_changes_in_hours() -> None:
    """The admissions loop is handed each change of the line's beds at its hour since the
    simulation's start, and a facility whose cots open later may admit their level."""
    data = deep_update(base_dict(horizon=TWO_YEARS), {"newborn": NEWBORN})
    data["policy"] = [{"date": "2021-01-01", "facility": "town", "cots": {"intensive": 3}}]
    scenario = validate_scenario(data)
    net = newborn_network(scenario, compile_network(scenario))
    town = 1
    assert net.change_h.tolist() == [(30 + 366) * 24.0]
    assert net.change_facility.tolist() == [town]
    assert net.change_beds.tolist() == [[0, 3]]
    assert net.beds[town].tolist() == [1, 0]
    # Intensive care only at the named centre, whatever the cots.
    assert not net.eligible[1, town]
