"""The ``capsim`` command line. Each command lives in its own module with a ``register``
function that adds its sub-parser; :data:`COMMANDS` lists them in the order of ``--help``.

A command's module is imported only when that command runs (or when :func:`build_parser` is
asked for every command), so that ``capsim --version`` and ``capsim --help`` answer at once."""

from __future__ import annotations

import argparse
import importlib
import sys

from capsim.errors import CapsimError

#: Command modules under capsim.cli, with their line of ``--help``, in the order it lists them.
COMMANDS: dict[str, str] = {
    "run": "simulate a scenario and write its summary and plots",
    "validate": "check a scenario file without simulating",
    "check": "judge a scenario against the standards and its targets (exit 1 on fail)",
    "schema": "write the JSON Schema of scenario and sweep files",
    "sweep": "sensitivity analysis: one at a time, grid, Morris or Sobol",
    "compare": "compare variants with a baseline, paired by common random numbers",
    "size": "least beds, midwives and theatres per facility for the service levels",
    "report": "write one self-contained HTML report of a scenario's run",
}


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser. Without ``argv`` every command is registered in full;
    with it, only the command ``argv`` names (the others are listed by name and help line)."""
    parser = argparse.ArgumentParser(
        prog="capsim",
        description="Capacity planning of maternity services: simulate every delivery of a "
        "scenario and report beds, staff and service levels with confidence intervals.",
    )
    from capsim import __version__

    parser.add_argument("--version", action="version", version=f"capsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = COMMANDS if argv is None else {_command_in(argv)}
    for name, line in COMMANDS.items():
        if name in wanted:
            importlib.import_module(f"capsim.cli.{name}").register(sub)
        else:
            sub.add_parser(name, help=line)
    return parser


def _command_in(argv: list[str]) -> str | None:
    """The command ``argv`` names: its first argument that is not an option (the top-level
    options take no value), or None."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 a target failed, 2 bad input)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
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
