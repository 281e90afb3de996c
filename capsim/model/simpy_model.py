"""capsim's pathway as a plain simpy model: one process per woman, to be read top to bottom.

This is the readable statement of the pathway, for planners and reviewers who want to see what
the simulation does to a woman, and the place to try a change of the pathway before it is made
fast. The compiled engine (`capsim.model.engine`) simulates the same pathway more than
ten times faster; given the same women the two agree woman by woman, so this model is also the
independent check of the engine (``tests/test_engine_vs_simpy.py``). Run it with
``capsim.simulate(scenario, engine="simpy")`` or ``capsim run SCENARIO --engine simpy``.

Times are hours since the start of the simulation (the first warm-up day at 00:00).

The pathway of one woman (`SimpyModel.woman`)
-----------------------------------------------------
1. **Where she plans to deliver.** When she first needs a bed (her labour begins, her planned
   caesarean is due, or she is admitted before labour) she plans to deliver where she booked,
   unless that facility does not deliver now, her risk colour may not deliver there, or she
   needs a planned caesarean it cannot perform. Then she is referred along her booked
   facility's referral order to the first facility where she may deliver (a *risk referral*
   when only the risk rule stood in her way, a *planned referral* otherwise), or out of the
   region when there is none.
2. **A bed.** She takes a free bed there. With none free she is *turned away* and diverted
   along that facility's referral order to the first facility where she may deliver and a bed
   is free (the bed is hers from then on, while she travels), or, when none has one, she is
   transferred out of the region.
3. **Labour.** Her labour begins at her labour onset, but not before she reaches her bed. In
   active labour she needs a midwife to herself (or a share of one, by the pathway's midwife
   rule); when none is free she waits, first come, first served, and her wait is recorded.
   A woman with a planned caesarean goes to theatre instead (step 5).
4. **The end of labour.** She gives birth, or an emergency caesarean is decided, or she has a
   complication that needs critical maternal care. When her facility cannot operate (no theatre
   with an obstetrician on duty) or has no critical care and she needs it, she leaves her bed and
   is transferred in an emergency to the first facility in its referral order that delivers, has
   what she needs and a free bed, taking the travel time between them (out of the region when
   none has).
5. **Theatre.** A caesarean needs a theatre with the obstetricians it needs on duty;
   emergencies go before planned caesareans, each first come, first served. The theatre is busy
   for the length of the operation. A planned baby is born when the theatre is hers; an
   emergency baby the preparation time after, and her decision-to-delivery interval runs from
   the decision (the end of her labour) to the birth.
6. **Postnatal stay.** She keeps her bed for her postnatal stay (by mode of delivery), then
   leaves.

At a facility with **two bed pools** (delivery beds apart from ward beds), the bed she first
needs is a delivery bed when she comes in labour and a ward bed when she is admitted before
labour or for a planned caesarean; a woman in a ward bed moves to a delivery bed when her
labour starts (she is never sent away then: the delivery beds may run over their count). After
the birth she stays in the delivery bed for her recovery, then moves to a ward bed; with none
free she waits in the delivery bed, first come first served, until one is free or her stay
ends (**access block**, recorded).

**Midwife rule.** ``queue``: a woman in labour waits for a free midwife. ``ratio``: care starts
at once; the spans with more women in labour care than labour places are recorded. A
facility's **own roster** sets its labour places and caesareans at once by hour of day.

The plan's dated changes (`SimpyModel.policy_steps`, `SimpyModel.referral_changes`)
-----------------------------------------------------------------------------------------------
A policy step adds or removes beds, midwives, obstetricians or theatres at a facility on a
date, or stops or starts its deliveries; a referral change sets which facilities each risk
colour may deliver at from a date on. Head-counts become capacities through the roster: the
women in labour the midwives on duty can care for, and the caesareans the theatres and the
obstetricians on duty can run at once. A cut takes effect on its date even below what is in
use: nobody is moved out of a bed or away from her midwife or theatre, but the units owed are
repaid as they are freed, before anyone waiting is served (see `Pool`). A facility that
stops deliveries takes no new women (planned, diverted or transferred in); women already there
carry on. A change applies before a woman who first needs a bed at the same hour; women who
first need a bed at the same hour arrive in cohort order. A policy entry that changes only
newborn cots or paediatric beds is no step of the mothers' pathway (`Network.policy` leaves it
out, as the compiled engine does).

Newborns and children follow the births this model records through the one admissions loop
(`capsim.model.care.simulate_care`), with the same dated changes of cots and paediatric beds,
so that both models give the same newborn and paediatric results.

The model consumes a `Network` and a `Cohort`
and returns a `RunRecord`, like the compiled engine, so that
`capsim.results.reduce_replication` reduces both alike.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from types import SimpleNamespace

import numpy as np
import simpy

from capsim.demand import Cohort
from capsim.model.engine import (
    BLOCKED,
    DELIVERY,
    EMERGENCY_CS,
    EMERGENCY_TRANSFER,
    NO_BED,
    NOT_DELIVERED,
    PLANNED_CS,
    PLANNED_REFERRAL,
    RISK_REFERRAL,
    VAGINAL,
    WARD,
    RunRecord,
)
from capsim.model.network import OUT_OF_REGION, Network, PolicyStep
from capsim.scenario.referral import split_choice, walk

#: Theatre priorities: an emergency caesarean goes before a planned one.
EMERGENCY, PLANNED = 0, 1


def run_simpy(net: Network, cohort: Cohort, count_events: bool = False) -> RunRecord:
    """Simulate one replication of ``cohort`` on ``net`` with the per-woman simpy model; return
    its `RunRecord` (times in hours).

    ``count_events=True`` steps the simulation one simpy event at a time to count them in
    ``RunRecord.events`` (slower; for reporting, not for timing); otherwise ``events`` is 0.
    """
    return SimpyModel(net, cohort).run(count_events)


class Pool:
    """Interchangeable units of one kind at one facility — its beds, the women in labour its
    midwives on duty can care for, or the caesareans its theatres can run at once — whose
    number (``capacity``) a dated policy may change.

    ``in_use`` may exceed ``capacity`` after a cut: the units owed are repaid as they are
    freed, before anyone waiting is served. Women waiting are served first come, first served
    within a priority, priority 0 first. Counts are units (beds, women, caesareans).
    """

    def __init__(self, env: simpy.Environment, capacity: int, priorities: int = 1):
        """A pool of ``capacity`` units, none in use, with ``priorities`` empty queues."""
        self.env = env
        self.capacity = capacity
        self.in_use = 0
        self.waiting: tuple[deque[simpy.Event], ...] = tuple(deque() for _ in range(priorities))
        # Spans with more units in use than the capacity: (start, end) hours, and the start of
        # the one under way (None: none).
        self.over: list[tuple[float, float]] = []
        self.over_since: float | None = None

    def has_free(self) -> bool:
        """Whether a unit is free now (none is while units are owed after a cut)."""
        return self.in_use < self.capacity

    def take(self) -> None:
        """Take a unit seen free (a bed: women never wait for one, they go elsewhere), or, for a
        woman who may not be turned away (care under the ratio rule, a delivery bed for a woman
        already admitted), one more than the capacity."""
        self.in_use += 1
        self.track()

    def track(self) -> None:
        """Open a span over the capacity when more units are in use than it, close and record
        it when no more are."""
        if self.in_use > self.capacity:
            if self.over_since is None:
                self.over_since = self.env.now
        elif self.over_since is not None:
            self.over.append((self.over_since, self.env.now))
            self.over_since = None

    def request(self, priority: int = 0) -> simpy.Event:
        """An event that succeeds when a unit is hers: at once when one is free, else when
        the women waiting before her (in her priority and the ones before it) are served."""
        granted = self.env.event()
        self.waiting[priority].append(granted)
        self.serve()
        return granted

    def release(self) -> None:
        """Give a unit back: it repays a unit owed, or goes to the first woman waiting."""
        self.in_use -= 1
        self.serve()
        self.track()

    def resize(self, capacity: int) -> None:
        """Set the number of units from now on; added units go to women waiting at once."""
        self.capacity = capacity
        self.serve()
        self.track()

    def serve(self) -> None:
        """Hand free units to the women waiting, in order."""
        while self.in_use < self.capacity:
            queue = next((q for q in self.waiting if q), None)
            if queue is None:
                return
            self.in_use += 1
            queue.popleft().succeed()


class SimpyModel:
    """One replication: each facility's beds, midwives and theatres as `Pool`, the
    rules in force, and one simpy process per woman (`woman`)."""

    def __init__(self, net: Network, cohort: Cohort):
        """The region ``net`` as built, with the women of ``cohort`` still to arrive."""
        self.net = net
        # The women's attributes as plain lists (cohort order): cheaper to index than numpy.
        self.c = SimpleNamespace(**{k: v.tolist() for k, v in vars(cohort).items()})
        self.admit_h = cohort.admit_h
        self.order: list[list[int]] = net.order.tolist()
        self.travel_h: list[list[float]] = net.travel_h.tolist()
        self.env = env = simpy.Environment()
        n = len(cohort)

        # What each facility has (head-counts change with the policy steps) and the rules in
        # force: whether it takes women to deliver now, and who may deliver where.
        built = net.capacity.built
        self.headcount = [{"midwives": c.midwives, "obstetricians": c.obstetricians,
                           "theatres": c.theatres} for c in built]
        # Ward beds (or a facility's one pool of beds) and delivery beds (two pools only).
        self.beds = [Pool(env, c.beds) for c in built]
        self.delivery = [Pool(env, c.delivery_beds) for c in built]
        self.two_pools = list(net.two_pools)
        self.midwives = [Pool(env, net.labour_capacity(c.midwives)) for c in built]
        self.theatres = [Pool(env, net.theatre_capacity(f, c.theatres, c.obstetricians),
                              priorities=2) for f, c in enumerate(built)]
        # A facility's own roster sets its labour places and caesareans at once by hour, from
        # those in force at midnight; it can operate when some shift can.
        self.roster_can_cs: dict[int, bool] = {}
        for f, c in enumerate(built):
            changes = net.shift_capacity(f, c.theatres, c.obstetricians)
            if changes:
                places, slots = net.at_midnight(f, c.theatres, c.obstetricians)
                self.midwives[f].capacity, self.theatres[f].capacity = places, slots
                self.roster_can_cs[f] = any(ch[2] > 0 for ch in changes)
        self.accepting = list(net.delivers)
        self.eligible = [list(row) for row in net.eligible]
        self.first_counted = int(np.searchsorted(cohort.admit_h, net.t_stats_h, side="left"))

        # What happens to each woman (cohort order), as in the RunRecord.
        self.first = [OUT_OF_REGION] * n
        self.facility = [-1] * n
        self.mode = [NOT_DELIVERED] * n
        self.delivered_h = [np.nan] * n
        self.turned_away = [False] * n
        self.out_of_region = [False] * n
        self.midwife_wait_h = [np.nan] * n
        self.labour_facility = [-1] * n
        self.labour_start_h = [0.0] * n
        self.ddi_min = [np.nan] * n
        self.bed_at = [-1] * n      # her bed's facility, -1 when she holds none
        self.bed_since = [0.0] * n
        self.bed_pool = [WARD] * n  # WARD, DELIVERY or BLOCKED
        self.blocked_since = [0.0] * n
        # (facility, start, end hours, WARD or DELIVERY)
        self.stays: list[tuple[int, float, float, int]] = []
        self.blocks: list[tuple[int, float, float]] = []  # (facility, start, end hours)
        self.flows: dict[tuple[int, int, int, int], int] = {}
        self.moves: list[tuple[float, int, int, int]] = []  # (hours, from, to, reason)

    # --- the rules in force ------------------------------------------------------------------

    def sent_on(self, w: int, start: int) -> list[int]:
        """The facilities woman ``w`` is sent on to from ``start``, in turn: the one its
        weighted split draws for her first (if it has one), then its referral order."""
        cum = self.net.split_cum[start]
        if cum[-1] <= 0:  # no split: the order alone
            return self.order[start]
        return walk(self.net.order[start], split_choice(cum, self.c.referral_u[w]))

    def can_caesarean(self, f: int) -> bool:
        """Whether ``f`` can run a caesarean now: a theatre with its obstetricians on duty (with
        its own roster: in some shift of the day; the others wait for it)."""
        if f in self.roster_can_cs:
            return self.roster_can_cs[f]
        return self.theatres[f].capacity > 0

    def may_deliver(self, w: int, f: int) -> bool:
        """Whether woman ``w`` may plan to deliver at ``f`` now: it takes women to deliver, her
        risk colour is allowed there, and it can operate if she needs a planned caesarean."""
        c = self.c
        return (self.accepting[f] and self.eligible[c.risk[w]][f]
                and (not c.planned_cs[w] or self.can_caesarean(f)))

    def planned_facility(self, w: int) -> tuple[int, int | None]:
        """Where woman ``w`` plans to deliver under the rules in force (``OUT_OF_REGION`` when
        nowhere) and why she was referred there (``None`` when it is where she booked)."""
        booked = self.c.booked[w]
        if self.may_deliver(w, booked):
            return booked, None
        # The risk rule alone: her booked facility delivers now, but not for her colour.
        # Otherwise it does not deliver now or cannot do her planned caesarean.
        risk_rule = self.accepting[booked] and not self.eligible[self.c.risk[w]][booked]
        target = next((g for g in self.sent_on(w, booked) if self.may_deliver(w, g)),
                      OUT_OF_REGION)
        return target, RISK_REFERRAL if risk_rule else PLANNED_REFERRAL

    # --- records -------------------------------------------------------------------------------

    def count_move(self, w: int, src: int, dst: int, reason: int) -> None:
        """Count a move of woman ``w`` from ``src`` to ``dst`` (``OUT_OF_REGION``: out of the
        region) now, in the flows of the calendar year it happens in, if she is counted."""
        if w >= self.first_counted:
            year = bisect_right(self.net.year_starts_h, self.env.now) - 1
            key = (year, src, dst, reason)
            self.flows[key] = self.flows.get(key, 0) + 1
            self.moves.append((self.env.now, src, dst, reason))

    def leave_region(self, w: int, src: int, reason: int) -> None:
        """Woman ``w`` is transferred out of the region from ``src``, for ``reason``."""
        self.out_of_region[w] = True
        self.count_move(w, src, OUT_OF_REGION, reason)

    def pool(self, f: int, kind: int) -> Pool:
        """The beds of ``kind`` at ``f``: its delivery beds for ``DELIVERY`` where it has two
        pools, else its ward beds (or its one pool)."""
        return self.delivery[f] if kind == DELIVERY and self.two_pools[f] else self.beds[f]

    def take_bed(self, w: int, f: int, kind: int = WARD) -> None:
        """Woman ``w`` takes a bed of ``kind`` at ``f`` now (free, or one more than the count
        for a woman already admitted who moves to a delivery bed)."""
        self.pool(f, kind).take()
        self.bed_pool[w] = DELIVERY if kind == DELIVERY and self.two_pools[f] else WARD
        self.bed_at[w], self.bed_since[w] = f, self.env.now

    def leave_bed(self, w: int) -> None:
        """Woman ``w`` leaves her bed now; her stay is recorded (and an access block that
        lasted to now)."""
        f, kind = self.bed_at[w], self.bed_pool[w]
        if kind == BLOCKED:
            self.blocks.append((f, self.blocked_since[w], self.env.now))
        self.stays.append((f, self.bed_since[w], self.env.now, WARD if kind == WARD else DELIVERY))
        self.bed_at[w] = -1
        (self.beds[f] if kind == WARD else self.delivery[f]).release()

    def move_bed(self, w: int, kind: int) -> None:
        """Woman ``w`` moves now to a bed of ``kind`` at her facility (two pools), taken
        already when it is a ward bed (she was served from the ward beds' queue or saw one
        free): her stay in the bed she leaves is recorded and that bed freed."""
        f = self.bed_at[w]
        if kind == DELIVERY:
            self.delivery[f].take()
        self.leave_bed(w)
        self.bed_at[w], self.bed_since[w], self.bed_pool[w] = f, self.env.now, kind

    def give_birth(self, w: int, f: int, at_h: float, mode: int) -> None:
        """Record that woman ``w`` gives birth at ``f`` at hour ``at_h`` by ``mode``."""
        self.facility[w], self.delivered_h[w], self.mode[w] = f, at_h, mode

    # --- the processes -------------------------------------------------------------------------

    def arrivals(self):
        """Start each woman's process at the hour she first needs a bed (cohort order)."""
        env = self.env
        for w, t in enumerate(self.c.admit_h):
            if t >= self.net.t_end_h:
                return
            if t > env.now:
                yield env.timeout(t - env.now)
            env.process(self.woman(w))

    def woman_in_bed_at_start(self, f: int, release_h: float):
        """A woman already in a bed at ``f`` when the simulation starts, who leaves after
        ``release_h`` hours (her stay is recorded to the end of the horizon at most)."""
        self.beds[f].take()
        self.stays.append((f, 0.0, min(release_h, self.net.t_end_h), WARD))
        yield self.env.timeout(release_h)
        self.beds[f].release()

    def woman(self, w: int):
        """Woman ``w``'s pathway, from her first need of a bed to her discharge (steps 1-6 of
        the module's description)."""
        env, c = self.env, self.c

        # 1. Where she plans to deliver.
        target, reason = self.planned_facility(w)
        if reason is not None:
            self.count_move(w, c.booked[w], target, reason)
        self.first[w] = target
        if target == OUT_OF_REGION:
            self.out_of_region[w] = True
            return

        # 2. A bed there, or at the first facility in its referral order that has one: a
        # delivery bed if she comes in labour (where there are two pools), else a ward bed.
        kind = DELIVERY if not c.planned_cs[w] and c.admit_h[w] >= c.event_h[w] else WARD
        if self.pool(target, kind).has_free():
            f, there_h = target, env.now
        else:
            self.turned_away[w] = True
            elsewhere = next((g for g in self.sent_on(w, target)
                              if self.may_deliver(w, g) and self.pool(g, kind).has_free()), None)
            if elsewhere is None:
                self.leave_region(w, target, NO_BED)
                return
            self.count_move(w, target, elsewhere, NO_BED)
            f, there_h = elsewhere, env.now + self.travel_h[target][elsewhere]
        self.take_bed(w, f, kind)

        # 3. Her labour (or planned caesarean), not before she reaches her bed.
        start_h = max(c.event_h[w], there_h)
        if start_h > env.now:
            yield env.timeout(start_h - env.now)
        if c.planned_cs[w]:
            yield from self.caesarean(w, f, PLANNED)
        else:
            f = yield from self.labour(w, f)
            if f == OUT_OF_REGION:
                return

        # 6. Her postnatal stay, then discharge.
        stay_h = c.los_vaginal_h[w] if self.mode[w] == VAGINAL else c.los_caesarean_h[w]
        if self.bed_pool[w] == DELIVERY:
            yield from self.recovery(w, f, stay_h)
            return
        yield env.timeout(stay_h)
        self.leave_bed(w)

    def recovery(self, w: int, f: int, stay_h: float):
        """Woman ``w``, born in a delivery bed at ``f`` (two pools), stays there for her
        recovery, then moves to a ward bed for the rest of her postnatal stay of ``stay_h``
        hours from the birth; with no ward bed free she waits in the delivery bed (access
        block) until one is hers or her stay ends."""
        env = self.env
        born_h = env.now
        leaves_h = born_h + stay_h
        if not born_h + self.net.recovery_h < leaves_h:
            yield env.timeout(stay_h)
            self.leave_bed(w)
            return
        yield env.timeout(self.net.recovery_h)
        ward = self.beds[f]
        if ward.has_free():
            ward.take()
        else:
            self.bed_pool[w], self.blocked_since[w] = BLOCKED, env.now
            granted = ward.request()
            yield granted | env.timeout(leaves_h - env.now)
            if not granted.triggered:  # her stay ended in the delivery bed
                ward.waiting[0].remove(granted)
                self.leave_bed(w)
                return
        self.move_bed(w, WARD)
        yield env.timeout(leaves_h - env.now)
        self.leave_bed(w)

    def labour(self, w: int, f: int):
        """Steps 3-5 for woman ``w`` in labour at ``f``: a midwife, the end of labour, and a
        birth, an emergency caesarean or an emergency transfer. Returns the facility where she
        gave birth, or ``OUT_OF_REGION`` when she was transferred out of the region."""
        env, net, c = self.env, self.net, self.c
        if self.two_pools[f] and self.bed_pool[w] == WARD:
            self.move_bed(w, DELIVERY)
        self.labour_facility[w], self.labour_start_h[w] = f, env.now
        if net.midwife_ratio:  # care at once, over the places if need be (recorded)
            self.midwives[f].take()
        else:
            yield self.midwives[f].request()
        self.midwife_wait_h[w] = env.now - self.labour_start_h[w]
        yield env.timeout(c.labour_h[w])
        self.midwives[f].release()

        # 4. The end of labour: what does she need, and can this facility provide it?
        cs, cc = c.emergency_cs[w], c.complication[w]
        if not ((cs and not self.can_caesarean(f)) or (cc and not net.has_critical_care[f])):
            if cs:
                yield from self.caesarean(w, f, EMERGENCY, decided_h=env.now)
            else:
                self.give_birth(w, f, env.now, VAGINAL)
            return f

        # An emergency transfer to the first facility that delivers, has what she needs and a
        # free bed (a delivery bed where it has two pools); her bed here is freed first.
        self.leave_bed(w)
        g = next((g for g in self.sent_on(w, f)
                  if self.accepting[g] and (not cs or self.can_caesarean(g))
                  and (not cc or net.has_critical_care[g])
                  and self.pool(g, DELIVERY).has_free()), None)
        if g is None:
            self.leave_region(w, f, EMERGENCY_TRANSFER)
            return OUT_OF_REGION
        self.count_move(w, f, g, EMERGENCY_TRANSFER)
        self.take_bed(w, g, DELIVERY)
        decided_h = env.now
        yield env.timeout(self.travel_h[f][g])
        if cs:
            yield from self.caesarean(w, g, EMERGENCY, decided_h=decided_h)
        else:
            self.give_birth(w, g, env.now, VAGINAL)
        return g

    def caesarean(self, w: int, f: int, priority: int, decided_h: float = 0.0):
        """Step 5 for woman ``w`` at ``f``: wait for a theatre (``EMERGENCY`` before
        ``PLANNED``), then the baby is born; for an emergency, ``decided_h`` is the hour of the
        decision and the birth comes after her preparation time."""
        env, c = self.env, self.c
        yield self.theatres[f].request(priority)
        env.process(self.operation(f, c.theatre_h[w]))
        if priority == PLANNED:
            self.give_birth(w, f, env.now, PLANNED_CS)
            return
        # Recorded now: once the theatre is hers the birth is certain.
        born_h = env.now + c.preparation_h[w]
        self.ddi_min[w] = (born_h - decided_h) * 60.0
        self.give_birth(w, f, born_h, EMERGENCY_CS)
        yield env.timeout(c.preparation_h[w])

    def operation(self, f: int, hours: float):
        """A theatre of ``f`` stays busy for the ``hours`` of the operation."""
        yield self.env.timeout(hours)
        self.theatres[f].release()

    def policy_steps(self):
        """Carry out the plan's policy steps, each on its date (in date order)."""
        env = self.env
        for step in self.net.policy:
            if step.t_h > env.now:
                yield env.timeout(step.t_h - env.now)
            self.apply(step)

    def apply(self, step: PolicyStep) -> None:
        """One policy step at its facility: beds, and the capacities its new head-counts give,
        from now on (units owed after a cut are repaid as they are freed); deliveries stopped
        or started."""
        net, f = self.net, step.facility
        staff = self.headcount[f]
        staff["midwives"] += step.midwives
        staff["obstetricians"] += step.obstetricians
        staff["theatres"] += step.theatres
        self.beds[f].resize(self.beds[f].capacity + step.beds)
        self.delivery[f].resize(self.delivery[f].capacity + step.delivery_beds)
        if f not in self.roster_can_cs:  # its own roster sets its staff on duty
            self.midwives[f].resize(net.labour_capacity(staff["midwives"]))
            self.theatres[f].resize(net.theatre_capacity(f, staff["theatres"],
                                                         staff["obstetricians"]))
        if step.delivers is not None:
            self.accepting[f] = step.delivers

    def shifts(self, f: int):
        """Set facility ``f``'s labour places and caesareans at once to those of each shift of
        its own roster as it starts, day after day."""
        env, net = self.env, self.net
        c = net.capacity.built[f]
        changes = net.shift_capacity(f, c.theatres, c.obstetricians)
        day = 0.0
        while True:
            for hour, places, slots in changes:
                at = day + hour
                if at <= 0.0:
                    continue  # in force at the start already
                yield env.timeout(at - env.now)
                self.midwives[f].resize(places)
                self.theatres[f].resize(slots)
            day += 24.0

    def referral_changes(self):
        """Set the eligibility rules in force (who may deliver where), each on its date."""
        env = self.env
        for t_h, eligible in self.net.eligibility_changes:
            if t_h > env.now:
                yield env.timeout(t_h - env.now)
            self.eligible = [list(row) for row in eligible]

    # --- the run -------------------------------------------------------------------------------

    def run(self, count_events: bool = False) -> RunRecord:
        """Run to the end of the horizon; return the RunRecord (times in hours)."""
        env, net, c = self.env, self.net, self.c
        for f, release_h in zip(c.initial_facility, c.initial_release_h, strict=True):
            env.process(self.woman_in_bed_at_start(f, release_h))
        # Started before the arrivals, so that a change dated at the start applies first.
        env.process(self.policy_steps())
        for f in self.roster_can_cs:
            if len(net.shifts[f]) > 1:
                env.process(self.shifts(f))
        env.process(self.referral_changes())
        env.process(self.arrivals())
        events = 0
        if count_events:
            while env.peek() < net.t_end_h:
                env.step()
                events += 1
        else:
            env.run(until=net.t_end_h)
        return self.record(events)

    def record(self, events: int) -> RunRecord:
        """The replication's RunRecord; bed stays still open close at the end of the horizon."""
        net = self.net
        still = np.asarray(self.bed_at, dtype=np.int32)
        open_w = np.flatnonzero(still >= 0)
        stays = np.asarray(self.stays, dtype=float).reshape(-1, 4)
        since = np.asarray(self.bed_since, dtype=float)
        moves = np.asarray(self.moves, dtype=float).reshape(-1, 4)
        pool = np.asarray(self.bed_pool, dtype=np.int8)
        blocks = self.blocks + [(f, self.blocked_since[w], net.t_end_h) for w, f in
                                enumerate(self.bed_at) if f >= 0 and pool[w] == BLOCKED]
        block = np.asarray(blocks, dtype=float).reshape(-1, 3)
        over = [(f, a, b) for f, p in enumerate(self.midwives)
                for a, b in p.over + ([(p.over_since, net.t_end_h)]
                                      if p.over_since is not None else [])]
        over_a = np.asarray(over, dtype=float).reshape(-1, 3)
        return RunRecord(
            admit_h=self.admit_h,
            first=np.asarray(self.first, dtype=np.int32),
            facility=np.asarray(self.facility, dtype=np.int32),
            mode=np.asarray(self.mode, dtype=np.int8),
            delivered_h=np.asarray(self.delivered_h, dtype=float),
            turned_away=np.asarray(self.turned_away, dtype=bool),
            out_of_region=np.asarray(self.out_of_region, dtype=bool),
            midwife_wait_h=np.asarray(self.midwife_wait_h, dtype=float),
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
            move_t_h=moves[:, 0],
            move_src=moves[:, 1].astype(np.int64),
            move_dst=moves[:, 2].astype(np.int64),
            move_why=moves[:, 3].astype(np.int64),
            booked=np.asarray(self.c.booked, dtype=np.int32),
            stay_pool=np.concatenate([stays[:, 3].astype(np.int8),
                                      np.minimum(pool[open_w], DELIVERY)]),
            block_facility=block[:, 0].astype(np.int32),
            block_start_h=block[:, 1], block_end_h=block[:, 2],
            over_facility=over_a[:, 0].astype(np.int32),
            over_start_h=over_a[:, 1], over_end_h=over_a[:, 2],
        )


# --- comparing two records of the same women -----------------------------------------------------

#: Per-woman fields of a RunRecord compared exactly.
DISCRETE = ("first", "facility", "mode", "turned_away", "out_of_region", "labour_facility",
            "in_bed_at_end")
#: Per-woman times, compared as readings of the simulation clock (hours).
TIMES = ("delivered_h", "midwife_wait_h", "labour_start_h", "ddi_min")
#: simpy schedules an event at ``now + delay``: a woman sent on to an absolute hour (her
#: arrival, her labour onset) may reach it a rounding error (an ulp) away, and the times built
#: on it keep that error. Clock readings agree to this relative tolerance.
TIME_RTOL = 1e-9


def clock_readings(record: RunRecord) -> dict[str, np.ndarray]:
    """The per-woman times of ``record`` as readings of the simulation clock (hours), by
    field: a wait as the hour her midwife came, a decision-to-delivery interval as the hour of
    the decision. A rounding error of the clock is then relative to the reading, not to a
    short duration measured between two readings."""
    return {
        "delivered_h": record.delivered_h,
        "midwife_wait_h": record.labour_start_h + record.midwife_wait_h,
        "labour_start_h": record.labour_start_h,
        "ddi_min": record.delivered_h - record.ddi_min / 60.0,
    }


def differences(a: RunRecord, b: RunRecord) -> list[str]:
    """The fields in which two RunRecords of the same cohort differ (an empty list when none):
    outcomes exactly, times as clock readings to ``TIME_RTOL`` relative, the flows exactly, and
    the bed stays (in any order; their hours to ``TIME_RTOL``)."""
    out = [k for k in DISCRETE if not np.array_equal(getattr(a, k), getattr(b, k))]
    clock_a, clock_b = clock_readings(a), clock_readings(b)
    out += [k for k in TIMES if not np.allclose(clock_a[k], clock_b[k], rtol=TIME_RTOL, atol=0,
                                                equal_nan=True)]
    if a.flows != b.flows:
        out.append("flows")
    for name, fac, start, end, pool in (
            ("stays", "stay_facility", "stay_start_h", "stay_end_h", "stay_pool"),
            ("access blocks", "block_facility", "block_start_h", "block_end_h", None),
            ("spans over the midwife ratio", "over_facility", "over_start_h", "over_end_h",
             None)):
        spans = []
        for r in (a, b):
            f = getattr(r, fac).astype(np.int64)
            if pool is not None:  # the pool as part of the facility, to sort and compare
                f = f * 2 + getattr(r, pool)
            order = np.lexsort((getattr(r, end), getattr(r, start), f))
            spans.append((f[order], getattr(r, start)[order], getattr(r, end)[order]))
        (fa, sa, ea), (fb, sb, eb) = spans
        if not (np.array_equal(fa, fb) and np.allclose(sa, sb, rtol=TIME_RTOL, atol=0)
                and np.allclose(ea, eb, rtol=TIME_RTOL, atol=0)):
            out.append(name)
    return out
