"""Errors a planner sees: each names the file, the field path and the reason.

Every message is one line per problem, whatever the file holds: control characters (a
newline, an ANSI escape sequence) are shown escaped, and values echoed from the file are cut
to `SHOWN_CHARS` characters, so that a hostile file can neither paint the terminal nor
flood it.
"""

from __future__ import annotations

import re

#: Characters of a value echoed in a message, beyond which it is cut with "…".
SHOWN_CHARS = 80
#: Characters of one problem's field path or reason, beyond which it is cut with "…"; a
#: reason is written by capsim, but may quote several values of the file.
LINE_CHARS = 600

# C0 and C1 control characters, DEL, and the bidirectional and line-separating formatting
# characters that change how a terminal shows the rest of the line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escaped(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\n``), so
    that it prints on one line and changes nothing on the terminal (text)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def clipped(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` escaped (`escaped`) and cut to ``limit`` characters with "…" (text)."""
    text = escaped(text[: limit * 4])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value of a file as a message quotes it: its ``repr`` for text, its ``str`` for
    anything else, escaped and cut to ``limit`` characters (text). Containers are not
    rendered in full (a shared YAML alias may make them huge): only their kind and length."""
    if isinstance(value, (dict, list, tuple, set)):
        if len(value) == 0 or _small(value):
            return clipped(repr(value), limit)
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, str):
        return clipped(repr(value[: limit * 4]), limit)
    return clipped(str(value), limit)


def _small(value: dict | list | tuple | set) -> bool:
    items = value.items() if isinstance(value, dict) else [(None, v) for v in value]
    return len(value) <= 8 and all(
        not isinstance(v, (dict, list, tuple, set)) and len(str(k)) + len(str(v)) < 40
        for k, v in items)


class CapsimError(Exception):
    """Base class of capsim's own errors."""


class ScenarioError(CapsimError):
    """A scenario (or sweep) file that cannot be used, with every problem found in it.

    ``problems`` is a list of ``(field_path, reason)`` pairs; ``str()`` gives one line each,
    prefixed by the file name, each escaped and cut (`LINE_CHARS`).
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        name = clipped(str(source), LINE_CHARS)
        lines = []
        for path, reason in problems:
            path, reason = clipped(str(path), LINE_CHARS), clipped(str(reason), LINE_CHARS)
            lines.append(f"{name}: {path}: {reason}" if path else f"{name}: {reason}")
        super().__init__("\n".join(lines))
