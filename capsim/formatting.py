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


def fmt_pm(mean: float, half_width: float, unit: str) -> str:
    """A mean with the half-width of its 95% interval, "mean ±half", in the metric's unit
    (shares as percentages; text, "-" for a missing mean, no "±" for a missing or zero
    half-width): the short form of `fmt_value` for tables of several years."""
    nan = math.nan
    core = fmt_value(mean, nan, nan, unit)
    if core == "-" or half_width is None or not math.isfinite(half_width) or half_width == 0:
        return core
    return f"{core} ±{fmt_value(half_width, nan, nan, unit)}"


def fmt_num(x: float) -> str:
    """A count or measure for text: thousands separated, 0-2 decimals by size ("-" if NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return f"{x:,.{digits}f}"


def reading_decimals(unit: str) -> int:
    """Decimals a value in ``unit`` keeps in a file meant for reading: 4 for a share (a
    hundredth of a percent), 3 for a ratio ("beds/1000 deliveries", "persons/bed"), 2 for
    counts, rates, minutes and capacities. Every figure the report shows survives it."""
    if unit == "share":
        return 4
    return 3 if "/" in unit and unit != "deliveries/year" else 2


def rounded_for_reading(table: Any, columns: list[str] | tuple[str, ...],
                        unit: str | None = None, unit_column: str = "unit") -> Any:
    """A copy of ``table`` (a DataFrame) with its numeric ``columns`` rounded to
    `reading_decimals` of ``unit``, or of each row's ``unit_column`` when ``unit`` is
    None; columns it lacks are skipped."""
    import pandas as pd

    out = table.copy()
    cols = [c for c in columns if c in out.columns]
    if not cols or out.empty:
        return out
    if unit is not None:
        decimals = pd.Series(reading_decimals(unit), index=out.index)
    else:
        decimals = out[unit_column].map(lambda u: reading_decimals(str(u)))
    for col in cols:
        values = pd.to_numeric(out[col], errors="coerce").astype(float)
        for d in decimals.unique():
            rows = decimals == d
            values[rows] = values[rows].round(int(d))
        out[col] = values
    return out


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


def text_columns(text: str) -> int:
    """Columns ``text`` takes in a terminal (a count): a Chinese character (East Asian wide
    or full-width) takes two, any other one."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
