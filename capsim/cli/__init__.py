"""The ``capsim`` command line. Each command lives in its own module with a ``register``
function that adds its sub-parser; `COMMANDS` lists them in the order of ``--help``.

A command's module is imported only when that command runs (or when `build_parser` is
asked for every command), so that ``capsim --version`` and ``capsim --help`` answer at once."""

from __future__ import annotations

import argparse
import importlib
import sys

from capsim.errors import CapsimError

#: Command modules under capsim.cli, with their line of ``--help``, in the order it lists them.
COMMANDS: dict[str, str] = {
    "init": "write a commented starter scenario and where each of its inputs comes from",
    "run": "simulate a scenario and write its summary and plots",
    "validate": "check a scenario file without simulating",
    "check": "judge a scenario against the standards and its targets (exit 1 on fail)",
    "schema": "write the JSON Schema of scenario and sweep files",
    "sweep": "sensitivity analysis: one at a time, grid, Morris or Sobol",
    "compare": "compare variants with a baseline, paired by common random numbers",
    "size": "least beds, midwives and theatres per facility for the service levels",
    "report": "write one self-contained HTML report of a scenario's run",
    "import": "turn a facility table (CSV or Excel) into a scenario file",
    "observed": "set monthly statistics as reported against a run's simulated band",
    "app": "a what-if page in the browser, served on 127.0.0.1",
}
#: Command modules whose name differs from the command's (``import`` is a Python keyword).
MODULES: dict[str, str] = {"import": "import_table"}


def build_parser(argv: list[str] | None = None, lang: str | None = None
                 ) -> argparse.ArgumentParser:
    """Return the argument parser. Without ``argv`` every command is registered in full;
    with it, only the command ``argv`` names (the others are listed by name and help line).
    Its help is in ``lang`` (default: `message_lang` of ``argv``)."""
    parser = OneLineErrorParser(
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
            importlib.import_module(f"capsim.cli.{MODULES.get(name, name)}").register(sub)
        else:
            sub.add_parser(name, help=line)
    if (lang if lang is not None else message_lang(argv or [])) == "zh":
        _help_in_chinese(parser, sub)
    return parser


def message_lang(argv: list[str]) -> str:
    """The language of messages and help: ``--lang zh`` (or ``--lang=zh``) on the command
    line, else the locale's (`capsim.i18n.locale_lang`)."""
    from capsim.i18n import locale_lang

    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "zh" if argv[i + 1] == "zh" else "en"
        if arg.startswith("--lang="):
            return "zh" if arg.split("=", 1)[1] == "zh" else "en"
    return locale_lang()


def _help_in_chinese(parser: argparse.ArgumentParser, sub: argparse._SubParsersAction) -> None:
    """Put the Chinese help of `capsim.i18n.HELP_ZH` on ``parser`` and its commands (the
    English stays where a string has no translation)."""
    from capsim.i18n import help_zh

    def translate(p: argparse.ArgumentParser, command: str) -> None:
        p.description = help_zh(command) or p.description
        p._positionals.title = help_zh("positional arguments")
        p._optionals.title = help_zh("options")
        if isinstance(p, OneLineErrorParser):
            p.lang = "zh"
        for action in p._actions:
            zh = help_zh(f"{command}.{action.dest}") or help_zh(action.dest)
            if zh is not None:   # argparse expands % in help: a literal % is written %%
                action.help = zh.replace("%", "%%")

    translate(parser, "capsim")
    for choice in sub._choices_actions:
        line = help_zh(f"{choice.dest}:line")
        if line is not None:
            choice.help = line.replace("%", "%%")
    for name, p in sub.choices.items():
        translate(p, name)


class OneLineErrorParser(argparse.ArgumentParser):
    """An argument parser that refuses a bad command line in one line, ``error: ...``, exit 2
    (argparse would print the whole usage first); its sub-parsers are of the same kind. With
    ``lang`` "zh" its usage line and that error line are in Chinese."""

    lang = "en"

    def error(self, message: str):  # type: ignore[override]
        from capsim.i18n import t

        self.exit(2, t("cli_usage_error", self.lang, prog=self.prog, message=message) + "\n")

    def format_usage(self) -> str:
        return self._in_lang(super().format_usage())

    def format_help(self) -> str:
        return self._in_lang(super().format_help())

    def _in_lang(self, text: str) -> str:
        from capsim.i18n import help_zh

        if self.lang == "zh" and text.startswith("usage: "):
            return (help_zh("usage") or "usage: ") + text[len("usage: "):]
        return text


def error_in(exc: Exception, lang: str) -> str:
    """The message of ``exc`` in ``lang``: a scenario error's lines (file: field: reason) with
    the field as a planner reads it and the reasons capsim knows in Chinese
    (`capsim.i18n.error_reason_zh`); another of capsim's errors translated where the
    catalogue knows its words, else as it is."""
    from capsim.errors import LINE_CHARS, ScenarioError, clipped
    from capsim.i18n import error_reason_zh, readable_path, t

    if lang == "en":
        return str(exc)
    if not isinstance(exc, ScenarioError):
        return error_reason_zh(str(exc))
    name = clipped(str(exc.source), LINE_CHARS)
    lines = []
    for path, reason in exc.problems:
        reason = error_reason_zh(clipped(str(reason), LINE_CHARS))
        lines.append(t("error_problem", lang, file=name, reason=reason,
                       field=readable_path(clipped(str(path), LINE_CHARS), lang))
                     if path else t("error_file", lang, file=name, reason=reason))
    return "\n".join(lines)


def _is_run_failure(exc: RuntimeError) -> bool:
    """Whether ``exc`` is a failed replication or a task that kept killing its worker (looked
    up without importing the simulation modules, which a failed run has imported already)."""
    from capsim.parallel import WorkerLostError

    run = sys.modules.get("capsim.run")
    return isinstance(exc, WorkerLostError) or (
        run is not None and isinstance(exc, run.ReplicationError))


def _command_in(argv: list[str]) -> str | None:
    """The command ``argv`` names: its first argument that is not an option (the top-level
    options take no value), or None."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 a target failed, 2 bad input or a
    failed run, 130 interrupted by Ctrl-C, 143 stopped by SIGTERM).

    This is the one place where errors become exit codes: capsim's own errors, a failed
    replication (with its seed, to rerun it), a file that cannot be written, each in one
    ``error:`` line."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    from capsim.cli.terminal import PipeSafeOutput, Terminated, one_line, sigterm_as_interrupt
    from capsim.i18n import t

    lang = getattr(args, "lang", None) or message_lang(argv)

    stdout, stderr = sys.stdout, sys.stderr
    # Both, for `capsim run ... 2>&1 | head`: the progress bar writes to standard error.
    sys.stdout = PipeSafeOutput(stdout)  # type: ignore[assignment]
    sys.stderr = PipeSafeOutput(stderr)  # type: ignore[assignment]
    try:
        with sigterm_as_interrupt():
            code = int(args.func(args) or 0)
            sys.stdout.flush()
            return code
    except CapsimError as exc:
        print(t("cli_error", lang, message=error_in(exc, lang)), file=sys.stderr)
        return 2
    except RuntimeError as exc:
        if not _is_run_failure(exc):
            raise
        print(t("cli_error", lang, message=one_line(str(exc))), file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(t("cli_error", lang, message=where + one_line(exc.strerror or str(exc))),
              file=sys.stderr)
        return 2
    except Terminated:
        print(t("cli_terminated", lang), file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(t("cli_interrupted", lang), file=sys.stderr)
        return 130
    finally:
        sys.stdout, sys.stderr = stdout, stderr


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
