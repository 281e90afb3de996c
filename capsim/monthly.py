"""The alliances' monthly statistics: a table per facility per month, as the monthly forms of
an alliance (运转情况月统计表) report them, simulated.

Each replication counts, per facility and calendar month of the reported period: deliveries
(where and when she gave birth), referrals up, down and at the same level (moves to a facility
of a higher, lower or the same level of care, counted at the facility she left, whatever the
reason), and transfers out of the region. The counts are kept compact, an array per
replication (`monthly_counts`), and given as a tidy long table (replication, facility,
year, month, measure, value: `monthly_table`), to which other service lines append rows
of their own measures (newborn transfers, paediatric admissions and referrals). Over
replications, `monthly_summary` gives the mean and the 5-95% band of each cell, and
`monthly_form` the form: a row per facility and month, a column per measure.

Months and years follow the reported period: a horizon starting mid-month starts with a part
month, and the months of a year add up to that year's results.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from capsim.care import MONTHLY_MEASURES, monthly_rows
from capsim.i18n import t
from capsim.model.compiling import jit_loop
from capsim.model.engine import RunRecord
from capsim.model.network import Network
from capsim.results import REGION, Results
from capsim.scenario.base import LEVEL_RANK
from capsim.scenario.models import Scenario

#: Measures of the monthly form, in its column order, with the catalogue key of each label.
MEASURES: dict[str, str] = {
    "deliveries": "ms_deliveries",
    "referrals_up": "ms_referrals_up",
    "referrals_down": "ms_referrals_down",
    "referrals_same_level": "ms_referrals_same_level",
    "out_of_region": "ms_out_of_region",
    "newborn_transfers": "ms_newborn_transfers",
    "newborns_out_of_region": "ms_newborns_out_of_region",
    "paediatric_admissions": "ms_paediatric_admissions",
    "paediatric_referrals_up": "ms_paediatric_referrals_up",
    "paediatric_referrals_down": "ms_paediatric_referrals_down",
    "paediatric_out_of_region": "ms_paediatric_out_of_region",
}
#: The measures the maternity pathway counts (`monthly_counts`), in array order; the
#: others come from the service lines that add them.
COUNTED = ("deliveries", "referrals_up", "referrals_down", "referrals_same_level",
           "out_of_region")
#: Columns of the tidy long table.
LONG_COLUMNS = ["replication", "facility", "year", "month", "measure", "value"]
#: The band of the simulated months: 5th and 95th percentiles over replications.
BAND = (0.05, 0.95)


def month_edges(scenario: Scenario) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The reported months: their edges in hours since the simulation start (one more than
    the months: each month's start, then the end of the horizon) and (year, month) of each."""
    h = scenario.horizon
    edges, labels = _month_edges(h.sim_start, h.start, h.end)
    return edges.copy(), list(labels)


@lru_cache(maxsize=16)
def _month_edges(day0: date, start: date, end: date
                 ) -> tuple[np.ndarray, tuple[tuple[int, int], ...]]:
    """`month_edges` of a horizon from ``start`` to ``end`` simulated from ``day0`` (the
    edges read-only: shared by every replication)."""
    edges, labels = [], []
    first = start
    while first < end:
        edges.append((first - day0).days * 24.0)
        labels.append((first.year, first.month))
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    edges.append((end - day0).days * 24.0)
    out = np.asarray(edges)
    out.setflags(write=False)
    return out, tuple(labels)


def monthly_counts(scenario: Scenario, net: Network, rec: RunRecord) -> np.ndarray:
    """The monthly counts of one replication: float array [measure of `COUNTED`,
    facility then the region, month of `month_edges`] (women)."""
    h = scenario.horizon
    edges, labels = _month_edges(h.sim_start, h.start, h.end)
    nf, nm = net.n, len(labels)
    counts = np.zeros((len(COUNTED), nf + 1, nm), dtype=np.int64)
    # One pass over the deliveries and one over the moves (not a dozen array passes over a
    # few thousand women); events outside the reported months, or without a facility, are
    # not counted.
    _count_months(np.ascontiguousarray(rec.facility, dtype=np.int32),  # the engine's type
                  np.ascontiguousarray(rec.delivered_h, dtype=np.float64),
                  np.ascontiguousarray(rec.move_src, dtype=np.int64),
                  np.ascontiguousarray(rec.move_dst, dtype=np.int64),
                  np.ascontiguousarray(rec.move_t_h, dtype=np.float64),
                  _level_ranks(net.levels), edges, counts)
    counts[:, nf] = counts[:, :nf].sum(axis=1)
    return counts.astype(float)


@lru_cache(maxsize=16)
def _level_ranks(levels: tuple[str, ...]) -> np.ndarray:
    """The rank of each facility's level of care (`LEVEL_RANK`), read-only."""
    rank = np.asarray([LEVEL_RANK[level] for level in levels], dtype=np.int64)
    rank.setflags(write=False)
    return rank


@jit_loop
def _count_months(facility: np.ndarray, delivered_h: np.ndarray, src: np.ndarray,
                  dst: np.ndarray, move_h: np.ndarray, rank: np.ndarray, edges: np.ndarray,
                  counts: np.ndarray) -> None:
    """Into ``counts`` [measure of `COUNTED`, facility, month], one more for each delivery
    (``facility`` >= 0, at ``delivered_h``) and each move (from ``src`` >= 0 to ``dst``, -1
    out of the region, at ``move_h``) in the months between ``edges`` (hours): moves up, down
    and at the same level by the ``rank`` of the levels of the facilities, then out of the
    region, counted at the facility left."""
    months = edges.shape[0] - 1
    for i in range(facility.shape[0]):
        if facility[i] >= 0:
            month = np.searchsorted(edges, delivered_h[i], side="right") - 1
            if 0 <= month < months:
                counts[0, facility[i], month] += 1
    for i in range(src.shape[0]):
        left = src[i]
        month = np.searchsorted(edges, move_h[i], side="right") - 1
        if left < 0 or not 0 <= month < months:
            continue
        to = dst[i]
        if to < 0:
            measure = 4
        elif rank[to] > rank[left]:
            measure = 1
        elif rank[to] < rank[left]:
            measure = 2
        else:
            measure = 3
        counts[measure, left, month] += 1


def monthly_table(results: Results) -> pd.DataFrame:
    """The tidy long table of every replication: columns replication, facility (ids, then
    ``region``), year, month, measure (ids of `COUNTED`, then those of newborn care and
    the paediatric line when the scenario has them), value (women, newborns or children).
    Replications without monthly counts (results made before they existed) give no rows."""
    kept = [(rep.replication, rep.monthly) for rep in results.replications
            if rep.monthly is not None]
    if not kept:
        return pd.DataFrame(columns=LONG_COLUMNS)
    parts = [_array_long(results, [r for r, _ in kept],
                         np.stack([counts for _, counts in kept]).astype(float), COUNTED)]
    care = care_counts(results)
    if care is not None:
        parts.append(_array_long(results, [r.replication for r in results.replications],
                                 *care))
    return pd.concat(parts, ignore_index=True)[LONG_COLUMNS]


def _array_long(results: Results, replications: list[int], counts: np.ndarray,
                measures: tuple[str, ...]) -> pd.DataFrame:
    """The long rows of an array [replication, measure, column, month] of counts."""
    _, labels = month_edges(results.scenario)
    columns = [*results.network.ids, REGION]
    nr, k, nf1, nm = counts.shape
    return pd.DataFrame({
        "replication": np.repeat(replications, k * nf1 * nm),
        "facility": np.tile(np.repeat(np.tile(columns, k), nm), nr),
        "year": np.tile([y for y, _ in labels], nr * k * nf1),
        "month": np.tile([m for _, m in labels], nr * k * nf1),
        "measure": np.tile(np.repeat(measures, nf1 * nm), nr),
        "value": counts.ravel(),
    })


def monthly_summary(long: pd.DataFrame) -> pd.DataFrame:
    """Each (facility, year, month, measure) of a long table over its replications: columns
    facility, year, month, measure, mean, p5, p95 (women) and n (replications)."""
    keys = ["facility", "year", "month", "measure"]
    if long.empty:
        return pd.DataFrame(columns=[*keys, "mean", "p5", "p95", "n"])
    g = long.groupby(keys, sort=False)["value"]
    out = g.agg(mean="mean", n="count")
    q = g.quantile(list(BAND)).unstack()
    out["p5"], out["p95"] = q[BAND[0]], q[BAND[1]]
    return out.reset_index()[[*keys, "mean", "p5", "p95", "n"]]


def counted_summary(results: Results) -> pd.DataFrame:
    """`monthly_summary` of every measure of the run: those the maternity pathway counts
    and, when the scenario has them, those of newborn care and the paediatric line (a month
    without an event counts as zero, and the region column is the sum of the facilities).
    Worked out from compact arrays, not the long table (a province's long table of every
    replication would hold tens of millions of rows); the same values."""
    arrays = [rep.monthly for rep in results.replications if rep.monthly is not None]
    if not arrays:
        return monthly_summary(pd.DataFrame(columns=LONG_COLUMNS))
    counts = np.stack(arrays).astype(float)  # [replication, measure, column, month]
    parts = [_array_summary(results, counts, COUNTED)]
    care = care_counts(results)
    if care is not None:
        parts.append(_array_summary(results, *care))
    return pd.concat(parts, ignore_index=True)


def care_counts(results: Results) -> tuple[np.ndarray, tuple[str, ...]] | None:
    """The monthly rows of newborn care and the paediatric line as an array [replication,
    measure, column (facilities, then the region), month] of counts, zero where a month had no
    event, with its measures in order; None when the scenario has neither line."""
    lines = [line for line in MONTHLY_MEASURES
             if getattr(results.scenario, line, None) is not None]
    if not lines:
        return None
    measures = tuple(m for line in lines for m in MONTHLY_MEASURES[line])
    rows = monthly_rows(results)
    _, labels = month_edges(results.scenario)
    reps = [rep.replication for rep in results.replications]
    ids = list(results.network.ids)
    counts = np.zeros((len(reps), len(measures), len(ids) + 1, len(labels)))
    if not rows.empty:
        rep_at = {r: k for k, r in enumerate(reps)}
        measure_at = {m: k for k, m in enumerate(measures)}
        facility_at = {f: k for k, f in enumerate(ids)}
        month_at = {label: k for k, label in enumerate(labels)}
        keep = rows["measure"].isin(measure_at) & rows["replication"].isin(rep_at)
        rows = rows[keep]
        months = [month_at[(int(y), int(m))] for y, m in zip(rows["year"], rows["month"], strict=True)]
        np.add.at(counts, (rows["replication"].map(rep_at).to_numpy(),
                           rows["measure"].map(measure_at).to_numpy(),
                           rows["facility"].map(facility_at).to_numpy(),
                           np.asarray(months, dtype=np.int64)),
                  rows["value"].to_numpy(dtype=float))
    counts[:, :, -1, :] = counts[:, :, :-1, :].sum(axis=2)
    return counts, measures


def _array_summary(results: Results, counts: np.ndarray,
                   measures: tuple[str, ...]) -> pd.DataFrame:
    """`monthly_summary` of an array [replication, measure, column, month] of counts
    whose measures are ``measures`` and columns the facilities, then the region."""
    _, labels = month_edges(results.scenario)
    k, nf1, nm = counts.shape[1:]
    columns = [*results.network.ids, REGION]
    low, high = np.quantile(counts, BAND, axis=0)
    return pd.DataFrame({
        "facility": np.repeat(np.tile(columns, k), nm),
        "year": np.tile([y for y, _ in labels], k * nf1),
        "month": np.tile([m for _, m in labels], k * nf1),
        "measure": np.repeat(measures, nf1 * nm),
        "mean": counts.mean(axis=0).ravel(),
        "p5": low.ravel(),
        "p95": high.ravel(),
        "n": counts.shape[0],
    })


def monthly_form(summary: pd.DataFrame, lang: str = "en",
                 names: dict[str, str] | None = None) -> pd.DataFrame:
    """The monthly form: a row per facility and month (facilities in the summary's order),
    a column per measure of `MEASURES` with its mean over replications (blank where no
    service line counts it), headed in ``lang``; ``names`` gives facility display names."""
    head = {k: t(f"ms_{k}", lang) for k in ("facility", "year", "month")}
    if summary.empty:
        return pd.DataFrame(columns=[*head.values(), *(t(v, lang) for v in MEASURES.values())])
    wide = summary.pivot_table(index=["facility", "year", "month"], columns="measure",
                               values="mean", sort=False)
    wide = wide.reindex(columns=list(MEASURES)).reset_index()
    order = {f: k for k, f in enumerate(dict.fromkeys(summary["facility"]))}
    wide = wide.sort_values(["facility", "year", "month"],
                            key=lambda c: c.map(order) if c.name == "facility" else c,
                            kind="stable", ignore_index=True)
    if names:
        wide["facility"] = wide["facility"].map(lambda f: names.get(f, f))
    return wide.rename(columns={**head, **{k: t(v, lang) for k, v in MEASURES.items()}})
