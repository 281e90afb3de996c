"""What a what-if does, against its baseline, with common random numbers: the what-if is
simulated with the baseline's seed and replication indices (`capsim.simulate`), and each
reading is differenced replication by replication (`capsim.comparison.paired_differences`)
so that the intervals are those of the change, not of the noise both share.

Readings: every metric (`capsim.metrics`), the standards' verdicts per year
(`capsim.targets.check`), and the travel between facilities the women moved take,
from the flows and the scenario's travel times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from capsim.comparison import paired_differences
from capsim.results import OUT_OF_REGION_ID, Results
from capsim.run import simulate
from capsim.scenario.models import Scenario
from capsim.scenario.referral import travel_hours
from capsim.stats import summarise
from capsim.targets import check

Progress = Callable[[int, int], None] | None

#: Readings of travel between facilities: minutes per woman moved, and women moved a year.
TRAVEL_READINGS: tuple[str, ...] = ("travel_per_moved_min", "women_moved")


@dataclass(frozen=True)
class Run:
    """One scenario's replications and its standards' verdicts (`capsim.targets.check`)."""

    scenario: Scenario
    results: Results
    verdicts: pd.DataFrame


@dataclass(frozen=True)
class Answer:
    """A what-if against its baseline. ``differences``: `paired_differences` of every
    metric; ``travel``: the same columns for `TRAVEL_READINGS` (region, per year and
    "all"); ``verdicts``: the what-if's check table with the baseline's verdict beside it
    (column ``baseline_verdict``)."""

    baseline: Run
    what_if: Run
    differences: pd.DataFrame
    travel: pd.DataFrame
    verdicts: pd.DataFrame


def run(scenario: Scenario, replications: int, seed: int, progress: Progress = None) -> Run:
    """Simulate ``scenario`` (``replications`` in this process, ``seed``) and check it."""
    results = simulate(scenario, replications=replications, seed=seed, workers=1,
                       progress=progress or False)
    return Run(scenario, results, check(scenario, results))


def answer(baseline: Run, what_if: Scenario, progress: Progress = None) -> Answer:
    """Simulate ``what_if`` with the baseline's replications and seed; return the
    `Answer`."""
    n = len(baseline.results.replications)
    other = run(what_if, n, baseline.results.seed, progress)
    keys = ["target", "scope", "level", "year"]
    verdicts = other.verdicts.merge(
        baseline.verdicts[[*keys, "verdict"]].rename(columns={"verdict": "baseline_verdict"}),
        on=keys, how="left")
    return Answer(baseline=baseline, what_if=other,
                  differences=paired_differences(baseline.results, other.results),
                  travel=travel_differences(baseline.results, other.results),
                  verdicts=verdicts)


def travel_readings(results: Results) -> pd.DataFrame:
    """Per replication and year (and "all"): women moved from one facility to another
    (women a year) and the travel they take, mean minutes per woman moved (minutes), from the
    scenario's travel times; women sent out of the region are not counted (no travel time
    is known for them). Columns replication, year, metric, value."""
    minutes = travel_hours(results.scenario) * 60.0
    index = {fid: i for i, fid in enumerate(f.id for f in results.scenario.facilities)}
    flows = results.flows
    flows = flows[(flows["to"] != OUT_OF_REGION_ID) & (flows["from"] != OUT_OF_REGION_ID)]
    flows = flows.assign(
        year=flows["year"].astype(str),
        minutes=[minutes[index[a], index[b]] * c
                 for a, b, c in zip(flows["from"], flows["to"], flows["count"], strict=True)])
    reps = [r.replication for r in results.replications]
    years = sorted({str(y) for y in results.metrics["year"].unique() if y != "all"})
    per_year = (flows.groupby(["replication", "year"])[["count", "minutes"]].sum()
                .reindex(pd.MultiIndex.from_product([reps, years],
                                                    names=["replication", "year"]),
                         fill_value=0.0).reset_index())
    whole = per_year.groupby("replication")[["count", "minutes"]].sum().reset_index()
    whole["count"] = whole["count"] / max(len(years), 1)    # women a year, as each year
    whole["minutes"] = whole["minutes"] / max(len(years), 1)
    both = pd.concat([per_year, whole.assign(year="all")], ignore_index=True)
    per_woman = both["minutes"] / both["count"].where(both["count"] > 0)
    rows = pd.concat([
        both[["replication", "year"]].assign(metric="travel_per_moved_min", value=per_woman),
        both[["replication", "year"]].assign(metric="women_moved", value=both["count"]),
    ], ignore_index=True)
    return rows


def travel_differences(base: Results, other: Results) -> pd.DataFrame:
    """Paired differences what-if - baseline of `travel_readings`, per year and
    reading: baseline_mean, scenario_mean, then mean, ci_low, ci_high... as
    `paired_differences` gives them (minutes; women a year)."""
    keys = ["year", "metric"]
    index = ["replication", *keys]
    joined = pd.concat({"baseline": travel_readings(base).set_index(index)["value"],
                        "scenario": travel_readings(other).set_index(index)["value"]},
                       axis=1, join="inner").reset_index()
    joined["value"] = joined["scenario"] - joined["baseline"]
    means = joined.groupby(keys, sort=False)[["baseline", "scenario"]].mean()
    means.columns = ["baseline_mean", "scenario_mean"]
    out = summarise(joined.dropna(subset=["value"]), keys).join(means, on=keys)
    return out[[*keys, "baseline_mean", "scenario_mean",
                *[c for c in out.columns if c not in (*keys, "baseline_mean", "scenario_mean")]]]
