"""The shared-pass reduction of a replication agrees with the plain definitions of its metrics,
and the helpers it rests on agree with the numpy functions they stand in for, to the last bit.

The golden snapshot checks the shipped scenarios; these tests check the same facts on cases the
scenarios do not reach (a closed facility, several years, groups without events, large seeds).
"""

from __future__ import annotations

import os
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from conftest import base_dict
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from capsim import results, validate_scenario
from capsim.demand import build_cohort
from capsim.model import compile_network, run_engine
from capsim.model.engine import EMERGENCY_CS, PLANNED_CS
from capsim.results import (
    ALL_YEARS,
    REGION,
    _census_of,
    _days_p95_and_high,
    _nonzero_order,
    _p95_of_cells,
    capacity_by_day,
    daily_census,
    reduce_replication,
)
from capsim.streams import STREAM_NAMES, streams

# ---------------------------------------------------------------------------- random streams


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**70), replication=st.integers(0, 2**40),
       keys=st.lists(st.tuples(st.sampled_from(STREAM_NAMES),
                               st.one_of(st.integers(0, 3000), st.integers(0, 2**80))),
                     min_size=1, max_size=12))
def test_streams_seeded_together_are_numpys_streams_seeded_one_by_one(seed, replication, keys):
    together = streams(seed, replication, keys)
    for key, rng in zip(keys, together, strict=True):
        alone = numpys_stream(seed, replication, *key)
        assert rng.bit_generator.state == alone.bit_generator.state
        assert np.array_equal(rng.random(3), alone.random(3))


def test_streams_without_extra_numbers_and_of_mixed_lengths():
    keys = [("initial",), ("risk", 2030), ("labour", 2**33), ("province",)]
    for key, rng in zip(keys, streams(5, 2, keys), strict=True):
        assert np.array_equal(rng.random(4), numpys_stream(5, 2, *key).random(4))


def numpys_stream(seed: int, replication: int, name: str, *extra: int) -> np.random.Generator:
    """The generator numpy's own SeedSequence seeds from the stream's key."""
    from capsim.streams import stream_key

    return np.random.default_rng(np.random.SeedSequence(stream_key(seed, replication, name,
                                                                   *extra)))


def test_a_seeded_stream_gives_numpy_any_number_of_state_words():
    (rng,) = streams(11, 3, [("mode", 2024)])
    reference = np.random.SeedSequence([11, 3, *stream_key_tail("mode", 2024)])
    seeded = rng.bit_generator.seed_seq
    for n in (1, 4, 9):
        for dtype in (np.uint32, np.uint64):
            assert np.array_equal(seeded.generate_state(n, dtype),
                                  reference.generate_state(n, dtype))


def stream_key_tail(name: str, *extra: int) -> list[int]:
    """The entropy words of a stream after (seed, replication)."""
    from capsim.streams import stream_key

    return stream_key(0, 0, name, *extra)[2:]


# ---------------------------------------------------------------------------- percentiles


@settings(max_examples=80, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 40)),
              elements=st.one_of(st.floats(0, 5, allow_nan=False), st.sampled_from(
                  [np.nan, 0.85, 1.0, 2.5]))), st.data())
def test_percentiles_and_high_days_of_each_row_are_numpy_s(daily, data):
    # Columns of days (NaN: no beds; repeated values, and values at the threshold), the days
    # cut into rows worked out: the 95th percentile of each row's days with beds, and the
    # share of them above 0.85, as numpy gives them.
    days = daily.shape[1]
    cuts = sorted(data.draw(st.lists(st.integers(0, days), min_size=1, max_size=3)))
    bounds = [0, *cuts, days]
    spans = np.asarray([*zip(bounds[:-1], bounds[1:], strict=True), (0, days)], dtype=np.int64)
    rows = np.arange(spans.shape[0], dtype=np.int64)
    # Compiled, and as plain Python (as under NUMBA_DISABLE_JIT=1).
    for helper in (_days_p95_and_high, getattr(_days_p95_and_high, "py_func", None)):
        if helper is None:
            continue
        p95 = np.full((rows.shape[0], daily.shape[0]), np.nan)
        high = np.full((rows.shape[0], daily.shape[0]), np.nan)
        helper(daily, rows, spans, 0.85, p95, high)
        for row, (first, stop) in enumerate(spans):
            for column in range(daily.shape[0]):
                values = daily[column, first:stop]
                values = values[~np.isnan(values)]
                if not values.shape[0]:
                    assert np.isnan(p95[row, column]) and np.isnan(high[row, column])
                    continue
                want = np.percentile(values, 95)
                assert p95[row, column].tobytes() == np.float64(want).tobytes()
                assert high[row, column] == np.count_nonzero(values > 0.85) / values.shape[0]


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_cell_percentiles_with_a_shared_sort_are_numpy_percentiles(data):
    n = data.draw(st.integers(1, 60))
    ny = data.draw(st.integers(1, 3))
    nf = data.draw(st.integers(1, 4))
    # Mostly zeros, as waits and travel times are, and some values below zero: the zeros
    # are not sorted but counted, and must fall between the negative and positive values.
    values = data.draw(arrays(np.float64, n, elements=st.one_of(
        st.just(0.0), st.floats(0, 200, allow_nan=False), st.floats(-50, 0, allow_nan=False,
                                                                     exclude_max=True))))
    year = data.draw(arrays(np.int64, n, elements=st.integers(0, ny - 1)))
    facility = data.draw(arrays(np.int64, n, elements=st.integers(0, nf - 1)))
    cells = year * (nf + 1) + facility
    # Each cell, each year, each facility over the years, and all the values.
    groups = {(y, f): (year == y) & (facility == f) for y in range(ny) for f in range(nf)}
    groups |= {(y, nf): year == y for y in range(ny)}
    groups |= {(ny, f): facility == f for f in range(nf)}
    groups[ny, nf] = np.ones(n, dtype=bool)
    # Compiled, and as plain Python (as under NUMBA_DISABLE_JIT=1).
    for helper in (_p95_of_cells, getattr(_p95_of_cells, "py_func", None)):
        if helper is None:
            continue
        got = np.full((ny + 1, nf + 1), np.nan)
        helper(cells, values, _nonzero_order(values).astype(np.int64), ny, nf, got)
        for (row, column), members in groups.items():
            if members.any():
                want = np.percentile(values[members], 95)
                assert got[row, column].tobytes() == np.float64(want).tobytes()
            else:
                assert np.isnan(got[row, column])


def _bed_hours_by_search(times, x, off, nf, span):
    """The bed-hours of the sorted ``times`` before each point ``x``, as the census first
    worked them out, with numpy's binary searches and cumulative sum."""
    cum = np.concatenate([[0.0], np.cumsum(times)])
    k = np.searchsorted(times, x, side="left")
    base = np.searchsorted(times, np.arange(nf) * span, side="left")
    base = np.repeat(base, x.shape[0] // nf)
    n = k - base
    return n * (x - off) - (cum[k] - cum[base] - n * off)


def _census_by_search(starts, ends, x, off, nf, span):
    """The census as first worked out: the bed-hours started less those ended before each
    point, numpy's diff from one point to the next, over 24 hours."""
    held = _bed_hours_by_search(starts, x, off, nf, span) - \
        _bed_hours_by_search(ends, x, off, nf, span)
    return np.diff(held.reshape(nf, -1), axis=1) / 24.0


@settings(max_examples=80, deadline=None)
@given(stays=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30),
                                st.sampled_from([0.0, 0.25, 1 / 3]), st.integers(0, 30)),
                      max_size=50),
       t0=st.sampled_from([0.0, 6.0, 24.0]))
def test_census_of_the_bed_hours_is_that_of_binary_searches(stays, t0):
    # Three facilities, one day of four six-hour points from t0; whole hours, so that stays
    # start and end at the points themselves (a stay starting at a point is not before it).
    nf, points = 3, 5
    span = t0 + 24.0 + 30.0 + 1.0
    starts = np.sort(np.asarray([f * span + h + frac for f, h, frac, _ in stays], dtype=float))
    ends = np.sort(np.asarray([f * span + h + frac + stay for f, h, frac, stay in stays],
                              dtype=float))
    grid = t0 + 6.0 * np.arange(points)
    x = (grid[None, :] + (np.arange(nf) * span)[:, None]).ravel()
    off = np.repeat(np.arange(nf) * span, points)
    want = _census_by_search(starts, ends, x, off, nf, span).tobytes()
    # Compiled, and as plain Python (as under NUMBA_DISABLE_JIT=1).
    for helper in (_census_of, getattr(_census_of, "py_func", None)):
        if helper is not None:
            got = np.empty((nf, points - 1))
            helper(starts, ends, x, off, nf, span, got)
            assert got.tobytes() == want


# ---------------------------------------------------------------------------- whole replication


@pytest.fixture(scope="module")
def closing_region():
    """Two years and a half, busy beds, the township unit closed for most of a year (no beds),
    then open again; one replication and its record."""
    data = base_dict(
        horizon={"start": "2020-01-01", "days": 900, "warmup_days": 20},
        demand={"deliveries": 2600},
        policy=[{"date": "2020-06-01", "facility": "town", "beds": -5, "delivers": False},
                {"date": "2021-04-01", "facility": "town", "beds": 5, "delivers": True}],
    )
    data["facilities"][0]["beds"] = 16
    scenario = validate_scenario(data)
    net = compile_network(scenario)
    record = run_engine(net, build_cohort(scenario, 0, 3))
    return net, record, reduce_replication(net, record, 0, 3)


def test_census_is_the_day_to_day_difference_of_the_bed_hours(closing_region, monkeypatch):
    # As first written (`_census_by_search`); the one compiled pass gives its bits, and so
    # does its plain Python (as under NUMBA_DISABLE_JIT=1).
    net, record, _ = closing_region
    nf = net.n
    x, off, span = results._census_grid(nf, net.t_stats_h, net.t_end_h)
    keys = record.stay_facility.astype(np.int64) * span
    want = _census_by_search(np.sort(keys + record.stay_start_h),
                             np.sort(keys + record.stay_end_h), x, off, nf, span)
    assert want.shape == (nf, year_days(net)[ALL_YEARS].shape[0]) and want.max() > 1.0
    assert daily_census(net, record).tobytes() == want.tobytes()
    kernel = results._census_of
    monkeypatch.setattr(results, "_census_of", getattr(kernel, "py_func", kernel))
    assert daily_census(net, record).tobytes() == want.tobytes()


def table(result, metric):
    """{(year, facility): value} of one metric of a replication."""
    m = result.metrics[result.metrics["metric"] == metric]
    return {(y, f): v for y, f, v in zip(m["year"], m["facility"], m["value"], strict=True)}


def year_days(net):
    """{year label: boolean mask of the reported days}, the whole period included."""
    t0 = net.t_stats_h
    days = int(round((net.t_end_h - t0) / 24.0))
    mid = t0 + 24.0 * np.arange(days) + 12.0
    index = np.searchsorted(np.asarray(net.year_starts_h), mid, side="right") - 1
    out = {str(y): index == i for i, y in enumerate(net.years)}
    out[ALL_YEARS] = np.ones(days, dtype=bool)
    return out


def test_occupancy_is_its_definition_day_by_day(closing_region):
    net, record, result = closing_region
    census, beds = daily_census(net, record), capacity_by_day(net)
    assert (beds[1] == 0).any() and (beds[1] > 0).any()  # the case the test is about
    p95, high, mean = (table(result, m) for m in
                       ("occupancy_p95", "days_above_85_share", "occupancy_mean"))
    for label, days in year_days(net).items():
        for f, fid in enumerate(net.ids):
            open_days = days & (beds[f] > 0)
            if not open_days.any():
                assert np.isnan(p95[label, fid]) and np.isnan(high[label, fid])
                continue
            occ = census[f, open_days] / beds[f, open_days]
            assert p95[label, fid] == np.percentile(occ, 95)
            assert high[label, fid] == np.mean(occ > 0.85)
            assert mean[label, fid] == pytest.approx(census[f, days].sum() / beds[f, days].sum(),
                                                     rel=1e-12)
        region = census[:, days].sum(axis=0) / beds[:, days].sum(axis=0)
        assert p95[label, REGION] == np.percentile(region, 95)
        assert high[label, REGION] == np.mean(region > 0.85)
    # The closed unit is busy when open: some days above the threshold, so the shares differ.
    assert 0 < high[ALL_YEARS, REGION] < 1


def test_counts_and_waits_are_their_definitions(closing_region):
    net, record, result = closing_region
    arrivals, deliveries, cs_share, wait_mean, wait_p95 = (
        table(result, m) for m in ("arrivals", "deliveries", "caesarean_share",
                                   "midwife_wait_mean_min", "midwife_wait_p95_min"))
    counted = np.arange(record.first.shape[0]) >= record.first_counted
    starts = list(net.year_starts_h) + [net.t_end_h]
    periods = {str(y): (starts[i], starts[i + 1]) for i, y in enumerate(net.years)}
    periods[ALL_YEARS] = (net.t_stats_h, net.t_end_h)
    wait = record.midwife_wait_h * 60.0
    for label, (lo, hi) in periods.items():
        came = counted & (record.admit_h >= lo) & (record.admit_h < hi)
        assert arrivals[label, REGION] == np.count_nonzero(came)
        for f, fid in enumerate(net.ids):
            assert arrivals[label, fid] == np.count_nonzero(came & (record.first == f))
            born = ((record.facility == f) & (record.delivered_h >= lo)
                    & (record.delivered_h < hi))
            assert deliveries[label, fid] == np.count_nonzero(born)
            cs = np.count_nonzero(born & (record.mode >= 1))
            assert cs_share[label, fid] == cs / np.count_nonzero(born)
            cared = ((record.labour_facility == f) & (record.labour_start_h >= lo)
                     & (record.labour_start_h < hi) & np.isfinite(wait))
            if cared.any():
                assert wait_p95[label, fid] == np.percentile(wait[cared], 95)
                assert wait_mean[label, fid] == pytest.approx(wait[cared].mean(), rel=1e-12)
            else:
                assert np.isnan(wait_p95[label, fid])
    assert result.arrivals == result.delivered + result.out_of_region + result.in_progress


def test_arrivals_in_one_pass_are_their_definitions(closing_region, monkeypatch):
    # Women (after some of warm-up) at every year start, at the period's ends, outside it, at
    # no time (NaN) and at no facility, of every fate; compiled, then as plain Python (as
    # under NUMBA_DISABLE_JIT=1).
    net, _, _ = closing_region
    cal = results._calendar(net)
    rng = np.random.default_rng(7)
    edges = [*cal.year_starts_h, cal.t0, cal.t1, cal.t0 - 24.0, cal.t1 + 24.0, np.nan]
    t = np.concatenate([rng.uniform(cal.t0 - 48.0, cal.t1 + 48.0, 400), edges])
    fac = rng.integers(-1, net.n, t.shape[0]).astype(np.int32)
    turned, out = rng.random((2, t.shape[0])) < 0.4
    n0 = 25
    rec = SimpleNamespace(first=fac, admit_h=t, turned_away=turned, out_of_region=out,
                          first_counted=n0)
    # As first written: the fates as bits of a kind, counted by kind, the kinds summed.
    cells = results._cells(cal, fac[n0:], t[n0:])
    by_fate = results._counts(cal, cells, results._bits(turned[n0:], out[n0:]), 4)
    want = np.stack([by_fate.sum(axis=0), by_fate[1] + by_fate[3], by_fate[2] + by_fate[3],
                     by_fate[1]])
    assert all((want[i] != want[j]).any() for i in range(4) for j in range(i))
    compiled = results._place_arrivals
    assert hasattr(compiled, "py_func") or os.environ.get("NUMBA_DISABLE_JIT") == "1"
    for helper in (compiled, getattr(compiled, "py_func", compiled)):
        monkeypatch.setattr(results, "_place_arrivals", helper)
        got = results._arrivals(cal, rec)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()


def test_deliveries_and_labours_in_one_pass_are_their_definitions(closing_region,
                                                                   monkeypatch):
    # Women delivered and labouring at every year start, at the period's ends, outside it, at
    # no time (NaN), at no facility, of every mode, with decision to delivery and waits at
    # and around their targets, none (NaN) and infinite; compiled, then as plain Python.
    net, _, _ = closing_region
    cal = results._calendar(net)
    rng = np.random.default_rng(11)
    edges = [*cal.year_starts_h, cal.t0, cal.t1, cal.t0 - 24.0, cal.t1 + 24.0, np.nan]
    n = 600 + len(edges)
    t = np.concatenate([rng.uniform(cal.t0 - 48.0, cal.t1 + 48.0, 600), edges])
    fac = rng.integers(-1, net.n, n).astype(np.int32)
    mode = rng.integers(-1, 3, n).astype(np.int8)
    ddi_target, wait_target = 30.0, 10.0
    ddi = rng.choice([0.0, 12.5, ddi_target, ddi_target + 1e-9, 75.0, np.nan, np.inf], n)
    wait_h = rng.choice([0.0, 0.05, wait_target / 60, 0.5, 3.0, np.nan], n)
    rec = SimpleNamespace(facility=fac, delivered_h=t, mode=mode, ddi_min=ddi,
                          labour_facility=fac, labour_start_h=t[::-1].copy(),
                          midwife_wait_h=wait_h)
    # Deliveries, as first written: a pass of numpy for each flag, count and sum.
    cells = results._cells(cal, fac, t)
    is_ecs = mode == EMERGENCY_CS
    kind = results._bits(fac >= 0, (mode == PLANNED_CS) | is_ecs, is_ecs, ddi <= ddi_target)
    by_kind = results._counts(cal, cells, kind, 16)
    # Delivered at a facility, by caesarean there, emergency caesareans, within the target.
    want_deliveries = (cells, np.stack([by_kind[1::2].sum(axis=0), by_kind[3::4].sum(axis=0),
                                        by_kind[4:8].sum(axis=0) + by_kind[12:16].sum(axis=0),
                                        by_kind[12:16].sum(axis=0)]), results._sums(
        cal, cells[is_ecs & (cells >= 0)],
        np.where(np.isfinite(ddi), ddi, 0.0)[is_ecs & (cells >= 0)]))
    # Labours likewise.
    lab_cells = results._cells(cal, fac, np.where(fac >= 0, rec.labour_start_h, -1.0))
    wait_min = wait_h * 60.0
    served = np.isfinite(wait_min)
    care = results._bits(served, wait_min == 0, wait_min <= wait_target)
    keep = served & (lab_cells >= 0)
    by_care = results._counts(cal, lab_cells, care, 8)
    # All labours, those served, served with no wait, within the target.
    want_labours = (np.stack([by_care.sum(axis=0), by_care[1::2].sum(axis=0),
                              by_care[3::4].sum(axis=0), by_care[4:].sum(axis=0)]),
                    lab_cells[keep], wait_min[keep],
                    results._sums(cal, lab_cells[keep], wait_min[keep]))
    for name in ("_place_deliveries", "_place_labours", "cell_of"):
        kernel = getattr(results, name)
        assert hasattr(kernel, "py_func") or os.environ.get("NUMBA_DISABLE_JIT") == "1"
    for plain in (False, True):
        if plain:  # as under NUMBA_DISABLE_JIT=1
            for name in ("_place_deliveries", "_place_labours", "cell_of"):
                kernel = getattr(results, name)
                monkeypatch.setattr(results, name, getattr(kernel, "py_func", kernel))
        got = results._deliveries(cal, rec, ddi_target)
        for a, b in zip(got, want_deliveries, strict=True):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
        got = results._labours(cal, rec, wait_target)
        for a, b in zip(got, want_labours, strict=True):
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    # The kinds and sums are not all empty: the check above compared numbers.
    assert want_deliveries[1][3].sum() > 0 and np.nansum(want_deliveries[2]) > 0
    assert want_labours[0][2].sum() > 0 and want_labours[3].sum() > 0
    # Each count differs from the others somewhere: counts swapped would not pass.
    for counts in (want_deliveries[1], want_labours[0]):
        assert all((counts[i] != counts[j]).any() for i in range(4) for j in range(i))


@pytest.mark.parametrize("by_counts, plain", [(True, False), (True, True), (False, False)])
def test_travel_is_its_definition(closing_region, monkeypatch, by_counts, plain):
    # By counts of deliveries by travel time (the shipped scenarios' few pairs; its pass
    # compiled and as plain Python, as under NUMBA_DISABLE_JIT=1), and by a sort of the
    # deliveries' times (a province's many pairs): the same numbers.
    net, record, _ = closing_region
    if not by_counts:
        monkeypatch.setattr(results, "PAIR_COUNTS_PER_DELIVERY", 0)
        monkeypatch.setattr(results, "PAIR_COUNTS_ANYWAY", 0)
    if plain:
        for name in ("_place_travel", "_p95_of_counts"):
            kernel = getattr(results, name)
            monkeypatch.setattr(results, name, getattr(kernel, "py_func", kernel))
    result = reduce_replication(net, record, 0, 3)
    p95, over_30, mean = (table(result, m) for m in ("travel_p95_min", "travel_over_30_share",
                                                      "travel_mean_min"))
    starts = list(net.year_starts_h) + [net.t_end_h]
    periods = {str(y): (starts[i], starts[i + 1]) for i, y in enumerate(net.years)}
    periods[ALL_YEARS] = (net.t_stats_h, net.t_end_h)
    delivered = (record.facility >= 0) & (record.booked >= 0)
    minutes = np.full(record.facility.shape[0], np.nan)
    minutes[delivered] = net.travel_h[record.booked[delivered],
                                      record.facility[delivered]] * 60.0
    assert np.nanmax(minutes) > 30  # some deliveries travel, so percentiles are not all 0
    for label, (lo, hi) in periods.items():
        born = delivered & (record.delivered_h >= lo) & (record.delivered_h < hi)
        assert p95[label, REGION] == np.percentile(minutes[born], 95)
        for f, fid in enumerate(net.ids):
            mine = born & (record.booked == f)
            if mine.any():
                assert p95[label, fid] == np.percentile(minutes[mine], 95)
                assert over_30[label, fid] == np.count_nonzero(minutes[mine] > 30) / mine.sum()
                assert mean[label, fid] == pytest.approx(minutes[mine].mean(), rel=1e-12)
            else:
                assert np.isnan(p95[label, fid])


def test_replications_of_equal_networks_share_their_calendar_but_not_their_tables():
    scenario = validate_scenario(base_dict(run={"seed": 2}))
    a, b = (reduce_replication(net, run_engine(net, build_cohort(scenario, r)), r, 2)
            for r, net in enumerate([compile_network(scenario), compile_network(scenario)]))
    assert table(a, "beds") == table(b, "beds")  # capacities alone
    assert table(a, "occupancy_mean") != table(b, "occupancy_mean")
    # A caller's edit of one table stays in that table.
    a.metrics.loc[0, "facility"] = "edited"
    a.metrics.loc[0, "value"] = -1.0
    c = reduce_replication(compile_network(scenario), run_engine(
        compile_network(scenario), build_cohort(scenario, 1)), 1, 2)
    for other in (b, c):
        assert other.metrics.loc[0, "facility"] == "county"
        assert other.metrics.loc[0, "value"] >= 0


@pytest.mark.parametrize("built_by", ["blocks", "public blocks", "dict"])
def test_tables_built_from_their_blocks_are_pandas_own_tables(monkeypatch, built_by):
    """The metrics and flows tables equal those pandas builds from a dict of their columns
    (same types, index and blocks), by whichever constructor, and each holds its own labels."""
    if built_by != "blocks":
        monkeypatch.setattr(results, "_Manager", None)
    if built_by == "dict":
        monkeypatch.setattr(results, "_from_blocks", None)
    scenario = validate_scenario(base_dict(run={"seed": 3}))
    net = compile_network(scenario)
    a, b = (reduce_replication(net, run_engine(net, build_cohort(scenario, r)), r, 3)
            for r in range(2))
    assert not a.flows.empty
    for frame in (a.metrics, a.flows):
        own = pd.DataFrame({c: frame[c].tolist() for c in frame.columns})
        pd.testing.assert_frame_equal(frame, own)
        assert frame._mgr.nblocks == frame.shape[1]
    a.flows.loc[0, "from"] = "edited"
    a.metrics.loc[0, "metric"] = "edited"
    assert b.flows.loc[0, "from"] != "edited"
    assert b.metrics.loc[0, "metric"] != "edited"


# ---------------------------------------------------------------------------- cohort figures


def test_cohorts_of_copies_and_variants_of_a_scenario():
    """The figures a cohort is drawn from are kept per scenario: copies share them, a variant
    (more deliveries, another caesarean rate) gets its own."""
    data = base_dict(horizon={"start": "2020-01-01", "days": 400, "warmup_days": 10})
    one, copy = validate_scenario(data), validate_scenario(data)
    a, b = build_cohort(one, 2), build_cohort(copy, 2)
    assert np.array_equal(a.admit_h, b.admit_h) and np.array_equal(a.planned_cs, b.planned_cs)
    busier = build_cohort(validate_scenario(base_dict(
        horizon=data["horizon"], demand={"deliveries": 4000})), 2)
    assert len(busier) > 1.5 * len(a)
    rate = {c: 0.9 for c in data["demand"]["planned_caesarean_rate"]}
    planned = build_cohort(validate_scenario(base_dict(
        horizon=data["horizon"], demand={"planned_caesarean_rate": rate})), 2)
    assert planned.planned_cs.mean() > 0.8 > a.planned_cs.mean()


def test_beds_of_an_antenatal_only_facility_leave_the_region_beds_and_occupancy():
    clinic = {"id": "clinic", "name": "社区卫生服务中心", "level": "township", "delivers": False,
              "beds": 40}
    d = base_dict(run={"replications": 1, "seed": 7})
    with_clinic = dict(d, facilities=[*d["facilities"], clinic])

    def region(data: dict) -> dict:
        scen = validate_scenario(data)
        net = compile_network(scen)
        out = reduce_replication(net, run_engine(net, build_cohort(scen, 0)), 0, 7).metrics
        row = out[(out["facility"] == REGION) & (out["year"] == ALL_YEARS)]
        return dict(zip(row["metric"], row["value"], strict=True))

    alone, both = region(d), region(with_clinic)
    assert both["beds"] == alone["beds"] == 35
    for name in ("occupancy_mean", "occupancy_p95", "beds_per_1000_deliveries"):
        assert both[name] == pytest.approx(alone[name], rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(shape=st.tuples(st.integers(1, 17), st.integers(1, 4), st.integers(1, 9)),
       seed=st.integers(0, 2**32 - 1))
def test_completed_counts_are_the_sums_by_row_and_column(shape, seed):
    # Counts [kind, year, column] (the last column: events at no facility) completed with the
    # region's column and the all-years row, compiled and as plain Python, against numpy's
    # sums of them.
    counts = np.random.default_rng(seed).integers(0, 1000, shape, dtype=np.int64)
    kinds, ny, width = shape
    want = np.zeros((kinds, ny + 1, width))
    want[:, :ny] = counts
    want[:, :ny, -1] = counts.sum(axis=2)
    want[:, ny] = want[:, :ny].sum(axis=1)
    compiled = results.completed_counts
    assert hasattr(compiled, "py_func") or os.environ.get("NUMBA_DISABLE_JIT") == "1"
    for helper in (compiled, getattr(compiled, "py_func", compiled)):
        got = helper(counts)
        assert got.dtype == np.float64 and got.tobytes() == want.tobytes()
        # The region's column holds the facilities' events and the others: not the
        # facilities' alone, unless no event is at no facility.
        assert (got[:, :ny, -1] == counts[:, :, :-1].sum(axis=2)).all() == \
            (counts[:, :, -1] == 0).all()
