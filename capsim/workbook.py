"""``results.xlsx``: a run's tables as one Excel workbook for reading and circulating.

Sheets: the region's and each facility's metrics year by year (means), the full summary with
its intervals, the facilities, the standards and targets, the referral flows, travel by
booking facility and year, what queueing theory says each facility needs, and the monthly
table when the results folder has one. Every
sheet names facilities and metrics in words beside their ids and gives each value's unit;
values are those of the CSV files (already rounded for reading), shares shown as
percentages by the cell's number format, so the stored number is the CSV's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from capsim import metrics
from capsim.formatting import spreadsheet_safe
from capsim.i18n import t
from capsim.metrics import TRAVEL_METRICS
from capsim.output import atomic_path
from capsim.report.years import reported_years
from capsim.results import ALL_YEARS, REGION

#: File name of the workbook in a results folder.
WORKBOOK = "results.xlsx"
#: Widest column (characters) the workbook sets; longer texts wrap in Excel's cell.
MAX_WIDTH = 48
#: Number format of shares: percentages (the cell keeps the fraction of the CSV file).
SHARE_FORMAT = "0.0%"


def write_workbook(tables: dict[str, Any], scenario, path: str | Path, lang: str = "en",
                   monthly: pd.DataFrame | None = None) -> Path:
    """Write ``tables`` (`capsim.export.rounded_tables`: summary, flows, ratios,
    targets) of a run of ``scenario`` as an Excel workbook at ``path``, headings in ``lang``;
    ``monthly`` adds a sheet. Returns the path. Written whole or not at all."""
    from openpyxl import Workbook

    names = _names(scenario, lang)
    summary = tables["summary"].assign(year=tables["summary"]["year"].astype(str))
    # (title, table, its columns of shares when no metric column says which rows are)
    sheets: list[tuple[str, pd.DataFrame, tuple[str, ...]]] = [
        (t("xl_by_year", lang), by_year(summary, names, lang), ()),
        (t("xl_summary", lang), _summary_long(summary, names, lang), ()),
        (t("xl_facilities", lang), _facilities(scenario, lang), ()),
    ]
    targets = tables.get("targets")
    if isinstance(targets, pd.DataFrame) and not targets.empty:
        sheets.append((t("xl_targets", lang), _targets(targets, names, lang), ()))
    sheets.append((t("xl_flows", lang), _flows(tables["flows"], names, lang), ()))
    travel = _travel(summary, names, lang)
    if not travel.empty:
        shares = tuple(c for c in travel.columns if str(c).endswith("(%)"))
        sheets.append((t("xl_travel", lang), travel, shares))
    needs = tables.get("needs")
    if isinstance(needs, pd.DataFrame) and not needs.empty:
        sheets.append((t("xl_needs", lang), _needs(needs, names, lang), ()))
    if monthly is not None and not monthly.empty:
        sheets.append((t("xl_monthly", lang), monthly, ()))
    book = Workbook(write_only=True)
    for title, frame, share_columns in sheets:
        _sheet(book, title, frame, share_columns)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return Path(path)


def _names(scenario, lang: str) -> dict[str, str]:
    from capsim.plots import facility_names

    return facility_names(scenario, lang)


def _unit_text(unit: str, lang: str) -> str:
    return metrics.unit_name("%" if unit == "share" else unit, lang)


def by_year(summary: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The summary's means laid out year by year: one row per facility (the region first)
    and metric, one column per year, then the whole period for several years (a table)."""
    years = reported_years(summary)
    cols = years + ([ALL_YEARS] if len(years) > 1 else [])
    wide = summary.pivot_table(index=["facility", "metric"], columns="year", values="mean",
                               aggfunc="first", dropna=False).reindex(columns=cols)
    order = [REGION] + [f for f in dict.fromkeys(summary["facility"]) if f != REGION]
    rows = []
    for fid in order:
        for m in metrics.METRICS:
            if (fid, m) not in wide.index:
                continue
            values = wide.loc[(fid, m)]
            rows.append({t("facility", lang): names.get(fid, fid), "id": fid,
                         t("metric", lang): metrics.name(m, lang), "metric": m,
                         t("unit", lang): _unit_text(metrics.unit(m), lang),
                         **{(c if c != ALL_YEARS else _period(years)): values[c] for c in cols}})
    return pd.DataFrame(rows)


def _period(years: list[str]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0]


def _summary_long(summary: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    out = summary.copy()
    out.insert(1, t("facility", lang), out["facility"].map(lambda f: names.get(f, f)))
    out.insert(out.columns.get_loc("metric") + 1, t("metric", lang),
               out["metric"].map(lambda m: metrics.name(m, lang)))
    out["unit"] = out["unit"].map(lambda u: _unit_text(str(u), lang))
    return out.drop(columns=["facility_name", "facility_name_en"], errors="ignore")


def _facilities(scenario, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": f.id, t("facility", lang): f.name, "name_en": f.name_en or "",
        t("level", lang): t(f.level, lang), t("n_beds", lang): f.beds,
        t("n_midwives", lang): f.midwives, t("n_obstetricians", lang): f.obstetricians,
        t("n_theatres", lang): f.theatres,
        t("xl_delivers", lang): t("xl_yes" if f.delivers else "xl_no", lang),
    } for f in scenario.facilities])


def _targets(targets: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    out = targets.copy()
    out.insert(out.columns.get_loc("scope") + 1, t("scope", lang),
               out["scope"].map(lambda s: names.get(s, s) if isinstance(s, str) else s))
    out["unit"] = out["unit"].map(lambda u: _unit_text(str(u), lang))
    out["verdict"] = out["verdict"].map(lambda v: t(v, lang) if isinstance(v, str) and v else v)
    return out


def _flows(flows: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    out = flows.copy()
    if out.empty:
        return out
    out_name = t("out_of_region", lang)
    for col in ("from", "to"):
        out.insert(out.columns.get_loc(col) + 1, f"{col} ({t('name', lang)})",
                   out[col].map(lambda f: names.get(f, out_name if f == "out-of-region" else f)))
    out.insert(out.columns.get_loc("reason") + 1, t("xl_reason", lang),
               out["reason"].map(lambda r: t(r, lang)))
    out["unit"] = _unit_text("women", lang)
    return out


def _needs(needs: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The queueing estimate with the facilities' names, each resource's unit and the gap
    (needed minus what the facility has; positive: capacity to add)."""
    out = needs.copy()
    out.insert(out.columns.get_loc("facility") + 1, t("facility", lang),
               out["facility"].map(lambda f: names.get(f, f)))
    out["unit"] = out["resource"].map(
        lambda r: _unit_text("persons" if r == "midwives" else str(r), lang))
    out["gap"] = out["needed"] - out["now"]
    return out


def _travel(summary: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Travel by booking facility and year: a row per facility and year, a column per travel
    metric (the mean over replications); empty when the run has no travel readings."""
    d = summary[summary["metric"].isin(TRAVEL_METRICS) & (summary["year"] != ALL_YEARS)]
    if d.empty:
        return pd.DataFrame()
    wide = d.pivot_table(index=["facility", "year"], columns="metric", values="mean",
                         aggfunc="first").reindex(columns=list(TRAVEL_METRICS))
    wide = wide.dropna(how="all")
    order = {f: i for i, f in enumerate(dict.fromkeys([*names, REGION]))}
    rows = sorted(wide.index, key=lambda k: (order.get(k[0], len(order)), k[1]))
    return pd.DataFrame([{
        t("booking_facility", lang): names.get(fid, fid), "id": fid, t("year", lang): year,
        **{_heading(m, lang): wide.loc[(fid, year), m] for m in TRAVEL_METRICS}}
        for fid, year in rows])


def _heading(metric_id: str, lang: str) -> str:
    """A metric's name with its unit in brackets, for a column heading."""
    return f"{metrics.name(metric_id, lang)} ({_unit_text(metrics.unit(metric_id), lang)})"


def _sheet(book, title: str, frame: pd.DataFrame, share_columns: tuple[str, ...] = ()) -> None:
    """Add ``frame`` to ``book`` (a write-only workbook) as a sheet called ``title``: a bold
    frozen heading row with a filter, shares (rows whose metric is a share, and
    ``share_columns``) formatted as percentages, columns as wide as their text. Other
    numbers keep Excel's general format, which shows them as rounded in the CSV files."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(_sheet_title(title))
    frame = spreadsheet_safe(frame.reset_index(drop=True))
    for j, col in enumerate(frame.columns, start=1):
        width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(500)])
        ws.column_dimensions[get_column_letter(j)].width = min(MAX_WIDTH, width + 2)
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    bold = Font(bold=True)

    def heading(text: str) -> Any:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        return cell

    ws.append([heading(str(c)) for c in frame.columns])
    shares = _share_rows(frame)
    row_share = [j for j, c in enumerate(frame.columns)
                 if frame[c].dtype.kind == "f" and _is_statistic(c)]
    always = [j for j, c in enumerate(frame.columns) if c in share_columns]

    def percent(value: Any) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = SHARE_FORMAT
        return cell

    for i, row in enumerate(frame.itertuples(index=False)):
        values = [_cell(v) for v in row]
        for j in (row_share if shares[i] else []) + always:
            values[j] = percent(values[j])
        ws.append(values)


def _sheet_title(title: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of []:*?/\\."""
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31]


def _share_rows(frame: pd.DataFrame) -> list[bool]:
    """Whether each row's values are shares: by its ``metric`` id when the sheet has one."""
    if "metric" in frame.columns:
        return [m in metrics.METRICS and metrics.unit(m) == "share" for m in frame["metric"]]
    return [False] * len(frame)


def _is_statistic(column: Any) -> bool:
    """Whether a column holds a metric's values (not a count of replications or a year)."""
    return str(column) not in ("n", "replications_to_halve_ci", "year", "replication")


def _cell(value: Any) -> Any:
    """A value as openpyxl writes it: NaN and None empty, numpy numbers as Python's."""
    if hasattr(value, "item"):
        value = value.item()
    try:
        missing = bool(pd.isna(value))
    except (TypeError, ValueError):
        missing = False
    return None if missing else value
