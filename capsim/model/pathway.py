"""The event loop of one replication: the steps of the pathway, compiled with numba.

One function per step of the pathway (see `capsim.model.engine` for the pathway and its
calendars); each takes the replication's `State` ``s`` first and says what it reads and
changes. Times are in hours; facilities and women are int64 indices.

Everything is addressed by name: the inputs are `WomenArrays` and
`NetworkArrays`, the state a record of `STATE_FIELDS` built by keyword, the result
an `Outcome`. The data structures (heaps, heaps of times, first-come queues) live in
`capsim.model.heaps`: a facility's calendars are rows of two-dimensional heaps and its
queues rows of ring buffers, so what a woman touches is a few cache lines of her facility and
her cost grows little with the number of facilities. The region's calendar is a one-row
`Heaps` ordered by (time, sequence number), each entry carrying an
event kind and a woman (or facility, or step) packed by `encode_event`.

Compiled once per machine and cached on disk (numba ``cache=True``, beside this file or in the
user's cache directory); the first run after an install spends some seconds compiling. numba
compiles each function on its own and then again inside every function that calls it, so the
first compile grows with the depth of the calls. The loop is written in `simulate`,
and a step with one caller (the region's events, called from the loop; `planned_target` from
`arrive`; `emergency_transfer` from `labour_end`; `catch_up_two_pools` from `catch_up`;
`takes` from the walk) is compiled into its caller (``inline="always"``), while a step with
several callers stays a function of its own, so that its code is not copied into each. The
steps are compiled at a lower optimisation level than the loop, which holds them all
(`capsim.model.compiling`). With
``NUMBA_DISABLE_JIT=1`` the same code runs as plain Python (slowly, with the same results), to
step through it in a debugger or measure its coverage.

Capacity owed after a cut: a policy step may take a facility's free beds, labour places or
theatres below zero while more are in use than the new capacity allows. Nobody is evicted; the
units in use are owed. A freed unit then repays the debt (the free count goes up by one)
instead of serving the next woman waiting, and only once the count is back at zero does a
freed unit go to a woman in the queue (`free_midwife`, `free_theatre`). A new
woman is served at once only while the count is above zero (beds: `arrive`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba.experimental import structref

from capsim.model.compiling import jit_callee, jit_loop
from capsim.model.heaps import (
    RecordType,
    grown,
    heap_due,
    heap_pop,
    heap_push,
    new_heaps,
    new_queues,
    new_times,
    queue_pop,
    queue_push,
    record_class,
    times_pop,
    times_push,
)

# Event kinds on the region's calendar.
(LABOUR, LABOUR_END, WAKE, TRANSFER_ARRIVAL, POLICY, INITIAL_RELEASE, REFERRAL_CHANGE,
 SHIFT) = range(8)
# Modes of delivery.
NOT_DELIVERED, VAGINAL, PLANNED_CS, EMERGENCY_CS = -1, 0, 1, 2
# Reasons for a move (the order of capsim.model.network.REASONS).
PLANNED_REFERRAL, RISK_REFERRAL, NO_BED, EMERGENCY_TRANSFER = range(4)
OUT_OF_REGION = -1
UNPLANNED = -2  # a planned-destination entry not yet worked out under the rules in force
NO_REFERRAL = -1  # the reason recorded when she plans to deliver where she booked
# The bed a woman holds: a ward bed (or the one pool of a facility without delivery beds), a
# delivery bed, or a delivery bed while she waits for a ward bed after her recovery (access
# block). Stays are recorded as WARD or DELIVERY.
WARD, DELIVERY, BLOCKED = 0, 1, 2
# Events of a facility's bed calendar (two pools): the end of her recovery, her discharge.
RECOVERED, DISCHARGE = 0, 1
#: A shift-change event packs its facility and the shift's index as facility x SHIFT_ROOM + k.
SHIFT_ROOM = 32

#: A region event packs its kind above bit ``EVENT_SHIFT`` and the index it concerns (a woman,
#: a facility, a policy step or a referral-rule change) below it, so the index must be less
#: than ``MAX_INDEX`` (2**40, about 10**12 women in a replication); `simulate` checks.
EVENT_SHIFT = 40
MAX_INDEX = 1 << EVENT_SHIFT
INDEX_MASK = MAX_INDEX - 1

# Typed constants for arguments: numba compiles a function once per distinct literal argument,
# so constants are passed as these (or wrapped in np.int64) to keep one compiled version.
ZERO, ONE = np.int64(0), np.int64(1)
YES, NO = np.bool_(True), np.bool_(False)


class WomenArrays(NamedTuple):
    """The cohort as the loop takes it, one entry per woman in order of ``admit`` (hours since
    the simulation start unless stated)."""

    admit: np.ndarray          # float64: first need of a bed
    event_at: np.ndarray       # float64: labour onset, or start of a planned caesarean
    risk: np.ndarray           # int8: risk colour index
    booked: np.ndarray         # int32: facility where she booked
    planned: np.ndarray        # bool: planned caesarean
    needs_cs: np.ndarray       # bool: emergency caesarean if she labours
    needs_cc: np.ndarray       # bool: complication needing critical maternal care
    labour_h: np.ndarray       # float64: hours of midwife care in active labour
    los_vaginal: np.ndarray    # float64: postnatal hours after a vaginal birth
    los_caesarean: np.ndarray  # float64: postnatal hours after a caesarean
    theatre_h: np.ndarray      # float64: hours a caesarean occupies the theatre
    prep_h: np.ndarray         # float64: hours from theatre free to birth (emergency)
    referral_u: np.ndarray     # float64: uniform number of a weighted referral split (or empty)


class NetworkArrays(NamedTuple):
    """The network as the loop takes it (see `capsim.model.network.Network.kernel_inputs`):
    facility counters at the start (copied, not changed), rules, travel, referral orders,
    policy steps and referral-rule changes."""

    free_beds: np.ndarray       # int64 [facility]: beds (ward beds with two pools)
    free_del: np.ndarray        # int64 [facility]: delivery beds (two pools; else unused)
    two_pools: np.ndarray       # bool [facility]: delivery beds apart from ward beds
    free_mw: np.ndarray         # int64 [facility]: labour places (midwives on duty × women each)
    free_th: np.ndarray         # int64 [facility]: caesareans that can run at once
    accepting: np.ndarray       # bool [facility]: delivers now
    can_cs: np.ndarray          # bool [facility]: caesarean capability with a theatre team
    has_cc: np.ndarray          # bool [facility]: critical maternal care
    travel: np.ndarray          # float64 [from, to]: hours
    order: np.ndarray           # int32 [facility, k]: the others in order of preference
    elig: np.ndarray            # bool [risk, facility]: level and capabilities allow her
    pol_t: np.ndarray           # float64 [step]: hours
    pol_f: np.ndarray           # int64 [step]: facility
    pol_beds: np.ndarray        # int64 [step]: change in beds
    pol_del: np.ndarray         # int64 [step]: change in delivery beds
    pol_mw_changed: np.ndarray  # bool [step]: the midwives change
    pol_mw: np.ndarray          # int64 [step]: change in labour places
    pol_th_changed: np.ndarray  # bool [step]: obstetricians or theatres change
    pol_th: np.ndarray          # int64 [step]: change in caesareans at once
    pol_can_cs: np.ndarray      # bool [step]: caesarean capability afterwards
    pol_delivers: np.ndarray    # int64 [step]: 1 starts, 0 stops deliveries, -1 no change
    elig_t: np.ndarray          # float64 [change]: hours of each referral-rule change
    elig_m: np.ndarray          # bool [change, risk, facility]: eligibility from then on
    n_shift: np.ndarray         # int64 [facility]: shift changes a day (0: no own roster)
    shift_h: np.ndarray         # float64 [facility, k]: hour of day of each change, ascending
    shift_mw: np.ndarray        # int64 [facility, k]: labour places from that hour on
    shift_th: np.ndarray        # int64 [facility, k]: caesareans at once from that hour on
    ratio: np.ndarray           # bool [1]: midwife rule "ratio" (care at once) instead of queue
    recovery_h: np.ndarray      # float64 [1]: hours in the delivery bed after the birth
    has_split: np.ndarray       # bool [facility]: its referrals are split by weight
    split_cum: np.ndarray       # float64 [from, to]: cumulative shares of the split


class Outcome(NamedTuple):
    """What `simulate` returns: counts, per-woman arrays (cohort order) and the records
    of bed stays and moves (hours)."""

    arrived: int              # women who arrived before the end of the horizon
    region_events: int        # events carried out on the region's calendar
    own_events: int           # events carried out on the facilities' own calendars
    bed_at: np.ndarray        # int32: facility of her bed at the end (-1: none)
    labour_start: np.ndarray  # float64: when she asked for a midwife (0: never)
    labour_fac: np.ndarray    # int32: facility of her labour care (-1: none)
    delivered_at: np.ndarray  # int32: facility of the birth (-1: not delivered)
    mode: np.ndarray          # int8: VAGINAL, PLANNED_CS, EMERGENCY_CS or NOT_DELIVERED
    delivered_h: np.ndarray   # float64: hour of the birth (NaN: not delivered)
    turned_away: np.ndarray   # bool: no free bed at her planned facility
    out_of_region: np.ndarray  # bool: left the region
    wait_h: np.ndarray        # float64: hours waited for a midwife (NaN: no labour care)
    ddi_min: np.ndarray       # float64: decision-to-delivery minutes (NaN: no emergency caesarean)
    plan_to: np.ndarray       # int32: planned facility (-1: out of the region, or never arrived)
    plan_why: np.ndarray      # int8: PLANNED_REFERRAL, RISK_REFERRAL or -1 (where she booked)
    stay_fac: np.ndarray      # int32 [stay]: facility
    stay_start: np.ndarray    # float64 [stay]: start hour
    stay_end: np.ndarray      # float64 [stay]: end hour (the horizon end for open stays)
    flow_t: np.ndarray        # float64 [move]: hour
    flow_src: np.ndarray      # int64 [move]: from
    flow_dst: np.ndarray      # int64 [move]: to (-1: out of the region)
    flow_why: np.ndarray      # int64 [move]: NO_BED or EMERGENCY_TRANSFER
    stay_pool: np.ndarray     # int8 [stay]: WARD (or the one pool) or DELIVERY
    block_fac: np.ndarray     # int32 [block]: facility of a wait in a delivery bed for a ward bed
    block_start: np.ndarray   # float64 [block]: start hour
    block_end: np.ndarray     # float64 [block]: end hour (the horizon end when still waiting)
    over_fac: np.ndarray      # int32 [span]: facility with more women in labour than places
    over_start: np.ndarray    # float64 [span]: start hour
    over_end: np.ndarray      # float64 [span]: end hour (the horizon end when still over)


#: Every field of `State`: the one list behind the compiled record and its uncompiled
#: twin, and the names `new_state` must give, each once.
STATE_FIELDS = (
    # women: inputs, one entry per woman (WomenArrays)
    *WomenArrays._fields,
    # women: state and outputs
    "bed_at",          # int32: facility of the bed she holds (-1: none)
    "bed_since",       # float64: when she took it
    "bed_pool",        # int8: WARD, DELIVERY or BLOCKED
    "blocked_since",   # float64: when she began to wait in a delivery bed for a ward bed
    "labour_start", "labour_fac", "delivered_at", "mode", "delivered_h", "turned_away",
    "out_of_region", "wait_h",
    "decision_h",      # float64: hour an emergency caesarean was decided
    "ddi_min",         # float64: minutes from decision to birth, set at the birth only
    "plan_to", "plan_why",
    # facilities: counters and rules (NetworkArrays; counters and rules that change copied)
    *NetworkArrays._fields,
    "wake_at",         # float64 [facility]: when the region's calendar next wakes it
    "over_since",      # float64 [facility]: since when more women labour than places (NaN: not)
    # the planned destination and its reason, [booked facility, risk, planned caesarean]
    "plan_cache_to", "plan_cache_why",
    # calendars and queues
    "region", "theatres_free_at", "midwives_free_at", "labour_at", "beds_free_at",
    "mw_queue", "em_queue", "pl_queue",
    "bed_events",      # [facility]: recoveries and discharges at facilities with two pools
    "block_queue",     # [facility]: women in a delivery bed waiting for a ward bed
    # records: bed stays and moves, growable, with their counts
    "stay_fac", "stay_start", "stay_end", "stay_pool", "n_stays",
    "block_fac", "block_start", "block_end", "n_blocks",
    "over_fac", "over_start", "over_end", "n_overs",
    "flow_t", "flow_src", "flow_dst", "flow_why", "n_flows",
    # counts and constants
    "seq", "own_events", "first_counted", "t_end",
)


@structref.register
class StateType(RecordType):
    """The numba type of `State`."""


State = record_class(
    "State", StateType, STATE_FIELDS,
    """Everything one replication reads and changes, by the names of `STATE_FIELDS`
    (built by `new_state`).""")


# --- the region's calendar -----------------------------------------------------------------

@jit_callee(python_calls=True)
def encode_event(kind, index):
    """The region calendar's data for an event of ``kind`` about ``index`` (a woman, a
    facility, a policy step or a referral-rule change; below `MAX_INDEX`)."""
    return (kind << EVENT_SHIFT) | index


@jit_callee(python_calls=True)
def decode_event(data):
    """The (kind, index) that `encode_event` packed into ``data``."""
    return data >> EVENT_SHIFT, data & INDEX_MASK


@jit_callee()
def push(s, t, kind, index):
    """Put an event of ``kind`` about ``index`` on the region's calendar at ``t``; events at
    the same time come out in the order they were put on (``s.seq``)."""
    s.seq += 1
    heap_push(s.region, ZERO, t, s.seq, encode_event(kind, index))


# --- a facility's own calendar -------------------------------------------------------------

@jit_callee()
def catch_up(s, f, t):
    """Carry out facility ``f``'s own calendar up to ``t``, each part in time order.

    Theatres, and midwives with labours, do not touch each other; both may add the
    discharge of a woman who gave birth, so beds come last. Changes ``f``'s calendars,
    queues and free counts, the women served, and ``s.own_events``."""
    while heap_due(s.theatres_free_at, f, t):
        free_theatre(s, f, times_pop(s.theatres_free_at, f))
        s.own_events += 1
    if s.two_pools[f]:
        catch_up_two_pools(s, f, t)
        return
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
        s.free_beds[f] += 1  # repays a cut first: arrivals need a count above zero
        s.own_events += 1


@jit_callee(inline="always")
def catch_up_two_pools(s, f, t):
    """The rest of `catch_up` at a facility with two bed pools: its midwives, labours and
    beds in one time order (a labour moves a woman from a ward bed, which may end another's
    access block), a tie going to a midwife, then a labour, then a bed."""
    mq, lq, be = s.midwives_free_at, s.labour_at, s.bed_events
    while heap_due(mq, f, t) or heap_due(lq, f, t) or heap_due(be, f, t):
        tm = mq.time[f, 0] if mq.size[f] > 0 else np.inf
        tl = lq.time[f, 0] if lq.size[f] > 0 else np.inf
        tb = be.time[f, 0] if be.size[f] > 0 else np.inf
        if tm <= tl and tm <= tb:
            free_midwife(s, f, times_pop(mq, f))
        elif tl <= tb:
            when, w, _ = heap_pop(lq, f)
            labour(s, w, when)
        else:
            when, _, data = heap_pop(be, f)
            if (data & 1) == RECOVERED:
                recovered(s, data >> 1, f, when)
            else:
                discharge(s, data >> 1, f, when)
        s.own_events += 1
    if s.mw_queue.count[f] > 0:
        keep_awake(s, f)


@jit_callee()
def keep_awake(s, f):
    """While women wait for a midwife at ``f``, have the region's calendar wake ``f`` when its
    next midwife is free (unless a wake-up is already due by then). Reads ``f``'s midwife
    calendar and queue; changes ``s.wake_at[f]`` and the region's calendar."""
    mq = s.midwives_free_at
    if s.mw_queue.count[f] > 0 and mq.size[f] > 0 and mq.time[f, 0] < s.wake_at[f]:
        s.wake_at[f] = mq.time[f, 0]
        push(s, mq.time[f, 0], np.int64(WAKE), f)


@jit_callee(inline="always")
def wake(s, f, t):
    """A wake-up of facility ``f`` at ``t``: forget it if it is the one due, and catch ``f``
    up to ``t`` (see `catch_up`)."""
    if s.wake_at[f] <= t:
        s.wake_at[f] = np.inf
    catch_up(s, f, t)


# --- records -------------------------------------------------------------------------------

@jit_callee()
def flow(s, w, t, src, dst, reason):
    """Record a move of woman ``w`` at ``t`` from ``src`` to ``dst`` (-1: out of the region)
    for ``reason``, if she is counted (``w >= s.first_counted``); its year is worked out after
    the run. Changes the move records."""
    if w >= s.first_counted:
        n = s.n_flows
        s.flow_t = grown(s.flow_t, n)
        s.flow_src = grown(s.flow_src, n)
        s.flow_dst = grown(s.flow_dst, n)
        s.flow_why = grown(s.flow_why, n)
        s.flow_t[n], s.flow_src[n], s.flow_dst[n], s.flow_why[n] = t, src, dst, reason
        s.n_flows = n + 1


@jit_callee()
def add_stay(s, f, start, end, pool):
    """Record a bed stay at ``f`` from ``start`` to ``end`` (hours) in ``pool`` (an int64,
    every caller the same type so that it is compiled once: WARD, or DELIVERY or BLOCKED,
    recorded as DELIVERY). Changes the stay records."""
    n = s.n_stays
    s.stay_fac = grown(s.stay_fac, n)
    s.stay_start = grown(s.stay_start, n)
    s.stay_end = grown(s.stay_end, n)
    s.stay_pool = grown(s.stay_pool, n)
    s.stay_fac[n], s.stay_start[n], s.stay_end[n] = f, start, end
    s.stay_pool[n] = WARD if pool == WARD else DELIVERY
    s.n_stays = n + 1


@jit_callee()
def add_block(s, f, start, end):
    """Record a wait at ``f`` in a delivery bed for a ward bed from ``start`` to ``end``
    (hours, access block). Changes the block records."""
    n = s.n_blocks
    s.block_fac = grown(s.block_fac, n)
    s.block_start = grown(s.block_start, n)
    s.block_end = grown(s.block_end, n)
    s.block_fac[n], s.block_start[n], s.block_end[n] = f, start, end
    s.n_blocks = n + 1


@jit_callee()
def track_ratio(s, f, t):
    """After a change at ``t`` of ``f``'s free labour places: open a span with more women in
    labour care than places when the count falls below zero, close and record it when the
    count is back at zero or above. Changes ``s.over_since`` and the span records."""
    if s.free_mw[f] < 0:
        if np.isnan(s.over_since[f]):
            s.over_since[f] = t
    elif not np.isnan(s.over_since[f]):
        add_over(s, f, t)


@jit_callee()
def add_over(s, f, t):
    """Record the span of ``f`` over its labour places open since ``s.over_since[f]`` as
    ending at ``t``, and close it."""
    n = s.n_overs
    s.over_fac = grown(s.over_fac, n)
    s.over_start = grown(s.over_start, n)
    s.over_end = grown(s.over_end, n)
    s.over_fac[n], s.over_start[n], s.over_end[n] = f, s.over_since[f], t
    s.n_overs = n + 1
    s.over_since[f] = np.nan


# --- the referral rule ---------------------------------------------------------------------

@jit_callee(inline="always")
def may_deliver(s, g, risk, by_risk, cs, cc):
    """Whether facility ``g`` may take a woman under the rules in force: it delivers now
    (``s.accepting``), and, as asked, her risk colour ``risk`` is eligible there
    (``by_risk``), it can do a caesarean (``cs``) and it has critical maternal care
    (``cc``)."""
    return (s.accepting[g] and (not by_risk or s.elig[risk, g]) and (not cs or s.can_cs[g])
            and (not cc or s.has_cc[g]))


@jit_callee(inline="always")
def split_choice(s, start, w):
    """The facility woman ``w`` tries first when ``start`` sends her on, under its weighted
    split (``s.split_cum``, her ``s.referral_u``); -1 when ``start`` has none. The same rule
    as `capsim.scenario.referral.split_choice`."""
    if not s.has_split[start]:
        return np.int64(-1)
    row = s.split_cum[start]
    u = s.referral_u[w]
    for g in range(row.shape[0]):
        if u < row[g]:
            return np.int64(g)
    return np.int64(row.shape[0] - 1)


@jit_callee(inline="always")
def takes(s, g, risk, by_risk, cs, cc, needs_bed, pool, t):
    """Whether ``g`` may take her (`may_deliver`) and, when ``needs_bed``, has a free
    bed of ``pool`` at ``t`` once caught up."""
    if not may_deliver(s, g, risk, by_risk, cs, cc):
        return False
    if not needs_bed:
        return True
    catch_up(s, g, t)
    return has_room(s, g, pool)


@jit_callee()
def first_in_order(s, start, w, risk, by_risk, cs, cc, needs_bed, pool, t):
    """The referral rule: the first facility in ``start``'s referral order (``s.order``, the
    others by preference) that may take her (`may_deliver` with ``risk``, ``by_risk``,
    ``cs``, ``cc``) and, when ``needs_bed``, has a free bed of ``pool`` at ``t`` once caught
    up (`has_room`); ``OUT_OF_REGION`` when none does.

    Woman ``w`` tries first the facility a weighted split of ``start`` draws for her
    (`split_choice`), if any, then the order without it. The one walk of the pathway,
    used three ways:

    - the planned destination (`planned_target`): eligible by risk, a caesarean
      capability if she plans one, no bed sought;
    - diversion when her planned facility has no free bed (`arrive`): the same test,
      and a free bed;
    - emergency transfer (`emergency_transfer`): not by risk, but the capability she
      needs (caesarean, critical care), and a free bed.

    With ``needs_bed``, each facility that may take her is caught up to ``t`` before its beds
    are counted, in the order walked; nothing else changes."""
    first = split_choice(s, start, w)
    # One call of `takes` in the walk (position -1: the split's draw), so that it is
    # compiled into the walk once.
    for j in range(-1, s.order.shape[1]):
        g = first if j < 0 else np.int64(s.order[start, j])
        if (g >= 0 if j < 0 else g != first) and takes(s, g, risk, by_risk, cs, cc, needs_bed,
                                                        pool, t):
            return g
    return np.int64(OUT_OF_REGION)


@jit_callee(inline="always")
def has_room(s, g, pool):
    """Whether ``g`` has a free bed of ``pool``: a delivery bed for ``DELIVERY`` at a facility
    with two pools, else a ward bed (or a bed of its one pool)."""
    if pool == DELIVERY and s.two_pools[g]:
        return s.free_del[g] > 0
    return s.free_beds[g] > 0


@jit_callee(inline="always")
def first_pool(s, w):
    """The bed woman ``w`` first needs: a delivery bed when she comes in labour, a ward bed
    when she is admitted before labour or for a planned caesarean (at a facility with one
    pool, either is a bed of that pool)."""
    if not s.planned[w] and s.admit[w] >= s.event_at[w]:
        return np.int64(DELIVERY)
    return np.int64(WARD)


@jit_callee(inline="always")
def planned_target(s, w):
    """Where woman ``w`` plans to deliver before any bed is sought (-1: out of the region):
    where she booked if it may take her, else the first facility in its referral order that
    may (`first_in_order`). Worked out once per (booked facility, risk, planned
    caesarean) under the rules in force and kept in ``s.plan_cache_to`` and
    ``s.plan_cache_why`` (cleared when a rule changes); recorded for her in ``s.plan_to``
    and ``s.plan_why`` with the reason when it is not where she booked: a risk referral when
    her booked facility delivers now but her risk is not eligible there, else a planned
    referral (it does not deliver now, or cannot do her planned caesarean)."""
    b, r, p = np.int64(s.booked[w]), np.int64(s.risk[w]), bool(s.planned[w])
    k = np.int64(p)
    if s.has_split[b]:  # her own first choice: worked out for her, not kept
        if may_deliver(s, b, r, YES, p, NO):
            s.plan_to[w], s.plan_why[w] = b, NO_REFERRAL
            return b
        s.plan_why[w] = (RISK_REFERRAL if s.accepting[b] and not s.elig[r, b]
                         else PLANNED_REFERRAL)
        s.plan_to[w] = first_in_order(s, b, w, r, YES, p, NO, NO, ZERO, np.float64(0.0))
        return np.int64(s.plan_to[w])
    if s.plan_cache_to[b, r, k] == UNPLANNED:
        if may_deliver(s, b, r, YES, p, NO):
            s.plan_cache_to[b, r, k], s.plan_cache_why[b, r, k] = b, NO_REFERRAL
        else:
            if s.accepting[b] and not s.elig[r, b]:
                s.plan_cache_why[b, r, k] = RISK_REFERRAL
            else:
                s.plan_cache_why[b, r, k] = PLANNED_REFERRAL
            s.plan_cache_to[b, r, k] = first_in_order(s, b, w, r, YES, p, NO, NO, ZERO,
                                                        np.float64(0.0))
    s.plan_to[w] = s.plan_cache_to[b, r, k]
    s.plan_why[w] = s.plan_cache_why[b, r, k]
    return s.plan_cache_to[b, r, k]


# --- the steps of the pathway --------------------------------------------------------------

@jit_callee()
def take_bed(s, w, f, t, pool):
    """Woman ``w`` takes a bed of ``pool`` at ``f`` at ``t`` (a delivery bed only where ``f``
    has two pools, else a ward bed or a bed of its one pool): one fewer free, and hers since
    ``t``."""
    if pool == DELIVERY and s.two_pools[f]:
        s.free_del[f] -= 1
        s.bed_pool[w] = DELIVERY
    else:
        s.free_beds[f] -= 1
        s.bed_pool[w] = WARD
    s.bed_at[w] = f
    s.bed_since[w] = t


@jit_callee()
def leave_bed(s, w, t):
    """Woman ``w`` leaves her bed at ``t``: record the stay; return its facility. The bed
    itself is freed by the caller (at once, or on the facility's calendar)."""
    f = np.int64(s.bed_at[w])
    s.bed_at[w] = -1
    add_stay(s, f, s.bed_since[w], t, np.int64(s.bed_pool[w]))
    return f


@jit_callee()
def free_ward_bed(s, f, t):
    """A ward bed at ``f`` (two pools) is freed at ``t``. While the free count is below zero
    (owed after a cut) it repays it; otherwise it goes to the first woman still waiting in a
    delivery bed (`to_ward`), or, with none, raises the free count."""
    if s.free_beds[f] >= 0:
        q = s.block_queue
        while q.count[f] > 0:
            w = queue_pop(q, f)
            if s.bed_at[w] == f and s.bed_pool[w] == BLOCKED:  # not discharged meanwhile
                to_ward(s, w, f, t)
                return
    s.free_beds[f] += 1


@jit_callee()
def to_ward(s, w, f, t):
    """Woman ``w`` moves at ``t`` from her delivery bed at ``f`` to a ward bed (already
    counted by the caller): the delivery stay, and any access block, are recorded and the
    delivery bed is free."""
    add_stay(s, f, s.bed_since[w], t, np.int64(DELIVERY))
    if s.bed_pool[w] == BLOCKED:
        add_block(s, f, s.blocked_since[w], t)
    s.bed_pool[w] = WARD
    s.bed_since[w] = t
    s.free_del[f] += 1


@jit_callee()
def to_delivery(s, w, f, t):
    """Woman ``w``, in a ward bed at ``f`` (two pools) before labour, moves to a delivery bed
    at ``t``. She is there already and is never sent away: with none free the delivery beds
    run over their count (repaid as they are freed). Her ward bed is freed
    (`free_ward_bed`)."""
    add_stay(s, f, s.bed_since[w], t, np.int64(WARD))
    s.bed_pool[w] = DELIVERY
    s.bed_since[w] = t
    s.free_del[f] -= 1
    free_ward_bed(s, f, t)


@jit_callee()
def recovered(s, w, f, t):
    """Woman ``w``'s recovery in her delivery bed at ``f`` ends at ``t``: she takes a free
    ward bed, or, with none, waits in the delivery bed for one (access block), first come
    first served."""
    if s.free_beds[f] > 0:
        s.free_beds[f] -= 1
        to_ward(s, w, f, t)
    else:
        s.bed_pool[w] = BLOCKED
        s.blocked_since[w] = t
        queue_push(s.block_queue, f, w)


@jit_callee()
def discharge(s, w, f, t):
    """Woman ``w`` leaves her bed at ``f`` (two pools) at ``t``, the end of her postnatal
    stay: from a ward bed (freed, `free_ward_bed`), or from the delivery bed she still
    holds (a short stay, or an access block that lasted to the end of her stay)."""
    pool = s.bed_pool[w]
    if pool == BLOCKED:
        add_block(s, f, s.blocked_since[w], t)
    leave_bed(s, w, t)
    if pool == WARD:
        free_ward_bed(s, f, t)
    else:
        s.free_del[f] += 1


@jit_callee()
def release_bed(s, w, t):
    """Woman ``w`` leaves her bed at once at ``t`` (an emergency transfer): the stay is
    recorded and the bed freed."""
    pool = s.bed_pool[w]
    f = leave_bed(s, w, t)
    if pool != WARD:
        s.free_del[f] += 1
    elif s.two_pools[f]:
        free_ward_bed(s, f, t)
    else:
        s.free_beds[f] += 1


@jit_callee()
def leave_region(s, w, t, src, reason):
    """Woman ``w`` leaves the region from ``src`` at ``t`` for ``reason``: mark her and record
    the move."""
    s.out_of_region[w] = True
    flow(s, w, t, src, np.int64(OUT_OF_REGION), reason)


@jit_callee(inline="always")
def arrive(s, w, t):
    """Woman ``w`` needs a bed at ``t`` (labour onset, planned caesarean or antenatal
    admission).

    Her planned facility (`planned_target`; a planned or risk referral is counted after
    the run) is caught up to ``t``; she takes a bed there if one is free. Otherwise she is
    turned away and diverted along its referral order to the first facility that may take her
    and has a free bed (`first_in_order`), where the bed is held while she travels;
    with none she leaves the region. Then her labour starts at once (she is there and it is
    due), or is put on her facility's calendar (a labour that needs no theatre or critical
    care), or on the region's calendar (one that may reach another facility). Changes her
    record, the beds, the calendars and the move records."""
    target = planned_target(s, w)
    if target == OUT_OF_REGION:
        s.out_of_region[w] = True
        return
    catch_up(s, target, t)
    f = target
    there = t
    pool = first_pool(s, w)
    if has_room(s, target, pool):
        take_bed(s, w, f, t, pool)
    else:
        s.turned_away[w] = True
        f = first_in_order(s, target, w, np.int64(s.risk[w]), YES, bool(s.planned[w]), NO,
                           YES, pool, t)
        if f == OUT_OF_REGION:
            leave_region(s, w, t, target, np.int64(NO_BED))
            return
        flow(s, w, t, target, f, np.int64(NO_BED))
        take_bed(s, w, f, t, pool)
        there = t + s.travel[target, f]
    start = s.event_at[w]
    if start <= t and there == t:
        labour(s, w, t)
        if s.mw_queue.count[f] > 0:
            keep_awake(s, f)
    elif s.planned[w] or s.needs_cs[w] or s.needs_cc[w]:
        push(s, start if start > there else there, np.int64(LABOUR), w)
    else:
        heap_push(s.labour_at, f, start if start > there else there, w, w)


@jit_callee()
def labour(s, w, t):
    """Woman ``w``'s labour (or planned caesarean) starts at ``t`` at the facility of her bed:
    a planned caesarean asks for a theatre; otherwise she takes a free labour place (a midwife)
    if the count is above zero, or joins the facility's midwife queue. Changes her record,
    the labour places and the queue."""
    if s.planned[w]:
        request_theatre(s, w, t, NO)
        return
    f = np.int64(s.bed_at[w])
    if s.two_pools[f] and s.bed_pool[w] == WARD:
        to_delivery(s, w, f, t)
    s.labour_start[w] = t
    s.labour_fac[w] = f
    if s.ratio[0] or s.free_mw[f] > 0:
        s.free_mw[f] -= 1
        track_ratio(s, f, t)
        start_midwife(s, w, f, t)
    else:
        queue_push(s.mw_queue, f, w)


@jit_callee(inline="always")
def labour_event(s, w, t):
    """A labour from the region's calendar: catch her facility up to ``t``, start her labour
    (`labour`) and keep the facility awake for its midwife queue."""
    f = np.int64(s.bed_at[w])
    catch_up(s, f, t)
    labour(s, w, t)
    keep_awake(s, f)


@jit_callee()
def start_midwife(s, w, f, t):
    """A midwife at ``f`` starts caring for woman ``w`` at ``t`` (the labour place already
    taken): record her wait. A labour ending in a caesarean or a complication goes on the
    region's calendar; a vaginal birth frees the midwife on ``f``'s calendar and is recorded
    at once (if before the end of the horizon)."""
    s.wait_h[w] = t - s.labour_start[w]
    end = t + s.labour_h[w]
    if s.needs_cs[w] or s.needs_cc[w]:
        push(s, end, np.int64(LABOUR_END), w)
    else:  # a vaginal birth: her midwife is free at the end of labour
        times_push(s.midwives_free_at, f, end)
        if end < s.t_end:
            give_birth(s, w, f, end, np.int64(VAGINAL))


@jit_callee()
def free_midwife(s, f, t):
    """A labour place at ``f`` is freed at ``t``. While the free count is below zero (owed
    after a cut) the freed place repays it; otherwise it goes to the first woman waiting, or,
    with nobody waiting, raises the free count."""
    if s.mw_queue.count[f] > 0 and s.free_mw[f] >= 0:
        start_midwife(s, queue_pop(s.mw_queue, f), f, t)
    else:
        s.free_mw[f] += 1
        track_ratio(s, f, t)


@jit_callee(inline="always")
def labour_end(s, w, t):
    """The end at ``t`` of a labour that needs a caesarean or critical care (from the region's
    calendar): her midwife is freed (`free_midwife`); she is transferred if her facility
    lacks what she needs (`emergency_transfer`); else an emergency caesarean is decided
    (``s.decision_h``) and asks for a theatre, or she gives birth."""
    f = np.int64(s.bed_at[w])
    catch_up(s, f, t)
    free_midwife(s, f, t)
    keep_awake(s, f)
    cs, cc = s.needs_cs[w], s.needs_cc[w]
    if (cs and not s.can_cs[f]) or (cc and not s.has_cc[f]):
        emergency_transfer(s, w, f, t)
    elif cs:
        s.decision_h[w] = t
        request_theatre(s, w, t, YES)
    else:
        give_birth(s, w, f, t, np.int64(VAGINAL))


@jit_callee()
def give_birth(s, w, f, t, how):
    """Woman ``w`` gives birth at ``f`` at ``t`` by mode ``how``: record it, and put her
    discharge (after the postnatal stay of that mode) on ``f``'s bed calendar; a discharge
    before the end of the horizon closes her stay at once."""
    s.delivered_at[w] = f
    s.delivered_h[w] = t
    s.mode[w] = how
    leaves = t + (s.los_vaginal[w] if how == VAGINAL else s.los_caesarean[w])
    if s.two_pools[f]:
        # Recovery in the delivery bed, then a ward bed for the rest of her stay (both on
        # the facility's bed calendar, data = woman x 2 + event).
        if s.bed_pool[w] == DELIVERY and t + s.recovery_h[0] < leaves:
            heap_push(s.bed_events, f, t + s.recovery_h[0], 2 * w, 2 * w + RECOVERED)
        heap_push(s.bed_events, f, leaves, 2 * w + 1, 2 * w + DISCHARGE)
        return
    times_push(s.beds_free_at, f, leaves)
    if leaves < s.t_end:
        leave_bed(s, w, leaves)


@jit_callee(inline="always")
def emergency_transfer(s, w, f, t):
    """Woman ``w`` at ``f`` needs what ``f`` lacks at ``t``: her bed is freed at once, and she
    goes to the first facility in ``f``'s referral order with the capability and a free bed
    (`first_in_order`), the bed held while she travels and her arrival on the region's
    calendar (a caesarean is decided now, ``s.decision_h``), or, with none, out of the
    region. Records the move."""
    release_bed(s, w, t)
    cs, cc = s.needs_cs[w], s.needs_cc[w]
    g = first_in_order(s, f, w, np.int64(s.risk[w]), NO, cs, cc, YES, np.int64(DELIVERY), t)
    if g == OUT_OF_REGION:
        leave_region(s, w, t, f, np.int64(EMERGENCY_TRANSFER))
        return
    flow(s, w, t, f, g, np.int64(EMERGENCY_TRANSFER))
    take_bed(s, w, g, t, np.int64(DELIVERY))
    if cs:
        s.decision_h[w] = t
    push(s, t + s.travel[f, g], np.int64(TRANSFER_ARRIVAL), w)


@jit_callee(inline="always")
def transfer_arrival(s, w, t):
    """Woman ``w`` reaches the facility she was transferred to at ``t``: a caesarean asks for
    a theatre there (its facility caught up first); otherwise she gives birth."""
    f = np.int64(s.bed_at[w])
    if s.needs_cs[w]:
        catch_up(s, f, t)
        request_theatre(s, w, t, YES)
    else:
        give_birth(s, w, f, t, np.int64(VAGINAL))


@jit_callee()
def request_theatre(s, w, t, emergency):
    """Woman ``w`` needs a theatre at ``t`` at the facility of her bed: she takes one if the
    free count is above zero, else she joins the emergency or the planned queue."""
    f = np.int64(s.bed_at[w])
    if s.free_th[f] > 0:
        s.free_th[f] -= 1
        start_theatre(s, w, f, t, emergency)
    elif emergency:
        queue_push(s.em_queue, f, w)
    else:
        queue_push(s.pl_queue, f, w)


@jit_callee()
def start_theatre(s, w, f, t, emergency):
    """Woman ``w``'s caesarean starts in a theatre of ``f`` at ``t`` (the theatre already
    taken): an emergency is born after the preparation time and its decision-to-delivery
    minutes are recorded (``s.ddi_min``, from ``s.decision_h``); a planned one is born at
    ``t``. The theatre is free again on ``f``'s calendar after the theatre time."""
    if emergency:
        born = t + s.prep_h[w]
        s.ddi_min[w] = (born - s.decision_h[w]) * 60.0
        give_birth(s, w, f, born, np.int64(EMERGENCY_CS))
    else:
        give_birth(s, w, f, t, np.int64(PLANNED_CS))
    times_push(s.theatres_free_at, f, t + s.theatre_h[w])


@jit_callee()
def next_in_theatre(s, f, t):
    """Start the next caesarean waiting at ``f`` at ``t`` (a theatre already taken):
    emergencies first, then planned ones, each first come first served."""
    if s.em_queue.count[f] > 0:
        start_theatre(s, queue_pop(s.em_queue, f), f, t, YES)
    else:
        start_theatre(s, queue_pop(s.pl_queue, f), f, t, NO)


@jit_callee()
def theatre_waiting(s, f):
    """Whether a caesarean (emergency or planned) waits for a theatre at ``f``."""
    return s.em_queue.count[f] > 0 or s.pl_queue.count[f] > 0


@jit_callee()
def free_theatre(s, f, t):
    """A theatre at ``f`` is freed at ``t``. While the free count is below zero (owed after a
    cut) the freed theatre repays it; otherwise it goes to the next caesarean waiting
    (`next_in_theatre`), or, with none waiting, raises the free count."""
    if s.free_th[f] >= 0 and theatre_waiting(s, f):
        next_in_theatre(s, f, t)
    else:
        s.free_th[f] += 1


@jit_callee(inline="always")
def apply_policy(s, k, t):
    """Carry out policy step ``k`` at ``t`` at its facility (its capacity changes worked out
    beforehand, `capsim.model.network.Network.kernel_inputs`).

    The facility is caught up to ``t``; its free beds, labour places and theatres change by
    the step's amounts. A cut may leave a free count below zero: the units in use are then
    owed and repaid by the next ones freed (see the module's note). An increase serves the
    women waiting at once. A change of theatres or of deliveries changes the facility's
    capability or acceptance and clears the planned destinations (worked out again as
    needed)."""
    f = np.int64(s.pol_f[k])
    catch_up(s, f, t)
    s.free_beds[f] += s.pol_beds[k]
    if s.two_pools[f]:
        s.free_del[f] += s.pol_del[k]
        q = s.block_queue
        while s.free_beds[f] > 0 and q.count[f] > 0:  # added ward beds end access blocks
            w = queue_pop(q, f)
            if s.bed_at[w] == f and s.bed_pool[w] == BLOCKED:
                s.free_beds[f] -= 1
                to_ward(s, w, f, t)
    if s.pol_mw_changed[k]:
        change_labour_places(s, f, s.pol_mw[k], t)
    if s.pol_th_changed[k]:
        s.free_th[f] += s.pol_th[k]
        s.can_cs[f] = s.pol_can_cs[k]
        while s.free_th[f] > 0 and theatre_waiting(s, f):
            s.free_th[f] -= 1
            next_in_theatre(s, f, t)
        s.plan_cache_to[:, :, :] = UNPLANNED
    if s.pol_delivers[k] >= 0:
        s.accepting[f] = s.pol_delivers[k] == 1
        s.plan_cache_to[:, :, :] = UNPLANNED


@jit_callee()
def change_labour_places(s, f, delta, t):
    """``f``'s labour places change by ``delta`` at ``t`` (``f`` caught up): an increase serves
    the women waiting at once; a cut below what is in use is owed (and, over the places, is
    recorded by `track_ratio`)."""
    s.free_mw[f] += delta
    while s.free_mw[f] > 0 and s.mw_queue.count[f] > 0:
        s.free_mw[f] -= 1
        start_midwife(s, queue_pop(s.mw_queue, f), f, t)
    track_ratio(s, f, t)
    keep_awake(s, f)


@jit_callee(inline="always")
def shift_change(s, f, k, t):
    """Shift ``k`` of facility ``f``'s own roster starts at ``t``: its labour places and
    caesareans at once change to the shift's (``f`` caught up first; a cut below what is in
    use is owed, as after a policy cut), and the next shift change goes on the region's
    calendar."""
    catch_up(s, f, t)
    n = s.n_shift[f]
    prev = (k + n - 1) % n
    change_labour_places(s, f, s.shift_mw[f, k] - s.shift_mw[f, prev], t)
    d_th = s.shift_th[f, k] - s.shift_th[f, prev]
    if d_th != 0:
        s.free_th[f] += d_th
        while s.free_th[f] > 0 and theatre_waiting(s, f):
            s.free_th[f] -= 1
            next_in_theatre(s, f, t)
    nxt = (k + 1) % n
    midnight = t - s.shift_h[f, k]
    later = s.shift_h[f, nxt] + (24.0 if nxt == 0 else 0.0)
    push(s, midnight + later, np.int64(SHIFT), f * SHIFT_ROOM + nxt)


@jit_callee(inline="always")
def referral_change(s, k):
    """Referral-rule change ``k``: eligibility [risk, facility] from now on is
    ``s.elig_m[k]``; the planned destinations are cleared (worked out again as needed)."""
    # Element by element: a slice assigned from an array would compile numba's message for
    # mismatched shapes (string formatting, seconds of the first compile) for nothing.
    rules = s.elig_m[k]
    for r in range(rules.shape[0]):
        for g in range(rules.shape[1]):
            s.elig[r, g] = rules[r, g]
    s.plan_cache_to[:, :, :] = UNPLANNED


# --- the replication -----------------------------------------------------------------------

@jit_callee()
def new_state(women, network, first_counted, t_end, stay_room):
    """A fresh `State`, built by field name: the cohort's arrays (``women``, a
    `WomenArrays`), the network's (``network``, a `NetworkArrays`; the counters
    and the rules a step may change copied), empty per-woman records, calendars and queues,
    and room for ``stay_room`` bed stays."""
    n = women.admit.shape[0]
    nf = network.free_beds.shape[0]
    n_risk = network.elig.shape[0]
    return State(
        admit=women.admit, event_at=women.event_at, risk=women.risk, booked=women.booked,
        planned=women.planned, needs_cs=women.needs_cs, needs_cc=women.needs_cc,
        labour_h=women.labour_h, los_vaginal=women.los_vaginal,
        los_caesarean=women.los_caesarean, theatre_h=women.theatre_h, prep_h=women.prep_h,
        referral_u=women.referral_u, has_split=network.has_split, split_cum=network.split_cum,
        bed_at=np.full(n, -1, dtype=np.int32),
        bed_since=np.zeros(n),
        bed_pool=np.zeros(n, dtype=np.int8),
        blocked_since=np.full(n, np.nan),
        labour_start=np.zeros(n),
        labour_fac=np.full(n, -1, dtype=np.int32),
        delivered_at=np.full(n, -1, dtype=np.int32),
        mode=np.full(n, NOT_DELIVERED, dtype=np.int8),
        delivered_h=np.full(n, np.nan),
        turned_away=np.zeros(n, dtype=np.bool_),
        out_of_region=np.zeros(n, dtype=np.bool_),
        wait_h=np.full(n, np.nan),
        decision_h=np.full(n, np.nan),
        ddi_min=np.full(n, np.nan),
        plan_to=np.full(n, OUT_OF_REGION, dtype=np.int32),
        plan_why=np.full(n, NO_REFERRAL, dtype=np.int8),
        free_beds=network.free_beds.copy(), free_del=network.free_del.copy(),
        two_pools=network.two_pools, pol_del=network.pol_del,
        n_shift=network.n_shift, shift_h=network.shift_h, shift_mw=network.shift_mw,
        shift_th=network.shift_th, ratio=network.ratio, recovery_h=network.recovery_h,
        free_mw=network.free_mw.copy(),
        free_th=network.free_th.copy(), accepting=network.accepting.copy(),
        can_cs=network.can_cs.copy(), has_cc=network.has_cc,
        travel=network.travel, order=network.order, elig=network.elig.copy(),
        pol_t=network.pol_t, pol_f=network.pol_f, pol_beds=network.pol_beds,
        pol_mw_changed=network.pol_mw_changed, pol_mw=network.pol_mw,
        pol_th_changed=network.pol_th_changed, pol_th=network.pol_th,
        pol_can_cs=network.pol_can_cs, pol_delivers=network.pol_delivers,
        elig_t=network.elig_t, elig_m=network.elig_m,
        wake_at=np.full(nf, np.inf),
        over_since=np.full(nf, np.nan),
        plan_cache_to=np.full((nf, n_risk, 2), UNPLANNED, dtype=np.int64),
        plan_cache_why=np.full((nf, n_risk, 2), NO_REFERRAL, dtype=np.int64),
        region=new_heaps(ONE, np.int64(64)),
        theatres_free_at=new_times(nf, np.int64(4)),
        midwives_free_at=new_times(nf, np.int64(8)),
        labour_at=new_heaps(nf, np.int64(8)),
        beds_free_at=new_times(nf, np.int64(16)),
        mw_queue=new_queues(nf, np.int64(4)),
        em_queue=new_queues(nf, np.int64(4)),
        pl_queue=new_queues(nf, np.int64(4)),
        bed_events=new_heaps(nf, np.int64(16)),
        block_queue=new_queues(nf, np.int64(4)),
        stay_fac=np.empty(stay_room, dtype=np.int32), stay_start=np.empty(stay_room),
        stay_end=np.empty(stay_room), stay_pool=np.empty(stay_room, dtype=np.int8),
        n_stays=np.int64(0),
        block_fac=np.empty(16, dtype=np.int32), block_start=np.empty(16),
        block_end=np.empty(16), n_blocks=np.int64(0),
        over_fac=np.empty(16, dtype=np.int32), over_start=np.empty(16),
        over_end=np.empty(16), n_overs=np.int64(0),
        flow_t=np.empty(16), flow_src=np.empty(16, dtype=np.int64),
        flow_dst=np.empty(16, dtype=np.int64), flow_why=np.empty(16, dtype=np.int64),
        n_flows=np.int64(0),
        seq=np.int64(0), own_events=np.int64(0), first_counted=np.int64(first_counted),
        t_end=np.float64(t_end),
    )


@jit_loop
def simulate(women, network, initial_facility, initial_release, first_counted, t_end):
    """Simulate one replication of ``women`` (`WomenArrays`) on ``network``
    (`NetworkArrays`) to the end of the horizon ``t_end`` (hours): the women already in a bed
    at the start (their facilities ``initial_facility`` and release hours
    ``initial_release``), then the cohort's arrivals merged with the region's calendar,
    counting the moves of women from index ``first_counted`` on. Returns an `Outcome`; the
    bed stays still open at the end close at ``t_end``.

    The loop is written here rather than in a function of its own, so that it is compiled
    once, inside this one (see the module's note on compiling)."""
    n = women.admit.shape[0]
    if n >= MAX_INDEX:
        raise ValueError("too many women for the region's calendar (2**40 at most)")
    s = new_state(women, network, first_counted, t_end,
                  n + initial_facility.shape[0] + n // 32 + 16)
    for k in range(initial_facility.shape[0]):
        f = np.int64(initial_facility[k])
        s.free_beds[f] -= 1
        add_stay(s, f, np.float64(0.0), min(initial_release[k], s.t_end), ZERO)
        push(s, initial_release[k], np.int64(INITIAL_RELEASE), f)
    for f in range(s.n_shift.shape[0]):
        # The first shift change after midnight of the first day (the shift in force at
        # midnight is in the counts already).
        for k in range(s.n_shift[f]):
            if s.shift_h[f, k] > 0:
                push(s, s.shift_h[f, k], np.int64(SHIFT), f * SHIFT_ROOM + k)
                break
    for k in range(s.pol_t.shape[0]):
        push(s, s.pol_t[k], np.int64(POLICY), k)
    for k in range(s.elig_t.shape[0]):
        push(s, s.elig_t[k], np.int64(REFERRAL_CHANGE), k)

    region = s.region
    events = 0
    i = ZERO
    while True:
        if region.size[0] > 0 and (i >= n or region.time[0, 0] <= s.admit[i]):
            t, _, data = heap_pop(region, ZERO)
            if t >= s.t_end:
                break
            events += 1
            kind, index = decode_event(data)
            if kind == LABOUR:
                labour_event(s, index, t)
            elif kind == LABOUR_END:
                labour_end(s, index, t)
            elif kind == WAKE:
                wake(s, index, t)
            elif kind == TRANSFER_ARRIVAL:
                transfer_arrival(s, index, t)
            elif kind == POLICY:
                apply_policy(s, index, t)
            elif kind == INITIAL_RELEASE:
                if s.two_pools[index]:
                    catch_up(s, index, t)
                    free_ward_bed(s, index, t)
                else:
                    s.free_beds[index] += 1
            elif kind == SHIFT:
                shift_change(s, index // SHIFT_ROOM, index % SHIFT_ROOM, t)
            else:
                referral_change(s, index)
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
    for w in range(n):
        if s.bed_at[w] >= 0:  # close the stays still open at the end of the horizon
            f = np.int64(s.bed_at[w])
            if s.bed_pool[w] == BLOCKED:
                add_block(s, f, s.blocked_since[w], s.t_end)
            add_stay(s, f, s.bed_since[w], s.t_end, np.int64(s.bed_pool[w]))
    for f in range(s.free_mw.shape[0]):
        if not np.isnan(s.over_since[f]):  # spans over the places still open at the end
            add_over(s, f, s.t_end)
    k, m, b, o = s.n_stays, s.n_flows, s.n_blocks, s.n_overs
    return Outcome(
        arrived=i, region_events=events, own_events=s.own_events, bed_at=s.bed_at,
        labour_start=s.labour_start, labour_fac=s.labour_fac, delivered_at=s.delivered_at,
        mode=s.mode, delivered_h=s.delivered_h, turned_away=s.turned_away,
        out_of_region=s.out_of_region, wait_h=s.wait_h, ddi_min=s.ddi_min,
        plan_to=s.plan_to, plan_why=s.plan_why, stay_fac=s.stay_fac[:k],
        stay_start=s.stay_start[:k], stay_end=s.stay_end[:k], flow_t=s.flow_t[:m],
        flow_src=s.flow_src[:m], flow_dst=s.flow_dst[:m], flow_why=s.flow_why[:m],
        stay_pool=s.stay_pool[:k], block_fac=s.block_fac[:b], block_start=s.block_start[:b],
        block_end=s.block_end[:b], over_fac=s.over_fac[:o], over_start=s.over_start[:o],
        over_end=s.over_end[:o])
