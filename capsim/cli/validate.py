"""``capsim validate SCENARIO``: check a scenario file without simulating."""

from __future__ import annotations

import argparse

from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option
from capsim.i18n import t as label


def register(sub: argparse._SubParsersAction) -> None:
    """Add the validate command."""
    p = sub.add_parser("validate", help=COMMANDS["validate"],
                       description="Check a scenario file without simulating: exit 0 when it is "
                       "valid, 2 with the file, field and reason of every problem otherwise.")
    p.add_argument("scenario", help="scenario file (YAML or TOML)")
    p.add_argument("--show", action="store_true",
                   help="print the validated scenario with every default filled in")
    add_lang_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate the file; print a one-line verdict (or the full scenario with --show)."""
    import yaml

    from capsim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if args.show:
        print(yaml.safe_dump(scenario.model_dump(mode="json"), allow_unicode=True,
                             sort_keys=False))
    n_deliv = sum(f.delivers for f in scenario.facilities)
    first_year = scenario.demand.deliveries_in(scenario.horizon.start.year,
                                               scenario.horizon.start.year)
    print(label("validate_ok", args.lang, file=args.scenario,
                name=scenario.display_name(args.lang), n=len(scenario.facilities),
                deliver=n_deliv, deliveries=f"{first_year:.0f}",
                year=scenario.horizon.start.year, start=scenario.horizon.start,
                end=scenario.horizon.end))
    return 0
