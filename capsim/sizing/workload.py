"""A midwife establishment from workload, in the manner of WHO WISN and Birthrate Plus.

The midwife hours each woman needs, by risk colour and mode of delivery (care in labour, in
theatre for a caesarean, postnatal care after a vaginal birth or a caesarean), times the
year's women of each kind at the facility, plus an allowance for work not tied to one woman,
divided by the hours one whole-time midwife is available in a year after leave and training:

    WTE = sum(women x hours) x (1 + allowance) / available hours per WTE

Unlike the service-level requirement (midwives on duty so that labours rarely wait), this
counts all midwifery work of the facility, so the two answer different questions and are
reported side by side. Every input is a field with its source; "ASSUMED" marks a value no
source gives, to be set from local time studies.
"""

from __future__ import annotations

import pandas as pd
from pydantic import Field, model_validator

from capsim.demand import expected_daily_deliveries
from capsim.scenario.calendar import year_spans
from capsim.scenario.models import RISK_COLOURS, RiskColour, Scenario, Strict
from capsim.scenario.referral import OUT_OF_REGION, ReferralRule

#: Birthrate Plus casemix categories I-V ("Introducing Birthrate Plus" guide): labour-ward hours
#: per woman and midwives per woman. ASSUMED mapping of the five colours onto the categories:
#: green I, yellow II, orange III, purple IV (isolation of infectious disease), red V.
BIRTHRATE_PLUS: dict[RiskColour, tuple[float, float]] = {
    "green": (6.6, 1.0), "yellow": (7.4, 1.0), "orange": (9.4, 1.2), "purple": (10.7, 1.3),
    "red": (16.4, 1.4)}

#: ASSUMED midwife hours per woman-day on a postnatal ward: one midwife to eight women around
#: the clock (24 h / 8).
POSTNATAL_HOURS_PER_DAY = 3.0

#: Mean postnatal stay after a vaginal birth and a caesarean (days): medians of 1,902
#: Guangdong facilities, Li B et al., Chinese Journal of Public Health 2018;34(1):9-13.
LOS_VAGINAL_DAYS, LOS_CAESAREAN_DAYS = 2.85, 6.0


class CareHours(Strict):
    """Midwife hours one woman of a risk colour needs, by part of her care (hours)."""

    labour: float = Field(
        ..., ge=0, description="Midwife hours of care in labour, per woman who labours: "
        "Birthrate Plus labour-ward hours x midwives per woman (hours).")
    theatre: float = Field(
        1.0, ge=0, description="Midwife hours per caesarean (hours). ASSUMED: one midwife for "
        "the operation, about an hour (the scenario default caesarean duration is 60 min).")
    postnatal_vaginal: float = Field(
        POSTNATAL_HOURS_PER_DAY * LOS_VAGINAL_DAYS, ge=0,
        description="Midwife hours of postnatal care after a vaginal birth (hours): ASSUMED 3 "
        "h a day x 2.85 days (Li B et al. 2018).")
    postnatal_caesarean: float = Field(
        POSTNATAL_HOURS_PER_DAY * LOS_CAESAREAN_DAYS, ge=0,
        description="Midwife hours of postnatal care after a caesarean (hours): ASSUMED 3 h a "
        "day x 6.0 days (Li B et al. 2018).")


def _default_hours() -> dict[RiskColour, CareHours]:
    return {c: CareHours(labour=h * m) for c, (h, m) in BIRTHRATE_PLUS.items()}


class AvailableTime(Strict):
    """Working time of one whole-time midwife in a year (WISN "available working time")."""

    hours_per_week: float = Field(
        40.0, gt=0, description="Contracted hours a week (hours). ASSUMED: 8 hours a day, 5 days "
        "a week, the standard working week in China.")
    weeks_per_year: float = Field(52.18, gt=0, description="Weeks in a year (365.25 / 7).")
    public_holidays: float = Field(
        11.0, ge=0, description="Public holidays off work (days). ASSUMED: 11 statutory holidays "
        "(13 from 2025); set it from local rules.")
    annual_leave: float = Field(
        10.0, ge=0, description="Paid annual leave (days). ASSUMED: 5-15 days by years of "
        "service; 10 days here.")
    training: float = Field(3.0, ge=0, description="Training days a year (days). ASSUMED.")
    other_absence: float = Field(
        0.0, ge=0, description="Sickness and other absence (days). ASSUMED 0; with the defaults "
        "above a midwife works 0.91 of her weekdays, the roster's default availability.")

    @property
    def hours(self) -> float:
        """Hours one whole-time midwife works in a year (hours)."""
        per_day = self.hours_per_week / 5.0
        days_off = self.public_holidays + self.annual_leave + self.training + self.other_absence
        return self.hours_per_week * self.weeks_per_year - days_off * per_day


class Workload(Strict):
    """Inputs of the workload establishment."""

    hours: dict[RiskColour, CareHours] = Field(
        default_factory=_default_hours,
        description="Midwife hours per woman by risk colour; default labour hours from "
        "Birthrate Plus casemix categories (see BIRTHRATE_PLUS).")
    allowance: float = Field(
        0.15, ge=0, description="Work not tied to one woman (handover, supervision, teaching, "
        "records) as a share of direct care (share). ASSUMED, in the manner of WISN's "
        "category allowance; set it from a local time study.")
    available: AvailableTime = Field(default_factory=AvailableTime)
    births_per_wte: float = Field(
        28.0, gt=0, description="A reference ratio shown beside the establishment: births a "
        "year per whole-time midwife. 28: RCOG/RCM Safer Childbirth 2007 (UK, 1:1 care in "
        "labour).")

    @model_validator(mode="after")
    def _every_colour(self) -> Workload:
        missing = [c for c in RISK_COLOURS if c not in self.hours]
        if missing:
            raise ValueError(f"hours is missing the risk colour(s) {', '.join(missing)}")
        return self


def planned_casemix(scenario: Scenario) -> pd.DataFrame:
    """Share of each risk colour among the women planned to deliver at each facility, by
    horizon year.

    Women book by ``demand.booking`` and plan to deliver where the referral rule sends them
    before any bed is sought (`capsim.scenario.referral.ReferralRule.destinations`: shared
    by the weights of ``referral.split`` where the booking facility splits its referrals),
    under the eligibility rules and the facilities delivering on the day, and at a facility
    that can run a caesarean when hers is planned (the planned caesarean rates in force on the
    day). Each stretch of days between dated changes is weighted by its expected deliveries.
    Returns columns year, facility, colour, share (shares of a facility-year sum to 1; a
    facility-year no woman plans to deliver at gets the region's risk mix)."""
    rule = ReferralRule(scenario)
    demand, horizon = scenario.demand, scenario.horizon
    daily = expected_daily_deliveries(scenario)
    planned_rates = demand.caesarean_schedule("planned")
    changes = sorted(set(rule.change_dates())
                     | {when for when, _ in planned_rates if when is not None})
    index = {fid: i for i, fid in enumerate(rule.ids)}
    rows = []
    for year, first, stop in year_spans(horizon):
        mass = {fid: dict.fromkeys(RISK_COLOURS, 0.0) for fid in rule.ids}
        cuts = [first, *(d for d in changes if first < d < stop), stop]
        for start, end in zip(cuts, cuts[1:], strict=False):
            weight = float(daily[(start - horizon.sim_start).days:
                                 (end - horizon.sim_start).days].sum())
            rates = next(r for when, r in reversed(planned_rates)
                         if when is None or when <= start)
            for fid, share in demand.booking.items():
                for colour in RISK_COLOURS:
                    for planned, p in ((True, rates[colour]), (False, 1.0 - rates[colour])):
                        if p <= 0:
                            continue
                        for dest, part in rule.destinations(index[fid], colour, planned,
                                                            start):
                            if dest.facility != OUT_OF_REGION:
                                mass[rule.ids[dest.facility]][colour] += (
                                    weight * share * p * part * demand.risk_mix[colour])
        for fid in rule.ids:
            total = sum(mass[fid].values())
            mix = ({c: v / total for c, v in mass[fid].items()} if total > 0
                   else dict(demand.risk_mix))
            rows += [{"year": year, "facility": fid, "colour": c, "share": mix[c]}
                     for c in RISK_COLOURS]
    return pd.DataFrame(rows)


def establishment(counts: pd.DataFrame, casemix: pd.DataFrame,
                  model: Workload | None = None) -> pd.DataFrame:
    """Midwives (whole-time equivalents) the workload of each facility-year needs.

    ``counts`` has columns year, facility, deliveries, labours and caesareans (women a year);
    ``casemix`` is `planned_casemix` (columns year, facility, colour, share). Returns
    columns year, facility, labour_hours, theatre_hours, postnatal_hours, allowance_hours,
    total_hours (midwife hours a year), available_hours (hours a year per WTE), wte
    (whole-time equivalents), and wte_reference (deliveries / births_per_wte)."""
    model = model or Workload()
    mix = casemix.pivot(index=["year", "facility"], columns="colour", values="share")

    def weighted(part: str) -> pd.Series:
        per = pd.Series({c: getattr(model.hours[c], part) for c in RISK_COLOURS})
        return (mix[list(RISK_COLOURS)] * per).sum(axis=1)

    df = counts[["year", "facility", "deliveries", "labours", "caesareans"]].copy()
    fac = pd.MultiIndex.from_frame(df[["year", "facility"]].astype({"year": int}))
    vaginal = (df["deliveries"] - df["caesareans"]).clip(lower=0)

    def per_woman(part: str) -> pd.Series:
        return pd.Series(weighted(part).reindex(fac).to_numpy(), index=df.index)

    df["labour_hours"] = df["labours"] * per_woman("labour")
    df["theatre_hours"] = df["caesareans"] * per_woman("theatre")
    df["postnatal_hours"] = (vaginal * per_woman("postnatal_vaginal")
                             + df["caesareans"] * per_woman("postnatal_caesarean"))
    direct = df["labour_hours"] + df["theatre_hours"] + df["postnatal_hours"]
    df["allowance_hours"] = direct * model.allowance
    df["total_hours"] = direct + df["allowance_hours"]
    df["available_hours"] = model.available.hours
    df["wte"] = df["total_hours"] / model.available.hours
    df["wte_reference"] = df["deliveries"] / model.births_per_wte
    return df.drop(columns=["deliveries", "labours", "caesareans"])
