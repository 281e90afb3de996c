"""Errors a planner sees: each names the file, the field path and the reason."""

from __future__ import annotations


class CapsimError(Exception):
    """Base class of capsim's own errors."""


class ScenarioError(CapsimError):
    """A scenario (or sweep) file that cannot be used, with every problem found in it.

    ``problems`` is a list of ``(field_path, reason)`` pairs; ``str()`` gives one line each,
    prefixed by the file name.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {path}: {reason}" if path else f"{source}: {reason}"
                 for path, reason in problems]
        super().__init__("\n".join(lines))
