"""Multi-year horizons: demand projections, dated events (demand, capacity, referral rule,
caesarean rates) taking effect at their dates, and yearly rows that add up to the whole
period."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, assert_conserved, base_dict, run_checked

from capsim import ScenarioError, load_scenario, simulate, validate_scenario
from capsim.demand import build_cohort, expected_daily_deliveries
from capsim.reference import china_births, series_index
from capsim.targets.planned import planned_readings
from capsim.timeline import planned_deliveries_by_year

WOMEN = {"15-19": 10_000, "20-24": 12_000, "25-29": 14_000, "30-34": 13_000,
         "35-39": 11_000, "40-44": 10_000, "45-49": 9_000}
ASFR = {"15-19": 5.0, "20-24": 60.0, "25-29": 95.0, "30-34": 55.0, "35-39": 20.0,
        "40-44": 4.0, "45-49": 0.5}


def multi_year(**overrides) -> dict:
    """The two-facility region over 1 March 2020 - 1 March 2022 (three calendar years)."""
    d = base_dict(**overrides)
    d["horizon"] = {"start": "2020-03-01", "years": 2, "warmup_days": 30}
    return d


def by_year(res, metric: str) -> pd.DataFrame:
    """Values of ``metric`` as a table [replication, facility] x year."""
    m = res.metrics
    return m[m.metric == metric].pivot_table(index=["replication", "facility"],
                                             columns="year", values="value")


def test_yearly_rows_add_up_to_the_whole_period():
    d = multi_year(policy=[{"date": "2021-05-01", "facility": "county", "beds": 10,
                            "midwives": 4}])
    res = run_checked(d, replications=2, seed=5)
    years = ["2020", "2021", "2022"]
    assert sorted(set(res.metrics["year"])) == [*years, "all"]
    for metric in ("arrivals", "deliveries", "emergency_caesareans"):
        t = by_year(res, metric)
        np.testing.assert_array_equal(t[years].sum(axis=1), t["all"])
    # Time averages are day-weighted; 306, 365 and 59 reported days.
    days = pd.Series({"2020": 306, "2021": 365, "2022": 59})
    for metric in ("beds", "midwives", "deliveries_per_year", "days_above_85_share"):
        t = by_year(res, metric)
        np.testing.assert_allclose((t[years] * days).sum(axis=1) / days.sum(), t["all"])
    # Shares are weighted by their denominators; occupancy by bed-days.
    for share, weight in (("turned_away_share", "arrivals"), ("caesarean_share", "deliveries"),
                          ("occupancy_mean", "beds")):
        t, w = by_year(res, share), by_year(res, weight)[years]
        if weight == "beds":
            w = w * days
        np.testing.assert_allclose((t[years] * w).sum(axis=1) / w.sum(axis=1), t["all"])
    flows = res.flows
    assert set(flows["year"]) <= {2020, 2021, 2022}


def test_demand_event_multiplies_days_from_its_date():
    d = base_dict(demand={"events": [{"date": "2020-07-01", "multiplier": 1.5}]})
    lam = expected_daily_deliveries(validate_scenario(d))
    day = (dt.date(2020, 7, 1) - dt.date(2019, 12, 2)).days  # 30 warm-up days before 2020
    assert lam[day] == pytest.approx(1.5 * lam[day - 1])
    assert lam[day - 1] == pytest.approx(lam[day - 2])


def test_referral_rule_change_takes_effect_at_its_date():
    # From 2021 green women too must deliver at level II: the township receives nobody.
    d = multi_year(referral={"changes": [{"date": "2021-01-01",
                                          "eligibility": {"green": {"min_level": "county"}}}]})
    res = run_checked(d, replications=2, seed=3)
    town = by_year(res, "arrivals").xs("town", level="facility")
    assert (town["2020"] > 50).all()
    assert (town["2021"] == 0).all() and (town["2022"] == 0).all()
    flows = res.flows
    risk = flows[(flows["reason"] == "risk_referral") & (flows["from"] == "town")]
    per_year = risk.groupby("year")["count"].sum() / 2
    # Before: only yellow and above (about half of the town's bookings); after: all of them.
    assert per_year[2021] > 1.5 * per_year[2020] * 365 / 306


def test_caesarean_rate_change_keeps_every_womans_numbers():
    colours = ("green", "yellow", "orange", "red", "purple")
    no_antenatal = {"antenatal": {c: {"probability": 0} for c in colours}}
    base = validate_scenario(base_dict(pathway=no_antenatal))
    changed = validate_scenario(base_dict(pathway=no_antenatal, demand={"caesarean_changes": [
        {"date": "2020-07-01", "planned": {c: 0.3 for c in colours}}]}))
    a, b = build_cohort(base, 0, 11), build_cohort(changed, 0, 11)
    # The same women: a cohort is sorted by time, and a new planned caesarean moves a woman, so
    # match them by their labour duration (a continuous draw of their own).
    b = reorder(b, np.argsort(b.labour_h)[np.argsort(np.argsort(a.labour_h))])
    np.testing.assert_array_equal(a.labour_h, b.labour_h)
    np.testing.assert_array_equal(a.risk, b.risk)
    # A planned caesarean is moved at most two days earlier (weekends) and starts by noon.
    hour = (np.datetime64("2020-07-01") - np.datetime64("2019-12-02")).astype(int) * 24.0
    before, after = a.admit_h < hour - 72, a.admit_h >= hour + 24
    np.testing.assert_array_equal(a.planned_cs[before], b.planned_cs[before])
    assert (b.planned_cs[after] >= a.planned_cs[after]).all()  # a planned caesarean stays one
    assert b.planned_cs[after].mean() == pytest.approx(0.3, abs=0.04)
    assert a.planned_cs[after].mean() == pytest.approx(0.1, abs=0.03)


def reorder(cohort, order: np.ndarray):
    """The cohort's per-woman arrays in ``order`` (those it holds for every woman)."""
    return SimpleNamespace(**{f.name: getattr(cohort, f.name)[order] for f in fields(cohort)
                              if getattr(cohort, f.name).shape[0] == order.shape[0]})


def test_shipped_national_births_and_their_source():
    medium, low = china_births("medium"), china_births("low")
    assert medium.set_index("year").loc[2016, "births"] == 17_860_000
    actual = medium[medium["kind"] == "actual"]
    pd.testing.assert_frame_equal(actual, low[low["kind"] == "actual"])
    assert list(actual["year"]) == list(range(2010, 2026))
    assert (medium["source"].str.len() > 0).all()
    assert series_index("china-births-low")[2030] < series_index("china-births")[2030]


def test_trend_scales_deliveries_to_national_births():
    s = load_scenario(SCENARIOS / "nanjiang-15th-fyp.yaml")
    births = series_index("china-births")
    planned = planned_deliveries_by_year(s).set_index("year")["deliveries"]
    assert planned[2030] == pytest.approx(5600 * births[2030] / births[2016])
    low = load_scenario(SCENARIOS / "nanjiang-15th-fyp-low.yaml")
    planned_low = planned_deliveries_by_year(low).set_index("year")["deliveries"]
    assert (planned_low < planned).all() and planned_low.is_monotonic_decreasing


def test_trend_outside_its_index_is_rejected():
    d = base_dict(demand={"trend": {"series": "china-births", "base_year": 2016}})
    d["horizon"] = {"start": "2031-01-01", "years": 1}
    with pytest.raises(ScenarioError, match=r"demand.trend: the index covers 2010-2030"):
        validate_scenario(d)


def test_deliveries_derived_from_women_and_fertility():
    pop = {"women": {2020: WOMEN, 2024: {g: 2 * n for g, n in WOMEN.items()}},
           "fertility": ASFR, "fertility_multiplier": {2021: 1.1},
           "delivered_in_region": 0.9}
    d = base_dict(demand={"population": pop})
    del d["demand"]["deliveries"]
    d["horizon"] = {"start": "2020-01-01", "years": 2, "warmup_days": 0}
    s = validate_scenario(d)
    births_2020 = sum(WOMEN[g] * ASFR[g] / 1000 for g in WOMEN)
    planned = planned_deliveries_by_year(s).set_index("year")["deliveries"]
    assert planned[2020] == pytest.approx(births_2020 * 0.9)
    # 2021 is a quarter of the way to twice the women, with the policy multiplier.
    assert planned[2021] == pytest.approx(births_2020 * 1.25 * 1.1 * 0.9)
    assert expected_daily_deliveries(s).sum() == pytest.approx(planned.sum())
    res = run_checked(d, replications=1, seed=2)
    assert res.accounting["arrivals"].iloc[0] == pytest.approx(planned.sum(), rel=0.05)


@pytest.mark.parametrize("change, message", [
    ({"population": {"women": {2020: {"50-54": 10}}, "fertility": {"15-19": 1}}},
     "unknown age group(s) 50-54"),
    ({"population": {"women": {2020: {"15-19": 10}}, "fertility": {"15-19": 1}}},
     "give exactly one of 'deliveries'"),
    ({"trend": {"index": {2019: 1.0}, "base_year": 2016}}, "base_year 2016 is not in the index"),
    ({"trend": {"series": "china-births", "base_year": 2016}, "annual_growth": 0.02},
     "annual_growth cannot be combined"),
    ({"caesarean_changes": [{"date": "2020-05-01", "planned": {"green": 1.5}}]},
     "planned.green must be a probability"),
])
def test_bad_projection_or_change_is_named(change, message):
    with pytest.raises(ScenarioError) as exc:
        validate_scenario(base_dict(demand=change))
    assert "demand" in str(exc.value) and message in str(exc.value)


def test_thirteenth_plan_reproduces_40_beds_per_1000_in_2020():
    s = load_scenario(SCENARIOS / "nanjiang-13th-fyp.yaml")
    p = planned_readings(s)
    region = p[p["scope"] == "region"].pivot(index="year", columns="metric", values="value")
    assert region.loc[2016, "beds_per_1000_deliveries"] == pytest.approx(33.75)
    assert region.loc[2020, "beds"] == 189 + 90
    assert region.loc[2020, "deliveries_per_year"] == 7000
    assert region.loc[2020, "beds_per_1000_deliveries"] == pytest.approx(279 / 7000 * 1000)
    assert round(region.loc[2020, "beds_per_1000_deliveries"]) == 40
    staff = region.loc[2020, ["midwives", "obstetricians"]].sum()
    assert staff - region.loc[2016, ["midwives", "obstetricians"]].sum() == 30


def test_thirteenth_plan_runs_and_beds_open_on_their_dates():
    """The plan's new beds are used from their dates and not before: with the plan's demand
    doubled, so that its two county-level hospitals fill up, each hospital's census stays
    within its old beds on every day before its new wing opens and goes above them after,
    within the new total, on every replication."""
    s = load_scenario(SCENARIOS / "nanjiang-13th-fyp.yaml")
    res = simulate(s, replications=1, workers=1)
    assert_conserved(res)
    d = s.model_dump(mode="json")
    d["demand"]["deliveries_by_year"] = {y: 2 * n for y, n in
                                         s.demand.deliveries_by_year.items()}
    busy = simulate(validate_scenario(d), replications=2, workers=1)
    assert_conserved(busy)
    ids = list(busy.network.ids)
    for fid, opened, before, after in (("county-hospital", dt.date(2018, 1, 1), 80, 110),
                                       ("county-mch", dt.date(2019, 1, 1), 60, 90)):
        day = (opened - s.horizon.start).days
        for rep in busy.replications:
            census = rep.daily_census[ids.index(fid)]
            assert before - 1 < census[:day].max() <= before + 1e-4, fid
            assert before + 1 < census[day:].max() <= after + 1e-4, fid


def test_facility_that_starts_deliveries_receives_women_from_its_date():
    d = multi_year(policy=[{"date": "2021-01-01", "facility": "town", "delivers": True}])
    d["facilities"][1]["delivers"] = False
    res = run_checked(d, replications=1, seed=4)
    town = by_year(res, "deliveries").xs("town", level="facility")
    assert (town["2020"] == 0).all() and (town["2021"] > 100).all()


def test_consolidation_variant_moves_township_women_to_the_county_hospital():
    s = load_scenario(SCENARIOS / "nanjiang-15th-fyp-consolidate.yaml")
    res = simulate(s, replications=1, workers=1)
    assert_conserved(res)
    deliveries = by_year(res, "deliveries")
    towns = deliveries[deliveries.index.get_level_values("facility").str.startswith("township")]
    assert (towns["2026"] > 0).all()
    # Women already in labour on 1 January 2027 still deliver there; nobody after.
    assert (towns["2027"] <= 3).all()
    assert (towns[["2028", "2029", "2030"]] == 0).all().all()
    flows = res.flows
    moved = flows[(flows["reason"] == "planned_referral") & (flows["year"] >= 2027)]
    assert set(moved["to"]) == {"county-hospital"}
