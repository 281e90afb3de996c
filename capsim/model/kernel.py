"""The event loop of one replication, compiled to machine code with numba.

One function per step of the pathway (see :mod:`capsim.model.engine` for the pathway and its
calendars); each takes the replication's :class:`State` ``s`` first. Times are in hours;
facilities and women are int64 indices.

All state is plain numpy arrays: a facility's calendars are rows of two-dimensional heaps
(:class:`Times` for the times its beds, midwives and theatres become free; :class:`Heaps` for
labour onsets, ordered by (time, woman)) and its queues rows of first-come queues
(:class:`Queues`), so what a woman touches is a few cache lines of her facility and her cost
grows little with the number of facilities.
The region's calendar is a one-row :class:`Heaps` ordered by (time, sequence number).

Compiled once per machine and cached on disk (numba ``cache=True``, beside this file or in the
user's cache directory); the first run after an install spends some seconds compiling.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.experimental import structref

# Event kinds on the region's calendar.
LABOUR, LABOUR_END, WAKE, TRANSFER_ARRIVAL, POLICY, INITIAL_RELEASE, REFERRAL_CHANGE = range(7)
# Modes of delivery.
NOT_DELIVERED, VAGINAL, PLANNED_CS, EMERGENCY_CS = -1, 0, 1, 2
# Reasons for a move (the order of capsim.model.network.REASONS).
PLANNED_REFERRAL, RISK_REFERRAL, NO_BED, EMERGENCY_TRANSFER = range(4)
OUT_OF_REGION = -1
UNPLANNED = -2  # a planned-target entry not yet worked out under the rules in force

# Typed constants for arguments: numba compiles a function once per distinct literal argument,
# so constants are passed as these (or wrapped in np.int64) to keep one compiled version.
ZERO, ONE = np.int64(0), np.int64(1)
YES, NO = np.bool_(True), np.bool_(False)


class _Struct(types.StructRef):
    def preprocess_fields(self, fields):
        return tuple((name, types.unliteral(t)) for name, t in fields)


@structref.register
class HeapsType(_Struct):
    pass


class _RowHeaps(structref.StructRefProxy):
    """What Python sees of heaps kept one per row: their sizes and their room."""

    @property
    def size(self):
        """Entries in use in each row."""
        return _heaps_size(self)

    @property
    def capacity(self):
        """Room in each row (entries)."""
        return _heaps_capacity(self)


class Heaps(_RowHeaps):
    """One binary heap per row, ordered by (``time``, ``tie``), each entry carrying ``data``;
    ``size[row]`` entries in use. Grows (doubling every row) when a row is full."""


structref.define_proxy(Heaps, HeapsType, ["time", "tie", "data", "size"])


@structref.register
class TimesType(_Struct):
    pass


class Times(_RowHeaps):
    """One binary heap of times (hours) per row, ``size[row]`` in use: the lean heap of a
    facility's own calendar (when its beds, midwives and theatres become free). Grows
    (doubling every row) when a row is full."""


structref.define_proxy(Times, TimesType, ["time", "size"])


@structref.register
class QueuesType(_Struct):
    pass


class Queues(structref.StructRefProxy):
    """One first-come queue of women per row, as ring buffers: ``item[row]``, with the first
    at ``head[row]`` and ``count[row]`` waiting."""

    @property
    def count(self):
        """Women waiting in each row."""
        return _queues_count(self)


structref.define_proxy(Queues, QueuesType, ["item", "head", "count"])


@njit(cache=True)
def _heaps_size(h):
    return h.size.copy()


@njit(cache=True)
def _heaps_capacity(h):
    return h.time.shape[1]


@njit(cache=True)
def _queues_count(q):
    return q.count.copy()


@structref.register
class StateType(_Struct):
    pass


class State(structref.StructRefProxy):
    """Everything one replication reads and changes (see :func:`new_state`)."""


STATE_FIELDS = [
    # women (inputs, one entry per woman)
    "admit", "event_at", "risk", "booked", "planned", "needs_cs", "needs_cc", "labour_h",
    "los_vaginal", "los_caesarean", "theatre_h", "prep_h",
    # women (state and outputs)
    "bed_at", "bed_since", "labour_start", "labour_fac", "delivered_at_fac", "mode",
    "delivered_h", "turned_away", "out_of_region", "wait_h", "ddi_min",
    "plan_to", "plan_why",
    # facilities
    "free_beds", "free_mw", "free_th", "accepting", "delivers", "can_cs", "has_cc", "travel",
    "order", "elig", "wake_at", "cache_to", "cache_why",
    # policy steps and referral-rule changes
    "pol_t", "pol_f", "pol_beds", "pol_mw_changed", "pol_mw", "pol_th_changed", "pol_th",
    "pol_can_cs", "pol_delivers", "elig_t", "elig_m",
    # calendars and queues
    "region", "theatres_free_at", "midwives_free_at", "labour_at", "beds_free_at",
    "mw_queue", "em_queue", "pl_queue",
    # records: bed stays and moves, growable, with their counts
    "stay_fac", "stay_start", "stay_end", "n_stays",
    "flow_t", "flow_src", "flow_dst", "flow_why", "n_flows",
    # counts and constants
    "seq", "own_events", "first_counted", "t_end",
]
structref.define_proxy(State, StateType, STATE_FIELDS)


# --- heaps and queues ----------------------------------------------------------------------

@njit(cache=True)
def new_heaps(rows, cap):
    """Empty heaps: ``rows`` rows with room for ``cap`` entries each."""
    return Heaps(np.empty((rows, cap)), np.empty((rows, cap), dtype=np.int64),
                 np.empty((rows, cap), dtype=np.int64), np.zeros(rows, dtype=np.int64))


@njit(cache=True)
def _wider(rows, n):
    """A copy of the two-dimensional ``rows`` with twice the columns, the first ``n`` kept."""
    out = np.empty((rows.shape[0], 2 * rows.shape[1]), dtype=rows.dtype)
    for row in range(rows.shape[0]):
        for k in range(n):
            out[row, k] = rows[row, k]
    return out


@njit(cache=True)
def _before(h, r, i, j):
    a, b = h.time[r, i], h.time[r, j]
    return a < b or (a == b and h.tie[r, i] < h.tie[r, j])


@njit(cache=True)
def _swap(h, r, i, j):
    h.time[r, i], h.time[r, j] = h.time[r, j], h.time[r, i]
    h.tie[r, i], h.tie[r, j] = h.tie[r, j], h.tie[r, i]
    h.data[r, i], h.data[r, j] = h.data[r, j], h.data[r, i]


@njit(cache=True)
def heap_push(h, r, t, tie, data):
    """Add an entry to row ``r``."""
    n = h.size[r]
    if n == h.time.shape[1]:
        h.time, h.tie, h.data = _wider(h.time, n), _wider(h.tie, n), _wider(h.data, n)
    h.time[r, n], h.tie[r, n], h.data[r, n] = t, tie, data
    h.size[r] = n + 1
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(h, r, i, parent):
            break
        _swap(h, r, i, parent)
        i = parent


@njit(cache=True)
def heap_pop(h, r):
    """Remove the first entry of row ``r``; return its (time, tie, data)."""
    t, tie, data = h.time[r, 0], h.tie[r, 0], h.data[r, 0]
    n = h.size[r] - 1
    h.size[r] = n
    if n > 0:
        h.time[r, 0], h.tie[r, 0], h.data[r, 0] = h.time[r, n], h.tie[r, n], h.data[r, n]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= n:
                break
            if child + 1 < n and _before(h, r, child + 1, child):
                child += 1
            if not _before(h, r, child, i):
                break
            _swap(h, r, i, child)
            i = child
    return t, tie, data


@njit(cache=True)
def new_times(rows, cap):
    """Empty heaps of times: ``rows`` rows with room for ``cap`` times each."""
    return Times(np.empty((rows, cap)), np.zeros(rows, dtype=np.int64))


@njit(cache=True)
def times_push(h, r, t):
    """Add time ``t`` to row ``r``."""
    n = h.size[r]
    if n == h.time.shape[1]:
        h.time = _wider(h.time, n)
    q = h.time[r]
    h.size[r] = n + 1
    i = n
    while i > 0:  # move the hole up to where t belongs
        parent = (i - 1) >> 1
        if q[parent] <= t:
            break
        q[i] = q[parent]
        i = parent
    q[i] = t


@njit(cache=True)
def times_pop(h, r):
    """Remove and return the earliest time of row ``r``."""
    q = h.time[r]
    first = q[0]
    n = h.size[r] - 1
    h.size[r] = n
    if n > 0:
        last = q[n]
        i = 0
        while True:  # move the hole down to where the last time belongs
            child = 2 * i + 1
            if child >= n:
                break
            if child + 1 < n and q[child + 1] < q[child]:
                child += 1
            if last <= q[child]:
                break
            q[i] = q[child]
            i = child
        q[i] = last
    return first


@njit(cache=True)
def heap_due(h, r, t):
    """Whether row ``r`` of heaps ``h`` (:class:`Heaps` or :class:`Times`) has an entry at or
    before ``t``."""
    return h.size[r] > 0 and h.time[r, 0] <= t


@njit(cache=True)
def new_queues(rows, cap):
    """Empty first-come queues: ``rows`` rows with room for ``cap`` women each."""
    return Queues(np.empty((rows, cap), dtype=np.int64), np.zeros(rows, dtype=np.int64),
                  np.zeros(rows, dtype=np.int64))


@njit(cache=True)
def queue_push(q, r, w):
    """Put woman ``w`` at the back of queue ``r``."""
    cap = q.item.shape[1]
    n = q.count[r]
    if n == cap:  # unroll every ring into a twice-larger array
        item = np.empty((q.item.shape[0], 2 * cap), dtype=np.int64)
        for row in range(q.item.shape[0]):
            for k in range(q.count[row]):
                item[row, k] = q.item[row, (q.head[row] + k) % cap]
        q.item = item
        q.head[:] = 0
        cap = 2 * cap
    q.item[r, (q.head[r] + n) % cap] = w
    q.count[r] = n + 1


@njit(cache=True)
def queue_pop(q, r):
    """Take the woman at the front of queue ``r``."""
    w = q.item[r, q.head[r]]
    q.head[r] = (q.head[r] + 1) % q.item.shape[1]
    q.count[r] -= 1
    return w


@njit(cache=True)
def _grown(values, n):
    if n < values.shape[0]:
        return values
    out = np.empty(max(2 * values.shape[0], 16), dtype=values.dtype)
    for k in range(n):
        out[k] = values[k]
    return out


# --- the pathway ---------------------------------------------------------------------------

@njit(cache=True)
def push(s, t, kind, w):
    """Put an event on the region's calendar."""
    s.seq += 1
    heap_push(s.region, ZERO, t, s.seq, kind * (1 << 40) + w)


@njit(cache=True)
def catch_up(s, f, t):
    """Carry out facility ``f``'s own calendar up to ``t``, each part in time order.

    Theatres, and midwives with labours, do not touch each other; both may add the
    discharge of a woman who gave birth, so beds come last."""
    while heap_due(s.theatres_free_at, f, t):
        free_theatre(s, f, times_pop(s.theatres_free_at, f))
        s.own_events += 1
    mq, lq = s.midwives_free_at, s.labour_at
    while heap_due(mq, f, t) or heap_due(lq, f, t):
        if mq.size[f] > 0 and (lq.size[f] == 0 or mq.time[f, 0] <= lq.time[f, 0]):
            free_midwife(s, f, times_pop(mq, f))
        else:
            when, w, _ = heap_pop(lq, f)
            labour(s, w, when)
        s.own_events += 1
    if s.mw_queue.count[f] > 0:
        keep_awake(s, f)
    bq = s.beds_free_at
    while heap_due(bq, f, t):
        times_pop(bq, f)
        s.free_beds[f] += 1
        s.own_events += 1


@njit(cache=True)
def keep_awake(s, f):
    """While women wait for a midwife at ``f``, wake ``f`` when its next midwife is free."""
    mq = s.midwives_free_at
    if s.mw_queue.count[f] > 0 and mq.size[f] > 0 and mq.time[f, 0] < s.wake_at[f]:
        s.wake_at[f] = mq.time[f, 0]
        push(s, mq.time[f, 0], np.int64(WAKE), f)


@njit(cache=True)
def wake(s, f, t):
    if s.wake_at[f] <= t:
        s.wake_at[f] = np.inf
    catch_up(s, f, t)


@njit(cache=True)
def flow(s, w, t, src, dst, reason):
    """Record a move of a counted woman (its year is worked out after the run)."""
    if w >= s.first_counted:
        n = s.n_flows
        s.flow_t = _grown(s.flow_t, n)
        s.flow_src = _grown(s.flow_src, n)
        s.flow_dst = _grown(s.flow_dst, n)
        s.flow_why = _grown(s.flow_why, n)
        s.flow_t[n], s.flow_src[n], s.flow_dst[n], s.flow_why[n] = t, src, dst, reason
        s.n_flows = n + 1


@njit(cache=True)
def may_deliver(s, r, p, g):
    """Whether a woman of risk ``r`` (planned caesarean ``p``) may deliver at ``g``."""
    return s.accepting[g] and s.elig[r, g] and (not p or s.can_cs[g])


@njit(cache=True)
def planned_target(s, w):
    """Where she plans to deliver before any bed is sought (-1: out of the region), worked out
    once per (booked, risk, planned caesarean) under the rules in force; recorded for her with
    the reason when it is not where she booked."""
    b, r, p = np.int64(s.booked[w]), np.int64(s.risk[w]), bool(s.planned[w])
    key = b * 16 + r * 2 + np.int64(p)
    if s.cache_to[key] == UNPLANNED:
        if may_deliver(s, r, p, b):
            s.cache_to[key], s.cache_why[key] = b, -1
        else:
            if s.accepting[b] and s.delivers[b] and not s.elig[r, b]:
                s.cache_why[key] = RISK_REFERRAL
            else:
                s.cache_why[key] = PLANNED_REFERRAL
            s.cache_to[key] = OUT_OF_REGION
            for j in range(s.order.shape[1]):
                g = np.int64(s.order[b, j])
                if may_deliver(s, r, p, g):
                    s.cache_to[key] = g
                    break
    s.plan_to[w] = s.cache_to[key]
    s.plan_why[w] = s.cache_why[key]
    return s.cache_to[key]


@njit(cache=True)
def take_bed(s, w, f, t):
    s.free_beds[f] -= 1
    s.bed_at[w] = f
    s.bed_since[w] = t


@njit(cache=True)
def add_stay(s, f, start, end):
    """Record a bed stay at ``f`` from ``start`` to ``end`` (hours)."""
    n = s.n_stays
    s.stay_fac = _grown(s.stay_fac, n)
    s.stay_start = _grown(s.stay_start, n)
    s.stay_end = _grown(s.stay_end, n)
    s.stay_fac[n], s.stay_start[n], s.stay_end[n] = f, start, end
    s.n_stays = n + 1


@njit(cache=True)
def leave_bed(s, w, t):
    """Record that she leaves her bed at ``t``; return its facility."""
    f = np.int64(s.bed_at[w])
    s.bed_at[w] = -1
    add_stay(s, f, s.bed_since[w], t)
    return f


@njit(cache=True)
def leave_region(s, w, t, src, reason):
    s.out_of_region[w] = True
    flow(s, w, t, src, np.int64(OUT_OF_REGION), reason)


@njit(cache=True)
def arrive(s, w, t):
    target = planned_target(s, w)  # a planned or risk referral is counted after the run
    if target == OUT_OF_REGION:
        s.out_of_region[w] = True
        return
    catch_up(s, target, t)
    f = target
    there = t
    if s.free_beds[target] > 0:
        take_bed(s, w, f, t)
    else:
        s.turned_away[w] = True
        found = False
        for j in range(s.order.shape[1]):
            f = np.int64(s.order[target, j])
            if may_deliver(s, np.int64(s.risk[w]), bool(s.planned[w]), f):
                catch_up(s, f, t)
                if s.free_beds[f] > 0:
                    flow(s, w, t, target, f, np.int64(NO_BED))
                    take_bed(s, w, f, t)
                    there = t + s.travel[target, f]
                    found = True
                    break
        if not found:
            leave_region(s, w, t, target, np.int64(NO_BED))
            return
    start = s.event_at[w]
    if start <= t and there == t:
        labour(s, w, t)
        if s.mw_queue.count[f] > 0:
            keep_awake(s, f)
    elif s.planned[w] or s.needs_cs[w] or s.needs_cc[w]:
        push(s, start if start > there else there, np.int64(LABOUR), w)
    else:
        heap_push(s.labour_at, f, start if start > there else there, w, w)


@njit(cache=True)
def labour(s, w, t):
    if s.planned[w]:
        request_theatre(s, w, t, NO)
        return
    f = np.int64(s.bed_at[w])
    s.labour_start[w] = t
    s.labour_fac[w] = f
    if s.free_mw[f] > 0:
        s.free_mw[f] -= 1
        start_midwife(s, w, f, t)
    else:
        queue_push(s.mw_queue, f, w)


@njit(cache=True)
def labour_event(s, w, t):
    f = np.int64(s.bed_at[w])
    catch_up(s, f, t)
    labour(s, w, t)
    keep_awake(s, f)


@njit(cache=True)
def start_midwife(s, w, f, t):
    s.wait_h[w] = t - s.labour_start[w]
    end = t + s.labour_h[w]
    if s.needs_cs[w] or s.needs_cc[w]:
        push(s, end, np.int64(LABOUR_END), w)
    else:  # a vaginal birth: her midwife is free at the end of labour
        times_push(s.midwives_free_at, f, end)
        if end < s.t_end:
            give_birth(s, w, f, end, np.int64(VAGINAL))


@njit(cache=True)
def free_midwife(s, f, t):
    if s.mw_queue.count[f] > 0 and s.free_mw[f] >= 0:
        start_midwife(s, queue_pop(s.mw_queue, f), f, t)
    else:
        s.free_mw[f] += 1


@njit(cache=True)
def labour_end(s, w, t):
    f = np.int64(s.bed_at[w])
    catch_up(s, f, t)
    free_midwife(s, f, t)
    keep_awake(s, f)
    cs, cc = s.needs_cs[w], s.needs_cc[w]
    if (cs and not s.can_cs[f]) or (cc and not s.has_cc[f]):
        emergency_transfer(s, w, f, t)
    elif cs:
        s.ddi_min[w] = t  # the decision hour, until the baby is born
        request_theatre(s, w, t, YES)
    else:
        give_birth(s, w, f, t, np.int64(VAGINAL))


@njit(cache=True)
def give_birth(s, w, f, t, how):
    s.delivered_at_fac[w] = f
    s.delivered_h[w] = t
    s.mode[w] = how
    leaves = t + (s.los_vaginal[w] if how == VAGINAL else s.los_caesarean[w])
    times_push(s.beds_free_at, f, leaves)
    if leaves < s.t_end:
        leave_bed(s, w, leaves)


@njit(cache=True)
def emergency_transfer(s, w, f, t):
    s.free_beds[leave_bed(s, w, t)] += 1
    cs, cc = s.needs_cs[w], s.needs_cc[w]
    for j in range(s.order.shape[1]):
        g = np.int64(s.order[f, j])
        if s.accepting[g] and (not cs or s.can_cs[g]) and (not cc or s.has_cc[g]):
            catch_up(s, g, t)
            if s.free_beds[g] > 0:
                flow(s, w, t, f, g, np.int64(EMERGENCY_TRANSFER))
                take_bed(s, w, g, t)
                if cs:
                    s.ddi_min[w] = t  # the decision hour, until the baby is born
                push(s, t + s.travel[f, g], np.int64(TRANSFER_ARRIVAL), w)
                return
    leave_region(s, w, t, f, np.int64(EMERGENCY_TRANSFER))


@njit(cache=True)
def transfer_arrival(s, w, t):
    f = np.int64(s.bed_at[w])
    if s.needs_cs[w]:
        catch_up(s, f, t)
        request_theatre(s, w, t, YES)
    else:
        give_birth(s, w, f, t, np.int64(VAGINAL))


@njit(cache=True)
def request_theatre(s, w, t, emergency):
    f = np.int64(s.bed_at[w])
    if s.free_th[f] > 0:
        s.free_th[f] -= 1
        start_theatre(s, w, f, t, emergency)
    elif emergency:
        queue_push(s.em_queue, f, w)
    else:
        queue_push(s.pl_queue, f, w)


@njit(cache=True)
def start_theatre(s, w, f, t, emergency):
    if emergency:
        born = t + s.prep_h[w]
        s.ddi_min[w] = (born - s.ddi_min[w]) * 60.0  # it held the decision hour
        give_birth(s, w, f, born, np.int64(EMERGENCY_CS))
    else:
        give_birth(s, w, f, t, np.int64(PLANNED_CS))
    times_push(s.theatres_free_at, f, t + s.theatre_h[w])


@njit(cache=True)
def next_in_theatre(s, f, t):
    """Start the next caesarean waiting at ``f``: emergencies first."""
    if s.em_queue.count[f] > 0:
        start_theatre(s, queue_pop(s.em_queue, f), f, t, YES)
    else:
        start_theatre(s, queue_pop(s.pl_queue, f), f, t, NO)


@njit(cache=True)
def theatre_waiting(s, f):
    return s.em_queue.count[f] > 0 or s.pl_queue.count[f] > 0


@njit(cache=True)
def free_theatre(s, f, t):
    if s.free_th[f] >= 0 and theatre_waiting(s, f):
        next_in_theatre(s, f, t)
    else:
        s.free_th[f] += 1


@njit(cache=True)
def apply_policy(s, k, t):
    """Carry out policy step ``k`` (its capacity changes are worked out beforehand)."""
    f = np.int64(s.pol_f[k])
    catch_up(s, f, t)
    s.free_beds[f] += s.pol_beds[k]
    if s.pol_mw_changed[k]:
        s.free_mw[f] += s.pol_mw[k]
        while s.free_mw[f] > 0 and s.mw_queue.count[f] > 0:
            s.free_mw[f] -= 1
            start_midwife(s, queue_pop(s.mw_queue, f), f, t)
        keep_awake(s, f)
    if s.pol_th_changed[k]:
        s.free_th[f] += s.pol_th[k]
        s.can_cs[f] = s.pol_can_cs[k]
        while s.free_th[f] > 0 and theatre_waiting(s, f):
            s.free_th[f] -= 1
            next_in_theatre(s, f, t)
        s.cache_to[:] = UNPLANNED
    if s.pol_delivers[k] >= 0:
        s.accepting[f] = s.pol_delivers[k] == 1
        s.cache_to[:] = UNPLANNED


@njit(cache=True)
def referral_change(s, k):
    s.elig[:, :] = s.elig_m[k]
    s.cache_to[:] = UNPLANNED


@njit(cache=True)
def run_loop(s, initial_facility, initial_release):
    """Run the replication to the end of the horizon: the cohort's arrivals merged with the
    region's calendar. Returns how many women arrived and the region's events carried out."""
    for k in range(initial_facility.shape[0]):
        f = np.int64(initial_facility[k])
        s.free_beds[f] -= 1
        add_stay(s, f, np.float64(0.0), min(initial_release[k], s.t_end))
        push(s, initial_release[k], np.int64(INITIAL_RELEASE), f)
    for k in range(s.pol_t.shape[0]):
        push(s, s.pol_t[k], np.int64(POLICY), k)
    for k in range(s.elig_t.shape[0]):
        push(s, s.elig_t[k], np.int64(REFERRAL_CHANGE), k)

    n = s.admit.shape[0]
    region = s.region
    events = 0
    i = ZERO
    while True:
        if region.size[0] > 0 and (i >= n or region.time[0, 0] <= s.admit[i]):
            t, _, data = heap_pop(region, ZERO)
            if t >= s.t_end:
                break
            events += 1
            kind, w = data >> 40, data & ((1 << 40) - 1)
            if kind == LABOUR:
                labour_event(s, w, t)
            elif kind == LABOUR_END:
                labour_end(s, w, t)
            elif kind == WAKE:
                wake(s, w, t)
            elif kind == TRANSFER_ARRIVAL:
                transfer_arrival(s, w, t)
            elif kind == POLICY:
                apply_policy(s, w, t)
            elif kind == INITIAL_RELEASE:
                s.free_beds[w] += 1
            else:
                referral_change(s, w)
        elif i < n:
            t = s.admit[i]
            if t >= s.t_end:
                break
            arrive(s, i, t)
            i += 1
        else:
            break
    # The facilities' own events due before the end of the horizon.
    last = np.nextafter(s.t_end, -np.inf)
    for f in range(s.free_beds.shape[0]):
        catch_up(s, f, last)
    return i, events


@njit(cache=True)
def new_state(women, network, first_counted, t_end, stay_room):
    """A fresh :class:`State`: the cohort's arrays (``women``, in the order of the first
    twelve fields), the network's (``network``: facility counters, rules, travel hours,
    referral orders, policy steps, referral-rule changes, in field order; counters copied),
    empty per-woman records, calendars and queues, and room for ``stay_room`` bed stays."""
    (admit, event_at, risk, booked, planned, needs_cs, needs_cc, labour_h, los_vaginal,
     los_caesarean, theatre_h, prep_h) = women
    (free_beds, free_mw, free_th, accepting, delivers, can_cs, has_cc, travel, order, elig,
     pol_t, pol_f, pol_beds, pol_mw_changed, pol_mw, pol_th_changed, pol_th, pol_can_cs,
     pol_delivers, elig_t, elig_m) = network
    n = admit.shape[0]
    nf = free_beds.shape[0]
    return State(
        admit, event_at, risk, booked, planned, needs_cs, needs_cc, labour_h,
        los_vaginal, los_caesarean, theatre_h, prep_h,
        np.full(n, -1, dtype=np.int32), np.zeros(n), np.zeros(n),
        np.full(n, -1, dtype=np.int32), np.full(n, -1, dtype=np.int32),
        np.full(n, NOT_DELIVERED, dtype=np.int8), np.full(n, np.nan),
        np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_), np.full(n, np.nan),
        np.full(n, np.nan), np.full(n, OUT_OF_REGION, dtype=np.int32),
        np.full(n, -1, dtype=np.int8),
        free_beds.copy(), free_mw.copy(), free_th.copy(), accepting.copy(), delivers,
        can_cs.copy(), has_cc, travel, order, elig.copy(), np.full(nf, np.inf),
        np.full(nf * 16, UNPLANNED, dtype=np.int64), np.full(nf * 16, -1, dtype=np.int64),
        pol_t, pol_f, pol_beds, pol_mw_changed, pol_mw, pol_th_changed, pol_th, pol_can_cs,
        pol_delivers, elig_t, elig_m,
        new_heaps(ONE, np.int64(64)), new_times(nf, np.int64(4)), new_times(nf, np.int64(8)),
        new_heaps(nf, np.int64(8)), new_times(nf, np.int64(16)), new_queues(nf, np.int64(4)),
        new_queues(nf, np.int64(4)), new_queues(nf, np.int64(4)),
        np.empty(stay_room, dtype=np.int32), np.empty(stay_room), np.empty(stay_room),
        np.int64(0),
        np.empty(16), np.empty(16, dtype=np.int64), np.empty(16, dtype=np.int64),
        np.empty(16, dtype=np.int64), np.int64(0),
        np.int64(0), np.int64(0), np.int64(first_counted), np.float64(t_end),
    )


@njit(cache=True)
def simulate(women, network, initial_facility, initial_release, first_counted, t_end):
    """Simulate one replication (arguments as for :func:`new_state`, plus the women already
    in a bed at the start: their facilities and release hours). Returns the number of women
    who arrived, the events carried out on the region's and on the facilities' calendars, the
    per-woman arrays (bed at the end, labour start, labour facility, delivery facility, mode,
    delivery hour, turned away, out of region, midwife wait hours, DDI minutes, planned
    facility, planned reason), the bed stays (facility, start and end hours; those open at the
    end close then) and the moves (hour, from, to, reason)."""
    n = women[0].shape[0]
    s = new_state(women, network, first_counted, t_end,
                  n + initial_facility.shape[0] + n // 32 + 16)
    arrived, events = run_loop(s, initial_facility, initial_release)
    for w in range(n):
        if s.bed_at[w] >= 0:  # close the stays still open at the end of the horizon
            add_stay(s, np.int64(s.bed_at[w]), s.bed_since[w], s.t_end)
        if s.mode[w] != EMERGENCY_CS:  # a decision hour, her caesarean still to come
            s.ddi_min[w] = np.nan
    k, m = s.n_stays, s.n_flows
    return (arrived, events, s.own_events, s.bed_at, s.labour_start, s.labour_fac,
            s.delivered_at_fac, s.mode, s.delivered_h, s.turned_away, s.out_of_region,
            s.wait_h, s.ddi_min, s.plan_to, s.plan_why, s.stay_fac[:k], s.stay_start[:k],
            s.stay_end[:k], s.flow_t[:m], s.flow_src[:m], s.flow_dst[:m], s.flow_why[:m])
