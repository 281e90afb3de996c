"""Time-based metrics of one replication: how much of the time each bed pool of a facility
is empty and at or over its capacity, how much of the time more women are in labour care than
the midwives on duty can care for, and the hours women wait in a delivery bed for a ward bed
(access block).

Counted exactly from the records' intervals (hours): every interval is cut at the reported
days' midnights, so that each piece lies in one day and is judged against that day's capacity
(a policy change takes effect at 00:00). A day on which a facility has no bed of the pool (it
does not deliver, or has one pool of beds) counts in no share. Values are arrays
[row, column] as `capsim.results.reduce_replication` lays them out: the reported years,
then the whole period; the facilities, then the region, whose share is of the facilities'
time together (facility-hours) and whose hours are summed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HOURS_PER_DAY = 24.0


def time_at_counts(fac: np.ndarray, start: np.ndarray, end: np.ndarray,
                   capacity: np.ndarray, t0: float) -> dict[str, np.ndarray]:
    """For intervals [start, end) at facilities ``fac`` (hours) and the capacity of each
    facility on each reported day from ``t0`` (``capacity`` [facility, day]): per facility and
    day, the hours with none under way (``empty``), with at least the capacity under way
    (``full``; only on days with a capacity), and the interval-hours (``load``, the integral
    of the count), each [facility, day] in hours."""
    nf, days = capacity.shape
    t1 = t0 + HOURS_PER_DAY * days
    s = np.clip(np.asarray(start, dtype=float), t0, t1)
    e = np.clip(np.asarray(end, dtype=float), t0, t1)
    keep = e > s
    f = np.asarray(fac, dtype=np.int64)[keep]
    s, e = s[keep], e[keep]
    grid = t0 + HOURS_PER_DAY * np.arange(days + 1)
    if not s.shape[0] and days:
        # Nothing under way: every day's hours are empty (as the pass below adds them).
        zeros = np.zeros((nf, days))
        return {"empty": np.tile(np.diff(grid), (nf, 1)), "full": zeros, "load": zeros.copy()}
    # Ends, then the grid, then starts: a stable sort by time keeps that order among equal
    # times (an interval ending at a midnight is over before the next day, one starting then
    # is under way after it), and a stable sort by facility (a radix sort of small integers)
    # keeps the time order: the order of sorting by (facility, time, step) in one sort of
    # the three keys, at about half its cost.
    times = np.concatenate([e, grid if nf == 1 else np.tile(grid, nf), s])
    where = np.concatenate([f, np.repeat(np.arange(nf), days + 1), f])
    step = np.concatenate([-np.ones(e.shape[0]), np.zeros(nf * (days + 1)),
                           np.ones(s.shape[0])])
    order = np.argsort(times, kind="stable")
    small = np.int16 if nf < 2**15 else np.int64
    order = order[np.argsort(where[order].astype(small), kind="stable")]
    times, where, step = times[order], where[order], step[order]
    # Every facility's count returns to zero by the grid's last point, so one running sum
    # over the facilities one after the other is each facility's count.
    count = np.cumsum(step)
    length = np.zeros(times.shape[0])
    same = where[1:] == where[:-1]
    length[:-1] = np.where(same, times[1:] - times[:-1], 0.0)
    day = np.clip(((times - t0) // HOURS_PER_DAY).astype(np.int64), 0, days - 1)
    cap = capacity[where, day]
    cell = where * days + day
    out = {}
    for name, weight in (("empty", length * (count <= 0)),
                         ("full", length * ((count >= cap) & (cap > 0))),
                         ("load", length * count)):
        out[name] = np.bincount(cell, weights=weight, minlength=nf * days).reshape(nf, days)
    return out


def by_row(per_day: np.ndarray, rows: Sequence[tuple[int, np.ndarray]],
           copies: Sequence[tuple[int, int]], n_rows: int) -> np.ndarray:
    """Sums over the days of each row of ``per_day`` [facility, day], then the region's
    (facilities summed): [row, facility + 1]. ``rows`` are (row, day mask) as the results'
    calendar works them out, ``copies`` (row, row it copies)."""
    nf = per_day.shape[0]
    out = np.zeros((n_rows, nf + 1))
    for row, sel in rows:
        out[row, :nf] = per_day[:, sel].sum(axis=1)
        out[row, nf] = out[row, :nf].sum()
    for row, same in copies:
        out[row] = out[same]
    return out


def share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part`` / ``whole`` where ``whole`` > 0, else NaN (share)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(whole > 0, part / whole, np.nan)


def time_metrics(*, stays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                 blocks: tuple[np.ndarray, np.ndarray, np.ndarray],
                 over: tuple[np.ndarray, np.ndarray, np.ndarray],
                 ward_beds: np.ndarray, delivery_beds: np.ndarray, delivering: np.ndarray,
                 t0: float, rows: Sequence[tuple[int, np.ndarray]],
                 copies: Sequence[tuple[int, int]], n_rows: int) -> dict[str, np.ndarray]:
    """The time-based metrics, [row, column] (see the module's description).

    ``stays``: (facility, start, end, pool) of every bed stay, pool 0 a ward bed (or a bed of
    a facility's one pool) and 1 a delivery bed; ``blocks`` and ``over``: (facility, start,
    end) of the waits in a delivery bed for a ward bed and of the spans over the labour
    places; ``ward_beds``, ``delivery_beds`` [facility, day] the beds of each pool on the days
    their facility delivers; ``delivering`` [facility, day] 1 on the days it delivers.
    Returns shares (0 to 1) and hours."""
    fac, start, end, pool = stays
    out: dict[str, np.ndarray] = {}
    for prefix, kind, capacity in (("beds", 0, ward_beds), ("delivery_beds", 1, delivery_beds)):
        sel = pool == kind
        t = time_at_counts(fac[sel], start[sel], end[sel], capacity, t0)
        open_h = HOURS_PER_DAY * (capacity > 0)
        whole = by_row(open_h, rows, copies, n_rows)
        out[f"{prefix}_empty_share"] = share(by_row(t["empty"] * (capacity > 0), rows, copies,
                                                   n_rows), whole)
        out[f"{prefix}_full_share"] = share(by_row(t["full"], rows, copies, n_rows), whole)
    delivering_h = by_row(HOURS_PER_DAY * (delivering > 0), rows, copies, n_rows)
    o = time_at_counts(*over, np.ones_like(delivering), t0)
    out["midwife_ratio_exceeded_share"] = share(by_row(o["full"] * (delivering > 0), rows,
                                                       copies, n_rows), delivering_h)
    b = time_at_counts(*blocks, np.ones_like(delivering), t0)
    out["access_block_hours"] = by_row(b["load"], rows, copies, n_rows)
    return out
