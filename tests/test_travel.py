"""Travel and access: the time from each woman's booking facility to the facility where she
delivered, by booking facility and year, against a plain computation from the per-woman
record and the scenario's transfer minutes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import assert_conserved, base_dict, engine_run

from capsim import validate_scenario
from capsim.metrics import METRICS, TRAVEL_METRICS
from capsim.results import ALL_YEARS, REGION, Results, reduce_replication

TRANSFER_MIN = 45.0


@pytest.fixture(scope="module")
def closing_township():
    """Two years; the township stops delivering halfway through the first, so that its women
    travel 45 minutes to the county hospital from then on."""
    data = base_dict(
        horizon={"start": "2020-01-01", "days": 731, "warmup_days": 20},
        demand={"deliveries": 1500, "booking": {"county": 0.6, "town": 0.4}},
        referral={"transfers": [{"between": ["county", "town"], "minutes": TRANSFER_MIN}]},
        policy=[{"date": "2020-07-01", "facility": "town", "delivers": False}],
    )
    net, cohort, rec = engine_run(data, 0, 5)
    result = reduce_replication(net, rec, 0, 5)
    results = Results(validate_scenario(data), net, 5, [result])
    assert_conserved(results)
    return net, cohort, rec, results


def oracle(net, cohort, rec) -> pd.DataFrame:
    """Travel minutes of every counted delivery with its year and booking facility."""
    delivered = (rec.facility >= 0) & (rec.delivered_h >= net.t_stats_h) \
        & (rec.delivered_h < net.t_end_h)
    year = np.searchsorted(np.asarray(net.year_starts_h), rec.delivered_h, side="right") - 1
    frame = pd.DataFrame({
        "year": np.asarray(net.years)[year[delivered]].astype(str),
        "facility": np.asarray(net.ids)[cohort.booked[delivered]],
        "minutes": net.travel_h[cohort.booked[delivered], rec.facility[delivered]] * 60.0,
    })
    return pd.concat([frame, frame.assign(facility=REGION),
                      frame.assign(year=ALL_YEARS), frame.assign(year=ALL_YEARS,
                                                                 facility=REGION)])


def test_travel_metrics_are_registered_in_minutes_and_shares():
    for m in TRAVEL_METRICS:
        assert METRICS[m].unit in ("minutes", "share")


def test_travel_by_booking_facility_and_year_matches_the_women(closing_township):
    net, cohort, rec, results = closing_township
    assert rec.booked is not None and np.array_equal(rec.booked, cohort.booked)
    got = results.metrics.set_index(["year", "facility", "metric"])["value"]
    want = oracle(net, cohort, rec).groupby(["year", "facility"])["minutes"]
    expected = {
        "travel_mean_min": want.mean(),
        "travel_p95_min": want.quantile(0.95),
        "travel_over_30_share": want.apply(lambda x: (x > 30).mean()),
        "travel_over_60_share": want.apply(lambda x: (x > 60).mean()),
    }
    for metric, table in expected.items():
        for (year, fac), value in table.items():
            assert got[(year, fac, metric)] == pytest.approx(value, rel=1e-12, abs=1e-12), \
                (metric, year, fac)


def test_closing_the_township_sends_its_women_the_transfer_time(closing_township):
    *_, results = closing_township
    s = results.summary(year=None).set_index(["year", "facility", "metric"])["mean"]
    # Women booked at the county hospital deliver there: no travel at all.
    assert s[("2020", "county", "travel_mean_min")] == 0.0
    # The township's women travel only once it stops delivering: some in 2020, all in 2021.
    assert 0 < s[("2020", "town", "travel_over_30_share")] < 1
    assert s[("2021", "town", "travel_over_30_share")] == 1.0
    assert s[("2021", "town", "travel_mean_min")] == TRANSFER_MIN
    assert s[("2021", "town", "travel_over_60_share")] == 0.0
    assert s[("2020", "town", "travel_mean_min")] < s[("2021", "town", "travel_mean_min")]


def test_a_record_without_booking_facilities_gives_no_travel(closing_township):
    from dataclasses import replace

    net, _, rec, _ = closing_township
    result = reduce_replication(net, replace(rec, booked=None), 0, 5)
    m = result.metrics
    assert m[m["metric"].isin(TRAVEL_METRICS)]["value"].isna().all()
