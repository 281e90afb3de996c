"""The calendar of a scenario: the years of its horizon, and the capacity of every facility
from each dated policy change on.

Everything that reports by year (the network's year starts, the planned readings, sizing's
facility-years) takes its years from `horizon_years` or `year_spans`, and
everything that needs the beds, head-counts, theatres or whether a facility delivers at some
date (validation, the planned readings, the daily capacity of the results, sizing) reads them
from one `CapacitySchedule`, so that they cannot disagree about a change's date. The newborn
cots by level and the paediatric beds of each facility (`CARE_FIELDS`) are part of the same
schedule: the admissions loop of newborns and children and their yearly metrics read them from
it too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from capsim.scenario.newborn import NEWBORN_LEVELS

if TYPE_CHECKING:
    from capsim.scenario.models import Facility, Horizon, PolicyChange, Scenario

#: The capacities a policy change adds or removes, in the order of the scenario's fields.
CAPACITY_FIELDS = ("beds", "midwives", "obstetricians", "theatres")
#: The capacities of the lines of care a policy change adds or removes: newborn cots by level
#: (``<level>_cots``, level of `capsim.scenario.newborn.NEWBORN_LEVELS`) and paediatric beds.
CARE_FIELDS = ("special_cots", "intensive_cots", "paediatric_beds")


def cots_field(level: str) -> str:
    """The `Capacity` field of the newborn cots of ``level`` ("special", "intensive")."""
    return f"{level}_cots"


def horizon_years(horizon: Horizon, warmup: bool = False) -> list[int]:
    """Calendar years with at least one reported day, in order (years); with ``warmup``,
    those with at least one simulated day (the warm-up included)."""
    first = horizon.sim_start if warmup else horizon.start
    last = horizon.end - timedelta(days=1)
    return list(range(first.year, last.year + 1))


def year_spans(horizon: Horizon) -> list[tuple[int, date, date]]:
    """For each horizon year: (year, its first reported day, the day after its last reported
    day), so that the reported days of the year are ``first <= day < stop``."""
    return [(year, max(horizon.start, date(year, 1, 1)), min(horizon.end, date(year + 1, 1, 1)))
            for year in horizon_years(horizon)]


def caesarean_slots(has_caesarean: bool, theatres: int, obstetricians_on_duty: int,
                    obstetricians_per_caesarean: int) -> int:
    """Caesareans a facility can run at once (caesareans): its theatres, limited by the
    on-duty obstetricians; none without the caesarean capability."""
    if not has_caesarean:
        return 0
    return min(theatres, obstetricians_on_duty // obstetricians_per_caesarean)


@dataclass(frozen=True)
class Capacity:
    """What one facility has in force: beds and theatres (counts), midwives and obstetricians
    (head-counts), and whether it delivers."""

    beds: int
    midwives: int
    obstetricians: int
    theatres: int
    delivers: bool
    #: Delivery beds apart from the ward beds (``beds``); 0 at a facility with one pool.
    delivery_beds: int = 0
    #: Newborn cots of special care (level II) and of intensive care (level III), cots.
    special_cots: int = 0
    intensive_cots: int = 0
    #: Paediatric beds (beds).
    paediatric_beds: int = 0

    @classmethod
    def of(cls, facility: Facility, scenario: Scenario | None = None) -> Capacity:
        """The capacity a facility is built with; its cots and paediatric beds those of
        ``scenario``'s newborn and paediatric sections (0 without a scenario)."""
        care: dict[str, int] = {}
        if scenario is not None and scenario.newborn is not None:
            care |= {cots_field(level): scenario.newborn.cots_of(facility.id, level)
                     for level in NEWBORN_LEVELS}
        if scenario is not None and scenario.paediatric is not None:
            care["paediatric_beds"] = int(scenario.paediatric.beds.get(facility.id, 0))
        return cls(facility.beds, facility.midwives, facility.obstetricians, facility.theatres,
                   facility.delivers, facility.delivery_beds or 0, **care)

    def after(self, change: PolicyChange) -> Capacity:
        """This capacity with a policy change applied."""
        added = {k: getattr(self, k) + getattr(change, k) for k in CAPACITY_FIELDS}
        cots = {cots_field(level): getattr(self, cots_field(level)) + change.cots.of(level)
                for level in NEWBORN_LEVELS}
        return replace(self, **added, **cots,
                       delivers=self.delivers if change.delivers is None else change.delivers,
                       delivery_beds=self.delivery_beds + change.delivery_beds,
                       paediatric_beds=self.paediatric_beds + change.paediatric_beds)


@dataclass(frozen=True)
class CapacityStep:
    """One policy change: the facility (index) it changes, its capacity just ``before`` and
    the capacity in force there from ``date`` on (``after``)."""

    date: date
    facility: int
    before: Capacity
    after: Capacity
    change: PolicyChange

    @property
    def care_only(self) -> bool:
        """Whether the change touches only the lines of care (cots, paediatric beds): the
        maternity pathway then has nothing to do on its date, and does not see it."""
        c = self.change
        care = bool(c.paediatric_beds or c.cots.changed())
        maternity = any(getattr(c, k) for k in (*CAPACITY_FIELDS, "delivery_beds"))
        return care and not maternity and c.delivers is None


@dataclass(frozen=True)
class CapacitySchedule:
    """The capacity of every facility over time: as built, then one step per policy change in
    date order (changes of one date in the order of the scenario). Reported days are
    ``start <= day < end``."""

    ids: tuple[str, ...]
    built: tuple[Capacity, ...]
    steps: tuple[CapacityStep, ...]
    start: date
    end: date

    def on(self, day: date) -> tuple[Capacity, ...]:
        """The capacity of each facility in force on ``day``, after the changes dated up to
        it (a change dated at 00:00 counts from its own day on)."""
        now = list(self.built)
        for step in self.steps:
            if step.date > day:
                break
            now[step.facility] = step.after
        return tuple(now)

    def between(self, first: date, stop: date) -> list[tuple[Capacity, ...]]:
        """Every capacity of the facilities in force on some day from ``first`` to ``stop``
        (excluded): the one on ``first``, then one after each change dated inside."""
        now = list(self.on(first))
        out = [tuple(now)]
        for step in self.steps:
            if first < step.date < stop:
                now[step.facility] = step.after
                out.append(tuple(now))
        return out

    @property
    def maternity_steps(self) -> tuple[CapacityStep, ...]:
        """The steps the maternity pathway carries out: all but those that change only the
        lines of care (`CapacityStep.care_only`)."""
        return tuple(s for s in self.steps if not s.care_only)

    def change_dates(self, *fields: str) -> list[date]:
        """The dates on which some facility's ``fields`` (capacity names or ``delivers``; all
        when none is given) change, in order."""
        names = fields or (*CAPACITY_FIELDS, "delivers")
        return sorted({s.date for s in self.steps
                       if any(getattr(s.before, k) != getattr(s.after, k) for k in names)})

    def by_day(self, name: str) -> np.ndarray:
        """``name`` (a capacity field or ``delivers``) of each facility on each reported day,
        as floats [facility, day]."""
        days = (self.end - self.start).days
        out = np.repeat(np.asarray([getattr(c, name) for c in self.built], dtype=float)[:, None],
                        days, axis=1)
        for step in self.steps:
            d = (step.date - self.start).days
            if d < days:
                out[step.facility, max(d, 0):] = getattr(step.after, name)
        return out


def capacity_schedule(scenario: Scenario) -> CapacitySchedule:
    """The scenario's `CapacitySchedule`: each facility as built, then its policy
    changes in date order (head-counts as written; a change may leave a negative count, which
    validation rejects). Cots and paediatric beds are those of the scenario's newborn and
    paediatric sections, changed by the same policy entries."""
    ids = tuple(f.id for f in scenario.facilities)
    index = {fid: i for i, fid in enumerate(ids)}
    built = tuple(Capacity.of(f, scenario) for f in scenario.facilities)
    now = list(built)
    steps = []
    for ev in sorted(scenario.policy, key=lambda e: e.date):
        i = index[ev.facility]
        steps.append(CapacityStep(ev.date, i, now[i], now[i].after(ev), ev))
        now[i] = steps[-1].after
    h = scenario.horizon
    return CapacitySchedule(ids, built, tuple(steps), h.start, h.end)
