"""Scenarios with given capacities: a capacity plan (per facility and calendar year) written
into a scenario, and the "ample" plan under which no woman waits or is turned away.

A plan maps facility id → year → {"beds", "midwives", "obstetricians", "theatres"}, and
"delivery_beds" at a facility with two bed pools, with beds and theatres as counts and staff as head-counts. The first horizon year's values become the
facility's own fields; later years become policy changes dated 1 January. The scenario's own
capacity changes are replaced by the plan (its changes of ``delivers`` are kept), so the
capacity simulated in each year is exactly the plan's.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from capsim.scenario.loader import validate_scenario
from capsim.scenario.models import Scenario
from capsim.scenario.units import two_bed_pools
from capsim.sizing.levels import ServiceLevels
from capsim.scenario.calendar import (
    CAPACITY_FIELDS,
    capacity_schedule,
    horizon_years,
    year_spans,
)
from capsim.timeline import capacity_by_year

Plan = dict[str, dict[int, dict[str, int]]]

#: The fields of a plan a facility with its own roster takes (its staff stay its roster's).
BED_FIELDS = ("beds", "delivery_beds")

#: Head-room of the ample plan over the region's whole expected load (a factor), enough to
#: cover seasonal and daily peaks of the whole region arriving at one facility.
AMPLE_FACTOR = 3.0


def reported_days(scenario: Scenario) -> dict[int, int]:
    """Reported days of each calendar year of the horizon (days)."""
    return {year: (stop - first).days for year, first, stop in year_spans(scenario.horizon)}


def delivering_facilities(scenario: Scenario) -> list[str]:
    """Ids of facilities that deliver on some reported day of the horizon, after the policy's
    changes of ``delivers``."""
    h = scenario.horizon
    states = capacity_schedule(scenario).between(h.start, h.end)
    return [f.id for i, f in enumerate(scenario.facilities) if any(s[i].delivers for s in states)]


def delivering_years(scenario: Scenario) -> set[tuple[str, int]]:
    """(facility id, year) for every horizon year in which the facility delivers on some
    reported day, after the policy's changes of ``delivers``."""
    schedule = capacity_schedule(scenario)
    ids = [f.id for f in scenario.facilities]
    return {(ids[i], year) for year, first, stop in year_spans(scenario.horizon)
            for state in schedule.between(first, stop)
            for i, c in enumerate(state) if c.delivers}


def current_plan(scenario: Scenario) -> Plan:
    """The scenario's own capacity in force on 31 December of each year, as a plan; a
    facility with two bed pools has its delivery beds too."""
    table = capacity_by_year(scenario)
    plan: Plan = {}
    for row in table.itertuples(index=False):
        plan.setdefault(row.facility, {})[int(row.year)] = {
            k: int(getattr(row, k)) for k in CAPACITY_FIELDS}
    schedule = capacity_schedule(scenario)
    for year, _, stop in year_spans(scenario.horizon):
        state = schedule.on(stop - timedelta(days=1))
        for f, c in zip(scenario.facilities, state, strict=True):
            if two_bed_pools(f):
                plan[f.id][year]["delivery_beds"] = int(c.delivery_beds)
    return plan


def ample_plan(scenario: Scenario) -> Plan:
    """A plan with room for the whole region's load at every delivering facility, so that no
    woman waits for a midwife or a theatre or finds no bed (beds, head-counts, theatres).

    The bound is `AMPLE_FACTOR` times the region's peak yearly load plus a margin of
    ten standard deviations of a Poisson count; the engine's cost does not grow with it."""
    demand, pathway = scenario.demand, scenario.pathway
    years = horizon_years(scenario.horizon)
    peak = max(demand.deliveries_in(y, scenario.horizon.start.year) for y in years)
    for ev in demand.events:
        peak *= max(1.0, ev.multiplier)
    peak *= max(demand.month_profile) / (sum(demand.month_profile) / 12)
    stay_days = (max(pathway.postnatal_los.vaginal.mean, pathway.postnatal_los.caesarean.mean)
                 + max(a.days.mean for a in pathway.antenatal.values())
                 + pathway.labour.mean / 24)
    per_hour = peak / (365.25 * 24)

    def room(load: float) -> int:
        load *= AMPLE_FACTOR
        return math.ceil(load + 10 * math.sqrt(load) + 20)

    beds = room(per_hour * 24 * stay_days)
    slots = room(per_hour * pathway.labour.mean)
    theatres = room(per_hour * (pathway.caesarean_duration.mean + 60) / 60)
    roster = pathway.roster
    on_duty_mw = math.ceil(slots / pathway.labour_capacity_per_midwife)
    obstetricians = roster.headcount_for(theatres * pathway.obstetricians_per_caesarean)
    plan = current_plan(scenario)
    for fid in delivering_facilities(scenario):
        has_cs = "caesarean" in scenario.facility(fid).capabilities
        for year in years:
            plan[fid][year] = {
                "beds": beds,
                "midwives": roster.headcount_for(on_duty_mw),
                "obstetricians": obstetricians if has_cs else plan[fid][year]["obstetricians"],
                "theatres": theatres if has_cs else plan[fid][year]["theatres"],
            }
            if scenario.facility(fid).delivery_beds is not None:  # two pools: both ample
                plan[fid][year]["delivery_beds"] = beds
    return plan


def with_levels(scenario: Scenario, levels: ServiceLevels) -> Scenario:
    """The scenario with the service levels' midwife wait and DDI targets (minutes), so that
    its metrics ``midwife_timely_share`` and ``ddi_within_target_share`` measure them."""
    pathway = scenario.pathway.model_copy(update={
        "midwife_wait_target_minutes": levels.midwife_minutes,
        "ddi_target_minutes": levels.ddi_minutes,
    })
    return scenario.model_copy(update={"pathway": pathway})


def with_capacity(scenario: Scenario, plan: Plan, name: str | None = None) -> Scenario:
    """The scenario with the capacity of ``plan`` in each horizon year (validated).

    Facilities or years the plan leaves out keep the scenario's own capacity in force on 31
    December of that year."""
    full = current_plan(scenario)
    own_roster = {f.id for f in scenario.facilities if f.roster is not None}
    for fid, planned in plan.items():
        for year, values in planned.items():
            if fid in own_roster:  # its own roster fixes its staff on duty: beds only
                values = {k: v for k, v in values.items() if k in BED_FIELDS}
            if year in full[fid]:
                full[fid][year] = {**full[fid][year], **values}
    data = scenario.model_dump()
    if name is not None:
        data["name"] = name
    years = sorted(next(iter(full.values())))
    first = years[0]
    for fac in data["facilities"]:
        fac.update(full[fac["id"]][first])
        if fac.get("ward_beds") is not None:  # two pools: the beds sized are ward beds
            fac["ward_beds"] = fac["beds"]
        fac["initial_census"] = min(fac["initial_census"], fac["beds"])
    policy = [_without_capacity(ev) for ev in data["policy"]]
    policy = [ev for ev in policy if _has_effect(ev)]
    for fid, by_year in full.items():
        for prev, year in zip(years, years[1:], strict=False):
            delta = {k: by_year[year][k] - by_year[prev][k]
                     for k in (*CAPACITY_FIELDS, "delivery_beds") if k in by_year[year]}
            if any(delta.values()):
                policy.append({"date": date(year, 1, 1), "facility": fid, **delta,
                               "note": "capacity of the plan for this year"})
    data["policy"] = policy
    return validate_scenario(data, source=f"{scenario.name} (capacity plan)")


def _without_capacity(ev: dict[str, Any]) -> dict[str, Any]:
    return {**ev, **{k: 0 for k in (*CAPACITY_FIELDS, "delivery_beds")}}


def _has_effect(ev: dict[str, Any]) -> bool:
    """True when a change still does something once its capacity is taken out."""
    ignored = {"date", "facility", "note", "delivers", "delivery_beds", *CAPACITY_FIELDS}
    # A mapping of counts (cots by level) does something when one of its counts does.
    return ev.get("delivers") is not None or any(
        v is not None and v is not False and v != 0 and v != "" and v != ()
        and not (isinstance(v, dict) and not any(v.values()))
        for k, v in ev.items() if k not in ignored)
