"""Monthly statistics as actually reported, against the simulated band: does the model
describe the region?

The observed table is shaped like the monthly form capsim writes (``monthly-form.csv``): a row
per facility and month, a column per measure (deliveries, referrals up and down, transfers
out of the region, ...), headers in English or Chinese, CSV or Excel. Each observed month is
set against the simulated 5-95% band of the same facility, month and measure; if the model
describes the region, about nine observed months in ten fall inside their band. Cells left
blank are not compared; a bad cell is refused with its row, column and reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from capsim import limits
from capsim.errors import CapsimError
from capsim.i18n import t
from capsim.monthly import BAND, MEASURES, month_edges
from capsim.results import REGION
from capsim.scenario.models import Scenario
from capsim.tables import Column, Problem, TableError, read_table

#: Columns of an observed table: where and when, then one per measure.
COLUMNS: tuple[Column, ...] = (
    Column("facility", t("ms_facility"), t("ms_facility", "zh"), required=True),
    Column("year", t("ms_year"), t("ms_year", "zh"), required=True),
    Column("month", t("ms_month"), t("ms_month", "zh"), required=True),
    *(Column(m, t(key), t(key, "zh")) for m, key in MEASURES.items()),
)
#: Columns of the comparison, one row per observed cell.
COMPARISON_COLUMNS = ["facility", "year", "month", "measure", "observed", "mean", "p5", "p95",
                      "inside"]
#: The share of months a model that describes the region puts inside its band.
NOMINAL_COVERAGE = BAND[1] - BAND[0]


def read_observed(path: str | Path, scenario: Scenario) -> pd.DataFrame:
    """The observed table in ``path`` as a long table (facility id, year, month, measure,
    value; women). A facility is given by its id or its display name (English or Chinese),
    or as the region; a month must be one the scenario's horizon reports. Every bad cell
    raises one `TableError` listing them all."""
    table = read_table(path, COLUMNS)
    ids = {f.id: f.id for f in scenario.facilities}
    for f in scenario.facilities:
        ids.setdefault(f.name, f.id)
        if f.name_en:
            ids.setdefault(f.name_en, f.id)
    for word in (REGION, t("region"), t("region", "zh")):
        ids[word] = REGION
    reported = set(month_edges(scenario)[1])
    measures = [m for m in MEASURES if m in table.headers]
    if not measures:
        raise TableError(table.source, [Problem(1, "", "no measure column; give one or more of "
                                                + ", ".join(t(k) for k in MEASURES.values()))])
    rows = []
    seen: dict[tuple[str, int, int], int] = {}
    for r in table.readers():
        facility = r.text("facility", required=True)
        year = r.whole("year", required=True, low=limits.FIRST_YEAR, high=limits.LAST_YEAR)
        month = r.whole("month", required=True, low=1, high=12)
        values = {m: r.number(m, high=limits.MAX_DELIVERIES) for m in measures}
        fid = ids.get(facility) if facility is not None else None
        if facility is not None and fid is None:
            r.refuse("facility", f"no facility of the scenario is called {facility!r}")
        if year is not None and month is not None and (year, month) not in reported:
            r.refuse("month", f"{year}-{month:02d} is not a month the run reports")
        if fid is None or year is None or month is None:
            continue
        key = (fid, year, month)
        if key in seen:
            r.refuse("month", f"{fid} {year}-{month:02d} is already on row {seen[key]}")
            continue
        seen[key] = r.row
        rows += [(fid, year, month, m, v) for m, v in values.items() if v is not None]
    table.check()
    return pd.DataFrame(rows, columns=["facility", "year", "month", "measure", "value"])


def compare(observed: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Each observed cell against the simulated band (``summary``:
    `capsim.monthly.monthly_summary`): columns of `COMPARISON_COLUMNS`, ``inside``
    True when p5 <= observed <= p95. Cells the run did not simulate (a measure no service line
    of the scenario counts) are left out. Raises CapsimError when no cell matches."""
    keys = ["facility", "year", "month", "measure"]
    sim = summary[[*keys, "mean", "p5", "p95"]].astype({"facility": str, "year": int,
                                                          "month": int, "measure": str})
    out = observed.rename(columns={"value": "observed"}).merge(sim, on=keys, how="inner")
    if out.empty:
        raise CapsimError(t("ms_no_match"))
    out["inside"] = (out["observed"] >= out["p5"] - 1e-9) & (out["observed"] <= out["p95"] + 1e-9)
    return out[COMPARISON_COLUMNS]


def coverage(comparison: pd.DataFrame) -> pd.DataFrame:
    """The share of observed months inside the band, for each measure and over all: columns
    measure (``all`` last), months, inside, share."""
    rows = [(m, len(g), int(g["inside"].sum())) for m, g in
            comparison.groupby("measure", sort=False)]
    rows.append(("all", len(comparison), int(comparison["inside"].sum())))
    out = pd.DataFrame(rows, columns=["measure", "months", "inside"])
    out["share"] = out["inside"] / out["months"].where(out["months"] > 0, np.nan)
    return out


def read_simulated(folder: str | Path) -> pd.DataFrame:
    """The monthly statistics a ``capsim run`` wrote in ``folder`` (monthly.csv); raises
    CapsimError naming the file when it is missing or not such a table."""
    path = Path(folder) / "monthly.csv"
    need = ["facility", "year", "month", "measure", "mean", "p5", "p95"]
    try:
        table = pd.read_csv(path, dtype={"facility": str, "measure": str})
    except FileNotFoundError:
        raise CapsimError(f"{path}: not found; run `capsim run SCENARIO --out {folder}` "
                          "first") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeDecodeError,
            OSError) as exc:
        raise CapsimError(f"{path}: cannot be read ({type(exc).__name__})") from None
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise CapsimError(f"{path}: has no column {', '.join(missing)}; run `capsim run "
                          f"SCENARIO --out {folder}` again")
    return table
