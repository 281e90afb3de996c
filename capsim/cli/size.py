"""``capsim size SCENARIO``: the least beds, midwives and theatres of each facility for the
service levels, beside today's capacity, the ratio standards and the workload establishment."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from capsim.cli import COMMANDS
from capsim.cli.common import (
    add_lang_option,
    add_out_option,
    add_run_options,
    load_warnings_in,
    positive_int,
    scheduler,
)
from capsim.errors import CapsimError
from capsim.i18n import t as label

#: Columns of the printed table, in order (their headers are ``size_columns`` of the catalogue).
SHOWN = ("year", "facility", "deliveries", "beds_now", "beds_ratio", "beds_needed", "beds_gap",
         "beds_needed_per_1000", "midwives_now", "midwives_ratio", "midwives_workload",
         "midwives_needed", "midwives_gap", "theatres_now", "theatres_needed", "met", "least")

DELIVERY_SHOWN = ("delivery_beds_now", "delivery_beds_needed", "delivery_beds_gap")

#: Files written into --out.
TABLE_FILE, PLOT_FILE = "sizing.csv", "sizing.png"

#: Exit codes of ``capsim size``.
EXIT_REACHED, EXIT_NOT_CONFIRMED, EXIT_BAD_INPUT, EXIT_OUT_OF_REACH = 0, 1, 2, 3


def register(sub: argparse._SubParsersAction) -> None:
    """Add the size command."""
    p = sub.add_parser(
        "size", help=COMMANDS["size"],
        description="Find the least beds, on-duty midwives (and head-count) and theatres of "
        "each facility and year that meet the service levels, starting from queueing theory "
        "and confirming by simulating the whole region (a level is met only when its 95% "
        "interval is within it). Facilities the scenario describes identically are sized "
        "together and get one answer. Prints them beside today's capacity, the ratio "
        "standards and the workload establishment. Exit codes: 0 every level confirmed; "
        "1 not confirmed (no round met every level: allow more rounds or replications); "
        "2 bad input; 3 a level is out of reach at some facility whatever its capacity "
        "(e.g. the decision-to-delivery share, which preparation and transfer times cap), "
        "the capacities shown meeting the others.")
    p.add_argument("scenario", help="scenario file (YAML or TOML)")
    p.add_argument("--service-level", action="append", default=[], metavar="NAME=VALUE",
                   help="a service level, repeatable: no_bed=0.01, occupancy=0.85, "
                   "midwife=0.95, midwife_minutes=15, ddi=0.95, ddi_minutes=30 (shares as "
                   "fractions or with %%; 'off' drops a level). Default: the standards "
                   "catalogue as the scenario's targets set it")
    add_out_option(p, f"the comparison table {TABLE_FILE} and the plot of beds per 1,000 "
                   f"deliveries against facility size {PLOT_FILE}", "print only")
    add_lang_option(p)
    p.add_argument("--rounds", type=positive_int, default=None, metavar="N",
                   help="most rounds of simulation after the ample-capacity run (default 10)")
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Size, print and write; return the exit code (`exit_code`)."""
    from capsim.output import check_out_dir, write_csv
    from capsim.plots import save
    from capsim.scenario import load_scenario
    from capsim.sizing import parse_assignments, service_levels, size
    from capsim.sizing.cots import size_cots
    from capsim.sizing.solver import DEFAULT_ROUNDS

    out = Path(args.out) if args.out else None
    if out is not None:
        check_out_dir(out)
    scenario = load_scenario(args.scenario)
    levels = service_levels(parse_assignments(args.service_level), scenario,
                            source="--service-level")
    rounds = DEFAULT_ROUNDS if args.rounds is None else args.rounds
    if rounds < 1:
        raise CapsimError(f"--rounds must be at least 1, got {rounds}")
    with load_warnings_in(args.lang, scenario):
        result = size(scenario, levels, replications=args.replications, seed=args.seed,
                      workers=args.workers, client=scheduler(args), rounds=rounds,
                      progress=True)
    print(format_result(result, args.lang))
    if scenario.newborn is not None:  # newborn cots by the same service levels
        print(format_cots(size_cots(scenario, levels, replications=args.replications,
                                    seed=args.seed), args.lang, scenario))
    if out is not None:
        write_csv(result.comparison, out / TABLE_FILE)
        save(result.plot(args.lang), out / PLOT_FILE)
        print("\n" + label("wrote", args.lang, files=f"{TABLE_FILE}, {PLOT_FILE}",
                           folder=out))
    return exit_code(result)


def format_cots(table, lang: str = "en", scenario=None) -> str:
    """The newborn cots needed (`capsim.sizing.cots.size_cots`) as text in ``lang``
    (facilities by their names in ``scenario`` when given)."""
    shown = table.copy()
    for col, digits in (("births_per_year", 0), ("offered_load", 2),
                        ("cots_needed_per_1000_births", 1)):
        shown[col] = shown[col].round(digits)
    if lang != "en":
        from capsim.plots import facility_names

        names = facility_names(scenario, lang) if scenario is not None else {}
        shown["facility"] = [names.get(f, f) for f in shown["facility"]]
        shown["level"] = [label(f"cots_{level}", lang) for level in shown["level"]]
        shown.columns = label("cots_columns", lang).split("|")
    with pd.option_context("display.unicode.east_asian_width", True):
        text = shown.to_string(index=False, na_rep="-")
    return "\n" + label("care_cots_sized", lang) + "\n" + text


def exit_code(result) -> int:
    """0 when every level was confirmed, 1 when no round met every level, 3 when the
    capacities met every level within reach but some level is out of reach."""
    if not result.confirmed:
        return EXIT_NOT_CONFIRMED
    return EXIT_REACHED if result.out_of_reach.empty else EXIT_OUT_OF_REACH


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%" if round(100 * share, 1) != round(100 * share) \
        else f"{100 * share:g}%"


def format_result(result, lang: str = "en") -> str:
    """The levels, the verdict, what is out of reach, the twin groups and the comparison table,
    as text in ``lang``."""
    from capsim.plots import facility_names
    from capsim.sizing.twins import twin_groups

    lv = result.levels
    names = facility_names(result.scenario, lang)
    parts = [label(f"size_level_{name}", lang, value=_pct(value),
                   minutes=getattr(lv, f"{name}_minutes", 0.0))
             for name in ("no_bed", "occupancy", "midwife", "ddi")
             if (value := getattr(lv, name)) is not None]
    if not result.confirmed:
        verdict = label("size_not_confirmed", lang)
    elif result.out_of_reach.empty:
        verdict = label("size_confirmed", lang)
    else:
        verdict = label("size_confirmed_in_reach", lang)
    if not result.converged:
        verdict += label("size_rounds_out", lang)
    lines = [
        label("size_levels", lang, name=result.scenario.display_name(lang),
              levels=label("one_sep", lang).join(parts) or label("size_no_levels", lang)),
        label("size_runs", lang, runs=result.simulations, n=len(result.results.replications),
              seed=result.results.seed),
        verdict,
    ]
    for fid, rows in result.out_of_reach.groupby("facility", sort=False):
        low, high = rows["attainable"].min(), rows["attainable"].max()
        span = _pct(low) + ("" if _pct(low) == _pct(high) else f"-{_pct(high)}")
        lines.append(label("size_out_of_reach", lang, facility=names.get(fid, fid),
                           years=", ".join(map(str, rows["year"])),
                           level=label("size_level_ddi", lang, value=_pct(lv.ddi),
                                       minutes=lv.ddi_minutes),
                           attainable=span, minutes=lv.ddi_minutes, target=_pct(lv.ddi)))
    if result.out_of_reach_defaults:
        lines.append(label("check_defaults", lang,
                           params=", ".join(result.out_of_reach_defaults)))
    twins = twin_groups(result.scenario)
    if twins:
        groups = label("one_sep", lang).join(label("one_comma", lang).join(names.get(f, f)
                                                                          for f in g)
                                             for g in twins)
        lines.append(label("size_twins", lang, groups=groups))
    lines += [label("size_standards", lang,
                    beds=_per_1000(result.standards.beds_per_1000, lang),
                    midwives=_per_1000(result.standards.midwives_per_1000, lang)), ""]
    # Delivery beds show only in a region where some facility has two bed pools.
    two_pools = result.comparison["delivery_beds_now"].notna().any()
    table = result.comparison[list(SHOWN + (DELIVERY_SHOWN if two_pools else ()))].copy()
    table["deliveries"] = table["deliveries"].round(0).astype("Int64")
    table["beds_needed_per_1000"] = table["beds_needed_per_1000"].round(1)
    table["facility"] = [names.get(f, f) for f in table["facility"]]
    if lang != "en":
        for col in ("met", "least"):
            if col in table.columns:
                table[col] = [label("xl_yes" if v else "xl_no", lang) if pd.notna(v) else v
                              for v in table[col]]
    table.columns = label("size_columns", lang).split("|") + (
        label("size_delivery_columns", lang).split("|") if two_pools else [])
    with pd.option_context("display.unicode.east_asian_width", True):
        lines.append(table.to_string(index=False, na_rep="-"))
    # result.notes say in English what the verdict lines above say in either language.
    return "\n".join(lines)


def _per_1000(value: float | None, lang: str = "en") -> str:
    """A ratio standard as the summary prints it: its value, or "off" when the scenario
    switches it off."""
    return label("size_standard_off", lang) if value is None else f"{value:g}"
