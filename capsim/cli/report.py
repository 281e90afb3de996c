"""``capsim report SCENARIO|FOLDER [--out DIR]``: one self-contained HTML report of a scenario's
run (or of a results folder written by ``capsim run``, into that folder), in English or
Chinese."""

from __future__ import annotations

import argparse
from pathlib import Path

from capsim.cli import COMMANDS
from capsim.cli.common import (
    add_lang_option,
    add_out_option,
    add_run_options,
    load_warnings_in,
    run_options,
)
from capsim.errors import CapsimError
from capsim.i18n import t as label

#: The report's file name inside the output folder.
REPORT_FILE = "report.html"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the report command."""
    p = sub.add_parser(
        "report", help=COMMANDS["report"],
        description="Simulate a scenario (or read the folder `capsim run` wrote) and write one "
        "HTML file with images embedded: the scenario's description, every parameter with "
        "its source or stated assumption, the results and targets with verdicts, the charts, "
        "and a methods section following the STRESS-DES checklist.")
    p.add_argument("scenario", help="scenario file (YAML or TOML), or a results folder "
                   "written by `capsim run`")
    add_out_option(p, REPORT_FILE, "the results folder when given one, else "
                   "capsim-results/<scenario file name>")
    add_lang_option(p, "of the report and messages")
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Simulate (or read the folder), write the report; return 0."""
    from capsim.output import check_out_dir, check_out_file
    from capsim.report import from_folder, from_results, write_report

    source = Path(args.scenario)
    folder = Path(args.out) if args.out else (
        source if source.is_dir() else Path("capsim-results") / source.stem)
    check_out_dir(folder)
    out = folder / REPORT_FILE
    check_out_file(out)
    if source.is_dir():
        if args.replications is not None or args.seed is not None:
            raise CapsimError(f"{source} is a results folder: its replications and seed are "
                              "fixed; --replications and --seed apply to a scenario file")
        inputs = from_folder(source)
    else:
        from capsim.run import simulate
        from capsim.scenario import load_scenario

        scenario = load_scenario(source)
        with load_warnings_in(args.lang, scenario):
            results = simulate(scenario, **run_options(args), progress=True)
        inputs = from_results(results, source)
    path = write_report(inputs, out, lang=args.lang)
    print(label("report_wrote", args.lang, path=path, mb=path.stat().st_size / 1e6,
                name=inputs.scenario.display_name(args.lang), n=inputs.replications,
                seed=inputs.seed))
    return 0
