"""``capsim size SCENARIO``: the least beds, midwives and theatres of each facility for the
service levels, beside today's capacity, the ratio standards and the workload establishment."""

from __future__ import annotations

import argparse
from pathlib import Path

from capsim.cli import COMMANDS
from capsim.cli.common import add_run_options, positive_int, scheduler
from capsim.errors import CapsimError

#: Columns of the printed table, with short headers.
SHOWN = {
    "year": "year", "facility": "facility", "deliveries": "deliv/yr",
    "beds_now": "beds now", "beds_ratio": "ratio", "beds_needed": "needed",
    "beds_gap": "gap", "beds_needed_per_1000": "/1000",
    "midwives_now": "mw now", "midwives_ratio": "ratio", "midwives_workload": "workload",
    "midwives_needed": "needed", "midwives_gap": "gap",
    "theatres_now": "th now", "theatres_needed": "needed", "met": "met", "least": "least",
}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the size command."""
    p = sub.add_parser(
        "size", help=COMMANDS["size"],
        description="Find the least beds, on-duty midwives (and head-count) and theatres of "
        "each facility and year that meet the service levels, starting from queueing theory "
        "and confirming by simulating the whole region (a level is met only when its 95% "
        "interval is within it). Prints them beside today's capacity, the ratio standards "
        "and the workload establishment. Exit 0 when every level was confirmed, 1 when not, "
        "2 on bad input.")
    p.add_argument("scenario", help="scenario file (YAML or TOML)")
    p.add_argument("--service-level", action="append", default=[], metavar="NAME=VALUE",
                   help="a service level, repeatable: no_bed=0.01, occupancy=0.85, "
                   "midwife=0.95, midwife_minutes=15, ddi=0.95, ddi_minutes=30 (shares as "
                   "fractions or with %%; 'off' drops a level). Default: the standards "
                   "catalogue as the scenario's targets set it")
    p.add_argument("--out", default=None, metavar="FILE.csv",
                   help="write the comparison table as CSV")
    p.add_argument("--plot", default=None, metavar="FILE.png",
                   help="write the plot of beds per 1,000 deliveries against facility size")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the plot")
    p.add_argument("--rounds", type=positive_int, default=None, metavar="N",
                   help="most rounds of simulation after the ample-capacity run (default 10)")
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Size, print and write; return 0 when every level was confirmed, else 1."""
    from capsim.output import check_out_file, write_csv
    from capsim.plots import save
    from capsim.scenario import load_scenario
    from capsim.sizing import parse_assignments, service_levels, size
    from capsim.sizing.solver import DEFAULT_ROUNDS

    if args.out and Path(args.out).suffix.lower() != ".csv":
        raise CapsimError(f"--out {args.out}: give a file ending in .csv")
    for path in (args.out, args.plot):
        if path:
            check_out_file(path)
    scenario = load_scenario(args.scenario)
    levels = service_levels(parse_assignments(args.service_level), scenario,
                            source="--service-level")
    rounds = DEFAULT_ROUNDS if args.rounds is None else args.rounds
    if rounds < 1:
        raise CapsimError(f"--rounds must be at least 1, got {rounds}")
    result = size(scenario, levels, replications=args.replications, seed=args.seed,
                  workers=args.workers, client=scheduler(args), rounds=rounds,
                  progress=True)
    print(format_result(result))
    if args.out:
        print(f"\nWrote {write_csv(result.comparison, args.out)}")
    if args.plot:
        print(f"Wrote {save(result.plot(args.lang), args.plot)}")
    return 0 if result.confirmed else 1


def format_result(result) -> str:
    """The levels, the comparison table and the notes, as text."""
    lv = result.levels
    parts = []
    for name, text in (("no_bed", "no bed at the planned facility <= {}"),
                       ("occupancy", "mean occupancy <= {}"),
                       ("midwife", "midwife within %g min >= {}" % lv.midwife_minutes),
                       ("ddi", "emergency caesarean within %g min >= {}" % lv.ddi_minutes)):
        value = getattr(lv, name)
        if value is not None:
            parts.append(text.format(f"{100 * value:g}%"))
    n = len(result.results.replications)
    lines = [
        f"{result.scenario.name}: service levels {'; '.join(parts) or 'none'}",
        f"{result.simulations} simulation(s) of the region, {n} replications each, seed "
        f"{result.results.seed}, after the ample-capacity run; "
        f"{'every level confirmed' if result.confirmed else 'NOT confirmed'}"
        f"{'' if result.converged else ' (rounds ran out)'}.",
        f"Ratio standards: {_per_1000(result.standards.beds_per_1000)} beds and "
        f"{_per_1000(result.standards.midwives_per_1000)} midwives per 1,000 deliveries; midwives "
        "'workload': WISN / Birthrate Plus establishment (all midwifery work); 'needed': "
        "head-count for the labour service level through the roster.",
        "",
    ]
    table = result.comparison[list(SHOWN)].copy()
    table["deliveries"] = table["deliveries"].round(0).astype("Int64")
    table["beds_needed_per_1000"] = table["beds_needed_per_1000"].round(1)
    table.columns = list(SHOWN.values())
    lines.append(table.to_string(index=False, na_rep="-"))
    lines += [f"\nNote: {note}" for note in result.notes]
    return "\n".join(lines)


def _per_1000(value: float | None) -> str:
    """A ratio standard as the summary prints it: its value, or "off" when the scenario
    switches it off."""
    return "off" if value is None else f"{value:g}"
