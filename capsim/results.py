"""Results: tidy tables from the record of each replication, and summaries over replications.

One replication is reduced to three compact pieces (`ReplicationResult`): a long table
of metrics per (year, facility), the referral flows, and the daily mean census per facility.
`Results` gathers the replications and summarises them with 95% confidence intervals
and the spread across replications (5th, 50th, 95th percentiles).

Metrics are named by the ids of `capsim.metrics.METRICS`, which gives their units.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd

from capsim.metrics import METRICS, TRAVEL_METRICS
from capsim.model.compiling import jit_callee, jit_loop
from capsim.model.engine import EMERGENCY_CS, EMERGENCY_TRANSFER, PLANNED_CS, RunRecord
from capsim.model.network import OUT_OF_REGION, REASONS, Network
from capsim.scenario.models import Scenario
from capsim.stats import summarise, t_half_width
from capsim.time_use import Days, days_of, time_metrics

REGION = "region"
ALL_YEARS = "all"
OUT_OF_REGION_ID = "out-of-region"
HIGH_OCCUPANCY = 0.85
DAYS_PER_YEAR = 365.25
#: Travel times (minutes) whose share of deliveries is reported: half an hour and an hour, the
#: times a consolidation plan is first asked about.
TRAVEL_THRESHOLDS_MIN = (30.0, 60.0)

@dataclass
class ReplicationResult:
    """Compact results of one replication.

    ``metrics``: columns replication, year, facility, metric, value.
    ``flows``: columns replication, year, from, to, reason, count.
    ``daily_census``: float32 array [facility, day] of time-weighted mean census (women in beds)
    over the reported days. ``arrivals``, ``delivered``, ``out_of_region`` and ``in_progress``
    count the women of the reported period (first bed request inside it) by their fate at
    the end, each counted on its own (``in_progress``: not delivered, not transferred out,
    and holding a bed when the horizon ends), so that arrivals = delivered + out_of_region +
    in_progress is a check of the model, not an identity. ``engine``: the engine that
    simulated it (``"compiled"`` or ``"simpy"``, see `capsim.run.ENGINES`).
    """

    replication: int
    seed: int
    metrics: pd.DataFrame
    flows: pd.DataFrame
    daily_census: np.ndarray
    arrivals: int
    delivered: int
    out_of_region: int
    in_progress: int
    events: int
    wall_seconds: float = 0.0
    engine: str = "compiled"
    # Newborn care and the paediatric line (capsim.care), when the scenario has them.
    care_accounting: dict[str, dict[str, int]] = field(default_factory=dict)
    care_monthly: pd.DataFrame | None = None
    #: Monthly counts [measure, facility then region, month] (capsim.monthly), or None.
    monthly: np.ndarray | None = None


def reduce_replication(net: Network, rec: RunRecord, replication: int, seed: int,
                       more_rows: Mapping[str, np.ndarray] | None = None) -> ReplicationResult:
    """Turn one replication's `RunRecord` into a `ReplicationResult`; ``more_rows``, metrics
    of other lines of care ({metric: [row, column]} as the maternity metrics are laid out,
    `capsim.care.care_rows`), are rows of its metrics' table after the maternity rows.

    Each group of women is placed once in its cells (period, facility); every count of the
    group comes from one ``np.bincount`` of those cells, and the sums of minutes keep the
    women's order, so each value is the same to the last bit however it is grouped."""
    nf = net.n
    ny = len(net.years)
    cal = _calendar(net)
    period_days = cal.period_days

    # Women are counted in the period of their first bed request; later events (deliveries,
    # labours) in the period they happen. Women before ``first_counted`` are warm-up.
    n0 = rec.first_counted
    arrivals, turned, outs, diverted = _arrivals(cal, rec)

    # Deliveries and emergency caesareans, both placed by the facility and time of delivery.
    cells, (deliveries, cs, ecs, ddi_in), ddi_sum = _deliveries(cal, rec, net.ddi_target_min)
    travel = _travel(net, cal, rec, cells)
    del cells

    # Labours, placed by the facility and time of labour care; waits in minutes.
    (labours, waited, no_wait, timely), served_cells, wait_min, wait_sum = _labours(
        cal, rec, net.midwife_wait_target_min)
    wait_p95 = _wait_p95(cal, served_cells, wait_min)
    del served_cells, wait_min

    census = daily_census(net, rec)
    occ = _occupancy(cal, census)
    timed = time_metrics(
        stays=(rec.stay_facility, rec.stay_start_h, rec.stay_end_h, _stay_pools(rec)),
        blocks=(rec.block_facility, rec.block_start_h, rec.block_end_h),
        over=(rec.over_facility, rec.over_start_h, rec.over_end_h), days=cal.days)

    flows_df = _flows_frame(net, _flow_arrays(rec.flows), replication)
    # Emergency transfers by (year, facility they leave), with the all-years row and region column.
    em = np.zeros((ny + 1, nf + 1))
    for (y, src, _dst, reason), count in rec.flows.items():
        if reason == EMERGENCY_TRANSFER and y >= 0:
            for row in (y, ny):
                em[row, src] += count
                em[row, nf] += count

    staff = cal.staff
    with np.errstate(invalid="ignore", divide="ignore"):
        per_year = deliveries / period_days[:, None] * DAYS_PER_YEAR
        values = {
            "arrivals": arrivals,
            "deliveries": deliveries,
            "deliveries_per_year": per_year,
            "caesarean_share": cs / deliveries,
            "emergency_caesareans": ecs,
            "labours": labours,
            "turned_away_share": turned / arrivals,
            "diverted_share": diverted / arrivals,
            "out_of_region_share": outs / arrivals,
            "emergency_transfer_share": em / arrivals,
            "midwife_no_wait_share": no_wait / labours,
            "midwife_timely_share": timely / labours,
            "midwife_wait_mean_min": wait_sum / waited,
            "midwife_wait_p95_min": wait_p95,
            "ddi_mean_min": ddi_sum / ecs,
            "ddi_within_target_share": ddi_in / ecs,
            **travel,
            **occ,
            **timed,
            **staff,
            "beds_per_1000_deliveries": staff["beds"] / per_year * 1000,
            "midwives_per_1000_deliveries": staff["midwives"] / per_year * 1000,
            "obstetricians_per_1000_deliveries": staff["obstetricians"] / per_year * 1000,
            "obstetricians_per_bed": staff["obstetricians"] / staff["beds"],
        }
    if more_rows:
        values.update(more_rows)
    metrics = _metrics_frame(cal, values, replication)

    delivered_w = rec.facility >= 0
    counted = slice(n0, None)
    delivered = int(np.count_nonzero(delivered_w[counted]))
    out = int(np.count_nonzero(rec.out_of_region[counted]))
    # Counted independently: a woman lost by the engine would break the balance.
    in_care = int(np.count_nonzero(~delivered_w[counted] & ~rec.out_of_region[counted]
                                   & rec.in_bed_at_end[counted]))
    total = max(0, rec.first.shape[0] - n0)
    return ReplicationResult(
        replication=replication,
        seed=seed,
        metrics=metrics,
        flows=flows_df,
        daily_census=census.astype(np.float32),
        arrivals=total,
        delivered=delivered,
        out_of_region=out,
        in_progress=in_care,
        events=rec.events,
    )


@dataclass(frozen=True)
class _Calendar:
    """What the reduction of every replication of one network shares: its periods, its
    reported days by period and whatever depends on the capacities alone (read-only)."""

    facilities: int
    years: int
    year_starts_h: np.ndarray
    t0: float
    t1: float
    period_days: np.ndarray         # days of each year, then of the whole reported period
    # The rows worked out, with their days; a row with the same days as an earlier one (the
    # only year of a one-year horizon and the whole period) is a copy of it (row, copied row).
    day_rows: tuple[tuple[int, np.ndarray], ...]
    worked_rows: np.ndarray         # [row worked out]: its row
    day_spans: np.ndarray           # [row worked out, 2]: its first day and the day after
    row_spans: tuple[tuple[int, int, int], ...]  # (row worked out, first day, day after)
    copies: tuple[tuple[int, int], ...]
    beds: np.ndarray                # [facility, day]
    no_beds: np.ndarray             # [facility, day]: beds <= 0
    region_beds: np.ndarray         # [day]
    row_beds: np.ndarray            # [row, facility]: bed-days of the row's days
    row_region_beds: np.ndarray     # [row]
    staff: dict[str, np.ndarray]    # by-period means of beds and head-counts, [row, column]
    labels: tuple[tuple[str, ...], tuple[str, ...]]  # year rows, facility columns
    delivery_beds: np.ndarray       # [facility, day]: delivery beds on days it delivers
    delivering: np.ndarray          # [facility, day]: 1 on days it delivers
    days: Days                      # what the time-based metrics share


def _calendar(net: Network) -> _Calendar:
    """The `_Calendar` of ``net``, worked out once for networks with equal periods and
    capacities (the replications of a scenario compile equal networks)."""
    return _calendar_of(net.ids, net.years, net.year_starts_h, net.t_stats_h, net.t_end_h,
                        net.capacity)


@lru_cache(maxsize=8)
def _calendar_of(ids, years, year_starts_h, t0, t1, capacity) -> _Calendar:
    """The `_Calendar` of a network given by its facility ids, years, period bounds
    (hours) and capacity schedule."""
    nf, ny = len(ids), len(years)
    starts = np.asarray(year_starts_h, dtype=float)
    ends = np.append(starts[1:], t1)
    period_days = np.append((ends - starts) / 24.0, (t1 - t0) / 24.0)
    days = int(round((t1 - t0) / 24.0))
    mid = t0 + 24.0 * np.arange(days) + 12.0
    day_year = np.searchsorted(starts, mid, side="right") - 1
    rows: list[tuple[int, np.ndarray]] = []
    copies = []
    for row in range(ny + 1):
        sel = day_year == row if row < ny else np.ones_like(day_year, dtype=bool)
        same = next((r for r, s in rows if np.array_equal(s, sel)), None)
        if same is None:
            rows.append((row, sel))
        else:
            copies.append((row, same))
    # Days are in time order, so the days of a row are a run: [first, stop).
    spans = []
    for _, sel in rows:
        on = np.flatnonzero(sel)
        first, stop = (int(on[0]), int(on[-1]) + 1) if on.shape[0] else (0, 0)
        assert stop - first == on.shape[0]
        spans.append((first, stop))
    built_beds = capacity.by_day("beds")
    # Beds count towards occupancy and the region's beds only on the days their facility
    # delivers: an antenatal-only unit's beds hold no woman who gives birth (as in sizing).
    delivering = capacity.by_day("delivers")
    beds = built_beds * delivering
    delivery_beds = capacity.by_day("delivery_beds") * delivering
    region_beds = beds.sum(axis=0)
    row_beds = np.zeros((ny + 1, nf))
    row_region_beds = np.zeros(ny + 1)
    for row, sel in rows:
        row_beds[row] = beds[:, sel].sum(axis=1)
        row_region_beds[row] = beds[:, sel].sum()
    # Mean beds and head-counts of each row, every kind at once: [kind x facility, day] and
    # [kind, day] for the region (its facilities summed day by day, as for one kind alone).
    names = ("beds", "midwives", "obstetricians", "theatres", "delivery_beds")
    per_day = np.stack([built_beds if name == "beds" else capacity.by_day(name)
                        for name in names])
    region = per_day.sum(axis=1)
    region[0] = region_beds
    per_day = per_day.reshape(len(names) * nf, -1)
    means = np.full((len(names), ny + 1, nf + 1), np.nan)
    for row, sel in rows:
        if sel.any():
            means[:, row, :nf] = per_day[:, sel].mean(axis=1).reshape(len(names), nf)
            means[:, row, nf] = region[:, sel].mean(axis=1)
    for row, same in copies:
        means[:, row] = means[:, same]
    staff = dict(zip(names, means, strict=True))
    no_beds = beds <= 0
    worked_rows = np.asarray([row for row, _ in rows], dtype=np.int64)
    day_spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    for arr in (period_days, worked_rows, day_spans, beds, no_beds, region_beds, row_beds,
                row_region_beds, *staff.values(), delivery_beds, delivering):
        arr.setflags(write=False)
    row_spans = tuple((row, *span) for (row, _), span in zip(rows, spans, strict=True))
    return _Calendar(nf, ny, starts, t0, t1, period_days, tuple(rows), worked_rows, day_spans,
                     row_spans, tuple(copies), beds, no_beds, region_beds,
                     row_beds, row_region_beds, staff,
                     ((*map(str, years), ALL_YEARS), (*ids, REGION)),
                     delivery_beds, delivering,
                     days_of(beds, delivery_beds, delivering, t0, row_spans, copies, ny + 1))


def _travel(net: Network, cal: _Calendar, rec: RunRecord,
            delivery_cells: np.ndarray) -> dict[str, np.ndarray]:
    """Travel from each woman's booking facility to the facility where she delivered, by the
    year of her delivery and her booking facility (the region column: every delivery): mean
    and 95th percentile (minutes), and the shares over each of `TRAVEL_THRESHOLDS_MIN`,
    [row, column] as `_counts`. Travel times are the scenario's transfer minutes
    (`capsim.scenario.referral.travel_hours`), 0 for a delivery where she booked.
    Women who delivered out of the region are not counted (where they delivered is not
    modelled); all NaN when the record keeps no booking facilities. ``delivery_cells``: the
    cell of each woman's delivery (`_cells` of her facility and time of delivery)."""
    nf, ny = cal.facilities, cal.years
    names = TRAVEL_METRICS  # mean, 95th percentile, the shares over each threshold
    if rec.booked is None:
        return {name: np.full((ny + 1, nf + 1), np.nan) for name in names}
    table = np.ascontiguousarray(net.travel_h, dtype=np.float64)
    pair_minutes, times, rank_of_pair = _pair_times(table.tobytes())
    if times.shape[0] * ny * (nf + 1) <= max(PAIR_COUNTS_PER_DELIVERY * delivery_cells.shape[0],
                                             PAIR_COUNTS_ANYWAY):
        # Travel times are those of a few (booked, delivered) pairs: women are counted by
        # the pair's time among the times in order, in one pass, and the percentiles read
        # from the counts.
        counts = np.zeros((times.shape[0], ny * (nf + 1)), dtype=np.int64)
        sums = np.zeros(ny * (nf + 1))
        # The engine's own types (no copies), one type per argument: compiled once.
        _place_travel(np.ascontiguousarray(rec.facility, dtype=np.int32),
                      np.ascontiguousarray(rec.booked, dtype=np.int32), delivery_cells,
                      np.ravel(rank_of_pair).astype(np.int64, copy=False), pair_minutes,
                      net.travel_h.shape[1], counts, sums)
        by_time = _count_table(cal, counts.ravel(), times.shape[0])
        women = by_time.sum(axis=0)
        p95 = _p95_of_counts(by_time.reshape(times.shape[0], -1), times).reshape(women.shape)
        shares = [by_time[times > m].sum(axis=0) for m in TRAVEL_THRESHOLDS_MIN]
        total = _sum_table(cal, sums)
    else:
        booked = np.asarray(rec.booked, dtype=np.int64)
        # Her delivery's cell, moved from the column of where she delivered to that of where
        # she booked: the same year.
        keep = (rec.facility >= 0) & (booked >= 0) & (delivery_cells >= 0)
        booked, where = booked[keep], rec.facility[keep].astype(np.int64)
        cells = delivery_cells[keep] - where + booked
        pair = booked
        pair *= net.travel_h.shape[1]
        pair += where
        del booked, where
        minutes = pair_minutes.take(pair)
        over = _counts(cal, cells, _bits(*(minutes > m for m in TRAVEL_THRESHOLDS_MIN)),
                       1 << len(TRAVEL_THRESHOLDS_MIN))
        women = over.sum(axis=0)
        p95 = _wait_p95(cal, cells, minutes)
        shares = [over[[k for k in range(over.shape[0]) if k >> bit & 1]].sum(axis=0)
                  for bit in range(len(TRAVEL_THRESHOLDS_MIN))]
        total = _sums(cal, cells, minutes)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {names[0]: total / women, names[1]: p95}
        for name, count in zip(names[2:], shares, strict=True):
            out[name] = count / women
    return out


@jit_loop
def _place_travel(facility: np.ndarray, booked: np.ndarray, cells: np.ndarray,
                  rank_of_pair: np.ndarray, pair_minutes: np.ndarray, width: int,
                  counts: np.ndarray, sums: np.ndarray) -> None:
    """Into ``counts`` [time, cell], one more for each woman who delivered at ``facility``
    (>= 0) in a cell (``cells`` >= 0) having booked at ``booked`` (>= 0), in her delivery's
    cell moved to the column where she booked, by the place (``rank_of_pair``) of the travel
    time of the pair (booked x ``width`` + facility); into ``sums`` [cell], her minutes
    (``pair_minutes`` of the pair), added in the women's order as ``np.bincount`` adds them."""
    for i in range(cells.shape[0]):
        where, start, cell = facility[i], booked[i], cells[i]
        if where < 0 or start < 0 or cell < 0:
            continue
        cell += start - where
        pair = start * width + where
        counts[rank_of_pair[pair], cell] += 1
        sums[cell] += pair_minutes[pair]


@lru_cache(maxsize=4)  # a province's table is large
def _pair_times(travel_h: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The travel minutes of each (from, to) pair of a network's travel hours (the bytes of
    its float table, row after row), the distinct minutes in increasing order and the place
    of each pair's minutes among them (read-only: shared by the replications)."""
    pair_minutes = np.frombuffer(travel_h, dtype=np.float64) * 60.0
    times, rank_of_pair = np.unique(pair_minutes, return_inverse=True)
    for arr in (pair_minutes, times, rank_of_pair):
        arr.setflags(write=False)
    return pair_minutes, times, rank_of_pair


#: Travel percentiles come from counts of deliveries by (year, booking facility, travel time)
#: while that table has at most so many counts per delivery (or at most so many counts in
#: all); beyond, from a sort of the deliveries' times (a province's many pairs of facilities).
PAIR_COUNTS_PER_DELIVERY = 4
PAIR_COUNTS_ANYWAY = 1 << 16


def _cells(cal: _Calendar, fac: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The cell of each event at time ``t`` (hours) in facility ``fac``: year index x
    (facilities + 1) + column, where the column is the facility or, for none (-1), the last;
    -1 for an event outside the reported years. (The compiled passes work them out with
    the counts, in one pass; this is their definition.)"""
    nf = cal.facilities
    year = np.full(t.shape, -1, dtype=np.int64)
    for start in cal.year_starts_h:  # the number of years begun by t: few years, few passes
        year += t >= start
    year *= nf + 1
    year += np.where(fac >= 0, fac, nf)
    return np.where((t >= cal.t0) & (t < cal.t1) & (year >= 0), year, -1)


def _bits(*flags: np.ndarray) -> np.ndarray:
    """The boolean arrays ``flags`` as the bits of one small number per event (the first flag
    the lowest bit): uint8."""
    out = np.asarray(flags[0], dtype=bool).view(np.uint8).copy()
    for bit, flag in enumerate(flags[1:], start=1):
        out |= np.asarray(flag, dtype=bool).view(np.uint8) << bit
    return out


def _counts(cal: _Calendar, cells: np.ndarray, kind: np.ndarray, kinds: int) -> np.ndarray:
    """Events by kind and cell: float array [kind, row, column] with ``kinds`` kinds (``kind``
    an int per event in 0 .. kinds - 1), a row per year then the all-years row, a column per
    facility then the region (every event of its row, with a facility or not)."""
    nf, ny = cal.facilities, cal.years
    ok = cells >= 0
    flat = np.bincount(kind[ok].astype(np.int64) * (ny * (nf + 1)) + cells[ok],
                       minlength=kinds * ny * (nf + 1))
    return _count_table(cal, flat, kinds)


def _count_table(cal: _Calendar, flat: np.ndarray, kinds: int) -> np.ndarray:
    """The counts ``flat`` of events by kind and cell (kind x cells + cell) as `_counts`
    gives them: [kind, row, column], with the region column and the all-years row."""
    nf, ny = cal.facilities, cal.years
    # One compiled pass instead of half a dozen small numpy calls; counts are exact in
    # floats, whatever the order of the sums.
    return completed_counts(np.ascontiguousarray(flat, dtype=np.int64).reshape(kinds, ny, nf + 1))


@jit_loop
def completed_counts(counts: np.ndarray) -> np.ndarray:
    """``counts`` [kind, year, column] (int64; the last column: events at no facility) as
    floats [kind, row, column] with the all-years row after the years and, in the last
    column, every event of its row (at a facility or not)."""
    kinds, ny, width = counts.shape
    out = np.zeros((kinds, ny + 1, width))
    for k in range(kinds):
        for col in range(width):
            total = 0
            for y in range(ny):
                total += counts[k, y, col]
            out[k, ny, col] = total
        region = 0
        for y in range(ny):
            row = 0
            for col in range(width - 1):
                row += counts[k, y, col]
                out[k, y, col] = counts[k, y, col]
            row += counts[k, y, width - 1]
            out[k, y, width - 1] = row
            region += row
        out[k, ny, width - 1] = region
    return out


def _arrivals(cal: _Calendar, rec: RunRecord) -> np.ndarray:
    """The women counted (from ``rec.first_counted``) by the cell of their first bed request
    (`_cells` of its facility and time), in one pass: the counts [count, row, column] as
    `_counts` gives them of the women, of those turned away, of those out of the region and
    of those turned away and placed in the region (diverted)."""
    nf, ny = cal.facilities, cal.years
    n0 = rec.first_counted
    counts = np.zeros((4, ny * (nf + 1)), dtype=np.int64)
    # One type per argument, so that the loop is compiled once.
    _place_arrivals(np.ascontiguousarray(rec.first[n0:], dtype=np.int32),
                    np.ascontiguousarray(rec.admit_h[n0:], dtype=np.float64),
                    np.ascontiguousarray(rec.turned_away[n0:], dtype=np.bool_),
                    np.ascontiguousarray(rec.out_of_region[n0:], dtype=np.bool_),
                    np.asarray(cal.year_starts_h, dtype=np.float64), float(cal.t0),
                    float(cal.t1), nf, counts)
    return _count_table(cal, counts.ravel(), 4)


@jit_loop
def _place_arrivals(fac: np.ndarray, t: np.ndarray, turned: np.ndarray, out: np.ndarray,
                    starts: np.ndarray, t0: float, t1: float, nf: int,
                    counts: np.ndarray) -> None:
    """Into ``counts`` [count, cell], one more in each of `_arrivals`' counts it is in, for
    each woman (first bed request at ``fac`` and ``t``, ``turned`` away, ``out`` of the
    region) inside the reported years, in the `_cells` cell of her request."""
    for i in range(t.shape[0]):
        cell = cell_of(fac[i], t[i], starts, t0, t1, nf)
        if cell < 0:
            continue
        counts[0, cell] += 1
        if turned[i]:
            counts[1, cell] += 1
            if not out[i]:
                counts[3, cell] += 1
        if out[i]:
            counts[2, cell] += 1


def _deliveries(cal: _Calendar, rec: RunRecord,
                ddi_target_min: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The women by the cell of their delivery (`_cells` of her facility and time of
    delivery), in one pass: the cells; the counts [count, row, column] as `_counts` gives
    them of the women delivered at a facility, of those delivered by caesarean at a
    facility, of the emergency caesareans and of those with their decision to delivery
    within ``ddi_target_min`` (the sums of `_counts`' kinds, bits 1 delivered, 2 caesarean,
    4 emergency caesarean, 8 decision to delivery within the target, that have bit 1, bits
    1 and 2, bit 4, bits 4 and 8); and the sums of the emergency caesareans' decision to
    delivery minutes (0 for one not known) as `_sums` gives them."""
    nf, ny = cal.facilities, cal.years
    cells = np.empty(rec.facility.shape[0], dtype=np.int64)
    counts = np.zeros((4, ny * (nf + 1)), dtype=np.int64)
    ddi = np.zeros(ny * (nf + 1))
    _place_deliveries(np.ascontiguousarray(rec.facility, dtype=np.int32),
                      np.ascontiguousarray(rec.delivered_h, dtype=np.float64),
                      np.ascontiguousarray(rec.mode, dtype=np.int8),
                      np.ascontiguousarray(rec.ddi_min, dtype=np.float64),
                      np.asarray(cal.year_starts_h, dtype=np.float64), float(cal.t0),
                      float(cal.t1), nf, PLANNED_CS, EMERGENCY_CS, float(ddi_target_min),
                      cells, counts, ddi)
    return cells, _count_table(cal, counts.ravel(), 4), _sum_table(cal, ddi)


def _labours(cal: _Calendar, rec: RunRecord, wait_target_min: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The labours by the cell of their care (`_cells` of the facility and time of labour
    care), in one pass: the counts [count, row, column] as `_counts` gives them of the
    labours, of those served by a midwife before the horizon's end, of those served with no
    wait and of those served within ``wait_target_min`` (the sums of `_counts`' kinds, bits
    1 served, 2 with no wait, 4 within the target, of all, with bit 1, bits 1 and 2, bit 4);
    the cells and waits (minutes) of the women served, in their order; and the sums of the
    waits as `_sums` gives them."""
    nf, ny = cal.facilities, cal.years
    n = rec.labour_facility.shape[0]
    counts = np.zeros((4, ny * (nf + 1)), dtype=np.int64)
    served_cells = np.empty(n, dtype=np.int64)
    waits = np.empty(n)
    sums = np.zeros(ny * (nf + 1))
    served = _place_labours(np.ascontiguousarray(rec.labour_facility, dtype=np.int32),
                            np.ascontiguousarray(rec.labour_start_h, dtype=np.float64),
                            np.ascontiguousarray(rec.midwife_wait_h, dtype=np.float64),
                            np.asarray(cal.year_starts_h, dtype=np.float64), float(cal.t0),
                            float(cal.t1), nf, float(wait_target_min), served_cells, waits,
                            counts, sums)
    return (_count_table(cal, counts.ravel(), 4), served_cells[:served], waits[:served],
            _sum_table(cal, sums))


# The passes' plain Python versions call it in the tests.
@jit_callee(python_calls=True, inline="always")
def year_of(time: float, starts: np.ndarray) -> int:
    """The reported year (index) of an event at ``time`` (hours): the number of the years
    starting at ``starts`` (hours, in order) begun by then, less one; -1 before the first."""
    year = -1
    for start in starts:  # few years: a pass over them is quicker than a search
        if time >= start:
            year += 1
    return year


# The passes' plain Python versions call it in the tests.
@jit_callee(python_calls=True, inline="always")
def cell_at(year: int, fac: int, nf: int) -> int:
    """The `_cells` cell of reported year ``year`` (index) and facility ``fac`` of ``nf``
    (-1, none: the region's column): year x (nf + 1) + column."""
    return year * (nf + 1) + (fac if fac >= 0 else nf)


# The passes' plain Python versions call it in the tests.
@jit_callee(python_calls=True, inline="always")
def cell_of(fac: int, time: float, starts: np.ndarray, t0: float, t1: float,
            nf: int) -> int:
    """The `_cells` cell of one event at ``time`` (hours) in facility ``fac``; -1 outside the
    reported years."""
    year = year_of(time, starts)
    if year < 0 or not (time >= t0 and time < t1):
        return -1
    return cell_at(year, fac, nf)


@jit_loop
def _place_deliveries(fac: np.ndarray, t: np.ndarray, mode: np.ndarray, ddi: np.ndarray,
                      starts: np.ndarray, t0: float, t1: float, nf: int, planned: int,
                      emergency: int, ddi_target: float, cells: np.ndarray,
                      counts: np.ndarray, ddi_sums: np.ndarray) -> None:
    """Into ``cells``, the `_cells` of each delivery (``fac``, ``t``); into ``counts`` [count,
    cell], one more in each of `_deliveries`' counts it is in, for each inside the reported
    years; into
    ``ddi_sums`` [cell], each emergency caesarean's minutes (``ddi``, 0 when not finite),
    added in the women's order as ``np.bincount`` adds them."""
    for i in range(t.shape[0]):
        cell = cell_of(fac[i], t[i], starts, t0, t1, nf)
        cells[i] = cell
        if cell < 0:
            continue
        is_ecs = mode[i] == emergency
        if fac[i] >= 0:
            counts[0, cell] += 1
            if mode[i] == planned or is_ecs:
                counts[1, cell] += 1
        if is_ecs:
            counts[2, cell] += 1
            if ddi[i] <= ddi_target:
                counts[3, cell] += 1
        if is_ecs:
            ddi_sums[cell] += ddi[i] if np.isfinite(ddi[i]) else 0.0


@jit_loop
def _place_labours(fac: np.ndarray, t: np.ndarray, wait_h: np.ndarray, starts: np.ndarray,
                   t0: float, t1: float, nf: int, wait_target: float,
                   served_cells: np.ndarray, waits: np.ndarray, counts: np.ndarray,
                   wait_sums: np.ndarray) -> int:
    """Into ``counts`` [count, cell], one more in each of `_labours`' counts it is in, for
    each labour (facility ``fac`` >= 0, at ``t``) inside the reported years; into
    ``served_cells`` and ``waits`` the cell and wait (minutes, ``wait_h`` x 60) of each
    served, into ``wait_sums`` [cell] their waits added in the women's order as
    ``np.bincount`` adds them. Returns how many were served."""
    served = 0
    for i in range(t.shape[0]):
        if fac[i] < 0:
            continue
        cell = cell_of(fac[i], t[i], starts, t0, t1, nf)
        if cell < 0:
            continue
        wait = wait_h[i] * 60.0  # NaN: no midwife before the horizon's end
        finite = np.isfinite(wait)
        counts[0, cell] += 1
        if finite:
            counts[1, cell] += 1
            if wait == 0:
                counts[2, cell] += 1
        if wait <= wait_target:
            counts[3, cell] += 1
        if finite:
            served_cells[served] = cell
            waits[served] = wait
            wait_sums[cell] += wait
            served += 1
    return served


def _sums(cal: _Calendar, cells: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Sum of ``weights`` by cell, [row, column] as `_counts`; ``cells`` all inside the
    reported years. The additions run in the events' order, then over facilities (region)
    and over years (all-years row), so that the sums do not depend on how events are grouped."""
    nf, ny = cal.facilities, cal.years
    return _sum_table(cal, np.bincount(cells, weights=weights, minlength=ny * (nf + 1)))


def _sum_table(cal: _Calendar, flat: np.ndarray) -> np.ndarray:
    """The sums ``flat`` by cell as `_sums` gives them: [row, column], with the region column
    and the all-years row."""
    nf, ny = cal.facilities, cal.years
    out = np.empty((ny + 1, nf + 1))
    out[:ny] = flat.reshape(ny, nf + 1)
    out[:ny, nf] = out[:ny].sum(axis=1)
    out[ny] = out[:ny].sum(axis=0)
    return out


def _wait_p95(cal: _Calendar, cells: np.ndarray, wait_min: np.ndarray) -> np.ndarray:
    """95th percentile of the waits (or any times) by cell, [row, column] as `_counts`
    (NaN where no woman waited); ``cells`` all at a facility inside the reported years. The
    waits that are not zero are sorted once for every grouping (`_nonzero_order`), and
    placed in their groups in one compiled pass."""
    nf, ny = cal.facilities, cal.years
    out = np.full((ny + 1, nf + 1), np.nan)
    if cells.shape[0]:
        _p95_of_cells(np.ascontiguousarray(cells, dtype=np.int64),
                      np.ascontiguousarray(wait_min, dtype=np.float64),
                      _nonzero_order(wait_min).astype(np.int64, copy=False), ny, nf, out)
    return out


@jit_loop
def _p95_of_cells(cells: np.ndarray, values: np.ndarray, ranked: np.ndarray, ny: int,
                  nf: int, out: np.ndarray) -> None:
    """Into ``out`` [row, column] (rows: the ``ny`` years, then all of them; columns: the
    ``nf`` facilities, then all of them), the 95th percentile of the ``values`` of each
    (year, facility) cell (year x (nf + 1) + facility, every facility below ``nf``) of
    ``cells`` and of each year, facility and all together; groups without a value are left
    as they are. ``ranked``: the places of the values that are not zero, smallest first
    (`_nonzero_order`).

    The numbers of ``np.percentile(..., 95)`` (its default linear method, step by step) of
    each group: its values in order are its values below zero, its zeros, then its values
    above zero, and only those that are not zero are placed, in their order."""
    width = nf + 1
    groups = (ny + 1) * width
    count = np.zeros(groups, dtype=np.int64)
    nonzero = np.zeros(groups, dtype=np.int64)
    negative = np.zeros(groups, dtype=np.int64)
    group = np.empty(4, dtype=np.int64)
    for i in range(cells.shape[0]):
        _groups_of(cells[i], ny, nf, group)
        for slot in group:
            count[slot] += 1
    for r in ranked:
        _groups_of(cells[r], ny, nf, group)
        for slot in group:
            nonzero[slot] += 1
            if values[r] < 0.0:
                negative[slot] += 1
    start = np.zeros(groups + 1, dtype=np.int64)
    for g in range(groups):
        start[g + 1] = start[g] + nonzero[g]
    placed = start[:-1].copy()
    v = np.empty(start[groups])  # each group's values that are not zero, in order
    for r in ranked:
        _groups_of(cells[r], ny, nf, group)
        for slot in group:
            v[placed[slot]] = values[r]
            placed[slot] += 1
    for g in range(groups):
        n = count[g]
        if n == 0:
            continue
        zeros = n - nonzero[g]
        below, gamma = _rank95_of(n)
        out[g // width, g % width] = _lerp_of(
            _ranked_value(v, start[g], negative[g], zeros, below),
            _ranked_value(v, start[g], negative[g], zeros, min(below + 1, n - 1)), gamma)


# The pass's plain Python version calls it in the tests.
@jit_callee(python_calls=True, inline="always")
def _groups_of(cell: int, ny: int, nf: int, group: np.ndarray) -> None:
    """Into ``group``, the four groups of `_p95_of_cells` (row x (nf + 1) + column) a value in
    ``cell`` (year x (nf + 1) + facility) is in: its cell, its year, its facility over all
    the ``ny`` years, and all of them."""
    width = nf + 1
    year, facility = cell // width, cell % width
    group[0], group[1] = year * width + facility, year * width + nf
    group[2], group[3] = ny * width + facility, ny * width + nf


@jit_callee(python_calls=True, inline="always")
def _rank95_of(n: int) -> tuple[int, float]:
    """For a run of ``n`` (>= 1) sorted values, the place (from 0) of the value at or below
    the 95th percentile and the fraction of the way to the next, as numpy's default linear
    method works them out."""
    virtual = (n - 1) * 0.95
    below = int(np.floor(virtual))
    return below, virtual - below


@jit_callee(python_calls=True, inline="always")
def _lerp_of(a: float, b: float, gamma: float) -> float:
    """The value ``gamma`` of the way from ``a`` to ``b``, worked out as numpy's percentile
    works it out, to the last bit."""
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


@jit_callee(python_calls=True, inline="always")
def _ranked_value(v: np.ndarray, start: int, negative: int, zeros: int, rank: int) -> float:
    """The ``rank``-th smallest value (from 0) of a group of `_p95_of_cells` whose values
    that are not zero are ``v[start:]`` in order, ``negative`` of them below zero, with
    ``zeros`` zeros."""
    if rank < negative:
        return v[start + rank]
    if rank < negative + zeros:
        return 0.0
    return v[start + rank - zeros]


def _nonzero_order(values: np.ndarray) -> np.ndarray:
    """The places of the values that are not zero, from the smallest value to the largest
    (equal values in any order: a percentile reads values, not places). Most women wait for
    no one and deliver where they booked: the zeros, most of the values, need no sort."""
    nonzero = np.flatnonzero(values)
    return nonzero[np.argsort(values[nonzero])]


@jit_loop
def _p95_of_counts(counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    """95th percentile of each group whose values are given by ``counts`` [value, group]
    (whole numbers) of each of the increasing ``values`` (NaN where the group has none):
    the numbers of ``np.percentile(..., 95)`` of the values one by one."""
    kinds, groups = counts.shape
    out = np.full(groups, np.nan)
    for g in range(groups):
        total = 0
        for k in range(kinds):
            total += int(counts[k, g])
        if total == 0:
            continue
        below, gamma = _rank95_of(total)
        upper_rank = min(below + 1, total - 1)
        # The rank-th smallest value (from 0) is the first whose running count passes rank.
        lower = upper = -1
        running = 0
        for k in range(kinds):
            running += int(counts[k, g])
            if lower < 0 and running > below:
                lower = k
            if running > upper_rank:
                upper = k
                break
        out[g] = _lerp_of(values[lower], values[upper], gamma)
    return out


def daily_census(net: Network, rec: RunRecord) -> np.ndarray:
    """Time-weighted mean number of women in beds per facility and reported day.

    Returns an array [facility, day] (women). Computed exactly from the bed-stay intervals: the
    occupied bed-hours up to time x are sum(min(x, end) - start) over stays started before x.
    """
    nf = net.n
    x, off, span = _census_grid(nf, net.t_stats_h, net.t_end_h)
    # Ward beds only (or a facility's one pool): the beds that beds per 1,000 deliveries and
    # occupancy count. Every stay is one when no facility has delivery beds.
    pools = _stay_pools(rec)
    ward = slice(None) if not pools.any() else pools == 0
    # Stays sorted by (facility, time) as one number each: facility x span + hours. Built in
    # place and the grid's terms one at a time, to keep a province's peak memory low.
    starts = rec.stay_facility[ward].astype(np.int64) * span
    ends = starts.copy()
    starts += rec.stay_start_h[ward]
    starts.sort()
    ends += rec.stay_end_h[ward]
    ends.sort()
    out = np.empty((nf, x.shape[0] // nf - 1))
    _census_of(starts, ends, x, off, nf, span, out)
    return out


@jit_loop
def _census_of(starts: np.ndarray, ends: np.ndarray, x: np.ndarray, off: np.ndarray, nf: int,
               span: float, out: np.ndarray) -> None:
    """Into ``out`` [facility, day], the mean women in beds of each day between the grid
    points ``x`` of each facility (facility x ``span`` + hours, ``nf`` facilities one after
    the other, each offset by ``off``; `_census_grid`): the bed-hours of the stays started
    before each point less those of the stays ended before it, from one point to the next,
    over 24 hours. ``starts`` and ``ends``: sorted, as facility x ``span`` + hours.

    The bed-hours of the times t before a point x are sum(x - t), worked out as
    n x (x - offset) - (the sum of the n times - n x offset), the times summed one after the
    other from the first of all facilities (offsets cancel before multiplying), as
    ``np.cumsum`` sums them; the differences as ``np.diff`` of them, over 24.0."""
    points = x.shape[0] // nf
    started = ended = 0  # the times below the current point (points increase)
    sum_started = sum_ended = 0.0  # their sums, one after the other
    for f in range(nf):
        while started < starts.shape[0] and starts[started] < f * span:
            sum_started += starts[started]
            started += 1
        while ended < ends.shape[0] and ends[ended] < f * span:
            sum_ended += ends[ended]
            ended += 1
        base_started, base_sum_started = started, sum_started  # the earlier facilities'
        base_ended, base_sum_ended = ended, sum_ended
        before = 0.0
        for p in range(points):
            j = f * points + p
            while started < starts.shape[0] and starts[started] < x[j]:
                sum_started += starts[started]
                started += 1
            while ended < ends.shape[0] and ends[ended] < x[j]:
                sum_ended += ends[ended]
                ended += 1
            n = started - base_started
            occupied = n * (x[j] - off[j]) - (sum_started - base_sum_started - n * off[j])
            n = ended - base_ended
            left = n * (x[j] - off[j]) - (sum_ended - base_sum_ended - n * off[j])
            now = occupied - left
            if p:
                out[f, p - 1] = (now - before) / 24.0
            before = now


@lru_cache(maxsize=8)
def _census_grid(nf: int, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The reported days' bounds of every facility as `daily_census` reads them: each bound
    as facility x span + hours and the facility's offset, facility after facility, and the
    span (hours)."""
    days = int(round((t1 - t0) / 24.0))
    grid = t0 + 24.0 * np.arange(days + 1)
    span = t1 + 1.0
    x = (grid[None, :] + (np.arange(nf) * span)[:, None]).ravel()
    # Subtract the facility offset so that the large numbers cancel before multiplying.
    off = np.repeat(np.arange(nf) * span, days + 1)
    for arr in (x, off):
        arr.setflags(write=False)
    return x, off, span


def _stay_pools(rec: RunRecord) -> np.ndarray:
    """The pool of each bed stay of ``rec`` (0 a ward bed or a bed of a facility's one pool,
    1 a delivery bed); all 0 for a record that gives none."""
    if rec.stay_pool.shape[0] == rec.stay_facility.shape[0]:
        return rec.stay_pool
    return np.zeros(rec.stay_facility.shape[0], dtype=np.int8)


def capacity_by_day(net: Network, name: str = "beds") -> np.ndarray:
    """Capacity (beds, or a head-count) per facility and reported day, [facility, day].

    A change dated within a day counts from that day on (changes are dated at 00:00)."""
    return net.capacity.by_day(name)


def _occupancy(cal: _Calendar, census: np.ndarray) -> dict[str, np.ndarray]:
    """Mean and 95th-percentile bed occupancy and the share of days above
    `HIGH_OCCUPANCY`, [row, column] as `_counts` (shares of beds, of days)."""
    nf, ny = cal.facilities, cal.years
    capacity = cal.beds
    rows = cal.worked_rows
    sums = np.empty((rows.shape[0], nf))
    totals = np.empty(rows.shape[0])
    # Laid out as ``census[:, days]`` lays it out (day after day), so that the sums add in
    # the same order and give the same bits: a run of days of it is laid out so too.
    by_day = np.asfortranarray(census)
    for i, (_, first, stop) in enumerate(cal.row_spans):
        part = by_day[:, first:stop]
        sums[i] = part.sum(axis=1)
        totals[i] = part.sum()
    # Occupancy per facility and day, then the region's: [column, day].
    daily = np.empty((nf + 1, census.shape[1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(census, capacity, out=daily[:nf])
        np.copyto(daily[:nf], np.nan, where=cal.no_beds)
        # A day on which the region has no beds has no occupancy, as for a facility.
        daily[nf] = np.where(cal.region_beds > 0, census.sum(axis=0) / cal.region_beds,
                             np.nan)
        cap = cal.row_beds[rows]
        mean = np.full((ny + 1, nf + 1), np.nan)
        mean[rows, :nf] = np.where(cap > 0, sums / cap, np.nan)
        mean[rows, nf] = totals / cal.row_region_beds[rows]
    p95 = np.full((ny + 1, nf + 1), np.nan)
    high = np.full((ny + 1, nf + 1), np.nan)
    _days_p95_and_high(daily, rows, cal.day_spans, HIGH_OCCUPANCY, p95, high)
    for row, same in cal.copies:
        for table in (mean, p95, high):
            table[row] = table[same]
    return {"occupancy_mean": mean, "occupancy_p95": p95, "days_above_85_share": high}


@jit_loop
def _days_p95_and_high(daily: np.ndarray, rows: np.ndarray, spans: np.ndarray,
                       threshold: float, p95: np.ndarray, share: np.ndarray) -> None:
    """For each row ``rows[i]`` worked out, whose days are ``spans[i]`` (first, day after its
    last), and each column of ``daily`` [column, day] (NaN on a day without beds): into
    ``p95`` [row, column] the 95th percentile of its days with beds (the numbers of
    ``np.percentile``), into ``share`` the share of them above ``threshold``. A column with
    no day with beds in a row has neither (a day without beds is neither high nor low).

    The percentile reads two values of the days in order, both among the few largest: the
    largest days are kept in order as the days are read, and nothing is sorted."""
    top = np.empty(daily.shape[1])
    for i in range(rows.shape[0]):
        first, stop = spans[i, 0], spans[i, 1]
        for column in range(daily.shape[0]):
            n = 0
            above = 0
            for day in range(first, stop):
                value = daily[column, day]
                if not np.isnan(value):
                    n += 1
                    if value > threshold:
                        above += 1
            if n == 0:
                continue
            share[rows[i], column] = above / n
            below, gamma = _rank95_of(n)
            # The n - below largest days, smallest first: the first is the day at place
            # ``below`` in order, the second (if any) the day after it.
            keep = n - below
            kept = 0
            for day in range(first, stop):
                value = daily[column, day]
                if np.isnan(value) or (kept == keep and value <= top[0]):
                    continue
                if kept == keep:  # the smallest kept day makes way
                    place = 0
                    while place + 1 < kept and top[place + 1] < value:
                        top[place] = top[place + 1]
                        place += 1
                else:
                    place = kept
                    while place > 0 and top[place - 1] > value:
                        top[place] = top[place - 1]
                        place -= 1
                    kept += 1
                top[place] = value
            p95[rows[i], column] = _lerp_of(top[0], top[1] if keep > 1 else top[0], gamma)


def _metrics_frame(cal: _Calendar, values: dict[str, np.ndarray],
                   replication: int) -> pd.DataFrame:
    """The long table replication, year, facility, metric, value of ``values`` ({metric:
    [row, column]}), non-finite values as NaN, built in one piece."""
    return metrics_frame(*cal.labels, values, replication)


def metrics_frame(years: tuple[str, ...], columns: tuple[str, ...],
                  values: dict[str, np.ndarray], replication: int) -> pd.DataFrame:
    """The long table replication, year, facility, metric, value of ``values`` ({metric:
    [row, column]}, rows labelled by ``years`` and columns by ``columns``), non-finite values
    as NaN, built in one piece."""
    year, facility, metric = _label_columns(years, columns, tuple(values))
    value = np.concatenate(list(values.values()), axis=None)  # each table's cells in order
    np.copyto(value, np.nan, where=~np.isfinite(value))
    return table_from_columns(METRIC_COLUMNS, [np.full(value.shape[0], replication, dtype=np.int64),
                                   year, facility, metric, value], shared=(1, 2, 3))


METRIC_COLUMNS = ("replication", "year", "facility", "metric", "value")


class Columns(NamedTuple):
    """A table as its column names and arrays, not made into a DataFrame: how a local worker
    process builds its results (`tables_as_columns`), which it sends back as they are and the
    process that asked for them makes into DataFrames (`capsim.run.unpack_result`)."""

    names: tuple[str, ...]
    arrays: list


#: Whether `table_from_columns` gives `Columns` in this context (`tables_as_columns`).
_AS_COLUMNS: ContextVar[bool] = ContextVar("capsim_tables_as_columns", default=False)


@contextmanager
def tables_as_columns() -> Iterator[None]:
    """Within the block, `table_from_columns` gives `Columns`, not DataFrames: for a result
    that is only sent elsewhere, where the tables are built once (a DataFrame built here
    would be taken apart again to be sent)."""
    token = _AS_COLUMNS.set(True)
    try:
        yield
    finally:
        _AS_COLUMNS.reset(token)


def table_from_columns(names: tuple[str, ...], arrays: list,
                       shared: tuple[int, ...] = ()) -> pd.DataFrame:
    """The table (a DataFrame) of columns ``names`` holding ``arrays`` (numpy arrays or
    pandas' own arrays), indexed 0..n-1 (`frame_from_columns`); the arrays at the positions
    ``shared`` (labels kept for every replication) are copied, the others become the table's
    own. Within `tables_as_columns`, their `Columns` instead, nothing copied (whoever makes it
    a table copies the shared ones: `capsim.run.unpack_result`)."""
    if _AS_COLUMNS.get():
        return Columns(names, list(arrays))  # type: ignore[return-value]  # see the docstring
    if shared:
        arrays = [a.copy() if i in shared else a for i, a in enumerate(arrays)]
    return frame_from_columns(names, arrays)


def as_frame(table: pd.DataFrame | Columns) -> pd.DataFrame:
    """``table`` as a DataFrame: a `Columns` made into one (its arrays of strings copied,
    since they may be shared), a DataFrame as it is."""
    if isinstance(table, Columns):
        return frame_from_columns(table.names, [a.copy() if is_strings(a) else a
                                                for a in table.arrays])
    return table


def is_strings(array: object) -> bool:
    """Whether ``array`` is pandas' own array of Python strings (the label columns)."""
    dtype = getattr(array, "dtype", None)
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "python"


def frame_from_columns(names: tuple[str, ...], arrays: list) -> pd.DataFrame:
    """The table (a DataFrame) of columns ``names`` holding ``arrays`` (numpy arrays or
    pandas' own arrays, each its own, not shared with another table), indexed 0..n-1, each
    column a block of its own as ``pd.DataFrame`` lays out a dict of them. Built from its
    blocks, without pandas' checks and copies (a fifth of the time of a small table); by
    pandas' public constructors should its internals differ."""
    index = pd.RangeIndex.from_range(range(len(arrays[0])))  # a third of RangeIndex(n)'s time
    columns = column_labels(names)
    if _Manager is not None:
        try:
            blocks = tuple(_new_block(a.reshape(1, -1) if isinstance(a, np.ndarray) else a,
                                      placement=place, ndim=2)
                           for a, place in zip(arrays, _places(len(arrays)), strict=True))
            manager = _Manager(blocks, [columns, index], verify_integrity=False)
            return pd.DataFrame._from_mgr(manager, axes=manager.axes)
        except (TypeError, AttributeError):  # a pandas whose internals take other arguments
            pass
    if _from_blocks is not None:
        return _from_blocks([(a.reshape(1, -1) if isinstance(a, np.ndarray) else a,
                              np.array([i])) for i, a in enumerate(arrays)],
                            index=index, columns=columns)
    return pd.DataFrame(dict(zip(names, arrays, strict=True)), copy=False)


@lru_cache(maxsize=4)
def _places(columns: int) -> tuple:
    """The place of each of ``columns`` columns among its table's columns, as pandas' blocks
    hold it."""
    return tuple(BlockPlacement(slice(i, i + 1)) for i in range(columns))


@lru_cache(maxsize=16)
def column_labels(names: tuple[str, ...]) -> pd.Index:
    """The column labels ``names`` as pandas holds them, one index per names (an index never
    changes, so tables share it)."""
    return pd.Index(names)


try:  # pandas' internals: a table from its blocks, each block built without checks
    from pandas._libs.internals import BlockPlacement
    from pandas.core.internals.blocks import new_block as _new_block
    from pandas.core.internals.managers import BlockManager as _Manager
except ImportError:  # pragma: no cover - another pandas: its public constructors
    _Manager = None
try:  # pandas 3: a table from its blocks, with pandas' checks
    from pandas.api.internals import create_dataframe_from_blocks as _from_blocks
except ImportError:  # pragma: no cover - an older pandas builds it from a dict
    _from_blocks = None


@lru_cache(maxsize=16)
def _label_columns(years: tuple[str, ...], facilities: tuple[str, ...],
                   metrics: tuple[str, ...]) -> tuple:
    """The year, facility and metric columns of the long metrics table, as pandas builds them
    from strings (the frame built from them copies them)."""
    block = len(years) * len(facilities)
    frame = pd.DataFrame({
        "year": np.tile(np.repeat(np.asarray(years, dtype=object), len(facilities)),
                        len(metrics)),
        "facility": np.tile(np.asarray(facilities, dtype=object), len(years) * len(metrics)),
        "metric": np.repeat(np.asarray(metrics, dtype=object), block),
    })
    return frame["year"].array, frame["facility"].array, frame["metric"].array


FLOW_COLUMNS = ["replication", "year", "from", "to", "reason", "count"]


def _flow_arrays(flows: dict) -> tuple[np.ndarray, np.ndarray]:
    """The flows of the reported years (year index >= 0) in key order: their keys, [flow,
    (year index, from, to, reason)], and their counts (women)."""
    keys = sorted(key for key in flows if key[0] >= 0)
    table = np.fromiter(chain.from_iterable(keys), dtype=np.int64,
                        count=4 * len(keys)).reshape(-1, 4)
    return table, np.fromiter(map(flows.__getitem__, keys), dtype=np.int64, count=len(keys))


def _flows_frame(net: Network, flows: tuple[np.ndarray, np.ndarray],
                 replication: int) -> pd.DataFrame:
    """The table (`FLOW_COLUMNS`) of the flows ``flows`` (`_flow_arrays`)."""
    keys, count = flows
    if not count.shape[0]:
        return pd.DataFrame([], columns=FLOW_COLUMNS)
    year, src, dst, why = keys.T
    places, reasons = _flow_labels(net.ids)
    outside = len(net.ids)  # the last place: out of the region
    return table_from_columns(tuple(FLOW_COLUMNS), [
        np.full(year.shape[0], replication, dtype=np.int64),
        np.asarray(net.years, dtype=np.int64)[year],
        places.take(np.where(src >= 0, src, outside)),
        places.take(np.where(dst != OUT_OF_REGION, dst, outside)),
        reasons.take(why),
        count,
    ])  # every column a new array of its own


@lru_cache(maxsize=16)
def _flow_labels(ids: tuple[str, ...]) -> tuple:
    """The places (facility ids, then out of the region) and the reasons of flows, as the
    arrays pandas builds from strings."""
    frame = pd.DataFrame({"place": np.asarray([*ids, OUT_OF_REGION_ID], dtype=object)})
    reasons = pd.DataFrame({"reason": np.asarray(REASONS, dtype=object)})
    return frame["place"].array, reasons["reason"].array


@dataclass
class Results:
    """Results of several replications of one scenario, as tidy tables.

    ``metrics`` and ``flows`` hold one row per replication; `summary` and
    `flow_summary` summarise them with 95% confidence intervals and the 5th/50th/95th
    percentiles across replications. ``daily_census`` is an array [replication, facility, day].
    """

    scenario: Scenario
    network: Network
    seed: int
    replications: list[ReplicationResult] = field(repr=False)

    @property
    def metrics(self) -> pd.DataFrame:
        """Per-replication metrics: replication, year, facility, metric, value."""
        return pd.concat([r.metrics for r in self.replications], ignore_index=True)

    @property
    def flows(self) -> pd.DataFrame:
        """Per-replication flows: replication, year, from, to, reason, count (women)."""
        frames = [r.flows for r in self.replications if not r.flows.empty]
        if not frames:
            return pd.DataFrame(columns=["replication", "year", "from", "to", "reason", "count"])
        return pd.concat(frames, ignore_index=True)

    @property
    def daily_census(self) -> np.ndarray:
        """Mean census per [replication, facility, day] (women)."""
        return np.stack([r.daily_census for r in self.replications])

    @property
    def accounting(self) -> pd.DataFrame:
        """Women of the reported period by fate, per replication (women)."""
        return pd.DataFrame([{
            "replication": r.replication, "seed": r.seed, "arrivals": r.arrivals,
            "delivered": r.delivered, "out_of_region": r.out_of_region,
            "in_progress": r.in_progress, "events": r.events,
        } for r in self.replications])

    @property
    def care_accounting(self) -> pd.DataFrame:
        """Newborns and children of the reported period by fate, per replication and line
        (columns replication, line, then `capsim.care.FATES`); empty without them."""
        return pd.DataFrame([{"replication": r.replication, "line": line, **counts}
                             for r in self.replications
                             for line, counts in r.care_accounting.items()])

    @property
    def engine(self) -> str:
        """The engine that simulated the replications (``"compiled"`` or ``"simpy"``; names
        joined by ", " should they differ)."""
        return ", ".join(sorted({r.engine for r in self.replications}))

    def summary(self, year: str | None = ALL_YEARS) -> pd.DataFrame:
        """Metrics summarised over replications, one row per (year, facility, metric).

        Columns: year, facility, metric, unit, mean, ci_low, ci_high, ci_half_width, sd, p5,
        p50, p95, n, replications_to_halve_ci. ``year="all"`` (default) gives the whole
        reported period, a year such as ``"2018"`` that year only, ``None`` every year and the
        whole period.
        """
        df = self.metrics
        if year is not None:
            df = df[df["year"] == str(year)]
        out = summarise(df, ["year", "facility", "metric"])
        out.insert(3, "unit", out["metric"].map(lambda m: METRICS[m].unit))
        # A metric with a range (a share lies in [0, 1]): the t interval of its mean is cut
        # to that range.
        ranged: dict[tuple[float, float], list[str]] = {}
        for m in out["metric"].unique():
            clip = METRICS[m].clip
            if clip is not None:
                ranged.setdefault(clip, []).append(m)
        for (low, high), ids in ranged.items():
            rows = out["metric"].isin(ids)
            out.loc[rows, "ci_low"] = out.loc[rows, "ci_low"].clip(lower=low)
            out.loc[rows, "ci_high"] = out.loc[rows, "ci_high"].clip(upper=high)
        return out

    def flow_summary(self) -> pd.DataFrame:
        """Mean women moved per (year, from, to, reason) over replications, with intervals.

        Replications without a given flow count as zero."""
        flows = self.flows
        if flows.empty:
            return pd.DataFrame(columns=["year", "from", "to", "reason", "mean", "ci_low",
                                         "ci_high"])
        keys = ["year", "from", "to", "reason"]
        full = (flows.pivot_table(index=keys, columns="replication", values="count",
                                  aggfunc="sum", fill_value=0)
                .reindex(columns=[r.replication for r in self.replications], fill_value=0)
                .stack().rename("count").reset_index())
        return summarise(full, keys, value="count")

    def daily(self) -> pd.DataFrame:
        """Daily census per facility and the region over replications.

        Columns: date, facility, beds, census_mean, ci_low, ci_high, p5, p95 (women), and
        occupancy_mean (share of beds)."""
        cube = self.daily_census.astype(float)
        reps, nf, days = cube.shape
        region = cube.sum(axis=1, keepdims=True)
        cube = np.concatenate([cube, region], axis=1)
        beds = capacity_by_day(self.network)
        beds = np.vstack([beds, beds.sum(axis=0)])
        mean = cube.mean(axis=0)
        sd = cube.std(axis=0, ddof=1) if reps > 1 else np.full_like(mean, np.nan)
        h = t_half_width(1.0, reps) * sd if reps > 1 else np.full_like(mean, np.nan)
        p5, p95 = np.percentile(cube, [5, 95], axis=0)
        start = self.scenario.horizon.start
        dates = np.asarray([start + timedelta(days=d) for d in range(days)], dtype=object)
        labels = [*self.network.ids, REGION]
        with np.errstate(invalid="ignore", divide="ignore"):
            occ = np.where(beds > 0, mean / beds, np.nan)
        return pd.DataFrame({
            "date": np.tile(dates, nf + 1),
            "facility": np.repeat(labels, days),
            "beds": beds.ravel(),
            "census_mean": mean.ravel(),
            "ci_low": (mean - h).ravel(),
            "ci_high": (mean + h).ravel(),
            "p5": p5.ravel(),
            "p95": p95.ravel(),
            "occupancy_mean": occ.ravel(),
        })
