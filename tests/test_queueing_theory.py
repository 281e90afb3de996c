"""The model against queueing theory.

(a) A facility reduced to a loss system reproduces the Erlang-B blocking probability, for two
length-of-stay distributions with the same mean (Erlang-B depends on the mean only).
(b) Midwives reduced to an M/M/c delay system reproduce the Erlang-C probability of waiting.

Each check asserts that the theoretical value lies inside the simulation's 95% confidence
interval (widened by a small allowance for the discarded warm-up bias), so it could fail.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import FULL, engine_run, loss_system, run_checked

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


def census_moments(net, record, facility: int = 0) -> tuple[float, float]:
    """Time-weighted mean and variance of the women in beds at ``facility`` over the reported
    period, from the bed stays of one replication (women, women squared)."""
    t0, t1 = net.t_stats_h, net.t_end_h
    at = record.stay_facility == facility
    starts, ends = record.stay_start_h[at], record.stay_end_h[at]
    times = np.concatenate([starts, ends, [t0, t1]])
    steps = np.concatenate([np.ones_like(starts), -np.ones_like(ends), [0.0, 0.0]])
    order = np.argsort(times, kind="stable")
    times, census = times[order], np.cumsum(steps[order])[:-1]
    inside = (times[:-1] >= t0) & (times[1:] <= t1)
    hours, census = np.diff(times)[inside], census[inside]
    mean = float(np.average(census, weights=hours))
    return mean, float(np.average((census - mean) ** 2, weights=hours))


def test_uncapped_ward_occupancy_is_poisson_mean():
    """With beds never full, the mean census is the offered load (Little's law), and the ward is
    an M/G/infinity system: its census is Poisson, so its variance equals the load too. The
    variance, read from the bed stays of each replication, is within 15% of the load (about
    three standard errors of the mean of 8 replications)."""
    deliveries, los = 1500.0, 2.5
    scenario = loss_system(200, deliveries, {"dist": "lognormal", "mean": los, "sd": 1})
    res = run_checked(scenario, replications=8, seed=3)
    load = deliveries / 365.25 * (los + 0.001 / 24)
    mean, lo, hi = ci(res, "occupancy_mean")
    assert lo * 200 * 0.99 <= load <= hi * 200 * 1.01
    assert ci(res, "turned_away_share")[0] == 0
    moments = np.asarray([census_moments(*engine_run(scenario, r, seed=3)[::2])
                          for r in range(8)])
    # The stays give the census the results report: their mean is the occupancy's.
    assert moments[:, 0].mean() == pytest.approx(mean * 200, rel=1e-6)
    assert moments[:, 1].mean() == pytest.approx(load, rel=0.15), (moments, load)
