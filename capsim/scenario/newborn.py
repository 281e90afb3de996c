"""Newborn care: the chance that a baby needs a cot, the cots each facility has, and how long
a baby stays in one (the ``newborn:`` section of a scenario).

Every baby born in the region is a newborn of the replication: born where and when the
mother delivered, with her risk colour and mode of birth. A baby needs **special care**
(level II cots, 新生儿病房) or **intensive care** (level III cots, NICU) with the probabilities
below; the chance rises with the mother's risk colour and after a caesarean birth. A baby
whose facility of birth lacks cots of the level, or has none free, is transferred along the
referral order (`capsim.scenario.referral`) to the first facility with a free cot of that
level, out of the region as the last resort. When the scenario names newborn critical care
centres (危重新生儿救治中心), only they admit babies who need intensive care.

Nothing here changes the mothers: their results are the same with or without this section.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, model_validator

from capsim import limits
from capsim.distributions import Distribution
from capsim.limits import bound
from capsim.scenario.base import RISK_COLOURS, RiskColour, Strict, Whole
from capsim.scenario.base import Real as _Real

#: Levels of newborn care, in order: special care (level II), intensive care (level III).
NEWBORN_LEVELS: tuple[str, ...] = ("special", "intensive")

# ASSUMED defaults, marked as such: no Chinese figure by risk colour was found. They give
# about 7% of babies admitted to a neonatal ward and 1% to intensive care for the risk mix
# of the shipped scenarios, within the range reported by Chinese hospital studies; the
# intensive shares put the demand near the 1.0-1.1 intensive cots per 1,000 births measured
# in English regions (Field DJ et al., BMJ 1989;299:1305; Northern Neonatal Network, Arch
# Dis Child 1993;68:544).
_SPECIAL: dict[RiskColour, float] = {
    "green": 0.04, "yellow": 0.06, "orange": 0.12, "red": 0.20, "purple": 0.08}
_INTENSIVE: dict[RiskColour, float] = {
    "green": 0.004, "yellow": 0.008, "orange": 0.02, "red": 0.06, "purple": 0.01}


class NewbornNeed(Strict):
    """The chance that a newborn needs a cot, by the mother's risk colour and mode of birth
    (probabilities)."""

    special: dict[RiskColour, _Real] = Field(
        default_factory=lambda: dict(_SPECIAL),
        description="Probability that a baby needs special care (a level II cot), by the "
        "mother's risk colour, after a vaginal birth (probability). Default ASSUMED (guidance), rising "
        "with risk.")
    intensive: dict[RiskColour, _Real] = Field(
        default_factory=lambda: dict(_INTENSIVE),
        description="Probability that a baby needs intensive care (a level III cot), by the "
        "mother's risk colour, after a vaginal birth (probability). Default ASSUMED (guidance) so that "
        "about 1 intensive cot per 1,000 births is busy (Field DJ et al., BMJ 1989).")
    caesarean_factor: _Real = Field(
        1.5, ge=0, le=limits.MAX_MULTIPLIER,
        description="Both probabilities are multiplied by this after a caesarean birth "
        "(factor). "
        "Default 1.5 ASSUMED (guidance)." + bound(limits.MAX_MULTIPLIER))

    @model_validator(mode="after")
    def _probabilities(self) -> NewbornNeed:
        for what, values in (("special", self.special), ("intensive", self.intensive)):
            missing = [c for c in RISK_COLOURS if c not in values]
            if missing:
                raise ValueError(f"{what}: no probability for {', '.join(missing)}")
            for c, p in values.items():
                if not 0 <= p <= 1:
                    raise ValueError(f"{what}.{c}: {p} is not a probability (0 to 1)")
        for c in RISK_COLOURS:
            total = (self.special[c] + self.intensive[c]) * max(1.0, self.caesarean_factor)
            if total > 1:
                raise ValueError(
                    f"{c}: special + intensive care, times caesarean_factor, is {total:.3g}, "
                    "more than 1")
        return self


class Cots(Strict):
    """The newborn cots of one facility, by level (cots)."""

    special: Whole = Field(0, ge=0, le=limits.MAX_CAPACITY,
                           description="Special-care cots, level II (cots)."
                           + bound(limits.MAX_CAPACITY))
    intensive: Whole = Field(0, ge=0, le=limits.MAX_CAPACITY,
                             description="Intensive-care cots, level III (cots)."
                             + bound(limits.MAX_CAPACITY))

    def of(self, level: str) -> int:
        """The cots of ``level`` (one of `NEWBORN_LEVELS`)."""
        return int(getattr(self, level))


_EITHER_WAY = f" At most {limits.MAX_CAPACITY:,} either way."


class CotsChange(Strict):
    """Newborn cots a dated policy change adds at one facility, by level (cots; negative:
    removed)."""

    special: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                           description="Special-care cots added, level II (cots)."
                           + _EITHER_WAY)
    intensive: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                             description="Intensive-care cots added, level III (cots)."
                             + _EITHER_WAY)

    @model_validator(mode="before")
    @classmethod
    def _known_levels(cls, data: object) -> object:
        if isinstance(data, dict):
            unknown = sorted(str(k) for k in data if k not in NEWBORN_LEVELS)
            if unknown:
                raise ValueError(f"unknown level {', '.join(map(repr, unknown))} (known: "
                                 f"{', '.join(NEWBORN_LEVELS)})")
        return data

    def of(self, level: str) -> int:
        """The cots of ``level`` added (one of `NEWBORN_LEVELS`)."""
        return int(getattr(self, level))

    def changed(self) -> tuple[str, ...]:
        """The levels whose cots this change adds or removes."""
        return tuple(level for level in NEWBORN_LEVELS if self.of(level))


class NewbornStay(Strict):
    """Time in a cot by level of care (days)."""

    special: Distribution = Field(
        Distribution(dist="lognormal", mean=7.0, sd=5.0),
        description="Time in a special-care cot (days). Default mean 7 d, sd 5 d: ASSUMED (guidance).")
    intensive: Distribution = Field(
        Distribution(dist="lognormal", mean=14.0, sd=12.0),
        description="Time in an intensive-care cot (days). Default mean 14 d, sd 12 d: ASSUMED "
        "(guidance).")


class NewbornCare(Strict):
    """Newborn care linked to each birth: needs, cots by facility, stays, centres."""

    need: NewbornNeed = Field(default_factory=NewbornNeed)
    cots: dict[str, Cots] = Field(
        default_factory=dict, max_length=limits.MAX_FACILITIES,
        description="Cots by facility id; a facility not listed has none.")
    stay: NewbornStay = Field(default_factory=NewbornStay)
    centres: tuple[str, ...] = Field(
        (), max_length=limits.MAX_FACILITIES,
        description="Newborn critical care centres (危重新生儿救治中心; ids). When any is "
        "named, only centres admit babies who need intensive care; each needs intensive "
        "cots. The 2017 national guideline asks for at least one at city and at county "
        "level (国卫办妇幼发〔2017〕40号).")
    mother_accompanies: _Real = Field(
        0.0, ge=0, le=1,
        description="Probability that the mother travels with her transferred baby "
        "(probability); counted only: her own bed is not modelled here, so the mothers' results do not move).")

    @model_validator(mode="after")
    def _centres_have_cots(self) -> NewbornCare:
        for fid in self.centres:
            cots = self.cots.get(fid)
            if cots is None or cots.intensive <= 0:
                raise ValueError(f"centres: {fid!r} is a newborn critical care centre without "
                                 "intensive cots (give it cots.intensive > 0)")
        return self

    def facility_ids(self) -> Iterable[tuple[str, str]]:
        """(field, facility id) of every facility the section names, for the scenario's check
        of references."""
        yield from (("newborn.cots", fid) for fid in self.cots)
        yield from (("newborn.centres", fid) for fid in self.centres)

    def cots_of(self, fid: str, level: str) -> int:
        """The cots of ``level`` at facility ``fid`` (0 when it is not listed)."""
        cots = self.cots.get(fid)
        return 0 if cots is None else cots.of(level)
