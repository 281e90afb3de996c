"""Numbers as text for tables and summaries: a mean with its 95% interval in the metric's
unit (shares as percentages), and plain counts or measures; and the text cells of a CSV
file made safe to open in a spreadsheet."""

from __future__ import annotations

import math
from typing import Any


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


#: First characters with which a spreadsheet reads a cell as a formula (OWASP, CSV
#: injection): a text cell starting with one of them is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: numpy dtype kinds of columns that hold no text (booleans, numbers, dates, durations).
NUMERIC_KINDS = "biufcmM"


def spreadsheet_safe(table: Any) -> Any:
    """A copy of ``table`` (a DataFrame) for a CSV file: every text cell, and every column
    name, that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``@SUM(...)``)
    starts with an apostrophe; numbers, and texts that are numbers ("-0.5"), are untouched.
    `spreadsheet_restored` undoes it."""
    out = table.copy()
    out.columns = [_safe_cell(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype.kind not in NUMERIC_KINDS:
            out[col] = out[col].map(_safe_cell)
    return out


def spreadsheet_restored(table: Any) -> Any:
    """``table`` (a DataFrame read from a CSV capsim wrote) with the apostrophe that
    `spreadsheet_safe` put before formula-like texts taken away."""
    out = table.copy()
    out.columns = [_restored_cell(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype.kind not in NUMERIC_KINDS:
            out[col] = out[col].map(_restored_cell)
    return out


def _safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def _restored_cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] == "'" and value[1:].startswith(FORMULA_STARTS) \
            and not _is_number(value[1:]):
        return value[1:]
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
