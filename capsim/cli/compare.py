"""``capsim compare BASE VARIANT [VARIANT ...]``: simulate scenarios with common random numbers
and report each variant's paired difference from the baseline, per year, with 95% intervals."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from capsim import metrics
from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option, add_out_option, add_run_options
from capsim.formatting import fmt_value
from capsim.i18n import t as label

#: Region metrics printed and plotted year by year.
KEY_METRICS = ("deliveries_per_year", "beds_per_1000_deliveries", "occupancy_mean",
               "turned_away_share", "out_of_region_share", "midwife_timely_share")
PLOT_METRICS = ("deliveries_per_year", "beds_per_1000_deliveries", "occupancy_mean",
                "turned_away_share", "out_of_region_share")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the compare command."""
    p = sub.add_parser(
        "compare", help=COMMANDS["compare"],
        description="Simulate a baseline and its variants with the same seed and replications "
        "(common random numbers), print each variant's difference from the baseline per year "
        "with a 95% interval from paired replications, and write differences.csv, "
        "scenarios.csv and one PNG per key metric (a line per scenario, by year).")
    p.add_argument("base", help="baseline scenario file (YAML or TOML)")
    p.add_argument("variants", nargs="+", metavar="VARIANT", help="variant scenario files")
    add_run_options(p)
    add_out_option(p, "differences.csv, scenarios.csv and the charts",
                   "capsim-results/compare-<baseline file name>")
    add_lang_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Simulate, print and write; return 0."""
    from capsim.cli.common import load_warnings_in, run_options
    from capsim.comparison import compare
    from capsim.output import check_out_dir
    from capsim.scenario import load_scenario

    out = Path(args.out) if args.out else Path("capsim-results") / f"compare-{Path(args.base).stem}"
    check_out_dir(out)      # before simulating: the comparison must have somewhere to go
    scenarios = [load_scenario(f) for f in (args.base, *args.variants)]
    with load_warnings_in(args.lang, *scenarios):
        comparison = compare(args.base, args.variants, **run_options(args), progress=True)
    print(format_comparison(comparison, args.lang))
    paths = write_comparison(comparison, out, lang=args.lang)
    print("\n" + label("wrote", args.lang, files=", ".join(p.name for p in paths.values()),
                       folder=out))
    return 0


def format_comparison(comparison, lang: str = "en") -> str:
    """Each variant's paired differences from the baseline for the region, by year (text in
    ``lang``); scenarios are named by their display names."""
    shown = {key: res.scenario.display_name(lang) for key, res in comparison.results.items()}
    lines = [label("compare_head", lang, baseline=shown[comparison.baseline],
                   n=comparison.replications, seed=comparison.seed),
             label("compare_what", lang),
             *(comparison.notes if lang == "en" else _common_years_notes(comparison, lang))]
    for name in comparison.variants:
        d = comparison.differences
        d = d[(d["scenario"] == name) & (d["facility"] == "region")
              & d["metric"].isin(KEY_METRICS)]
        table = d.assign(text=[fmt_value(r.mean, r.ci_low, r.ci_high, r.unit)
                               for r in d.itertuples()])
        wide = table.pivot(index="metric", columns="year", values="text")
        wide = wide.reindex([m for m in KEY_METRICS if m in wide.index])
        wide.index = [metrics.heading(m, lang) for m in wide.index]
        colon = ":"
        if lang != "en":
            wide.columns.name = label("year", lang)
            wide = wide.rename(columns={"all": label("compare_all", lang)})
            colon = label("one_colon", lang)
        with pd.option_context("display.unicode.east_asian_width", True):
            lines += ["", f"{shown[name]} - {shown[comparison.baseline]}{colon}",
                      wide.to_string()]
    return "\n".join(lines)


def _common_years_notes(comparison, lang: str) -> list[str]:
    """One sentence in ``lang`` per variant whose horizon differs from the baseline's: the
    years compared (those its differences hold)."""
    from capsim.comparison import horizon_text

    base = comparison.results[comparison.baseline].scenario
    notes = []
    for name in comparison.variants:
        scenario = comparison.results[name].scenario
        if scenario.horizon == base.horizon:
            continue
        d = comparison.differences
        years = sorted({str(y) for y in d.loc[d["scenario"] == name, "year"]} - {"all"})
        notes.append(label("compare_common_years", lang, name=scenario.display_name(lang),
                           horizon=horizon_text(scenario.horizon),
                           base=horizon_text(base.horizon), years="、".join(years)))
    return notes


def write_comparison(comparison, out_dir: str | Path, lang: str = "en") -> dict[str, Path]:
    """Write differences.csv, scenarios.csv and one PNG per metric of `PLOT_METRICS` to
    ``out_dir``; return their paths by name."""
    from capsim import plots
    from capsim.output import check_out_dir, write_csv

    out = check_out_dir(out_dir)
    paths = {"differences": write_csv(comparison.differences, out / "differences.csv"),
             "scenarios": write_csv(comparison.levels, out / "scenarios.csv")}
    names = plots.facility_names(comparison.results[comparison.baseline].scenario, lang)
    scenario_names = {key: res.scenario.display_name(lang)
                      for key, res in comparison.results.items()}
    levels: pd.DataFrame = comparison.levels
    for metric in plotted_metrics(levels):
        fig = plots.year_comparison_plot(levels, metric, "region", names, lang, scenario_names)
        paths[metric] = plots.save(fig, out / f"{metric}-by-year.png")
    return paths


def plotted_metrics(levels: pd.DataFrame) -> list[str]:
    """The metrics of `PLOT_METRICS` worth a chart: those not zero in every scenario and year
    of the region (a flat line at zero says nothing)."""
    region = levels[levels["facility"] == "region"]
    return [m for m in PLOT_METRICS
            if (region.loc[region["metric"] == m, ["mean", "ci_high"]].abs().fillna(0) > 0)
            .to_numpy().any()]
