"""Values worked out once for the objects they were worked out from, found again by those
objects' identity: the figures a scenario's replications share, the tables of a network.

A value is kept with its objects (so that an identity is never read for another object while
the value is kept), for the last few sets of objects: the oldest is dropped first.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class KeptByIdentity(Generic[T]):
    """At most ``size`` values, each found by the identity of the objects it was worked out
    from (and, with them, a hashable ``extra`` compared by value)."""

    def __init__(self, size: int):
        self._size = size
        self._kept: dict[tuple, tuple[tuple, T]] = {}

    def get(self, objects: tuple, work_out: Callable[[], T], extra: Hashable = ()) -> T:
        """The value kept for ``objects`` (the very same objects) and ``extra``; else
        ``work_out()``, kept for them and returned."""
        key = (tuple(map(id, objects)), extra)
        known = self._kept.get(key)
        if known is not None and all(a is b for a, b in zip(known[0], objects, strict=True)):
            return known[1]
        value = work_out()
        self._kept[key] = (objects, value)
        while len(self._kept) > self._size:
            del self._kept[next(iter(self._kept))]  # the oldest first
        return value
