"""Verdicts: whether a value with its 95% interval meets a threshold, and by how much.

A simulated reading passes when its whole interval is on the passing side of the threshold,
fails when its whole interval is on the other side, and is *uncertain* when the interval
straddles the threshold (more replications may settle it). A planned reading is exact: it has
no interval and passes or fails on its value.
"""

from __future__ import annotations

import math

PASS, FAIL, UNCERTAIN, NOT_APPLICABLE = "pass", "fail", "uncertain", "not applicable"
VERDICTS: tuple[str, ...] = (PASS, FAIL, UNCERTAIN, NOT_APPLICABLE)

#: Ties within floating-point rounding count as meeting the threshold (relative tolerance).
TOLERANCE = 1e-9

#: Trend comparators as comparisons of the year-on-year change with zero.
_TREND = {"falling": "<", "rising": ">"}


def judge(value: float, ci_low: float, ci_high: float, comparator: str,
          threshold: float | None) -> tuple[str, float]:
    """Judge ``value`` (interval ``ci_low``-``ci_high``; NaN bounds: no interval) against
    ``comparator threshold``; for falling/rising, ``value`` is the change from the year before
    and ``threshold`` is 0. A row that has no value (outside the horizon, or the scenario's
    assumptions differ) may have no threshold either (None).

    Returns (verdict, margin): margin is how far the value lies on the passing side of the
    threshold, in the metric's unit (negative: short by that much); the verdict is
    ``"not applicable"`` with a NaN margin when ``value`` is NaN or there is no threshold."""
    if value is None or math.isnan(value) or threshold is None:
        return NOT_APPLICABLE, math.nan
    op = _TREND.get(comparator, comparator)
    if math.isnan(ci_low) or math.isnan(ci_high):
        ci_low = ci_high = value
    upward = op in (">=", ">")
    margin = value - threshold if upward else threshold - value
    # Bound nearest to failing and bound farthest from it, as margins.
    worst = (ci_low - threshold) if upward else (threshold - ci_high)
    best = (ci_high - threshold) if upward else (threshold - ci_low)
    tol = TOLERANCE * max(1.0, abs(threshold))
    strict = op in (">", "<")

    def meets(m: float) -> bool:
        return m > tol if strict else m >= -tol

    if meets(worst):
        return PASS, margin
    if not meets(best):
        return FAIL, margin
    return UNCERTAIN, margin
