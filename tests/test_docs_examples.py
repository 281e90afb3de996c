"""Every command shown in the README and the guide runs, on the shipped scenarios.

A ```bash block's lines that start with ``capsim `` are run in one scratch folder that sees
the repository's ``scenarios/``, ``docs/`` and ``notebooks/``, with at most 2 replications on
1 worker (and no cluster address); a command shown on several pages runs once. They must exit
0, or the code named by a marker line just before the block:

    <!-- example: exit 2 -->

```python blocks of the guide that import capsim run too, in order, one namespace per page,
with ``replications=`` cut to 2. ``<!-- example: not run (reason) -->`` before a block leaves
it out, with the reason, where it needs something CI has not (a cluster's address).
"""

from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from capsim.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").rglob("*.md")
                                     if "reference" not in p.parts)]
LINKED = ("scenarios", "docs", "notebooks")
REPLICATIONS = "2"

BLOCK = re.compile(r"(?:^<!-- example: (?P<marker>[^>]*?) -->\n)?^```(?P<lang>[a-z]*)[^\n]*\n"
                   r"(?P<body>.*?)^```\s*$", re.M | re.S)


@dataclass
class Example:
    """One runnable example of a page: a capsim command or a Python block."""

    page: str
    line: int
    lang: str
    code: str
    exit: int = 0


def examples(text: str, page: str = "<text>") -> list[Example]:
    """Return the runnable examples of a Markdown text, in order; blocks marked ``not run``
    are left out. Raises ValueError for a marker that is not understood."""
    found = []
    for m in BLOCK.finditer(text):
        lang, marker = m.group("lang"), (m.group("marker") or "").strip()
        line = text.count("\n", 0, m.start("body"))
        expected = 0
        if marker.startswith("not run"):
            if not re.fullmatch(r"not run \(.+\)", marker):
                raise ValueError(f"{page}:{line}: say why an example is not run")
            continue
        if marker:
            mm = re.fullmatch(r"exit (\d+)", marker)
            if not mm:
                raise ValueError(f"{page}:{line}: unknown example marker {marker!r}")
            expected = int(mm.group(1))
        if lang == "bash":
            body = m.group("body").replace("\\\n", " ")
            for k, cmd in enumerate(body.splitlines()):
                if cmd.strip().startswith("capsim "):
                    found.append(Example(page, line + k, "bash", cmd.strip(), expected))
        elif lang == "python" and "capsim" in m.group("body"):
            found.append(Example(page, line, "python", m.group("body"), expected))
    return found


def small_argv(command: str) -> list[str]:
    """The arguments of a documented ``capsim`` command, cut to a quick run: at most
    REPLICATIONS replications, 1 worker, no cluster address. A command whose input is a
    folder of results (``capsim report FOLDER``) simulates nothing and keeps its arguments."""
    argv = shlex.split(command, comments=True)[1:]
    if any(op in argv for op in ("|", "&&", ";", ">")):
        raise ValueError(f"keep documented commands to one capsim command: {command}")
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = commands.choices.get(argv[0]) if argv else None
    actions = dict(sub._option_string_actions) if sub is not None else {}
    out: list[str] = []
    positional: list[str] = []
    rest = iter(argv[1:])
    for arg in rest:
        name = arg.split("=", 1)[0]
        takes_value = name in actions and actions[name].nargs != 0 and "=" not in arg
        value = next(rest, None) if takes_value else None
        if name in ("--replications", "-n", "--workers", "--scheduler"):
            continue
        if not arg.startswith("-"):
            positional.append(arg)
        out += [arg] if value is None else [arg, value]
    simulates = not any(Path(p).is_dir() for p in positional)
    for option, value in (("--replications", REPLICATIONS), ("--workers", "1")):
        if option in actions and simulates:
            out += [option, value]
    return argv[:1] + out


#: Exit codes of the commands already run in this test session: a command shown on two pages
#: (the English and the Chinese getting-started) runs once.
RAN: dict[tuple[str, ...], int] = {}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """One folder for every page's examples, seeing the repository's scenarios and docs: a
    command shown on two pages runs once, and its outputs are there for both."""
    folder = tmp_path_factory.mktemp("docs-examples")
    for name in LINKED:
        if (ROOT / name).exists():
            (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    return folder


def run_page(page: Path, capsys) -> list[str]:
    """Run every example of a page in the current folder; return what went wrong."""
    problems = []
    namespace: dict = {}
    rel = page.relative_to(ROOT).as_posix()
    for ex in examples(page.read_text(encoding="utf-8"), rel):
        where = f"{rel}:{ex.line}"
        if ex.lang == "bash":
            argv = small_argv(ex.code)
            if tuple(argv) not in RAN:
                try:
                    RAN[tuple(argv)] = main(argv)
                except SystemExit as exc:  # argparse rejected the command line
                    RAN[tuple(argv)] = exc.code if isinstance(exc.code, int) else 2
            code = RAN[tuple(argv)]
            out = capsys.readouterr()
            if code != ex.exit:
                problems.append(f"{where}: `{ex.code}` exited {code}, expected {ex.exit} "
                                f"(ran capsim {' '.join(argv)})\n{out.err[-2000:]}")
        else:
            code_text = re.sub(r"replications=\d+", f"replications={REPLICATIONS}", ex.code)
            try:
                exec(compile(code_text, where, "exec"), namespace)  # noqa: S102
            except Exception as exc:  # report every failing block of the page
                problems.append(f"{where}: Python example raised {exc!r}")
            capsys.readouterr()
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_documented_examples_run(page, scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch)
    problems = run_page(page, capsys)
    assert not problems, "\n".join(problems)


def test_examples_are_found_with_their_expected_exit_codes():
    text = ("Intro\n\n```bash\ncapsim run a.yaml --replications 20\npip install x\n```\n\n"
            "<!-- example: exit 2 -->\n```bash\ncapsim validate bad.yaml\n```\n\n"
            "<!-- example: not run (needs a cluster) -->\n```bash\ncapsim run a.yaml\n```\n"
            "```python\nimport capsim\n```\n```text\ncapsim run shown, not run\n```\n")
    found = examples(text)
    assert [(e.lang, e.code, e.exit) for e in found] == [
        ("bash", "capsim run a.yaml --replications 20", 0),
        ("bash", "capsim validate bad.yaml", 2),
        ("python", "import capsim\n", 0),
    ]
    assert small_argv(found[0].code) == ["run", "a.yaml", "--replications", "2",
                                         "--workers", "1"]
    with pytest.raises(ValueError, match="say why"):
        examples("<!-- example: not run -->\n```bash\ncapsim run a.yaml\n```\n")


def test_readme_commands_are_among_the_examples_run():
    readme = examples((ROOT / "README.md").read_text(encoding="utf-8"), "README.md")
    assert any(e.lang == "bash" for e in readme)
