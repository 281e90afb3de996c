"""``capsim sweep SPEC --out DIR``: run a sensitivity analysis, resumably, and write its
indices, summary and chart."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option, add_out_option, add_worker_options, scheduler
from capsim.i18n import t as label


def register(sub: argparse._SubParsersAction) -> None:
    """Add the sweep command."""
    p = sub.add_parser(
        "sweep", help=COMMANDS["sweep"],
        description="Run the sweep of SPEC: every point and replication is written to "
        "DIR/sweep.sqlite as it finishes, so an interrupted sweep resumes when the same "
        "command is run again. When complete, writes DIR/indices.csv, DIR/summary.csv and "
        "the method's chart (tornado.png, morris.png or sobol.png).")
    p.add_argument("spec", help="sweep file (YAML)")
    add_out_option(p, "sweep.sqlite, indices.csv, summary.csv and the chart",
                   "capsim-results/<sweep file name>")
    add_worker_options(p)
    p.add_argument("--analyse-only", action="store_true",
                   help="do not simulate: analyse and plot the stored results again")
    add_lang_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run (or only analyse) the sweep, print its indices and write the tables; return 0."""
    import pandas as pd

    from capsim.output import check_out_dir
    from capsim.sweep import load_sweep, open_sweep, run_sweep
    from capsim.sweep.store import store_path

    sweep = load_sweep(args.spec)
    out = Path(args.out) if args.out else Path("capsim-results") / Path(args.spec).stem
    check_out_dir(out)
    store = store_path(out)
    done = len(open_sweep(out, sweep).runs) if store.exists() else 0
    spec = sweep.spec
    print(label("sweep_head", args.lang, name=spec.name,
                method=label(f"sweep_method_{spec.method}", args.lang),
                points=sweep.design.points, n=spec.replications, runs=sweep.runs, done=done,
                store=store))
    started = time.perf_counter()
    if args.analyse_only:
        result = open_sweep(out, sweep)
    else:
        try:
            result = run_sweep(sweep, out, workers=args.workers, progress=True,
                               client=scheduler(args))
        except KeyboardInterrupt:
            print(label("sweep_kept", args.lang, store=store), file=sys.stderr)
            raise
        print(label("sweep_done", args.lang, runs=sweep.runs - done,
                    seconds=time.perf_counter() - started))
    paths = result.write(out, lang=args.lang)
    table = result.indices()
    if args.lang == "zh":
        from capsim.plots import facility_names

        names = facility_names(sweep.scenario, "zh")
        shown = {p.path: p.display("zh", names) for p in spec.parameters}
        table = table.assign(label=table["parameter"].map(shown))
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.unicode.east_asian_width", True):
        print(table.drop(columns=["parameter"]).to_string(
            index=False, float_format=lambda v: f"{v:.3g}"))
    # Imported here, not above: matplotlib takes a second to load, and a second sweep into
    # the same folder must reach the store's lock (and be refused) without that delay.
    from capsim.sweep.plots import sobol_unreliable

    if spec.method == "sobol" and sobol_unreliable(result.indices()):
        print("\n" + label("sweep_sobol_warning", args.lang).replace("\n", " "))
    print("\n" + label("wrote", args.lang, files=", ".join(p.name for p in paths.values()),
                       folder=out))
    return 0
