"""A sweep made ready to run: the spec, its scenario, the points, and one validated scenario
per point — every problem found before anything is simulated.

Checks, in order, each reported with the file, the field and the reason: the spec's fields;
the scenario; that every parameter path names numbers of the scenario and every output a
facility and year of it; that the scenario accepts each parameter's extreme values (the ends
of a range, every value of a list, the lowest and highest value sampled), the others left at
the scenario's values; and finally that it accepts every point.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from capsim import limits
from capsim.errors import ScenarioError
from capsim.results import ALL_YEARS, REGION
from capsim.scenario.calendar import horizon_years
from capsim.scenario.loader import load_scenario, read_mapping, validate_model, validate_scenario
from capsim.scenario.models import Scenario
from capsim.scenario.paths import PathError, Target, place_values, resolve
from capsim.sweep.sampling import Design, build_design, range_ends, whole_numbers
from capsim.sweep.spec import SweepSpec

#: Points whose rejection is listed one by one; more are counted.
MAX_POINT_PROBLEMS = 5


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: ``scenarios[k]`` is the scenario of point ``k`` of ``design``.

    ``fingerprint`` is a hash of everything that decides the simulated numbers (the scenario
    with its defaults, parameters, outputs, method, sample size, replications, seeds), so a
    store knows whether it holds results of this very sweep.
    """

    spec: SweepSpec
    source: str
    scenario: Scenario
    targets: tuple[Target, ...]
    design: Design
    scenarios: tuple[Scenario, ...]
    fingerprint: str

    @property
    def runs(self) -> int:
        """Simulations of the whole sweep: points x replications."""
        return self.design.points * self.spec.replications

    def seed_of(self, point: int) -> int:
        """Seed of every replication of ``point``: the sweep seed with common random numbers,
        else a seed derived from (sweep seed, point) only."""
        if self.spec.common_random_numbers:
            return self.spec.seed
        return int(np.random.SeedSequence([self.spec.seed, point]).generate_state(1)[0])

    def stored_spec(self) -> dict[str, Any]:
        """The spec as a mapping with the scenario written in full, enough to rebuild the
        sweep without its files."""
        data = self.spec.model_dump(mode="json")
        data["scenario"] = self.scenario.model_dump(mode="json")
        return data


def load_sweep(path: str | Path) -> Sweep:
    """Read and validate a sweep file; return the `Sweep` ready to run.

    Raises `ScenarioError` naming the file, the field (a parameter by
    its path) and the reason of each problem, before anything is simulated.
    """
    path = Path(path)
    spec = validate_model(SweepSpec, read_mapping(path), str(path))
    return prepare_sweep(spec, source=str(path), base_dir=path.parent)


def prepare_sweep(spec: SweepSpec | dict[str, Any], source: str = "<sweep>",
                  base_dir: str | Path | None = None) -> Sweep:
    """Validate a spec (object or mapping) against its scenario; return the `Sweep`.

    A scenario given as a file name is read relative to ``base_dir`` (default: the current
    folder)."""
    if not isinstance(spec, SweepSpec):
        spec = validate_model(SweepSpec, spec, source)
    if isinstance(spec.scenario, str):
        scenario = load_scenario(Path(base_dir or ".") / spec.scenario)
    else:
        scenario = validate_scenario(spec.scenario, source=f"{source}: scenario")
    women = scenario.women_per_replication * spec.most_points * spec.replications
    if women > limits.MAX_WOMEN_SIMULATED:
        raise ScenarioError(source, [("", f"the sweep would simulate about {women:.3g} women "
                                          "(deliveries x years x points x replications), more "
                                          f"than the {limits.MAX_WOMEN_SIMULATED:,} a sweep "
                                          "may simulate")])
    base = scenario.model_dump(mode="json")
    targets, problems = _resolve_parameters(spec, base)
    problems += _check_outputs(spec, scenario)
    if problems:
        raise ScenarioError(source, problems)
    baselines, problems = _baselines(spec, targets)
    if problems:
        raise ScenarioError(source, problems)
    design = build_design(spec, targets, baselines)
    problems = _check_extremes(spec, targets, design, scenario)
    if problems:
        raise ScenarioError(source, problems)
    scenarios = _point_scenarios(spec, targets, design, scenario, source)
    return Sweep(spec=spec, source=source, scenario=scenario, targets=tuple(targets),
                 design=design, scenarios=scenarios, fingerprint=fingerprint(spec, base))


def fingerprint(spec: SweepSpec, base: dict[str, Any]) -> str:
    """SHA-256 (hex) of what decides a sweep's simulated numbers: not its name, description,
    labels or bootstrap resamples, and the scenario by content, not by file name."""
    kept = spec.model_dump(mode="json", exclude={
        "name": True, "description": True, "resamples": True, "scenario": True,
        "parameters": {"__all__": {"label"}}})
    text = json.dumps({"spec": kept, "scenario": base}, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _resolve_parameters(spec: SweepSpec, base: dict[str, Any]):
    targets: list[Target] = []
    problems: list[tuple[str, str]] = []
    groups: dict[tuple[str, ...], str] = {}
    for i, p in enumerate(spec.parameters):
        where = f"parameters[{i}].path"
        try:
            t = resolve(base, p.path)
        except PathError as exc:
            problems.append((where, str(exc)))
            continue
        group = t.share_group
        if group is not None:
            if len(t.places) > 1:
                problems.append((where, f"{p.path!r}: sweep one share of "
                                 f"{'.'.join(group)} by name; the others are rescaled"))
            elif group in groups:
                problems.append((where, f"{p.path!r} and {groups[group]!r} are shares of the "
                                 f"same group {'.'.join(group)}: sweep one of them (the "
                                 "others are rescaled to keep the sum 1)"))
            groups[group] = p.path
        if p.range is not None and whole_numbers(p, t):
            lo, hi = range_ends(p, t)
            if lo > hi:
                problems.append((f"parameters[{i}].range", f"{p.path!r} is a whole number, "
                                 f"and the range {list(p.range)} holds none"))
        targets.append(t)
    return targets, problems


def _check_outputs(spec: SweepSpec, scenario: Scenario) -> list[tuple[str, str]]:
    ids = [f.id for f in scenario.facilities]
    years = [str(y) for y in horizon_years(scenario.horizon)]
    problems = []
    for i, o in enumerate(spec.outputs):
        if o.facility not in (*ids, REGION):
            problems.append((f"outputs[{i}].facility", f"unknown facility {o.facility!r} "
                             f"(known: {', '.join(ids)}, {REGION})"))
        if o.year not in (*years, ALL_YEARS):
            problems.append((f"outputs[{i}].year", f"{o.year!r} is not a year of the horizon "
                             f"(years: {', '.join(years)}, or {ALL_YEARS})"))
    return problems


def _baselines(spec: SweepSpec, targets: list[Target]):
    baselines, problems = [], []
    for i, (p, t) in enumerate(zip(spec.parameters, targets, strict=True)):
        if p.baseline is not None:
            baselines.append(p.baseline)
        elif p.mode == "multiply":
            baselines.append(1.0)
        elif len(set(t.values)) == 1:
            baselines.append(t.values[0])
        elif spec.method == "oat":
            problems.append((f"parameters[{i}].baseline", f"{p.path!r} names several values "
                             f"({', '.join(f'{v:g}' for v in t.values)}); give the baseline"))
        else:
            baselines.append(float("nan"))
    return baselines, problems


def _extremes(spec: SweepSpec, i: int, target: Target, design: Design) -> list[tuple[float, str]]:
    p = spec.parameters[i]
    col = design.values[p.path]
    found = [(float(col.min()), "lowest value sampled"), (float(col.max()), "highest value "
                                                            "sampled")]
    if p.range is not None:
        lo, hi = range_ends(p, target)
        found = [(lo, "low end of its range"), (hi, "high end of its range")] + found
    if p.values is not None:
        found = [(v, "value in its list") for v in p.values] + found
    seen, out = set(), []
    for v, why in found:
        if v not in seen:
            seen.add(v)
            out.append((v, why))
    return out


def _check_extremes(spec: SweepSpec, targets: list[Target], design: Design,
                    base: Scenario) -> list[tuple[str, str]]:
    problems = []
    for i, (p, t) in enumerate(zip(spec.parameters, targets, strict=True)):
        for v, why in _extremes(spec, i, t, design):
            _, reason = _scenario_at(base, [(t, p.mode, v)], "<value>")
            if reason:
                problems.append((f"parameters[{i}]", f"{p.path} = {v:g} ({why}) is rejected "
                                 f"by the scenario: {reason}"))
    return problems


def _scenario_at(scenario: Scenario, settings, source: str) -> tuple[Scenario | None, str]:
    """``scenario`` with (target, mode, value) settings applied, or None and why the
    scenario rejects it."""
    changes: dict[str, int | float] = {}
    for t, mode, v in settings:
        changes.update(place_values(t, mode, v))
    try:
        return scenario.with_changes(changes, source=source), ""
    except ScenarioError as exc:
        return None, "; ".join(f"{where}: {why}" if where else why for where, why in exc.problems)


def _point_scenarios(spec: SweepSpec, targets: list[Target], design: Design,
                     base: Scenario, source: str) -> tuple[Scenario, ...]:
    scenarios, problems, failed = [], [], 0
    modes = [p.mode for p in spec.parameters]
    for k, row in enumerate(design.values.itertuples(index=False)):
        settings = list(zip(targets, modes, row, strict=True))
        scenario, reason = _scenario_at(base, settings, source)
        if scenario is not None:
            scenarios.append(scenario)
            continue
        failed += 1
        if failed <= MAX_POINT_PROBLEMS:
            values = ", ".join(f"{t.path} = {v:g}" for t, _, v in settings)
            problems.append((f"point {k}", f"({values}) is rejected by the scenario: {reason}"))
    if failed:
        if failed > MAX_POINT_PROBLEMS:
            problems.append(("", f"and {failed - MAX_POINT_PROBLEMS} more points of "
                             f"{design.points} are rejected"))
        raise ScenarioError(source, problems)
    return tuple(scenarios)
