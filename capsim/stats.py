"""Statistics over replications: means with t-based 95% confidence intervals, the spread of
replications, and how many replications would halve an interval.

Each replication gives one value of a metric; replications are independent, so the interval
of the mean is the Student-t interval of those values (the replication/deletion method).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def t_half_width(sd: float, n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the t confidence interval of a mean of ``n`` values with std ``sd``."""
    if n < 2 or not np.isfinite(sd):
        return math.nan
    return float(stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n))


def replications_to_halve(n: np.ndarray | int, confidence: float = CONFIDENCE) -> np.ndarray:
    """Replications needed to halve a t interval now based on ``n`` replications (counts).

    The half-width is t(m-1) sd / sqrt(m); the answer is the smallest m with
    t(m-1) / sqrt(m) <= t(n-1) / sqrt(n) / 2 for the same sd. The t quantile shrinks as m
    grows, so m is at most 4n, and far below it for small runs (n = 3 needs 5, not 12).
    NaN where n < 2.
    """
    n = np.asarray(n, dtype=float)
    out = np.full(n.shape, np.nan)
    for value in np.unique(n[np.isfinite(n) & (n >= 2)]):
        out[n == value] = _smallest_halving(int(value), confidence)
    return out


def _smallest_halving(n: int, confidence: float) -> int:
    """Smallest m whose t half-width factor is at most half of that of ``n`` (a count)."""
    p = 0.5 + confidence / 2
    target = stats.t.ppf(p, n - 1) / math.sqrt(n) / 2
    m = np.arange(n + 1, 4 * n + 1)
    factor = stats.t.ppf(p, m - 1) / np.sqrt(m)
    return int(m[np.argmax(factor <= target)])


def describe(values: np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Summary of one metric's replication values: mean, sd, CI, percentiles and counts."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return {k: math.nan for k in _COLUMNS} | {"n": 0}
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else math.nan
    h = t_half_width(sd, n, confidence)
    p5, p50, p95 = np.percentile(v, [5, 50, 95])
    return {
        "mean": mean,
        "ci_low": mean - h,
        "ci_high": mean + h,
        "ci_half_width": h,
        "sd": sd,
        "p5": float(p5),
        "p50": float(p50),
        "p95": float(p95),
        "n": n,
        "replications_to_halve_ci": float(replications_to_halve(n, confidence)),
    }


_COLUMNS = ("mean", "ci_low", "ci_high", "ci_half_width", "sd", "p5", "p50", "p95",
            "replications_to_halve_ci")


def summarise(df: pd.DataFrame, by: list[str], value: str = "value") -> pd.DataFrame:
    """Summarise replication values of ``value`` grouped by ``by``.

    Returns one row per group with columns ``by`` + mean, ci_low, ci_high, ci_half_width, sd,
    p5, p50, p95, n, replications_to_halve_ci (in the unit of the metric; n and the last column
    in replications). Groups keep their first-seen order. NaN values (a metric undefined in a
    replication, such as a wait where nobody laboured) are left out of their group.
    """
    cols = [*by, "mean", "ci_low", "ci_high", "ci_half_width", "sd", "p5", "p50", "p95", "n",
            "replications_to_halve_ci"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby(by, sort=False, dropna=False)[value]
    out = g.agg(mean="mean", sd="std", n="count")
    q = g.quantile([0.05, 0.5, 0.95]).unstack()
    out["p5"], out["p50"], out["p95"] = q[0.05], q[0.5], q[0.95]
    n = out["n"].to_numpy()
    sd = out["sd"].to_numpy()
    tq = np.where(n >= 2, stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1)), np.nan)
    h = tq * sd / np.sqrt(np.maximum(n, 1))
    out["ci_half_width"] = h
    out["ci_low"] = out["mean"] - h
    out["ci_high"] = out["mean"] + h
    out["replications_to_halve_ci"] = np.where(h > 0, replications_to_halve(n), np.nan)
    out = out.reset_index()
    out["n"] = out["n"].astype(int)
    return out[cols]
