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

A replication's lines go in two steps: the patients are drawn (`draw_care`), then run through
the loop (`admit_care`); `simulate_care` does the one after the other.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from capsim.demand import Cohort, category, per_scenario
from capsim.kept import KeptByIdentity
from capsim.model.admissions import Admitted, admit
from capsim.model.compiling import jit_loop
from capsim.model.engine import PLANNED_CS, RunRecord
from capsim.model.network import NETWORKS_KEPT, Network, hours_since
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


#: The `CareNetwork` of each line built lately, by the builder, scenario and network objects
#: (`capsim.kept`).
_NETWORKS: KeptByIdentity[CareNetwork] = KeptByIdentity(NETWORKS_KEPT)


def _care_network(build: Callable[[Scenario, Network], CareNetwork], scenario: Scenario,
                  net: Network) -> CareNetwork:
    """``build(scenario, net)`` (`newborn_network` or `paediatric_network`), built once for
    the replications that share the scenario and network objects (the admissions loop reads
    a network, never changes it)."""
    return _NETWORKS.get((build, scenario, net), lambda: build(scenario, net))


@dataclass(frozen=True)
class CarePatients:
    """The patients of one line of one replication as drawn, before the admissions loop:
    the line's ``network``; per admission (time order) ``t_h`` (hours since the simulation's
    start), ``origin`` (facility where the need arose), ``need`` (index of
    ``network.needs``), ``stay_h`` (hours), ``down_share`` (share of the stay after which
    she may be referred back; NaN: never), ``group`` (condition group; 0 for newborns) and
    ``mother_u`` (newborns: a uniform number that says whether the mother goes along if the
    baby is moved; empty for children) with the line's ``mother_accompanies``
    (probability); and, for newborns, every birth in the region (``born_*``, see
    `CareRecord`)."""

    network: CareNetwork
    t_h: np.ndarray
    origin: np.ndarray
    need: np.ndarray
    stay_h: np.ndarray
    down_share: np.ndarray
    group: np.ndarray
    mother_u: np.ndarray
    mother_accompanies: float
    born_facility: np.ndarray
    born_h: np.ndarray
    born_needs_care: np.ndarray


def simulate_care(scenario: Scenario, net: Network, cohort: Cohort, record: RunRecord,
                  replication: int, seed: int) -> list[CareRecord]:
    """The newborn and paediatric lines of one replication, those the scenario has (an empty
    list for neither); the mothers' ``record`` is read, never changed. The same as
    `admit_care` of `draw_care`: the patients drawn, then the admissions loop."""
    return admit_care(draw_care(scenario, net, cohort, record, replication, seed))


def draw_care(scenario: Scenario, net: Network, cohort: Cohort, record: RunRecord,
              replication: int, seed: int) -> list[CarePatients]:
    """The patients of the newborn and paediatric lines of one replication, those the
    scenario has, drawn and ready for the admissions loop (`admit_care`)."""
    out = []
    if scenario.newborn is not None:
        out.append(draw_newborns(scenario, net, cohort, record, replication, seed))
    if scenario.paediatric is not None:
        out.append(draw_children(scenario, net, replication, seed))
    return out


def admit_care(lines: list[CarePatients]) -> list[CareRecord]:
    """Each line's patients through its beds (`capsim.model.admissions.admit`), in order:
    one `CareRecord` per line."""
    out = []
    for p in lines:
        nw = p.network
        admitted = admit(p.t_h, p.origin, p.need, p.stay_h, p.down_share, nw.beds,
                         nw.bed_of_need, nw.eligible, nw.order, nw.travel_h, nw.down_need,
                         nw.change_h, nw.change_facility, nw.change_beds)
        # A baby moved away from where she was born takes her mother along or not.
        with_mother = ((admitted.placed != p.origin) & (p.mother_u < p.mother_accompanies)
                       if p.mother_u.shape[0] else np.zeros(p.t_h.shape[0], dtype=bool))
        out.append(CareRecord(nw, p.t_h, p.origin, p.need, p.group, with_mother, admitted,
                              p.born_facility, p.born_h, p.born_needs_care))
    return out


def simulate_newborns(scenario: Scenario, net: Network, cohort: Cohort, record: RunRecord,
                      replication: int, seed: int) -> CareRecord:
    """The newborns of one replication through their cots (see the module's text)."""
    return admit_care([draw_newborns(scenario, net, cohort, record, replication, seed)])[0]


def draw_newborns(scenario: Scenario, net: Network, cohort: Cohort, record: RunRecord,
                  replication: int, seed: int) -> CarePatients:
    """The babies of one replication who need a cot, drawn from the mothers' ``record``
    (see the module's text), and every birth in the region."""
    care = scenario.newborn
    assert care is not None
    network = _care_network(newborn_network, scenario, net)
    n = int(record.facility.shape[0])
    # Three numbers per woman, one after the other: the need, the stay, the mother.
    u_need, u_stay, u_mother = stream(seed, replication, "newborn").random(3 * n).reshape(3, n)
    # Each woman's probabilities looked up by (caesarean or not, risk colour): the same
    # products and sums, worked out once per scenario, as working them out woman by woman.
    intensive, either = _newborn_need(scenario)
    n_born = int(np.count_nonzero(record.facility >= 0))
    sel = np.empty(n, dtype=np.int64)
    need_sel = np.empty(n, dtype=np.int64)
    born_needs = np.empty(n_born, dtype=np.bool_)
    born_facility = np.empty(n_born, dtype=np.int64)
    born_h = np.empty(n_born)
    m = _babies_needing_cots(u_need, record.facility, record.mode, cohort.risk, intensive,
                             either, len(RISK_COLOURS), PLANNED_CS, record.delivered_h, sel,
                             need_sel, born_needs, born_facility, born_h)
    t_h = record.delivered_h[sel[:m]].astype(np.float64, copy=False)
    by_time = np.argsort(t_h, kind="stable")
    sel, t_h, need_sel = sel[:m][by_time], t_h[by_time], need_sel[:m][by_time]
    u_stay = u_stay[sel]
    stays = np.empty(sel.shape[0])
    for k, level in enumerate(NEWBORN_LEVELS):
        mine = need_sel == k
        stays[mine] = getattr(care.stay, level).ppf(u_stay[mine]) * 24.0
    # (Indexing made each array anew: converted in place where the type is already right.)
    return CarePatients(network, t_h, record.facility[sel].astype(np.int64, copy=False),
                        need_sel, stays, np.full(m, np.nan),
                        np.zeros(m, dtype=np.int64), u_mother[sel], care.mother_accompanies,
                        born_facility, born_h, born_needs)


@jit_loop
def _babies_needing_cots(u_need: np.ndarray, facility: np.ndarray, mode: np.ndarray,
                         risk: np.ndarray, intensive: np.ndarray, either: np.ndarray,
                         colours: int, caesarean: int, delivered_h: np.ndarray,
                         sel: np.ndarray, need: np.ndarray, born_needs: np.ndarray,
                         born_facility: np.ndarray, born_h: np.ndarray) -> int:
    """The babies born in the region (``facility`` >= 0) who need a cot, woman by woman: a
    baby needs one when her mother's number ``u_need`` is below the probability of either
    kind of cot, an intensive one when below that of an intensive cot (both looked up at
    [caesarean or not x ``colours`` + risk colour], a mode from ``caesarean`` on being a
    caesarean). Writes their mothers' indices into ``sel`` and their needs (1 intensive, 0
    special) into ``need``, in the mothers' order, and for each baby born, in that order,
    whether she needs a cot, her facility and hour of birth (from ``delivered_h``) into
    ``born_needs``, ``born_facility`` and ``born_h``; returns how many need a cot."""
    m = 0
    b = 0
    for w in range(u_need.shape[0]):
        if facility[w] < 0:
            continue
        row = (colours if mode[w] >= caesarean else 0) + risk[w]
        needs = u_need[w] < either[row]
        born_needs[b] = needs
        born_facility[b] = facility[w]
        born_h[b] = delivered_h[w]
        b += 1
        if needs:
            sel[m] = w
            need[m] = 1 if u_need[w] < intensive[row] else 0
            m += 1
    return m


@per_scenario
def _newborn_need(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """The probabilities of needing an intensive cot, and of needing a cot of either kind
    (special or intensive), of a baby born by caesarean or not (rows 1 and 0) of a mother of
    each risk colour (columns), flattened to [caesarean x colours + colour]: the caesarean
    factor applied to each."""
    care = scenario.newborn
    assert care is not None
    special = np.asarray([care.need.special[c] for c in RISK_COLOURS])
    intensive = np.asarray([care.need.intensive[c] for c in RISK_COLOURS])
    factor = np.asarray([1.0, care.need.caesarean_factor])[:, None]
    intensive = (intensive * factor).ravel()
    either = intensive + (special * factor).ravel()
    for array in (intensive, either):
        array.setflags(write=False)  # shared by every replication
    return intensive, either


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
    return admit_care([draw_children(scenario, net, replication, seed)])[0]


@per_scenario
def _children_tables(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                  np.ndarray, np.ndarray]:
    """What the children's draws of every replication share: the first hour and the length
    (hours) of each month of `paediatric_rates`, the expected admissions [month, group],
    the cumulative severity shares [group, severity] and the cumulative presentation shares
    by facility (as a share of their sum)."""
    line = scenario.paediatric
    assert line is not None
    rates = paediatric_rates(scenario)
    first = np.asarray([a for a, _, _ in rates])
    length = np.asarray([b - a for a, b, _ in rates])
    expected = np.asarray([rate * (b - a) for a, b, rate in rates]).reshape(
        len(rates), len(line.groups))
    severity = np.asarray([np.cumsum([g.severity.get(s, 0.0) for s in SEVERITIES])
                           for g in line.groups]).reshape(len(line.groups), len(SEVERITIES))
    ids = [f.id for f in scenario.facilities]
    shares = np.zeros(len(ids))
    for fid, share in line.presentation.items():
        shares[ids.index(fid)] = share
    cum = np.cumsum(shares)
    out = (first, length, expected, severity, cum / cum[-1])
    for array in out:
        array.setflags(write=False)  # shared by every replication
    return out


def draw_children(scenario: Scenario, net: Network, replication: int,
                  seed: int) -> CarePatients:
    """The children's admissions of one replication, drawn on the ``paediatric`` stream:
    for each month in turn the count of each group, then their times (one run of uniform
    numbers, the groups one after the other); then, per child in time order, a severity, a
    facility where she presents and a stay."""
    line = scenario.paediatric
    assert line is not None
    network = _care_network(paediatric_network, scenario, net)
    first, length, expected, cum_severity, cum_where = _children_tables(scenario)
    rng = stream(seed, replication, "paediatric")
    months, groups = expected.shape
    drawn, units = [], []
    for rate in expected:
        drawn.append(rng.poisson(rate))
        units.append(rng.random(sum(drawn[-1].tolist())))
    counts = np.asarray(drawn, dtype=np.int64).reshape(months, groups)
    month = np.repeat(np.arange(months), counts.sum(axis=1))
    t_h = first[month] + length[month] * np.concatenate(units)
    group = np.repeat(np.tile(np.arange(groups, dtype=np.int64), months), counts.ravel())
    order = time_order(t_h)
    t_h, group = t_h[order], group[order]
    n = int(t_h.shape[0])
    u_sev, u_where, u_stay = rng.random(3 * n).reshape(3, n)
    # The severity: how many of her group's cumulative shares before the last are at most
    # her number (a search to the right, at most the last severity).
    severity = np.zeros(n, dtype=np.int64)
    for k in range(len(SEVERITIES) - 1):
        severity += cum_severity[:, k][group] <= u_sev
    stay = np.empty(n)
    for g, spec in enumerate(line.groups):
        # By index, not by mask: the groups come in no order, and a mask of no order is
        # slow to read.
        mine = np.flatnonzero(group == g)
        stay[mine] = spec.stay.ppf(u_stay[mine]) * 24.0
    origin = category(cum_where, u_where).astype(np.int64)
    down = np.full(n, np.nan if line.down_referral_after is None else line.down_referral_after)
    empty = np.empty(0, dtype=np.int64)
    return CarePatients(network, t_h, origin, severity, stay, down, group, np.empty(0), 0.0,
                        empty, np.empty(0), np.empty(0, dtype=bool))


def time_order(t_h: np.ndarray) -> np.ndarray:
    """The indices that sort the times ``t_h`` (hours, no NaN), equal times in their first
    order: ``np.argsort(t_h, kind="stable")``, from numpy's quicker unstable sort of times
    drawn in no order, with any runs of equal times put back in their first order."""
    order = np.argsort(t_h)
    ranked = t_h[order]
    tie = ranked[1:] == ranked[:-1]  # the time at i equals the one at i + 1
    if not tie.any():
        return order
    n = t_h.shape[0]
    in_run = np.zeros(n, dtype=bool)
    in_run[:-1] |= tie
    in_run[1:] |= tie
    at = np.flatnonzero(in_run)
    run = np.cumsum(np.concatenate(([True], ~tie)))[at]
    # Within a run the first order is the order of the indices: sort (run, index) pairs.
    key = np.sort(run.astype(np.int64) * n + order[at])
    order[at] = key % n
    return order
