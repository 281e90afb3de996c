"""``capsim init DIR``: a commented starter scenario that validates and runs, and a walk-through
of where each of its inputs comes from, written into a new folder."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option
from capsim.errors import CapsimError
from capsim.i18n import t as label

#: The files written, from capsim/data/starter/.
STARTER_FILES = ("scenario.yaml", "WHERE-THE-NUMBERS-COME-FROM.md")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the init command."""
    p = sub.add_parser(
        "init", help=COMMANDS["init"],
        description="Write a starter scenario (scenario.yaml: a county hospital, an MCH "
        "hospital and two township centres, every figure a commented placeholder) and "
        "WHERE-THE-NUMBERS-COME-FROM.md (which delivery register, statistics yearbook table "
        "or hospital report gives each input) into DIR. The scenario validates and runs as "
        "it is. Refuses to overwrite either file.")
    p.add_argument("folder", metavar="DIR", help="folder to write into (made if missing)")
    add_lang_option(p)
    p.set_defaults(func=run)


def starter_text(name: str) -> str:
    """The text of one starter file shipped in capsim/data/starter/."""
    return resources.files("capsim").joinpath("data", "starter", name).read_text(
        encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    """Write the starter files; return 0. Existing files are never overwritten."""
    from capsim.output import check_out_dir, write_text

    folder = Path(args.folder)
    check_out_dir(folder)
    present = [name for name in STARTER_FILES if (folder / name).exists()]
    if present:
        raise CapsimError(label("init_exists", args.lang, folder=folder,
                                files=", ".join(present)))
    for name in STARTER_FILES:
        write_text(folder / name, starter_text(name))
    print(label("init_done", args.lang, folder=folder, scenario=folder / STARTER_FILES[0],
                guide=folder / STARTER_FILES[1]))
    return 0
