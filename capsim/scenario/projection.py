"""Demand projections a scenario can choose besides a number per year or a growth rate:
deliveries scaled to a national trend (`NationalTrend`), or derived from the women of
reproductive age and age-specific fertility rates (`PopulationProjection`)."""

from __future__ import annotations

import math
from typing import Any

from pydantic import Field, field_validator, model_validator

from capsim import limits
from capsim.limits import bound
from capsim.scenario.base import Real, Strict, Year

#: Five-year age groups of women of reproductive age, as fertility rates are published.
AGE_GROUPS: tuple[str, ...] = ("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49")


class NationalTrend(Strict):
    """Deliveries that follow an index by year, such as the national births: a year's
    deliveries are ``demand.deliveries`` x index(year) / index(base_year)."""

    series: str | None = Field(
        None,
        description="A shipped series: china-births (NBS actual births, then the UN WPP 2024 "
        "medium variant to 2030) or china-births-low (the same actuals, then a low "
        "projection); see capsim.reference.",
    )
    index: dict[Year, Real] = Field(
        default_factory=dict,
        description="Index by calendar year, such as births a year (any unit); filled from "
        "'series' when not given." + bound(limits.MAX_INDEX),
    )
    base_year: Year = Field(..., description="The year whose deliveries are 'demand.deliveries' "
                           "(calendar year).")

    @model_validator(mode="before")
    @classmethod
    def _fill_from_series(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("series") is not None and not data.get("index"):
            from capsim.reference import series_index

            return {**data, "index": series_index(str(data["series"]))}
        return data

    @model_validator(mode="after")
    def _usable(self) -> NationalTrend:
        if not self.index:
            raise ValueError("give 'series' (a shipped series) or 'index' (values by year)")
        bad = {y: v for y, v in self.index.items() if not 0 < v <= limits.MAX_INDEX}
        if bad:
            year, value = next(iter(bad.items()))
            raise ValueError(f"index values must be > 0 and at most {limits.MAX_INDEX:g}; "
                             f"got {value:g} in {year}")
        if self.base_year not in self.index:
            raise ValueError(f"base_year {self.base_year} is not in the index "
                             f"({min(self.index)}-{max(self.index)})")
        return self

    def factor(self, year: int) -> float:
        """Deliveries in ``year`` relative to the base year (ratio); KeyError outside the index."""
        return self.index[year] / self.index[self.base_year]


class PopulationProjection(Strict):
    """Deliveries derived from the population: women by five-year age group x age-specific
    fertility rate x a policy multiplier of the year x the share delivered in the region."""

    women: dict[Year, dict[str, Real]] = Field(
        ...,
        description="Women of reproductive age by calendar year and five-year age group "
        "(persons). Years between listed ones are interpolated linearly; years before the "
        "first or after the last take the nearest listed year (an assumption to state)."
        + bound(limits.MAX_WOMEN, "women an age group"),
    )
    fertility: dict[str, Real] = Field(
        ...,
        description="Age-specific fertility rates by five-year age group (births per 1,000 "
        "women a year)." + bound(limits.MAX_FERTILITY),
    )
    fertility_multiplier: dict[Year, Real] = Field(
        default_factory=dict,
        description="Policy multiplier on fertility by calendar year, 1.1 = +10% such as a "
        "birth subsidy (factor); years not listed use 1." + bound(limits.MAX_MULTIPLIER),
    )
    delivered_in_region: Real = Field(
        1.0,
        gt=0,
        le=limits.MAX_DELIVERED_SHARE,
        description="Deliveries in the region per birth to its women (share); below 1 when "
        "women deliver elsewhere, above 1 when women from outside deliver in the region."
        + bound(limits.MAX_DELIVERED_SHARE),
    )

    @field_validator("women")
    @classmethod
    def _women(cls, v: dict[int, dict[str, float]]) -> dict[int, dict[str, float]]:
        if not v:
            raise ValueError("give the women of at least one year")
        for year, groups in v.items():
            _known_groups(groups, f"women.{year}")
            if any(not 0 <= n <= limits.MAX_WOMEN for n in groups.values()):
                raise ValueError(f"women.{year}: counts must be from 0 to {limits.MAX_WOMEN:,}")
        return v

    @field_validator("fertility")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        _known_groups(v, "fertility")
        if any(not 0 <= r <= limits.MAX_FERTILITY for r in v.values()):
            raise ValueError(f"fertility rates must be from 0 to {limits.MAX_FERTILITY:g} "
                             "births per 1,000 women")
        return v

    @field_validator("fertility_multiplier")
    @classmethod
    def _multipliers(cls, v: dict[int, float]) -> dict[int, float]:
        if any(not 0 < m <= limits.MAX_MULTIPLIER for m in v.values()):
            raise ValueError(f"multipliers must be > 0 and at most {limits.MAX_MULTIPLIER:g}")
        return v

    @model_validator(mode="after")
    def _rates_for_every_group(self) -> PopulationProjection:
        groups = {g for by_group in self.women.values() for g in by_group}
        missing = sorted(groups - set(self.fertility))
        if missing:
            raise ValueError(f"fertility has no rate for the age group(s) {', '.join(missing)}")
        return self

    def women_in(self, year: int) -> dict[str, float]:
        """Women by age group in ``year`` (persons), interpolated between listed years."""
        years = sorted(self.women)
        if year <= years[0]:
            return dict(self.women[years[0]])
        if year >= years[-1]:
            return dict(self.women[years[-1]])
        after = next(y for y in years if y >= year)
        before = max(y for y in years if y <= year)
        if after == before:
            return dict(self.women[year])
        w = (year - before) / (after - before)
        a, b = self.women[before], self.women[after]
        return {g: (1 - w) * a.get(g, 0.0) + w * b.get(g, 0.0) for g in {*a, *b}}

    def births_in(self, year: int) -> float:
        """Births to the region's women in ``year`` (births a year)."""
        women = self.women_in(year)
        base = math.fsum(n * self.fertility[g] / 1000.0 for g, n in women.items())
        return base * self.fertility_multiplier.get(year, 1.0)

    def deliveries_in(self, year: int) -> float:
        """Deliveries in the region in ``year`` (deliveries a year)."""
        return self.births_in(year) * self.delivered_in_region


def _known_groups(groups: dict[str, float], where: str) -> None:
    unknown = sorted(set(groups) - set(AGE_GROUPS))
    if unknown:
        raise ValueError(f"{where}: unknown age group(s) {', '.join(unknown)} "
                         f"(use {', '.join(AGE_GROUPS)})")
