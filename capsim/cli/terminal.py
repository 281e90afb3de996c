"""How the command line meets its terminal and its caller: SIGTERM stops a command as Ctrl-C
does, and standard output closed by its reader (``capsim run ... | head``) goes quiet."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class Terminated(KeyboardInterrupt):
    """SIGTERM reached the command: it stops as on Ctrl-C, keeping what finished."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` (in the main thread only, where
    Python delivers signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class PipeSafeOutput:
    """Standard output that goes quiet once its reader has gone (``capsim run ... | head``):
    the command still finishes its work and writes its files, and nothing is printed about
    the closed pipe."""

    def __init__(self, stream: TextIO):
        self._stream, self.closed_pipe = stream, False

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._close()
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._close()

    def _close(self) -> None:
        self.closed_pipe = True
        try:    # later writes by the interpreter (its flush at exit) go nowhere, quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def one_line(message: str) -> str:
    """``message`` on one line (its line breaks and runs of spaces as single spaces)."""
    return " ".join(message.split())
