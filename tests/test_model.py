"""Facts about the model that could be false: reproducibility, common random numbers,
monotonicity, extreme values, conservation and the flows of women."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, assert_conserved, base_dict, run_checked

from capsim import load_scenario, simulate, validate_scenario
from capsim.demand import build_cohort, expected_daily_deliveries


def test_seeded_run_is_reproduced_exactly(two_facility):
    a = run_checked(two_facility, replications=3, seed=99)
    b = run_checked(two_facility, replications=3, seed=99)
    pd.testing.assert_frame_equal(a.metrics, b.metrics)
    pd.testing.assert_frame_equal(a.flows, b.flows)
    np.testing.assert_array_equal(a.daily_census, b.daily_census)


def test_other_seed_gives_other_results(two_facility):
    a = run_checked(two_facility, replications=2, seed=1)
    b = run_checked(two_facility, replications=2, seed=2)
    assert not a.metrics["value"].equals(b.metrics["value"])


def test_parallel_equals_serial(two_facility):
    serial = run_checked(two_facility, replications=4, seed=3, workers=1)
    parallel = run_checked(two_facility, replications=4, seed=3, workers=2)
    pd.testing.assert_frame_equal(serial.metrics, parallel.metrics)
    pd.testing.assert_frame_equal(serial.flows, parallel.flows)


def test_common_random_numbers_same_women_whatever_the_beds(two_facility):
    a = validate_scenario(two_facility)
    more = dict(two_facility)
    more["facilities"] = [dict(f) for f in two_facility["facilities"]]
    more["facilities"][0]["beds"] = 60
    b = validate_scenario(more)
    ca, cb = build_cohort(a, 0, 5), build_cohort(b, 0, 5)
    for name in ("admit_h", "risk", "booked", "labour_h", "los_caesarean_h"):
        np.testing.assert_array_equal(getattr(ca, name), getattr(cb, name))


def test_longer_stay_keeps_the_same_women_longer(two_facility):
    a = validate_scenario(two_facility)
    b = validate_scenario(base_dict(pathway={"postnatal_los": {
        "vaginal": {"dist": "lognormal", "mean": 4.0, "sd": 1.2}}}))
    ca, cb = build_cohort(a, 0, 5), build_cohort(b, 0, 5)
    np.testing.assert_array_equal(ca.admit_h, cb.admit_h)
    assert (cb.los_vaginal_h > ca.los_vaginal_h).all()


def test_more_beds_never_turn_more_women_away():
    shares = []
    for beds in (6, 10, 16, 30):
        d = base_dict()
        d["facilities"][0]["beds"] = beds
        res = run_checked(d, replications=3, seed=4)
        s = res.summary()
        shares.append(float(s[(s.facility == "county") & (s.metric == "turned_away_share")]["mean"].iloc[0]))
    assert shares == sorted(shares, reverse=True)
    assert shares[0] > shares[-1]


def test_no_free_beds_anywhere_sends_women_out_of_region():
    d = base_dict(demand={"deliveries": 20000})
    d["facilities"][0]["beds"] = 2
    d["facilities"][1]["beds"] = 1
    res = run_checked(d, replications=2, seed=1)
    s = res.summary()
    out = s[(s.facility == "region") & (s.metric == "out_of_region_share")]["mean"].iloc[0]
    assert out > 0.8
    flows = res.flow_summary()
    assert (flows["to"] == "out-of-region").any()


def test_expected_deliveries_match_the_scenario(two_facility):
    s = validate_scenario(base_dict(horizon={"start": "2020-01-01", "days": 366,
                                             "warmup_days": 0},
                                    demand={"month_profile": [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]}))
    lam = expected_daily_deliveries(s)
    assert lam.sum() == pytest.approx(2000)
    assert lam[0] == pytest.approx(2 * lam[40])  # January twice March


def test_delivered_count_matches_poisson_demand(two_facility):
    res = run_checked(two_facility, replications=6, seed=8)
    s = res.summary()
    r = s[(s.facility == "region") & (s.metric == "deliveries_per_year")].iloc[0]
    # 2000 a year, Poisson: a replication's sd is about 45; the interval must hold 2000.
    assert r["ci_low"] - 5 <= 2000 <= r["ci_high"] + 5


def test_high_risk_women_never_deliver_at_township(two_facility):
    res = run_checked(two_facility, replications=2, seed=2)
    f = res.flow_summary()
    risk = f[f.reason == "risk_referral"]
    assert set(risk["from"]) == {"town"} and set(risk["to"]) == {"county"}
    # About half of the township's women are yellow or above.
    rep = res.metrics
    arrivals_town = rep[(rep.facility == "town") & (rep.metric == "arrivals") & (rep.year == "all")]
    assert arrivals_town["value"].mean() < 0.2 * 2000 * 0.6


def test_emergency_caesarean_at_township_is_transferred(two_facility):
    res = run_checked(two_facility, replications=2, seed=2)
    f = res.flow_summary()
    em = f[f.reason == "emergency_transfer"]
    assert not em.empty and set(em["from"]) == {"town"}
    s = res.summary()
    cs = s[(s.facility == "town") & (s.metric == "caesarean_share")]["mean"].iloc[0]
    assert cs == 0


def test_policy_adds_beds_on_its_date():
    d = base_dict(policy=[{"date": "2020-07-01", "facility": "county", "beds": 20}])
    res = run_checked(d, replications=1, seed=1)
    daily = res.daily()
    county = daily[daily.facility == "county"].set_index("date")
    import datetime as dt

    assert county.loc[dt.date(2020, 6, 30), "beds"] == 30
    assert county.loc[dt.date(2020, 7, 1), "beds"] == 50


def test_census_never_exceeds_beds(two_facility):
    res = run_checked(base_dict(demand={"deliveries": 6000}), replications=2, seed=3)
    daily = res.daily()
    assert (daily["census_mean"] <= daily["beds"] + 1e-9).all()


@pytest.mark.parametrize("name", ["nanjiang-2016", "putuo-2024", "jizhou-alliance"])
def test_shipped_scenario_runs_and_conserves_women(name):
    scen = load_scenario(SCENARIOS / f"{name}.yaml")
    res = simulate(scen, replications=2, workers=1)
    assert_conserved(res)
    s = res.summary()
    assert set(s["facility"]) >= {f.id for f in scen.facilities} | {"region"}


def test_share_intervals_stay_within_zero_and_one():
    d = base_dict()
    d["facilities"][1]["midwives"] = 2  # small unit: timely-midwife shares close to 1
    res = run_checked(d, replications=3, seed=6)
    s = res.summary(year=None)
    shares = s[(s["unit"] == "share") & s["mean"].notna()]
    assert not shares.empty
    assert (shares["ci_low"].dropna() >= 0).all() and (shares["ci_high"].dropna() <= 1).all()
    assert (shares["ci_low"].dropna() <= shares.loc[shares["ci_low"].notna(), "mean"] + 1e-12).all()
