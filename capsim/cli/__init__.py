"""The ``capsim`` command line. Each command lives in its own module with a ``register``
function that adds its sub-parser; :data:`COMMANDS` lists them in the order of ``--help``."""

from __future__ import annotations

import argparse
import importlib
import sys

from capsim.errors import CapsimError

#: Command modules under capsim.cli, in the order they appear in the help.
COMMANDS: tuple[str, ...] = ("run", "validate", "check", "schema", "sweep", "compare", "size",
                             "report")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="capsim",
        description="Capacity planning of maternity services: simulate every delivery of a "
        "scenario and report beds, staff and service levels with confidence intervals.",
    )
    from capsim import __version__

    parser.add_argument("--version", action="version", version=f"capsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"capsim.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 a target failed, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CapsimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
