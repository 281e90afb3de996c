"""``capsim.sizing.size``: the least capacity of each facility and year for the service levels,
with the comparison against today's capacity, the ratio standards and the workload
establishment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from capsim.results import Results
from capsim.run import StudyProgress, ready_engine
from capsim.scenario.models import Scenario
from capsim.scenario.units import two_bed_pools
from capsim.sizing import requirements as req
from capsim.sizing import solver
from capsim.sizing.compare import comparison_table
from capsim.sizing.levels import RatioStandards, ServiceLevels, ratio_standards, service_levels
from capsim.sizing.loads import bed_days_per_delivery
from capsim.sizing.twins import twin_groups
from capsim.sizing.workload import Workload, establishment, planned_casemix
from capsim.targets.defaults import defaults_behind

#: Columns of `SizingResult.out_of_reach`.
OUT_OF_REACH_COLUMNS = ["year", "facility", "level", "target", "attainable", "attainable_low"]

#: Columns of `SizingResult.requirements`.
REQUIREMENT_COLUMNS = ["year", "facility", "resource", "needed", "headcount", "load",
                       "queueing", "binding", "met", "least"]


@dataclass
class SizingResult:
    """What `size` found, as tables.

    * ``comparison``: per facility and year, and the region: today's capacity, the ratio
      standards, the workload establishment, the service-level need and the gap
      (`capsim.sizing.compare.COLUMNS`).
    * ``requirements``: per facility, year and resource (beds, midwives, theatres): ``needed``
      (beds, on-duty midwives, theatres), ``headcount`` (beds; midwives by the roster;
      obstetricians to staff the theatres), the offered ``load`` (erlangs), the ``queueing``
      first guess, the ``binding`` level, ``met`` (every level met in the confirming run) and
      ``least`` (one less was seen to fail).
    * ``checks``: every level of every facility-year in the confirming run: target, mean and
      95% interval, met.
    * ``rounds``: the value tested in each round and whether it met every level.
    * ``loads``: offered loads from the ample-capacity run; ``workload``: the establishment.
    * ``scenario``: the scenario with the capacities found; ``results``: its confirming run;
      ``simulations``: runs of the whole region after the ample-capacity one.
    * ``out_of_reach``: the facility-years whose level no capacity reaches (the DDI share, when
      preparation and transfers alone keep emergency caesareans past the target): the level
      (``target``, share) and the share an always-free theatre gives (``attainable``, mean,
      and ``attainable_low``, lower end of its 95% interval). ``confirmed`` means the
      capacities met every level *within reach*; `SizingResult.reached` says whether every
      level was.
    """

    scenario: Scenario
    levels: ServiceLevels
    standards: RatioStandards
    comparison: pd.DataFrame
    requirements: pd.DataFrame
    checks: pd.DataFrame
    rounds: pd.DataFrame
    loads: pd.DataFrame
    workload: pd.DataFrame
    results: Results = field(repr=False)
    baseline: Results = field(repr=False)
    converged: bool = False
    confirmed: bool = False
    simulations: int = 0
    notes: list[str] = field(default_factory=list)
    out_of_reach: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=OUT_OF_REACH_COLUMNS))
    out_of_reach_defaults: tuple[str, ...] = ()

    @property
    def reached(self) -> bool:
        """True when every level was confirmed and none is out of reach."""
        return self.confirmed and self.out_of_reach.empty

    def plot(self, lang: str = "en"):
        """The economies-of-scale plot of the comparison (a matplotlib Figure)."""
        from capsim.plots import facility_names
        from capsim.sizing.plot import scale_plot

        return scale_plot(self.comparison, self.levels, self.standards.beds_per_1000,
                          bed_days_per_delivery(self.loads),
                          facility_names(self.scenario, lang), lang,
                          self.scenario.display_name(lang))


def size(scenario: Scenario, levels: ServiceLevels | dict[str, Any] | None = None, *,
         replications: int | None = None, seed: int | None = None,
         workers: int | None = None, client: Any = None, rounds: int = solver.DEFAULT_ROUNDS,
         workload: Workload | None = None,
         progress: bool | Callable[[int, int], None] = False) -> SizingResult:
    """Find the least beds, on-duty midwives (and head-count) and theatres of every facility
    and year of ``scenario`` that meet the service levels.

    Parameters
    ----------
    scenario
        The region to size.
    levels
        A `ServiceLevels`, or a mapping of some of its fields (for example
        ``{"no_bed": 0.02, "occupancy": None}``) over the catalogue's defaults as the
        scenario's targets set them.
    replications, seed
        Replications of every simulation (at least 2) and their seed; default: the scenario's
        run settings.
    workers, client
        Where the replications run, as in `capsim.simulate`.
    rounds
        Most simulations of the whole region after the ample-capacity one.
    workload
        The midwifery workload standards of the establishment (default: `Workload`).
    progress
        True shows one progress bar over the replications of every simulation once sizing
        lasts more than two seconds; a callable receives (done, total) after each
        replication. The total is the most the rounds could run (replications × (rounds +
        1)) until the rounds end, then what they ran.

    Returns
    -------
    SizingResult
        The capacities, their checks and the comparison table. Facilities the scenario
        describes identically are sized together and get one answer
        (`capsim.sizing.twins`). ``confirmed`` is False when no round met every level;
        ``out_of_reach`` names the levels no capacity reaches, and ``reached`` is True only
        when every level was confirmed and none is out of reach.
    """
    n = scenario.run.replications if replications is None else int(replications)
    seed = scenario.run.seed if seed is None else int(seed)
    solver.check_replications(n)
    levels = service_levels(levels, scenario)
    ready_engine(client=client)
    with StudyProgress(progress, n * (rounds + 1), f"size {scenario.name}") as bar:
        run = solver.runner(n, seed, workers, client, progress=bar)
        scen, levels, ample, base = solver.baseline(scenario, levels, run)
        loads, ctxs, keys = solver.offered(scen, levels, base)
        sol = solver.solve(scen, levels, ctxs, keys, ample, run, rounds)
        bar.finish()
    sized = sol.results.scenario
    needs = _requirements(scen, sol, ctxs, levels)
    counts = loads[["year", "facility", "deliveries", "labours", "caesareans"]]
    work = establishment(counts, planned_casemix(scenario), workload)
    standards = ratio_standards(scenario)
    sized_resources = tuple(r for r in solver.RESOURCES if solver.active_checks(r, levels))
    table = comparison_table(scenario, loads, needs, work, standards, sized_resources)
    return SizingResult(
        scenario=sized, levels=levels, standards=standards, comparison=table,
        requirements=needs, checks=sol.checks, rounds=sol.rounds, loads=loads,
        workload=work, results=sol.results, baseline=base, converged=sol.converged,
        confirmed=sol.confirmed, simulations=sol.simulations, notes=_notes(sol, ctxs, levels) + _kept_as_they_are(scenario, levels),
        out_of_reach=(reach := _out_of_reach(sol, ctxs, levels)),
        out_of_reach_defaults=() if reach.empty else defaults_behind(
            "ddi_within_target_share", scenario, ("pathway.ddi_target_minutes",)))


def _out_of_reach(sol: solver.Solution, ctxs, levels: ServiceLevels) -> pd.DataFrame:
    rows = []
    for fid, year, resource in sorted(sol.values):
        ctx = ctxs[(fid, year)]
        if resource == "theatres" and not req.ddi_attainable(levels, ctx):
            rows.append({"year": year, "facility": fid, "level": "ddi", "target": levels.ddi,
                         "attainable": ctx.ddi_ceiling, "attainable_low": ctx.ddi_ceiling_low})
    return pd.DataFrame(rows, columns=OUT_OF_REACH_COLUMNS)


def _requirements(scen: Scenario, sol: solver.Solution, ctxs, levels) -> pd.DataFrame:
    pathway = scen.pathway
    met = (sol.checks.groupby(["facility", "year", "resource"])["met"].all().to_dict()
           if not sol.checks.empty else {})
    # Twins share one verdict, as they share one capacity (`capsim.sizing.twins`).
    for group in twin_groups(scen):
        for key in [k for k in met if k[0] == group[0]]:
            together = [met.get((fid, *key[1:]), True) for fid in group]
            for fid in group:
                if (fid, *key[1:]) in met:
                    met[(fid, *key[1:])] = all(together)
    rows = []
    for key, v in sol.values.items():
        fid, year, resource = key
        search = sol.searches[key]
        if resource == "midwives":
            head = pathway.roster.headcount_for(v)
        elif resource == "theatres":
            head = pathway.roster.headcount_for(v * pathway.obstetricians_per_caesarean)
        else:  # beds and delivery beds
            head = v
        rows.append({"year": year, "facility": fid, "resource": resource, "needed": v,
                     "headcount": head, "load": ctxs[(fid, year)].load(resource),
                     "queueing": search.start, "binding": search.binding,
                     "met": bool(met.get(key, False)), "least": search.low == v - 1})
    return pd.DataFrame(rows, columns=REQUIREMENT_COLUMNS)


def _kept_as_they_are(scenario: Scenario, levels: ServiceLevels) -> list[str]:
    """Notes on how sizing reads facilities with two bed pools, and on what it leaves as the
    scenario has it: their delivery beds when the no-bed level is off, and the staff of
    facilities with their own roster."""
    notes = []
    two = [f.id for f in scenario.facilities if two_bed_pools(f)]
    if two and levels.no_bed is not None:
        notes.append(f"{', '.join(two)}: two bed pools; delivery beds are sized for the no-bed "
                     "level from Erlang-B, each woman in labour holding one for her labour and "
                     f"{scenario.pathway.recovery_hours:g} h of recovery, and confirmed by the "
                     "share of time all are taken; the beds sized are ward beds, read the same "
                     "way (a woman who finds no ward bed after birth waits in her delivery bed)")
    elif two:
        notes.append(f"{', '.join(two)}: delivery beds are kept as they are (the no-bed level "
                     "is off); the beds sized are ward beds")
    own = [f.id for f in scenario.facilities if f.roster is not None]
    if own:
        notes.append(f"{', '.join(own)}: staff are kept as their own roster has them")
    return notes


def _notes(sol: solver.Solution, ctxs, levels: ServiceLevels) -> list[str]:
    short: dict[str, list[req.Context]] = {}
    years: dict[str, list[int]] = {}
    for fid, year, resource in sorted(sol.values):
        ctx = ctxs[(fid, year)]
        if resource == "theatres" and not req.ddi_attainable(levels, ctx):
            short.setdefault(fid, []).append(ctx)
            years.setdefault(fid, []).append(year)
    notes = []
    ddi = levels.ddi
    for fid, found in short.items():
        assert ddi is not None  # a theatre falls short only of a DDI level that is on
        ceiling = [100 * c.ddi_ceiling for c in found]
        span = f"{min(ceiling):.1f}" + (f"-{max(ceiling):.1f}" if len(found) > 1 else "")
        notes.append(
            f"{fid} ({', '.join(map(str, years[fid]))}): even with a theatre always free only "
            f"{span}% of emergency caesareans are delivered within {levels.ddi_minutes:g} min "
            f"(preparation time, transfers), below the level of {100 * ddi:g}%; "
            f"theatres are sized so that waiting for one costs at most "
            f"{100 * (1 - ddi):g}% of the lower end of that share's interval.")
    if not sol.confirmed:
        notes.append("no round met every level: the capacities shown are the last tried and "
                     "are not confirmed (allow more rounds or replications)")
    elif not sol.converged:
        notes.append("the rounds ran out before every capacity was shown to be the least: "
                     "those with least = False may be more than needed (allow more rounds)")
    return notes
