"""``capsim run SCENARIO``: simulate a scenario, print a summary, write tables and plots."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from capsim import metrics
from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option, add_out_option, add_run_options, run_options
from capsim.formatting import fmt_value
from capsim.metrics import FACILITY_METRICS, SUMMARY_METRICS
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
    from capsim.run import simulate
    from capsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    out = Path(args.out) if args.out else Path("capsim-results") / Path(args.scenario).stem
    check_out_dir(out)      # before simulating: a run's results must have somewhere to go
    started = time.perf_counter()
    results = simulate(scenario, **run_options(args), progress=True,
                       trace_dir=out / "trace" if args.trace else None, engine=args.engine)
    elapsed = time.perf_counter() - started
    print(format_summary(results, elapsed))
    paths = write_outputs(results, out, lang=args.lang, scenario_file=args.scenario,
                          trace=args.trace)
    # Files under sources/ are named with their folder, so a planner sees where they are.
    print(f"\nWrote {', '.join(p.relative_to(out).as_posix() for p in paths.values())} to {out}/")
    return 0


def region_halve(summary: pd.DataFrame) -> int | None:
    """Replications that would halve the intervals (the same for every metric of a run)."""
    vals = summary["replications_to_halve_ci"].dropna()
    return int(vals.max()) if not vals.empty else None


def format_summary(results, elapsed: float) -> str:
    """A readable summary: the region, then one line per facility (text)."""
    s = results.summary()
    acc = results.accounting
    scen = results.scenario
    lines = [
        f"{scen.name}: {len(results.replications)} replications, seed {results.seed}, "
        f"{results.engine} engine, "
        f"{scen.horizon.start} to {scen.horizon.end} (warm-up {scen.horizon.warmup_days} days "
        f"discarded), {elapsed:.1f} s",
        f"Women accounted for (mean per replication): {acc['arrivals'].mean():.0f} arrived = "
        f"{acc['delivered'].mean():.0f} delivered in region + {acc['out_of_region'].mean():.0f} "
        f"transferred out of region + {acc['in_progress'].mean():.1f} still in care",
        "",
        "Region — mean [95% confidence interval] over replications, ± half-width, and the "
        "spread of single replications (p5-p95: one year's outcome can fall anywhere in it).",
    ]
    halve = region_halve(s)
    if halve:
        lines.append(f"About {halve} replications would halve every interval.")
    region = s[s["facility"] == "region"].set_index("metric")
    for m in SUMMARY_METRICS:
        if m not in region.index:
            continue
        r = region.loc[m]
        spread = fmt_value(r["p5"], float("nan"), float("nan"), r["unit"]) + " - " + \
            fmt_value(r["p95"], float("nan"), float("nan"), r["unit"])
        unit = "" if r["unit"] == "share" else f" {r['unit']}"
        width = "" if pd.isna(r["ci_half_width"]) or r["ci_half_width"] == 0 else \
            " ±" + fmt_value(r["ci_half_width"], float("nan"), float("nan"), r["unit"])
        lines.append(f"  {m:<30} {fmt_value(r['mean'], r['ci_low'], r['ci_high'], r['unit'])}"
                     f"{unit}{width}   p5-p95 {spread}")
    lines += ["", "By facility (mean [95% CI]):"]
    table = []
    for fid in [f.id for f in scen.facilities if f.delivers]:
        row = {"facility": fid}
        fs = s[s["facility"] == fid].set_index("metric")
        for m in FACILITY_METRICS:
            r = fs.loc[m]
            row[metrics.heading(m)] = fmt_value(r["mean"], r["ci_low"], r["ci_high"], r["unit"])
        table.append(row)
    lines.append(pd.DataFrame(table).to_string(index=False))
    return "\n".join(lines)
