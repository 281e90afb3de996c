"""The points of a sweep: parameter values at each point, by method.

Morris and Sobol samples come from SALib, drawn in the unit hypercube [0, 1]^D and turned into
parameter values by each parameter's quantile function (uniform over a range, equally likely
values of a list, or a distribution's inverse CDF), so every method treats ranges, lists and
distributions alike. One-at-a-time sweeps start from a baseline point and move one parameter
at a time through its levels; grid sweeps take every combination of levels.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from capsim.scenario.paths import Target, value_used
from capsim.sweep.spec import LEVEL_QUANTILES, TAIL, Parameter, SweepSpec


@dataclass(frozen=True)
class Design:
    """The points of a sweep.

    ``values``: one row per point (index = point number from 0), one column per parameter
    path, holding the value used there (rounded for integer fields; a factor in multiply
    mode). ``unit``: the SALib sample in [0, 1]^D behind them (morris and sobol), rows in
    point order. ``varied``: for one-at-a-time sweeps, the path varied at each point (None
    at the baseline, point 0).
    """

    method: str
    values: pd.DataFrame
    unit: np.ndarray | None = None
    varied: tuple[str | None, ...] | None = None

    @property
    def points(self) -> int:
        """Number of points."""
        return len(self.values)


def salib_problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem definition of a sweep: one variable per parameter on [0, 1]."""
    names = [p.path for p in spec.parameters]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def from_unit(param: Parameter, u: np.ndarray) -> np.ndarray:
    """Parameter values (in the field's unit) at positions ``u`` in [0, 1] of its range,
    list or distribution; a distribution is cut at its 0.1% and 99.9% quantiles."""
    u = np.asarray(u, dtype=float)
    if param.range is not None:
        lo, hi = param.range
        return lo + u * (hi - lo)
    if param.values is not None:
        k = len(param.values)
        return np.asarray(param.values, dtype=float)[np.minimum((u * k).astype(int), k - 1)]
    dist = param.distribution
    assert dist is not None
    return np.asarray(dist.ppf(np.clip(u, TAIL, 1 - TAIL)))


def levels_of(param: Parameter, target: Target, default: int) -> np.ndarray:
    """Values of a parameter in one-at-a-time and grid sweeps: a list's values; ``levels``
    evenly spaced values of a range (ends included; for an integer field, the ends are the
    whole numbers inside it); a distribution's quantiles evenly spaced from its 5th to its
    95th percentile."""
    n = param.levels or default
    if param.values is not None:
        return np.asarray(param.values, dtype=float)
    if param.range is not None:
        return np.linspace(*range_ends(param, target), n)
    dist = param.distribution
    assert dist is not None
    return np.asarray(dist.ppf(np.linspace(*LEVEL_QUANTILES, n)))


def whole_numbers(param: Parameter, target: Target) -> bool:
    """True when the parameter sets an integer field directly (its values are whole)."""
    return target.integer and param.mode == "set"


def range_ends(param: Parameter, target: Target) -> tuple[float, float]:
    """Lowest and highest value a range gives: for an integer field the whole numbers
    inside it (each then equally likely), else its ends."""
    if param.range is None:
        raise ValueError(f"{param.path!r} is not given as a range")
    lo, hi = param.range
    if whole_numbers(param, target):
        return float(math.ceil(lo)), float(math.floor(hi))
    return float(lo), float(hi)


def build_design(spec: SweepSpec, targets: list[Target], baselines: list[float]) -> Design:
    """Return the points of ``spec``; ``targets`` and ``baselines`` are those of its
    parameters in the scenario (in the order of ``spec.parameters``)."""
    params = spec.parameters
    paths = [p.path for p in params]

    def used(i: int, values) -> list[float]:
        return [value_used(targets[i], params[i].mode, v) for v in values]

    if spec.method in ("morris", "sobol"):
        unit = _salib_sample(spec)
        cols = {}
        for i, p in enumerate(params):
            if p.range is not None and whole_numbers(p, targets[i]):
                lo, hi = range_ends(p, targets[i])
                cols[p.path] = list(np.minimum(lo + np.floor(unit[:, i] * (hi - lo + 1)), hi))
            else:
                cols[p.path] = used(i, from_unit(p, unit[:, i]))
        return Design(spec.method, pd.DataFrame(cols, columns=paths), unit=unit)
    levels = [sorted(set(used(i, levels_of(p, targets[i], spec.level_count))))
              for i, p in enumerate(params)]
    if spec.method == "grid":
        return Design("grid", pd.DataFrame(list(itertools.product(*levels)), columns=paths))
    base = [used(i, [b])[0] for i, b in enumerate(baselines)]
    rows: list[list[float]] = [list(base)]
    varied: list[str | None] = [None]
    for i, path in enumerate(paths):
        for v in levels[i]:
            if v != base[i]:
                row = list(base)
                row[i] = v
                rows.append(row)
                varied.append(path)
    return Design("oat", pd.DataFrame(rows, columns=paths), varied=tuple(varied))


def _salib_sample(spec: SweepSpec) -> np.ndarray:
    problem = salib_problem(spec)
    if spec.method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, spec.sample_size, num_levels=spec.level_count,
                             seed=spec.seed)
    from SALib.sample import sobol

    return sobol.sample(problem, spec.sample_size, calc_second_order=spec.second_order,
                        scramble=True, seed=spec.seed)
