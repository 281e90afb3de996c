"""Newborns and children through the admissions loop (`capsim.model.admissions`): the
network of each line of care and the admissions of one replication.

* **Newborns** come from the births of the maternity replication: each baby born in the
  region, where and when the mother delivered, needs special or intensive care with the
  probability of the mother's risk colour and mode of birth
  (`capsim.scenario.newborn.NewbornCare`). Draws come from the ``newborn`` stream,
  one uniform number per woman of the cohort for each purpose, so a baby's need and stay
  do not depend on which other women delivered, and the mothers' draws never move.
* **Children** are generated on the ``paediatric`` stream: Poisson admissions by condition
  group and calendar month (`capsim.scenario.paediatric.PaediatricLine`), with a
  severity, a facility where they present and a stay.

Both lines run through one loop, with beds, eligibility and walks from the referral rule
(`capsim.scenario.referral.care_eligibility`, `
referral_orders`). The beds of each line change on the plan's dates as the scenario's
capacity schedule says (`capsim.scenario.calendar.capacity_schedule`: ``cots`` and
``paediatric_beds`` of its ``policy:`` entries); the loop carries the changes out at their
time.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from capsim.demand import Cohort
from capsim.model.admissions import Admitted, admit
from capsim.model.engine import EMERGENCY_CS, PLANNED_CS, RunRecord
from capsim.model.network import Network, hours_since
from capsim.scenario.base import RISK_COLOURS
from capsim.scenario.calendar import cots_field
from capsim.scenario.models import Scenario
from capsim.scenario.newborn import NEWBORN_LEVELS
from capsim.scenario.paediatric import SEVERITIES
from capsim.scenario.referral import care_eligibility
from capsim.streams import stream

#: Hours in a year of 365.25 days: a yearly rate divided by it is a rate an hour.
HOURS_PER_YEAR = 365.25 * 24.0


@dataclass(frozen=True)
class CareNetwork:
    """One line of care on a scenario's facilities: ``line`` ("newborn" or "paediatric"),
    its ``needs`` and ``bed_types`` (names), ``beds`` [facility, bed type] as built,
    ``bed_of_need``, ``eligible`` [need, facility], the referral ``order`` and ``travel_h``
    (hours) of the maternity network, ``down_need`` (-1: no referral back), the
    `capsim.scenario.calendar.Capacity` field of each bed type (``fields``) and the dated
    changes of beds: ``change_h`` (hours since the simulation's start), ``change_facility``
    and ``change_beds`` [change, bed type] (beds added, negative: removed)."""

    line: str
    needs: tuple[str, ...]
    bed_types: tuple[str, ...]
    beds: np.ndarray
    bed_of_need: np.ndarray
    eligible: np.ndarray
    order: np.ndarray
    travel_h: np.ndarray
    down_need: int
    fields: tuple[str, ...]
    change_h: np.ndarray
    change_facility: np.ndarray
    change_beds: np.ndarray


def _bed_changes(net: Network, fields: tuple[str, ...]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The beds of ``fields`` (`capsim.scenario.calendar.Capacity` names, one per bed type)
    as built [facility, bed type], the most each facility has in force at any date
    [facility, bed type], and the steps that change them: hours since the simulation's start,
    facility, beds added [step, bed type]."""
    schedule = net.capacity
    built = np.asarray([[getattr(c, k) for k in fields] for c in schedule.built],
                       dtype=np.int64).reshape(len(schedule.built), len(fields))
    most = built.copy()
    hours, facility, added = [], [], []
    for step in schedule.steps:
        delta = [getattr(step.after, k) - getattr(step.before, k) for k in fields]
        if any(delta):
            hours.append(hours_since(net.capacity.start, step.date) + net.t_stats_h)
            facility.append(step.facility)
            added.append(delta)
            most[step.facility] = np.maximum(most[step.facility],
                                             [getattr(step.after, k) for k in fields])
    return (built, most, np.asarray(hours, dtype=np.float64),
            np.asarray(facility, dtype=np.int64),
            np.asarray(added, dtype=np.int64).reshape(len(added), len(fields)))


@dataclass
class CareRecord:
    """One replication of one line: the network, the admissions (time order) and what the
    loop did with them (`Admitted`). Per admission:
    ``t_h`` (hours since the simulation's start), ``origin`` (facility where the need arose),
    ``need`` (index of ``network.needs``), ``group`` (condition group index; 0 for
    newborns), ``with_mother`` (mother travels along). ``born`` (newborns only): per birth in
    the region, its facility and time and whether it needs a cot, so that every baby is
    accounted for."""

    network: CareNetwork
    t_h: np.ndarray
    origin: np.ndarray
    need: np.ndarray
    group: np.ndarray
    with_mother: np.ndarray
    admitted: Admitted
    born_facility: np.ndarray
    born_h: np.ndarray
    born_needs_care: np.ndarray


def newborn_network(scenario: Scenario, net: Network) -> CareNetwork:
    """The newborn cots of ``scenario`` as a `CareNetwork` (each level its own cots;
    intensive care only at the named centres when there are any)."""
    care = scenario.newborn
    assert care is not None
    ids = net.ids
    fields = tuple(cots_field(level) for level in NEWBORN_LEVELS)
    beds, most, change_h, change_f, change_beds = _bed_changes(net, fields)
    centres = frozenset(ids.index(fid) for fid in care.centres) if care.centres else None
    # A facility that has cots of a level at some date may admit that level; the loop admits
    # only where cots are in force and free.
    eligible = care_eligibility(scenario, most, ("township", "township"), (0, 1),
                                (None, centres))
    return CareNetwork("newborn", NEWBORN_LEVELS, NEWBORN_LEVELS, beds,
                       np.arange(len(NEWBORN_LEVELS)), eligible, net.order, net.travel_h, -1,
                       fields, change_h, change_f, change_beds)


def paediatric_network(scenario: Scenario, net: Network) -> CareNetwork:
    """The paediatric beds of ``scenario`` as a `CareNetwork`: one bed type, each
    severity admitted from its level up; a child referred up may come back to a facility that
    admits mild cases."""
    line = scenario.paediatric
    assert line is not None
    fields = ("paediatric_beds",)
    beds, most, change_h, change_f, change_beds = _bed_changes(net, fields)
    levels = tuple(line.severity_level[s] for s in SEVERITIES)
    eligible = care_eligibility(scenario, most, levels, (0,) * len(SEVERITIES),
                                (None,) * len(SEVERITIES))
    down = 0 if line.down_referral_after is not None else -1
    return CareNetwork("paediatric", SEVERITIES, ("paediatric",), beds,
                       np.zeros(len(SEVERITIES), dtype=np.int64), eligible, net.order,
                       net.travel_h, down, fields, change_h, change_f, change_beds)


def simulate_care(scenario: Scenario, net: Network, cohort: Cohort, record: RunRecord,
                  replication: int, seed: int) -> list[CareRecord]:
    """The newborn and paediatric lines of one replication, those the scenario has (an empty
    list for neither); the mothers' ``record`` is read, never changed."""
    out = []
    if scenario.newborn is not None:
        out.append(simulate_newborns(scenario, net, cohort, record, replication, seed))
    if scenario.paediatric is not None:
        out.append(simulate_children(scenario, net, replication, seed))
    return out


def simulate_newborns(scenario: Scenario, net: Network, cohort: Cohort, record: RunRecord,
                      replication: int, seed: int) -> CareRecord:
    """The newborns of one replication through their cots (see the module's text)."""
    care = scenario.newborn
    assert care is not None
    network = newborn_network(scenario, net)
    rng = stream(seed, replication, "newborn")
    n = int(record.facility.shape[0])
    u_need, u_stay, u_mother = rng.random(n), rng.random(n), rng.random(n)
    born = record.facility >= 0
    p_special = np.asarray([care.need.special[c] for c in RISK_COLOURS])[cohort.risk]
    p_intensive = np.asarray([care.need.intensive[c] for c in RISK_COLOURS])[cohort.risk]
    caesarean = (record.mode == PLANNED_CS) | (record.mode == EMERGENCY_CS)
    factor = np.where(caesarean, care.need.caesarean_factor, 1.0)
    p_special, p_intensive = p_special * factor, p_intensive * factor
    need = np.where(u_need < p_intensive, 1, np.where(u_need < p_intensive + p_special, 0, -1))
    sel = np.flatnonzero(born & (need >= 0))
    sel = sel[np.argsort(record.delivered_h[sel], kind="stable")]
    stays = np.empty(sel.shape[0])
    for k, level in enumerate(NEWBORN_LEVELS):
        mine = need[sel] == k
        stays[mine] = getattr(care.stay, level).ppf(u_stay[sel][mine]) * 24.0
    t_h = record.delivered_h[sel].astype(np.float64)
    origin = record.facility[sel].astype(np.int64)
    admitted = admit(t_h, origin, need[sel], stays, np.full(sel.shape[0], np.nan),
                     network.beds, network.bed_of_need, network.eligible, network.order,
                     network.travel_h, network.down_need, network.change_h,
                     network.change_facility, network.change_beds)
    moved = (admitted.placed != origin)
    with_mother = moved & (u_mother[sel] < care.mother_accompanies)
    return CareRecord(network, t_h, origin, need[sel].astype(np.int64),
                      np.zeros(sel.shape[0], dtype=np.int64), with_mother, admitted,
                      record.facility[born].astype(np.int64),
                      record.delivered_h[born].astype(np.float64), need[born] >= 0)


def month_spans(start: date, end: date) -> list[tuple[int, int, date, date]]:
    """The calendar months from ``start`` to ``end`` (exclusive): (year, month index 0-11,
    first day, day after the last), the first and last cut to the span."""
    spans = []
    y, m = start.year, start.month
    while date(y, m, 1) < end:
        first = max(start, date(y, m, 1))
        stop = min(end, date(y, m, _calendar.monthrange(y, m)[1]) + timedelta(days=1))
        spans.append((y, m - 1, first, stop))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return spans


def paediatric_rates(scenario: Scenario) -> list[tuple[float, float, np.ndarray]]:
    """The children's admission rate over the simulation, piecewise constant by calendar
    month: (first hour, hour after the last, rate an hour of each condition group), hours
    since the simulation's start."""
    line = scenario.paediatric
    assert line is not None
    h = scenario.horizon
    t0 = h.sim_start
    out = []
    for year, month, first, stop in month_spans(t0, h.end):
        growth = (1.0 + line.annual_growth) ** (year - h.start.year)
        rate = np.asarray([g.admissions * g.month_profile[month] * growth / HOURS_PER_YEAR
                           for g in line.groups])
        out.append((hours_since(t0, first), hours_since(t0, stop), rate))
    return out


def simulate_children(scenario: Scenario, net: Network, replication: int,
                      seed: int) -> CareRecord:
    """The children's admissions of one replication through the paediatric beds."""
    line = scenario.paediatric
    assert line is not None
    network = paediatric_network(scenario, net)
    rng = stream(seed, replication, "paediatric")
    times, groups = [], []
    for a, b, rate in paediatric_rates(scenario):
        counts = rng.poisson(rate * (b - a))
        for g, c in enumerate(counts.tolist()):
            times.append(a + (b - a) * rng.random(c))
            groups.append(np.full(c, g, dtype=np.int64))
    t_h = np.concatenate(times) if times else np.empty(0)
    group = np.concatenate(groups) if groups else np.empty(0, dtype=np.int64)
    order = np.argsort(t_h, kind="stable")
    t_h, group = t_h[order], group[order]
    n = int(t_h.shape[0])
    u_sev, u_where, u_stay = rng.random(n), rng.random(n), rng.random(n)
    severity = np.empty(n, dtype=np.int64)
    stay = np.empty(n)
    for g, spec in enumerate(line.groups):
        mine = group == g
        cum = np.cumsum([spec.severity.get(s, 0.0) for s in SEVERITIES])
        severity[mine] = np.minimum(np.searchsorted(cum, u_sev[mine], side="right"),
                                    len(SEVERITIES) - 1)
        stay[mine] = spec.stay.ppf(u_stay[mine]) * 24.0
    ids = net.ids
    shares = np.zeros(len(ids))
    for fid, share in line.presentation.items():
        shares[ids.index(fid)] = share
    cum = np.cumsum(shares)
    origin = np.minimum(np.searchsorted(cum / cum[-1], u_where, side="right"), len(ids) - 1)
    down = np.full(n, np.nan if line.down_referral_after is None else line.down_referral_after)
    admitted = admit(t_h, origin, severity, stay, down, network.beds, network.bed_of_need,
                     network.eligible, network.order, network.travel_h, network.down_need,
                     network.change_h, network.change_facility, network.change_beds)
    empty = np.empty(0, dtype=np.int64)
    return CareRecord(network, t_h, origin.astype(np.int64), severity, group,
                      np.zeros(n, dtype=bool), admitted, empty, np.empty(0),
                      np.empty(0, dtype=bool))
