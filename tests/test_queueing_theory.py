"""The model against queueing theory.

(a) A facility reduced to a loss system reproduces the Erlang-B blocking probability, for two
length-of-stay distributions with the same mean (Erlang-B depends on the mean only).
(b) Midwives reduced to an M/M/c delay system reproduce the Erlang-C probability of waiting.

Each check asserts that the theoretical value lies inside the simulation's 95% confidence
interval (widened by a small allowance for the discarded warm-up bias), so it could fail.
"""

from __future__ import annotations

import math

import pytest
from conftest import COLOURS, FULL, loss_system, run_checked

from capsim.queueing import erlang_b, erlang_c


def ci(results, metric: str, facility: str = "unit") -> tuple[float, float, float]:
    s = results.summary()
    r = s[(s.facility == facility) & (s.metric == metric)].iloc[0]
    return r["mean"], r["ci_low"], r["ci_high"]


@pytest.mark.parametrize("los", [
    {"dist": "exponential", "mean": 3.0},
    {"dist": "lognormal", "mean": 3.0, "sd": 1.0},
    {"dist": "fixed", "mean": 3.0},
], ids=["exponential", "lognormal", "fixed"])
def test_erlang_b_blocking(los):
    deliveries, beds = 2400.0, 22
    load = deliveries / 365.25 * (3.0 + 0.001 / 24)  # erlangs: arrivals/day x days in bed
    expected = erlang_b(beds, load)
    reps = 40 if FULL else 12
    res = run_checked(loss_system(beds, deliveries, los, days=365), replications=reps, seed=11)
    mean, lo, hi = ci(res, "turned_away_share")
    assert 0.05 < expected < 0.2  # a regime where the check has power
    assert lo - 0.003 <= expected <= hi + 0.003, (expected, mean, lo, hi)
    # With one facility and no diversion target, every woman turned away leaves the region.
    mean_out, _, _ = ci(res, "out_of_region_share")
    assert math.isclose(mean_out, mean)


def test_erlang_c_probability_of_waiting():
    deliveries, midwives = 3000.0, 4
    scen = loss_system(beds=10_000, deliveries=deliveries,
                       los={"dist": "fixed", "mean": 0.01})
    scen["facilities"][0]["midwives"] = midwives
    scen["pathway"]["labour"] = {"dist": "exponential", "mean": 6.0}
    rate_per_h = deliveries / 365.25 / 24
    load = rate_per_h * 6.0
    expected = erlang_c(midwives, load)
    reps = 40 if FULL else 12
    res = run_checked(scen, replications=reps, seed=5)
    mean, lo, hi = ci(res, "midwife_no_wait_share")
    p_wait = 1 - mean
    assert 0.1 < expected < 0.6
    assert 1 - hi - 0.005 <= expected <= 1 - lo + 0.005, (expected, p_wait, lo, hi)
    # Mean wait of M/M/c: C(c, a) / (c mu - lambda), in minutes.
    mu = 1 / 6.0
    expected_wait = expected / (midwives * mu - rate_per_h) * 60
    w, wlo, whi = ci(res, "midwife_wait_mean_min")
    assert wlo * 0.95 <= expected_wait <= whi * 1.05, (expected_wait, w, wlo, whi)


def test_uncapped_ward_occupancy_is_poisson_mean():
    """With beds never full, the mean census is the offered load (Little's law)."""
    deliveries, los = 1500.0, 2.5
    res = run_checked(loss_system(200, deliveries, {"dist": "lognormal", "mean": los, "sd": 1}),
                      replications=8, seed=3)
    load = deliveries / 365.25 * (los + 0.001 / 24)
    mean, lo, hi = ci(res, "occupancy_mean")
    assert lo * 200 * 0.99 <= load <= hi * 200 * 1.01
    assert ci(res, "turned_away_share")[0] == 0
    assert COLOURS[0] == "green"
