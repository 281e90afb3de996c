"""The solver: the least beds, on-duty midwives and theatres of each facility and year that meet
the service levels, found by queueing theory and confirmed by simulating the whole network.

1. **Offered loads.** The scenario is simulated with ample capacity everywhere
   (`ample_plan`); each facility-year's offered bed, labour and
   theatre loads are read from it (`offered_loads`).
2. **Queueing start.** Each facility-year starts at the least capacity the queueing formulas
   allow at its load (`capsim.sizing.requirements`).
3. **Rounds of simulation.** Every round simulates the whole region with the current
   capacities, so diversion between facilities is part of every answer, and decides each
   level by its 95% interval: a level is met only when the unfavourable end of the interval
   is within it. A capacity that fails is raised to what the formula, recalibrated on the
   simulated value, asks for (at least one more); one that passes is lowered by one (or to the
   recalibrated value) until the capacity below it is known to fail. All rounds use the same
   seed, so they compare the same women (common random numbers).
4. **The answer** is the last round in which every level of every facility-year was met; it
   is *least* for a facility-year when one less was seen to fail. The number of rounds is
   bounded; when none met every level the result says so (``confirmed`` is False).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from capsim.errors import ScenarioError
from capsim.results import ALL_YEARS, Results
from capsim.run import simulate
from capsim.scenario.models import Scenario
from capsim.scenario.units import two_bed_pools
from capsim.sizing import requirements as req
from capsim.sizing.capacity import (
    Plan,
    ample_plan,
    current_plan,
    delivering_years,
    with_capacity,
    with_levels,
)
from capsim.sizing.levels import CHECKS, ServiceLevels, service_levels
from capsim.sizing.loads import offered_loads
from capsim.sizing.twins import join_verdicts, pool_contexts, twin_groups

#: Simulation rounds after the baseline, unless asked otherwise.
DEFAULT_ROUNDS = 10

RESOURCES = ("beds", "delivery_beds", "midwives", "theatres")

#: The note of a check whose level no capacity reaches: its bound is then what is attainable
#: (`capsim.sizing.requirements.target`), not the level itself.
OUT_OF_REACH = "out of reach"

Key = tuple[str, int, str]  # (facility, year, resource)


@dataclass
class Search:
    """The bracket of one facility-year-resource: ``low`` was seen to fail (0: nothing below
    1 is possible), ``high`` to meet every level (None: not yet), ``value`` is tested next."""

    value: int
    start: int
    low: int = 0
    high: int | None = None
    binding: str = ""

    @property
    def settled(self) -> bool:
        """True when ``value`` met every level and one less is known to fail."""
        return self.high is not None and self.value == self.high and self.high == self.low + 1


@dataclass
class Solution:
    """What the rounds found: the capacities (``values`` in beds, on-duty midwives and
    theatres), the run that confirmed them and its checks, and the history of the rounds."""

    values: dict[Key, int]
    results: Results
    checks: pd.DataFrame
    rounds: pd.DataFrame
    searches: dict[Key, Search] = field(repr=False)
    converged: bool = False
    confirmed: bool = False
    simulations: int = 0


def contexts(scenario: Scenario, loads: pd.DataFrame,
             levels: ServiceLevels) -> dict[tuple[str, int], req.Context]:
    """The queueing context of each (facility, year) with an offered load."""
    pathway = scenario.pathway
    wait_t = levels.midwife_minutes / 60.0 / pathway.labour.mean
    out = {}
    for row in loads.itertuples(index=False):
        out[(row.facility, int(row.year))] = req.Context(
            bed_load=float(row.bed_load), delivery_bed_load=float(row.delivery_bed_load),
            labour_load=float(row.labour_load),
            theatre_load=float(row.theatre_load),
            per_midwife=pathway.labour_capacity_per_midwife, wait_t=wait_t,
            ddi_ceiling=float(row.ddi_ceiling), ddi_ceiling_low=float(row.ddi_ceiling_low))
    return out


def sized_keys(scenario: Scenario, ctxs: dict[tuple[str, int], req.Context],
               levels: ServiceLevels) -> list[Key]:
    """The facility-year-resources to size: those with an offered load and a level that is on."""
    delivering = delivering_years(scenario)
    keys = []
    for (fid, year), ctx in ctxs.items():
        if (fid, year) not in delivering:
            continue
        for resource in RESOURCES:
            checks = active_checks(resource, levels)
            if not checks or ctx.load(resource) <= 0:
                continue
            if resource == "theatres" and "caesarean" not in scenario.facility(fid).capabilities:
                continue
            if resource == "delivery_beds" and not two_bed_pools(scenario.facility(fid)):
                continue
            keys.append((fid, year, resource))
    return keys


def active_checks(resource: str, levels: ServiceLevels) -> list:
    """The checks of ``resource`` whose level is on."""
    return [c for c in CHECKS if c.resource == resource and getattr(levels, c.level) is not None]


def queueing_start(key: Key, ctx: req.Context, levels: ServiceLevels) -> tuple[int, str]:
    """Least capacity for every level of ``key`` by queueing theory at the offered load, and the
    level that sets it."""
    best, binding = 0, ""
    for check in active_checks(key[2], levels):
        if check.level == "ddi" and not math.isfinite(ctx.ddi_ceiling):
            n = req.stable_least(key[2], ctx)
        else:
            n = req.least(check, ctx.load(key[2]), req.target(check, levels, ctx), ctx)
        if n > best:
            best, binding = n, check.level
    return best, binding


def plan_of(scenario: Scenario, values: dict[Key, int]) -> Plan:
    """The capacity plan for ``values``: beds, midwife head-counts from on-duty midwives (the
    roster inverted), theatres and the obstetricians to staff them (never fewer than today)."""
    pathway = scenario.pathway
    roster = pathway.roster
    now = current_plan(scenario)
    plan: Plan = {}
    for (fid, year, resource), v in values.items():
        entry = plan.setdefault(fid, {}).setdefault(year, {})
        if resource in ("beds", "delivery_beds"):
            entry[resource] = v
        elif resource == "midwives":
            entry["midwives"] = roster.headcount_for(v)
        else:
            entry["theatres"] = v
            entry["obstetricians"] = max(
                now[fid][year]["obstetricians"],
                roster.headcount_for(v * pathway.obstetricians_per_caesarean))
    return plan


def evaluate(results: Results, values: dict[Key, int], ctxs, levels: ServiceLevels
             ) -> tuple[pd.DataFrame, dict[Key, tuple[bool, int, str]]]:
    """Decide every level of every sized facility-year from ``results``.

    Returns the checks table (year, facility, resource, level, metric, value, target,
    comparator, mean, ci_low, ci_high, met, note) and, per key, (met every level, least capacity after correction,
    the level that sets it)."""
    s = results.summary(year=None)
    s = s[s["year"] != ALL_YEARS]
    rows = {(r.facility, int(r.year), r.metric): r for r in s.itertuples(index=False)}
    two_pools = {f.id: two_bed_pools(f) for f in results.scenario.facilities}
    table, verdicts = [], {}
    for key, v in values.items():
        fid, year, resource = key
        ctx = ctxs[(fid, year)]
        all_met, best, binding = True, 0, ""
        for check in active_checks(resource, levels):
            bound = req.target(check, levels, ctx)
            metric = check.metric_for(two_pools[fid])
            r = rows.get((fid, year, metric))
            mean, lo, hi = (r.mean, r.ci_low, r.ci_high) if r is not None else (math.nan,) * 3
            if r is None or r.n < 2:
                # Nothing to measure in most replications (no emergency caesarean, say): the
                # level cannot decide, and the capacity only has to keep the queue stable.
                met, n, note = True, req.stable_least(resource, ctx), "fewer than 2 values"
            else:
                met = bool(hi <= bound) if check.at_most else bool(lo >= bound)
                worst = hi if check.at_most else 1.0 - lo
                n, note = req.corrected_least(check, v, worst, bound, ctx), ""
            if check.level == "ddi" and not req.ddi_attainable(levels, ctx):
                note = OUT_OF_REACH
            all_met &= met
            if n > best:
                best, binding = n, check.level
            table.append({"year": year, "facility": fid, "resource": resource,
                          "level": check.level, "metric": metric, "value": v,
                          "target": bound, "comparator": "<=" if check.at_most else ">=",
                          "mean": mean, "ci_low": lo, "ci_high": hi, "met": met,
                          "note": note})
        verdicts[key] = (all_met, best, binding)
    return pd.DataFrame(table), verdicts


def step(search: Search, met: bool, predicted: int, ceiling: int) -> None:
    """Move one bracket after a round: record the verdict at ``search.value`` and choose the
    next value, within (low, high] and at most ``ceiling``."""
    v = search.value
    if met:
        search.high = v if search.high is None else min(search.high, v)
        nxt = min(predicted, v - 1)
    else:
        search.low = max(search.low, v)
        if search.high is not None and search.high <= search.low:
            search.high = None  # what met before fails now: neighbours changed
        nxt = max(predicted, v + 1)
    nxt = max(nxt, search.low + 1)
    if search.high is not None:
        nxt = min(nxt, search.high)
    search.value = min(nxt, ceiling)


def solve(scenario: Scenario, levels: ServiceLevels, ctxs, keys: list[Key], ample: Plan,
          run: Callable[[Scenario], Results], rounds: int,
          twins: list[tuple[str, ...]] | None = None) -> Solution:
    """Run the bounded rounds of simulation from the queueing start; return the
    `Solution`. ``run`` simulates a scenario (with the caller's replications, seed and
    workers); ``ample`` bounds every capacity from above; each group of ``twins`` (facility
    ids, `capsim.sizing.twins.twin_groups`) moves together, so twins get one answer."""
    twins = twin_groups(scenario) if twins is None else twins
    searches: dict[Key, Search] = {}
    for key in keys:
        start, binding = queueing_start(key, ctxs[key[:2]], levels)
        searches[key] = Search(value=min(start, _ample(ample, scenario, key)), start=start,
                               binding=binding)
    history, best = [], None
    last = None
    seen: dict[tuple, tuple] = {}  # the same capacities give the same run (same seed)
    for r in range(rounds):
        values = {k: s.value for k, s in searches.items()}
        memo = tuple(sorted(values.items()))
        if memo not in seen:
            results = run(with_capacity(scenario, plan_of(scenario, values),
                                        name=f"{scenario.name} (sized)"))
            checks, verdicts = evaluate(results, values, ctxs, levels)
            seen[memo] = (results, checks, join_verdicts(verdicts, twins))
        results, checks, verdicts = seen[memo]
        last = (values, results, checks)
        for key, (met, predicted, binding) in verdicts.items():
            history.append({"round": r + 1, "year": key[1], "facility": key[0],
                            "resource": key[2], "value": values[key], "met": met})
            searches[key].binding = binding or searches[key].binding
        all_met = all(v[0] for v in verdicts.values())
        if all_met:
            best = (values, results, checks)
        for key, (met, predicted, _) in verdicts.items():
            step(searches[key], met, predicted, _ample(ample, scenario, key))
        if all_met and all(s.settled for s in searches.values()):
            return Solution(values, results, checks, pd.DataFrame(history), searches,
                            converged=True, confirmed=True, simulations=len(seen))
    chosen = best or last
    if chosen is None:
        raise ScenarioError("sizing", [("rounds", "at least one round of simulation is needed")])
    values, results, checks = chosen
    return Solution(values, results, checks, pd.DataFrame(history), searches,
                    converged=False, confirmed=best is not None, simulations=len(seen))


def _ample(ample: Plan, scenario: Scenario, key: Key) -> int:
    fid, year, resource = key
    if resource == "midwives":
        return scenario.pathway.roster.on_duty(ample[fid][year]["midwives"])
    return ample[fid][year][resource]


def baseline(scenario: Scenario, levels: ServiceLevels | dict | None,
             run: Callable[[Scenario], Results]) -> tuple[Scenario, ServiceLevels, Plan, Results]:
    """The scenario with the levels' minutes, the levels, the ample plan and its simulation."""
    levels = service_levels(levels)
    scen = with_levels(scenario, levels)
    ample = ample_plan(scen)
    return scen, levels, ample, run(with_capacity(scen, ample,
                                                  name=f"{scen.name} (ample capacity)"))


def offered(scen: Scenario, levels: ServiceLevels, base: Results):
    """Offered loads, queueing contexts (pooled over twin facilities) and the keys to size,
    from the ample-capacity run."""
    loads = offered_loads(base)
    ctxs = pool_contexts(contexts(scen, loads, levels), twin_groups(scen))
    return loads, ctxs, sized_keys(scen, ctxs, levels)


def check_replications(replications: int) -> None:
    """Refuse, with a `ScenarioError`, fewer than 2 replications: every
    level is decided by an interval."""
    if replications < 2:
        raise ScenarioError("sizing", [("replications", "needs at least 2 replications, so "
                                        f"that every level has an interval (got {replications})")])


def runner(replications: int, seed: int, workers: int | None, client: Any = None,
           progress: bool | Callable[[int, int], None] = False) -> Callable[[Scenario], Results]:
    """A function that simulates a scenario with fixed replications, seed and workers (or on
    the dask ``client``), through `capsim.simulate`, passing it ``progress``."""
    check_replications(replications)
    where = {"workers": workers} if client is None else {"workers": workers, "client": client}

    def run(s: Scenario) -> Results:
        return simulate(s, replications=replications, seed=seed, progress=progress, **where)

    return run
