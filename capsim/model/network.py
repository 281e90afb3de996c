"""The region compiled for simulation: plain data derived once from a scenario.

Staff head-counts become on-duty capacities through the roster; capabilities become flags;
travel times become an hours matrix; referral orders become complete preference lists; policy
changes become dated capacity changes in simulation hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np

from capsim.kept import KeptByIdentity
from capsim.model.pathway import NetworkArrays
from capsim.scenario.calendar import (
    CapacitySchedule,
    caesarean_slots,
    capacity_schedule,
    year_spans,
)
from capsim.scenario.models import Facility, Roster, Scenario
from capsim.scenario.referral import (  # noqa: F401  (OUT_OF_REGION: the engine's "none")
    OUT_OF_REGION,
    eligibility_by_date,
    referral_orders,
    split_weights,
    travel_hours,
)
from capsim.scenario.units import two_bed_pools

#: Reasons a woman moves between facilities.
REASONS: tuple[str, ...] = ("planned_referral", "risk_referral", "no_bed", "emergency_transfer")


@dataclass(frozen=True)
class PolicyStep:
    """A dated change at one facility, in simulation hours and head-counts."""

    t_h: float
    facility: int
    beds: int
    midwives: int
    obstetricians: int
    theatres: int
    delivers: bool | None
    delivery_beds: int = 0


@dataclass(frozen=True)
class Network:
    """Facilities, capacities and rules of a scenario as plain Python data."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    levels: tuple[str, ...]
    has_caesarean: tuple[bool, ...]
    has_critical_care: tuple[bool, ...]
    eligible: tuple[tuple[bool, ...], ...]   # [risk][facility]: level and capabilities allow her
    # [from, to] hours, and [facility, k] the other facilities in order of preference (int32);
    # read-only arrays.
    travel_h: np.ndarray = field(compare=False)
    order: np.ndarray = field(compare=False)
    policy: tuple[PolicyStep, ...]
    t_stats_h: float      # start of reported results (end of warm-up), hours
    t_end_h: float        # end of the horizon, hours
    year_starts_h: tuple[float, ...]  # start of each calendar year inside the reported period
    years: tuple[int, ...]
    labour_per_midwife: int
    roster: Roster
    # Facilities with delivery beds apart from their ward beds (``beds`` are then ward beds).
    two_pools: tuple[bool, ...]
    # Each facility's own roster as (hour of day, midwives, obstetricians or None on duty) at
    # every change of its day, in hour order; () where the region's roster applies.
    shifts: tuple[tuple[tuple[int, int, int | None], ...], ...]
    midwife_ratio: bool       # midwife rule "ratio": care at once, time over places recorded
    recovery_h: float         # hours in the delivery bed after the birth (two pools)
    # [from, to] cumulative shares of each facility's weighted referral split (zeros: none);
    # read-only.
    split_cum: np.ndarray = field(compare=False)
    obstetricians_per_caesarean: int
    midwife_wait_target_min: float
    ddi_target_min: float
    # Beds, head-counts, theatres and deliveries of each facility as built, then from each
    # policy change on: the one statement of capacity over time.
    capacity: CapacitySchedule
    # Referral-rule changes: (hours, eligible[risk][facility] from then on), in time order.
    eligibility_changes: tuple[tuple[float, tuple[tuple[bool, ...], ...]], ...] = ()

    @property
    def n(self) -> int:
        """Number of facilities."""
        return len(self.ids)

    @property
    def delivers(self) -> tuple[bool, ...]:
        """Whether each facility delivers as built."""
        return tuple(c.delivers for c in self.capacity.built)

    @property
    def delivery_beds(self) -> tuple[int, ...]:
        """Delivery beds of each facility as built (0 with one pool of beds)."""
        return tuple(c.delivery_beds for c in self.capacity.built)

    @property
    def beds(self) -> tuple[int, ...]:
        """Beds of each facility as built."""
        return tuple(c.beds for c in self.capacity.built)

    @property
    def midwives(self) -> tuple[int, ...]:
        """Midwives of each facility as built (head-count, persons)."""
        return tuple(c.midwives for c in self.capacity.built)

    @property
    def obstetricians(self) -> tuple[int, ...]:
        """Obstetricians of each facility as built (head-count, persons)."""
        return tuple(c.obstetricians for c in self.capacity.built)

    @property
    def theatres(self) -> tuple[int, ...]:
        """Operating theatres of each facility as built."""
        return tuple(c.theatres for c in self.capacity.built)

    def on_duty(self, headcount: int) -> int:
        """Staff on duty at any moment for a head-count (persons)."""
        return self.roster.on_duty(headcount)

    def labour_capacity(self, midwives: int) -> int:
        """Women in labour that ``midwives`` (head-count) can care for at once."""
        return self.on_duty(midwives) * self.labour_per_midwife

    def theatre_capacity(self, facility: int, theatres: int, obstetricians: int) -> int:
        """Caesareans that can run at once: theatres limited by on-duty obstetricians."""
        return caesarean_slots(self.has_caesarean[facility], theatres,
                               self.on_duty(obstetricians), self.obstetricians_per_caesarean)

    def shift_capacity(self, facility: int, theatres: int,
                       obstetricians: int) -> list[tuple[float, int, int]]:
        """At each change of ``facility``'s own roster in the day: (hour of day, labour places,
        caesareans at once) from then on, with ``theatres`` and an ``obstetricians``
        head-count for the shifts that leave obstetricians to the region's roster; empty where
        the region's roster applies."""
        out = []
        for hour, midwives, obs in self.shifts[facility]:
            on_duty = self.on_duty(obstetricians) if obs is None else obs
            out.append((float(hour), midwives * self.labour_per_midwife,
                        caesarean_slots(self.has_caesarean[facility], theatres, on_duty,
                                        self.obstetricians_per_caesarean)))
        return out

    def at_midnight(self, facility: int, theatres: int, obstetricians: int) -> tuple[int, int]:
        """(labour places, caesareans at once) of ``facility``'s own roster at 00:00: those of
        a change at 00:00, else of the last change of the day (its shift runs past midnight).
        ValueError where the region's roster applies."""
        changes = self.shift_capacity(facility, theatres, obstetricians)
        if not changes:
            raise ValueError(f"{self.ids[facility]} has no roster of its own")
        _, places, slots = changes[0] if changes[0][0] == 0 else changes[-1]
        return places, slots

    @cached_property
    def kernel_inputs(self) -> NetworkArrays:
        """The network as the compiled loop takes it
        (`NetworkArrays`, by name): facility counters (free beds,
        women in labour the on-duty midwives can care for, caesareans that can run at once),
        whether each facility delivers now, caesarean and critical-care capability, travel
        hours, referral orders, eligibility [risk, facility], the policy steps with the
        capacity changes each makes worked out from the head-counts before and after it
        (`capacity`), and the referral-rule changes (hours, eligibility). Worked out
        once per network."""
        nf = self.n
        th_cap = [self.theatre_capacity(f, c.theatres, c.obstetricians)
                  for f, c in enumerate(self.capacity.built)]
        mw_cap = [self.labour_capacity(m) for m in self.midwives]
        n_shift = np.zeros(nf, dtype=np.int64)
        width = max(1, max(len(sh) for sh in self.shifts))
        shift_h = np.zeros((nf, width))
        shift_mw = np.zeros((nf, width), dtype=np.int64)
        shift_th = np.zeros((nf, width), dtype=np.int64)
        for f, c in enumerate(self.capacity.built):
            changes = self.shift_capacity(f, c.theatres, c.obstetricians)
            if changes:
                n_shift[f] = len(changes)
                shift_h[f, :len(changes)], shift_mw[f, :len(changes)], \
                    shift_th[f, :len(changes)] = zip(*changes, strict=True)
                mw_cap[f], th_cap[f] = self.at_midnight(f, c.theatres, c.obstetricians)
        pol: dict[str, list] = {k: [] for k in ("t", "f", "beds", "del", "mw_changed", "mw",
                                                "th_changed", "th", "can_cs", "delivers")}
        # The capacity over time is the calendar's (one place); the kernel takes each step as
        # the change in what can run at once, worked out from the head-counts before and after.
        for policy_step, step in zip(self.policy, self.capacity.maternity_steps, strict=True):
            f, old, new = step.facility, step.before, step.after
            th_new = self.theatre_capacity(f, new.theatres, new.obstetricians)
            for key, value in (
                    ("t", policy_step.t_h), ("f", f), ("beds", new.beds - old.beds),
                    ("del", new.delivery_beds - old.delivery_beds),
                    ("mw_changed", new.midwives != old.midwives),
                    ("mw", self.labour_capacity(new.midwives)
                     - self.labour_capacity(old.midwives)),
                    ("th_changed", (new.obstetricians, new.theatres)
                     != (old.obstetricians, old.theatres)),
                    ("th", th_new - self.theatre_capacity(f, old.theatres, old.obstetricians)),
                    ("can_cs", th_new > 0),
                    ("delivers", -1 if step.change.delivers is None
                     else int(step.change.delivers))):
                pol[key].append(value)
        n_risk = len(self.eligible)
        ints, flags = np.int64, bool
        can_cs = [any(ch[2] > 0 for ch in self.shift_capacity(f, c.theatres, c.obstetricians))
                  if self.shifts[f] else th_cap[f] > 0
                  for f, c in enumerate(self.capacity.built)]
        return NetworkArrays(
            free_beds=np.asarray(self.beds, dtype=ints),
            free_del=np.asarray(self.delivery_beds, dtype=ints),
            two_pools=np.asarray(self.two_pools, dtype=flags),
            free_mw=np.asarray(mw_cap, dtype=ints),
            free_th=np.asarray(th_cap, dtype=ints),
            accepting=np.asarray(self.delivers, dtype=flags),
            can_cs=np.asarray(can_cs, dtype=flags),
            has_cc=np.asarray(self.has_critical_care, dtype=flags),
            travel=self.travel_h,
            order=self.order,
            elig=np.asarray(self.eligible, dtype=flags).reshape(n_risk, nf),
            pol_t=np.asarray(pol["t"], dtype=float),
            pol_f=np.asarray(pol["f"], dtype=ints),
            pol_beds=np.asarray(pol["beds"], dtype=ints),
            pol_del=np.asarray(pol["del"], dtype=ints),
            pol_mw_changed=np.asarray(pol["mw_changed"], dtype=flags),
            pol_mw=np.asarray(pol["mw"], dtype=ints),
            pol_th_changed=np.asarray(pol["th_changed"], dtype=flags),
            pol_th=np.asarray(pol["th"], dtype=ints),
            pol_can_cs=np.asarray(pol["can_cs"], dtype=flags),
            pol_delivers=np.asarray(pol["delivers"], dtype=ints),
            elig_t=np.asarray([t for t, _ in self.eligibility_changes], dtype=float),
            elig_m=np.asarray([m for _, m in self.eligibility_changes], dtype=flags).reshape(
                len(self.eligibility_changes), n_risk, nf),
            n_shift=n_shift, shift_h=shift_h, shift_mw=shift_mw, shift_th=shift_th,
            ratio=np.asarray([self.midwife_ratio], dtype=flags),
            recovery_h=np.asarray([self.recovery_h], dtype=float),
            has_split=self.split_cum[:, -1] > 0 if nf else np.zeros(0, dtype=flags),
            split_cum=self.split_cum,
        )


def hours_since(start: date, when: date) -> float:
    """Hours from 00:00 of ``start`` to 00:00 of ``when``."""
    return (when - start).days * 24.0


#: How many scenario objects `compile_network` keeps the network of.
NETWORKS_KEPT = 8
_COMPILED: KeptByIdentity[Network] = KeptByIdentity(NETWORKS_KEPT)


def compile_network(scenario: Scenario) -> Network:
    """Compile a validated scenario into a `Network` for the engine: one network per scenario
    object (scenarios are frozen), so that the replications of a scenario share it and what is
    worked out once per network (the kernel's inputs, the lines of care, the periods of the
    results) is worked out once for all of them. The network is read, never changed."""
    return _COMPILED.get((scenario,), lambda: _compile(scenario))


def _compile(scenario: Scenario) -> Network:
    """The `Network` of ``scenario``, compiled anew."""
    facs = scenario.facilities
    travel = travel_hours(scenario)
    order = referral_orders(scenario, travel)
    h = scenario.horizon
    t0 = h.sim_start
    # Eligibility by level and capabilities only: whether a facility delivers is the engine's
    # state, since a policy may start or stop deliveries.
    schedule = eligibility_by_date(scenario)
    elig = schedule[0][1]
    elig_changes = tuple((hours_since(t0, when), m) for when, m in schedule if when is not None)
    capacity = capacity_schedule(scenario)
    policy = tuple(
        PolicyStep(hours_since(t0, step.date), step.facility, step.change.beds,
                   step.change.midwives, step.change.obstetricians, step.change.theatres,
                   step.change.delivers, step.change.delivery_beds)
        for step in capacity.maternity_steps
    )
    spans = year_spans(h)
    return Network(
        ids=tuple(f.id for f in facs),
        names=tuple(f.name for f in facs),
        levels=tuple(f.level for f in facs),
        has_caesarean=tuple("caesarean" in f.capabilities for f in facs),
        has_critical_care=tuple("critical_maternal_care" in f.capabilities for f in facs),
        eligible=elig,
        travel_h=travel,
        order=order,
        policy=policy,
        t_stats_h=hours_since(t0, h.start),
        t_end_h=hours_since(t0, h.end),
        year_starts_h=tuple(hours_since(t0, first) for _, first, _ in spans),
        years=tuple(year for year, _, _ in spans),
        labour_per_midwife=scenario.pathway.labour_capacity_per_midwife,
        roster=scenario.pathway.roster,
        two_pools=tuple(two_bed_pools(f) for f in facs),
        shifts=tuple(_shifts(f) for f in facs),
        midwife_ratio=scenario.pathway.midwife_rule == "ratio",
        recovery_h=scenario.pathway.recovery_hours,
        split_cum=split_weights(scenario),
        obstetricians_per_caesarean=scenario.pathway.obstetricians_per_caesarean,
        midwife_wait_target_min=scenario.pathway.midwife_wait_target_minutes,
        ddi_target_min=scenario.pathway.ddi_target_minutes,
        capacity=capacity,
        eligibility_changes=elig_changes,
    )


def _shifts(facility: Facility) -> tuple[tuple[int, int, int | None], ...]:
    """``facility``'s own roster as (hour, midwives, obstetricians or None) at each hour of the
    day its staff on duty change, in hour order (the first entry at the first change); () with
    no roster of its own, or one that never changes."""
    if facility.roster is None:
        return ()
    mw = facility.roster.midwives_on_duty()
    obs = facility.roster.obstetricians_on_duty()
    staff = [(mw[h], None if obs is None else obs[h]) for h in range(24)]
    changes = tuple((h, *staff[h]) for h in range(24) if staff[h] != staff[h - 1])
    # A roster that never changes is one shift all day: its staff from midnight on.
    return changes or ((0, *staff[0]),)
