"""The sweep specification: which scenario parameters vary, over what, which outputs are
recorded, and by which method the points are chosen.

A sweep file (YAML) is validated like a scenario, with errors naming the file, the field path
and the reason. Whether each parameter path exists in the scenario, and whether the scenario
accepts every value, is checked afterwards by `capsim.sweep.plan`, still before anything
runs.
"""

from __future__ import annotations

import difflib
import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from scipy import stats

from capsim import limits
from capsim.limits import bound
from capsim.metrics import METRICS
from capsim.results import ALL_YEARS, REGION
from capsim.scenario.base import Real, Strict, Whole

Method = Literal["oat", "grid", "morris", "sobol"]

#: Samples (Sobol base sample N, Morris trajectories) used when the spec gives none.
DEFAULT_SAMPLES: dict[str, int] = {"morris": 10, "sobol": 64}
#: Values per range used when the spec gives none: Morris grid levels; values of a range in a
#: one-at-a-time or full-grid sweep.
DEFAULT_LEVELS: dict[str, int] = {"oat": 2, "grid": 3, "morris": 4}
#: A distribution is cut at these quantiles where a sample would reach 0 or 1 (Morris levels),
#: and one-at-a-time or grid levels of a distribution span its 5th to 95th percentile.
TAIL = 0.001
LEVEL_QUANTILES = (0.05, 0.95)


class ParameterDistribution(Strict):
    """A probability distribution of a parameter's value (in the unit of the scenario field)."""

    dist: Literal["normal", "lognormal", "triangular"] = Field(
        ..., description="normal (mean, sd), lognormal (mean, sd of the value itself) or "
        "triangular (low, mode, high).")
    mean: Real | None = Field(None, description="Mean, normal and lognormal (unit of the "
                               "scenario field).")
    sd: Real | None = Field(None, gt=0, description="Standard deviation, normal and lognormal "
                             "(unit of the scenario field).")
    low: Real | None = Field(None, description="Lowest value, triangular (unit of the scenario "
                              "field).")
    mode: Real | None = Field(None, description="Most likely value, triangular (unit of the "
                               "scenario field).")
    high: Real | None = Field(None, description="Highest value, triangular (unit of the "
                               "scenario field).")

    @model_validator(mode="after")
    def _complete(self) -> ParameterDistribution:
        need = ("low", "mode", "high") if self.dist == "triangular" else ("mean", "sd")
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.dist} distribution needs {', '.join(need)}; "
                             f"missing {', '.join(missing)}")
        extra = [k for k in ("mean", "sd", "low", "mode", "high")
                 if k not in need and getattr(self, k) is not None]
        if extra:
            raise ValueError(f"a {self.dist} distribution takes {', '.join(need)}, "
                             f"not {', '.join(extra)}")
        if self.dist == "triangular":
            low, mode, high = self._triangle()
            if not (low <= mode <= high and low < high):
                raise ValueError("a triangular distribution needs low <= mode <= high, "
                                 "low < high")
        if self.dist == "lognormal" and self._moments()[0] <= 0:
            raise ValueError("a lognormal distribution needs mean > 0")
        return self

    def _moments(self) -> tuple[float, float]:
        """(mean, sd) of a normal or lognormal distribution (unit of the field)."""
        if self.mean is None or self.sd is None:  # only when built unvalidated
            raise ValueError(f"a {self.dist} distribution needs mean, sd")
        return self.mean, self.sd

    def _triangle(self) -> tuple[float, float, float]:
        """(low, mode, high) of a triangular distribution (unit of the field)."""
        # Only a model built unvalidated lacks them (_complete requires them).
        if self.low is None or self.mode is None or self.high is None:
            raise ValueError(f"a {self.dist} distribution needs low, mode, high")
        return self.low, self.mode, self.high

    def ppf(self, q):
        """Return the values at quantiles ``q`` in (0, 1), in the unit of the field."""
        if self.dist == "normal":
            mean, sd = self._moments()
            return stats.norm.ppf(q, loc=mean, scale=sd)
        if self.dist == "lognormal":
            mean, sd = (float(x) for x in self._moments())
            sigma2 = math.log1p((sd / mean) ** 2)
            return stats.lognorm.ppf(q, s=math.sqrt(sigma2), scale=mean * math.exp(-sigma2 / 2))
        low, mode, high = self._triangle()
        width = high - low
        return stats.triang.ppf(q, c=(mode - low) / width, loc=low, scale=width)


class Parameter(Strict):
    """One scenario parameter that the sweep varies, given by a path into the scenario."""

    path: str = Field(
        ..., min_length=1, max_length=limits.MAX_NAME_CHARS,
        description="Path into the scenario, e.g. facilities[county-hospital].beds, "
        "demand.deliveries, pathway.postnatal_los.caesarean.mean; [id] picks a list item by "
        "its id (or [2] by position) and * every key or item.")
    label: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                              description="Name shown in tables and plots (default: the path)."
                              + bound(limits.MAX_NAME_CHARS, "characters"))
    label_zh: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                                 description="Chinese name shown in Chinese tables and plots "
                                 "(default: one made from the path)."
                                 + bound(limits.MAX_NAME_CHARS, "characters"))
    mode: Literal["set", "multiply"] = Field(
        "set", description="set: the value replaces the scenario's; multiply: it multiplies "
        "the scenario's value at every place the path names (1 = unchanged).")
    range: tuple[Real, Real] | None = Field(
        None, description="Lowest and highest value, sampled uniformly between them; for an "
        "integer field such as beds the whole numbers inside, each equally likely; a factor "
        "in multiply mode (unit of the scenario field).")
    values: tuple[Real, ...] | None = Field(
        None, min_length=1, max_length=limits.MAX_LIST,
        description="A list of values, each equally likely (unit of the scenario field)."
        + bound(limits.MAX_LIST, "values"))
    distribution: ParameterDistribution | None = Field(
        None, description="A distribution of the value.")
    levels: Whole | None = Field(
        None, ge=2, le=limits.MAX_LEVELS,
        description="Values taken from a range or distribution in a one-at-a-time "
        "or grid sweep (count); default: the sweep's levels." + bound(limits.MAX_LEVELS))
    baseline: Real | None = Field(
        None, description="Value of the one-at-a-time baseline (default: the scenario's value; "
        "1 for multiply) (unit of the scenario field).")

    @model_validator(mode="after")
    def _one_source(self) -> Parameter:
        given = [k for k in ("range", "values", "distribution") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of range, values or distribution"
                             + (f" (got {', '.join(given)})" if given else ""))
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range needs low < high, got {list(self.range)}")
        return self

    @property
    def name(self) -> str:
        """Label shown in tables and plots: the label, or the path."""
        return self.label or self.path

    def display(self, lang: str = "en", facility_names: dict[str, str] | None = None) -> str:
        """The parameter's name in ``lang``: for "zh" its label_zh, else one made from its path
        (`capsim.i18n.path_zh`, facilities by their Chinese names); for "en" `name`."""
        if lang != "zh":
            return self.name
        from capsim.i18n import path_zh

        return self.label_zh or path_zh(self.path, facility_names or {})


class Output(Strict):
    """One output of interest: a result metric of a facility (or the region) in a year (or
    over the whole reported period)."""

    metric: str = Field(..., description="A metric of capsim.metrics.METRICS.")
    facility: str = Field(REGION, description="Facility id, or 'region'.")
    year: str = Field(ALL_YEARS, description="A calendar year of the horizon, or 'all'.")
    name: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                             description="Column name (default facility.metric[.year])."
                             + bound(limits.MAX_NAME_CHARS, "characters"))
    name_zh: str | None = Field(None, max_length=limits.MAX_NAME_CHARS,
                                description="Chinese title of the output's chart (default: "
                                "the facility's and the metric's Chinese names)."
                                + bound(limits.MAX_NAME_CHARS, "characters"))

    @field_validator("year", mode="before")
    @classmethod
    def _year_text(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        if v not in METRICS:
            close = difflib.get_close_matches(v, METRICS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else \
                f"; known: {', '.join(METRICS)}"
            raise ValueError(f"unknown metric {v!r}{hint}")
        return v

    @property
    def key(self) -> str:
        """Name of the output in the store and tables."""
        if self.name:
            return self.name
        tail = "" if self.year == ALL_YEARS else f".{self.year}"
        return f"{self.facility}.{self.metric}{tail}"


class SweepSpec(Strict):
    """A sensitivity analysis of one scenario."""

    name: str = Field(..., min_length=1, description="Name of the sweep.")
    description: str = Field("", description="What the sweep asks.")
    scenario: str | dict[str, Any] = Field(
        ..., description="Scenario file (relative to the sweep file), or the scenario itself.")
    method: Method = Field(
        ..., description="oat (one at a time, tornado chart), grid (every combination), "
        "morris (elementary effects) or sobol (variance-based indices).")
    samples: Whole | None = Field(
        None, gt=0, le=limits.MAX_SAMPLES,
        description="sobol: base sample N, a power of 2 (points = N x (D + 2), or "
        "N x (2D + 2) with second_order); morris: trajectories (points = r x (D + 1)). "
        "Defaults: sobol 64, morris 10 (count)." + bound(limits.MAX_SAMPLES))
    levels: Whole | None = Field(
        None, ge=2, le=limits.MAX_LEVELS,
        description="morris: levels of its grid (default 4); oat and grid: values "
        "taken from each range or distribution (count); defaults 2 and 3."
        + bound(limits.MAX_LEVELS))
    second_order: bool = Field(False, description="sobol: also second-order indices.")
    replications: Whole = Field(2, gt=0, le=limits.MAX_REPLICATIONS,
                                description="Replications per point (replications)."
                                + bound(limits.MAX_REPLICATIONS))
    seed: Whole = Field(12345, ge=0, le=limits.MAX_SEED,
                        description="Sweep seed: samples and replications derive from it (no "
                        "unit)." + bound(limits.MAX_SEED))
    common_random_numbers: bool = Field(
        True, description="true: replication r of every point uses the same random numbers "
        "(seed = sweep seed), so differences between points are the parameters' doing; "
        "false: each point has its own seed derived from (sweep seed, point).")
    resamples: Whole = Field(1000, ge=100, le=limits.MAX_RESAMPLES,
                             description="Bootstrap resamples of the index intervals, morris "
                             "and sobol (count)." + bound(limits.MAX_RESAMPLES))
    parameters: tuple[Parameter, ...] = Field(..., max_length=limits.MAX_LIST,
                                              description="At least one parameter."
                                              + bound(limits.MAX_LIST))
    outputs: tuple[Output, ...] = Field(..., max_length=limits.MAX_LIST,
                                        description="At least one output."
                                        + bound(limits.MAX_LIST))

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        # Checked here, not by min_length, which pydantic also reports when an item is bad.
        for name in ("parameters", "outputs"):
            if not getattr(self, name):
                raise ValueError(f"{name}: give at least one")
        paths = [p.path for p in self.parameters]
        dup = sorted({p for p in paths if paths.count(p) > 1})
        if dup:
            raise ValueError(f"parameters: each path once; repeated: {', '.join(dup)}")
        keys = [o.key for o in self.outputs]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"outputs: each output once; repeated: {', '.join(dup)}")
        if self.method in ("oat", "grid") and self.samples is not None:
            raise ValueError(f"samples is not used by method {self.method}; use levels")
        if self.method == "sobol":
            n = self.sample_size
            if n < 2 or n & (n - 1):
                raise ValueError(f"sobol needs samples to be a power of 2 (such as 32, 64, "
                                 f"128), got {n}")
            if len(self.parameters) < 2:
                raise ValueError("sobol needs at least two parameters")
        if self.second_order and self.method != "sobol":
            raise ValueError("second_order applies to method sobol only")
        points = self.most_points
        if points > limits.MAX_POINTS:
            raise ValueError(f"the sweep would have up to {points:,} points, more than the "
                             f"{limits.MAX_POINTS:,} a sweep may have: fewer samples, levels "
                             "or parameters")
        if points * self.replications > limits.MAX_RUNS:
            raise ValueError(f"the sweep would run up to {points * self.replications:,} "
                             f"simulations (points x replications), more than the "
                             f"{limits.MAX_RUNS:,} a sweep may run")
        if self.method in ("morris", "sobol"):
            for p in self.parameters:
                if p.levels is not None or p.baseline is not None:
                    raise ValueError(f"parameters[{p.path}]: levels and baseline apply to "
                                     "methods oat and grid only")
        return self

    @property
    def sample_size(self) -> int:
        """Sobol base sample or Morris trajectories (the default when not given)."""
        return self.samples if self.samples is not None else DEFAULT_SAMPLES.get(self.method, 0)

    @property
    def most_points(self) -> int:
        """Points of the sweep at most, from the spec alone (points): a whole-number range
        may give fewer values, and a one-at-a-time value equal to the baseline is skipped."""
        d = len(self.parameters)
        if self.method == "sobol":
            return self.sample_size * ((2 * d + 2) if self.second_order else (d + 2))
        if self.method == "morris":
            return self.sample_size * (d + 1)
        counts = [len(p.values) if p.values is not None else (p.levels or self.level_count)
                  for p in self.parameters]
        if self.method == "grid":
            return math.prod(counts)
        return 1 + sum(counts)

    @property
    def level_count(self) -> int:
        """Morris grid levels, or values per range in oat and grid sweeps."""
        return self.levels if self.levels is not None else DEFAULT_LEVELS.get(self.method, 0)
