"""Checking a scenario against its standards and targets: one row per target × scope × year
with the value, its 95% interval, the threshold, the margin and a verdict.

Planned readings need no simulation; the scenario is simulated only when a target uses a
simulated reading and no results are given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from capsim.errors import CapsimError
from capsim.metrics import METRICS, RATIO_METRICS
from capsim.results import REGION, Results
from capsim.scenario.calendar import horizon_years
from capsim.scenario.models import Scenario
from capsim.scenario.targets import Standard
from capsim.stats import describe
from capsim.targets.catalogue import active_standards
from capsim.targets.defaults import defaults_behind
from capsim.targets.planned import planned_readings
from capsim.targets.verdict import NOT_APPLICABLE, judge
from capsim.timeline import capacity_by_year

#: Columns of the check table, in order.
COLUMNS: tuple[str, ...] = (
    "target", "kind", "name_en", "name_zh", "scope", "level", "year", "reading", "metric",
    "unit", "value", "ci_low", "ci_high", "comparator", "threshold", "margin", "verdict",
    "note", "source", "source_note", "defaults",
)


def check(scenario: Scenario, results: Results | None = None, *, replications: int | None = None,
          seed: int | None = None, workers: int | None = None,
          progress: bool = False) -> pd.DataFrame:
    """Check ``scenario`` against its standards and targets.

    Parameters
    ----------
    scenario
        The scenario whose standards (the catalogue's, as its ``targets`` switch and change
        them) and own targets are checked.
    results
        Replications of ``scenario`` (its targets may differ). Without them the scenario is
        simulated only if some target uses a simulated reading.
    replications, seed, workers
        As in `capsim.simulate`, for that simulation.
    progress
        Show a progress bar while simulating.

    Returns
    -------
    pandas.DataFrame
        One row per target × scope (region or facility id) × horizon year, columns
        `COLUMNS`: value, ci_low and ci_high in the metric's unit (shares as fractions; a
        planned reading is exact and has no interval; for falling/rising targets the value is
        the change from the year before, paired over replications), threshold, margin (how
        far on the passing side; negative: short by that much), verdict (pass, fail,
        uncertain when the interval straddles the threshold, or not applicable, with the
        reason in note) and defaults (the parameters a simulated verdict rests on that the
        scenario leaves to capsim's defaults, joined by ", "; see
        `capsim.targets.defaults`). ``table.attrs`` holds the scenario name, replications
        (0: nothing simulated) and seed.
    """
    standards = active_standards(scenario)
    if results is not None:
        _same_model(scenario, results)
    elif needs_simulation(scenario):
        from capsim.run import simulate

        results = simulate(scenario, replications=replications, seed=seed, workers=workers,
                           progress=progress)
    readings = _Readings(scenario, results)
    rows = [row for std in standards for row in _rows(std, readings)]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs.update(scenario=scenario.name,
                       replications=len(results.replications) if results else 0,
                       seed=results.seed if results else None)
    return table


def needs_simulation(scenario: Scenario) -> bool:
    """True when some target of ``scenario`` uses a simulated reading."""
    return any(s.reading == "simulated" for s in active_standards(scenario))


def ratio_readings(scenario: Scenario, results: Results | None = None) -> pd.DataFrame:
    """Both readings of every ratio (`RATIO_METRICS`), per year,
    for the region and each delivering facility.

    Returns columns year, scope, level, metric, unit, planned (from the scenario's figures),
    simulated, ci_low, ci_high (from the deliveries each facility received in the
    replications; NaN without ``results``)."""
    planned = planned_readings(scenario)
    out = planned[planned["metric"].isin(RATIO_METRICS)].rename(columns={"value": "planned"})
    out.insert(4, "unit", out["metric"].map(lambda m: METRICS[m].unit))
    sim = pd.DataFrame(columns=["year", "scope", "metric", "simulated", "ci_low", "ci_high"])
    if results is not None:
        _same_model(scenario, results)
        s = results.summary(year=None)
        s = s[s["year"] != "all"]
        sim = pd.DataFrame({"year": s["year"].astype(int), "scope": s["facility"],
                            "metric": s["metric"], "simulated": s["mean"],
                            "ci_low": s["ci_low"], "ci_high": s["ci_high"]})
    return out.merge(sim, on=["year", "scope", "metric"], how="left").reset_index(drop=True)


def _same_model(scenario: Scenario, results: Results) -> None:
    """Raise CapsimError when ``results`` were simulated from a different model."""
    if (results.scenario.model_dump(exclude={"targets"})
            != scenario.model_dump(exclude={"targets"})):
        raise CapsimError(f"the results were simulated from scenario {results.scenario.name!r}, "
                          f"which differs from {scenario.name!r} in more than its targets")


@dataclass
class _Readings:
    """Lookups of the planned and simulated readings of one scenario."""

    scenario: Scenario
    results: Results | None
    years: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.years = horizon_years(self.scenario.horizon)

    @cached_property
    def planned(self) -> dict[tuple[int, str, str], float]:
        p = planned_readings(self.scenario)
        return dict(zip(zip(p["year"], p["scope"], p["metric"], strict=True), p["value"],
                        strict=True))

    @property
    def simulation(self) -> Results:
        """The results: check() simulates whenever some target uses a simulated reading, so
        they are there whenever a simulated reading is looked up."""
        if self.results is None:
            raise CapsimError("a simulated reading needs replications of the scenario")
        return self.results

    @cached_property
    def simulated(self) -> dict[tuple[int, str, str], tuple[float, float, float, int]]:
        s = self.simulation.summary(year=None)
        s = s[s["year"] != "all"]
        keys = zip(s["year"].astype(int), s["facility"], s["metric"], strict=True)
        vals = zip(s["mean"], s["ci_low"], s["ci_high"], s["n"], strict=True)
        return dict(zip(keys, vals, strict=True))

    @cached_property
    def per_replication(self) -> pd.DataFrame:
        m = self.simulation.metrics
        m = m[m["year"] != "all"]
        return m.pivot_table(index="replication", columns=["metric", "year", "facility"],
                             values="value", aggfunc="first", dropna=False)

    @cached_property
    def delivering(self) -> dict[int, list[tuple[str, str]]]:
        """(facility id, level) of the facilities that deliver at the end of each year."""
        cap = capacity_by_year(self.scenario)
        cap = cap[cap["delivers"]]
        return {int(y): list(zip(g["facility"], g["level"], strict=True))
                for y, g in cap.groupby("year")}

    def scopes(self, std: Standard, year: int) -> list[tuple[str, str]]:
        """(scope, level) pairs a standard applies to in ``year``: region first."""
        out = [(REGION, "")] if "region" in std.scope else []
        if "facility" in std.scope:
            for fid, level in self.delivering.get(year, []):
                caps = set(self.scenario.facility(fid).capabilities)
                if (not std.levels or level in std.levels) and set(std.capabilities) <= caps:
                    out.append((fid, level))
        return out


def _rows(std: Standard, r: _Readings) -> list[dict]:
    """The check rows of one standard."""
    wanted = r.years if std.years == "all" else list(std.years)
    if std.is_trend:
        # A year is judged against the year before; the first horizon year only when no
        # other year can be (then as not applicable).
        judged = [y for y in wanted if y - 1 in r.years]
        wanted = judged or [y for y in wanted if y in r.years][:1] or wanted
    rows = []
    behind = ", ".join(_defaults(std, r.scenario))
    for year in wanted:
        if year not in r.years:
            rows.append(_row(std, "", "", year, note=f"{year} is outside the horizon "
                             f"({r.years[0]}-{r.years[-1]})"))
            continue
        mismatch = _assumption_mismatch(std, r.scenario)
        for scope, level in r.scopes(std, year):
            if mismatch:
                rows.append(_row(std, scope, level, year, note=mismatch))
            elif std.is_trend:
                rows.append(_trend_row(std, r, scope, level, year))
            else:
                rows.append(_level_row(std, r, scope, level, year))
    for row in rows:
        row["defaults"] = behind
    return rows


def _defaults(std: Standard, scenario: Scenario) -> tuple[str, ...]:
    """The defaults a simulated reading of ``std`` rests on (none for a planned one, which is
    the scenario's own figures); a setting the standard states itself is not a default."""
    if std.reading != "simulated":
        return ()
    return defaults_behind(std.metric, scenario, tuple(f"pathway.{k}" for k in std.assumes))


def _row(std: Standard, scope: str, level: str, year: int, value: float = math.nan,
         ci_low: float = math.nan, ci_high: float = math.nan, note: str = "",
         threshold: float | None = None) -> dict:
    """One row; the verdict follows from the value and interval (not applicable if NaN)."""
    threshold = std.threshold if threshold is None else threshold
    if std.decimals is not None and threshold is not None:
        value, ci_low, ci_high = (round(x, std.decimals) if not math.isnan(x) else x
                                  for x in (value, ci_low, ci_high))
        note = (note + "; " if note else "") + f"compared rounded to {std.decimals} decimals"
    verdict, margin = judge(value, ci_low, ci_high, std.comparator, threshold)
    if verdict == NOT_APPLICABLE and not note:
        note = "no value"
    src = std.source
    return {
        "target": std.id, "kind": std.kind, "name_en": std.name.get("en"),
        "name_zh": std.name.get("zh"), "scope": scope, "level": level, "year": year,
        "reading": std.reading, "metric": std.metric, "unit": METRICS[std.metric].unit,
        "value": value, "ci_low": ci_low, "ci_high": ci_high, "comparator": std.comparator,
        "threshold": threshold, "margin": margin, "verdict": verdict, "note": note,
        "source": src.cite() if src else "scenario file", "source_note": src.note if src else "",
        "defaults": "",
    }


def _assumption_mismatch(std: Standard, scenario: Scenario) -> str:
    """Why the scenario measures the metric otherwise than the standard assumes ('' if not)."""
    for setting, value in std.assumes.items():
        actual = getattr(scenario.pathway, setting)
        if actual != value:
            return (f"the scenario sets pathway.{setting} = {actual:g}; the standard is "
                    f"measured at {value:g}")
    return ""


def _level_row(std: Standard, r: _Readings, scope: str, level: str, year: int) -> dict:
    if std.reading == "planned":
        value = r.planned.get((year, scope, std.metric), math.nan)
        note = ""
        if math.isnan(value):
            booked = r.planned.get((year, scope, "deliveries_per_year"), 0.0)
            note = "no beds here" if booked > 0 else "no planned deliveries: no woman books here"
        return _row(std, scope, level, year, value, note=note)
    mean, lo, hi, n = r.simulated.get((year, scope, std.metric), (math.nan,) * 3 + (0,))
    note = ("no data in the simulation (nothing to measure here)" if n == 0
            else "one replication: no interval" if n < 2 else "")
    return _row(std, scope, level, year, mean, lo, hi, note=note)


def _trend_row(std: Standard, r: _Readings, scope: str, level: str, year: int) -> dict:
    if year - 1 not in r.years:
        return _row(std, scope, level, year, note="a year-on-year target needs the year "
                    "before in the horizon (not applicable on a one-year horizon)")
    reps = r.per_replication
    key = (std.metric, str(year), scope)
    before_key = (std.metric, str(year - 1), scope)
    if key not in reps.columns or before_key not in reps.columns:
        return _row(std, scope, level, year, note="no data in the simulation")
    now, before = reps[key].to_numpy(float), reps[before_key].to_numpy(float)
    if std.comparator == "falling" and np.all(now == 0) and np.all(before == 0):
        return _row(std, scope, level, year, note=f"zero in {year - 1} and {year} in every "
                    "replication: nothing to fall")
    d = describe(now - before)
    note = (f"change from {year - 1}: {np.nanmean(before):.4g} -> {np.nanmean(now):.4g}, "
            f"paired over {d['n']} replications")
    return _row(std, scope, level, year, d["mean"], d["ci_low"], d["ci_high"], note=note,
                threshold=0.0)
