"""A facility as a real maternity unit runs it: its own staff on duty by shift, and the rule
by which a midwife cares for women in labour.

A facility's `FacilityRoster` replaces the region's roster there: it says how many
midwives (and, optionally, obstetricians) are on duty in each shift of the day, or in each hour
of the day, as a unit's duty rota does; the facility's head-counts are the staff who cover it.
Shifts start on whole hours and last until the next shift starts (the last one runs past
midnight into the first).

The two bed pools of a facility (``ward_beds`` and ``delivery_beds`` of
`capsim.scenario.models.Facility`) are read by `two_bed_pools`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from capsim import limits
from capsim.limits import bound
from capsim.scenario.base import Strict, Whole

if TYPE_CHECKING:
    from capsim.scenario.models import Facility

HOURS = 24

#: ``queue``: a woman in labour waits for a free midwife (first come, first served).
#: ``ratio``: care goes on at once; the time with more women in labour than the midwives on
#: duty can care for is recorded (as published staffing studies count it).
MidwifeRule = Literal["queue", "ratio"]


class Shift(Strict):
    """One shift of a facility's day: when it starts and the staff on duty during it."""

    name: str = Field("", max_length=limits.MAX_NAME_CHARS,
                      description="Name of the shift (am, pm, night, 白班...)."
                      + bound(limits.MAX_NAME_CHARS, "characters"))
    start: Whole = Field(..., ge=0, le=HOURS - 1,
                         description="When the shift starts, 0-23; it lasts until the next shift "
                         "starts (hour of day).")
    midwives: Whole = Field(..., ge=0, le=limits.MAX_CAPACITY,
                            description="Midwives on duty during the shift (persons)."
                            + bound(limits.MAX_CAPACITY))
    obstetricians: Whole | None = Field(
        None, ge=0, le=limits.MAX_CAPACITY,
        description="Obstetricians on duty during the shift (persons); left out: the region's "
        "roster turns the facility's head-count into those on duty." + bound(limits.MAX_CAPACITY))


class FacilityRoster(Strict):
    """Staff on duty at one facility by shift or by hour of day; it replaces the region's
    roster (``pathway.roster``) there. Give ``shifts`` or ``midwives_by_hour``, not both."""

    shifts: tuple[Shift, ...] = Field(
        (), max_length=HOURS,
        description="The shifts of the day, each with its start hour and staff on duty; "
        "e.g. am 08:00 16 midwives, pm 17:00 3 midwives. At most 24.")
    midwives_by_hour: tuple[Whole, ...] | None = Field(
        None, description="Midwives on duty in each hour of the day, 00:00 first; 24 numbers "
        "(persons).")
    obstetricians_by_hour: tuple[Whole, ...] | None = Field(
        None, description="Obstetricians on duty in each hour of the day, 00:00 first; 24 "
        "numbers (persons). Left out: the region's roster turns the head-count into those on "
        "duty.")

    @model_validator(mode="after")
    def _one_form(self) -> FacilityRoster:
        if bool(self.shifts) == (self.midwives_by_hour is not None):
            raise ValueError("give either 'shifts' or 'midwives_by_hour'")
        if self.shifts:
            starts = [s.start for s in self.shifts]
            if len(set(starts)) != len(starts):
                raise ValueError(f"shifts start at distinct hours, got {starts}")
            given = [s.obstetricians is not None for s in self.shifts]
            if any(given) and not all(given):
                raise ValueError("give obstetricians for every shift or for none")
            if self.obstetricians_by_hour is not None:
                raise ValueError("with shifts, give obstetricians in each shift")
        for name in ("midwives_by_hour", "obstetricians_by_hour"):
            hours = getattr(self, name)
            if hours is not None:
                if len(hours) != HOURS:
                    raise ValueError(f"{name} needs 24 numbers, got {len(hours)}")
                if any(not 0 <= h <= limits.MAX_CAPACITY for h in hours):
                    raise ValueError(f"{name}: each from 0 to {limits.MAX_CAPACITY:,}")
        return self

    def midwives_on_duty(self) -> tuple[int, ...]:
        """Midwives on duty in each hour of the day, 00:00 first (persons)."""
        if self.midwives_by_hour is not None:
            return tuple(self.midwives_by_hour)
        return _by_hour(self.shifts, "midwives")

    def obstetricians_on_duty(self) -> tuple[int, ...] | None:
        """Obstetricians on duty in each hour of the day, 00:00 first (persons); None when the
        roster leaves them to the region's roster."""
        if self.obstetricians_by_hour is not None:
            return tuple(self.obstetricians_by_hour)
        if self.shifts and self.shifts[0].obstetricians is not None:
            return _by_hour(self.shifts, "obstetricians")
        return None


def _by_hour(shifts: tuple[Shift, ...], name: str) -> tuple[int, ...]:
    """``name`` on duty in each hour of the day from ``shifts`` (each runs from its start to
    the next start, the last past midnight)."""
    ordered = sorted(shifts, key=lambda s: s.start)
    out = []
    for hour in range(HOURS):
        # The shift in force at ``hour``: the last to start at or before it, else the last of
        # the day (running past midnight).
        current = [s for s in ordered if s.start <= hour]
        out.append(int(getattr(current[-1] if current else ordered[-1], name)))
    return tuple(out)


def two_bed_pools(facility: Facility) -> bool:
    """Whether ``facility`` has delivery beds apart from its ward beds (two pools: its
    ``beds`` are then the ward beds); otherwise its ``beds`` are one pool for antenatal,
    labour and postnatal care."""
    return facility.delivery_beds is not None
