"""The referral rule: where a woman may deliver, where she plans to deliver, and where she is
sent when her facility has no free bed or lacks what an emergency needs.

* **Eligibility.** A facility is eligible for a risk colour when its level is at least the
  colour's minimum and it has every capability the colour's rule asks for
  (`allows`), and it delivers on the day (`ReferralRule.may_deliver`).
* **Planned destination.** She plans to deliver where she booked when it delivers on that
  day, is eligible for her colour under the rules in force that day, and, for a planned
  caesarean, can run a caesarean (the capability and at least one theatre with an on-duty
  obstetrician); otherwise at the first facility of her booked facility's referral order
  that satisfies the same, or out of the region when none does
  (`ReferralRule.destination`). The move is a *risk referral* when her booked facility
  delivers on that day but her colour may not deliver there, and a *planned referral*
  otherwise (it does not deliver that day, or cannot run her planned caesarean).
* **Walks along the referral order** (`referral_orders`): with no free bed where she
  goes, the facilities where she may deliver, in order (`ReferralRule.diversion`); for
  an emergency caesarean or a complication her facility cannot treat, the delivering
  facilities with the capability, in order (`ReferralRule.transfer`). Beds are the
  engine's to count: the walk takes the first with a free bed.

Rules and capacities change at their dates (`capsim.scenario.models.Referral.
eligibility_schedule`, `capsim.scenario.calendar.capacity_schedule`); a change dated at
00:00 counts from its own day on. The compiled engine mirrors this module in its pathway
steps; the tests hold the two to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from capsim.scenario.base import LEVEL_RANK, RISK_COLOURS
from capsim.scenario.calendar import (
    Capacity,
    CapacitySchedule,
    caesarean_slots,
    capacity_schedule,
)

if TYPE_CHECKING:
    from capsim.scenario.models import Eligibility, Facility, Scenario

#: Destination index of "out of the region".
OUT_OF_REGION = -1

#: Why a woman plans to deliver somewhere else than where she booked ("none": she does not).
PLANNED_REASONS: tuple[str, ...] = ("none", "planned_referral", "risk_referral")


def allows(facility: Facility, rule: Eligibility) -> bool:
    """True when the facility's level and capabilities satisfy an eligibility rule (whether it
    delivers is not asked: a policy may start or stop its deliveries)."""
    return (LEVEL_RANK[facility.level] >= LEVEL_RANK[rule.min_level]
            and set(rule.capabilities) <= set(facility.capabilities))


def check_every_colour_has_a_facility(scenario: Scenario,
                                      schedule: CapacitySchedule | None = None) -> None:
    """Raise ValueError when a risk colour with women has no facility where it may deliver:
    under the scenario's own rules among the facilities delivering as built, under each
    dated change among those delivering as built or started by some policy change.
    ``schedule``: the scenario's `capacity_schedule`, when the caller has it already."""
    schedule = capacity_schedule(scenario) if schedule is None else schedule
    ever = [any(c.delivers for c in (built, *(s.after for s in schedule.steps if s.facility == i)))
            for i, built in enumerate(schedule.built)]
    for when, rules in scenario.referral.eligibility_schedule():
        where = ("referral.eligibility" if when is None
                 else f"referral.changes[{when}].eligibility")
        delivering = [c.delivers for c in schedule.built] if when is None else ever
        for colour in RISK_COLOURS:
            if scenario.demand.risk_mix.get(colour, 0) <= 0:
                continue
            rule = rules.get(colour)
            if rule is None:
                raise ValueError(f"{where} has no rule for risk colour {colour!r}")
            if not any(on and allows(f, rule)
                       for f, on in zip(scenario.facilities, delivering, strict=True)):
                raise ValueError(
                    f"{where}.{colour}: no facility delivers at level "
                    f"{rule.min_level} or above with capabilities "
                    f"{list(rule.capabilities) or 'none'}, so {colour} women could deliver "
                    "nowhere"
                )


def eligibility_by_date(scenario: Scenario) -> list[tuple[date | None, tuple[tuple[bool, ...],
                                                                            ...]]]:
    """The eligibility rules in force from each date on (None: from the start) as flags
    [risk colour][facility] by level and capabilities (`allows`), in date order."""
    facs = scenario.facilities
    return [(when, tuple(tuple(allows(f, rules[c]) for f in facs) for c in RISK_COLOURS))
            for when, rules in scenario.referral.eligibility_schedule()]


def travel_hours(scenario: Scenario) -> np.ndarray:
    """Travel time between every two facilities (hours), read-only [from, to]: the scenario's
    transfers both ways, its default for pairs not listed, 0 on the diagonal."""
    index = {f.id: i for i, f in enumerate(scenario.facilities)}
    n = len(index)
    ref = scenario.referral
    travel = np.full((n, n), ref.default_transfer_minutes / 60.0)
    np.fill_diagonal(travel, 0.0)
    for t in ref.transfers:
        a, b = index[t.between[0]], index[t.between[1]]
        travel[a, b] = travel[b, a] = t.minutes / 60.0
    travel.setflags(write=False)
    return travel


def referral_orders(scenario: Scenario, travel: np.ndarray) -> np.ndarray:
    """For each facility, the others in the order a woman is sent on: those its rule lists,
    then the rest by travel time (``travel``, hours), higher level first, then position in
    the file. Returns a read-only int32 array [facility, k]; a province of 1,000 facilities
    (a million entries) compiles in a fraction of a second."""
    facs = scenario.facilities
    index = {f.id: i for i, f in enumerate(facs)}
    n = len(facs)
    rank = np.asarray([LEVEL_RANK[f.level] for f in facs])
    position = np.arange(n)
    by_preference = np.lexsort((np.broadcast_to(position, (n, n)),
                                np.broadcast_to(-rank, (n, n)), travel), axis=-1)
    orders = np.empty((n, max(n - 1, 0)), dtype=np.int32)
    for i, f in enumerate(facs):
        row = by_preference[i]
        listed = list(dict.fromkeys(index[x] for x in scenario.referral.order.get(f.id, ())
                                    if index[x] != i))
        if listed:
            skip = {i, *listed}
            orders[i] = listed + [j for j in row.tolist() if j not in skip]
        else:
            orders[i] = row[row != i]
    orders.setflags(write=False)
    return orders


def split_weights(scenario: Scenario) -> np.ndarray:
    """For each facility, the cumulative shares of its weighted referral split over the
    facilities (``referral.split``), [from, to] floats ending at 1; a row of zeros for a
    facility without one. Read-only."""
    ids = [f.id for f in scenario.facilities]
    cum = np.zeros((len(ids), len(ids)))
    for fid, weights in scenario.referral.split.items():
        row = np.zeros(len(ids))
        for tid, w in weights.items():
            row[ids.index(tid)] = w
        cum[ids.index(fid)] = np.cumsum(row) / row.sum()
        cum[ids.index(fid), -1] = 1.0  # exactly, whatever the rounding of the sum
    cum.setflags(write=False)
    return cum


def split_choice(cum_row: np.ndarray, u: float) -> int:
    """The facility a woman with uniform number ``u`` in [0, 1) tries first under a split of
    cumulative shares ``cum_row`` (see `split_weights`); -1 when the row is no split.
    The compiled pathway's ``split_choice`` is the same rule."""
    if cum_row[-1] <= 0:
        return -1
    return int(np.searchsorted(cum_row, u, side="right"))


def walk(order_row: np.ndarray, first: int) -> list[int]:
    """The facilities a woman is sent on to, in turn: ``first`` (a split's choice; -1 for
    none) and then the referral order ``order_row`` without it."""
    rest = [int(g) for g in order_row if g != first]
    return rest if first < 0 else [first, *rest]


@dataclass(frozen=True)
class Destination:
    """Where she plans to deliver: a facility index (`OUT_OF_REGION` for none in the
    region) and why she goes there (one of `PLANNED_REASONS`)."""

    facility: int
    reason: str


class ReferralRule:
    """The referral rule of a scenario on every date: eligibility, planned destination and
    the walks along the referral order. Facilities are indices in the scenario's order."""

    def __init__(self, scenario: Scenario) -> None:
        facs = scenario.facilities
        self.ids: tuple[str, ...] = tuple(f.id for f in facs)
        self.order = referral_orders(scenario, travel_hours(scenario))
        self._split = split_weights(scenario)
        (_, self._initial_rules), *changes = eligibility_by_date(scenario)
        # Only the first entry is undated (in force from the start); every change has a date.
        self._rule_changes = [(when, flags) for when, flags in changes if when is not None]
        self._capacity = capacity_schedule(scenario)
        self._has_caesarean = tuple("caesarean" in f.capabilities for f in facs)
        self._has_critical_care = tuple("critical_maternal_care" in f.capabilities
                                        for f in facs)
        pathway = scenario.pathway
        self._on_duty = pathway.roster.on_duty
        self._per_caesarean = pathway.obstetricians_per_caesarean
        self._in_force = lru_cache(maxsize=256)(self._state)

    def change_dates(self) -> list[date]:
        """Dates from which a destination or a walk may differ: changes of the eligibility
        rules, of whether a facility delivers, and of its theatres or obstetricians."""
        rules = {when for when, _ in self._rule_changes}
        return sorted(rules | set(self._capacity.change_dates("delivers", "theatres",
                                                              "obstetricians")))

    def _state(self, day: date) -> tuple[tuple[tuple[bool, ...], ...], tuple[bool, ...],
                                         tuple[bool, ...]]:
        """(eligibility [risk][facility], delivers [facility], can run a caesarean
        [facility]) in force on ``day``."""
        rules = self._initial_rules
        for when, flags in self._rule_changes:
            if when > day:
                break
            rules = flags
        capacity: tuple[Capacity, ...] = self._capacity.on(day)
        can_cs = tuple(caesarean_slots(cs, c.theatres, self._on_duty(c.obstetricians),
                                       self._per_caesarean) > 0
                       for cs, c in zip(self._has_caesarean, capacity, strict=True))
        return rules, tuple(c.delivers for c in capacity), can_cs

    def may_deliver(self, facility: int, colour: str, planned_caesarean: bool,
                    day: date) -> bool:
        """Whether a woman of ``colour`` (with a planned caesarean or not) may deliver at
        ``facility`` on ``day``: it delivers, it is eligible for her colour and, for a planned
        caesarean, it can run one."""
        rules, delivers, can_cs = self._in_force(day)
        return (delivers[facility] and rules[RISK_COLOURS.index(colour)][facility]
                and (not planned_caesarean or can_cs[facility]))

    def destination(self, booked: int, colour: str, planned_caesarean: bool,
                    day: date) -> Destination:
        """Where a woman who booked at ``booked`` plans to deliver on ``day``, and why."""
        if self.may_deliver(booked, colour, planned_caesarean, day):
            return Destination(booked, "none")
        rules, delivers, _ = self._in_force(day)
        risk = delivers[booked] and not rules[RISK_COLOURS.index(colour)][booked]
        reason = "risk_referral" if risk else "planned_referral"
        to = next((int(g) for g in self.order[booked]
                   if self.may_deliver(int(g), colour, planned_caesarean, day)), OUT_OF_REGION)
        return Destination(to, reason)

    def destinations(self, booked: int, colour: str, planned_caesarean: bool,
                     day: date) -> list[tuple[Destination, float]]:
        """Where the women of ``colour`` who booked at ``booked`` plan to deliver on ``day``,
        with the share of them going to each: `destination`, or, when ``booked`` splits
        its referrals by weight, each first choice of the split with its share (a choice that
        may not take her sends her on along the order)."""
        first = self.destination(booked, colour, planned_caesarean, day)
        cum = self._split[booked]
        if first.reason == "none" or cum[-1] <= 0:
            return [(first, 1.0)]
        shares: dict[int, float] = {}
        for choice, share in enumerate(np.diff(cum, prepend=0.0)):
            if share > 0:
                to = next((g for g in walk(self.order[booked], choice)
                           if self.may_deliver(g, colour, planned_caesarean, day)),
                          OUT_OF_REGION)
                shares[to] = shares.get(to, 0.0) + float(share)
        return [(Destination(to, first.reason), share) for to, share in shares.items()]

    def diversion(self, facility: int, colour: str, planned_caesarean: bool,
                  day: date) -> list[int]:
        """The facilities a woman is sent to from ``facility`` on ``day`` when it has no free
        bed for her, in order: those of its referral order where she may deliver."""
        return [int(g) for g in self.order[facility]
                if self.may_deliver(int(g), colour, planned_caesarean, day)]

    def transfer(self, facility: int, caesarean: bool, critical_care: bool,
                 day: date) -> list[int]:
        """The facilities an emergency transfer from ``facility`` on ``day`` tries, in order:
        those of its referral order that deliver and can run a caesarean (when she needs one)
        and have critical maternal care (when she needs it); the risk rule does not apply."""
        _, delivers, can_cs = self._in_force(day)
        return [int(g) for g in self.order[facility]
                if delivers[g] and (not caesarean or can_cs[g])
                and (not critical_care or self._has_critical_care[g])]


# --- Newborn cots and paediatric beds --------------------------------------------------------

def care_eligibility(scenario: Scenario, beds: np.ndarray, min_levels: tuple[str, ...],
                     bed_of_need: tuple[int, ...],
                     only: tuple[frozenset[int] | None, ...]) -> np.ndarray:
    """Which facilities may admit each need of a line of care (newborn cots, paediatric
    beds): read-only bool array [need, facility]. A facility admits a need when it has beds
    of the need's type (``beds`` [facility, bed type], ``bed_of_need``), its level is at
    least the need's minimum (``min_levels``) and, when ``only`` names facilities for the
    need (a role such as a newborn critical care centre), it is one of them."""
    rank = np.asarray([LEVEL_RANK[f.level] for f in scenario.facilities])
    out = np.zeros((len(min_levels), rank.shape[0]), dtype=bool)
    for k, (level, b, allowed) in enumerate(zip(min_levels, bed_of_need, only, strict=True)):
        out[k] = (beds[:, b] > 0) & (rank >= LEVEL_RANK[level])
        if allowed is not None:
            out[k] &= np.isin(np.arange(rank.shape[0]), sorted(allowed))
    out.setflags(write=False)
    return out


def care_walk(order: np.ndarray, eligible: np.ndarray, facility: int, need: int) -> list[int]:
    """The facilities a patient whose ``need`` her ``facility`` cannot meet (no such care, or
    no free bed) is sent to, in order: those of its referral order (``order``, as
    `referral_orders` gives it) that admit the need (``eligible`` [need, facility], as
    `care_eligibility` gives it). Beds are the admissions loop's to count
    (`capsim.model.admissions`): it takes the first with a free bed."""
    return [int(g) for g in order[facility] if eligible[need, g]]
