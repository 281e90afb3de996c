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
5. ``discharge`` — after her postnatal stay the bed is free again.

Only what interacts is simulated: beds, midwives and theatres are integer counters with FIFO
queues, and the event calendar is a binary heap of (time, sequence, kind, woman). Arrivals are
not put on the heap: the cohort is already sorted, so the loop merges it with the heap. A woman
without antenatal stay or complications costs two heap events (end of labour, discharge).
Statistics are reduced after the run from compact per-woman arrays and bed-stay intervals (see
:mod:`capsim.results`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass
from heapq import heappop, heappush

import numpy as np

from capsim.demand import Cohort
from capsim.model.network import OUT_OF_REGION, REASONS, Network

# Event kinds on the calendar.
(LABOUR, LABOUR_END, THEATRE_END, DISCHARGE, TRANSFER_ARRIVAL, POLICY, INITIAL_RELEASE,
 REFERRAL_CHANGE) = range(8)

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

    # Woman attributes as Python lists: indexing them is several times faster than numpy.
    admit = cohort.admit_h.tolist()
    event_at = cohort.event_h.tolist()
    risk = cohort.risk.tolist()
    booked = cohort.booked.tolist()
    planned = cohort.planned_cs.tolist()
    needs_cs = cohort.emergency_cs.tolist()
    needs_cc = cohort.complication.tolist()
    labour_h = cohort.labour_h.tolist()
    los_vaginal = cohort.los_vaginal_h.tolist()
    los_caesarean = cohort.los_caesarean_h.tolist()
    theatre_h = cohort.theatre_h.tolist()
    prep_h = cohort.preparation_h.tolist()

    # Per-woman state and outputs.
    bed_at = array("i", [-1]) * n
    bed_since = array("d", [0.0]) * n
    labour_start = array("d", [0.0]) * n
    labour_fac = array("i", [-1]) * n
    decision_at = array("d", [0.0]) * n
    first = array("i", [-1]) * n
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
    mw_queue: list[deque[int]] = [deque() for _ in range(nf)]
    em_queue: list[deque[int]] = [deque() for _ in range(nf)]
    pl_queue: list[deque[int]] = [deque() for _ in range(nf)]
    can_cs = [free_th[f] > 0 for f in range(nf)]
    has_cc = list(net.has_critical_care)
    travel = net.travel_h
    order = net.order
    elig = list(net.eligible)  # replaced in place when the referral rule changes
    year_starts = net.year_starts_h
    flows: dict[tuple[int, int, int, int], int] = {}
    target_cache: dict[tuple[int, int, bool], tuple[int, int]] = {}

    heap: list[tuple[float, int, int, int]] = []
    seq = 0

    def push(t: float, kind: int, w: int) -> None:
        nonlocal seq
        seq += 1
        heappush(heap, (t, seq, kind, w))

    def flow(w: int, t: float, src: int, dst: int, reason: int) -> None:
        if w >= first_counted:
            key = (bisect_right(year_starts, t) - 1, src, dst, reason)
            flows[key] = flows.get(key, 0) + 1

    def may_deliver(w: int, g: int) -> bool:
        return accepting[g] and elig[risk[w]][g] and (not planned[w] or can_cs[g])

    def planned_target(w: int) -> tuple[int, int]:
        """Delivery facility before any bed is sought, and the reason if it is not hers."""
        key = (booked[w], risk[w], planned[w])
        found = target_cache.get(key)
        if found is None:
            b = booked[w]
            if may_deliver(w, b):
                found = (b, -1)
            else:
                reason = (RISK_REFERRAL if accepting[b] and net.delivers[b]
                          and not elig[risk[w]][b] else PLANNED_REFERRAL)
                found = (next((g for g in order[b] if may_deliver(w, g)), OUT_OF_REGION), reason)
            target_cache[key] = found
        return found

    def take_bed(w: int, f: int, t: float) -> None:
        free_beds[f] -= 1
        bed_at[w] = f
        bed_since[w] = t

    def release_bed(w: int, t: float) -> None:
        f = bed_at[w]
        free_beds[f] += 1
        bed_at[w] = -1
        stay_fac.append(f)
        stay_start.append(bed_since[w])
        stay_end.append(t)

    def leave_region(w: int, t: float, src: int, reason: int) -> None:
        out_of_region[w] = 1
        flow(w, t, src, OUT_OF_REGION, reason)

    def arrive(w: int, t: float) -> None:
        target, reason = planned_target(w)
        if reason >= 0:
            flow(w, t, booked[w], target, reason)
        first[w] = target
        if target == OUT_OF_REGION:
            out_of_region[w] = 1
            return
        if free_beds[target] > 0:
            take_bed(w, target, t)
            there = t
        else:
            turned_away[w] = 1
            for g in order[target]:
                if free_beds[g] > 0 and may_deliver(w, g):
                    flow(w, t, target, g, NO_BED)
                    take_bed(w, g, t)
                    there = t + travel[target][g]
                    break
            else:
                leave_region(w, t, target, NO_BED)
                return
        start = event_at[w]
        if start <= t and there == t:
            labour(w, t)
        else:
            push(start if start > there else there, LABOUR, w)

    def labour(w: int, t: float) -> None:
        if planned[w]:
            request_theatre(w, t, False)
            return
        f = bed_at[w]
        labour_start[w] = t
        labour_fac[w] = f
        if free_mw[f] > 0:
            free_mw[f] -= 1
            wait_h[w] = 0.0
            push(t + labour_h[w], LABOUR_END, w)
        else:
            mw_queue[f].append(w)

    def start_midwife(w: int, t: float) -> None:
        wait_h[w] = t - labour_start[w]
        push(t + labour_h[w], LABOUR_END, w)

    def labour_end(w: int, t: float) -> None:
        f = bed_at[w]
        q = mw_queue[f]
        if q and free_mw[f] >= 0:
            start_midwife(q.popleft(), t)
        else:
            free_mw[f] += 1
        cs, cc = needs_cs[w], needs_cc[w]
        if not cs and not cc:
            give_birth(w, f, t, VAGINAL)
        elif (cs and not can_cs[f]) or (cc and not has_cc[f]):
            emergency_transfer(w, f, t)
        elif cs:
            decision_at[w] = t
            request_theatre(w, t, True)
        else:
            give_birth(w, f, t, VAGINAL)

    def give_birth(w: int, f: int, t: float, how: int) -> None:
        delivered_at_fac[w] = f
        delivered_h[w] = t
        mode[w] = how
        push(t + (los_vaginal[w] if how == VAGINAL else los_caesarean[w]), DISCHARGE, w)

    def emergency_transfer(w: int, f: int, t: float) -> None:
        release_bed(w, t)
        cs, cc = needs_cs[w], needs_cc[w]
        decision_at[w] = t
        for g in order[f]:
            if (accepting[g] and free_beds[g] > 0 and (not cs or can_cs[g])
                    and (not cc or has_cc[g])):
                flow(w, t, f, g, EMERGENCY_TRANSFER)
                take_bed(w, g, t)
                push(t + travel[f][g], TRANSFER_ARRIVAL, w)
                return
        leave_region(w, t, f, EMERGENCY_TRANSFER)

    def transfer_arrival(w: int, t: float) -> None:
        if needs_cs[w]:
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
            ddi_min[w] = (born - decision_at[w]) * 60.0
            give_birth(w, f, born, EMERGENCY_CS)
        else:
            give_birth(w, f, t, PLANNED_CS)
        push(t + theatre_h[w], THEATRE_END, w)

    def next_in_theatre(f: int, t: float) -> None:
        if em_queue[f]:
            start_theatre(em_queue[f].popleft(), f, t, True)
        else:
            start_theatre(pl_queue[f].popleft(), f, t, False)

    def theatre_end(w: int, t: float) -> None:
        f = delivered_at_fac[w]
        if free_th[f] >= 0 and (em_queue[f] or pl_queue[f]):
            next_in_theatre(f, t)
        else:
            free_th[f] += 1

    def discharge(w: int, t: float) -> None:
        release_bed(w, t)

    def apply_policy(k: int, t: float) -> None:
        step = net.policy[k]
        f = step.facility
        if step.beds:
            free_beds[f] += step.beds
        if step.midwives:
            old = net.labour_capacity(headcount_mw[f])
            headcount_mw[f] += step.midwives
            free_mw[f] += net.labour_capacity(headcount_mw[f]) - old
            while free_mw[f] > 0 and mw_queue[f]:
                free_mw[f] -= 1
                start_midwife(mw_queue[f].popleft(), t)
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

    handlers = (labour, labour_end, theatre_end, discharge, transfer_arrival, apply_policy,
                initial_release, referral_change)
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
            arrive(i, t)
            i += 1
        else:
            break

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
        first=np.frombuffer(first, dtype=np.int32),
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
        events=events + n,
    )
