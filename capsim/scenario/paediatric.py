"""The paediatric service line: children (not newborns) admitted to paediatric beds, by
condition group, month and severity (the ``paediatric:`` section of a scenario).

A child falls ill where she lives and presents at a facility (``presentation`` shares). Her
severity sets the lowest level that may admit her (``severity_level``): a mild case a township
centre, a moderate one the district hospital, a severe one the city children's hospital. When
the facility where she presents is below that level, has no paediatric beds or none free, she
is referred up along the referral order (`capsim.scenario.referral`) to the first facility
of the level with a free bed, out of the region as the last resort. Once stabilised (after
``down_referral_after`` of her stay) a child referred up returns to the facility where she
presented, when it has a free paediatric bed, for the rest of her stay (双向转诊).

Admissions follow each group's monthly profile (winter respiratory peaks) and grow by
``annual_growth`` a year from the horizon's first year.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, field_validator, model_validator

from capsim import limits
from capsim.distributions import Distribution
from capsim.limits import bound
from capsim.scenario.base import Level, Strict, Whole, check_shares
from capsim.scenario.base import Real as _Real

#: Severity of a child's illness, in order.
SEVERITIES: tuple[str, ...] = ("mild", "moderate", "severe")


def _default_levels() -> dict[str, Level]:
    return {"mild": "township", "moderate": "county", "severe": "city_tertiary"}


class ConditionGroup(Strict):
    """One group of conditions children are admitted for."""

    id: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=limits.MAX_ID_CHARS,
                    description="Short identifier (lower case, digits, - and _).")
    admissions: _Real = Field(
        ..., ge=0, le=limits.MAX_DELIVERIES,
        description="Children admitted a year in the region, before growth (rate per year)."
        + bound(limits.MAX_DELIVERIES))
    month_profile: tuple[_Real, ...] = Field(
        (1.0,) * 12,
        description="Admissions by month, January first: 12 numbers scaled to a mean of 1 "
        "(relative weight).")
    severity: dict[str, _Real] = Field(
        ..., description="Shares of mild, moderate and severe cases, summing to 1 (share).")
    stay: Distribution = Field(..., description="Time in a paediatric bed (days).")

    @field_validator("month_profile")
    @classmethod
    def _twelve(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        if len(v) != 12 or any(x < 0 for x in v) or sum(v) <= 0:
            raise ValueError("month_profile needs 12 non-negative numbers, not all 0")
        mean = sum(v) / 12
        return tuple(x / mean for x in v)

    @model_validator(mode="after")
    def _shares(self) -> ConditionGroup:
        unknown = sorted(set(self.severity) - set(SEVERITIES))
        if unknown:
            raise ValueError(f"severity: unknown {', '.join(unknown)} (known: "
                             f"{', '.join(SEVERITIES)})")
        check_shares(self.severity, "severity shares")
        return self


class PaediatricLine(Strict):
    """Children's admissions along the paediatric alliance: groups, beds, presentation."""

    groups: tuple[ConditionGroup, ...] = Field(
        ..., min_length=1, max_length=limits.MAX_LIST,
        description="Condition groups." + bound(limits.MAX_LIST))
    beds: dict[str, Whole] = Field(
        ..., max_length=limits.MAX_FACILITIES,
        description="Paediatric beds by facility id (beds); a facility not listed has none.")
    presentation: dict[str, _Real] = Field(
        ..., max_length=limits.MAX_FACILITIES,
        description="Where children first present: shares by facility id, summing to 1 "
        "(share).")
    severity_level: dict[str, Level] = Field(
        default_factory=_default_levels,
        description="Lowest facility level that admits each severity.")
    down_referral_after: _Real | None = Field(
        0.5, gt=0, lt=1,
        description="Part of the stay after which a child referred up is stabilised and "
        "returns to where she presented, when it has a free bed; none: she stays (share). "
        "Default 0.5 ASSUMED.")
    annual_growth: _Real = Field(
        0.0, ge=-limits.MAX_GROWTH, le=limits.MAX_GROWTH,
        description="Yearly growth of admissions from the horizon's first year (share)."
        + bound(limits.MAX_GROWTH))

    @model_validator(mode="after")
    def _consistent(self) -> PaediatricLine:
        for fid, n in self.beds.items():
            if not 0 <= n <= limits.MAX_CAPACITY:
                raise ValueError(f"beds.{fid}: {n} is not from 0 to {limits.MAX_CAPACITY:,}")
        check_shares(self.presentation, "presentation shares")
        missing = [s for s in SEVERITIES if s not in self.severity_level]
        if missing:
            raise ValueError(f"severity_level: no level for {', '.join(missing)}")
        total = sum(g.admissions for g in self.groups)
        if total > limits.MAX_DELIVERIES:
            raise ValueError(f"groups: {total:,.0f} admissions a year in all, more than the "
                             f"{limits.MAX_DELIVERIES:,} a scenario may have")
        ids = [g.id for g in self.groups]
        if len(set(ids)) != len(ids):
            raise ValueError("groups: ids must be unique")
        return self

    def check_years(self, years: Iterable[int], first: int) -> None:
        """Raise ValueError when growth from ``first`` takes a simulated year's admissions
        above `capsim.limits.MAX_DELIVERIES`."""
        total = sum(g.admissions for g in self.groups)
        for year in years:
            try:
                grown = total * (1.0 + self.annual_growth) ** (year - first)
            except OverflowError:
                grown = float("inf")
            if not grown <= limits.MAX_DELIVERIES:
                raise ValueError(f"{year} would have {grown:.4g} admissions, more than the "
                                 f"{limits.MAX_DELIVERIES:,} a scenario may have in a year")

    def facility_ids(self) -> Iterable[tuple[str, str]]:
        """(field, facility id) of every facility the section names, for the scenario's check
        of references."""
        yield from (("paediatric.beds", fid) for fid in self.beds)
        yield from (("paediatric.presentation", fid) for fid in self.presentation)
