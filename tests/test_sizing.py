"""Capacity sizing: the solver against Erlang-B, its answers against an independent check by
simulation and by ``capsim check``, the comparison table, the workload establishment and the
``capsim size`` command."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml
from conftest import COLOURS, assert_conserved, base_dict, loss_system, run_checked

from capsim import validate_scenario
from capsim.cli import main
from capsim.errors import ScenarioError
from capsim.queueing import erlang_b, min_servers_loss
from capsim.results import REGION
from capsim.scenario.loader import validate_model
from capsim.sizing import Workload, establishment, parse_assignments, service_levels, size
from capsim.sizing.capacity import with_capacity
from capsim.sizing.compare import COLUMNS
from capsim.sizing.levels import CHECKS, catalogue_defaults
from capsim.sizing.workload import planned_casemix
from capsim.targets import check
from capsim.timeline import capacity_by_year

#: The service-level standards of the catalogue the sizing answers to.
SERVICE_STANDARDS = ("no-bed-1pct", "occupancy-85", "midwife-15-min", "ddi-30-min")


def network() -> dict:
    """County hospital and a township centre with too few beds; emergencies reach a free theatre
    in 10 minutes and the township is 5 minutes away, so a DDI of 30 minutes is attainable."""
    d = base_dict(pathway={"emergency_preparation": {"dist": "fixed", "mean": 10.0}},
                  referral={"transfers": [{"between": ["county", "town"], "minutes": 5}]})
    d["facilities"][1]["beds"] = 2
    return d


@pytest.fixture(scope="module")
def sized():
    scenario = validate_scenario(network())
    return scenario, size(scenario, replications=6, seed=21, workers=1)


def test_loss_system_gets_the_erlang_b_bed_count_and_simulation_confirms_it():
    los = {"dist": "exponential", "mean": 3.0}
    load = 10.0  # erlangs
    deliveries = load * 365.25 / (3.0 + 0.001 / 24)
    target = 0.02
    theory = min_servers_loss(load, target)
    assert erlang_b(theory, load) <= target < erlang_b(theory - 1, load)
    result = size(validate_scenario(loss_system(30, deliveries, los, days=365)),
                  {"no_bed": target, "occupancy": None}, replications=12, seed=1, workers=1)
    assert_conserved(result.results)
    assert_conserved(result.baseline)
    beds = result.requirements.set_index("resource").loc["beds"]
    assert beds["load"] == pytest.approx(load, rel=0.05)
    assert beds["needed"] == theory
    assert beds["met"] and beds["least"]
    # Simulation confirms it: met by the interval at the Erlang count, failed one bed below.
    row = result.checks.set_index("level").loc["no_bed"]
    assert row["value"] == theory and row["ci_high"] <= target
    tried = result.rounds[result.rounds["resource"] == "beds"].set_index("value")["met"]
    assert not tried.loc[[theory - 1]].any()


def recheck(scenario, results, levels) -> list[str]:
    """Every sized level of ``scenario`` read again from ``results``: the failures."""
    s = results.summary(year=None)
    s = s[(s["year"] != "all") & (s["facility"] != REGION)]
    failures = []
    for c in CHECKS:
        bound = getattr(levels, c.level)
        if bound is None:
            continue
        rows = s[s["metric"] == c.metric].dropna(subset=["mean"])
        for r in rows.itertuples():
            ok = r.ci_high <= bound if c.at_most else r.ci_low >= bound
            if not ok:
                failures.append(f"{r.facility} {r.year} {c.level}: [{r.ci_low}, {r.ci_high}]")
    return failures


def test_solver_never_returns_a_capacity_that_fails_its_interval_check(sized):
    scenario, result = sized
    assert result.confirmed
    again = run_checked(result.scenario.model_dump(), replications=6, seed=21)
    pd.testing.assert_frame_equal(again.metrics, result.results.metrics)
    assert recheck(result.scenario, again, result.levels) == []
    assert result.requirements["met"].all()
    assert (result.rounds["round"].max() <= 10) and result.simulations <= 10
    # The township's two beds were too few: the solver added beds there.
    assert recheck(scenario, run_checked(network(), replications=6, seed=21),
                   result.levels) != []
    beds = result.requirements.set_index(["facility", "resource"])["needed"]
    assert beds[("town", "beds")] > 2


def steady_loss_system() -> dict:
    """A loss system offered 4 erlangs all year (3-day stays): 5 beds turn about 20% away
    (Erlang-B), well inside a level of 30%."""
    return loss_system(30, 4 * 365.25 / 3.0, {"dist": "exponential", "mean": 3.0}, days=365)


def january_loss_system() -> dict:
    """A loss system whose deliveries all fall in January: the year's mean load (about 8
    erlangs) is a twelfth of January's, so the beds Erlang-B gives for it turn most of
    January's women away."""
    d = loss_system(30, 1000, {"dist": "exponential", "mean": 3.0}, days=365)
    d["demand"]["month_profile"] = [1] + [0] * 11
    return d


def test_one_round_at_the_queueing_start_is_confirmed_when_the_level_is_met():
    """One round simulates the queueing start (5 beds for 4 erlangs at a 30% no-bed level;
    Erlang-B 0.20): the interval is within the level, so the answer is confirmed, not shown
    to be least (4 beds were never tried)."""
    levels = {"no_bed": 0.3, "occupancy": None}
    result = size(validate_scenario(steady_loss_system()), levels, replications=4, seed=5,
                  workers=1, rounds=1)
    assert_conserved(result.results)
    assert min_servers_loss(4.0, 0.3) == 5
    beds = result.requirements.set_index("resource").loc["beds"]
    assert beds["needed"] == beds["queueing"] == 5 and beds["met"] and not beds["least"]
    assert result.simulations == 1 and set(result.rounds["round"]) == {1}
    assert result.confirmed and not result.converged and result.checks["met"].all()
    assert recheck(result.scenario, result.results, result.levels) == []
    assert not any("no round met" in note for note in result.notes)


def test_one_round_is_not_confirmed_when_the_queueing_start_fails_its_level():
    """Erlang-B at the year's mean load cannot see that every woman comes in January: one
    round at the queueing start turns most women away, far above a 1% level (the lower end of
    the interval too), and the answer says it is not confirmed."""
    levels = {"no_bed": 0.01, "occupancy": None}
    result = size(validate_scenario(january_loss_system()), levels, replications=4, seed=5,
                  workers=1, rounds=1)
    assert_conserved(result.results)
    beds = result.requirements.set_index("resource").loc["beds"]
    assert beds["needed"] == beds["queueing"] and not beds["met"]
    assert result.simulations == 1 and not result.confirmed
    no_bed = result.checks.set_index("level").loc["no_bed"]
    assert not no_bed["met"] and no_bed["ci_low"] > 0.5
    assert recheck(result.scenario, result.results, result.levels) == [
        f"unit 2021 no_bed: [{no_bed['ci_low']}, {no_bed['ci_high']}]"]
    assert any("no round met every level" in note for note in result.notes)


def test_sized_network_passes_the_service_level_targets_of_capsim_check(sized):
    scenario, result = sized
    before = check(scenario, replications=6, seed=21, workers=1)
    after = check(result.scenario, result.results)
    service_before = before[before["target"].isin(SERVICE_STANDARDS)]
    service_after = after[after["target"].isin(SERVICE_STANDARDS)]
    assert set(service_after["target"]) == set(SERVICE_STANDARDS)
    assert (service_before["verdict"] != "pass").any()
    facility_rows = service_after[service_after["scope"] != REGION]
    assert (facility_rows["verdict"] == "pass").all(), facility_rows[
        ["target", "scope", "value", "ci_low", "ci_high", "verdict"]]


@pytest.mark.filterwarnings("ignore:Glyph")  # Chinese facility names without a CJK font
def test_comparison_table_totals_and_ratio_columns(sized):
    scenario, result = sized
    table = result.comparison
    assert list(table.columns) == COLUMNS
    facilities = table[table["facility"] != REGION]
    region = table[table["facility"] == REGION].iloc[0]
    assert set(facilities["facility"]) == {"county", "town"}
    for col in ("beds_now", "beds_needed", "beds_ratio", "midwives_needed",
                "midwives_workload", "theatres_needed"):
        assert region[col] == facilities[col].sum()
    for r in facilities.itertuples():
        assert r.beds_ratio == math.ceil(17 * r.deliveries / 1000 - 1e-9)
        assert r.midwives_ratio == math.ceil(6 * r.deliveries / 1000 - 1e-9)
        assert r.beds_gap == r.beds_needed - r.beds_now
    # Economies of scale: the small unit needs more beds per 1,000 deliveries than the large.
    per_1000 = facilities.set_index("facility")["beds_needed_per_1000"]
    assert per_1000["town"] > per_1000["county"]
    # The township has no caesarean capability: it needs no theatre.
    assert facilities.set_index("facility").loc["town", "theatres_needed"] == 0
    fig = result.plot("en")
    assert fig.axes[0].get_xscale() == "log"


def test_each_year_of_a_multi_year_horizon_is_sized_and_written_back():
    d = base_dict(horizon={"start": "2020-01-01", "years": 2, "days": None, "warmup_days": 30},
                  demand={"deliveries": 1500, "deliveries_by_year": {2021: 3000}})
    result = size(validate_scenario(d), {"midwife": None, "ddi": None, "occupancy": None},
                  replications=4, seed=3, workers=1)
    assert_conserved(result.results)
    beds = result.requirements[result.requirements["resource"] == "beds"].pivot(
        index="facility", columns="year", values="needed")
    assert beds.loc["county", 2021] > beds.loc["county", 2020]
    cap = capacity_by_year(result.scenario).set_index(["facility", "year"])["beds"]
    for (fid, year), n in beds.stack().items():
        assert cap[(fid, year)] == n
    assert set(result.comparison["year"]) == {2020, 2021}


def test_with_capacity_keeps_deliveries_stopping_and_replaces_capacity_changes():
    d = base_dict(horizon={"start": "2020-01-01", "years": 2, "days": None, "warmup_days": 10},
                  policy=[{"date": "2020-06-01", "facility": "county", "beds": 10},
                          {"date": "2021-03-01", "facility": "town", "delivers": False}])
    s = validate_scenario(d)
    out = with_capacity(s, {"county": {2020: {"beds": 40}, 2021: {"beds": 25}}})
    assert [(ev.facility, ev.delivers) for ev in out.policy if ev.delivers is not None] == [
        ("town", False)]
    cap = capacity_by_year(out).set_index(["facility", "year"])
    assert cap.loc[("county", 2020), "beds"] == 40 and cap.loc[("county", 2021), "beds"] == 25
    assert cap.loc[("town", 2021), "beds"] == 5


def test_service_levels_from_arguments_catalogue_and_scenario_targets():
    assert parse_assignments(["no_bed=2%", "occupancy=off", "midwife=0.9"]) == {
        "no_bed": 0.02, "occupancy": None, "midwife": 0.9}
    with pytest.raises(ScenarioError, match="nobed"):
        service_levels(parse_assignments(["nobed=0.01"]))
    with pytest.raises(ScenarioError, match="no_bed"):
        service_levels({"no_bed": 1.5})
    with pytest.raises(ScenarioError, match="no_bed"):
        parse_assignments(["no_bed=lots"])
    assert catalogue_defaults().no_bed == 0.01
    scen = validate_scenario(base_dict(targets={"standards": {
        "occupancy-85": False, "no-bed-1pct": {"threshold": 0.005}}}))
    levels = catalogue_defaults(scen)
    assert levels.occupancy is None and levels.no_bed == 0.005 and levels.midwife == 0.95


def test_workload_establishment_follows_counts_casemix_and_hours():
    counts = pd.DataFrame({"year": [2020, 2020], "facility": ["a", "b"],
                           "deliveries": [1000.0, 2000.0], "labours": [900.0, 1800.0],
                           "caesareans": [300.0, 600.0]})
    green = pd.DataFrame({"year": 2020, "facility": ["a"] * 5 + ["b"] * 5,
                          "colour": ["green", "yellow", "orange", "red", "purple"] * 2,
                          "share": [1, 0, 0, 0, 0] * 2})
    red = green.assign(share=[0, 0, 0, 1, 0] * 2)
    w = establishment(counts, green).set_index("facility")
    assert w.loc["b", "wte"] == pytest.approx(2 * w.loc["a", "wte"])
    assert (establishment(counts, red)["wte"] > establishment(counts, green)["wte"]).all()
    none = Workload(allowance=0.0)
    ratio = (establishment(counts, green)["wte"] / establishment(counts, green, none)["wte"])
    assert ratio.to_numpy() == pytest.approx(1.15)
    # The RCOG/RCM reference: 1 whole-time midwife per 28 births.
    assert w.loc["a", "wte_reference"] == pytest.approx(1000 / 28)
    with pytest.raises(ScenarioError, match="hours"):
        validate_model(Workload, {"hours": {"green": {"labour": 5}}}, "workload")
    with pytest.raises(ScenarioError, match="allowance"):
        validate_model(Workload, {"allowance": -0.1}, "workload")


def test_township_casemix_holds_only_the_colours_it_may_deliver():
    mix = planned_casemix(validate_scenario(base_dict()))
    town = mix[mix["facility"] == "town"].set_index("colour")["share"]
    county = mix[mix["facility"] == "county"].set_index("colour")["share"]
    assert town["green"] == pytest.approx(1.0)
    assert county.sum() == pytest.approx(1.0) and county["yellow"] > 0.3


def _casemix(data: dict, facility: str) -> pd.Series:
    mix = planned_casemix(validate_scenario(data))
    return mix[mix["facility"] == facility].set_index("colour")["share"]


def test_casemix_sends_planned_caesareans_where_a_caesarean_can_run():
    # Every colour may deliver at the township centre, but it has no theatre: its red women,
    # all with a planned caesarean, plan to deliver at the county hospital.
    data = base_dict(referral={"eligibility": {c: {"min_level": "township"} for c in COLOURS}},
                     demand={"planned_caesarean_rate": {**{c: 0.0 for c in COLOURS},
                                                        "red": 1.0}})
    assert _casemix(data, "town")["red"] == 0
    assert _casemix(data, "town")["green"] == pytest.approx(0.5 / 0.97)


def test_casemix_follows_a_dated_referral_change():
    # From before the reported period yellow women may deliver at the township centre.
    data = base_dict(referral={"changes": [{"date": "2019-12-15", "eligibility": {
        "yellow": {"min_level": "township"}}}]})
    assert _casemix(data, "town")["yellow"] == pytest.approx(0.3 / 0.8)


def test_casemix_follows_deliveries_started_and_stopped_by_policy():
    town = base_dict()["facilities"][1]
    started = base_dict(facilities=[base_dict()["facilities"][0], {**town, "delivers": False}],
                        policy=[{"date": "2019-12-20", "facility": "town", "delivers": True}])
    assert _casemix(started, "town")["green"] == pytest.approx(1.0)
    stopped = base_dict(policy=[{"date": "2019-12-20", "facility": "town", "delivers": False}])
    assert _casemix(stopped, "county")["green"] == pytest.approx(0.5)


def test_casemix_shares_a_split_facility_s_referrals_by_its_weights():
    # The township refers 70% of its women to the county hospital and 30% to the MCH
    # hospital: its yellow to purple women (risk referrals) and its green ones with a planned
    # caesarean (it has no theatre) reach each in those shares; its other green women stay.
    data = base_dict()
    data["facilities"].append({"id": "mch", "name": "妇幼保健院", "level": "mch", "beds": 20,
                               "midwives": 10, "obstetricians": 4, "theatres": 1,
                               "capabilities": ["caesarean"]})
    data["demand"]["booking"] = {"county": 0.4, "mch": 0.4, "town": 0.2}
    data["referral"] = {"split": {"town": {"county": 0.7, "mch": 0.3}}}
    mix, planned = data["demand"]["risk_mix"], 0.1
    for fid, own, weight in (("mch", 0.4, 0.3), ("county", 0.4, 0.7)):
        mass = {c: mix[c] * (own + 0.2 * weight * (planned if c == "green" else 1.0))
                for c in COLOURS}
        got = _casemix(data, fid)
        for c in COLOURS:
            assert got[c] == pytest.approx(mass[c] / sum(mass.values()), rel=1e-9), (fid, c)
    # Without the split every referral goes first to the county hospital.
    del data["referral"]
    assert _casemix(data, "mch")["yellow"] == pytest.approx(mix["yellow"])


@pytest.mark.filterwarnings("ignore:Glyph")  # Chinese facility names without a CJK font
def test_size_command_writes_the_table_and_rejects_bad_levels(tmp_path, capsys):
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(network(), allow_unicode=True), encoding="utf-8")
    folder = tmp_path / "sized"
    out, png = folder / "sizing.csv", folder / "sizing.png"
    main(["size", str(path), "-n", "4", "--seed", "2", "--workers", "1",
          "--service-level", "occupancy=off", "--out", str(folder)])
    printed = capsys.readouterr().out
    table = pd.read_csv(out)
    assert list(table.columns) == COLUMNS
    assert (table["facility"] == REGION).sum() == 1 and png.stat().st_size > 0
    assert "occupancy" not in printed.split("\n")[0]
    assert main(["size", str(path), "--service-level", "no_bed=1.5"]) == 2
    assert "no_bed" in capsys.readouterr().err


@pytest.mark.parametrize(("region", "level", "code", "verdict"), [
    (steady_loss_system, "no_bed=30%", 0, "Every level confirmed"),
    (january_loss_system, "no_bed=1%", 1, "NOT confirmed"),
], ids=["confirmed", "not-confirmed"])
def test_size_command_exits_0_only_when_every_level_is_confirmed(tmp_path, capsys, region,
                                                                 level, code, verdict):
    """One round at the queueing start: met for the steady system, far from met for the
    January one (see the tests of one round above)."""
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(region()), encoding="utf-8")
    assert main(["size", str(path), "-n", "4", "--seed", "5", "--workers", "1", "--rounds",
                 "1", "--service-level", level, "--service-level", "occupancy=off",
                 "--lang", "en"]) == code
    printed = capsys.readouterr().out
    assert verdict in printed and "1 simulation(s) of the region" in printed


def test_progress_counts_the_replications_of_every_simulation_sizing_ran():
    """One count over the ample-capacity run and every distinct round; its total starts as the
    most the rounds could run and closes at what they ran."""
    calls: list[tuple[int, int]] = []
    result = size(validate_scenario(steady_loss_system()), {"no_bed": 0.3, "occupancy": None},
                  replications=3, seed=5, workers=1, rounds=4,
                  progress=lambda done, total: calls.append((done, total)))
    ran = 3 * (1 + result.simulations)
    assert [done for done, _ in calls[:ran]] == list(range(1, ran + 1))
    assert all(total == 3 * 5 for _, total in calls[:ran])
    assert calls[-1] == (ran, ran)


def test_ratio_standards_the_scenario_switches_off_are_not_compared():
    from capsim.sizing.compare import ratio_count
    from capsim.sizing.levels import ratio_standards

    assert ratio_standards() == ratio_standards(validate_scenario(base_dict()))
    scen = validate_scenario(base_dict(targets={"standards": {
        "beds-per-1000": False, "midwives-per-1000": {"threshold": 8}}}))
    standards = ratio_standards(scen)
    assert standards.beds_per_1000 is None and standards.midwives_per_1000 == 8
    assert ratio_count(1000, standards.beds_per_1000) is pd.NA
    assert ratio_count(1000, standards.midwives_per_1000) == 8


def test_a_capacity_plan_keeps_two_bed_pools_and_a_facility_roster():
    d = base_dict()
    county = d["facilities"][0]
    county.update(ward_beds=county.pop("beds"), delivery_beds=4,
                  roster={"shifts": [{"start": 8, "midwives": 12}, {"start": 20, "midwives": 4}]})
    scen = validate_scenario(d)
    out = with_capacity(scen, {"county": {2020: {"beds": 44, "midwives": 3}}})
    county = out.facility("county")
    assert (county.beds, county.ward_beds, county.delivery_beds) == (44, 44, 4)
    assert county.midwives == 20 and county.roster == scen.facility("county").roster


def test_a_capacity_plan_sets_delivery_beds_year_by_year_and_replaces_their_changes():
    from datetime import date

    from capsim.scenario.calendar import capacity_schedule

    d = base_dict(policy=[{"date": "2020-06-01", "facility": "county", "delivery_beds": 3}])
    d["horizon"] = {"start": "2020-01-01", "years": 2, "warmup_days": 30}
    d["facilities"][0].update(delivery_beds=4)
    scen = validate_scenario(d)
    out = with_capacity(scen, {"county": {2020: {"delivery_beds": 5},
                                          2021: {"delivery_beds": 8}}})
    schedule = capacity_schedule(out)
    on = {day: schedule.on(day)[0].delivery_beds
          for day in (date(2020, 3, 1), date(2020, 9, 1), date(2021, 3, 1))}
    assert on == {date(2020, 3, 1): 5, date(2020, 9, 1): 5, date(2021, 3, 1): 8}


def test_a_two_pool_unit_gets_the_erlang_b_delivery_bed_count_and_simulation_confirms_it():
    # One facility with two pools: each woman in labour holds a delivery bed for her labour
    # and her recovery, then a ward bed for her stay. Delivery beds are a loss system on that
    # hold; sizing gives the Erlang-B count, confirmed by the time all delivery beds are taken.
    deliveries, labour, recovery, target = 3900.0, 7.0, 2.0, 0.02
    d = loss_system(beds=60, deliveries=deliveries, los={"dist": "fixed", "mean": 3.0})
    d["facilities"][0].update(ward_beds=d["facilities"][0].pop("beds"), delivery_beds=20)
    d["pathway"].update(labour={"dist": "exponential", "mean": labour},
                        recovery_hours=recovery)
    load = deliveries / (365.25 * 24) * (labour + recovery)  # erlangs of delivery beds
    theory = min_servers_loss(load, target)
    result = size(validate_scenario(d), {"no_bed": target, "occupancy": None, "midwife": None,
                                         "ddi": None}, replications=12, seed=3, workers=1)
    assert_conserved(result.results)
    need = result.requirements.set_index("resource")
    assert need.loc["delivery_beds", "load"] == pytest.approx(load, rel=0.05)
    # Within the simulation's tolerance: the interval rule may ask one bed more.
    assert theory <= need.loc["delivery_beds", "needed"] <= theory + 1
    assert need.loc["delivery_beds", "met"]
    assert result.scenario.facility("unit").delivery_beds == need.loc["delivery_beds", "needed"]
    row = result.checks.set_index("resource").loc["delivery_beds"]
    assert row["metric"] == "delivery_beds_full_share" and row["ci_high"] <= target
    # The ward beds are read by the time they are all taken, not by women turned away (who
    # found no delivery bed).
    assert result.checks.set_index("resource").loc["beds", "metric"] == "beds_full_share"
    table = result.comparison.set_index("facility")
    assert table.loc["unit", "delivery_beds_now"] == 20
    assert table.loc["unit", "delivery_beds_gap"] == need.loc["delivery_beds", "needed"] - 20
    assert any("delivery beds are sized" in note for note in result.notes)


def test_sizing_without_the_no_bed_level_keeps_the_delivery_beds_and_says_so():
    d = base_dict(horizon={"start": "2020-01-01", "days": 60, "warmup_days": 10})
    county = d["facilities"][0]
    county.update(delivery_beds=4)
    result = size(validate_scenario(d), {"no_bed": None}, replications=2, rounds=2,
                  workers=1)
    assert result.scenario.facility("county").delivery_beds == 4
    assert "delivery_beds" not in set(result.requirements["resource"])
    assert any("delivery beds are kept as they are" in note for note in result.notes)
