"""The what-if a planner sets in ``capsim app``, as plain data, and the scenario it makes.

Per facility and year: each capacity a policy change can move (the fields of
`capsim.scenario.calendar.CAPACITY_FIELDS`, so that a capacity added there is an input
here; delivery beds at a facility that has them apart from its ward beds) and whether the
facility delivers, in force from 1 January of that year; newborn cots by level and paediatric
beds (`capsim.scenario.calendar.CARE_FIELDS`) when the scenario has those lines of care. Region-wide,
from a year on: births growth a year on top of the scenario's projection, a change to every
caesarean rate, and the referral rule. The scenario is the base with dated changes appended
through `Scenario.with_changes`, so that it reads like a plan: policy changes, demand
events, caesarean-rate and referral changes, each with its date.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from capsim.scenario.base import LEVEL_RANK, RiskColour
from capsim.scenario.calendar import (
    CAPACITY_FIELDS,
    Capacity,
    capacity_schedule,
    cots_field,
    horizon_years,
)
from capsim.scenario.models import Scenario
from capsim.scenario.newborn import NEWBORN_LEVELS

#: What a facility input sets: the capacities of a policy change, and whether it delivers.
FACILITY_FIELDS: tuple[str, ...] = (*CAPACITY_FIELDS, "delivers")


def facility_fields(scenario: Scenario) -> tuple[str, ...]:
    """The facility inputs of ``scenario``: `FACILITY_FIELDS`, with delivery beds after the
    (ward) beds when some facility of the scenario has delivery beds apart, then the cots by
    level with newborn care and the paediatric beds with a paediatric line."""
    fields = FACILITY_FIELDS
    if any(f.delivery_beds is not None for f in scenario.facilities):
        fields = (CAPACITY_FIELDS[0], "delivery_beds", *CAPACITY_FIELDS[1:], "delivers")
    return fields + care_fields(scenario)


def care_fields(scenario: Scenario) -> tuple[str, ...]:
    """The inputs of the lines of care ``scenario`` has: cots by level (`cots_field`) with a
    newborn section, paediatric beds with a paediatric one."""
    cots = tuple(cots_field(level) for level in NEWBORN_LEVELS) if scenario.newborn else ()
    return cots + (("paediatric_beds",) if scenario.paediatric else ())


def has_field(scenario: Scenario, fid: str, name: str) -> bool:
    """Whether facility ``fid`` of ``scenario`` has the input ``name``: delivery beds only at
    a facility with delivery beds apart from its ward beds; every other input everywhere."""
    return name != "delivery_beds" or scenario.facility(fid).delivery_beds is not None

#: Referral rules offered, by the lowest level at which a woman of each risk colour may
#: deliver from the chosen year on (colours not listed keep the scenario's rule).
REFERRAL_RULES: dict[str, dict[str, str]] = {
    "scenario": {},
    "yellow_up_level_2": {"yellow": "county", "orange": "county", "red": "county",
                          "purple": "county"},
    "all_level_2": {"green": "county", "yellow": "county", "orange": "county",
                    "red": "county", "purple": "county"},
}

#: Why a note goes with each dated change written into the scenario.
NOTE = "what-if (capsim app)"


@dataclass(frozen=True)
class Edits:
    """A what-if: ``capacity[(year, facility id, field)]`` is the value in force from 1 January
    of ``year`` (a count; ``delivers`` a bool); ``growth`` is births' change a year (fraction,
    0.02 = +2% a year), ``caesarean`` a relative change of every caesarean rate (fraction,
    -0.1 = a tenth lower) and ``referral`` a key of `REFERRAL_RULES`, all three from
    1 January of ``region_year`` on."""

    capacity: dict[tuple[int, str, str], Any] = field(default_factory=dict)
    region_year: int | None = None
    growth: float = 0.0
    caesarean: float = 0.0
    referral: str = "scenario"

    @property
    def empty(self) -> bool:
        """True when the what-if changes nothing."""
        return (not self.capacity and self.growth == 0 and self.caesarean == 0
                and self.referral == "scenario")

    def setting(self, year: int, fid: str, name: str, value: Any, base: Scenario) -> Edits:
        """These edits with ``name`` of facility ``fid`` set to ``value`` from ``year`` on; the
        edit is dropped when ``value`` is what the edits of earlier years already give."""
        capacity = {k: v for k, v in self.capacity.items() if k != (year, fid, name)}
        before = Edits(capacity={k: v for k, v in capacity.items() if k[0] < year})
        current = getattr(in_force(before.scenario(base), year, fid), name)
        if value != current:
            capacity[(year, fid, name)] = value
        return replace(self, capacity=capacity)

    def scenario(self, base: Scenario) -> Scenario:
        """``base`` with these edits, validated (raises ScenarioError naming what is wrong)."""
        scen = base
        for year in sorted({y for y, _, _ in self.capacity}):
            scen = _capacity_in(scen, year, {(fid, name): v for (y, fid, name), v
                                             in self.capacity.items() if y == year})
        if self.region_year is not None:
            scen = _region_in(scen, self)
        return scen


def in_force(scenario: Scenario, year: int, fid: str) -> Capacity:
    """The capacity of facility ``fid`` in force on 1 January of ``year`` (or on the first
    reported day, if later)."""
    day = max(date(year, 1, 1), scenario.horizon.start)
    schedule = capacity_schedule(scenario)
    return schedule.on(day)[schedule.ids.index(fid)]


def _capacity_in(scen: Scenario, year: int, values: dict[tuple[str, str], Any]) -> Scenario:
    """``scen`` with capacities from 1 January of ``year``: set on the facility itself in the
    first year (so that the warm-up has them too), a dated policy change later."""
    first = date(year, 1, 1) <= scen.horizon.start
    changes: dict[str, Any] = {}
    policy = []
    for fid in dict.fromkeys(fid for fid, _ in values):
        now = in_force(scen, year, fid)
        moved = {name: v for (f, name), v in values.items() if f == fid}
        if first:
            built = scen.facility(fid)
            for name, v in moved.items():
                if name in _COTS or name == "paediatric_beds":
                    _built_care(scen, changes, fid, name, v - getattr(now, name))
                    continue
                new = v if name == "delivers" else \
                    (getattr(built, name) or 0) + v - getattr(now, name)
                changes[f"facilities[{fid}].{name}"] = new
        else:
            change: dict[str, Any] = {"date": date(year, 1, 1).isoformat(), "facility": fid,
                                      "note": NOTE}
            for name, v in moved.items():
                if name in _COTS:
                    change.setdefault("cots", {})[_COTS[name]] = v - getattr(now, name)
                else:
                    change[name] = v if name == "delivers" else v - getattr(now, name)
            policy.append(change)
    if policy:
        changes["policy+"] = policy
    return scen.with_changes(changes) if changes else scen


#: The level of each cots input.
_COTS = {cots_field(level): level for level in NEWBORN_LEVELS}


def _built_care(scen: Scenario, changes: dict[str, Any], fid: str, name: str,
                added: int) -> None:
    """Add to ``changes`` the cots (``name`` of `_COTS`) or paediatric beds that facility
    ``fid`` is built with in the newborn or paediatric section, ``added`` more than now (the
    whole mapping is set, since a facility without any is not listed)."""
    if name == "paediatric_beds":
        assert scen.paediatric is not None
        beds = dict(changes.get("paediatric.beds", scen.paediatric.beds))
        beds[fid] = beds.get(fid, 0) + added
        changes["paediatric.beds"] = beds
        return
    assert scen.newborn is not None
    cots = changes.get("newborn.cots") or {
        f: c.model_dump() for f, c in scen.newborn.cots.items()}
    level = _COTS[name]
    mine = dict(cots.get(fid, {}))
    mine[level] = mine.get(level, 0) + added
    changes["newborn.cots"] = {**cots, fid: mine}


def _region_in(scen: Scenario, edits: Edits) -> Scenario:
    """``scen`` with the region-wide edits from 1 January of ``edits.region_year`` on."""
    year = edits.region_year
    assert year is not None
    day = date(year, 1, 1)
    changes: dict[str, Any] = {}
    if edits.growth:
        years = [y for y in horizon_years(scen.horizon) if y >= year]
        changes["demand.events+"] = [{"date": date(y, 1, 1).isoformat(),
                                      "multiplier": 1 + edits.growth} for y in years]
    if edits.caesarean:
        planned, emergency = _caesarean_rates(scen, day)
        changes["demand.caesarean_changes+"] = [{
            "date": day.isoformat(), "note": NOTE,
            "planned": {c: min(1.0, p * (1 + edits.caesarean)) for c, p in planned.items()},
            "emergency": {c: min(1.0, p * (1 + edits.caesarean)) for c, p in emergency.items()},
        }]
    rule = REFERRAL_RULES[edits.referral]
    if rule:
        rules = _eligibility(scen, day)
        changed = {}
        for colour, level in rule.items():
            now = rules[colour]
            if LEVEL_RANK[level] > LEVEL_RANK[now.min_level]:
                changed[colour] = {"min_level": level, "capabilities": list(now.capabilities)}
        if changed:
            changes["referral.changes+"] = [{"date": day.isoformat(), "eligibility": changed,
                                             "note": NOTE}]
    return scen.with_changes(changes) if changes else scen


def _caesarean_rates(scen: Scenario, day: date
                     ) -> tuple[dict[RiskColour, float], dict[RiskColour, float]]:
    """The planned and emergency caesarean rates by colour in force on ``day``."""
    planned = dict(scen.demand.planned_caesarean_rate)
    emergency = dict(scen.demand.emergency_caesarean_rate)
    for change in sorted(scen.demand.caesarean_changes, key=lambda c: c.date):
        if change.date <= day:
            planned.update(change.planned)
            emergency.update(change.emergency)
    return planned, emergency


def _eligibility(scen: Scenario, day: date):
    """The eligibility by colour in force on ``day``."""
    rules = {}
    for since, by_colour in scen.referral.eligibility_schedule():
        if since is None or since <= day:
            rules = by_colour
    return rules
