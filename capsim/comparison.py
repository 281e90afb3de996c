"""Comparing scenarios with common random numbers: each variant against a baseline, per year
and per facility, with 95% intervals from paired replications.

Every scenario is simulated with the same seed and replication indices, so replication ``r``
of every scenario sees the same women (same arrival, risk, booking and durations) wherever
demand is the same (see `capsim.demand`). The difference variant - baseline is then taken
replication by replication and summarised like any metric: the noise both scenarios share
cancels, and the interval of a small change is much narrower than the interval from
independent runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pandas as pd

from capsim.errors import CapsimError
from capsim.metrics import METRICS
from capsim.results import Results
from capsim.run import StudyProgress, ready_engine, simulate
from capsim.scenario import Scenario, load_scenario
from capsim.scenario.calendar import year_spans
from capsim.scenario.models import Horizon
from capsim.stats import summarise

ScenarioLike = Scenario | str | Path
KEYS = ["year", "facility", "metric"]


@dataclass
class Comparison:
    """Results of a baseline and its variants, and their paired differences.

    ``results``: each scenario's `Results` by name, the baseline first.
    ``differences``: one row per (scenario, year, facility, metric) of each variant: unit,
    baseline_mean, scenario_mean, and the paired difference scenario - baseline as mean, ci_low,
    ci_high, ci_half_width, sd, p5, p50, p95, n (in the metric's unit; shares as fractions).
    ``levels``: each scenario's own summary (`Results.summary` for every year and the
    whole period) with a ``scenario`` column. Years are strings, "all" the whole period.
    ``notes``: one sentence per variant whose horizon differs from the baseline's: only the
    years both report in full are paired, and the whole period is not (it is not the same).
    """

    baseline: str
    seed: int
    replications: int
    results: dict[str, Results]
    differences: pd.DataFrame
    levels: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def variants(self) -> list[str]:
        """Names of the variants, in the order given."""
        return [name for name in self.results if name != self.baseline]

    def difference(self, metric: str, facility: str = "region", year: str | None = None
                   ) -> pd.DataFrame:
        """Rows of `differences` for one metric and facility (every year, or ``year``)."""
        d = self.differences
        d = d[(d["metric"] == metric) & (d["facility"] == facility)]
        return d if year is None else d[d["year"] == str(year)]


def compare(base: ScenarioLike, variants: Sequence[ScenarioLike] | Mapping[str, ScenarioLike],
            replications: int | None = None, seed: int | None = None,
            workers: int | None = None, client=None,
            progress: bool | Callable[[int, int], None] = False) -> Comparison:
    """Simulate a baseline and its variants with common random numbers; return the
    `Comparison`.

    Scenarios are `Scenario` objects or file paths; a mapping names the variants (by
    default a scenario is named by its file name without extension, or by its ``name``).
    ``replications`` and ``seed`` default to the baseline's run settings and are used for every
    scenario, so that replication ``r`` of each sees the same women; ``workers`` as in
    `capsim.simulate`; ``client`` (a dask Client or scheduler address) runs them on a
    dask cluster. ``progress=True`` shows one progress bar over every replication of every
    scenario once the comparison lasts more than two seconds; a callable receives (done, total)
    after each replication, total being scenarios x replications.
    """
    base_name, base_scen = _named(base)
    items = list(variants.items()) if isinstance(variants, Mapping) else [
        _named(v) for v in variants]
    if not items:
        raise ValueError("give at least one variant to compare with the baseline")
    named: dict[str, Scenario] = {base_name: base_scen}
    for name, scen in items:
        name, scen = str(name), _load(scen)
        unique, k = name, 2
        while unique in named:
            unique, k = f"{name} ({k})", k + 1
        named[unique] = scen
    paired = {name: _paired_years(base_name, base_scen.horizon, name, scen.horizon)
              for name, scen in named.items() if name != base_name}
    notes = [f"{name} covers {horizon_text(named[name].horizon)} and the baseline "
             f"{horizon_text(base_scen.horizon)}: only {', '.join(years)} is compared, not the "
             "whole period."
             for name, years in paired.items() if years is not None]
    n = base_scen.run.replications if replications is None else int(replications)
    seed = base_scen.run.seed if seed is None else int(seed)
    ready_engine(client=client)
    with StudyProgress(progress, n * len(named), f"compare {base_name}") as bar:
        results = {name: simulate(scen, replications=n, seed=seed, workers=workers,
                                  client=client, progress=bar)
                   for name, scen in named.items()}
    diffs = [_kept_years(paired_differences(results[base_name], res), paired[name])
             .assign(scenario=name) for name, res in results.items() if name != base_name]
    differences = pd.concat(diffs, ignore_index=True)
    differences = differences[["scenario", *[c for c in differences.columns if c != "scenario"]]]
    levels = pd.concat([res.summary(year=None).assign(scenario=name)
                        for name, res in results.items()], ignore_index=True)
    levels = levels[["scenario", *[c for c in levels.columns if c != "scenario"]]]
    return Comparison(baseline=base_name, seed=seed, replications=n, results=results,
                      differences=differences, levels=levels, notes=notes)


def horizon_text(horizon: Horizon) -> str:
    """The reported years of ``horizon`` as a planner reads them: "2016", "2026-2030", or
    first and last reported day when the horizon does not cover whole years (text)."""
    spans = year_spans(horizon)
    whole = all(first.month == first.day == 1 and stop.month == stop.day == 1
                for _, first, stop in spans)
    if not whole:
        return f"{horizon.start.isoformat()} to {(horizon.end - timedelta(days=1)).isoformat()}"
    first_year, last_year = spans[0][0], spans[-1][0]
    return str(first_year) if first_year == last_year else f"{first_year}-{last_year}"


def _paired_years(base_name: str, base: Horizon, name: str, variant: Horizon
                  ) -> list[str] | None:
    """The years (strings) whose reported days are the same in both horizons, or None when
    the horizons are the same (every year and the whole period pair). Raises CapsimError
    naming both horizons when no year is reported alike in both."""
    if year_spans(base) == year_spans(variant):
        return None
    common = [str(span[0]) for span in year_spans(variant) if span in set(year_spans(base))]
    if not common:
        raise CapsimError(f"{name} covers {horizon_text(variant)} and the baseline {base_name} "
                          f"covers {horizon_text(base)}: no year in common to compare; give the "
                          "variant the baseline's horizon")
    return common


def _kept_years(differences: pd.DataFrame, years: list[str] | None) -> pd.DataFrame:
    """``differences`` restricted to ``years`` (None: all of them, the whole period too)."""
    if years is None:
        return differences
    return differences[differences["year"].isin(years)].reset_index(drop=True)


def paired_differences(base: Results, variant: Results) -> pd.DataFrame:
    """Paired differences ``variant - base`` of every metric, replication by replication,
    summarised per (year, facility, metric).

    Only (replication, year, facility, metric) present and defined in both count. Returns
    columns year, facility, metric, unit, baseline_mean, scenario_mean, then the difference as
    mean, ci_low, ci_high, ci_half_width, sd, p5, p50, p95, n, replications_to_halve_ci
    (unit of the metric; n in replications)."""
    index = ["replication", *KEYS]
    joined = pd.concat({"baseline": base.metrics.set_index(index)["value"],
                        "scenario": variant.metrics.set_index(index)["value"]},
                       axis=1, join="inner").dropna().reset_index()
    joined["value"] = joined["scenario"] - joined["baseline"]
    out = summarise(joined, KEYS)
    means = joined.groupby(KEYS, sort=False)[["baseline", "scenario"]].mean()
    means.columns = ["baseline_mean", "scenario_mean"]
    out = out.join(means, on=KEYS)
    out.insert(3, "unit", out["metric"].map(lambda m: METRICS[m].unit))
    head = [*KEYS, "unit", "baseline_mean", "scenario_mean"]
    return out[head + [c for c in out.columns if c not in head]]


def _load(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def _named(scenario: ScenarioLike) -> tuple[str, Scenario]:
    if isinstance(scenario, Scenario):
        return scenario.name, scenario
    return Path(scenario).stem, load_scenario(scenario)
