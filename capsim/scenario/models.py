"""The validated data model of a scenario: a region's facilities, its demand, the pathway
of one woman, the referral rules, policy events over the horizon, and run settings.

Every field carries its unit and, where a default comes from published figures, the
source (cited in the descriptions). The simulation receives one frozen
`Scenario` and never reads files.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from capsim import limits
from capsim.distributions import Distribution
from capsim.limits import bound
from capsim.scenario.base import (
    LEVEL_RANK,  # noqa: F401  (re-exported: capsim.scenario)
    RISK_COLOURS,  # noqa: F401  (re-exported: capsim.model.engine)
    Capability,
    Level,
    Real,
    RiskColour,
    Strict,
    Whole,
    Year,
    check_every_colour,
    check_shares,
)
from capsim.scenario.calendar import (
    CAPACITY_FIELDS,
    CapacitySchedule,
    CapacityStep,
    capacity_schedule,
    cots_field,
    horizon_years,
)
from capsim.scenario.casemix import FacilityCasemix
from capsim.scenario.newborn import CotsChange, NewbornCare
from capsim.scenario.paediatric import PaediatricLine
from capsim.scenario.projection import NationalTrend, PopulationProjection
from capsim.scenario.referral import check_every_colour_has_a_facility
from capsim.scenario.targets import Targets
from capsim.scenario.units import FacilityRoster, MidwifeRule, two_bed_pools

Longitude = Annotated[Real, Field(ge=-180, le=180)]
Latitude = Annotated[Real, Field(ge=-90, le=90)]

class Horizon(Strict):
    """The simulated period."""

    start: date = Field(..., description="First day whose results are reported (YYYY-MM-DD), "
                        f"in the years {limits.FIRST_YEAR} to {limits.LAST_YEAR}.")
    years: Whole | None = Field(
        None, gt=0, le=limits.MAX_HORIZON_YEARS,
        description="Length from the start date (calendar years)."
        + bound(limits.MAX_HORIZON_YEARS))
    days: Whole | None = Field(
        None, gt=0, le=limits.MAX_HORIZON_DAYS, description="Length, instead of years (days)."
        + bound(limits.MAX_HORIZON_DAYS))
    warmup_days: Whole = Field(
        42,
        ge=0,
        le=limits.MAX_WARMUP_DAYS,
        description="Days simulated before the start and then discarded, so that the beds "
        "are not empty at the start (days). The default, 42 days, is several times the "
        "longest usual stay." + bound(limits.MAX_WARMUP_DAYS),
    )

    @field_validator("start")
    @classmethod
    def _in_calendar(cls, v: date) -> date:
        # Keeps the warm-up, the horizon and every date of a run inside the calendar.
        if not limits.FIRST_YEAR <= v.year <= limits.LAST_YEAR:
            raise ValueError(f"must be in the years {limits.FIRST_YEAR} to {limits.LAST_YEAR}, "
                             f"got {v.isoformat()}")
        return v

    @model_validator(mode="after")
    def _one_length(self) -> Horizon:
        if (self.years is None) == (self.days is None):
            raise ValueError("give exactly one of 'years' or 'days'")
        return self

    @property
    def end(self) -> date:
        """The day after the last reported day."""
        if self.days is not None:
            return self.start + timedelta(days=self.days)
        if self.years is None:  # only when built unvalidated: _one_length requires one
            raise ValueError("give exactly one of 'years' or 'days'")
        try:
            return self.start.replace(year=self.start.year + self.years)
        except ValueError:  # 29 February
            return self.start.replace(year=self.start.year + self.years, day=28)

    @property
    def sim_start(self) -> date:
        """The first simulated day (start of the warm-up)."""
        return self.start - timedelta(days=self.warmup_days)

    @property
    def length_days(self) -> int:
        """Number of reported days."""
        return (self.end - self.start).days


class RunSettings(Strict):
    """How many replications and which seed; the command line may override both."""

    replications: Whole = Field(20, gt=0, le=limits.MAX_REPLICATIONS,
                                description="Independent replications of the horizon "
                                "(replications)." + bound(limits.MAX_REPLICATIONS))
    seed: Whole = Field(
        12345, ge=0, le=limits.MAX_SEED,
        description="Scenario seed; every random stream derives from it (no unit)."
        + bound(limits.MAX_SEED))


class Facility(Strict):
    """One facility of the region."""

    id: str = Field(
        ...,
        pattern=r"^[a-z0-9][a-z0-9_-]*$",
        max_length=limits.MAX_ID_CHARS,
        description="Short identifier used in rules and outputs (lower case, digits, - and _)."
        + bound(limits.MAX_ID_CHARS, "characters"),
    )
    name: str = Field(..., min_length=1, max_length=limits.MAX_NAME_CHARS,
                      description="Display name (Chinese allowed)."
                      + bound(limits.MAX_NAME_CHARS, "characters"))
    name_en: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                                description="English display name."
                                + bound(limits.MAX_NAME_CHARS, "characters"))
    level: Level = Field(
        ...,
        description="township (level I), county or mch (level II), city_tertiary (level III).",
    )
    delivers: bool = Field(
        True, description="False for facilities that give antenatal care only."
    )
    beds: Whole = Field(0, ge=0, le=limits.MAX_CAPACITY,
                        description="Obstetric beds, one pool for antenatal, labour and "
                        "postnatal care (beds); with delivery_beds, the ward beds."
                        + bound(limits.MAX_CAPACITY))
    ward_beds: Whole | None = Field(
        None, ge=0, le=limits.MAX_CAPACITY,
        description="Maternity ward beds (产科床位), for antenatal inpatients and the postnatal "
        "stay, with delivery_beds (beds): another name for beds there (give one of them, or "
        "both equal). Beds per 1,000 deliveries count these, as the standards do."
        + bound(limits.MAX_CAPACITY))
    delivery_beds: Whole | None = Field(
        None, ge=0, le=limits.MAX_CAPACITY,
        description="Delivery beds (产床/待产床), held from labour through birth and recovery "
        "(beds); given, the facility has two pools and its beds are the ward beds. With none "
        "free a woman in labour is diverted; with no ward bed free after her recovery she "
        "stays in the delivery bed (access block)." + bound(limits.MAX_CAPACITY))
    roster: FacilityRoster | None = Field(
        None, description="Staff on duty by shift or by hour of day at this facility, instead "
        "of the region's roster (pathway.roster).")
    midwives: Whole = Field(0, ge=0, le=limits.MAX_CAPACITY,
                            description="Midwives, head-count (persons)."
                            + bound(limits.MAX_CAPACITY))
    obstetricians: Whole = Field(0, ge=0, le=limits.MAX_CAPACITY,
                                 description="Obstetricians (OB/GYN doctors), head-count "
                                 "(persons)." + bound(limits.MAX_CAPACITY))
    theatres: Whole = Field(0, ge=0, le=limits.MAX_CAPACITY,
                            description="Operating theatres available to obstetrics "
                            "(theatres)." + bound(limits.MAX_CAPACITY))
    capabilities: tuple[Capability, ...] = Field(
        (), description="caesarean, critical_maternal_care, neonatal_intensive_care."
    )
    location: tuple[Longitude, Latitude] | None = Field(
        None, description="Longitude and latitude, for the referral-flow map (degrees)."
    )
    initial_census: Whole = Field(
        0,
        ge=0,
        le=limits.MAX_CAPACITY,
        description="Women already in beds at the start of the simulation, instead of or "
        "besides a warm-up (women).",
    )
    casemix: FacilityCasemix | None = Field(
        None, description="The casemix of the women who book here, where it differs from the "
        "region's: risk mix, caesarean rates, stays, labour, complications "
        "(capsim.scenario.casemix).")

    @model_validator(mode="before")
    @classmethod
    def _ward_beds_are_beds(cls, data: object) -> object:
        # With two pools, ``beds`` is read as the ward beds, so that everything counting beds
        # (beds per 1,000 deliveries, occupancy, sizing) counts ward beds, as the standards do;
        # ``ward_beds`` is its other name there.
        if isinstance(data, Mapping) and data.get("ward_beds") is not None:
            if "beds" in data and data["beds"] != data["ward_beds"]:
                raise ValueError(
                    f"beds ({data['beds']}) and ward_beds ({data['ward_beds']}) differ; with "
                    "delivery_beds, beds are the ward beds: give one of them")
            return {**data, "beds": data["ward_beds"]}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Facility:
        if self.ward_beds is not None and self.delivery_beds is None:
            raise ValueError("ward_beds needs delivery_beds (two pools); beds alone are one "
                             "pool for labour and postnatal care")
        if self.delivers and two_bed_pools(self):
            if self.beds == 0 or self.delivery_beds == 0:
                raise ValueError("a facility that delivers needs ward_beds > 0 and "
                                 "delivery_beds > 0 (set delivers: false for antenatal care "
                                 "only)")
        if self.roster is not None:
            self._check_roster(self.roster)
        if self.delivers:
            if self.beds <= 0:
                raise ValueError(
                    "a facility that delivers needs beds > 0 (set delivers: false for "
                    "antenatal care only)"
                )
            if self.midwives <= 0:
                raise ValueError("a facility that delivers needs midwives > 0")
        if "caesarean" in self.capabilities and (self.theatres <= 0 or self.obstetricians <= 0):
            raise ValueError("the caesarean capability needs theatres > 0 and obstetricians > 0")
        if self.initial_census > self.beds:
            raise ValueError(f"initial_census {self.initial_census} exceeds beds {self.beds}")
        return self

    def _check_roster(self, roster: FacilityRoster) -> None:
        for staff, hours in (("midwives", roster.midwives_on_duty()),
                             ("obstetricians", roster.obstetricians_on_duty())):
            if hours is None:
                continue
            head = getattr(self, staff)
            if max(hours) > head:
                raise ValueError(f"roster: {max(hours)} {staff} on duty at "
                                 f"{hours.index(max(hours)):02d}:00, more than the head-count "
                                 f"{staff}: {head}")
            if self.delivers and staff == "midwives" and min(hours) == 0:
                raise ValueError(f"roster: no midwife on duty at {hours.index(0):02d}:00 at a "
                                 "facility that delivers; women in labour would wait for ever")

    @property
    def label(self) -> str:
        """Name to show: the display name."""
        return self.name


class DemandEvent(Strict):
    """A demand multiplier applied from a date on (for example a birth subsidy, +10%)."""

    date: Annotated[date, Field(description="First day of the multiplier (YYYY-MM-DD).")]
    multiplier: Real = Field(..., gt=0, le=limits.MAX_MULTIPLIER,
                             description="Factor on deliveries from this date on (factor)."
                             + bound(limits.MAX_MULTIPLIER))


class CaesareanRateChange(Strict):
    """Caesarean rates in force from a date on, for the risk colours listed (probabilities).

    A woman's rate is the one in force on the day of her labour onset; she keeps her random
    numbers, so a change only moves the women near the threshold (common random numbers)."""

    date: Annotated[date, Field(description="First day of the new rates (YYYY-MM-DD).")]
    planned: dict[RiskColour, Real] = Field(
        default_factory=dict,
        description="New planned (pre-labour) caesarean rates by colour (probability).",
    )
    emergency: dict[RiskColour, Real] = Field(
        default_factory=dict, description="New emergency caesarean rates by colour (probability)."
    )
    note: str = Field("", description="Why (source or reasoning).")

    @model_validator(mode="after")
    def _probabilities(self) -> CaesareanRateChange:
        if not self.planned and not self.emergency:
            raise ValueError("give new 'planned' or 'emergency' rates")
        for name in ("planned", "emergency"):
            for colour, p in getattr(self, name).items():
                if not 0 <= p <= 1:
                    raise ValueError(f"{name}.{colour} must be a probability from 0 to 1, got {p}")
        return self


class Demand(Strict):
    """Who arrives, when, at which risk, and where she books."""

    deliveries: Real | None = Field(
        None,
        gt=0,
        le=limits.MAX_DELIVERIES,
        description="Expected deliveries in the region in the start year, or in "
        "trend.base_year with a trend (deliveries/year). Required unless 'population' is given."
        + bound(limits.MAX_DELIVERIES) + " The same bound holds for every year's deliveries, "
        "demand events included.",
    )
    deliveries_by_year: dict[Year, Real] = Field(
        default_factory=dict,
        description="Expected deliveries in given calendar years (deliveries/year); they take "
        "precedence over every projection. Years not listed use the population projection, or "
        "'deliveries' scaled by the trend or grown by 'annual_growth'.",
    )
    trend: NationalTrend | None = Field(
        None,
        description="Scale 'deliveries' to an index by year, such as China's national births "
        "(series china-births or china-births-low).",
    )
    population: PopulationProjection | None = Field(
        None,
        description="Derive deliveries from women by five-year age group x age-specific "
        "fertility rates x a policy multiplier x the share delivered in the region.",
    )
    caesarean_changes: tuple[CaesareanRateChange, ...] = Field(
        (), max_length=limits.MAX_EVENTS,
        description="Caesarean rates changed from given dates on." + bound(limits.MAX_EVENTS)
    )
    annual_growth: Real = Field(
        0.0,
        gt=-1,
        le=limits.MAX_GROWTH,
        description="Yearly growth rate of deliveries after the start year, 0.02 = +2% a "
        "year (rate per year)." + bound(limits.MAX_GROWTH),
    )
    month_profile: tuple[Real, ...] = Field(
        (1.0,) * 12,
        description="Relative deliveries per day in each month, January first; 12 numbers "
        "(relative weight).",
    )
    weekday_profile: tuple[Real, ...] = Field(
        (1.0,) * 7,
        description="Relative labour onsets per weekday, Monday first; 7 numbers (relative "
        "weight).",
    )
    hour_profile: tuple[Real, ...] = Field(
        (1.0,) * 24,
        description="Relative labour onsets per hour of day, 00:00 first; 24 numbers "
        "(relative weight).",
    )
    planned_caesarean_hours: tuple[Whole, ...] = Field(
        (8, 9, 10, 11),
        description="Hours at which planned caesareans start (hour of day); they are moved to the "
        "weekday before a weekend. Default: 08:00-12:00 (Martin et al., PLoS One 2018).",
    )
    risk_mix: dict[RiskColour, Real] = Field(
        ..., description="Share of women in each risk colour, summing to 1 (share)."
    )
    planned_caesarean_rate: dict[RiskColour, Real] = Field(
        ..., description="Probability of a planned (pre-labour) caesarean, by risk colour "
        "(probability)."
    )
    emergency_caesarean_rate: dict[RiskColour, Real] = Field(
        ...,
        description="Probability that a woman in labour needs an emergency caesarean, by risk "
        "colour (probability).",
    )
    booking: dict[str, Real] = Field(
        ...,
        description="Share of women who book at each facility, by facility id, summing to 1 "
        "(share). "
        "Antenatal-care-only facilities may be listed: their women are referred to deliver.",
    )
    events: tuple[DemandEvent, ...] = Field(
        (), max_length=limits.MAX_EVENTS,
        description="Demand multipliers from given dates on; they multiply each other."
        + bound(limits.MAX_EVENTS)
    )

    @field_validator("month_profile")
    @classmethod
    def _twelve(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return _profile(v, 12, "months")

    @field_validator("weekday_profile")
    @classmethod
    def _seven(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return _profile(v, 7, "weekdays")

    @field_validator("hour_profile")
    @classmethod
    def _twentyfour(cls, v: tuple[float, ...]) -> tuple[float, ...]:
        return _profile(v, 24, "hours")

    @field_validator("planned_caesarean_hours")
    @classmethod
    def _hours(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if not v or any(h < 0 or h > 23 for h in v):
            raise ValueError("give at least one hour, each from 0 to 23")
        return v

    @field_validator("deliveries_by_year")
    @classmethod
    def _positive_years(cls, v: dict[int, float]) -> dict[int, float]:
        for year, n in v.items():
            if not 0 < n <= limits.MAX_DELIVERIES:
                raise ValueError(f"deliveries in {year} must be > 0 and at most "
                                 f"{limits.MAX_DELIVERIES:,}, got {n:g}")
        return v

    @model_validator(mode="after")
    def _shares(self) -> Demand:
        check_every_colour(self.risk_mix, "risk_mix")
        check_shares(self.risk_mix, "risk_mix shares")
        for name in ("planned_caesarean_rate", "emergency_caesarean_rate"):
            rates = getattr(self, name)
            check_every_colour(rates, name)
            for colour, p in rates.items():
                if not 0 <= p <= 1:
                    raise ValueError(f"{name}.{colour} must be a probability from 0 to 1, got {p}")
        check_shares(self.booking, "booking shares")
        self._one_projection()
        return self

    def _one_projection(self) -> None:
        if (self.deliveries is None) == (self.population is None):
            raise ValueError("give exactly one of 'deliveries' (deliveries a year) or "
                             "'population' (women and fertility rates)")
        if self.annual_growth and (self.trend is not None or self.population is not None):
            raise ValueError("annual_growth cannot be combined with a trend or a population "
                             "projection")
        if self.trend is not None and self.population is not None:
            raise ValueError("give a trend or a population projection, not both")

    def deliveries_in(self, year: int, start_year: int) -> float:
        """Expected deliveries in calendar ``year`` (deliveries/year), before demand events.

        Raises KeyError for a year outside the trend's index."""
        if year in self.deliveries_by_year:
            return self.deliveries_by_year[year]
        if self.population is not None:
            return self.population.deliveries_in(year)
        assert self.deliveries is not None  # checked by the validator
        if self.trend is not None:
            return self.deliveries * self.trend.factor(year)
        return self.deliveries * (1 + self.annual_growth) ** max(0, year - start_year)

    def caesarean_schedule(self, kind: str) -> list[tuple[date | None, dict[str, float]]]:
        """The ``kind`` ("planned" or "emergency") caesarean rates by colour in force from each
        date on (probabilities): the scenario's rates from the start (date None), then one entry
        per change, in date order."""
        rates = dict(getattr(self, f"{kind}_caesarean_rate"))
        schedule: list[tuple[date | None, dict[str, float]]] = [(None, dict(rates))]
        for change in sorted(self.caesarean_changes, key=lambda c: c.date):
            if getattr(change, kind):
                rates.update(getattr(change, kind))
                schedule.append((change.date, dict(rates)))
        return schedule


def _profile(v: tuple[float, ...], n: int, what: str) -> tuple[float, ...]:
    if len(v) != n:
        raise ValueError(f"needs {n} numbers (one per {what[:-1]}), got {len(v)}")
    if any(x < 0 for x in v) or sum(v) <= 0:
        raise ValueError("weights must be >= 0 and not all zero")
    if max(v) > limits.MAX_INDEX:
        raise ValueError(f"weights are relative: each at most {limits.MAX_INDEX:g}, "
                         f"got {max(v):g}")
    return v


class AntenatalAdmission(Strict):
    """Admission to an obstetric bed before labour (days)."""

    probability: Real = Field(0.0, ge=0, le=1, description="Probability of admission before "
                               "labour (probability).")
    days: Distribution = Field(
        Distribution(dist="exponential", mean=2.0),
        description="Time in bed before labour or before a planned caesarean (days).",
    )


def _default_antenatal() -> dict[RiskColour, AntenatalAdmission]:
    # 13.6-30 antenatal admissions per 100 deliveries abroad (Liu S et al., Matern Child
    # Health J 2007; no Chinese figure found): assumed rising with risk.
    probs: dict[RiskColour, float] = {
        "green": 0.10, "yellow": 0.15, "orange": 0.30, "red": 0.50, "purple": 0.30}
    return {c: AntenatalAdmission(probability=p) for c, p in probs.items()}


class PostnatalStay(Strict):
    """Postnatal length of stay by mode of delivery (days)."""

    vaginal: Distribution = Field(
        Distribution(dist="lognormal", mean=2.85, sd=1.2),
        description="Time in bed after a vaginal birth (days). Default mean 2.85 d: median of "
        "1,902 Guangdong facilities (Li B et al., Chin J Public Health 2018;34:9); sd assumed.",
    )
    caesarean: Distribution = Field(
        Distribution(dist="lognormal", mean=6.0, sd=2.0),
        description="Time in bed after a caesarean (days). Default mean 6.0 d (same source); sd "
        "assumed.",
    )


class Roster(Strict):
    """Turns head-counts into staff on duty at any moment."""

    shifts_per_day: Whole = Field(
        3, gt=0, le=24,
        description="Shifts covering 24 hours, 3 = 8-hour shifts (shifts). At most 24 (one an "
        "hour)."
    )
    availability: Real = Field(
        0.65,
        gt=0,
        le=1,
        description="Share of head-count available for the roster after weekly rest, leave and "
        "training (share). Default 0.65 = 5/7 working days x 0.91 (annual leave, holidays, "
        "training): an assumption, set it from local rosters.",
    )

    def on_duty(self, headcount: int) -> int:
        """Staff on duty at any moment for a head-count: floor(headcount x availability /
        shifts), at least 1 when the head-count is positive (persons)."""
        if headcount <= 0:
            return 0
        return max(1, math.floor(headcount * self.availability / self.shifts_per_day + 1e-9))

    def headcount_for(self, on_duty: int) -> int:
        """Least head-count whose roster covers ``on_duty`` staff at every moment:
        ceil(on_duty x shifts / availability) (persons). The one-on-duty minimum of
        `on_duty` (a delivering facility always has someone on call) is not counted as
        cover, so one on duty needs a full roster too, not a single person."""
        if on_duty <= 0:
            return 0
        return math.ceil(on_duty * self.shifts_per_day / self.availability - 1e-9)


def _default_intrapartum_complication() -> dict[RiskColour, float]:
    return {"green": 0.002, "yellow": 0.005, "orange": 0.02, "red": 0.05, "purple": 0.02}


class Pathway(Strict):
    """What happens to one woman, with durations and probabilities."""

    labour: Distribution = Field(
        Distribution(dist="lognormal", mean=7.0, sd=3.5),
        description="Hours of active labour cared for by a midwife (hours). Default: total "
        "labour median 9.38 h nulliparous / 5.08 h multiparous (Gu C et al., BMC Pregnancy "
        "Childbirth 2020;20:386), mixed.",
    )
    antenatal: dict[RiskColour, AntenatalAdmission] = Field(
        default_factory=_default_antenatal,
        description="Admission before labour, by risk colour.",
    )
    postnatal_los: PostnatalStay = Field(default_factory=PostnatalStay)
    intrapartum_complication: dict[RiskColour, Real] = Field(
        default_factory=_default_intrapartum_complication,
        description="Probability of a complication in labour that needs critical maternal care, "
        "by risk colour (probability); an assumption, no published figure found.",
    )
    caesarean_duration: Distribution = Field(
        Distribution(dist="lognormal", mean=60.0, sd=15.0),
        description="Minutes a caesarean occupies a theatre (minutes); an assumption.",
    )
    emergency_preparation: Distribution = Field(
        Distribution(dist="lognormal", mean=25.0, sd=10.0),
        description="Minutes from decision to delivery for an emergency caesarean when a theatre "
        "is free (minutes). Chosen so that about 72% are within 30 min, as reported for one "
        "Chinese hospital (published hospital audits: 30.3-72.2% in China, 66.3% in the "
        "UK).",
    )
    one_to_one_midwife: bool = Field(
        True, description="A woman in active labour needs a midwife to herself."
    )
    women_per_midwife: Whole = Field(
        2, gt=0, le=limits.MAX_PER_PERSON,
        description="Women in labour one midwife cares for when one_to_one_midwife is "
        "false (women)." + bound(limits.MAX_PER_PERSON)
    )
    midwife_wait_target_minutes: Real = Field(
        15.0, gt=0, le=limits.MAX_DURATION,
        description="A midwife within this many minutes counts as timely (minutes)."
        + bound(limits.MAX_DURATION)
    )
    ddi_target_minutes: Real = Field(
        30.0,
        gt=0,
        le=limits.MAX_DURATION,
        description="Decision-to-delivery interval target for emergency caesareans (minutes); 30 "
        "minutes in the maternal-safety work plan." + bound(limits.MAX_DURATION),
    )
    roster: Roster = Field(default_factory=Roster)
    midwife_rule: MidwifeRule = Field(
        "queue", description="queue: a woman in labour waits for a free midwife; ratio: care "
        "goes on at once and the time with more women in labour than the midwives on duty can "
        "care for is recorded (midwife_ratio_exceeded_share).")
    recovery_hours: Real = Field(
        2.0, ge=0, le=limits.MAX_DURATION,
        description="Hours a woman stays in her delivery bed after the birth before she moves "
        "to a ward bed, at facilities with two bed pools (hours). Default 2 h: the two hours of "
        "observation after birth (产后2小时观察) of Chinese midwifery practice."
        + bound(limits.MAX_DURATION))
    obstetricians_per_caesarean: Whole = Field(
        1, gt=0, le=limits.MAX_PER_PERSON,
        description="On-duty obstetricians a caesarean needs at the same time (persons)."
        + bound(limits.MAX_PER_PERSON)
    )

    @model_validator(mode="after")
    def _complete(self) -> Pathway:
        check_every_colour(self.intrapartum_complication, "intrapartum_complication")
        for colour, p in self.intrapartum_complication.items():
            if not 0 <= p <= 1:
                raise ValueError(f"intrapartum_complication.{colour} must be from 0 to 1, got {p}")
        check_every_colour(self.antenatal, "antenatal")
        return self

    @property
    def labour_capacity_per_midwife(self) -> int:
        """Women in labour one on-duty midwife can care for at once."""
        return 1 if self.one_to_one_midwife else self.women_per_midwife


class Eligibility(Strict):
    """Where a woman of one risk colour may deliver."""

    min_level: Level = Field("township", description="Lowest facility level allowed.")
    capabilities: tuple[Capability, ...] = Field(
        (), description="Capabilities the delivering facility must have."
    )


def _default_eligibility() -> dict[RiskColour, Eligibility]:
    # 母婴保障工作计划: yellow, orange, red and purple deliver at level-II-or-above hospitals.
    return {
        "green": Eligibility(min_level="township"),
        "yellow": Eligibility(min_level="county"),
        "orange": Eligibility(min_level="county"),
        "red": Eligibility(min_level="county"),
        "purple": Eligibility(min_level="county"),
    }


class ReferralChange(Strict):
    """A change of the referral rule from a date on: new eligibility for the colours listed."""

    date: Annotated[date, Field(description="First day of the new rule (YYYY-MM-DD).")]
    eligibility: dict[RiskColour, Eligibility] = Field(
        ..., min_length=1,
        description="New minimum level and capabilities of the delivering facility, by colour.",
    )
    note: str = Field("", description="Why (source or reasoning).")


class Transfer(Strict):
    """Travel time between two facilities, both ways (minutes)."""

    between: tuple[str, str] = Field(..., description="Two facility ids.")
    minutes: Real = Field(..., gt=0, le=limits.MAX_DURATION,
                          description="Travel time (minutes)." + bound(limits.MAX_DURATION))


class Referral(Strict):
    """Referral rules: who may deliver where, travel times, and the order of diversion."""

    eligibility: dict[RiskColour, Eligibility] = Field(
        default_factory=_default_eligibility,
        description="By risk colour: minimum level and capabilities of the delivering facility. "
        "Default from the maternal-safety work plan (母婴保障工作计划): yellow and above at "
        "level II or above.",
    )
    transfers: tuple[Transfer, ...] = Field(
        (), max_length=limits.MAX_TRANSFERS,
        description="Travel times between facilities (minutes)." + bound(limits.MAX_TRANSFERS,
                                                                          "pairs")
    )
    default_transfer_minutes: Real = Field(
        60.0,
        gt=0,
        le=limits.MAX_DURATION,
        description="Travel time for pairs not listed (minutes). 48-84 min from level-I "
        "hospitals to a critical-care centre in Nanning (Wu X 2017)."
        + bound(limits.MAX_DURATION),
    )
    order: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="For a facility, the facilities to try, in order, when a woman must go "
        "elsewhere (no bed, risk rule, emergency). Facilities not listed are tried after, "
        "nearest first. Out of the region is always the last resort.",
    )
    changes: tuple[ReferralChange, ...] = Field(
        (), max_length=limits.MAX_EVENTS,
        description="Eligibility rules changed from given dates on." + bound(limits.MAX_EVENTS)
    )
    split: dict[str, dict[str, Real]] = Field(
        default_factory=dict,
        description="For a facility, how the women it sends elsewhere (planned referral, no "
        "bed, emergency) are shared between facilities, by weight, instead of all trying the "
        "first in its order: each woman tries a facility drawn by these weights first, then "
        "the rest of the order (relative weight).")

    @field_validator("split")
    @classmethod
    def _weights(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        for fid, weights in v.items():
            if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
                raise ValueError(f"{fid}: weights must be >= 0 and not all zero")
            if fid in weights:
                raise ValueError(f"{fid}: a facility does not refer to itself")
        return v

    def eligibility_schedule(self) -> list[tuple[date | None, dict[RiskColour, Eligibility]]]:
        """The eligibility by colour in force from each date on: the scenario's rules from the
        start (date None), then one entry per change, in date order."""
        rules = dict(self.eligibility)
        schedule: list[tuple[date | None, dict[RiskColour, Eligibility]]] = [(None, dict(rules))]
        for change in sorted(self.changes, key=lambda c: c.date):
            rules.update(change.eligibility)
            schedule.append((change.date, dict(rules)))
        return schedule


_CHANGE_BOUND = f" At most {limits.MAX_CAPACITY:,} either way."


class PolicyChange(Strict):
    """A dated change at one facility: capacity added or removed, or deliveries stopped/started."""

    date: Annotated[date, Field(description="Day the change takes effect (YYYY-MM-DD).")]
    facility: str = Field(..., description="Facility id.")
    beds: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                        description="Beds added, negative: removed (beds)." + _CHANGE_BOUND)
    midwives: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                            description="Midwives added, head-count, negative: removed "
                            "(persons)." + _CHANGE_BOUND)
    obstetricians: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                                 description="Obstetricians added, head-count, negative: "
                                 "removed (persons)." + _CHANGE_BOUND)
    theatres: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                            description="Theatres added, negative: removed (theatres)."
                            + _CHANGE_BOUND)
    delivery_beds: Whole = Field(0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
                                 description="Delivery beds added, negative: removed, at a "
                                 "facility with two bed pools (beds); there, beds are the ward "
                                 "beds." + _CHANGE_BOUND)
    cots: CotsChange = Field(
        default_factory=CotsChange,
        description="Newborn cots added by level (special, intensive; negative: removed), at "
        "a facility of a scenario with newborn care (cots).")
    paediatric_beds: Whole = Field(
        0, ge=-limits.MAX_CAPACITY, le=limits.MAX_CAPACITY,
        description="Paediatric beds added, negative: removed, in a scenario with a paediatric "
        "line (beds); a facility without any may open a ward." + _CHANGE_BOUND)
    delivers: bool | None = Field(None, description="true: starts deliveries; false: stops them.")
    note: str = Field("", description="Why (source or reasoning).")


class Scenario(Strict):
    """A region and a policy: everything one simulation needs."""

    name: str = Field(..., min_length=1, max_length=limits.MAX_NAME_CHARS,
                      description="Scenario name." + bound(limits.MAX_NAME_CHARS, "characters"))
    name_zh: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                                description="Chinese display name (default: name)."
                                + bound(limits.MAX_NAME_CHARS, "characters"))
    name_en: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                                description="English display name (default: name)."
                                + bound(limits.MAX_NAME_CHARS, "characters"))
    description: str = Field("", max_length=limits.MAX_TEXT_CHARS,
                             description="What the scenario represents and its sources."
                             + bound(limits.MAX_TEXT_CHARS, "characters"))
    horizon: Horizon
    run: RunSettings = Field(default_factory=RunSettings)
    facilities: tuple[Facility, ...] = Field(
        ..., min_length=1, max_length=limits.MAX_FACILITIES,
        description="The facilities of the region." + bound(limits.MAX_FACILITIES))
    demand: Demand
    pathway: Pathway = Field(default_factory=Pathway)
    referral: Referral = Field(default_factory=Referral)
    policy: tuple[PolicyChange, ...] = Field(
        (), max_length=limits.MAX_EVENTS,
        description="Dated changes at facilities." + bound(limits.MAX_EVENTS))
    targets: Targets = Field(
        default_factory=Targets,
        description="Standards and targets `capsim check` judges: the catalogue's, switched "
        "on/off or overridden, and local ones (capsim.scenario.targets).")
    newborn: NewbornCare | None = Field(None, description="Newborn care (capsim.scenario.newborn).")
    paediatric: PaediatricLine | None = Field(
        None, description="The paediatric service line (capsim.scenario.paediatric).")

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        ids = [f.id for f in self.facilities]
        dup = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dup:
            raise ValueError(f"facility ids must be unique; repeated: {', '.join(dup)}")
        known = set(ids)

        def unknown(where: str, fid: str) -> ValueError:
            return ValueError(
                f"{where}: unknown facility {fid!r} (known: {', '.join(sorted(known))})"
            )

        for fid in self.demand.booking:
            if fid not in known:
                raise unknown("demand.booking", fid)
        for t in self.referral.transfers:
            for fid in t.between:
                if fid not in known:
                    raise unknown("referral.transfers", fid)
        for fid, targets in self.referral.order.items():
            if fid not in known:
                raise unknown("referral.order", fid)
            for tid in targets:
                if tid not in known:
                    raise unknown(f"referral.order.{fid}", tid)
        for fid, weights in self.referral.split.items():
            if fid not in known:
                raise unknown("referral.split", fid)
            for tid in weights:
                if tid not in known:
                    raise unknown(f"referral.split.{fid}", tid)
        for ev in self.policy:
            if ev.facility not in known:
                raise unknown("policy", ev.facility)
        for care in (self.newborn, self.paediatric):
            for where, fid in () if care is None else care.facility_ids():
                if fid not in known:
                    raise unknown(where, fid)
        if self.paediatric is not None:
            self.paediatric.check_years(horizon_years(self.horizon, warmup=True),
                                        self.horizon.start.year)
        schedule = capacity_schedule(self)  # built once for both checks
        self._check_policy_capacities(schedule)
        check_every_colour_has_a_facility(self, schedule)
        self._check_demand_years()
        self._check_work()
        return self

    def _check_work(self) -> None:
        # Refused before anything is allocated: the women a run of the file simulates.
        women = self.women_per_replication * self.run.replications
        if women > limits.MAX_WOMEN_SIMULATED:
            raise ValueError(
                f"run: about {women:.3g} women would be simulated (deliveries x years x "
                f"replications), more than the {limits.MAX_WOMEN_SIMULATED:,} a run may "
                "simulate: fewer replications or a shorter horizon")

    @property
    def women_per_replication(self) -> float:
        """Women one replication simulates, about: the expected deliveries over the horizon
        and its warm-up, before demand events (women)."""
        h = self.horizon
        years = horizon_years(h, warmup=True)
        yearly = math.fsum(self.demand.deliveries_in(y, h.start.year) for y in years) / len(years)
        return yearly * (h.length_days + h.warmup_days) / 365

    def _check_policy_capacities(self, schedule: CapacitySchedule) -> None:
        for step in schedule.steps:
            fac = self.facilities[step.facility]
            for key in (*CAPACITY_FIELDS, "delivery_beds"):
                if getattr(step.after, key) < 0:
                    raise ValueError(
                        f"policy: on {step.date} {step.change.facility} would have "
                        f"{getattr(step.after, key)} {key} (from "
                        f"{getattr(fac, key) or 0} and the changes before it)"
                    )
            if step.change.delivery_beds and not two_bed_pools(fac):
                raise ValueError(
                    f"policy: on {step.date} {fac.id} changes delivery_beds, but it has one "
                    "pool of beds (give it ward_beds and delivery_beds)")
            if fac.roster is not None and any(
                    getattr(step.change, k) for k in ("midwives", "obstetricians", "theatres")):
                raise ValueError(
                    f"policy: on {step.date} {fac.id} changes its staff or theatres, but its "
                    "own roster fixes the staff on duty; change the roster instead")
            self._check_open_units(step)
            self._check_care_change(step)

    def _check_care_change(self, step: CapacityStep) -> None:
        # Cots and paediatric beds change only where the scenario has that line of care, and
        # never below zero.
        change, fac = step.change, self.facilities[step.facility]
        lines = (("cots", bool(change.cots.changed()), self.newborn, "newborn"),
                 ("paediatric_beds", change.paediatric_beds != 0, self.paediatric,
                  "paediatric"))
        for field, changed, section, name in lines:
            if changed and section is None:
                raise ValueError(
                    f"policy: on {step.date} {fac.id} changes {field}, but the scenario has "
                    f"no {name}: section")
        counts = [(f"cots.{level}", getattr(step.after, cots_field(level)),
                   getattr(step.before, cots_field(level))) for level in change.cots.changed()]
        counts.append(("paediatric_beds", step.after.paediatric_beds,
                       step.before.paediatric_beds))
        for field, after, before in counts:
            if after < 0:
                raise ValueError(
                    f"policy: on {step.date} {fac.id} would have {after} {field} ({before} "
                    "before this change)")

    def _check_open_units(self, step: CapacityStep) -> None:
        # A facility that delivers with no bed or no midwife on duty would leave women
        # waiting for ever: such a cut must stop its deliveries too (a closure).
        after, fac = step.after, self.facilities[step.facility]
        if not after.delivers:
            return
        empty = [name for name, n in (("beds", after.beds), ("midwives", after.midwives))
                 if n <= 0]
        if two_bed_pools(fac) and after.delivery_beds <= 0:
            empty.append("delivery_beds")
        if empty:
            raise ValueError(
                f"policy: on {step.date} {fac.id} would deliver with no {' and no '.join(empty)} "
                "(women would wait for ever); stop its deliveries in the same change "
                "(delivers: false) to close it")

    def _check_demand_years(self) -> None:
        h = self.horizon
        # Demand events multiply each other: the most they can raise a year's deliveries.
        events = math.prod(max(1.0, ev.multiplier) for ev in self.demand.events)
        for year in horizon_years(h, warmup=True):
            try:
                deliveries = self.demand.deliveries_in(year, h.start.year)
            except KeyError:
                idx = self.demand.trend.index if self.demand.trend else {}
                raise ValueError(
                    f"demand.trend: the index covers {min(idx)}-{max(idx)} but the horizon "
                    f"(warm-up included) simulates {year}"
                ) from None
            except OverflowError:
                deliveries = math.inf
            if not deliveries * events <= limits.MAX_DELIVERIES:
                raise ValueError(
                    f"demand: {year} would have {deliveries * events:.4g} deliveries (demand "
                    f"events included), more than the {limits.MAX_DELIVERIES:,} a scenario "
                    "may have in a year")

    def display_name(self, lang: str = "en") -> str:
        """The scenario's name in ``lang``: name_zh for "zh", name_en for "en", else name."""
        given = self.name_zh if lang == "zh" else self.name_en
        return given or self.name

    def with_changes(self, changes: Mapping[str, object], source: str | None = None
                     ) -> Scenario:
        """A new, validated scenario: this one with the value of each path of ``changes``
        set, such as ``{"facilities[county-hospital].beds": 120, "demand.annual_growth":
        -0.02, "policy+": [{...}]}`` (paths: `capsim.scenario.paths`). A bad path or
        value raises `ScenarioError` naming the path and the reason."""
        # The what-if validates through the loader, which imports this module.
        from capsim.scenario.whatif import with_changes

        return with_changes(self, changes, source)

    def to_yaml(self, path: str | Path, extends: str | Path | None = None) -> Path:
        """Write this scenario as a YAML file at ``path``; with ``extends`` (the base's file),
        a file that extends the base and holds only what differs. Returns the path; the file
        is read back and validated (`capsim.scenario.whatif.to_yaml`)."""
        from capsim.scenario.whatif import to_yaml

        return to_yaml(self, path, extends)

    def facility(self, fid: str) -> Facility:
        """Return the facility with id ``fid``."""
        for f in self.facilities:
            if f.id == fid:
                return f
        raise KeyError(fid)

