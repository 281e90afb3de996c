"""``capsim compare BASE VARIANT [VARIANT ...]``: simulate scenarios with common random numbers
and report each variant's paired difference from the baseline, per year, with 95% intervals."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from capsim.cli import COMMANDS
from capsim.cli.common import add_run_options
from capsim.formatting import fmt_value

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
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: capsim-results/compare-<baseline file name>)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the plots")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Simulate, print and write; return 0."""
    from capsim.cli.common import run_options
    from capsim.comparison import compare
    from capsim.output import check_out_dir

    out = Path(args.out) if args.out else Path("capsim-results") / f"compare-{Path(args.base).stem}"
    check_out_dir(out)      # before simulating: the comparison must have somewhere to go
    comparison = compare(args.base, args.variants, **run_options(args), progress=True)
    print(format_comparison(comparison))
    paths = write_comparison(comparison, out, lang=args.lang)
    print(f"\nWrote {', '.join(p.name for p in paths.values())} to {out}/")
    return 0


def format_comparison(comparison) -> str:
    """Each variant's paired differences from the baseline for the region, by year (text)."""
    lines = [f"Baseline {comparison.baseline!r}; {comparison.replications} replications, "
             f"seed {comparison.seed} for every scenario (common random numbers).",
             "Paired difference variant - baseline, region, mean [95% CI]; shares in "
             "percentage points.", *comparison.notes]
    for name in comparison.variants:
        d = comparison.differences
        d = d[(d["scenario"] == name) & (d["facility"] == "region")
              & d["metric"].isin(KEY_METRICS)]
        table = d.assign(text=[fmt_value(r.mean, r.ci_low, r.ci_high, r.unit)
                               for r in d.itertuples()])
        wide = table.pivot(index="metric", columns="year", values="text")
        wide = wide.reindex([m for m in KEY_METRICS if m in wide.index])
        lines += ["", f"{name} - {comparison.baseline}:", wide.to_string()]
    return "\n".join(lines)


def write_comparison(comparison, out_dir: str | Path, lang: str = "en") -> dict[str, Path]:
    """Write differences.csv, scenarios.csv and one PNG per metric of `PLOT_METRICS` to
    ``out_dir``; return their paths by name."""
    from capsim import plots
    from capsim.output import check_out_dir, write_csv

    out = check_out_dir(out_dir)
    paths = {"differences": write_csv(comparison.differences, out / "differences.csv"),
             "scenarios": write_csv(comparison.levels, out / "scenarios.csv")}
    names = plots.facility_names(comparison.results[comparison.baseline].scenario, lang)
    levels: pd.DataFrame = comparison.levels
    for metric in PLOT_METRICS:
        fig = plots.year_comparison_plot(levels, metric, "region", names, lang)
        paths[metric] = plots.save(fig, out / f"{metric}-by-year.png")
    return paths
