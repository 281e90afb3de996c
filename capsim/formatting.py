"""Numbers as text for tables and summaries: a mean with its 95% interval in the metric's
unit (shares as percentages), and plain counts or measures."""

from __future__ import annotations

import math


def fmt_value(mean: float, lo: float, hi: float, unit: str) -> str:
    """Render a mean and its 95% interval in the metric's unit, shares as percentages (text;
    "-" for a missing mean, no interval when ``lo`` is NaN)."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "-"
    if unit == "share":
        core = f"{100 * mean:.1f}%"
        if not math.isnan(lo):
            core += f" [{100 * lo:.1f}, {100 * hi:.1f}]"
        return core
    digits = 0 if abs(mean) >= 100 else 1 if abs(mean) >= 10 else 2
    core = f"{mean:.{digits}f}"
    if not math.isnan(lo):
        core += f" [{lo:.{digits}f}, {hi:.{digits}f}]"
    return core


def fmt_num(x: float) -> str:
    """A count or measure for text: thousands separated, 0-2 decimals by size ("-" if NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return f"{x:,.{digits}f}"
