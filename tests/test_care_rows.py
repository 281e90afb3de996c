"""The care rows' compiled passes against plain numpy: every count by year and facility and
every monthly count as masks and bincounts find them, the bed-hours with the same bits as a
bincount a period, and the passes the same compiled and as plain Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from conftest import ROOT, base_dict
from hypothesis import given, settings
from hypothesis import strategies as st

from capsim import load_scenario, validate_scenario
from capsim.care import (
    _BIRTHS,
    _NEWBORNS,
    _NEWBORNS_MONTHLY,
    _NO_MEASURE,
    _add_transfer_minutes,
    _at,
    _count_events,
    _Periods,
    _periods,
    _tally_newborns,
    care_rows,
    reduce_with_care,
)
from capsim.model import compile_network

#: Two facilities over a year and a half: three reported calendar years, 18 months.
SCENARIO = validate_scenario(base_dict(horizon={"start": "2020-07-01", "days": 550,
                                                "warmup_days": 30}))
NET = compile_network(SCENARIO)


def _periods_of_test() -> _Periods:
    return _periods(NET, SCENARIO.horizon.sim_start)


def _events(draw, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times from before the reported period to its end and beyond (hours, some on the
    period's and years' bounds), facilities where the need arose (0 or 1) and admitting
    (-1: out of the region)."""
    periods = _periods_of_test()
    bounds = [0.0, periods.t0, *periods.starts.tolist(), periods.t1, periods.t1 - 1e-9]
    t = draw(st.lists(st.one_of(st.floats(0.0, periods.t1 + 100.0), st.sampled_from(bounds)),
                      min_size=n, max_size=n))
    origin = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    placed = draw(st.lists(st.integers(-1, 1), min_size=n, max_size=n))
    return (np.asarray(t, dtype=float), np.asarray(origin, dtype=np.int64),
            np.asarray(placed, dtype=np.int64))


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(0, 60))
def test_tally_counts_as_masks_and_bincounts_do(data, n: int) -> None:
    """Whatever the events: each count is `_Periods.count` of the cells of the events in it
    (at the facility it reads; out of the region counts for the region alone), and each
    monthly count the events of the reported period by facility and calendar month."""
    periods = _periods_of_test()
    t, origin, placed = _events(data.draw, n)
    masks = np.asarray([data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
                        for _ in range(3)], dtype=bool).reshape(3, n)
    counts = np.zeros((3, periods.ny * (periods.nf + 1)), dtype=np.int64)
    monthly = np.zeros((2, periods.nf, periods.months), dtype=np.int64)
    # Counts: the first two at the facility where the need arose, the third admitting; the
    # measures: the first admitting (only those in the region), the second where it arose.
    measured = np.stack([masks[0] & (placed >= 0), masks[1]])
    _count_events(periods, t, np.stack([origin, placed]), masks, _at((0, 0, 1), (0, 1, 2)),
                  measured, _at((1, 0), (1, 0)), counts=counts, monthly=monthly)
    row = periods.rows(t)
    expected = [periods.count(periods.cells(fac, row)[mask])
                for fac, mask in ((origin, masks[0]), (origin, masks[1]), (placed, masks[2]))]
    got = periods.totals(counts.reshape(3, periods.ny, periods.nf + 1))
    assert np.array_equal(got, np.asarray(expected))
    # The monthly counts by the calendar: the month of each event's day.
    inside = (t >= periods.t0) & (t < periods.t1)
    day = np.datetime64(SCENARIO.horizon.sim_start) + np.floor(t / 24.0).astype("timedelta64[D]")
    since = day.astype("datetime64[M]").astype(np.int64) - periods.first_month
    for row_, fac, mask in ((1, placed, measured[0]), (0, origin, measured[1])):
        want = np.zeros((periods.nf, periods.months), dtype=np.int64)
        keep = mask & inside
        np.add.at(want, (periods.rank[fac[keep]], since[keep]), 1)
        assert np.array_equal(monthly[row_], want)
    assert monthly.sum() == np.count_nonzero(measured & inside)


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(0, 80))
def test_bed_hours_keep_the_bits_of_a_bincount_a_period(data, n: int) -> None:
    """The hours of bed stays in each period, facility by facility: the very floats of one
    bincount a period of the stays' overlaps with it, added in the stays' order; the region
    column their sum."""
    periods = _periods_of_test()
    start = np.asarray(data.draw(st.lists(st.floats(0.0, periods.t1), min_size=n,
                                          max_size=n)))
    length = np.asarray(data.draw(st.lists(st.floats(0.0, 2000.0), min_size=n, max_size=n)))
    fac = np.asarray(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
                     dtype=np.int64)
    end = start + length
    got = periods.bed_hours(fac, start, end)
    for row, (a, b) in enumerate(periods.bounds):
        overlap = np.clip(np.minimum(end, b) - np.maximum(start, a), 0.0, None)
        want = np.bincount(fac, weights=overlap, minlength=periods.nf)
        assert np.array_equal(got[row, :periods.nf], want)
        assert got[row, periods.nf] == want.sum()
    assert (got >= 0.0).all()


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(0, 60))
def test_transfer_minutes_are_a_bincount_of_the_moves(data, n: int) -> None:
    """The travel minutes of the newborns moved to another facility, by the year and the
    facility they left: the very floats of a bincount of their cells weighted by the
    minutes, compiled and as plain Python (as under NUMBA_DISABLE_JIT=1)."""
    periods = _periods_of_test()
    t, origin, placed = _events(data.draw, n)
    travel_h = np.asarray([[0.0, 0.75], [1.3, 0.0]])
    moved = (placed != origin) & (placed >= 0)
    want = periods.count(periods.cells(origin[moved], periods.rows(t[moved])),
                         travel_h[origin[moved], placed[moved]] * 60.0)
    for helper in (_add_transfer_minutes, getattr(_add_transfer_minutes, "py_func", None)):
        if helper is None:
            continue
        minutes = np.zeros(periods.ny * (periods.nf + 1))
        helper(t, origin, placed, travel_h, periods.starts, periods.t0, periods.t1,
               periods.nf, minutes)
        assert periods.table(minutes).tobytes() == want.tobytes()


@settings(max_examples=40, deadline=None)
@given(st.data(), st.integers(0, 60), st.integers(0, 60))
def test_newborn_pass_counts_as_the_masks_do(data, n: int, births: int) -> None:
    """The newborn line's pass: the counts and monthly counts that `_count_events` finds
    with the line's masks (all, moved, admitted, with the mother, out of the region; the
    births), compiled and as plain Python (as under NUMBA_DISABLE_JIT=1)."""
    periods = _periods_of_test()
    t, origin, placed = _events(data.draw, n)
    born_h, born, _ = _events(data.draw, births)
    with_mother = np.asarray(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                             dtype=bool)
    moved, out = (placed != origin) & (placed >= 0), placed < 0
    shape = (6, periods.ny * (periods.nf + 1)), (2, periods.nf, periods.months)
    want = np.zeros(shape[0], dtype=np.int64), np.zeros(shape[1], dtype=np.int64)
    _count_events(periods, t, np.stack([origin, placed]),
                  np.stack([np.ones(n, dtype=bool), moved, ~out, with_mother, out]), _NEWBORNS,
                  np.stack([moved, out]), _NEWBORNS_MONTHLY, counts=want[0], monthly=want[1])
    _count_events(periods, born_h, born.reshape(1, -1), np.ones((1, births), dtype=bool),
                  _BIRTHS, *_NO_MEASURE, counts=want[0], monthly=want[1])
    for helper in (_tally_newborns, getattr(_tally_newborns, "py_func", _tally_newborns)):
        counts, monthly = np.zeros(shape[0], dtype=np.int64), np.zeros(shape[1], dtype=np.int64)
        helper(t, origin, placed, with_mother, periods.starts, periods.t0, periods.t1,
               periods.nf, periods.day_month, periods.first_month, periods.rank, counts, monthly)
        _count_events(periods, born_h, born.reshape(1, -1), np.ones((1, births), dtype=bool),
                      _BIRTHS, *_NO_MEASURE, counts=counts, monthly=monthly)
        assert np.array_equal(counts, want[0]) and np.array_equal(monthly, want[1])
    inside = (t >= periods.t0) & (t < periods.t1)
    assert monthly.sum() == np.count_nonzero((moved | out) & inside)


#: Random events through both passes, their results printed.
PASSES_CODE = (
    "import numpy as np\n"
    "from capsim.care import _add_bed_hours, _at, _tally\n"
    "rng = np.random.default_rng(5); n = 300\n"
    "t = rng.uniform(0, 2000, n); fac = rng.integers(-1, 3, (2, n))\n"
    "fac[0] = np.abs(fac[0]); mask = rng.random((2, n)) < 0.6\n"
    "counts = np.zeros((2, 2 * 4), np.int64); monthly = np.zeros((1, 3, 4), np.int64)\n"
    "_tally(t, fac, mask, *_at((0, 1), (1, 0)), mask[:1], *_at((0,), (0,)),\n"
    "       np.array([100.0, 900.0]), 100.0, 1800.0, 3, np.arange(90) // 23, 0,\n"
    "       np.array([2, 0, 1]), counts, monthly)\n"
    "out = np.zeros((3, 4)); s = rng.uniform(0, 2000, n)\n"
    "_add_bed_hours(fac[0], s, s + rng.exponential(100, n), np.array([100.0, 900.0, 100.0]),\n"
    "               np.array([900.0, 1800.0, 1800.0]), out)\n"
    "print(counts.tolist()); print(monthly.tolist()); print(out.tolist())\n"
)


def test_passes_run_uncompiled_with_the_same_results() -> None:
    """With NUMBA_DISABLE_JIT=1 the counting and bed-hour passes run as plain Python and
    give the compiled passes' counts and hours, to the bit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    compiled = subprocess.run([sys.executable, "-c", PASSES_CODE], capture_output=True,
                              text=True, env=env, check=True).stdout
    plain = subprocess.run([sys.executable, "-c", PASSES_CODE], capture_output=True,
                           text=True, env={**env, "NUMBA_DISABLE_JIT": "1"},
                           check=True).stdout
    assert compiled == plain
    counts, monthly, hours = (json.loads(line) for line in compiled.splitlines())
    assert sum(map(sum, counts)) > 0 and sum(map(sum, hours)) > 0
    assert sum(map(sum, monthly[0])) > 0



def test_one_table_with_the_care_rows_is_the_maternity_table_with_them_added() -> None:
    """The metrics' table built once with the care rows (`reduce_with_care`, as runs build
    it) is the maternity table with the care rows' own table after it (``pd.concat``), to
    the bit and the type, with the lines' accounting and monthly rows; the women are
    conserved."""
    import pandas as pd
    from conftest import assert_conserved

    from capsim.demand import build_cohort
    from capsim.metrics import NEWBORN_METRICS, PAEDIATRIC_METRICS
    from capsim.model import run_engine
    from capsim.model.care import simulate_care
    from capsim.results import Results, reduce_replication

    scenario = load_scenario(ROOT / "scenarios" / "jizhou-paediatric-alliance.yaml")
    net, seed, day0 = compile_network(scenario), scenario.run.seed, scenario.horizon.sim_start
    cohort = build_cohort(scenario, 1, seed)
    record = run_engine(net, cohort)
    care = simulate_care(scenario, net, cohort, record, 1, seed)
    assert {rec.network.line for rec in care} == {"newborn", "paediatric"}
    once = reduce_with_care(net, record, care, 1, seed, day0)
    rows = care_rows(net, care, day0, 1)
    added = pd.concat([reduce_replication(net, record, 1, seed).metrics,
                       _periods(net, day0).frame(rows.values, 1)], ignore_index=True)
    pd.testing.assert_frame_equal(once.metrics, added, check_exact=True)
    assert [once.metrics[c].dtype for c in once.metrics] == [added[c].dtype for c in added]
    assert once.metrics["value"].to_numpy().tobytes() == added["value"].to_numpy().tobytes()
    pd.testing.assert_frame_equal(once.care_monthly, rows.monthly, check_exact=True)
    assert once.care_accounting == rows.accounting
    # The care rows follow the maternity rows.
    is_care = once.metrics["metric"].isin([*NEWBORN_METRICS, *PAEDIATRIC_METRICS]).to_numpy()
    assert is_care.any() and not is_care[:np.argmax(is_care)].any() and is_care[np.argmax(
        is_care):].all()
    assert_conserved(Results(scenario, net, seed, [once]))
