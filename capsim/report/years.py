"""The year dimension of a run's tables: which years a summary holds, and its metrics laid out
year by year, for the console, the report and the workbook alike.

A run of several years is shown year by year, never as one average over the horizon: a
township that closes in 2027 had beds in 2026 and none after, and a mean over five years
("beds 2.4") describes no year of it. The whole period appears only as the region's own
column, where a total over the horizon means something.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from capsim.results import ALL_YEARS

#: A cell's text from one row of a summary (mean, ci_low, ci_high, unit, ...).
CellText = Callable[[pd.Series], str]


def reported_years(summary: pd.DataFrame) -> list[str]:
    """The calendar years of ``summary`` (`Results.summary` with ``year=None``), in
    order, as text; the whole-period rows ("all") are left out."""
    years = {str(y) for y in summary["year"].unique()} - {ALL_YEARS}
    return sorted(years, key=int)


def several_years(summary: pd.DataFrame) -> bool:
    """True when ``summary`` holds more than one calendar year."""
    return len(reported_years(summary)) > 1


def period_label(years: list[str]) -> str:
    """The whole period of ``years`` as text: "2026–2030", or the one year."""
    return years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"


def delivering_facilities(scenario) -> list[str]:
    """Ids of the facilities that deliver at the start or from a dated change on, in the
    order of the file: the facilities a table year by year lists."""
    opened = {change.facility for change in scenario.policy if change.delivers}
    return [f.id for f in scenario.facilities if f.delivers or f.id in opened]


def _indexed(summary: pd.DataFrame) -> pd.DataFrame:
    s = summary.assign(year=summary["year"].astype(str))
    return s.set_index(["facility", "year", "metric"]).sort_index()


def delivers_in(summary: pd.DataFrame, facility: str, year: str) -> bool:
    """Whether ``facility`` had beds at some time of ``year`` (its time-averaged beds above
    zero); a facility closed all year has no occupancy, ratio or waits to show."""
    return _delivers(_indexed(summary), facility, str(year))


def _delivers(s: pd.DataFrame, facility: str, year: str) -> bool:
    key = (facility, year, "beds")
    return key in s.index and bool(s.loc[key, "mean"] > 0)


def region_by_year(summary: pd.DataFrame, metric_ids: tuple[str, ...] | list[str],
                   cell: CellText, facility: str = "region") -> pd.DataFrame:
    """One row per metric of ``metric_ids`` (index: metric id), one column per year, then,
    for several years, a column for the whole period (headed `period_label`); each
    cell ``cell(row)`` of the summary row, "" where the summary has none."""
    s = _indexed(summary)
    years = reported_years(summary)
    columns = [(y, y) for y in years]
    if len(years) > 1:
        columns.append((ALL_YEARS, period_label(years)))
    table = {}
    for m in metric_ids:
        table[m] = {head: cell(s.loc[(facility, y, m)]) if (facility, y, m) in s.index else ""
                    for y, head in columns}
    return pd.DataFrame.from_dict(table, orient="index", columns=[h for _, h in columns])


def facilities_by_year(summary: pd.DataFrame, facility_ids: list[str],
                       metric_ids: tuple[str, ...] | list[str], cell: CellText,
                       closed: str) -> list[tuple[str, str, list[str]]]:
    """(facility, year, cells) for each facility of ``facility_ids`` and each year, the cells
    those of ``metric_ids``; a year in which the facility had no beds has the one cell
    ``closed`` instead. A one-year summary gives that year once per facility."""
    s = _indexed(summary)
    rows = []
    for fid in facility_ids:
        for y in reported_years(summary):
            if not _delivers(s, fid, y):
                rows.append((fid, y, [closed]))
                continue
            rows.append((fid, y, [cell(s.loc[(fid, y, m)]) if (fid, y, m) in s.index else "-"
                                  for m in metric_ids]))
    return rows


def occupancy_rows(summary: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``summary`` an occupancy chart draws: every calendar year of a run of
    several years (a bar per year), the whole period of a one-year run."""
    years = summary["year"].astype(str)
    return summary[years != ALL_YEARS] if several_years(summary) else summary[years == ALL_YEARS]
