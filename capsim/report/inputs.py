"""What a report is made of: a scenario and the tables of its run, taken from a
`Results` or read back from the folder ``capsim run`` wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from capsim.errors import CapsimError
from capsim.formatting import rounded_for_reading, spreadsheet_restored
from capsim.results import Results
from capsim.scenario.models import Scenario

#: Files of a results folder the report reads (written by capsim.export.write_outputs).
FOLDER_FILES = ("summary.csv", "flows.csv", "daily.csv", "replications.csv", "ratios.csv",
                "targets.csv")
#: Columns the report reads from a results folder's monthly.csv (optional in a folder).
MONTHLY_COLUMNS = ("facility", "year", "month", "measure", "mean", "p5", "p95")
#: Columns of summary.csv, in order.
SUMMARY_COLUMNS = ["facility", "facility_name", "facility_name_en", "year", "metric", "unit",
                   "mean", "ci_low", "ci_high", "ci_half_width", "sd", "p5", "p50", "p95", "n",
                   "replications_to_halve_ci"]
#: Columns of each table that are rounded for reading (`rounded_tables`).
STATISTICS = ("mean", "ci_low", "ci_high", "ci_half_width", "sd", "p5", "p50", "p95")
#: The queueing estimate of what each facility needs; optional (older folders lack it).
NEEDS_FILE = "needs.csv"
#: Name of the copy of the scenario file in a results folder (with the file's own suffix).
SCENARIO_COPY = "scenario"
#: Suffixes of that copy: another file called ``scenario`` (a planner's notes, a PDF) is not it.
SCENARIO_SUFFIXES = (".yaml", ".yml", ".toml")
#: Folder of the original files of a run whose scenario extends another (the copy is merged).
SOURCES_DIR = "sources"


@dataclass
class ReportInputs:
    """A scenario and the tables of one run of it.

    ``summary``: `Results.summary` with ``year=None`` and the facilities' names;
    ``flows``: `Results.flow_summary`; ``daily``: `Results.daily`, each rounded
    as a results folder holds it (`rounded_tables`); ``accounting``:
    `Results.accounting`; ``ratios``: `capsim.targets.ratio_readings`;
    ``targets``: `capsim.targets.check` (None when the scenario could not be checked);
    ``needs``: `capsim.report.onepage.sizing_estimate` (None for a results folder
    written before it was). ``scenario_file`` is the file whose comments give the
    parameters' sources (None: none).
    """

    scenario: Scenario
    scenario_file: Path | None
    seed: int
    replications: int
    summary: pd.DataFrame
    flows: pd.DataFrame
    daily: pd.DataFrame
    accounting: pd.DataFrame
    ratios: pd.DataFrame
    targets: pd.DataFrame | None
    needs: pd.DataFrame | None = None
    #: `capsim.monthly.monthly_summary` (None: a folder written before it existed).
    monthly: pd.DataFrame | None = None


def run_tables(results: Results) -> dict[str, pd.DataFrame]:
    """The ratio readings, the targets check, the queueing estimate of what is needed
    (`capsim.report.onepage.sizing_estimate`) and the monthly statistics (mean and 5-95%
    band, `capsim.monthly.counted_summary`) of ``results`` (targets may be an empty
    table when no standard applies)."""
    from capsim import targets
    from capsim.monthly import counted_summary
    from capsim.report.onepage import sizing_estimate

    return {"ratios": targets.ratio_readings(results.scenario, results),
            "targets": targets.check(results.scenario, results),
            "needs": sizing_estimate(results),
            "monthly": counted_summary(results)}


def from_results(results: Results, scenario_file: str | Path | None = None) -> ReportInputs:
    """Report inputs from a run in memory; ``scenario_file`` is the file it was loaded from.
    The tables are those a results folder holds (`rounded_tables`)."""
    tables = rounded_tables(results, run_tables(results), results.summary(year=None),
                            results.daily())
    return ReportInputs(
        scenario=results.scenario,
        scenario_file=Path(scenario_file) if scenario_file is not None else None,
        seed=results.seed, replications=len(results.replications),
        summary=tables["summary"], flows=tables["flows"],
        daily=tables["daily"], accounting=results.accounting,
        ratios=tables["ratios"], targets=tables["targets"], needs=tables["needs"],
        monthly=tables["monthly"])


def rounded_tables(results: Results, run: dict, summary, daily) -> dict:
    """The tables of a results folder as written: summary (with the facilities' names),
    flows, daily, ratios, targets and the monthly statistics, each value rounded to its unit's reading precision
    (`capsim.formatting.reading_decimals`). Nothing is lost that a reader or the
    report shows, and a report drawn from a run in memory reads these same numbers, so it
    is the report of the folder to the last digit; the per-woman trace files keep every
    digit. ``run`` is `run_tables`, ``summary`` `Results.summary` with
    ``year=None`` and ``daily`` `Results.daily` of ``results``."""
    from capsim.plots import facility_names

    scenario = results.scenario
    zh = facility_names(scenario, "zh")
    en = facility_names(scenario, "en")
    summary = summary.assign(facility_name=summary["facility"].map(zh),
                             facility_name_en=summary["facility"].map(en))[SUMMARY_COLUMNS]
    daily = rounded_for_reading(daily, ["census_mean", "ci_low", "ci_high", "p5", "p95"],
                                unit="women")
    daily = rounded_for_reading(daily, ["occupancy_mean"], unit="share")
    targets = run["targets"]
    return {
        "summary": rounded_for_reading(summary, STATISTICS),
        "flows": rounded_for_reading(results.flow_summary(), STATISTICS, unit="women"),
        "daily": daily,
        "ratios": rounded_for_reading(run["ratios"], ["planned", "simulated", "ci_low",
                                                      "ci_high"]),
        "targets": rounded_for_reading(targets, ["value", "ci_low", "ci_high", "threshold",
                                                 "margin"])
        if isinstance(targets, pd.DataFrame) else targets,
        "needs": run["needs"],
        "monthly": rounded_for_reading(run["monthly"], ["mean", "p5", "p95"], unit="women"),
    }


def scenario_copy(folder: str | Path) -> Path | None:
    """The copy of the scenario file in a results folder, or None."""
    found = sorted(p for p in Path(folder).glob(f"{SCENARIO_COPY}.*")
                   if p.suffix.lower() in SCENARIO_SUFFIXES)
    return found[0] if found else None


def original_file(folder: str | Path) -> Path | None:
    """The original scenario file copied under ``sources/`` of a results folder (the one no
    other file there extends), or None when the run's scenario extended no other file."""
    from capsim.scenario.extends import EXTENDS_KEY
    from capsim.scenario.loader import read_mapping

    files = sorted(p for p in (Path(folder) / SOURCES_DIR).rglob("*")
                   if p.is_file() and p.suffix.lower() in SCENARIO_SUFFIXES)
    extended = set()
    for p in files:
        ref = read_mapping(p).get(EXTENDS_KEY)
        if isinstance(ref, str):
            extended.add((p.parent / ref).resolve())
    leaves = [p for p in files if p.resolve() not in extended]
    return leaves[0] if len(leaves) == 1 else None


def from_folder(folder: str | Path) -> ReportInputs:
    """Report inputs read back from a folder written by ``capsim run``.

    Raises CapsimError naming the folder and the missing file when one is not there."""
    from capsim.scenario import load_scenario

    folder = Path(folder)
    scen_file = scenario_copy(folder)
    missing = [n for n in FOLDER_FILES if not (folder / n).is_file()]
    if scen_file is None:
        missing.insert(0, f"{SCENARIO_COPY}.yaml")
    if missing or scen_file is None:
        raise CapsimError(f"{folder}: not a results folder of capsim run (missing "
                          f"{', '.join(missing)}); run `capsim run SCENARIO --out {folder}`")
    scenario = load_scenario(scen_file)
    # A merged copy documents nothing itself: the comments are in the original files.
    scen_file = original_file(folder) or scen_file
    keep = {"year": str}
    acc = _read_table(folder, "replications.csv", need=("seed",))
    daily = _read_table(folder, "daily.csv", need=("date",), parse_dates=["date"])
    daily["date"] = daily["date"].dt.date
    flows = _read_table(folder, "flows.csv", dtype=keep)
    targets = spreadsheet_restored(_read_table(
        folder, "targets.csv", rows=False, keep_default_na=False,
        na_values={c: [""] for c in ("value", "ci_low", "ci_high", "threshold", "margin")}))
    return ReportInputs(
        scenario=scenario, scenario_file=scen_file,
        seed=int(acc["seed"].iloc[0]), replications=len(acc),
        summary=_read_table(folder, "summary.csv", dtype=keep), flows=flows, daily=daily,
        accounting=acc, ratios=_read_table(folder, "ratios.csv", rows=False), targets=targets,
        needs=_read_table(folder, NEEDS_FILE, rows=False)
        if (folder / NEEDS_FILE).is_file() else None,
        monthly=(_read_table(folder, "monthly.csv", need=MONTHLY_COLUMNS)
                 if (folder / "monthly.csv").is_file() else None))


def _read_table(folder: Path, name: str, need: tuple[str, ...] = (), rows: bool = True,
                **options) -> pd.DataFrame:
    """The table ``name`` of a results folder. Raises CapsimError naming the file when it is
    empty, lacks a column of ``need``, has no rows (when ``rows``) or cannot be read."""
    path = folder / name
    try:
        table = pd.read_csv(path, **options)
    except pd.errors.EmptyDataError:
        problem = "is empty"
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError, OSError) as exc:
        problem = f"cannot be read ({type(exc).__name__})"
    else:
        missing = [c for c in need if c not in table.columns]
        if missing:
            problem = f"has no column {', '.join(missing)}"
        elif rows and table.empty:
            problem = "has no rows"
        else:
            return table
    raise CapsimError(f"{path}: {problem}; this results folder is incomplete: run `capsim run "
                      f"SCENARIO --out {folder}` again")
