"""The admissions loop: patients who each need a bed of some level for some time, through a
network of facilities with beds by type, one compiled loop for newborn cots and paediatric
beds alike.

An admission has a time, the facility where the need arises, a need (an index: the level of
care) and a stay. The need says which beds it takes (``bed_of_need``) and which facilities
may admit it (``eligible``, worked out by the referral rule,
`capsim.scenario.referral.care_eligibility`). She is admitted where the need arises when
it is eligible and has a free bed; otherwise the loop walks that facility's referral order
(`capsim.scenario.referral.care_walk`, mirrored here) to the first eligible facility
with a free bed, held for her while she travels; when none has one she leaves the region.
Beds are counters; discharges and stabilisations wait on one calendar
(`capsim.model.heaps`), carried out before each admission at or after their time.

Beds in force change on the plan's dates (``change_h``, ``change_facility``,
``change_beds``: cots added at a facility in 2028, a paediatric ward opened), carried out
before the calendar's entries of the same time and before the admissions at or after it. A
cut follows the rule of the maternity pathway (`capsim.model.pathway`): nobody is evicted,
the beds in use are owed; the free count may fall below zero, each bed freed repays one, and
a new patient is admitted only while the count is above zero. So once the debt is repaid no
more beds are in use than in force. A facility admits a need while it has beds of its type
in force; ``eligible`` says which facilities may ever do so (level and role, and beds at
some date), and a patient whose facility has no such beds in force at her time is referred
for the ``LEVEL`` of care, one whose facility has them but none free for ``NO_BED``.

A patient referred away from where her need arose may be referred back once stabilised
(``down_share`` of her stay, NaN for never): when the facility she came from admits the
``down_need`` and has a free bed, she moves there for the rest of her stay (with its travel
time); otherwise she stays where she is. With ``NUMBA_DISABLE_JIT=1`` the loop runs as plain
Python with the same results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from capsim.model.compiling import jit_callee, jit_loop
from capsim.model.heaps import heap_due, heap_pop, heap_push, new_heaps

#: Why a patient was admitted elsewhere than where her need arose: she was not
#: (``AT_ORIGIN``); her facility does not give the level of care (``LEVEL``); it does, but
#: had no free bed (``NO_BED``).
AT_ORIGIN, LEVEL, NO_BED = 0, 1, 2
#: Kinds of calendar entries: a bed becomes free; a stay reaches stabilisation.
_DISCHARGE, _STABILISED = 0, 1


@dataclass
class Admitted:
    """What the loop leaves behind, per admission (input order; times in hours).

    ``placed``: facility admitted to (-1: out of the region); ``reason``: `AT_ORIGIN`,
    `LEVEL` or `NO_BED`; ``end_h``: discharge (NaN out of the region);
    ``down_to`` / ``down_h``: facility and time of a referral back (-1 and NaN: none).
    Per bed stay (one, or two after a referral back): ``stay_facility``, ``stay_bed``,
    ``stay_start_h``, ``stay_end_h``; a bed is held from the moment it is taken, travel
    included."""

    placed: np.ndarray
    reason: np.ndarray
    end_h: np.ndarray
    down_to: np.ndarray
    down_h: np.ndarray
    stay_facility: np.ndarray
    stay_bed: np.ndarray
    stay_start_h: np.ndarray
    stay_end_h: np.ndarray


def admit(t_h: np.ndarray, origin: np.ndarray, need: np.ndarray, stay_h: np.ndarray,
          down_share: np.ndarray, beds: np.ndarray, bed_of_need: np.ndarray,
          eligible: np.ndarray, order: np.ndarray, travel_h: np.ndarray,
          down_need: int, change_h: np.ndarray | None = None,
          change_facility: np.ndarray | None = None,
          change_beds: np.ndarray | None = None) -> Admitted:
    """Run the admissions loop (inputs sorted by ``t_h``, hours); return `Admitted`.
    ``beds`` [facility, bed type] in force at the start; ``eligible`` [need, facility];
    ``order`` [facility, k] and ``travel_h`` [from, to] (hours) as
    `capsim.scenario.referral.referral_orders` and `travel_hours` give them;
    ``down_need`` -1 for no referral back. The dated changes of beds, sorted by
    ``change_h`` (hours): at ``change_h[k]`` facility ``change_facility[k]`` gains
    ``change_beds[k]`` [bed type] (negative: a cut; none by default)."""
    if t_h.shape[0] > 1 and not np.all(np.diff(t_h) >= 0):
        raise ValueError("admissions must be sorted by time")
    n_types = beds.shape[1] if beds.ndim == 2 else 0
    if change_h is None:
        change_h = np.empty(0)
        change_facility = np.empty(0, dtype=np.int64)
        change_beds = np.empty((0, n_types), dtype=np.int64)
    assert change_facility is not None and change_beds is not None
    if change_h.shape[0] > 1 and not np.all(np.diff(change_h) >= 0):
        raise ValueError("changes of beds must be sorted by time")
    out = _loop(np.ascontiguousarray(t_h, dtype=np.float64),
                np.ascontiguousarray(origin, dtype=np.int64),
                np.ascontiguousarray(need, dtype=np.int64),
                np.ascontiguousarray(stay_h, dtype=np.float64),
                np.ascontiguousarray(down_share, dtype=np.float64),
                np.ascontiguousarray(beds, dtype=np.int64),
                np.ascontiguousarray(bed_of_need, dtype=np.int64),
                np.ascontiguousarray(eligible, dtype=np.bool_),
                np.ascontiguousarray(order, dtype=np.int64),
                np.ascontiguousarray(travel_h, dtype=np.float64), int(down_need),
                np.ascontiguousarray(change_h, dtype=np.float64),
                np.ascontiguousarray(change_facility, dtype=np.int64),
                np.ascontiguousarray(change_beds, dtype=np.int64).reshape(-1, n_types))
    placed, reason, end_h, down_to, down_h, sf, sb, ss, se, n_stays = out
    return Admitted(placed, reason, end_h, down_to, down_h, sf[:n_stays], sb[:n_stays],
                    ss[:n_stays], se[:n_stays])


@jit_callee()
def _free_bed_at(free, eligible, nd, b, g):
    """Whether facility ``g`` admits need ``nd`` and has a free bed of type ``b``."""
    return eligible[nd, g] and free[g, b] > 0


@jit_callee()
def _entry_before(calendar, t):
    """Whether the calendar has an entry strictly before ``t`` (hours)."""
    return calendar.size[0] > 0 and calendar.time[0, 0] < t


@jit_loop
def _loop(t_h, origin, need, stay_h, down_share, beds, bed_of_need, eligible, order,
          travel_h, down_need, change_h, change_facility, change_beds):
    """The compiled loop of `admit`: its arrays (placed, reason, end, referral back
    and its time, then the stays' facility, bed type, start and end, with room for two stays
    an admission) and the number of stays used."""
    n = t_h.shape[0]
    free = beds.copy()   # below zero after a cut while beds in use are owed
    in_force = beds.copy()
    n_changes = change_h.shape[0]
    c = 0
    placed = np.full(n, -1, dtype=np.int64)
    reason = np.zeros(n, dtype=np.int64)
    end_h = np.full(n, np.nan)
    down_to = np.full(n, -1, dtype=np.int64)
    down_h = np.full(n, np.nan)
    where = np.full(n, -1, dtype=np.int64)   # facility whose bed she holds now
    stay_of = np.full(n, -1, dtype=np.int64)  # her current stay's row
    sf = np.empty(2 * n, dtype=np.int64)
    sb = np.empty(2 * n, dtype=np.int64)
    ss = np.empty(2 * n)
    se = np.empty(2 * n)
    n_stays = 0
    calendar = new_heaps(1, 64)
    seq = 0
    for i in range(n + 1):
        now = t_h[i] if i < n else np.inf
        while True:
            if c < n_changes and change_h[c] <= now and not _entry_before(calendar, change_h[c]):
                g = change_facility[c]
                for b in range(free.shape[1]):
                    free[g, b] += change_beds[c, b]
                    in_force[g, b] += change_beds[c, b]
                c += 1
                continue
            if not heap_due(calendar, 0, now):
                break
            t, _, code = heap_pop(calendar, 0)
            j = code >> 1
            b = bed_of_need[need[j]]
            g = where[j]
            if (code & 1) == _DISCHARGE:
                free[g, b] += 1
                continue
            home = origin[j]  # stabilised: back where her need arose, if a bed is free
            if _free_bed_at(free, eligible, down_need, b, home):
                free[g, b] += 1
                free[home, b] -= 1
                se[stay_of[j]] = t
                sf[n_stays], sb[n_stays], ss[n_stays] = home, b, t
                end = end_h[j] + travel_h[g, home]
                se[n_stays] = end
                stay_of[j] = n_stays
                n_stays += 1
                where[j] = home
                down_to[j], down_h[j], end_h[j] = home, t, end
            heap_push(calendar, 0, end_h[j], seq, j << 1 | _DISCHARGE)
            seq += 1
        if i == n:
            break
        f, nd = origin[i], need[i]
        b = bed_of_need[nd]
        g = -1
        if _free_bed_at(free, eligible, nd, b, f):
            g = f
        else:
            reason[i] = NO_BED if eligible[nd, f] and in_force[f, b] > 0 else LEVEL
            for k in range(order.shape[1]):
                if _free_bed_at(free, eligible, nd, b, order[f, k]):
                    g = order[f, k]
                    break
        placed[i] = g
        if g < 0:
            continue
        free[g, b] -= 1
        arrive = t_h[i] + travel_h[f, g]
        end_h[i] = arrive + stay_h[i]
        where[i] = g
        sf[n_stays], sb[n_stays], ss[n_stays], se[n_stays] = g, b, t_h[i], end_h[i]
        stay_of[i] = n_stays
        n_stays += 1
        if g != f and down_need >= 0 and np.isfinite(down_share[i]) and eligible[down_need, f]:
            heap_push(calendar, 0, arrive + down_share[i] * stay_h[i], seq, i << 1 | _STABILISED)
        else:
            heap_push(calendar, 0, end_h[i], seq, i << 1 | _DISCHARGE)
        seq += 1
    return placed, reason, end_h, down_to, down_h, sf, sb, ss, se, n_stays
