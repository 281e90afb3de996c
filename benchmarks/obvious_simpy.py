"""The obvious simpy model of capsim's pathway: the reference point of the engine benchmark.

Written the way a simpy user would write it first: one process per woman, ``simpy.Resource``
for the beds and midwives of each facility, ``simpy.PriorityResource`` for its theatres
(emergencies before planned caesareans), and the woman's process walking through the pathway
of :mod:`capsim.model.engine` step by step: booking and risk referral, a bed (or diversion
along ``net.order``, or out of the region), a midwife 1:1 in labour, birth or caesarean,
emergency transfer when her facility lacks a capability, postnatal stay, discharge.

It consumes the same :class:`~capsim.demand.Cohort` and :class:`~capsim.model.Network` as the
engine and returns the same :class:`~capsim.model.engine.RunRecord`, so
:func:`capsim.results.reduce_replication` reduces both alike and the two can be compared woman
by woman. Dated policy and referral changes are not modelled here (simpy resources have a fixed
capacity).
"""

from __future__ import annotations

from bisect import bisect_right
from types import SimpleNamespace

import numpy as np
import simpy

from capsim.demand import Cohort
from capsim.model.engine import (
    EMERGENCY_CS,
    EMERGENCY_TRANSFER,
    NO_BED,
    NOT_DELIVERED,
    PLANNED_CS,
    PLANNED_REFERRAL,
    RISK_REFERRAL,
    VAGINAL,
    RunRecord,
)
from capsim.model.network import OUT_OF_REGION, Network

EMERGENCY, PLANNED = 0, 1  # theatre priorities: lower goes first


def run_obvious(net: Network, cohort: Cohort, count_events: bool = False) -> RunRecord:
    """Simulate one replication with the per-woman simpy model; return its RunRecord.

    Times are hours. ``count_events=True`` steps the simulation one event at a time to count
    simpy events (slower; for reporting, not timing); otherwise ``events`` is 0.
    """
    if net.policy or net.eligibility_changes:
        raise ValueError("the obvious simpy model has no dated policy or referral changes")
    return ObviousModel(net, cohort).run(count_events)


#: Per-woman fields of a RunRecord, discrete (compared exactly) and times (hours).
DISCRETE = ("first", "facility", "mode", "turned_away", "out_of_region", "labour_facility",
            "in_bed_at_end")
TIMES = ("delivered_h", "midwife_wait_h", "labour_start_h", "ddi_min")
#: simpy schedules a timeout at ``now + delay``: a woman sent on at an absolute time arrives
#: within a rounding error (an ulp) of it, and the times built on it keep that error. Times
#: are compared to this tolerance (hours; minutes for ``ddi_min``).
TIME_TOLERANCE = 1e-6


def differences(fast: RunRecord, plain: RunRecord) -> list[str]:
    """Fields in which two RunRecords of the same cohort differ (an empty list when none):
    outcomes exactly, times within ``TIME_TOLERANCE``, flows, and bed stays."""
    out = [k for k in DISCRETE if not np.array_equal(getattr(fast, k), getattr(plain, k))]
    out += [k for k in TIMES if not np.allclose(getattr(fast, k), getattr(plain, k), rtol=0,
                                                atol=TIME_TOLERANCE, equal_nan=True)]
    if fast.flows != plain.flows:
        out.append("flows")
    stays = []
    for r in (fast, plain):
        order = np.lexsort((r.stay_end_h, r.stay_start_h, r.stay_facility))
        stays.append((r.stay_facility[order], r.stay_start_h[order], r.stay_end_h[order]))
    (fa, sa, ea), (fb, sb, eb) = stays
    if not (np.array_equal(fa, fb) and np.allclose(sa, sb, rtol=0, atol=TIME_TOLERANCE)
            and np.allclose(ea, eb, rtol=0, atol=TIME_TOLERANCE)):
        out.append("stays")
    return out


class ObviousModel:
    """One replication: the facilities as simpy resources and one process per woman."""

    def __init__(self, net: Network, cohort: Cohort):
        self.net = net
        # The women's attributes as plain lists (cohort order): cheaper to index than numpy.
        self.c = SimpleNamespace(**{k: v.tolist() for k, v in vars(cohort).items()})
        self.admit_h = cohort.admit_h
        self.env = env = simpy.Environment()
        nf, n = net.n, len(cohort)

        def resource(capacity: int, kind=simpy.Resource):
            return kind(env, capacity=capacity) if capacity > 0 else None

        self.beds = [resource(b) for b in net.beds]
        self.midwives = [resource(net.labour_capacity(m)) for m in net.midwives]
        self.theatres = [resource(net.theatre_capacity(f, net.theatres[f], net.obstetricians[f]),
                                  simpy.PriorityResource) for f in range(nf)]
        self.first_counted = int(np.searchsorted(cohort.admit_h, net.t_stats_h, side="left"))

        # What happens to each woman (cohort order), as in the engine's RunRecord.
        self.first = [-1] * n
        self.facility = [-1] * n
        self.mode = [NOT_DELIVERED] * n
        self.delivered_h = [np.nan] * n
        self.turned_away = [False] * n
        self.out_of_region = [False] * n
        self.wait_h = [np.nan] * n
        self.labour_facility = [-1] * n
        self.labour_start_h = [0.0] * n
        self.ddi_min = [np.nan] * n
        self.bed_at = [-1] * n
        self.bed_since = [0.0] * n
        self.bed_request: list = [None] * n
        self.stays: list[tuple[int, float, float]] = []
        self.flows: dict[tuple[int, int, int, int], int] = {}

    # --- helpers -------------------------------------------------------------------------

    def has_free_bed(self, f: int) -> bool:
        beds = self.beds[f]
        return beds is not None and beds.count < beds.capacity

    def can_caesarean(self, f: int) -> bool:
        return self.theatres[f] is not None

    def may_deliver(self, w: int, f: int) -> bool:
        c = self.c
        return (self.net.delivers[f] and self.net.eligible[c.risk[w]][f]
                and (not c.planned_cs[w] or self.can_caesarean(f)))

    def flow(self, w: int, src: int, dst: int, reason: int) -> None:
        if w >= self.first_counted:
            year = bisect_right(self.net.year_starts_h, self.env.now) - 1
            key = (year, src, dst, reason)
            self.flows[key] = self.flows.get(key, 0) + 1

    def take_bed(self, w: int, f: int) -> None:
        # The bed was seen free, so the request is granted at once: nothing to wait for.
        self.bed_request[w] = self.beds[f].request()
        self.bed_at[w] = f
        self.bed_since[w] = self.env.now

    def release_bed(self, w: int) -> None:
        f = self.bed_at[w]
        self.beds[f].release(self.bed_request[w])
        self.stays.append((f, self.bed_since[w], self.env.now))
        self.bed_at[w] = -1
        self.bed_request[w] = None

    def give_birth(self, w: int, f: int, at: float, how: int) -> None:
        self.facility[w], self.delivered_h[w], self.mode[w] = f, at, how

    # --- processes -----------------------------------------------------------------------

    def arrivals(self):
        """Start each woman's process when she first needs a bed."""
        env = self.env
        for w, t in enumerate(self.c.admit_h):
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(self.woman(w))

    def initial_woman(self, f: int, release_h: float):
        """A woman already in bed at the start, leaving after ``release_h`` hours."""
        req = self.beds[f].request()
        self.stays.append((f, 0.0, min(release_h, self.net.t_end_h)))
        yield self.env.timeout(release_h)
        self.beds[f].release(req)

    def woman(self, w: int):
        """One woman's pathway from her first need of a bed to discharge."""
        env, net, c = self.env, self.net, self.c
        t = env.now
        booked = c.booked[w]

        # Planned delivery facility: where she booked, unless the rules send her elsewhere.
        if self.may_deliver(w, booked):
            target = booked
        else:
            risk_rule = net.delivers[booked] and not net.eligible[c.risk[w]][booked]
            target = next((g for g in net.order[booked] if self.may_deliver(w, g)), OUT_OF_REGION)
            self.flow(w, booked, target, RISK_REFERRAL if risk_rule else PLANNED_REFERRAL)
        self.first[w] = target
        if target == OUT_OF_REGION:
            self.out_of_region[w] = True
            return

        # A bed where she is expected, or at the first facility in the referral order.
        if self.has_free_bed(target):
            f, there = target, t
        else:
            self.turned_away[w] = True
            f = next((g for g in net.order[target]
                      if self.has_free_bed(g) and self.may_deliver(w, g)), None)
            if f is None:
                self.out_of_region[w] = True
                self.flow(w, target, OUT_OF_REGION, NO_BED)
                return
            self.flow(w, target, f, NO_BED)
            there = t + net.travel_h[target][f]
        self.take_bed(w, f)
        start = max(c.event_h[w], there)
        if start > env.now:
            yield env.timeout(start - env.now)

        if c.planned_cs[w]:
            yield from self.caesarean(w, f, PLANNED)
        else:
            # Active labour with a midwife 1:1; she waits when none is free.
            self.labour_facility[w], self.labour_start_h[w] = f, env.now
            with self.midwives[f].request() as midwife:
                yield midwife
                self.wait_h[w] = env.now - self.labour_start_h[w]
                yield env.timeout(c.labour_h[w])
            cs, cc = c.emergency_cs[w], c.complication[w]
            if (cs and not self.can_caesarean(f)) or (cc and not net.has_critical_care[f]):
                # Emergency transfer to the first facility with the capability and a bed.
                self.release_bed(w)
                g = next((g for g in net.order[f] if net.delivers[g] and self.has_free_bed(g)
                          and (not cs or self.can_caesarean(g))
                          and (not cc or net.has_critical_care[g])), None)
                if g is None:
                    self.out_of_region[w] = True
                    self.flow(w, f, OUT_OF_REGION, EMERGENCY_TRANSFER)
                    return
                self.flow(w, f, g, EMERGENCY_TRANSFER)
                self.take_bed(w, g)
                decided = env.now
                yield env.timeout(net.travel_h[f][g])
                f = g
                if cs:
                    yield from self.caesarean(w, f, EMERGENCY, decided)
                else:
                    self.give_birth(w, f, env.now, VAGINAL)
            elif cs:
                yield from self.caesarean(w, f, EMERGENCY, env.now)
            else:
                self.give_birth(w, f, env.now, VAGINAL)

        # Postnatal stay, then discharge.
        stay = c.los_vaginal_h[w] if self.mode[w] == VAGINAL else c.los_caesarean_h[w]
        yield env.timeout(stay)
        self.release_bed(w)

    def caesarean(self, w: int, f: int, priority: int, decided: float = 0.0):
        """A caesarean: wait for a theatre (emergencies first), then the baby is born."""
        env, c = self.env, self.c
        theatre = self.theatres[f].request(priority=priority)
        yield theatre
        env.process(self.operation(f, theatre, c.theatre_h[w]))
        if priority == EMERGENCY:
            # Born after the preparation time; recorded now, as the birth is now certain.
            born = env.now + c.preparation_h[w]
            self.ddi_min[w] = (born - decided) * 60.0
            self.give_birth(w, f, born, EMERGENCY_CS)
            yield env.timeout(c.preparation_h[w])
        else:
            self.give_birth(w, f, env.now, PLANNED_CS)

    def operation(self, f: int, theatre, hours: float):
        """The theatre stays busy for the length of the operation."""
        yield self.env.timeout(hours)
        self.theatres[f].release(theatre)

    # --- run -----------------------------------------------------------------------------

    def run(self, count_events: bool = False) -> RunRecord:
        """Run to the end of the horizon; return the RunRecord (times in hours)."""
        env, net, c = self.env, self.net, self.c
        for f, release in zip(c.initial_facility, c.initial_release_h, strict=True):
            env.process(self.initial_woman(f, release))
        env.process(self.arrivals())
        events = 0
        if count_events:
            while env.peek() < net.t_end_h:
                env.step()
                events += 1
        else:
            env.run(until=net.t_end_h)

        still = np.asarray(self.bed_at, dtype=np.int32)
        open_w = np.flatnonzero(still >= 0)
        stays = np.asarray(self.stays, dtype=float).reshape(-1, 3)
        since = np.asarray(self.bed_since, dtype=float)
        return RunRecord(
            admit_h=self.admit_h,
            first=np.asarray(self.first, dtype=np.int32),
            facility=np.asarray(self.facility, dtype=np.int32),
            mode=np.asarray(self.mode, dtype=np.int8),
            delivered_h=np.asarray(self.delivered_h, dtype=float),
            turned_away=np.asarray(self.turned_away, dtype=bool),
            out_of_region=np.asarray(self.out_of_region, dtype=bool),
            midwife_wait_h=np.asarray(self.wait_h, dtype=float),
            labour_facility=np.asarray(self.labour_facility, dtype=np.int32),
            labour_start_h=np.asarray(self.labour_start_h, dtype=float),
            ddi_min=np.asarray(self.ddi_min, dtype=float),
            in_bed_at_end=still >= 0,
            stay_facility=np.concatenate([stays[:, 0].astype(np.int32), still[open_w]]),
            stay_start_h=np.concatenate([stays[:, 1], since[open_w]]),
            stay_end_h=np.concatenate([stays[:, 2], np.full(open_w.shape[0], net.t_end_h)]),
            flows=self.flows,
            first_counted=self.first_counted,
            events=events,
        )
