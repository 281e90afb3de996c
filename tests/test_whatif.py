"""Scenario.with_changes and Scenario.to_yaml: paths, values, errors naming the path, and a
what-if written as a file that extends its base and reads back as the same scenario."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim.errors import ScenarioError
from capsim.scenario import load_scenario
from capsim.scenario.extends import merge
from capsim.scenario.whatif import SAME, overrides

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
BASE = SCENARIOS / "nanjiang-15th-fyp.yaml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(BASE)


def test_a_change_sets_that_value_and_leaves_the_rest(base):
    beds = base.facility("county-hospital").beds
    new = base.with_changes({"facilities[county-hospital].beds": beds + 20})
    assert new.facility("county-hospital").beds == beds + 20
    assert base.facility("county-hospital").beds == beds           # the base is untouched
    assert new.facility("county-mch") == base.facility("county-mch")
    assert new.demand == base.demand


def test_a_wildcard_sets_every_place(base):
    new = base.with_changes({"facilities[*].theatres": 3})
    assert {f.theatres for f in new.facilities} == {3}


def test_a_share_rescales_its_group(base):
    new = base.with_changes({"demand.risk_mix.green": 0.5})
    assert new.demand.risk_mix["green"] == 0.5
    assert math.isclose(math.fsum(new.demand.risk_mix.values()), 1.0, abs_tol=1e-12)
    others = [c for c in base.demand.risk_mix if c != "green"]
    ratio = {c: new.demand.risk_mix[c] / base.demand.risk_mix[c] for c in others}
    assert max(ratio.values()) == pytest.approx(min(ratio.values()))


def test_a_plus_path_appends_a_policy_change(base):
    change = {"date": "2027-01-01", "facility": "township-1", "delivers": False, "beds": -12}
    new = base.with_changes({"policy+": [change]})
    assert len(new.policy) == len(base.policy) + 1
    assert new.policy[-1].facility == "township-1" and new.policy[-1].delivers is False


@pytest.mark.parametrize(("changes", "named", "why"), [
    ({"facilities[nowhere].beds": 3}, "facilities[nowhere].beds", "no item 'nowhere'"),
    ({"facilities[county-hospital].bedz": 3}, "bedz", "did you mean 'beds'"),
    ({"facilities[county-hospital].beds": 2.5}, "facilities[county-hospital].beds", "integer"),
    ({"facilities[county-hospital].beds": -1}, "facilities[county-hospital].beds", "0"),
    ({"demand.risk_mix.green": 1.5}, "demand.risk_mix.green", "from 0 to 1"),
    ({"horizon..years": 2}, "horizon..years", "empty field name"),
    ({"policy+": 3}, "policy+", "appends a list to a list"),
    ({"facilities[\x1b[31m].beds": 1}, "\\x1b", "is not a path"),
    ({"facilities[county-hospital].beds": 10**12}, "facilities[county-hospital].beds",
     "less than or equal"),
    ({"policy+": [{"date": "2027-01-01", "facility": "nowhere"}]}, "policy", "nowhere"),
])
def test_a_bad_change_names_the_path_and_why(base, changes, named, why):
    with pytest.raises(ScenarioError) as caught:
        base.with_changes(changes)
    text = str(caught.value)
    assert named in text and why in text
    assert "\n" not in text


def test_every_bad_path_is_reported_at_once(base):
    with pytest.raises(ScenarioError) as caught:
        base.with_changes({"facilities[x].beds": 1, "demand.nothing": 2})
    assert len(caught.value.problems) == 2


def test_to_yaml_extends_its_base_and_reads_back(base, tmp_path):
    new = base.with_changes({"facilities[county-hospital].beds": 140,
                             "policy+": [{"date": "2027-01-01", "facility": "township-2",
                                          "delivers": False, "beds": -12}]})
    path = new.to_yaml(tmp_path / "what-if.yaml", extends=BASE)
    written = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert (tmp_path / written["extends"]).resolve() == BASE.resolve()
    assert written["facilities"] == [{"id": "county-hospital", "beds": 140}]
    assert set(written) == {"extends", "facilities", "policy"}     # only what differs
    assert written["policy"] == [{"date": "2027-01-01", "facility": "township-2",
                                  "beds": -12, "delivers": False}]  # no defaults written
    assert load_scenario(path) == new


def test_to_yaml_without_a_base_writes_the_whole_scenario(base, tmp_path):
    path = base.to_yaml(tmp_path / "whole.yaml")
    assert "extends" not in yaml.safe_load(path.read_text(encoding="utf-8"))
    assert load_scenario(path) == base


def test_to_yaml_of_an_unchanged_scenario_is_only_its_base(base, tmp_path):
    path = base.to_yaml(tmp_path / "same.yaml", extends=BASE)
    assert set(yaml.safe_load(path.read_text(encoding="utf-8"))) == {"extends"}


_leaf = st.one_of(st.integers(-5, 5), st.booleans(), st.text("ab", max_size=2))
_values = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
        st.lists(st.fixed_dictionaries({"id": st.sampled_from("pqr"), "v": inner}),
                 max_size=3, unique_by=lambda d: d["id"])),
    max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(base=st.dictionaries(st.sampled_from("abc"), _values, max_size=3),
       derived=st.dictionaries(st.sampled_from("abc"), _values, max_size=3))
def test_overrides_merged_onto_the_base_give_the_derived_mapping(base, derived):
    try:
        diff = overrides(base, derived)
    except ValueError:
        return          # a key or an item removed: a file that extends cannot say it
    assert merge(base, {} if diff is SAME else diff) == derived
