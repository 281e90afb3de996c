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
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

HOURS_PER_DAY = 24.0


#: The measures of a pool of intervals `time_at_counts` can give (hours per facility and day).
MEASURES = ("empty", "full", "load")
#: Steps of the swept points, in the order of points at equal times: an interval ending at a
#: midnight is over before the next day, one starting then is under way after it.
_END, _MIDNIGHT, _START = 0, 1, 2


def time_at_counts(fac: np.ndarray, start: np.ndarray, end: np.ndarray,
                   capacity: np.ndarray, t0: float) -> dict[str, np.ndarray]:
    """For intervals [start, end) at facilities ``fac`` (hours) and the capacity of each
    facility on each reported day from ``t0`` (``capacity`` [facility, day]): per facility and
    day, the hours with none under way (``empty``), with at least the capacity under way
    (``full``; only on days with a capacity), and the interval-hours (``load``, the integral
    of the count), each [facility, day] in hours."""
    swept = sweep_pools([(fac, start, end, capacity, MEASURES)], t0)[0]
    return idle(capacity.shape, t0) if swept is None else swept


def idle(shape: tuple[int, int], t0: float) -> dict[str, np.ndarray]:
    """`time_at_counts` of no intervals on ``shape`` (facilities, days) from ``t0``: every
    day's hours empty (as a sweep adds them), none full, no load (hours)."""
    nf, days = shape
    grid = t0 + HOURS_PER_DAY * np.arange(days + 1)
    return {"empty": np.tile(np.diff(grid), (nf, 1)), "full": np.zeros(shape),
            "load": np.zeros(shape)}


def sweep_pools(pools: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                      Sequence[str]]],
                t0: float) -> list[dict[str, np.ndarray] | None]:
    """`time_at_counts` of several pools of intervals at once, each (facility, start, end,
    capacity [facility, day], the `MEASURES` wanted), all with the same facilities and days:
    for each pool, its wanted measures [facility, day] (hours), or None when nothing of the
    pool is under way in the reported days (`idle`).

    Every pool's points are sorted in one sort by (pool, facility, time, step), then swept
    once with the midnights: each stretch between two of them lies in one day and adds its
    hours to its day in time order, as a sweep of each pool alone adds them."""
    nf, days = pools[0][3].shape
    t1 = t0 + HOURS_PER_DAY * days
    grid = _midnights(t0, days)
    out: list[dict[str, np.ndarray] | None] = [None for _ in pools]
    live = []
    for k, (fac, start, end, _, _) in enumerate(pools):
        if not np.shape(start)[0]:
            continue
        s = np.clip(np.asarray(start, dtype=float), t0, t1)
        e = np.clip(np.asarray(end, dtype=float), t0, t1)
        f = np.asarray(fac)
        keep = e > s
        if not keep.all():
            # An interval ending before it starts is none, and one of no length (clipped to
            # the same time, or of no length at all) counts nothing: its points would only cut
            # another interval's stretch in two, whose hours would then add up differently in
            # the last bit.
            f, s, e = f[keep], s[keep], e[keep]
        if s.shape[0]:
            live.append((k, f, s, e))
    if not live:
        return out
    times, key, shift = _sorted_points(live, nf, t0, t1)
    cap = (pools[live[0][0]][3] if len(live) == 1 else
           np.concatenate([pools[k][3] for k, *_ in live])).astype(np.float64, copy=False)
    by_cell = {name: np.zeros(cap.shape) for name in MEASURES}
    _add_stretches(times, key, shift, grid, cap, by_cell["empty"], by_cell["full"],
                   by_cell["load"])
    for i, (k, *_) in enumerate(live):
        out[k] = {name: by_cell[name][i * nf:(i + 1) * nf] for name in pools[k][4]}
    return out


@lru_cache(maxsize=16)
def _midnights(t0: float, days: int) -> np.ndarray:
    """The bounds of ``days`` days from ``t0`` (hours), read-only: shared by the sweeps of
    every replication."""
    grid = t0 + HOURS_PER_DAY * np.arange(days + 1)
    grid.setflags(write=False)
    return grid


@njit(cache=True)
def _add_stretches(times: np.ndarray, key: np.ndarray, shift: int, grid: np.ndarray,
                   cap: np.ndarray, empty: np.ndarray, full: np.ndarray,
                   load: np.ndarray) -> None:
    """Add the hours of each stretch between the sorted points (``times``, hours; ``key``,
    the group of each point above bit ``shift`` and its step in the two lowest bits) and
    the midnights ``grid`` of every group to its [group, day]: ``empty``
    when none is under way, ``full`` when at least the day's capacity ``cap`` is (and it has
    one), ``load`` the count times the hours.

    Each group's points and midnights are passed in time order (at equal times, ends, then
    the midnight, then starts); each stretch is the time from one to the next, and each day
    adds its stretches in that order, each as length x weight (a weight 0 or 1 for a
    share), as ``np.bincount`` of the stretches of the points and midnights sorted together
    adds them."""
    groups, days = cap.shape
    n = times.shape[0]
    i = 0
    for g in range(groups):
        day = 0
        count = 0
        before = grid[0]
        # The day's three sums kept apart from the arrays while the sweep is in that day
        # (the same additions in the same order; the arrays written once a day, not read and
        # written at every stretch).
        at = 0
        e, f, w, c = empty[g, 0], full[g, 0], load[g, 0], cap[g, 0]
        while True:
            # The next of the group's midnights and points (a start at a midnight comes after
            # it, an end before it).
            point = i < n and key[i] >> shift == g
            midnight = day < days and (not point or grid[day + 1] < times[i] or (
                grid[day + 1] == times[i] and key[i] & 3 == _START))
            if not (point or midnight):
                break
            t = grid[day + 1] if midnight else times[i]
            length = t - before
            d = min(day, days - 1)
            if d != at:
                empty[g, at], full[g, at], load[g, at] = e, f, w
                at = d
                e, f, w, c = empty[g, d], full[g, d], load[g, d], cap[g, d]
            e += length * (1.0 if count <= 0 else 0.0)
            f += length * (1.0 if count >= c and c > 0 else 0.0)
            w += length * count
            before = t
            if midnight:
                day += 1
            else:
                count += int(key[i] & 3) - _MIDNIGHT  # a plain integer: no bound on the count
                i += 1
        empty[g, at], full[g, at], load[g, at] = e, f, w


def _sorted_points(live: Sequence[tuple[int, np.ndarray, np.ndarray, np.ndarray]],
                   nf: int, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray, int]:
    """The points of the pools ``live`` (pool, facility, start, end; ends, then starts; all
    in [t0, t1] hours), sorted by (group, time, step), the group pool x facilities + facility:
    their times (hours), one number per point holding its group above a bit ``shift`` and
    its step in the two lowest bits (`_add_stretches` reads them), and ``shift``.

    When it fits, each point is one 64-bit number, its group, the bits of its time above those
    of ``t0`` (a positive float's bits grow with it) and its step, high to low: one sort of
    numbers, whose ties are equal points. Otherwise a stable sort by time of the points laid
    out ends, then starts, then a stable radix sort by group."""
    low = int(np.float64(t0).view(np.int64))
    bits = (int(np.float64(t1).view(np.int64)) - low).bit_length()
    shift = bits + 2
    groups = len(live) * nf
    if t0 > 0 and groups << shift < 1 << 62:
        # Each pool's ends, then its starts, pool after pool, written in place.
        key = np.empty(sum(2 * s.shape[0] for _, _, s, _ in live), dtype=np.int64)
        at = 0
        for i, (_, f, s, e) in enumerate(live):
            high = f.astype(np.int64)
            if i:
                high += i * nf
            high <<= shift
            for times, code in ((e, _END), (s, _START)):
                part = key[at:at + times.shape[0]]
                np.subtract(times.view(np.int64), low, out=part)
                part <<= 2
                if code:
                    part |= code
                part |= high
                at += times.shape[0]
        key.sort()
        times = key >> 2
        times &= (1 << bits) - 1
        times += low
        return times.view(np.float64), key, shift
    times = np.concatenate([a for _, _, s, e in live for a in (e, s)])
    group = np.concatenate([a + i * nf for i, (_, f, _, _) in enumerate(live)
                            for a in (f.astype(np.int64), f.astype(np.int64))])
    step = np.concatenate([np.full(a.shape[0], code, dtype=np.int8)
                           for _, _, s, e in live for a, code in ((e, _END), (s, _START))])
    order = np.argsort(times, kind="stable")
    small = np.int16 if groups < 2**15 else np.int64  # a radix sort for small group numbers
    order = order[np.argsort(group[order].astype(small), kind="stable")]
    key = group[order] << 2
    key |= step[order]
    return times[order], key, 2


def by_row(per_day: Sequence[np.ndarray], rows: Sequence[tuple[int, int, int]],
           copies: Sequence[tuple[int, int]], n_rows: int) -> np.ndarray:
    """Sums over the days of each row of each of ``per_day`` (arrays [facility, day]), then
    the region's (facilities summed): [array, row, facility + 1]. ``rows`` are (row, first
    day, day after its last) as the results' calendar works them out, ``copies`` (row, row it
    copies).

    Each facility's days add one after the other, as the sum of a facility's days picked out
    of a many-facility table adds them (numpy sums a lone facility's days pairwise), so that
    every array gives the bits of its sum alone."""
    k = len(per_day)
    nf = per_day[0].shape[0]
    # Day after day, every array's facilities side by side: a row's days are one block.
    by_day = np.stack([a.T for a in per_day], axis=1).reshape(-1, k * nf)
    out = np.zeros((k, n_rows, nf + 1))
    for row, first, stop in rows:
        block = by_day[first:stop]
        sums = (block.sum(axis=0) if nf > 1 else
                np.ascontiguousarray(block.T).sum(axis=1)).reshape(k, nf)
        out[:, row, :nf] = sums
        out[:, row, nf] = sums.sum(axis=1)
    for row, same in copies:
        out[:, row] = out[:, same]
    return out


def share(part: np.ndarray, whole: np.ndarray,
          positive: np.ndarray | None = None) -> np.ndarray:
    """``part`` / ``whole`` where ``whole`` > 0, else NaN (share); ``positive``: where
    ``whole`` > 0, when worked out beforehand."""
    out = np.full(np.broadcast_shapes(np.shape(part), np.shape(whole)), np.nan)
    np.divide(part, whole, out=out, where=whole > 0 if positive is None else positive)
    return out


@dataclass(frozen=True)
class Days:
    """What the time-based metrics of every replication of one network share: the reported
    days from ``t0`` (hours), the beds of each pool on the days their facility delivers and
    those days (``ward_beds``, ``delivery_beds``, ``delivering``, [facility, day]), the rows
    (row, first day, day after its last) and copied rows (row, row it copies) of the results,
    and the sums by row ([row, column], hours) that depend on them alone: the hours each pool
    is open, the hours of delivering, and the empty hours of a pool with nothing under way."""

    t0: float
    ward_beds: np.ndarray
    delivery_beds: np.ndarray
    delivering: np.ndarray
    rows: tuple[tuple[int, int, int], ...]
    copies: tuple[tuple[int, int], ...]
    n_rows: int
    ward_open: np.ndarray
    delivery_open: np.ndarray
    delivering_h: np.ndarray
    ward_idle: np.ndarray
    delivery_idle: np.ndarray
    #: The time-based metrics when nothing is under way, each metric's as `time_metrics`
    #: gives it for a pool with nothing under way (read-only).
    idle: dict[str, np.ndarray]
    #: Whether each pool has beds, and whether the facility delivers, [facility, day]; one
    #: labour place a day, the capacity the spans over the labour places are swept against.
    ward_days: np.ndarray
    delivery_days: np.ndarray
    delivering_days: np.ndarray
    labour_places: np.ndarray
    #: The hours each share is of ([row, column], the sums above) and where they are not 0
    #: (`share`'s arguments after the part).
    wholes: dict[str, tuple[np.ndarray, np.ndarray]]


def days_of(ward_beds: np.ndarray, delivery_beds: np.ndarray, delivering: np.ndarray,
            t0: float, rows: Sequence[tuple[int, int, int]],
            copies: Sequence[tuple[int, int]], n_rows: int) -> Days:
    """The `Days` of a network (see `time_metrics` for the arguments)."""
    empty = idle(ward_beds.shape, t0)["empty"]
    sums = by_row([HOURS_PER_DAY * (ward_beds > 0), HOURS_PER_DAY * (delivery_beds > 0),
                   HOURS_PER_DAY * (delivering > 0), empty * (ward_beds > 0),
                   empty * (delivery_beds > 0)], rows, copies, n_rows)
    nothing = np.zeros_like(sums[0])
    ward_open, delivery_open, delivering_h, ward_idle, delivery_idle = sums
    idle_values = {"beds_empty_share": share(ward_idle, ward_open),
                   "beds_full_share": share(nothing, ward_open),
                   "delivery_beds_empty_share": share(delivery_idle, delivery_open),
                   "delivery_beds_full_share": share(nothing, delivery_open),
                   "midwife_ratio_exceeded_share": share(nothing, delivering_h),
                   "access_block_hours": nothing}
    ward_days, delivery_days, delivering_days = ward_beds > 0, delivery_beds > 0, delivering > 0
    labour_places = np.ones_like(delivering)
    wholes = {name: (whole, whole > 0) for name, whole in (
        ("beds_empty_share", ward_open), ("beds_full_share", ward_open),
        ("delivery_beds_empty_share", delivery_open),
        ("delivery_beds_full_share", delivery_open),
        ("midwife_ratio_exceeded_share", delivering_h))}
    for table in (*sums, *idle_values.values(), ward_days, delivery_days, delivering_days,
                  labour_places, *(b for _, b in wholes.values())):
        table.setflags(write=False)
    return Days(t0, ward_beds, delivery_beds, delivering, tuple(rows), tuple(copies), n_rows,
                ward_open, delivery_open, delivering_h, ward_idle, delivery_idle, idle_values,
                ward_days, delivery_days, delivering_days, labour_places, wholes)


def time_metrics(*, stays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
                 blocks: tuple[np.ndarray, np.ndarray, np.ndarray],
                 over: tuple[np.ndarray, np.ndarray, np.ndarray],
                 days: Days) -> dict[str, np.ndarray]:
    """The time-based metrics, [row, column] (see the module's description).

    ``stays``: (facility, start, end, pool) of every bed stay, pool 0 a ward bed (or a bed of
    a facility's one pool) and 1 a delivery bed; ``blocks`` and ``over``: (facility, start,
    end) of the waits in a delivery bed for a ward bed and of the spans over the labour
    places; ``days``: the network's `Days` (`days_of`): ``ward_beds``, ``delivery_beds``
    [facility, day] the beds of each pool on the days their facility delivers; ``delivering``
    [facility, day] 1 on the days it delivers. Returns shares (0 to 1) and hours."""
    fac, start, end, pool = stays
    ward_beds, delivery_beds = days.ward_beds, days.delivery_beds
    one_pool = not pool.any()  # every stay in a ward bed: no selection to copy
    labour_places = days.labour_places
    ward, delivery, o, b = sweep_pools([
        *((fac, start, end, capacity, ("empty", "full")) if one_pool and kind == 0 else
          (fac[pool == kind], start[pool == kind], end[pool == kind], capacity,
           ("empty", "full")) for kind, capacity in enumerate((ward_beds, delivery_beds))),
        (*over, labour_places, ("full",)),
        (*blocks, labour_places, ("load",)),
    ], days.t0)
    # Only what was under way is summed by row: a pool with nothing under way has its
    # metrics worked out with the days (`Days.idle`: the empty hours, none full, no load).
    # (The sweeps' arrays are their own: masked in place.)
    per_day: dict[str, np.ndarray] = {}
    if ward is not None:
        per_day["beds_empty_share"] = np.multiply(ward["empty"], days.ward_days,
                                                  out=ward["empty"])
        per_day["beds_full_share"] = ward["full"]
    if delivery is not None:
        per_day["delivery_beds_empty_share"] = np.multiply(
            delivery["empty"], days.delivery_days, out=delivery["empty"])
        per_day["delivery_beds_full_share"] = delivery["full"]
    if o is not None:
        per_day["midwife_ratio_exceeded_share"] = np.multiply(o["full"], days.delivering_days,
                                                              out=o["full"])
    if b is not None:
        per_day["access_block_hours"] = b["load"]
    if not per_day:
        return dict(days.idle)
    summed = dict(zip(per_day, by_row(list(per_day.values()), days.rows, days.copies,
                                      days.n_rows), strict=True))
    out = dict(days.idle)
    for name, part in summed.items():
        whole = days.wholes.get(name)
        out[name] = part if whole is None else share(part, *whole)
    return out
