"""The load a scenario offers each facility's beds, midwives and theatres at the start of its
horizon, against their capacity: read before anything is simulated, to name the facilities
whose queue cannot settle (offered load at or above capacity).

The offered load of a pool is arrivals an hour × mean hours held (erlangs, Little's law):
women planned to deliver at the facility (booking shares, risk mix and the referral rule of the
first reported day), with the scenario's mean durations. Diversions and transfers are left out:
they only move load between facilities, and a facility whose own women overload it is the
warning's point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from capsim.i18n import t
from capsim.scenario.base import RISK_COLOURS
from capsim.scenario.calendar import caesarean_slots
from capsim.scenario.referral import OUT_OF_REGION, ReferralRule
from capsim.scenario.units import two_bed_pools

if TYPE_CHECKING:
    from capsim.scenario.models import Scenario

HOURS_PER_YEAR = 24 * 365.25


@dataclass(frozen=True)
class OfferedLoad:
    """One pool of one facility: its offered load and its capacity (erlangs and units)."""

    facility: str
    pool: str        # "beds", "ward_beds", "delivery_beds", "midwives" or "theatres"
    load: float      # erlangs: units busy on average with unlimited capacity
    capacity: float  # units (labour places for midwives; a day's mean with its own roster)

    @property
    def unstable(self) -> bool:
        """Whether the load reaches the capacity (a queue of it would grow without end)."""
        return self.load >= self.capacity


def offered_loads(scenario: Scenario) -> list[OfferedLoad]:
    """The offered load and capacity of every pool of every delivering facility at the start
    of the horizon (see the module's description), in facility order."""
    demand, pathway = scenario.demand, scenario.pathway
    start = scenario.horizon.start
    per_hour = demand.deliveries_in(start.year, start.year) / HOURS_PER_YEAR
    rule = ReferralRule(scenario)
    ids = [f.id for f in scenario.facilities]
    planned_rate = demand.caesarean_schedule("planned")[0][1]
    emergency_rate = demand.caesarean_schedule("emergency")[0][1]
    # Arrivals an hour at each facility: labours, planned caesareans, emergency caesareans,
    # and antenatal bed-hours.
    labours = [0.0] * len(ids)
    planned = [0.0] * len(ids)
    emergency = [0.0] * len(ids)
    antenatal_h = [0.0] * len(ids)
    for fid, share in demand.booking.items():
        booked = ids.index(fid)
        for colour in RISK_COLOURS:
            rate = per_hour * share * demand.risk_mix[colour]
            p = planned_rate[colour]
            ante = pathway.antenatal[colour]
            ante_h = ante.probability * ante.days.mean * 24
            for is_planned, weight in ((True, p), (False, 1 - p)):
                for dest, part in rule.destinations(booked, colour, is_planned, start):
                    to = dest.facility
                    if to == OUT_OF_REGION or weight <= 0:
                        continue
                    arriving = rate * weight * part
                    antenatal_h[to] += arriving * ante_h
                    if is_planned:
                        planned[to] += arriving
                    else:
                        labours[to] += arriving
                        emergency[to] += arriving * emergency_rate[colour]
    labour_h = pathway.labour.mean
    vaginal_h = pathway.postnatal_los.vaginal.mean * 24
    caesarean_h = pathway.postnatal_los.caesarean.mean * 24
    theatre_h = pathway.caesarean_duration.mean / 60
    out = []
    for k, fac in enumerate(scenario.facilities):
        if not fac.delivers:
            continue
        births_cs = planned[k] + emergency[k]
        postnatal = (labours[k] - emergency[k]) * vaginal_h + births_cs * caesarean_h
        if two_bed_pools(fac):
            recovery = min(pathway.recovery_hours, vaginal_h)
            out.append(OfferedLoad(fac.id, "delivery_beds",
                                   labours[k] * (labour_h + recovery), fac.delivery_beds or 0))
            out.append(OfferedLoad(fac.id, "ward_beds",
                                   antenatal_h[k] + postnatal - labours[k] * recovery,
                                   fac.beds))
        else:
            out.append(OfferedLoad(fac.id, "beds", antenatal_h[k] + labours[k] * labour_h
                                   + postnatal, fac.beds))
        out.append(OfferedLoad(fac.id, "midwives", labours[k] * labour_h,
                               _labour_places(scenario, k)))
        if births_cs > 0 and "caesarean" in fac.capabilities:  # others transfer them
            out.append(OfferedLoad(fac.id, "theatres", births_cs * theatre_h,
                                   _caesarean_slots(scenario, k)))
    return out


def _labour_places(scenario: Scenario, k: int) -> float:
    """Women in labour facility ``k``'s midwives on duty care for at once (a day's mean
    with its own roster)."""
    pathway, fac = scenario.pathway, scenario.facilities[k]
    per = pathway.labour_capacity_per_midwife
    if fac.roster is not None:
        hours = fac.roster.midwives_on_duty()
        return per * sum(hours) / len(hours)
    return per * pathway.roster.on_duty(fac.midwives)


def _caesarean_slots(scenario: Scenario, k: int) -> float:
    """Caesareans facility ``k`` can run at once (a day's mean with its own roster)."""
    pathway, fac = scenario.pathway, scenario.facilities[k]
    has_cs = "caesarean" in fac.capabilities
    hours = fac.roster.obstetricians_on_duty() if fac.roster is not None else None
    if hours is None:
        hours = (pathway.roster.on_duty(fac.obstetricians),)
    slots = [caesarean_slots(has_cs, fac.theatres, h, pathway.obstetricians_per_caesarean)
             for h in hours]
    return sum(slots) / len(slots)


def unstable_load_messages(scenario: Scenario, lang: str = "en") -> list[str]:
    """One message in ``lang`` per pool of a facility whose offered load reaches its
    capacity, with the numbers (`offered_loads`); empty when none does."""
    return [t("unstable_load", lang, facility=o.facility, load=o.load,
              pool=t(f"pool_{o.pool}", lang), capacity=o.capacity)
            for o in offered_loads(scenario) if o.unstable]
