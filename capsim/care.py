"""Results of newborn care and of the paediatric line: metric rows by year and facility, the
accounting of every newborn and child, and monthly rows.

One replication's `CareRecord` of each line is reduced to rows of
the same long table as the maternity metrics (replication, year, facility, metric, value;
ids of `capsim.metrics.NEWBORN_METRICS` and `PAEDIATRIC_METRICS`),
appended to the replication's metrics, so summaries, checks and reports read them as any
other. Counts and shares are placed in the year of the event (birth, admission, referral)
inside the reported period; occupancy is time-weighted over each year's reported hours.
Cots and paediatric beds of a year are those in force on its days, averaged over them (a
change dated in the year counts from its day on), and occupancy is worked out on them: the
bed-hours used over the bed-hours in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial

import numpy as np
import pandas as pd
from numba import njit

from capsim.kept import KeptByIdentity
from capsim.model.admissions import LEVEL, NO_BED
from capsim.model.care import CareRecord
from capsim.model.compiling import jit_loop
from capsim.model.engine import RunRecord
from capsim.model.network import NETWORKS_KEPT, Network
from capsim.results import (
    ALL_YEARS,
    DAYS_PER_YEAR,
    REGION,
    ReplicationResult,
    Results,
    as_frame,
    cell_at,
    cell_of,
    completed_counts,
    metrics_frame,
    reduce_replication,
    table_from_columns,
    year_of,
)
from capsim.scenario.calendar import CapacitySchedule

#: Columns of the monthly rows (`monthly_rows`).
MONTHLY_COLUMNS = ["replication", "facility", "year", "month", "measure", "value"]
#: Measures of the monthly rows, by line: what each counts and by which facility.
MONTHLY_MEASURES: dict[str, tuple[str, ...]] = {
    "newborn": ("newborn_transfers", "newborns_out_of_region"),
    "paediatric": ("paediatric_admissions", "paediatric_referrals_up",
                   "paediatric_referrals_down", "paediatric_out_of_region"),
}
#: The fates every newborn and child is counted in, each on its own (see `accounting`).
FATES = ("arrivals", "no_care_needed", "discharged", "in_care", "out_of_region")


class _Periods:
    """What the care rows of every replication of one network share (read-only): the
    reported years and the whole period, their bounds (hours), days and labels; the beds in
    force of each capacity field (`beds_in_force`); the calendar month of each day and the
    facilities' order of the monthly rows; the label column of the monthly rows' measures
    (`measure_labels`)."""

    def __init__(self, ids: tuple[str, ...], years: tuple[int, ...],
                 year_starts_h: tuple[float, ...], t0: float, t1: float,
                 capacity: CapacitySchedule, sim_start: date) -> None:
        starts = np.asarray(year_starts_h, dtype=float)
        self.t0, self.t1 = float(t0), float(t1)
        self.starts = starts
        self.bounds = [(float(a), float(b)) for a, b in zip(starts, [*starts[1:], self.t1],
                                                            strict=True)]
        self.bounds.append((self.t0, self.t1))
        self.labels = [*map(str, years), ALL_YEARS]
        self.days = np.asarray([(b - a) / 24.0 for a, b in self.bounds])
        self.hours = self.days * 24.0
        self.ids = ids
        self.nf, self.ny = len(ids), len(self.bounds) - 1
        self.lower = np.asarray([a for a, _ in self.bounds])
        self.upper = np.asarray([b for _, b in self.bounds])
        self._capacity = capacity
        self._beds: dict[str, np.ndarray] = {}
        self._total_beds: dict[tuple[str, ...], np.ndarray] = {}
        self._measures: dict[tuple[str, ...], pd.api.extensions.ExtensionArray] = {}
        self._months(sim_start)

    def _months(self, sim_start: date) -> None:
        """The calendar month of each day up to the horizon's end (months since 1970), the
        first month of the reported period, the months spanned, and the facilities in the
        order of the monthly rows (their ids as text) with each one's place in it."""
        self.day_month = (np.datetime64(sim_start, "D") + np.arange(
            int(self.t1 // 24.0) + 1)).astype("datetime64[M]").astype(np.int64)
        self.first_month = int(self.day_month[int(self.t0 // 24.0)])
        self.months = int(self.day_month[-1] - self.day_month[0]) + 1
        ids = np.asarray(self.ids, dtype=object)
        by_rank = np.argsort(ids, kind="stable")
        self.rank = np.argsort(by_rank)
        self.ranked_ids = _strings(ids[by_rank])
        for array in (self.day_month, self.rank):
            array.setflags(write=False)

    def rows(self, t: np.ndarray) -> np.ndarray:
        """Year index of each time (hours); -1 outside the reported period."""
        year = np.searchsorted(self.starts, t, side="right") - 1
        return np.where((t >= self.t0) & (t < self.t1), year, -1)

    def cells(self, fac: np.ndarray, year: np.ndarray) -> np.ndarray:
        """The cell of each event at facility ``fac`` (-1: none, counted for the region only)
        in period row ``year`` (`rows` of its time): year x (facilities + 1) + facility, the
        region's column for none; -1 for an event outside the reported period."""
        nf = self.nf
        return np.where(year >= 0, year * (nf + 1) + np.where(fac >= 0, fac, nf), -1)

    def count(self, cells: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
        """Events in ``cells`` (`cells`), summed by [period row, facility column] (the last
        column the region, the last row the whole period); each event counts 1, or its
        ``weight``."""
        ok = cells >= 0
        # One bincount over the cells: it adds each cell's events in their order, as
        # ``np.add.at`` did, so the sums keep their bits (counts are whole numbers).
        return self.table(np.bincount(cells[ok], weights=None if weight is None else weight[ok],
                                      minlength=self.ny * (self.nf + 1)))

    def table(self, by_cell: np.ndarray) -> np.ndarray:
        """Sums by cell (`cells`), [period row, facility column] as `count` gives them: the
        region's column adds the facilities' and the events without one, the last row the
        years."""
        nf, ny = self.nf, self.ny
        out = np.zeros((ny + 1, nf + 1))
        out[:ny] = by_cell.reshape(ny, nf + 1)
        # The events without a facility, by year: they count for the region only.
        none = out[:ny, nf].copy()
        out[ny] = out[:ny].sum(axis=0)
        out[:, nf] = out[:, :nf].sum(axis=1) if nf else 0.0
        out[:ny, nf] += none
        out[ny, nf] += none.sum()
        return out

    def totals(self, by_year: np.ndarray) -> np.ndarray:
        """Counts by [kind, year row, cell column] (`cells`: the last column the events
        without a facility) as `count` gives them, [kind, period row, facility column]: the
        region's column adds the facilities' and those without one, the last row the years.
        Counts are whole numbers, exact in any order of addition."""
        # `capsim.results.completed_counts`: one compiled pass, the same whole numbers.
        return completed_counts(np.ascontiguousarray(by_year, dtype=np.int64))

    def bed_hours(self, fac: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Hours of bed stays at ``fac`` from ``start`` to ``end`` inside each period, by
        [period row, facility column] (the region last)."""
        nf = self.nf
        out = np.zeros((len(self.bounds), nf + 1))
        _add_bed_hours(fac, start, end, self.lower, self.upper, out)
        out[:, nf] = out[:, :nf].sum(axis=1)
        return out

    def beds_in_force(self, field: str) -> np.ndarray:
        """Mean beds of ``field`` (a `capsim.scenario.calendar.Capacity` name) in force over
        the days of each period, by [period row, facility column] (the region last)."""
        out = self._beds.get(field)
        if out is None:
            per_day = self._capacity.by_day(field)
            out = np.zeros((len(self.bounds), self.nf + 1))
            for row, (a, b) in enumerate(self.bounds):
                first = int(round((a - self.t0) / 24.0))
                stop = int(round((b - self.t0) / 24.0))
                out[row, :-1] = per_day[:, first:stop].sum(axis=1) / (stop - first)
                out[row, -1] = out[row, :-1].sum()
            out.setflags(write=False)
            self._beds[field] = out
        return out

    def total_beds(self, fields: tuple[str, ...]) -> np.ndarray:
        """The beds of all ``fields`` in force (`beds_in_force`), summed field by field."""
        out = self._total_beds.get(fields)
        if out is None:
            out = np.sum([self.beds_in_force(field) for field in fields], axis=0)
            out.setflags(write=False)
            self._total_beds[fields] = out
        return out

    def frame(self, values: dict[str, np.ndarray], replication: int) -> pd.DataFrame:
        """The long table replication, year, facility, metric, value of ``values``, built in
        one piece (as `capsim.results.reduce_replication` builds the maternity rows)."""
        return metrics_frame(tuple(self.labels), (*self.ids, REGION), values, replication)

    def measure_labels(self, measures: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
        """``measures`` as the pandas array of the measure column of the monthly rows
        (read, never changed)."""
        out = self._measures.get(measures)
        if out is None:
            out = self._measures[measures] = _strings(np.asarray(measures, dtype=object))
        return out


def _strings(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values`` (text) as the pandas array of a text column of a table built from them."""
    return pd.DataFrame({"text": values})["text"].array


#: The `_Periods` of the networks seen lately, by the network object and the day of hour 0
#: (`capsim.kept`), then by what they depend on (`_periods_of`).
_KNOWN: KeptByIdentity[_Periods] = KeptByIdentity(NETWORKS_KEPT)


def _periods(net: Network, sim_start: date) -> _Periods:
    """The `_Periods` of ``net`` (months from ``sim_start``, the day of hour 0), worked out
    once for a network object, or for networks with equal periods and capacities (the
    replications of a scenario compile equal networks)."""
    return _KNOWN.get((net,), lambda: _periods_of(
        net.ids, net.years, net.year_starts_h, net.t_stats_h, net.t_end_h, net.capacity,
        sim_start), extra=sim_start)


@lru_cache(maxsize=NETWORKS_KEPT)
def _periods_of(ids, years, year_starts_h, t0, t1, capacity, sim_start) -> _Periods:
    """The `_Periods` of a network given by its facility ids, years, period bounds (hours)
    and capacity schedule, with months from ``sim_start``."""
    return _Periods(ids, years, year_starts_h, t0, t1, capacity, sim_start)


def _care_values(periods: _Periods, rec: CareRecord,
                 counts: np.ndarray) -> dict[str, np.ndarray]:
    """The metrics of one line of one replication: {metric: [period row, facility column]}
    (`_Periods.frame` makes them rows); ``counts``: the line's counts (`_tally_line`)."""
    adm = rec.admitted
    placed = adm.placed
    hours = periods.hours
    occupied = periods.bed_hours(adm.stay_facility, adm.stay_start_h, adm.stay_end_h)
    in_force = [periods.beds_in_force(field) for field in rec.network.fields]
    total_beds = periods.total_beds(rec.network.fields)
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = occupied / (total_beds * hours[:, None])
        if rec.network.line == "newborn":
            needing, transfers, admissions, with_mother, away, births = counts
            per_year = births / periods.days[:, None] * DAYS_PER_YEAR
            cots = total_beds
            intensive = in_force[rec.network.bed_types.index("intensive")]
            minutes = np.zeros(periods.ny * (periods.nf + 1))
            _add_transfer_minutes(rec.t_h, rec.origin, placed, rec.network.travel_h,
                                  periods.starts, periods.t0, periods.t1, periods.nf, minutes)
            values = {
                "births_needing_cot": needing,
                "newborn_admissions": admissions,
                "cots": cots,
                "cots_per_1000_births": cots / per_year * 1000.0,
                "intensive_cots_per_1000_births": intensive / per_year * 1000.0,
                "cot_occupancy_mean": occupancy,
                "newborn_transfers": transfers,
                "newborn_transfer_minutes_mean": periods.table(minutes) / transfers,
                "newborn_transfers_with_mother": with_mother,
                "newborn_out_of_region_share": away / needing,
            }
        else:
            presented, admissions, referred_up, away, referred_down = counts
            values = {
                "paediatric_admissions": admissions,
                "paediatric_beds": total_beds,
                "paediatric_census_mean": occupied / hours[:, None],
                "paediatric_occupancy_mean": occupancy,
                "paediatric_referrals_up": referred_up,
                "paediatric_referrals_down": referred_down,
                "paediatric_out_of_region_share": away / presented,
            }
    return values


def _at(facility: tuple[int, ...], row: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """For `_tally`: the facility of each count or measure (0 where the need arose, 1
    admitting) and its row of the counts, as arrays."""
    return np.asarray(facility, dtype=np.int64), np.asarray(row, dtype=np.int64)


# The counts of `_tally_line` and its monthly measures, by facility and row (`_at`); the
# newborns' are counted by `_tally_newborns`, as `_tally` counts them with these.
_NEWBORNS = _at((0, 0, 1, 0, 0), (0, 1, 2, 3, 4))
_NEWBORNS_MONTHLY = _at((0, 0), (0, 1))
_BIRTHS = _at((0,), (5,))
_CHILDREN = _at((0, 1, 0, 0), (0, 1, 2, 3))
_CHILDREN_MONTHLY = _at((1, 0, 0), (0, 1, 3))
_DOWN = _at((0,), (4,))
_DOWN_MONTHLY = _at((0,), (2,))
_NO_MEASURE = (np.zeros((0, 0), dtype=bool), _at((), ()))


def _tally_line(periods: _Periods, rec: CareRecord) -> tuple[np.ndarray, np.ndarray]:
    """The counts of one line of one replication: of its metrics, [kind, period row,
    facility column] (newborns: needing a cot, transfers, admissions, transfers with the
    mother, out of the region, births; children: presented, admissions, referred up, out of
    the region, referred down; each by the facility `_care_values` reads), and of its
    monthly rows inside the reported period, [measure (of the line's `MONTHLY_MEASURES`),
    facility (in the rows' order), month (from the period's first)]. Newborns: transfers
    and out of the region by facility of birth; children: admissions by facility admitting,
    referrals up by facility left, down by facility left (at the time of the referral), out
    of the region by facility where the child presented."""
    adm = rec.admitted
    placed = adm.placed
    newborn = rec.network.line == "newborn"
    kinds = 6 if newborn else 5
    counts = np.zeros((kinds, periods.ny * (periods.nf + 1)), dtype=np.int64)
    monthly = np.zeros((len(MONTHLY_MEASURES[rec.network.line]), periods.nf, periods.months),
                       dtype=np.int64)
    tally = partial(_count_events, periods, counts=counts, monthly=monthly)
    if newborn:
        # The newborns in a pass of their own, without a mask a count; the births by the
        # general tally (the one the paediatric line calls: compiled beside the engine by the
        # newborn warm-up).
        _tally_newborns(np.ascontiguousarray(rec.t_h, dtype=np.float64),
                        np.ascontiguousarray(rec.origin, dtype=np.int64),
                        np.ascontiguousarray(placed, dtype=np.int64),
                        np.ascontiguousarray(rec.with_mother, dtype=np.bool_),
                        periods.starts, periods.t0, periods.t1, periods.nf, periods.day_month,
                        periods.first_month, periods.rank, counts, monthly)
        born = rec.born_facility.reshape(1, -1)
        tally(rec.born_h, born, np.ones(born.shape, dtype=bool), _BIRTHS, *_NO_MEASURE)
        return periods.totals(counts.reshape(kinds, periods.ny, periods.nf + 1)), monthly
    moved = (placed != rec.origin) & (placed >= 0)
    out = placed < 0
    everyone = np.ones(placed.shape[0], dtype=bool)
    by_origin_placed = np.stack([rec.origin, placed])
    # Each call: the events' times and facilities [origin, placed], then for each count
    # whether the event is in it, with its facility and row (`_at`); the same for the
    # monthly measures.
    up = moved & ((adm.reason == LEVEL) | (adm.reason == NO_BED))
    tally(rec.t_h, by_origin_placed, np.stack([everyone, ~out, up, out]), _CHILDREN,
          np.stack([~out, moved, out]), _CHILDREN_MONTHLY)
    down = adm.down_to >= 0
    placed_down = placed[down].reshape(1, -1)
    to_down = np.ones(placed_down.shape, dtype=bool)
    tally(adm.down_h[down], placed_down, to_down, _DOWN, to_down, _DOWN_MONTHLY)
    return periods.totals(counts.reshape(kinds, periods.ny, periods.nf + 1)), monthly


def _count_events(periods: _Periods, t: np.ndarray, facility: np.ndarray,
                  counted: np.ndarray, count_at: tuple[np.ndarray, np.ndarray],
                  measured: np.ndarray, measure_at: tuple[np.ndarray, np.ndarray], *,
                  counts: np.ndarray, monthly: np.ndarray) -> None:
    """`_tally` of events (times ``t``, hours; ``facility`` [source, event]) in the periods
    and months of ``periods``: ``counted`` [count, event] with the facility and row of each
    count (`_at`), ``measured`` the same for the monthly measures."""
    _tally(t, facility, counted, count_at[0], count_at[1], measured, measure_at[0],
           measure_at[1], periods.starts, periods.t0, periods.t1, periods.nf,
           periods.day_month, periods.first_month, periods.rank, counts, monthly)


@njit(cache=True)
def _tally(t: np.ndarray, facility: np.ndarray, counted: np.ndarray, count_at: np.ndarray,
           count_row: np.ndarray, measured: np.ndarray, measure_at: np.ndarray,
           measure_row: np.ndarray, starts: np.ndarray, t0: float, t1: float, nf: int,
           day_month: np.ndarray, first_month: int, rank: np.ndarray, counts: np.ndarray,
           monthly: np.ndarray) -> None:
    """Into ``counts`` [row, cell] and ``monthly`` [row, facility rank, month], one more for
    each event (time ``t``, hours) of the reported period in each count (``counted``
    [count, event]) and measure (``measured``) it is in: in the cell (`_Periods.cells`) of
    its year and its facility ``facility[count_at[count]]`` for the counts, in its facility's
    rank and its month for the measures."""
    for i in range(t.shape[0]):
        time = t[i]
        if not (time >= t0 and time < t1):
            continue
        year = year_of(time, starts)  # as `_Periods.rows` finds it
        if year >= 0:
            for k in range(counted.shape[0]):
                if counted[k, i]:
                    fac = facility[count_at[k], i]
                    if fac >= nf:
                        raise ValueError("an event at no facility of the network")
                    counts[count_row[k], cell_at(year, fac, nf)] += 1
        if measured.shape[0]:
            # The month of its day, as `_Periods.months` reads it.
            month = day_month[int(np.floor(time / 24.0))] - first_month
            for k in range(measured.shape[0]):
                if measured[k, i]:
                    fac = facility[measure_at[k], i]
                    if not 0 <= fac < nf:  # the monthly rows are by facility, none for none
                        raise ValueError("a monthly event at no facility of the network")
                    monthly[measure_row[k], rank[fac], month] += 1


@jit_loop
def _tally_newborns(t: np.ndarray, origin: np.ndarray, placed: np.ndarray,
                    with_mother: np.ndarray, starts: np.ndarray, t0: float, t1: float,
                    nf: int, day_month: np.ndarray, first_month: int, rank: np.ndarray,
                    counts: np.ndarray, monthly: np.ndarray) -> None:
    """`_tally` of the newborns needing a cot (times ``t``, hours; where the need arose,
    ``origin``; where admitted, ``placed``, -1 out of the region; ``with_mother``) with the
    newborn line's counts and measures (`_NEWBORNS`, `_NEWBORNS_MONTHLY`), without their
    masks: the same counts."""
    for i in range(t.shape[0]):
        time = t[i]
        if not (time >= t0 and time < t1):
            continue
        source, to = origin[i], placed[i]
        moved = to != source and to >= 0
        away = to < 0
        year = year_of(time, starts)  # as `_Periods.rows` finds it
        if year >= 0:
            if source >= nf or to >= nf:
                raise ValueError("an event at no facility of the network")
            cell = cell_at(year, source, nf)
            counts[0, cell] += 1
            if moved:
                counts[1, cell] += 1
            if not away:
                counts[2, year * (nf + 1) + to] += 1
            if with_mother[i]:
                counts[3, cell] += 1
            if away:
                counts[4, cell] += 1
        if moved or away:
            if not 0 <= source < nf:  # the monthly rows are by facility, none for none
                raise ValueError("a monthly event at no facility of the network")
            # The month of its day, as `_Periods.months` reads it.
            month = day_month[int(np.floor(time / 24.0))] - first_month
            monthly[0 if moved else 1, rank[source], month] += 1


@njit(cache=True)
def _add_transfer_minutes(t: np.ndarray, origin: np.ndarray, placed: np.ndarray,
                          travel_h: np.ndarray, starts: np.ndarray, t0: float, t1: float,
                          nf: int, minutes: np.ndarray) -> None:
    """Into ``minutes`` [cell], the travel minutes (``travel_h`` x 60) of each newborn moved
    from ``origin`` to the facility ``placed`` (>= 0, another) at a time ``t`` of the
    reported period, in the cell (`_Periods.cells`) of its year and origin; added in the
    newborns' order, as ``np.bincount`` of the cells adds them."""
    for i in range(t.shape[0]):
        source, to = origin[i], placed[i]
        if to < 0 or to == source:
            continue
        cell = cell_of(source, t[i], starts, t0, t1, nf)  # as `_Periods.cells` finds it
        if cell >= 0:
            minutes[cell] += travel_h[source, to] * 60.0


@njit(cache=True)
def _add_bed_hours(fac: np.ndarray, start: np.ndarray, end: np.ndarray, lower: np.ndarray,
                   upper: np.ndarray, out: np.ndarray) -> None:
    """Into ``out`` [period, facility], the hours of each bed stay at ``fac`` from ``start``
    to ``end`` inside each period (from ``lower`` to ``upper``), stay by stay: the additions
    of a bincount of each period's overlaps (a stay outside a period adds nothing: a sum
    from 0 does not move by 0)."""
    for i in range(fac.shape[0]):
        if not 0 <= fac[i] < out.shape[1] - 1:  # the region's column is not a facility's
            raise ValueError("a bed stay at no facility")
        for p in range(lower.shape[0]):
            last = end[i] if end[i] < upper[p] else upper[p]
            first = start[i] if start[i] > lower[p] else lower[p]
            if last - first > 0.0:
                out[p, fac[i]] += last - first


def accounting(net: Network, rec: CareRecord) -> dict[str, int]:
    """Every newborn (every birth of the reported period) or child (every admission asked for
    in it) by fate, each fate counted on its own from the record: ``no_care_needed``
    (newborns without a cot), ``discharged`` by the horizon's end, ``in_care`` at the end,
    ``out_of_region``; so that arrivals = the sum of the fates is a check of the loop."""
    t0, t1 = float(net.t_stats_h), float(net.t_end_h)
    adm = rec.admitted
    counted = (rec.t_h >= t0) & (rec.t_h < t1)
    in_region = adm.placed >= 0
    if rec.network.line == "newborn":
        born = (rec.born_h >= t0) & (rec.born_h < t1)
        arrivals = int(np.count_nonzero(born))
        well = int(np.count_nonzero(born & ~rec.born_needs_care))
    else:
        arrivals, well = int(np.count_nonzero(counted)), 0
    return {
        "arrivals": arrivals,
        "no_care_needed": well,
        "discharged": int(np.count_nonzero(counted & in_region & (adm.end_h <= t1))),
        "in_care": int(np.count_nonzero(counted & in_region & (adm.end_h > t1))),
        "out_of_region": int(np.count_nonzero(counted & ~in_region)),
    }


def care_monthly(net: Network, rec: CareRecord, sim_start: date,
                 replication: int) -> pd.DataFrame:
    """Monthly rows of one line of one replication (`MONTHLY_COLUMNS`): each measure
    of `MONTHLY_MEASURES` by facility and calendar month of the reported period, counted
    in the month of the event (``sim_start``: the day of hour 0); months and facilities
    without events have no row."""
    periods = _periods(net, sim_start)
    count = _tally_line(periods, rec)[1]
    if not count.any():
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    return _monthly_table(periods, MONTHLY_MEASURES[rec.network.line], count, replication)


def _monthly_table(periods: _Periods, measures: tuple[str, ...], count: np.ndarray,
                   replication: int) -> pd.DataFrame:
    """The monthly rows (`MONTHLY_COLUMNS`) of ``count`` (`_tally_line`'s of the lines,
    one after the other, ``measures`` their measures): one row a measure, facility and month
    with events, in that order (facilities by id as text), ``value`` the count."""
    flat = count.ravel()
    code = np.flatnonzero(flat)
    cell, since = np.divmod(code, periods.months)
    which, facility = np.divmod(cell, periods.nf)
    calendar_month = since + periods.first_month
    return table_from_columns(tuple(MONTHLY_COLUMNS), [
        np.full(code.shape[0], replication, dtype=np.int64),
        periods.ranked_ids.take(facility),
        calendar_month // 12 + 1970, calendar_month % 12 + 1,
        periods.measure_labels(measures).take(which), flat[code]])


@dataclass
class CareRows:
    """What the lines of care of one replication add to its results (`care_rows`): the
    metric rows of every line, {metric: [period row, facility column]} (the rows of the
    maternity metrics' table, `capsim.results.reduce_replication`), the accounting of each
    line ({line: {fate: count}}, `accounting`) and the monthly rows of them all
    (`MONTHLY_COLUMNS`)."""

    values: dict[str, np.ndarray]
    accounting: dict[str, dict[str, int]]
    monthly: pd.DataFrame

    def add_to(self, result: ReplicationResult) -> ReplicationResult:
        """``result`` with the accounting and monthly rows of the lines (its metric rows are
        the caller's: `reduce_with_care`)."""
        result.care_accounting.update(self.accounting)
        result.care_monthly = self.monthly
        return result


def care_rows(net: Network, records: list[CareRecord], sim_start: date,
              replication: int) -> CareRows:
    """The `CareRows` of the lines of care in ``records`` (at least one) of replication
    ``replication`` (``sim_start``: the day of hour 0)."""
    periods = _periods(net, sim_start)
    values: dict[str, np.ndarray] = {}
    fates = {}
    counts = []
    for rec in records:
        line_counts, monthly = _tally_line(periods, rec)
        values.update(_care_values(periods, rec, line_counts))
        fates[rec.network.line] = accounting(net, rec)
        counts.append(monthly)
    if all(count.any() for count in counts):
        # Every line has events: their rows in one table, the lines one after the other.
        measures = tuple(m for rec in records for m in MONTHLY_MEASURES[rec.network.line])
        table = _monthly_table(periods, measures, np.concatenate(counts), replication)
    else:
        table = pd.concat([as_frame(care_monthly(net, rec, sim_start, replication))
                           for rec in records], ignore_index=True)
    return CareRows(values, fates, table)


def reduce_with_care(net: Network, record: RunRecord, records: list[CareRecord],
                     replication: int, seed: int, sim_start: date) -> ReplicationResult:
    """`capsim.results.reduce_replication` of ``record`` with the metric rows, accounting
    and monthly rows of each line of care in ``records`` (``sim_start``: the day of hour 0),
    the metrics' table built once with every row, the care rows after the maternity rows."""
    if not records:
        return reduce_replication(net, record, replication, seed)
    rows = care_rows(net, records, sim_start, replication)
    return rows.add_to(reduce_replication(net, record, replication, seed,
                                          more_rows=rows.values))


def monthly_rows(results: Results) -> pd.DataFrame:
    """The monthly rows of newborn care and the paediatric line of every replication, as a
    tidy long table (`MONTHLY_COLUMNS`: replication, facility, year, month, measure,
    value): newborn transfers and newborns out of the region by facility of birth; paediatric
    admissions by facility admitting; referrals up by facility left, down by facility left;
    out of the region by facility where the child presented. Counts of children or newborns;
    months without an event have no row. Empty when the scenario has neither line."""
    frames = [r.care_monthly for r in results.replications
              if r.care_monthly is not None and not r.care_monthly.empty]
    if not frames:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    return pd.concat(frames, ignore_index=True)
