"""``capsim observed TABLE RESULTS_DIR``: monthly statistics as reported against a run's
simulated 5-95% band, and the share of months inside it."""

from __future__ import annotations

import argparse

from capsim.cli import COMMANDS


def register(sub: argparse._SubParsersAction) -> None:
    """Add the observed command."""
    p = sub.add_parser(
        "observed", help=COMMANDS["observed"],
        description="Set each observed month of TABLE (a row per facility and month, a column "
        "per measure, as monthly-form.csv of a run; CSV or Excel, headers in English or "
        "Chinese) against the simulated 5-95% band of the run in RESULTS_DIR, and print the "
        "share of months inside it: about 90% if the model describes the region. Every bad "
        "cell is refused with its row, column and reason.")
    p.add_argument("table", help="monthly statistics as reported (.csv in UTF-8, or .xlsx)")
    p.add_argument("results", help="results folder written by capsim run")
    p.add_argument("--out", help="CSV file of every observed month against its band")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compare and print the coverage; write the comparison with --out. Returns 0."""
    from capsim.errors import CapsimError
    from capsim.formatting import fmt_num
    from capsim.i18n import t
    from capsim.monthly import MEASURES
    from capsim.observed import compare, coverage, read_observed, read_simulated
    from capsim.output import check_out_file, write_csv
    from capsim.report.inputs import scenario_copy
    from capsim.scenario import load_scenario

    copy = scenario_copy(args.results)
    if copy is None:
        raise CapsimError(f"{args.results}: not a results folder of capsim run (no scenario "
                          "copy); run `capsim run SCENARIO --out DIR` first")
    if args.out:
        check_out_file(args.out)
    scenario = load_scenario(copy)
    simulated = read_simulated(args.results)
    comparison = compare(read_observed(args.table, scenario), simulated)
    share = coverage(comparison)
    for row in share.itertuples(index=False):
        pct = f"{fmt_num(100 * row.share)}%"
        if row.measure == "all":
            print(t("ms_coverage", args.lang, inside=row.inside, n=row.months, share=pct))
        else:
            print("  " + t("ms_coverage_measure", args.lang,
                           measure=t(MEASURES[row.measure], args.lang),
                           inside=row.inside, n=row.months, share=pct))
    if args.out:
        write_csv(comparison, args.out)
        print(t("wrote_file", args.lang, path=args.out))
    return 0
