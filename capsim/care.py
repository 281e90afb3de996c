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

from datetime import date

import numpy as np
import pandas as pd

from capsim.model.admissions import LEVEL, NO_BED
from capsim.model.care import CareRecord
from capsim.model.network import Network
from capsim.results import (
    ALL_YEARS,
    DAYS_PER_YEAR,
    REGION,
    ReplicationResult,
    Results,
    metrics_frame,
)

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
    """The reported years of a network and the whole period: bounds (hours) and labels."""

    def __init__(self, net: Network) -> None:
        starts = np.asarray(net.year_starts_h, dtype=float)
        self.t0, self.t1 = float(net.t_stats_h), float(net.t_end_h)
        self.starts = starts
        self.bounds = [(float(a), float(b)) for a, b in zip(starts, [*starts[1:], self.t1],
                                                            strict=True)]
        self.bounds.append((self.t0, self.t1))
        self.labels = [*map(str, net.years), ALL_YEARS]
        self.days = np.asarray([(b - a) / 24.0 for a, b in self.bounds])
        self.ids = net.ids

    def rows(self, t: np.ndarray) -> np.ndarray:
        """Year index of each time (hours); -1 outside the reported period."""
        year = np.searchsorted(self.starts, t, side="right") - 1
        return np.where((t >= self.t0) & (t < self.t1), year, -1)

    def cells(self, fac: np.ndarray, year: np.ndarray) -> np.ndarray:
        """The cell of each event at facility ``fac`` (-1: none, counted for the region only)
        in period row ``year`` (`rows` of its time): year x (facilities + 1) + facility, the
        region's column for none; -1 for an event outside the reported period."""
        nf = len(self.ids)
        return np.where(year >= 0, year * (nf + 1) + np.where(fac >= 0, fac, nf), -1)

    def count(self, cells: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
        """Events in ``cells`` (`cells`), summed by [period row, facility column] (the last
        column the region, the last row the whole period); each event counts 1, or its
        ``weight``."""
        nf, ny = len(self.ids), len(self.bounds) - 1
        out = np.zeros((ny + 1, nf + 1))
        ok = cells >= 0
        # One bincount over the cells: it adds each cell's events in their order, as
        # ``np.add.at`` did, so the sums keep their bits (counts are whole numbers).
        out[:ny] = np.bincount(cells[ok], weights=None if weight is None else weight[ok],
                               minlength=ny * (nf + 1)).reshape(ny, nf + 1)
        # The events without a facility, by year: they count for the region only.
        none = out[:ny, nf].copy()
        out[ny] = out[:ny].sum(axis=0)
        out[:, nf] = out[:, :nf].sum(axis=1) if nf else 0.0
        out[:ny, nf] += none
        out[ny, nf] += none.sum()
        return out

    def bed_hours(self, fac: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Hours of bed stays at ``fac`` from ``start`` to ``end`` inside each period, by
        [period row, facility column] (the region last)."""
        nf = len(self.ids)
        out = np.zeros((len(self.bounds), nf + 1))
        for row, (a, b) in enumerate(self.bounds):
            overlap = np.clip(np.minimum(end, b) - np.maximum(start, a), 0.0, None)
            out[row, :nf] = np.bincount(fac, weights=overlap, minlength=nf)[:nf]
        out[:, nf] = out[:, :nf].sum(axis=1)
        return out

    def frame(self, values: dict[str, np.ndarray], replication: int) -> pd.DataFrame:
        """The long table replication, year, facility, metric, value of ``values``, built in
        one piece (as `capsim.results.reduce_replication` builds the maternity rows)."""
        return metrics_frame(tuple(self.labels), (*self.ids, REGION), values, replication)


def _beds_in_force(net: Network, periods: _Periods, field: str) -> np.ndarray:
    """Mean beds of ``field`` (a `capsim.scenario.calendar.Capacity` name) in force over the
    days of each period, by [period row, facility column] (the region last)."""
    per_day = net.capacity.by_day(field)
    out = np.zeros((len(periods.bounds), len(periods.ids) + 1))
    for row, (a, b) in enumerate(periods.bounds):
        first = int(round((a - periods.t0) / 24.0))
        stop = int(round((b - periods.t0) / 24.0))
        out[row, :-1] = per_day[:, first:stop].sum(axis=1) / (stop - first)
        out[row, -1] = out[row, :-1].sum()
    return out


def care_metrics(net: Network, rec: CareRecord, replication: int) -> pd.DataFrame:
    """The metric rows of one line of one replication (see the module's text)."""
    periods = _Periods(net)
    return periods.frame(_care_values(periods, net, rec), replication)


def _care_values(periods: _Periods, net: Network, rec: CareRecord) -> dict[str, np.ndarray]:
    """The metrics of one line of one replication: {metric: [period row, facility column]}
    (`_Periods.frame` makes them rows)."""
    adm = rec.admitted
    placed = adm.placed
    moved = (placed != rec.origin) & (placed >= 0)
    out = placed < 0
    hours = periods.days * 24.0
    occupied = periods.bed_hours(adm.stay_facility, adm.stay_start_h, adm.stay_end_h)
    in_force = [_beds_in_force(net, periods, field) for field in rec.network.fields]
    total_beds = np.sum(in_force, axis=0)
    # The cell of each admission at the facility where her need arose and at the one that
    # admitted her, found once for all the counts.
    row = periods.rows(rec.t_h)
    at_origin, at_placed = periods.cells(rec.origin, row), periods.cells(placed, row)
    count = periods.count
    with np.errstate(invalid="ignore", divide="ignore"):
        occupancy = occupied / (total_beds * hours[:, None])
        if rec.network.line == "newborn":
            needing = count(at_origin)
            transfers = count(at_origin[moved])
            births = count(periods.cells(rec.born_facility, periods.rows(rec.born_h)))
            per_year = births / periods.days[:, None] * DAYS_PER_YEAR
            cots = total_beds
            intensive = in_force[rec.network.bed_types.index("intensive")]
            values = {
                "births_needing_cot": needing,
                "newborn_admissions": count(at_placed[~out]),
                "cots": cots,
                "cots_per_1000_births": cots / per_year * 1000.0,
                "intensive_cots_per_1000_births": intensive / per_year * 1000.0,
                "cot_occupancy_mean": occupancy,
                "newborn_transfers": transfers,
                "newborn_transfer_minutes_mean": count(
                    at_origin[moved],
                    rec.network.travel_h[rec.origin[moved], placed[moved]] * 60.0) / transfers,
                "newborn_transfers_with_mother": count(at_origin[rec.with_mother]),
                "newborn_out_of_region_share": count(at_origin[out]) / needing,
            }
        else:
            presented = count(at_origin)
            up = moved & ((adm.reason == LEVEL) | (adm.reason == NO_BED))
            down = adm.down_to >= 0
            values = {
                "paediatric_admissions": count(at_placed[~out]),
                "paediatric_beds": total_beds,
                "paediatric_census_mean": occupied / hours[:, None],
                "paediatric_occupancy_mean": occupancy,
                "paediatric_referrals_up": count(at_origin[up]),
                "paediatric_referrals_down": count(periods.cells(
                    placed[down], periods.rows(adm.down_h[down]))),
                "paediatric_out_of_region_share": count(at_origin[out]) / presented,
            }
    return values


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
    events = _monthly_events(net, rec)
    if not events[2].shape[0]:
        return pd.DataFrame(columns=MONTHLY_COLUMNS)
    return _monthly_frame(net, MONTHLY_MEASURES[rec.network.line], events, sim_start,
                          replication)


def _monthly_events(net: Network, rec: CareRecord) -> tuple[np.ndarray, np.ndarray,
                                                            np.ndarray]:
    """The events of the monthly rows of one line inside the reported period: facility, time
    (hours) and measure (index of the line's `MONTHLY_MEASURES`) of each, measure by
    measure."""
    adm = rec.admitted
    placed = adm.placed
    t0, t1 = float(net.t_stats_h), float(net.t_end_h)
    moved = (placed != rec.origin) & (placed >= 0)
    out = placed < 0
    if rec.network.line == "newborn":
        events = [(rec.origin[moved], rec.t_h[moved]), (rec.origin[out], rec.t_h[out])]
    else:
        down = adm.down_to >= 0
        events = [(placed[~out], rec.t_h[~out]), (rec.origin[moved], rec.t_h[moved]),
                  (placed[down], adm.down_h[down]), (rec.origin[out], rec.t_h[out])]
    assert len(events) == len(MONTHLY_MEASURES[rec.network.line])
    fac = np.concatenate([f for f, _ in events])
    t = np.concatenate([t for _, t in events])
    measure = np.repeat(np.arange(len(events)), [f.shape[0] for f, _ in events])
    keep = (t >= t0) & (t < t1)
    return fac[keep], t[keep], measure[keep]


def _monthly_frame(net: Network, measures: tuple[str, ...],
                   events: tuple[np.ndarray, np.ndarray, np.ndarray], sim_start: date,
                   replication: int) -> pd.DataFrame:
    """The monthly rows (`MONTHLY_COLUMNS`) of ``events`` (facility, time in hours and index
    of ``measures`` of each, inside the reported period; at least one)."""
    fac, t, measure = events
    t0, t1 = float(net.t_stats_h), float(net.t_end_h)
    # The calendar month of each day up to the horizon's end (months since 1970), read for
    # each event by its day.
    day_month = (np.datetime64(sim_start, "D") + np.arange(int(t1 // 24.0) + 1)).astype(
        "datetime64[M]").astype(np.int64)
    month = day_month[np.floor(t / 24.0).astype(np.int64)]
    first, months = int(day_month[int(t0 // 24.0)]), int(day_month[-1] - day_month[0]) + 1
    # Counted with one bincount over an integer per event, ordered as the table is: the
    # measures in turn, then facility id (as text), year and month.
    ids = np.asarray(net.ids, dtype=object)
    by_rank = np.argsort(ids, kind="stable")
    rank = np.argsort(by_rank)
    nf = len(net.ids)
    count = np.bincount((measure * nf + rank[fac]) * months + (month - first),
                        minlength=len(measures) * nf * months)
    code = np.flatnonzero(count)
    cell, since = np.divmod(code, months)
    which, facility = np.divmod(cell, nf)
    calendar_month = since + first
    return pd.DataFrame({
        "replication": np.full(code.shape[0], replication, dtype=np.int64),
        "facility": ids[by_rank[facility]],
        "year": calendar_month // 12 + 1970, "month": calendar_month % 12 + 1,
        "measure": np.asarray(measures, dtype=object)[which],
        "value": count[code].astype(np.int64)})


def add_care(result: ReplicationResult, net: Network, records: list[CareRecord],
             sim_start: date) -> ReplicationResult:
    """``result`` with the metric rows, accounting and monthly rows of each line of care in
    ``records`` added (``sim_start``: the day of hour 0); unchanged without any."""
    if not records:
        return result
    periods = _Periods(net)
    values: dict[str, np.ndarray] = {}
    for rec in records:
        values.update(_care_values(periods, net, rec))
        result.care_accounting[rec.network.line] = accounting(net, rec)
    # The rows of every line in one table (the lines' metrics are distinct).
    result.metrics = pd.concat([result.metrics, periods.frame(values, result.replication)],
                               ignore_index=True)
    events = [_monthly_events(net, rec) for rec in records]
    if all(e[2].shape[0] for e in events):
        # Every line has events: their rows in one table, the lines one after the other.
        measures = tuple(m for rec in records for m in MONTHLY_MEASURES[rec.network.line])
        offsets = np.cumsum([0, *(len(MONTHLY_MEASURES[r.network.line]) for r in records)])
        merged = (np.concatenate([fac for fac, _, _ in events]),
                  np.concatenate([t for _, t, _ in events]),
                  np.concatenate([measure + offset for (_, _, measure), offset
                                  in zip(events, offsets[:-1], strict=True)]))
        result.care_monthly = _monthly_frame(net, measures, merged, sim_start,
                                             result.replication)
    else:
        result.care_monthly = pd.concat(
            [care_monthly(net, rec, sim_start, result.replication) for rec in records],
            ignore_index=True)
    return result


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
