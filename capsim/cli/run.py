"""``capsim run SCENARIO``: simulate a scenario, print a summary, write tables and plots."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from capsim import metrics
from capsim.cli import COMMANDS
from capsim.cli.common import (
    add_lang_option,
    add_out_option,
    add_run_options,
    load_warnings_in,
    run_options,
)
from capsim.formatting import fmt_pm, fmt_value, text_columns
from capsim.i18n import t
from capsim.metrics import FACILITY_METRICS, SUMMARY_METRICS
from capsim.report.care import care_accounting_text, care_text
from capsim.run import DEFAULT_ENGINE, ENGINES


def register(sub: argparse._SubParsersAction) -> None:
    """Add the run command."""
    p = sub.add_parser("run", help=COMMANDS["run"],
                       description="Simulate a scenario, print a summary with 95% confidence "
                       "intervals, and write summary.csv, flows.csv, daily.csv and PNG plots.")
    p.add_argument("scenario", help="scenario file (YAML or TOML)")
    add_run_options(p)
    add_out_option(p, "the tables, plots and the scenario as run",
                   "capsim-results/<scenario file name>")
    add_lang_option(p)
    p.add_argument("--trace", action="store_true",
                   help="also write one row per woman and replication to DIR/trace/")
    p.add_argument("--engine", choices=tuple(ENGINES), default=DEFAULT_ENGINE,
                   help="what simulates each replication: compiled, the fast compiled engine "
                   "(default), or simpy, the readable simpy model of the same pathway, one "
                   "process per woman (capsim/model/simpy_model.py): the same results, more "
                   "than ten times slower")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Simulate, print and write; return 0."""
    from capsim.export import write_outputs
    from capsim.output import check_out_dir
    from capsim.report.inputs import run_tables
    from capsim.run import simulate
    from capsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    out = Path(args.out) if args.out else Path("capsim-results") / Path(args.scenario).stem
    check_out_dir(out)      # before simulating: a run's results must have somewhere to go
    started = time.perf_counter()
    with load_warnings_in(args.lang, scenario):
        results = simulate(scenario, **run_options(args), progress=True,
                           trace_dir=out / "trace" if args.trace else None, engine=args.engine)
    elapsed = time.perf_counter() - started
    print(format_summary(results, elapsed, args.lang))
    tables = run_tables(results)
    print("\n" + format_one_page(results, tables, args.lang))
    paths = write_outputs(results, out, lang=args.lang, scenario_file=args.scenario,
                          trace=args.trace, run=tables)
    # Files under sources/ are named with their folder, so a planner sees where they are.
    print("\n" + t("wrote", args.lang,
                       files=", ".join(p.relative_to(out).as_posix() for p in paths.values()),
                       folder=out))
    return 0


def region_halve(summary: pd.DataFrame) -> int | None:
    """Replications that would halve the intervals (the same for every metric of a run)."""
    vals = summary["replications_to_halve_ci"].dropna()
    return int(vals.max()) if not vals.empty else None


def format_summary(results, elapsed: float, lang: str = "en") -> str:
    """A readable summary: the region, then one line per facility (text); for a run of
    several years, both year by year (`format_years`). Every word is in ``lang``."""
    from capsim.plots import facility_names
    from capsim.report.years import several_years

    s = results.summary()
    acc = results.accounting
    scen = results.scenario
    lines = [
        t("run_head", lang, name=scen.display_name(lang), n=len(results.replications),
              seed=results.seed, engine=t(f"engine_{results.engine}", lang),
              start=scen.horizon.start, end=scen.horizon.end,
              warmup=scen.horizon.warmup_days, elapsed=elapsed),
        t("run_accounted", lang, arrivals=f"{acc['arrivals'].mean():.0f}",
              delivered=f"{acc['delivered'].mean():.0f}",
              out=f"{acc['out_of_region'].mean():.0f}",
              progress=f"{acc['in_progress'].mean():.1f}"),
        "",
    ]
    halve = region_halve(s)
    halving = [t("run_halve", lang, n=halve)] if halve else []
    if several_years(results.summary(year=None)):
        return "\n".join([*lines, *halving, format_years(results, lang),
                          *_care_lines(results, lang)]).rstrip("\n")
    lines.append(t("run_region", lang))
    lines += halving
    region = s[s["facility"] == "region"].set_index("metric")
    shown = [m for m in SUMMARY_METRICS if m in region.index]
    names = {m: m if lang == "en" else metrics.heading(m, lang) for m in shown}
    name_width = max([30, *(text_columns(n) for n in names.values())]) + 1
    for m in shown:
        r = region.loc[m]
        spread = fmt_value(r["p5"], float("nan"), float("nan"), r["unit"]) + " - " + \
            fmt_value(r["p95"], float("nan"), float("nan"), r["unit"])
        unit = "" if r["unit"] == "share" else f" {metrics.unit_name(r['unit'], lang)}"
        width = "" if pd.isna(r["ci_half_width"]) or r["ci_half_width"] == 0 else \
            " ±" + fmt_value(r["ci_half_width"], float("nan"), float("nan"), r["unit"])
        pad = " " * (name_width - text_columns(names[m]))
        value = fmt_value(r["mean"], r["ci_low"], r["ci_high"], r["unit"])
        lines.append(f"  {names[m]}{pad}{value}{unit}{width}   {t('run_spread', lang)} {spread}")
    lines += ["", t("run_by_facility", lang)]
    shown_names = facility_names(scen, lang) if lang != "en" else {}
    table = []
    for fid in [f.id for f in scen.facilities if f.delivers]:
        row = {"facility" if lang == "en" else t("facility", lang): shown_names.get(fid, fid)}
        fs = s[s["facility"] == fid].set_index("metric")
        for m in FACILITY_METRICS:
            r = fs.loc[m]
            row[metrics.heading(m, lang)] = fmt_value(r["mean"], r["ci_low"], r["ci_high"],
                                                      r["unit"])
        table.append(row)
    # Chinese characters take two columns of a terminal: pandas pads by that width when asked.
    with pd.option_context("display.unicode.east_asian_width", True):
        lines.append(pd.DataFrame(table).to_string(index=False))
    return "\n".join(lines + _care_lines(results, lang)).rstrip("\n")


def _care_lines(results, lang: str = "en") -> list[str]:
    """Newborn care and the paediatric line, when the scenario has them (lines of text;
    none without), in ``lang``."""
    return [*care_accounting_text(results.care_accounting, lang),
            care_text(results.summary(year=None), results.scenario, lang)]


def format_years(results, lang: str = "en") -> str:
    """The region's metrics year by year, side by side with the whole period, then each
    delivering facility's metrics year by year, a year without beds shown as closed (text).
    Every facility that delivers in some year of the horizon is listed."""
    from capsim.plots import facility_names
    from capsim.report.years import delivering_facilities, facilities_by_year, region_by_year

    summary = results.summary(year=None)

    def cell(r: pd.Series) -> str:
        return fmt_pm(r["mean"], r["ci_half_width"], r["unit"])

    region = region_by_year(summary, SUMMARY_METRICS, cell)
    region.index = [metrics.heading(m, lang) for m in region.index]
    names = facility_names(results.scenario, lang)
    rows = []
    heads = [metrics.heading(m, lang) for m in FACILITY_METRICS]
    for fid, year, cells in facilities_by_year(summary, delivering_facilities(results.scenario),
                                               FACILITY_METRICS, cell, t("closed", lang)):
        rows.append({t("facility", lang): names[fid], t("year", lang): year,
                     **dict(zip(heads, cells + [""] * (len(heads) - len(cells)), strict=True))})
    # Chinese characters take two columns of a terminal: pandas pads by that width when asked.
    with pd.option_context("display.unicode.east_asian_width", True):
        lines = [t("region_by_year", lang), region.to_string(), "",
                 t("facility_by_year", lang), pd.DataFrame(rows).to_string(index=False)]
    return "\n".join(lines)


def format_one_page(results, tables: dict, lang: str = "en") -> str:
    """The summary on one page of a run (`capsim.report.onepage`) as text; ``tables``
    is `capsim.report.inputs.run_tables` of ``results``."""
    from capsim.plots import facility_names
    from capsim.report.onepage import one_page, one_page_text

    parts = one_page(tables["targets"], tables["needs"],
                     facility_names(results.scenario, lang), lang)
    return one_page_text(parts, lang)
