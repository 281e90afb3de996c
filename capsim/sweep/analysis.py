"""Analysis of a finished sweep: per-point summaries with confidence intervals, and the
method's sensitivity table — a tornado table (one at a time), main effects (grid), Morris
elementary effects or Sobol indices (both computed by SALib, with bootstrap intervals).

Each point's output is the mean over its replications; Morris and Sobol analyse those means.
Nothing here simulates: a stored sweep is re-analysed from its rows alone.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from capsim.errors import CapsimError
from capsim.metrics import METRICS
from capsim.stats import CONFIDENCE, summarise
from capsim.sweep.plan import Sweep
from capsim.sweep.sampling import salib_problem

#: Columns of `SweepResult.indices` by method (after output, unit, parameter, label).
INDEX_COLUMNS: dict[str, tuple[str, ...]] = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu", "mu_star", "mu_star_conf", "sigma"),
    "oat": ("low_value", "baseline_value", "high_value", "at_low", "at_low_ci_low",
            "at_low_ci_high", "at_baseline", "at_high", "at_high_ci_low", "at_high_ci_high",
            "swing"),
    "grid": ("value", "mean", "points"),
}


@dataclass
class SweepResult:
    """The rows of a sweep (from its store) and the tables computed from them.

    ``results``: one row per point x replication x output (the store's ``results`` table).
    ``runs``: one row per finished simulation, with the women by fate.
    """

    sweep: Sweep
    results: pd.DataFrame = field(repr=False)
    runs: pd.DataFrame = field(repr=False)

    @property
    def complete(self) -> bool:
        """True when every point has all its replications."""
        return len(self.runs) == self.sweep.runs

    def _require_complete(self) -> None:
        if not self.complete:
            raise CapsimError(
                f"{self.sweep.source}: the sweep is incomplete ({len(self.runs)} of "
                f"{self.sweep.runs} simulations); run it again to finish it")

    def _labels(self) -> dict[str, str]:
        return {p.path: p.name for p in self.sweep.spec.parameters}

    def summary(self) -> pd.DataFrame:
        """One row per point and output: point, varied (one-at-a-time), the parameter values,
        output, unit, and the mean over replications with its 95% interval, sd, p5, p50, p95,
        n (as `capsim.stats.summarise`; in the output's unit)."""
        s = summarise(self.results, ["point", "output"])
        units = {o.key: METRICS[o.metric].unit for o in self.sweep.spec.outputs}
        s.insert(2, "unit", s["output"].map(units))
        design = self.sweep.design
        points = design.values.copy()
        if design.varied is not None:
            points.insert(0, "varied", list(design.varied))
        points.insert(0, "point", range(design.points))
        return points.merge(s, on="point", how="right")

    def point_means(self) -> pd.DataFrame:
        """Mean over replications, one row per point (in order) and one column per output."""
        keys = [o.key for o in self.sweep.spec.outputs]
        means = self.results.groupby(["point", "output"])["value"].mean().unstack("output")
        return means.reindex(index=range(self.sweep.design.points), columns=keys)

    def indices(self) -> pd.DataFrame:
        """The method's sensitivity table, one row per output and parameter.

        sobol: S1 and ST (first-order and total indices, shares of the output's variance) with
        S1_conf and ST_conf, half-widths of their 95% bootstrap intervals (SALib).
        morris: mu, mu_star (mean of the absolute elementary effects) with mu_star_conf, and
        sigma (their spread), in the output's unit for a move across a parameter's whole range
        (SALib divides each step's change by the step, a share of the range).
        oat: the output at the lowest, baseline and highest value of each parameter (others at
        the baseline), with 95% intervals, and swing = at_high - at_low (tornado chart).
        grid: main effects: the mean over the points where a parameter takes each value.
        """
        self._require_complete()
        method = self.sweep.spec.method
        frames = []
        means = self.point_means()
        summary = self.summary() if method == "oat" else None
        for o in self.sweep.spec.outputs:
            y = means[o.key].to_numpy(dtype=float)
            if method == "sobol":
                df = self._sobol(y, o.key)[0]
            elif method == "morris":
                df = self._morris(y, o.key)
            elif method == "oat":
                assert summary is not None  # computed above for this method
                df = self._oat(summary[summary["output"] == o.key])
            else:
                df = self._grid(y)
            df.insert(0, "output", o.key)
            df.insert(1, "unit", METRICS[o.metric].unit)
            frames.append(df)
        out = pd.concat(frames, ignore_index=True)
        return out[["output", "unit", "parameter", "label", *INDEX_COLUMNS[method]]]

    def second_order(self) -> pd.DataFrame:
        """Sobol second-order indices S2 with S2_conf (95% half-width), one row per output
        and pair of parameters; empty unless the spec asks for second_order."""
        self._require_complete()
        if not self.sweep.spec.second_order:
            return pd.DataFrame(columns=["output", "parameter", "other", "S2", "S2_conf"])
        means = self.point_means()
        frames = []
        for o in self.sweep.spec.outputs:
            df = self._sobol(means[o.key].to_numpy(dtype=float), o.key)[1]
            df.insert(0, "output", o.key)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)

    def _undefined(self, y: np.ndarray, key: str) -> bool:
        """True (with a warning) when an output has no indices: undefined at some point
        (NaN), or the same at every point (no variance to share out)."""
        if not np.isfinite(y).all():
            why = f"is undefined at {int((~np.isfinite(y)).sum())} points"
        elif np.ptp(y) == 0:
            why = f"is {y[0]:g} at every point"
        else:
            return False
        warnings.warn(f"output {key!r} {why}; its indices are left empty", stacklevel=3)
        return True

    def _frame(self, **cols) -> pd.DataFrame:
        paths = [p.path for p in self.sweep.spec.parameters]
        labels = self._labels()
        return pd.DataFrame({"parameter": paths, "label": [labels[p] for p in paths], **cols})

    def _sobol(self, y: np.ndarray, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        from SALib.analyze import sobol

        spec = self.sweep.spec
        paths = [p.path for p in spec.parameters]
        nan = np.full(len(paths), np.nan)
        if self._undefined(y, key):
            si = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan,
                  "S2": np.full((len(paths),) * 2, np.nan), "S2_conf": np.full((len(paths),) * 2,
                                                                              np.nan)}
        else:
            si = sobol.analyze(salib_problem(spec), y, calc_second_order=spec.second_order,
                               num_resamples=spec.resamples, conf_level=CONFIDENCE,
                               seed=spec.seed)
        first = self._frame(**{k: np.asarray(si[k], dtype=float)
                               for k in ("S1", "S1_conf", "ST", "ST_conf")})
        pairs = []
        if spec.second_order:
            for i in range(len(paths)):
                for j in range(i + 1, len(paths)):
                    pairs.append((paths[i], paths[j], float(si["S2"][i][j]),
                                  float(si["S2_conf"][i][j])))
        return first, pd.DataFrame(pairs, columns=["parameter", "other", "S2", "S2_conf"])

    def _morris(self, y: np.ndarray, key: str) -> pd.DataFrame:
        from SALib.analyze import morris

        spec = self.sweep.spec
        if self._undefined(y, key):
            nan = np.full(len(spec.parameters), np.nan)
            return self._frame(mu=nan, mu_star=nan, mu_star_conf=nan, sigma=nan)
        si = morris.analyze(salib_problem(spec), self.sweep.design.unit, y,
                            num_resamples=spec.resamples, conf_level=CONFIDENCE,
                            num_levels=spec.level_count, seed=spec.seed)
        return self._frame(**{k: np.asarray(si[k], dtype=float)
                              for k in ("mu", "mu_star", "mu_star_conf", "sigma")})

    def _oat(self, summary: pd.DataFrame) -> pd.DataFrame:
        rows = []
        base = summary[summary["point"] == 0].iloc[0]
        labels = self._labels()
        for p in self.sweep.spec.parameters:
            cand = summary[(summary["varied"] == p.path) | (summary["point"] == 0)]
            lo = cand.loc[cand[p.path].idxmin()]
            hi = cand.loc[cand[p.path].idxmax()]
            rows.append({
                "parameter": p.path, "label": labels[p.path],
                "low_value": lo[p.path], "baseline_value": base[p.path],
                "high_value": hi[p.path],
                "at_low": lo["mean"], "at_low_ci_low": lo["ci_low"],
                "at_low_ci_high": lo["ci_high"], "at_baseline": base["mean"],
                "at_high": hi["mean"], "at_high_ci_low": hi["ci_low"],
                "at_high_ci_high": hi["ci_high"], "swing": hi["mean"] - lo["mean"],
            })
        df = pd.DataFrame(rows)
        order = df["swing"].abs().sort_values(ascending=False, kind="stable").index
        return df.loc[order].reset_index(drop=True)

    def _grid(self, y: np.ndarray) -> pd.DataFrame:
        design = self.sweep.design.values
        labels = self._labels()
        frames = []
        for p in self.sweep.spec.parameters:
            g = pd.DataFrame({"value": design[p.path], "y": y}).groupby("value", sort=True)["y"]
            frames.append(pd.DataFrame({"parameter": p.path, "label": labels[p.path],
                                        "value": g.mean().index, "mean": g.mean().to_numpy(),
                                        "points": g.size().to_numpy()}))
        return pd.concat(frames, ignore_index=True)

    def plot(self, lang: str = "en"):
        """The method's chart (tornado, Morris mu*-sigma, Sobol S1/ST bars) as a matplotlib
        Figure, one panel per output; None for a grid sweep."""
        from capsim.sweep import plots

        return plots.sweep_plot(self, lang)

    def write(self, out: str | Path, lang: str = "en") -> dict[str, Path]:
        """Write summary.csv, indices.csv (and indices_s2.csv for second-order Sobol) and the
        method's PNG chart to ``out``; return their paths by name."""
        from capsim import plots as base_plots
        from capsim.output import check_out_dir, write_csv
        from capsim.sweep.plots import PLOT_NAMES

        out = check_out_dir(out)
        paths = {"indices": write_csv(self.indices(), out / "indices.csv"),
                 "summary": write_csv(self.summary(), out / "summary.csv")}
        if self.sweep.spec.second_order:
            paths["indices_s2"] = write_csv(self.second_order(), out / "indices_s2.csv")
        fig = self.plot(lang)
        if fig is not None:
            name = PLOT_NAMES[self.sweep.spec.method]
            paths[name] = base_plots.save(fig, out / f"{name}.png")
        return paths
