"""Results: tidy tables from the record of each replication, and summaries over replications.

One replication is reduced to three compact pieces (:class:`ReplicationResult`): a long table
of metrics per (year, facility), the referral flows, and the daily mean census per facility.
:class:`Results` gathers the replications and summarises them with 95% confidence intervals
and the spread across replications (5th, 50th, 95th percentiles).

Metrics are named by the ids of :data:`capsim.metrics.METRICS`, which gives their units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import pandas as pd

from capsim.metrics import METRICS
from capsim.model.engine import EMERGENCY_CS, EMERGENCY_TRANSFER, PLANNED_CS, RunRecord
from capsim.model.network import OUT_OF_REGION, REASONS, Network
from capsim.scenario.models import Scenario
from capsim.stats import summarise, t_half_width

REGION = "region"
ALL_YEARS = "all"
OUT_OF_REGION_ID = "out-of-region"
HIGH_OCCUPANCY = 0.85
DAYS_PER_YEAR = 365.25

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
    simulated it (``"compiled"`` or ``"simpy"``, see :data:`capsim.run.ENGINES`).
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


def reduce_replication(net: Network, rec: RunRecord, replication: int, seed: int) -> ReplicationResult:
    """Turn one replication's :class:`RunRecord` into a :class:`ReplicationResult`."""
    nf = net.n
    years = net.years
    ny = len(years)
    starts = np.asarray(net.year_starts_h)
    t0, t1 = net.t_stats_h, net.t_end_h
    ends = np.append(starts[1:], t1)
    period_days = np.append((ends - starts) / 24.0, (t1 - t0) / 24.0)

    def period_index(t: np.ndarray) -> np.ndarray:
        """Year index of each time; -1 outside the reported window."""
        idx = np.searchsorted(starts, t, side="right") - 1
        return np.where((t >= t0) & (t < t1), idx, -1)

    def tally(fac: np.ndarray, t: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Sum of weights by (period, facility): shape (years + 1, facilities + 1), the last
        row all years and the last column the region."""
        p = period_index(t)
        ok = p >= 0
        col = np.where(fac[ok] >= 0, fac[ok], nf)
        w = None if weights is None else weights[ok]
        out = np.bincount(p[ok] * (nf + 1) + col, weights=w,
                          minlength=ny * (nf + 1)).reshape(ny, nf + 1).astype(float)
        out[:, nf] = out.sum(axis=1)
        return np.vstack([out, out.sum(axis=0)])

    n = rec.first.shape[0]
    counted = np.arange(n) >= rec.first_counted
    # Women are counted in the period of their first bed request; later events (deliveries,
    # labours) in the period they happen.
    arr_t = np.where(counted, rec.admit_h, -1.0)

    arrivals = tally(rec.first, arr_t)
    turned = tally(rec.first, arr_t, rec.turned_away.astype(float))
    outs = tally(rec.first, arr_t, rec.out_of_region.astype(float))
    diverted = turned - tally(rec.first, arr_t, (rec.turned_away & rec.out_of_region).astype(float))
    del arr_t  # each per-woman temporary goes once used: a province has millions of women

    delivered_t = np.where(rec.facility >= 0, rec.delivered_h, -1.0)
    deliveries = tally(rec.facility, delivered_t)
    is_cs = (rec.mode == PLANNED_CS) | (rec.mode == EMERGENCY_CS)
    cs = tally(rec.facility, delivered_t, is_cs.astype(float))
    del delivered_t, is_cs
    ecs_t = np.where(rec.mode == EMERGENCY_CS, rec.delivered_h, -1.0)
    ecs = tally(rec.facility, ecs_t)

    lab_t = np.where(rec.labour_facility >= 0, rec.labour_start_h, -1.0)
    wait_min = np.nan_to_num(rec.midwife_wait_h, nan=np.inf) * 60.0
    labours = tally(rec.labour_facility, lab_t)
    done_wait = np.isfinite(wait_min)
    served_t = np.where(done_wait, lab_t, -1.0)  # labours whose midwife came before the end
    no_wait = tally(rec.labour_facility, served_t, (wait_min == 0).astype(float))
    timely = tally(rec.labour_facility, lab_t,
                   (wait_min <= net.midwife_wait_target_min).astype(float))
    wait_sum = tally(rec.labour_facility, served_t, np.where(done_wait, wait_min, 0.0))
    waited = tally(rec.labour_facility, served_t)
    wait_p95 = _wait_p95(net, rec, lab_t, wait_min, period_index, ny)
    del lab_t, wait_min, done_wait, served_t

    ddi_ok = np.isfinite(rec.ddi_min)
    ddi_sum = tally(rec.facility, ecs_t, np.where(ddi_ok, rec.ddi_min, 0.0))
    ddi_in = tally(rec.facility, ecs_t, (np.nan_to_num(rec.ddi_min, nan=np.inf)
                                         <= net.ddi_target_min).astype(float))
    del ecs_t, ddi_ok

    census = daily_census(net, rec)
    capacity = capacity_by_day(net)
    occ = _occupancy(net, census, capacity, ny)

    staff = {name: _by_period_mean(net, capacity if name == "beds"
                                   else capacity_by_day(net, name), ny)
             for name in ("beds", "midwives", "obstetricians", "theatres")}

    flows_df = _flows_frame(net, rec.flows, replication)
    # Emergency transfers by (year, facility they leave), with the all-years row and region column.
    em = np.zeros((ny + 1, nf + 1))
    for (y, src, _dst, reason), count in rec.flows.items():
        if reason == EMERGENCY_TRANSFER and y >= 0:
            for row in (y, ny):
                em[row, src] += count
                em[row, nf] += count

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
            **occ,
            **staff,
            "beds_per_1000_deliveries": staff["beds"] / per_year * 1000,
            "midwives_per_1000_deliveries": staff["midwives"] / per_year * 1000,
            "obstetricians_per_1000_deliveries": staff["obstetricians"] / per_year * 1000,
            "obstetricians_per_bed": staff["obstetricians"] / staff["beds"],
        }
    year_labels = [str(y) for y in years] + [ALL_YEARS]
    fac_labels = [*net.ids, REGION]
    frames = []
    for metric, arr in values.items():
        arr = np.where(np.isfinite(arr), arr, np.nan)
        frames.append(pd.DataFrame({
            "year": np.repeat(year_labels, nf + 1),
            "facility": np.tile(fac_labels, ny + 1),
            "metric": metric,
            "value": arr.ravel(),
        }))
    metrics = pd.concat(frames, ignore_index=True)
    metrics.insert(0, "replication", replication)

    delivered_w = rec.facility >= 0
    delivered = int(np.count_nonzero(delivered_w & counted))
    out = int(np.count_nonzero(rec.out_of_region & counted))
    # Counted independently: a woman lost by the engine would break the balance.
    in_care = int(np.count_nonzero(counted & ~delivered_w & ~rec.out_of_region
                                   & rec.in_bed_at_end))
    total = int(np.count_nonzero(counted))
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


def _wait_p95(net: Network, rec: RunRecord, lab_t: np.ndarray, wait_min: np.ndarray,
              period_index, ny: int) -> np.ndarray:
    nf = net.n
    out = np.full((ny + 1, nf + 1), np.nan)
    p = period_index(lab_t)
    ok = (p >= 0) & np.isfinite(wait_min)
    if not ok.any():
        return out
    fac, per, w = rec.labour_facility[ok].astype(np.int64), p[ok], wait_min[ok]
    out[:ny, :nf] = _p95_by_group(per * nf + fac, w, ny * nf).reshape(ny, nf)
    out[:ny, nf] = _p95_by_group(per, w, ny)
    out[ny, :nf] = _p95_by_group(fac, w, nf)
    out[ny, nf] = np.percentile(w, 95)
    return out


def _p95_by_group(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """95th percentile of ``values`` within each group ``0 .. groups - 1`` (NaN when empty).

    The same numbers as ``np.percentile(values[group == g], 95)`` (its default linear method,
    step by step), for all groups with one sort instead of a call per group."""
    order = np.argsort(values, kind="stable")
    small = np.int16 if groups < 2**15 else np.int64  # a radix sort for small group numbers
    order = order[np.argsort(group[order].astype(small), kind="stable")]
    v = values[order]
    count = np.bincount(group, minlength=groups)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    out = np.full(groups, np.nan)
    has = count > 0
    virtual = (count[has] - 1) * 0.95
    below = np.floor(virtual).astype(np.int64)
    gamma = virtual - below
    a = v[start[has] + below]
    b = v[start[has] + np.minimum(below + 1, count[has] - 1)]
    diff = b - a
    out[has] = np.where(gamma >= 0.5, b - diff * (1 - gamma), a + diff * gamma)
    return out


def daily_census(net: Network, rec: RunRecord) -> np.ndarray:
    """Time-weighted mean number of women in beds per facility and reported day.

    Returns an array [facility, day] (women). Computed exactly from the bed-stay intervals: the
    occupied bed-hours up to time x are sum(min(x, end) - start) over stays started before x.
    """
    nf = net.n
    t0, t1 = net.t_stats_h, net.t_end_h
    days = int(round((t1 - t0) / 24.0))
    grid = t0 + 24.0 * np.arange(days + 1)
    span = t1 + 1.0
    # Stays sorted by (facility, time) as one number each: facility x span + hours. Built in
    # place and the grid's terms one at a time, to keep a province's peak memory low.
    starts = rec.stay_facility.astype(np.int64) * span
    ends = starts.copy()
    starts += rec.stay_start_h
    starts.sort()
    ends += rec.stay_end_h
    ends.sort()
    x = (grid[None, :] + (np.arange(nf) * span)[:, None]).ravel()
    # Subtract the facility offset so that the large numbers cancel before multiplying.
    off = np.repeat(np.arange(nf) * span, days + 1)
    fi = np.repeat(np.arange(nf), days + 1)
    occupied = _bed_hours_started(starts, x, off, fi, nf, span)
    del starts
    occupied -= _bed_hours_started(ends, x, off, fi, nf, span)
    occupied = occupied.reshape(nf, days + 1)
    return np.diff(occupied, axis=1) / 24.0


def _bed_hours_started(times: np.ndarray, x: np.ndarray, off: np.ndarray, fi: np.ndarray,
                       nf: int, span: float) -> np.ndarray:
    """sum(x - t) over the sorted ``times`` t (facility offsets included) before each grid
    point ``x`` of the same facility (``fi``, offset ``off``): hours (bed-hours)."""
    cum = np.empty(times.shape[0] + 1)
    cum[0] = 0.0
    np.cumsum(times, out=cum[1:])
    k = np.searchsorted(times, x, side="left")
    base = np.searchsorted(times, np.arange(nf) * span, side="left")[fi]
    n = k - base
    return n * (x - off) - (cum[k] - cum[base] - n * off)


def capacity_by_day(net: Network, name: str = "beds") -> np.ndarray:
    """Capacity (beds, or a head-count) per facility and reported day, [facility, day].

    A change dated within a day counts from that day on (changes are dated at 00:00)."""
    return net.capacity.by_day(name)


def _day_year_index(net: Network) -> np.ndarray:
    t0, t1 = net.t_stats_h, net.t_end_h
    days = int(round((t1 - t0) / 24.0))
    mid = t0 + 24.0 * np.arange(days) + 12.0
    return np.searchsorted(np.asarray(net.year_starts_h), mid, side="right") - 1


def _day_masks(net: Network, ny: int):
    """Yield (row, mask of reported days) for each year, then the all-years row ``ny``."""
    yi = _day_year_index(net)
    for row in range(ny + 1):
        yield row, (yi == row if row < ny else np.ones_like(yi, dtype=bool))


def _by_period_mean(net: Network, per_day: np.ndarray, ny: int) -> np.ndarray:
    """Mean over days of each period; the region column sums facilities first."""
    nf = net.n
    out = np.full((ny + 1, nf + 1), np.nan)
    region = per_day.sum(axis=0)
    for row, sel in _day_masks(net, ny):
        if sel.any():
            out[row, :nf] = per_day[:, sel].mean(axis=1)
            out[row, nf] = region[sel].mean()
    return out


def _occupancy(net: Network, census: np.ndarray, capacity: np.ndarray,
               ny: int) -> dict[str, np.ndarray]:
    nf = net.n
    with np.errstate(invalid="ignore", divide="ignore"):
        occ_f = np.where(capacity > 0, census / capacity, np.nan)
        region_beds = capacity.sum(axis=0)
        # A day on which the region has no beds has no occupancy, as for a facility.
        occ_r = np.where(region_beds > 0, census.sum(axis=0) / region_beds, np.nan)
    mean = np.full((ny + 1, nf + 1), np.nan)
    p95 = np.full((ny + 1, nf + 1), np.nan)
    high = np.full((ny + 1, nf + 1), np.nan)
    for row, sel in _day_masks(net, ny):
        if not sel.any():
            continue
        with np.errstate(invalid="ignore", divide="ignore"):
            cap = capacity[:, sel].sum(axis=1)
            mean[row, :nf] = np.where(cap > 0, census[:, sel].sum(axis=1) / cap, np.nan)
            mean[row, nf] = census[:, sel].sum() / capacity[:, sel].sum()
        has = capacity[:, sel].sum(axis=1) > 0
        if has.any():
            block = occ_f[has][:, sel]
            # Without NaN (no day without beds) percentile gives the same numbers, in one call
            # rather than one per facility.
            p95[row, :nf][has] = (np.nanpercentile(block, 95, axis=1) if np.isnan(block).any()
                                  else np.percentile(block, 95, axis=1))
            # The share of the days with beds (a day without beds is neither high nor low).
            above = np.where(np.isnan(block), np.nan, block > HIGH_OCCUPANCY)
            high[row, :nf][has] = np.nanmean(above, axis=1)
        region = occ_r[sel]
        if not np.isnan(region).all():
            p95[row, nf] = np.nanpercentile(region, 95)
            high[row, nf] = np.mean(region[~np.isnan(region)] > HIGH_OCCUPANCY)
    return {"occupancy_mean": mean, "occupancy_p95": p95, "days_above_85_share": high}


def _flows_frame(net: Network, flows: dict, replication: int) -> pd.DataFrame:
    rows = [
        (replication, net.years[y], net.ids[src] if src >= 0 else OUT_OF_REGION_ID,
         net.ids[dst] if dst != OUT_OF_REGION else OUT_OF_REGION_ID, REASONS[reason], count)
        for (y, src, dst, reason), count in sorted(flows.items()) if y >= 0
    ]
    return pd.DataFrame(rows, columns=["replication", "year", "from", "to", "reason", "count"])


@dataclass
class Results:
    """Results of several replications of one scenario, as tidy tables.

    ``metrics`` and ``flows`` hold one row per replication; :meth:`summary` and
    :meth:`flow_summary` summarise them with 95% confidence intervals and the 5th/50th/95th
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
