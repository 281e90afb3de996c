"""The what-if of capsim app without a browser: the scenario its inputs make, its answer
against the baseline with common random numbers, and the command's refusals."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from capsim.app.answer import answer, run
from capsim.app.edits import Edits, in_force
from capsim.cli import main
from capsim.scenario import load_scenario
from tests.conftest import assert_conserved

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "nanjiang-15th-fyp.yaml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(SCENARIO)


def test_a_value_set_from_a_year_is_in_force_from_then_on(base):
    edits = Edits().setting(2028, "county-hospital", "beds", 150, base)
    scen = edits.scenario(base)
    before = base.facility("county-hospital").beds
    assert in_force(scen, 2027, "county-hospital").beds == before
    assert [in_force(scen, y, "county-hospital").beds for y in (2028, 2029, 2030)] == [150] * 3


def test_a_first_year_change_is_the_facility_itself(base):
    scen = Edits().setting(2026, "township-1", "midwives", 3, base).scenario(base)
    assert scen.facility("township-1").midwives == 3         # the warm-up has it too
    assert scen.policy == base.policy


def test_setting_back_the_value_in_force_drops_the_edit(base):
    edits = Edits().setting(2027, "county-mch", "beds", 95, base)
    edits = edits.setting(2027, "county-mch", "beds", base.facility("county-mch").beds, base)
    assert edits.empty and edits.scenario(base) == base


def test_a_later_year_reads_the_earlier_years_edits(base):
    edits = Edits().setting(2027, "county-hospital", "beds", 140, base)
    edits = edits.setting(2029, "county-hospital", "beds", 140, base)   # already in force
    assert list(edits.capacity) == [(2027, "county-hospital", "beds")]


def test_region_wide_edits_are_dated_changes(base):
    edits = replace(Edits(), region_year=2028, growth=0.05, caesarean=-0.2,
                    referral="all_level_2")
    scen = edits.scenario(base)
    assert [e.date for e in scen.demand.events] == [date(y, 1, 1) for y in (2028, 2029, 2030)]
    assert all(e.multiplier == pytest.approx(1.05) for e in scen.demand.events)
    change = scen.demand.caesarean_changes[-1]
    assert change.date == date(2028, 1, 1)
    assert change.planned["red"] == pytest.approx(base.demand.planned_caesarean_rate["red"] * 0.8)
    rules = dict(scen.referral.eligibility_schedule())[date(2028, 1, 1)]
    assert {r.min_level for r in rules.values()} <= {"county", "mch", "city_tertiary"}


def test_closing_the_townships_moves_women_to_the_county_with_intervals(base):
    baseline = run(base, 3, base.run.seed)
    edits = Edits()
    towns = [f.id for f in base.facilities if f.level == "township"]
    for fid in towns:
        edits = edits.setting(2027, fid, "delivers", False, base)
    got = answer(baseline, edits.scenario(base))
    assert_conserved(got.baseline.results)
    assert_conserved(got.what_if.results)
    d = got.differences
    towns_2027 = d[d["facility"].isin(towns) & (d["metric"] == "deliveries_per_year")
                   & (d["year"] == "2027")]
    # Almost nobody delivers there (a woman already in labour on 1 January may).
    assert (towns_2027["scenario_mean"] < 0.05 * towns_2027["baseline_mean"]).all()
    same_2026 = d[(d["year"] == "2026") & (d["metric"] == "deliveries_per_year")]
    assert (same_2026["mean"] == 0).all()                     # common random numbers
    moved = got.travel[(got.travel["metric"] == "women_moved") & (got.travel["year"] == "2027")]
    assert moved["ci_low"].iloc[0] > 0
    assert {"verdict", "baseline_verdict"} <= set(got.verdicts.columns)


def test_the_command_refuses_a_bad_scenario_before_serving(tmp_path, capsys):
    pytest.importorskip("shiny")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nfacilities: []\n", encoding="utf-8")
    assert main(["app", str(bad), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(bad) in err and "Traceback" not in err


def test_the_command_refuses_a_port_in_use(capsys):
    pytest.importorskip("shiny")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        assert main(["app", str(SCENARIO), "--port", str(port), "--no-browser"]) == 2
    assert f"--port {port}" in capsys.readouterr().err


def test_delivery_beds_are_an_input_where_a_facility_has_them():
    """A two-pool facility's delivery beds are an input, set on the facility in the first year
    and by a dated change later; a one-pool facility has no such input."""
    from capsim import validate_scenario
    from capsim.app.edits import facility_fields, has_field
    from tests.conftest import base_dict

    data = base_dict(horizon={"start": "2020-01-01", "days": 731, "warmup_days": 10})
    county = data["facilities"][0]
    county["delivery_beds"] = 6
    two_pools = validate_scenario(data)
    fid, other = county["id"], data["facilities"][1]["id"]
    assert "delivery_beds" in facility_fields(two_pools)
    assert has_field(two_pools, fid, "delivery_beds")
    assert not has_field(two_pools, other, "delivery_beds")
    first = Edits().setting(2020, fid, "delivery_beds", 9, two_pools).scenario(two_pools)
    assert first.facility(fid).delivery_beds == 9
    later = Edits().setting(2021, fid, "delivery_beds", 4, two_pools).scenario(two_pools)
    assert later.facility(fid).delivery_beds == 6
    assert [in_force(later, y, fid).delivery_beds for y in (2020, 2021)] == [6, 4]
    one_pool = validate_scenario(base_dict())
    assert "delivery_beds" not in facility_fields(one_pool)


def test_cots_and_paediatric_beds_are_inputs_where_the_scenario_has_those_lines():
    """With newborn care and a paediatric line, the cots by level and the paediatric beds of
    every facility are inputs: set in the section itself in the first year (a facility
    without any gains them) and by a dated change later; without the lines there are none."""
    from capsim import validate_scenario
    from capsim.app.edits import facility_fields, has_field
    from tests.conftest import base_dict, deep_update

    data = deep_update(base_dict(horizon={"start": "2020-01-01", "days": 731,
                                          "warmup_days": 10}), {
        "newborn": {"cots": {"county": {"special": 6, "intensive": 2}}},
        "paediatric": {"groups": [{"id": "resp", "admissions": 100,
                                   "severity": {"mild": 1.0},
                                   "stay": {"dist": "fixed", "mean": 3}}],
                       "beds": {"county": 10}, "presentation": {"county": 1.0}}})
    base = validate_scenario(data)
    fields = facility_fields(base)
    assert fields[-3:] == ("special_cots", "intensive_cots", "paediatric_beds")
    assert has_field(base, "town", "special_cots")
    first = (Edits().setting(2020, "town", "special_cots", 2, base)
             .setting(2020, "county", "intensive_cots", 3, base)
             .setting(2020, "town", "paediatric_beds", 4, base).scenario(base))
    assert first.newborn.cots["town"].special == 2
    assert first.newborn.cots["county"].intensive == 3
    assert first.newborn.cots["county"].special == 6
    assert first.paediatric.beds == {"county": 10, "town": 4}
    later = (Edits().setting(2021, "county", "intensive_cots", 5, base)
             .setting(2021, "county", "paediatric_beds", 7, base).scenario(base))
    assert [(in_force(later, y, "county").intensive_cots,
             in_force(later, y, "county").paediatric_beds) for y in (2020, 2021)] == [
        (2, 10), (5, 7)]
    assert later.newborn.cots["county"].intensive == 2
    assert "special_cots" not in facility_fields(validate_scenario(base_dict()))
