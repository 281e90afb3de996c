"""``capsim schema [--out DIR]``: write the JSON Schema of scenario and sweep files, for the
YAML support of an editor (completion, hover help, red underlines for a wrong field)."""

from __future__ import annotations

import argparse
from pathlib import Path

from capsim.cli import COMMANDS
from capsim.cli.common import add_out_option

DEFAULT_DIR = Path("capsim-schema")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the schema command."""
    p = sub.add_parser("schema", help=COMMANDS["schema"],
                       description="Write <kind>.schema.json for every kind of file a planner "
                       "writes (scenario, sweep). Point an editor's YAML support at them: "
                       "a first line '# yaml-language-server: $schema=PATH' in a scenario "
                       "file, or VS Code's 'yaml.schemas' setting.")
    add_out_option(p, "scenario.schema.json and sweep.schema.json", str(DEFAULT_DIR))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the schema files and print their paths; return 0."""
    from capsim.schema import write_schemas

    for path in write_schemas(args.out or DEFAULT_DIR):
        print(f"wrote {path}")
    return 0
