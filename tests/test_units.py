"""A facility as a real unit runs it: delivery beds apart from ward beds, its own roster by
shift, and the ratio midwife rule, against theory and against counts made by hand.

(The two pools and access block are compared woman by woman with the simpy model in
``test_engine_vs_simpy.py``.)
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import COLOURS, FULL, base_dict, loss_system, run_checked
from hypothesis import example, given, settings
from hypothesis import strategies as st

from capsim import time_use, validate_scenario
from capsim.demand import build_cohort
from capsim.model import compile_network, run_engine
from capsim.queueing import erlang_b
from capsim.results import reduce_replication
from capsim.time_use import MEASURES, idle, sweep_pools, time_at_counts


def ci(results, metric: str, facility: str = "unit") -> tuple[float, float, float]:
    s = results.summary()
    r = s[(s.facility == facility) & (s.metric == metric)].iloc[0]
    return r["mean"], r["ci_low"], r["ci_high"]


def unit(**facility) -> dict:
    """One facility with ample ward beds and staff, no caesareans and no antenatal stays (the
    loss system of conftest), changed by ``facility``."""
    d = loss_system(beds=10_000, deliveries=3000, los={"dist": "fixed", "mean": 3.0})
    d["facilities"][0].update(facility)
    return d


@pytest.mark.parametrize("labour", [
    {"dist": "exponential", "mean": 7.0},
    {"dist": "lognormal", "mean": 7.0, "sd": 3.5},
], ids=["exponential", "lognormal"])
def test_delivery_beds_alone_are_an_erlang_loss_system_with_stay_labour_plus_recovery(labour):
    # A woman in labour finds a delivery bed or leaves (one facility: out of the region); she
    # holds it for her labour and her recovery, then moves to an ample ward. Erlang-B depends
    # on the mean hold only: labour + recovery.
    deliveries, delivery_beds, recovery = 3900.0, 6, 2.0
    d = unit(ward_beds=10_000, delivery_beds=delivery_beds)
    del d["facilities"][0]["beds"]
    d["pathway"].update(labour=labour, recovery_hours=recovery)
    d["demand"]["deliveries"] = deliveries
    load = deliveries / 365.25 / 24 * (7.0 + recovery)  # erlangs of delivery beds
    expected = erlang_b(delivery_beds, load)
    assert 0.05 < expected < 0.2  # a regime where the check has power
    res = run_checked(d, replications=40 if FULL else 12, seed=11)
    mean, lo, hi = ci(res, "turned_away_share")
    assert lo - 0.005 <= expected <= hi + 0.005, (expected, mean, lo, hi)
    # Poisson arrivals see time averages: the time all delivery beds are taken is B too.
    mean, lo, hi = ci(res, "delivery_beds_full_share")
    assert lo - 0.005 <= expected <= hi + 0.005, (expected, mean, lo, hi)
    assert ci(res, "access_block_hours")[0] == 0  # the ward is never full


def labour_care(net, rec, cohort) -> tuple[np.ndarray, np.ndarray]:
    """Start and end hours of each woman's labour care at facility 0 (to the horizon's end)."""
    cared = (rec.labour_facility == 0) & np.isfinite(rec.midwife_wait_h)
    start = rec.labour_start_h[cared] + rec.midwife_wait_h[cared]
    return start, np.minimum(start + cohort.labour_h[cared], net.t_end_h)


def test_the_ratio_rule_counts_the_time_over_the_midwives_as_a_hand_count_does():
    d = unit(midwives=2)
    d["horizon"] = {"start": "2021-01-01", "days": 4, "warmup_days": 1}
    d["pathway"].update(midwife_rule="ratio", labour={"dist": "exponential", "mean": 6.0})
    d["demand"]["deliveries"] = 4000  # about 11 a day, some 3 in labour at a time
    scenario = validate_scenario(d)
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0)
    rec = run_engine(net, cohort)
    start, end = labour_care(net, rec, cohort)
    assert (rec.midwife_wait_h[np.isfinite(rec.midwife_wait_h)] == 0).all()  # nobody waits
    # The hand count: walk the starts and ends in time order, adding the hours during which
    # more than two women are in care, within the reported period.
    t0, t1 = net.t_stats_h, net.t_end_h
    events = sorted([(t, +1) for t in start] + [(t, -1) for t in end])
    over_h, in_care, last = 0.0, 0, 0.0
    for t, step in events:
        if in_care > 2:
            over_h += max(0.0, min(t, t1) - max(last, t0))
        in_care += step
        last = t
    assert over_h > 5  # the trace has time over the ratio
    m = reduce_replication(net, rec, 0, 1).metrics
    got = m[(m.facility == "unit") & (m.year == "all")
            & (m.metric == "midwife_ratio_exceeded_share")]["value"].iloc[0]
    assert got == pytest.approx(over_h / (t1 - t0), rel=1e-9)
    # The engine's spans hold the same hours (the warm-up's included).
    spans = np.clip(rec.over_end_h, t0, t1) - np.clip(rec.over_start_h, t0, t1)
    assert spans.sum() == pytest.approx(over_h, rel=1e-9)


def test_a_facility_roster_puts_its_shifts_on_duty_hour_by_hour():
    # So many women in labour that a midwife is never idle: the women in care at each hour are
    # the midwives the roster puts on duty then (labour lasts half an hour, so at 45 minutes
    # past the hour every woman in care began after the hour's change).
    shifts = [{"name": "night", "start": 0, "midwives": 2},
              {"name": "am", "start": 8, "midwives": 5},
              {"name": "pm", "start": 17, "midwives": 3}]
    d = unit(midwives=6, roster={"shifts": shifts})
    d["horizon"] = {"start": "2021-01-01", "days": 3, "warmup_days": 1}
    d["pathway"].update(labour={"dist": "fixed", "mean": 0.5},
                        postnatal_los={"vaginal": {"dist": "fixed", "mean": 0.01},
                                       "caesarean": {"dist": "fixed", "mean": 0.01}})
    d["demand"]["deliveries"] = 150_000  # some 17 an hour; the midwives manage at most 10
    scenario = validate_scenario(d)
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0)
    rec = run_engine(net, cohort)
    start, end = labour_care(net, rec, cohort)
    roster = scenario.facilities[0].roster.midwives_on_duty()
    for hour in range(24, 24 * 4):
        t = hour + 0.75
        in_care = np.count_nonzero((start <= t) & (end > t))
        assert in_care == roster[hour % 24], (hour, in_care)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.floats(-10, 80), st.floats(0, 40)),
                max_size=12),
       st.lists(st.integers(0, 3), min_size=6, max_size=6))
def test_time_at_counts_equals_a_count_on_a_fine_grid(intervals, caps):
    # Intervals of three facilities over two days from t0 = 0; capacities by facility and day.
    capacity = np.asarray(caps, dtype=float).reshape(3, 2)
    fac = np.asarray([f for f, _, _ in intervals], dtype=np.int64)
    start = np.asarray([s for _, s, _ in intervals])
    end = start + np.asarray([n for _, _, n in intervals])
    got = time_at_counts(fac, start, end, capacity, 0.0)
    step = 1 / 64
    grid = np.arange(0, 48, step) + step / 2
    for f in range(3):
        mine = fac == f
        count = ((start[mine][:, None] <= grid) & (end[mine][:, None] > grid)).sum(axis=0)
        cap = capacity[f, (grid // 24).astype(int)]
        for day in range(2):
            sel = (grid >= 24 * day) & (grid < 24 * (day + 1))
            # Each interval end is off the grid by at most a step: a tolerance of the ends.
            tol = 2 * step * (len(intervals) + 1)
            assert got["empty"][f, day] == pytest.approx((count[sel] == 0).sum() * step,
                                                         abs=tol)
            full = (count[sel] >= cap[sel]) & (cap[sel] > 0)
            assert got["full"][f, day] == pytest.approx(full.sum() * step, abs=tol)
            assert got["load"][f, day] == pytest.approx(count[sel].sum() * step, abs=tol)


def _time_at_counts_by_one_sort(fac, start, end, capacity, t0):
    """`time_at_counts` as first written: every point sorted by (facility, time, step) in
    one sort of the three keys."""
    nf, days = capacity.shape
    t1 = t0 + 24.0 * days
    s, e = np.clip(start, t0, t1), np.clip(end, t0, t1)
    keep = e > s
    f, s, e = fac[keep], s[keep], e[keep]
    grid = t0 + 24.0 * np.arange(days + 1)
    times = np.concatenate([s, e, np.tile(grid, nf)])
    where = np.concatenate([f, f, np.repeat(np.arange(nf), days + 1)])
    step = np.concatenate([np.ones(s.shape[0]), -np.ones(e.shape[0]), np.zeros(nf * (days + 1))])
    order = np.lexsort((step, times, where))
    times, where, step = times[order], where[order], step[order]
    count = np.cumsum(step)
    length = np.zeros(times.shape[0])
    length[:-1] = np.where(where[1:] == where[:-1], times[1:] - times[:-1], 0.0)
    day = np.clip(((times - t0) // 24.0).astype(np.int64), 0, days - 1)
    cap = capacity[where, day]
    cell = where * days + day
    return {name: np.bincount(cell, weights=w, minlength=nf * days).reshape(nf, days)
            for name, w in (("empty", length * (count <= 0)),
                            ("full", length * ((count >= cap) & (cap > 0))),
                            ("load", length * count))}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(-12, 80), st.integers(0, 30),
                          st.sampled_from([0.0, 0.1, 1 / 3])), max_size=15),
       st.lists(st.integers(0, 3), min_size=9, max_size=9))
# An interval of no length inside another one's stretch: it counts nothing, and must not cut
# that stretch in two (whose hours would then add up differently in the last bit).
@example(intervals=[(2, 0, 0, 1 / 3), (2, 0, 1, 0.1)], caps=[0] * 9)
def test_time_at_counts_gives_the_bits_of_one_sort_of_all_three_keys(intervals, caps):
    # Whole hours, so that starts, ends and midnights tie often: the order among equal times
    # (ends, then the day's boundary, then starts) decides which hours count as empty or full.
    # From t0 = 0 the points are sorted by time and by facility; from a later t0, as one
    # number each (facility, the bits of the time, the step).
    # Swept compiled, then as plain Python (as under NUMBA_DISABLE_JIT=1).
    capacity = np.asarray(caps, dtype=float).reshape(3, 3)
    fac = np.asarray([f for f, *_ in intervals], dtype=np.int64)
    compiled = time_use._add_stretches
    for sweep in (compiled, getattr(compiled, "py_func", compiled)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(time_use, "_add_stretches", sweep)
            for t0 in (0.0, 1008.0):
                _check_sweeps(fac, intervals, capacity, t0)


def _check_sweeps(fac, intervals, capacity, t0):
    """`time_at_counts` of ``intervals`` from ``t0`` has the bits of one sort of all three
    keys, and two pools swept together those of each pool alone."""
    start = t0 + np.asarray([s + frac for _, s, _, frac in intervals], dtype=float)
    end = start + np.asarray([n for _, _, n, _ in intervals], dtype=float)
    got = time_at_counts(fac, start, end, capacity, t0)
    want = _time_at_counts_by_one_sort(fac, start, end, capacity, t0)
    for name in ("empty", "full", "load"):
        assert got[name].tobytes() == want[name].tobytes(), (t0, name)
    first = np.arange(fac.shape[0]) % 2 == 0
    both = sweep_pools([(fac[first], start[first], end[first], capacity, MEASURES),
                        (fac[~first], start[~first], end[~first], capacity + 1, MEASURES)], t0)
    for pool, mine, cap in ((0, first, capacity), (1, ~first, capacity + 1)):
        alone = time_at_counts(fac[mine], start[mine], end[mine], cap, t0)
        swept = both[pool] or idle(cap.shape, t0)
        for name in MEASURES:
            assert swept[name].tobytes() == alone[name].tobytes(), (t0, pool, name)


def test_a_warning_before_the_run_names_each_facility_whose_load_reaches_its_capacity(caplog):
    # Labour load 3000 a year x 7 h = 2.4 erlangs against two labour places; ample beds.
    d = unit(midwives=2)
    d["horizon"] = {"start": "2021-01-01", "days": 2, "warmup_days": 0}
    d["pathway"]["labour"] = {"dist": "fixed", "mean": 7.0}
    with caplog.at_level("WARNING", logger="capsim"):
        run_checked(d, replications=1)
    warned = [r.getMessage() for r in caplog.records if "offered load" in r.getMessage()]
    load = 3000 / (24 * 365.25) * 7.0
    assert warned == [f"capsim: unit: offered load {load:.1f} reaches its labour places "
                      "(midwives on duty), 2 (a queue for them would grow without end; women "
                      "wait or are turned away)"]
    caplog.clear()
    d["facilities"][0]["midwives"] = 3
    with caplog.at_level("WARNING", logger="capsim"):
        run_checked(d, replications=1)
    assert not [r for r in caplog.records if "offered load" in r.getMessage()]


def test_a_weighted_split_shares_a_facility_s_referrals_by_its_weights():
    # Every woman booked at the township is yellow: referred by the risk rule, 70% to the
    # county hospital and 30% to the MCH hospital, instead of all to the first in order.
    d = base_dict(run={"replications": 1, "seed": 3})
    d["facilities"].append({"id": "mch", "name": "妇幼保健院", "level": "mch", "beds": 40,
                            "midwives": 20, "obstetricians": 6, "theatres": 1,
                            "capabilities": ["caesarean"]})
    d["demand"].update(booking={"county": 0.2, "town": 0.8},
                       risk_mix={c: float(c == "yellow") for c in COLOURS})
    d["referral"] = {"split": {"town": {"county": 7, "mch": 3}}}
    scenario = validate_scenario(d)
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0)
    rec = run_engine(net, cohort)
    town, county, mch = 1, 0, 2
    from_town = rec.first[cohort.booked == town]
    share = np.count_nonzero(from_town == county) / from_town.shape[0]
    n = from_town.shape[0]
    assert n > 1000 and set(np.unique(from_town)) == {county, mch}
    assert abs(share - 0.7) < 4 * np.sqrt(0.21 / n), share
    # The rule without the simulation says the same (the load warning reads it).
    from capsim.scenario.referral import ReferralRule

    shares = {d.facility: w for d, w in ReferralRule(scenario).destinations(
        town, "yellow", False, scenario.horizon.start)}
    assert shares == pytest.approx({county: 0.7, mch: 0.3})


def test_the_offered_labour_loads_add_up_to_the_region_s_labours():
    # Every woman has somewhere to deliver in this region: the facilities' labour loads add up
    # to the region's labours an hour x mean labour, whatever the booking and risk shares.
    from capsim.scenario.offered import HOURS_PER_YEAR, offered_loads

    scenario = validate_scenario(base_dict())
    demand = scenario.demand
    labouring = sum(demand.risk_mix[c] * (1 - demand.planned_caesarean_rate[c])
                    for c in COLOURS)
    expected = (demand.deliveries / HOURS_PER_YEAR * labouring
                * scenario.pathway.labour.mean)
    got = sum(o.load for o in offered_loads(scenario) if o.pool == "midwives")
    assert got == pytest.approx(expected, rel=1e-12)
