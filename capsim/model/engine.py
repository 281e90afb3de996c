"""The simulation of one replication: every woman of a cohort through the pathway.

The pathway, in the planner's terms (one handler per step below):

1. ``arrive`` — she needs a bed (labour onset, planned caesarean, or an antenatal admission).
   Her delivery facility is where she booked, unless the risk rule, the facility's capabilities
   or its closure send her elsewhere (a planned referral). With no free bed she is diverted
   along the facility's referral order to an eligible facility with a free bed (the bed is held
   for her while she travels), or, when none has one, transferred out of the region.
2. ``labour`` — in active labour she needs a midwife (1:1 by default); when none is free she
   waits in a first-come queue and the wait is recorded. A planned caesarean goes to theatre.
3. ``labour_end`` — the midwife is released to the next woman waiting. She gives birth, or an
   emergency caesarean is decided, or a complication needs critical care. When her facility
   lacks the capability she is transferred, with its travel time, to the first facility in
   the referral order that has the capability and a free bed (or out of the region).
4. ``theatre`` — a caesarean needs a theatre and an on-duty obstetrician; emergencies go before
   planned ones. For an emergency, the decision-to-delivery interval is recorded.
5. ``give_birth`` — her postnatal stay is known from her mode of delivery; when it ends her bed
   is free again.

Only what interacts is simulated: beds, midwives and theatres are integer counters with FIFO
queues. Arrivals are not put on a calendar: the cohort is already sorted, so the loop merges it
with the calendars.

Two kinds of calendar keep the cost of a woman low and flat however large the region. What
changes nothing but its own facility goes on that facility's own calendar, as small heaps: the
times its beds become free (discharges), its theatres become free, and its midwives become free
after a vaginal birth, and the labour onsets of women who need no caesarean and have no
complication. A facility's calendar is carried out just before anything else reads or changes
that facility (``catch_up``). Everything that may reach another facility — the end of a labour
that needs a caesarean or critical care, a transfer, a policy change — goes on the region's
calendar, a heap of (time, sequence, kind, woman). While a woman waits for a midwife, the
region's calendar also wakes her facility when its next midwife becomes free, so that the
midwife reaches her at that very time. A woman with a vaginal birth thus costs two plain times
on her facility's calendar and nothing on the region's, and her record is written when her
midwife starts, once the end of her labour and her discharge are known. Where each woman plans
to deliver is worked out for all women at once with numpy (again from the next woman on when a
policy or referral change alters the rules), and the planned and risk referrals are counted
after the run. The result is the same as with one calendar for everything, woman by woman
(checked against the plain simpy model in ``benchmarks/obvious_simpy.py``).

Statistics are reduced after the run from compact per-woman arrays and bed-stay intervals (see
:mod:`capsim.results`).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np

from capsim.demand import Cohort
from capsim.model.network import OUT_OF_REGION, REASONS, Network

# Event kinds on the region's calendar.
(LABOUR, LABOUR_END, WAKE, TRANSFER_ARRIVAL, POLICY, INITIAL_RELEASE, REFERRAL_CHANGE) = range(7)

# Modes of delivery.
NOT_DELIVERED, VAGINAL, PLANNED_CS, EMERGENCY_CS = -1, 0, 1, 2

PLANNED_REFERRAL, RISK_REFERRAL, NO_BED, EMERGENCY_TRANSFER = range(len(REASONS))


@dataclass
class RunRecord:
    """What one replication leaves behind, as compact arrays (times in hours).

    Per woman (cohort order): ``admit_h`` first bed request, ``first`` planned delivery facility (-1: none in the region),
    ``facility`` where she delivered (-1: not delivered), ``mode``, ``delivered_h``,
    ``turned_away`` (no bed at her first facility), ``out_of_region``, ``midwife_wait_h``
    (NaN when she had no labour care), ``labour_facility`` and ``labour_start_h`` (-1 and 0
    without labour care), ``in_bed_at_end`` (holds a bed when the horizon ends), ``ddi_min`` (NaN unless emergency caesarean).
    Per bed stay: ``stay_facility``, ``stay_start_h``, ``stay_end_h`` (stays open at the end
    close at the horizon end). ``flows`` counts moves as {(year_index, from, to, reason): n}
    for counted women (to = -1: out of region).
    """

    admit_h: np.ndarray
    first: np.ndarray
    facility: np.ndarray
    mode: np.ndarray
    delivered_h: np.ndarray
    turned_away: np.ndarray
    out_of_region: np.ndarray
    midwife_wait_h: np.ndarray
    labour_facility: np.ndarray
    labour_start_h: np.ndarray
    ddi_min: np.ndarray
    in_bed_at_end: np.ndarray
    stay_facility: np.ndarray
    stay_start_h: np.ndarray
    stay_end_h: np.ndarray
    flows: dict[tuple[int, int, int, int], int]
    first_counted: int
    events: int


def run_engine(net: Network, cohort: Cohort) -> RunRecord:
    """Simulate one replication of ``cohort`` on ``net``; return its :class:`RunRecord`."""
    n = len(cohort)
    nf = net.n
    t_end = net.t_end_h
    first_counted = int(np.searchsorted(cohort.admit_h, net.t_stats_h, side="left"))

    # Woman attributes as memoryviews of the cohort's arrays: indexing one gives a plain Python
    # number, several times faster than indexing numpy, and nothing is copied.
    admit = _view(cohort.admit_h)
    event_at = _view(cohort.event_h)
    risk = _view(cohort.risk)
    booked = _view(cohort.booked)
    planned = _view(cohort.planned_cs)
    needs_cs = _view(cohort.emergency_cs)
    needs_cc = _view(cohort.complication)
    labour_h = _view(cohort.labour_h)
    los_vaginal = _view(cohort.los_vaginal_h)
    los_caesarean = _view(cohort.los_caesarean_h)
    theatre_h = _view(cohort.theatre_h)
    prep_h = _view(cohort.preparation_h)

    # Per-woman state and outputs.
    bed_at = array("i", [-1]) * n
    bed_since = array("d", [0.0]) * n
    labour_start = array("d", [0.0]) * n
    labour_fac = array("i", [-1]) * n
    delivered_at_fac = array("i", [-1]) * n
    mode = array("b", [NOT_DELIVERED]) * n
    delivered_h = array("d", [np.nan]) * n
    turned_away = array("b", [0]) * n
    out_of_region = array("b", [0]) * n
    wait_h = array("d", [np.nan]) * n
    ddi_min = array("d", [np.nan]) * n
    stay_fac, stay_start, stay_end = array("i"), array("d"), array("d")

    # Facility state.
    free_beds = list(net.beds)
    headcount_mw = list(net.midwives)
    headcount_ob = list(net.obstetricians)
    theatres = list(net.theatres)
    free_mw = [net.labour_capacity(m) for m in headcount_mw]
    free_th = [net.theatre_capacity(f, theatres[f], headcount_ob[f]) for f in range(nf)]
    accepting = list(net.delivers)
    # First-come queues of women waiting for a midwife, or for a theatre (emergencies, planned),
    # as plain lists: they are short, and a list is a fraction of the size of a deque.
    mw_queue: list[list[int]] = []
    em_queue: list[list[int]] = []
    pl_queue: list[list[int]] = []
    can_cs = [free_th[f] > 0 for f in range(nf)]
    has_cc = list(net.has_critical_care)
    travel = net.travel_h
    order = net.order
    elig = list(net.eligible)  # replaced in place when the referral rule changes
    year_starts = net.year_starts_h
    flows: dict[tuple[int, int, int, int], int] = {}
    # Where each woman plans to deliver (-1: out of the region) and why, if not where she
    # booked (-1: she did book there): planned for all women at once, and again for those still
    # to come whenever a policy or referral change empties ``target_cache``.
    plan_key = (cohort.booked.astype(np.int64) * 16 + cohort.risk.astype(np.int64) * 2
                + cohort.planned_cs)
    plan_to = np.full(n, OUT_OF_REGION, dtype=np.int32)
    plan_why = np.full(n, -1, dtype=np.int8)
    planned_to = memoryview(plan_to)
    target_cache: dict[int, tuple[int, int]] = {}  # by (booked, risk, planned) as one int
    decided: dict[int, float] = {}  # emergency caesareans waiting: decision time (hours)

    heap: list[tuple[float, int, int, int]] = []  # the region's calendar
    seq = 0
    # Each facility's own calendar: heaps of the times its theatres, midwives and beds become
    # free, and of (time, woman) labour onsets.
    theatres_free_at: list[list[float]] = []
    midwives_free_at: list[list[float]] = []
    labour_at: list[list[tuple[float, int]]] = []
    beds_free_at: list[list[float]] = []
    for _ in range(nf):  # a facility's lists side by side in memory
        for lists in (mw_queue, em_queue, pl_queue, theatres_free_at, midwives_free_at,
                      labour_at, beds_free_at):
            lists.append([])
    wake_at = [math.inf] * nf  # when the region's calendar wakes each facility
    own_events = 0

    def push(t: float, kind: int, w: int) -> None:
        nonlocal seq
        seq += 1
        heappush(heap, (t, seq, kind, w))

    def catch_up(f: int, t: float) -> None:
        """Carry out facility ``f``'s own calendar up to ``t``, each part in time order.

        Theatres, and midwives with labours, do not touch each other; both may add the
        discharge of a woman who gave birth, so beds come last."""
        nonlocal own_events
        q = theatres_free_at[f]
        while q and q[0] <= t:
            free_theatre(f, heappop(q))
            own_events += 1
        q, lq = midwives_free_at[f], labour_at[f]
        while (q and q[0] <= t) or (lq and lq[0][0] <= t):
            if q and (not lq or q[0] <= lq[0][0]):
                free_midwife(f, heappop(q))
            else:
                when, w = heappop(lq)
                labour(w, when)
            own_events += 1
        if mw_queue[f]:
            keep_awake(f)
        q = beds_free_at[f]
        while q and q[0] <= t:
            heappop(q)
            free_beds[f] += 1
            own_events += 1

    def keep_awake(f: int) -> None:
        """While women wait for a midwife at ``f``, wake ``f`` when its next midwife is free."""
        mq = midwives_free_at[f]
        if mw_queue[f] and mq and mq[0] < wake_at[f]:
            wake_at[f] = mq[0]
            push(mq[0], WAKE, f)

    def wake(f: int, t: float) -> None:
        if wake_at[f] <= t:
            wake_at[f] = math.inf
        catch_up(f, t)

    def flow(w: int, t: float, src: int, dst: int, reason: int) -> None:
        if w >= first_counted:
            key = (bisect_right(year_starts, t) - 1, src, dst, reason)
            flows[key] = flows.get(key, 0) + 1

    def may_deliver(r: int, p: bool, g: int) -> bool:
        """Whether a woman of risk ``r`` (planned caesarean ``p``) may deliver at ``g``."""
        return accepting[g] and elig[r][g] and (not p or can_cs[g])

    def planned_target(key: int) -> tuple[int, int]:
        """Delivery facility before any bed is sought, and the reason if it is not hers."""
        found = target_cache.get(key)
        if found is None:
            b, r, p = key >> 4, (key >> 1) & 7, bool(key & 1)
            if may_deliver(r, p, b):
                found = (b, -1)
            else:
                reason = (RISK_REFERRAL if accepting[b] and net.delivers[b]
                          and not elig[r][b] else PLANNED_REFERRAL)
                found = (next((g for g in order[b] if may_deliver(r, p, g)), OUT_OF_REGION),
                         reason)
            target_cache[key] = found
        return found

    def plan(i0: int) -> None:
        """Plan the delivery facility of the women from ``i0`` on, under the rules in force."""
        keys = plan_key[i0:]
        to = np.full(nf * 16, OUT_OF_REGION, dtype=np.int32)
        why = np.full(nf * 16, -1, dtype=np.int8)
        for key in np.flatnonzero(np.bincount(keys, minlength=nf * 16)).tolist():
            to[key], why[key] = planned_target(key)
        plan_to[i0:] = to[keys]
        plan_why[i0:] = why[keys]

    def take_bed(w: int, f: int, t: float) -> None:
        free_beds[f] -= 1
        bed_at[w] = f
        bed_since[w] = t

    def leave_bed(w: int, t: float) -> int:
        """Record that she leaves her bed at ``t``; return its facility."""
        f = bed_at[w]
        bed_at[w] = -1
        stay_fac.append(f)
        stay_start.append(bed_since[w])
        stay_end.append(t)
        return f

    def leave_region(w: int, t: float, src: int, reason: int) -> None:
        out_of_region[w] = 1
        flow(w, t, src, OUT_OF_REGION, reason)

    def arrive(w: int, t: float) -> None:
        target = planned_to[w]  # a planned or risk referral is counted after the run
        if target == OUT_OF_REGION:
            out_of_region[w] = 1
            return
        catch_up(target, t)
        if free_beds[target] > 0:
            f = target
            take_bed(w, f, t)
            there = t
        else:
            turned_away[w] = 1
            for f in order[target]:
                if may_deliver(risk[w], planned[w], f):
                    catch_up(f, t)
                    if free_beds[f] > 0:
                        flow(w, t, target, f, NO_BED)
                        take_bed(w, f, t)
                        there = t + travel[target][f]
                        break
            else:
                leave_region(w, t, target, NO_BED)
                return
        start = event_at[w]
        if start <= t and there == t:
            labour(w, t)
            if mw_queue[f]:
                keep_awake(f)
        elif planned[w] or needs_cs[w] or needs_cc[w]:
            push(start if start > there else there, LABOUR, w)
        else:
            heappush(labour_at[f], (start if start > there else there, w))

    def labour(w: int, t: float) -> None:
        if planned[w]:
            request_theatre(w, t, False)
            return
        f = bed_at[w]
        labour_start[w] = t
        labour_fac[w] = f
        if free_mw[f] > 0:
            free_mw[f] -= 1
            start_midwife(w, f, t)
        else:
            mw_queue[f].append(w)

    def labour_event(w: int, t: float) -> None:
        f = bed_at[w]
        catch_up(f, t)
        labour(w, t)
        keep_awake(f)

    def start_midwife(w: int, f: int, t: float) -> None:
        wait_h[w] = t - labour_start[w]
        end = t + labour_h[w]
        if needs_cs[w] or needs_cc[w]:
            push(end, LABOUR_END, w)
        else:  # a vaginal birth: her midwife is free at the end of labour
            heappush(midwives_free_at[f], end)
            if end < t_end:
                give_birth(w, f, end, VAGINAL)

    def free_midwife(f: int, t: float) -> None:
        q = mw_queue[f]
        if q and free_mw[f] >= 0:
            start_midwife(q.pop(0), f, t)
        else:
            free_mw[f] += 1

    def labour_end(w: int, t: float) -> None:
        f = bed_at[w]
        catch_up(f, t)
        free_midwife(f, t)
        keep_awake(f)
        cs, cc = needs_cs[w], needs_cc[w]
        if (cs and not can_cs[f]) or (cc and not has_cc[f]):
            emergency_transfer(w, f, t)
        elif cs:
            decided[w] = t
            request_theatre(w, t, True)
        else:
            give_birth(w, f, t, VAGINAL)

    def give_birth(w: int, f: int, t: float, how: int) -> None:
        delivered_at_fac[w] = f
        delivered_h[w] = t
        mode[w] = how
        leaves = t + (los_vaginal[w] if how == VAGINAL else los_caesarean[w])
        heappush(beds_free_at[f], leaves)
        if leaves < t_end:
            leave_bed(w, leaves)

    def emergency_transfer(w: int, f: int, t: float) -> None:
        free_beds[leave_bed(w, t)] += 1
        cs, cc = needs_cs[w], needs_cc[w]
        for g in order[f]:
            if accepting[g] and (not cs or can_cs[g]) and (not cc or has_cc[g]):
                catch_up(g, t)
                if free_beds[g] > 0:
                    flow(w, t, f, g, EMERGENCY_TRANSFER)
                    take_bed(w, g, t)
                    if cs:
                        decided[w] = t
                    push(t + travel[f][g], TRANSFER_ARRIVAL, w)
                    return
        leave_region(w, t, f, EMERGENCY_TRANSFER)

    def transfer_arrival(w: int, t: float) -> None:
        if needs_cs[w]:
            catch_up(bed_at[w], t)
            request_theatre(w, t, True)
        else:
            give_birth(w, bed_at[w], t, VAGINAL)

    def request_theatre(w: int, t: float, emergency: bool) -> None:
        f = bed_at[w]
        if free_th[f] > 0:
            free_th[f] -= 1
            start_theatre(w, f, t, emergency)
        else:
            (em_queue if emergency else pl_queue)[f].append(w)

    def start_theatre(w: int, f: int, t: float, emergency: bool) -> None:
        if emergency:
            born = t + prep_h[w]
            ddi_min[w] = (born - decided.pop(w)) * 60.0
            give_birth(w, f, born, EMERGENCY_CS)
        else:
            give_birth(w, f, t, PLANNED_CS)
        heappush(theatres_free_at[f], t + theatre_h[w])

    def next_in_theatre(f: int, t: float) -> None:
        if em_queue[f]:
            start_theatre(em_queue[f].pop(0), f, t, True)
        else:
            start_theatre(pl_queue[f].pop(0), f, t, False)

    def free_theatre(f: int, t: float) -> None:
        if free_th[f] >= 0 and (em_queue[f] or pl_queue[f]):
            next_in_theatre(f, t)
        else:
            free_th[f] += 1

    def apply_policy(k: int, t: float) -> None:
        step = net.policy[k]
        f = step.facility
        catch_up(f, t)
        if step.beds:
            free_beds[f] += step.beds
        if step.midwives:
            old = net.labour_capacity(headcount_mw[f])
            headcount_mw[f] += step.midwives
            free_mw[f] += net.labour_capacity(headcount_mw[f]) - old
            while free_mw[f] > 0 and mw_queue[f]:
                free_mw[f] -= 1
                start_midwife(mw_queue[f].pop(0), f, t)
            keep_awake(f)
        if step.obstetricians or step.theatres:
            old = net.theatre_capacity(f, theatres[f], headcount_ob[f])
            headcount_ob[f] += step.obstetricians
            theatres[f] += step.theatres
            new = net.theatre_capacity(f, theatres[f], headcount_ob[f])
            free_th[f] += new - old
            can_cs[f] = new > 0
            while free_th[f] > 0 and (em_queue[f] or pl_queue[f]):
                free_th[f] -= 1
                next_in_theatre(f, t)
            target_cache.clear()
        if step.delivers is not None:
            accepting[f] = step.delivers
            target_cache.clear()

    def initial_release(f: int, t: float) -> None:
        free_beds[f] += 1

    def referral_change(k: int, t: float) -> None:
        elig[:] = net.eligibility_changes[k][1]
        target_cache.clear()

    for f, release in zip(cohort.initial_facility.tolist(), cohort.initial_release_h.tolist(),
                          strict=True):
        free_beds[f] -= 1
        stay_fac.append(f)
        stay_start.append(0.0)
        stay_end.append(min(release, t_end))
        push(release, INITIAL_RELEASE, f)
    for k, step in enumerate(net.policy):
        push(step.t_h, POLICY, k)
    for k, (t_h, _) in enumerate(net.eligibility_changes):
        push(t_h, REFERRAL_CHANGE, k)

    handlers = (labour_event, labour_end, wake, transfer_arrival, apply_policy, initial_release,
                referral_change)
    events = 0
    i = 0
    while True:
        if heap and (i >= n or heap[0][0] <= admit[i]):
            t, _, kind, w = heappop(heap)
            if t >= t_end:
                break
            events += 1
            handlers[kind](w, t)
        elif i < n:
            t = admit[i]
            if t >= t_end:
                break
            if not target_cache:  # the rules changed: plan again for the women to come
                plan(i)
            arrive(i, t)
            i += 1
        else:
            break
    _count_referrals(flows, cohort, plan_to, plan_why, first_counted, i, year_starts)
    first = plan_to.copy()
    first[i:] = OUT_OF_REGION  # never arrived
    # The facilities' own events due before the end of the horizon.
    last = math.nextafter(t_end, -math.inf)
    for f in range(nf):
        catch_up(f, last)

    # Close the stays still open at the end of the horizon.
    still = np.frombuffer(bed_at, dtype=np.int32)
    open_w = np.flatnonzero(still >= 0)
    stays_f = np.concatenate([np.frombuffer(stay_fac, dtype=np.int32), still[open_w]])
    stays_s = np.concatenate([np.frombuffer(stay_start, dtype=float),
                              np.frombuffer(bed_since, dtype=float)[open_w]])
    stays_e = np.concatenate([np.frombuffer(stay_end, dtype=float),
                              np.full(open_w.shape[0], t_end)])
    return RunRecord(
        admit_h=cohort.admit_h,
        first=first,
        facility=np.frombuffer(delivered_at_fac, dtype=np.int32),
        mode=np.frombuffer(mode, dtype=np.int8),
        delivered_h=np.frombuffer(delivered_h, dtype=float),
        turned_away=np.frombuffer(turned_away, dtype=np.int8).astype(bool),
        out_of_region=np.frombuffer(out_of_region, dtype=np.int8).astype(bool),
        midwife_wait_h=np.frombuffer(wait_h, dtype=float),
        labour_facility=np.frombuffer(labour_fac, dtype=np.int32),
        labour_start_h=np.frombuffer(labour_start, dtype=float),
        ddi_min=np.frombuffer(ddi_min, dtype=float),
        in_bed_at_end=still >= 0,
        stay_facility=stays_f,
        stay_start_h=stays_s,
        stay_end_h=stays_e,
        flows=flows,
        first_counted=first_counted,
        events=events + own_events + n,
    )


def _count_referrals(flows: dict, cohort: Cohort, to: np.ndarray, why: np.ndarray,
                     start: int, stop: int, year_starts: tuple[float, ...]) -> None:
    """Add to ``flows`` the planned and risk referrals of women ``start`` to ``stop - 1``."""
    sel = np.flatnonzero(why[start:stop] >= 0) + start
    if sel.size == 0:
        return
    year = np.searchsorted(np.asarray(year_starts), cohort.admit_h[sel], side="right") - 1
    moves = np.stack([year, cohort.booked[sel], to[sel], why[sel]], axis=1).astype(np.int64)
    keys, counts = np.unique(moves, axis=0, return_counts=True)
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        key = tuple(key)
        flows[key] = flows.get(key, 0) + count


def _view(values: np.ndarray) -> memoryview:
    """A memoryview of a 1-d array: indexing it gives Python numbers (bool, int or float)."""
    return memoryview(np.ascontiguousarray(values))
