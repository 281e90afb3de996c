"""Compiled data structures of the event loop: heaps, heaps of times and first-come queues.

Each structure keeps one heap or queue per row of two-dimensional numpy arrays, so that a
facility's calendar or queue is a row and what a woman touches is a few cache lines. Rows grow
(every row doubles) when one is full. Nothing here knows about the pathway
(`capsim.model.pathway`); the tests check these structures against `heapq` and
`collections.deque`.

A structure is a record of named arrays (`record_class`): compiled, a numba structref
that jit code reads and changes in place; with ``NUMBA_DISABLE_JIT=1`` (to step through the
loop in a debugger or measure its coverage), a plain Python class with the same fields, since
structref proxies cannot run uncompiled. Both are built by keyword only, and a missing, extra
or misspelt field is refused: compiled, when the calling function is compiled; uncompiled, at
the call.

numba's disk cache checks only the file of each cached function: after editing this file,
remove ``capsim/model/__pycache__`` (or touch ``pathway.py``), or the loop keeps the old
structures compiled into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numba import config, njit, types
from numba.core.extending import overload
from numba.experimental import structref

from capsim.model.compiling import CALLEE_OPTIONS, jit_callee

#: True when numba compiles nothing (``NUMBA_DISABLE_JIT=1``): records are plain classes.
UNCOMPILED = bool(config.DISABLE_JIT)  # type: ignore[attr-defined]  # set at run time


class RecordType(types.StructRef):
    """A structref type whose fields are typed without literal values, so that a record built
    from a constant and one built from a variable are the same type."""

    def preprocess_fields(self, fields):
        """The fields with their literal types widened (``Literal[int](0)`` -> ``int64``)."""
        return tuple((name, types.unliteral(t)) for name, t in fields)


def check_fields(record: str, fields: Sequence[str], given: Iterable[str]) -> None:
    """Raise ``TypeError`` unless ``given`` names each of ``fields`` exactly once: which are
    missing and which are not fields of ``record``."""
    given = list(given)
    missing = [f for f in fields if f not in given]
    unknown = [g for g in given if g not in fields]
    if missing or unknown or len(given) != len(fields):
        raise TypeError(f"{record}: missing fields {missing}, unknown fields {unknown}")


class PlainRecord:
    """Base of the uncompiled records: fields set by keyword, checked by `check_fields`
    against the class's ``FIELDS``."""

    __slots__ = ()
    FIELDS: tuple[str, ...] = ()

    def __init__(self, **values) -> None:
        """Set every field from ``values`` (keywords only), refusing a missing or unknown
        name."""
        check_fields(type(self).__name__, self.FIELDS, values)
        for name, value in values.items():
            setattr(self, name, value)


def plain_record(name: str, fields: Sequence[str], doc: str, base: type | None = None) -> type:
    """A plain Python class named ``name`` with the slots ``fields``, built by keyword only
    (see `PlainRecord`): the uncompiled twin of a structref record."""
    bases = (PlainRecord,) if base is None else (base, PlainRecord)
    return type(name, bases, {"__slots__": tuple(fields), "__doc__": doc,
                              "FIELDS": tuple(fields)})


def record_class(name: str, type_class: type, fields: Sequence[str], doc: str,
                 base: type | None = None) -> type:
    """The class of a record named ``name`` with ``fields``: a structref proxy bound to
    ``type_class`` (a registered `RecordType`), or, uncompiled, `plain_record`'s
    plain class. ``base`` adds Python-side properties (such as the sizes of the rows).
    One field list serves both variants, so they cannot drift apart."""
    if UNCOMPILED:
        cls = plain_record(name, fields, doc, base)
    else:
        bases = (structref.StructRefProxy,) if base is None else (base,
                                                                  structref.StructRefProxy)
        cls = type(name, bases, {"__slots__": (), "__doc__": doc, "FIELDS": tuple(fields)})
        define_constructor(cls, type_class, fields)
        structref.define_boxing(type_class, cls)
    cls.__module__ = __name__
    return cls


#: The constructor of a record in compiled code, by `define_constructor`: its parameters are
#: the fields, and it sets each field of a new record to the argument of the same name.
CONSTRUCTOR = """
def typed({fields}):
    record_type = type_class(list(zip({names}, [{fields}])))
    def construct({fields}):
        record = new(record_type)
        {set_fields}
        return record
    return construct
"""


def define_constructor(cls: type, type_class: type, fields: Sequence[str]) -> None:
    """Let compiled code build a ``cls`` record by keyword (``cls(field=value, ...)``), as
    numba's ``structref.define_proxy`` does, but compiled as a callee (`jit_callee`): linked
    into the functions that build records, without machine code of its own."""
    source = CONSTRUCTOR.format(
        fields=", ".join(fields), names=repr(list(fields)),
        set_fields="\n        ".join(f"record.{f} = {f}" for f in fields))
    namespace = {"type_class": type_class, "new": structref.new}
    exec(source, namespace)  # noqa: S102 - our own source text, built from the field names
    typed: Any = namespace["typed"]
    overload(cls, jit_options=CALLEE_OPTIONS)(typed)  # type: ignore[arg-type]


class _RowHeaps:
    """What Python sees of heaps kept one per row: their sizes and their room."""

    __slots__ = ()

    @property
    def size(self) -> np.ndarray:
        """Entries in use in each row (uncompiled records hold the array itself)."""
        return _heaps_size(self)

    @property
    def capacity(self) -> int:
        """Room in each row (entries)."""
        return _heaps_capacity(self)


class _RowQueues:
    """What Python sees of queues kept one per row: how many wait in each."""

    __slots__ = ()

    @property
    def count(self) -> np.ndarray:
        """Women waiting in each row (uncompiled records hold the array itself)."""
        return _queues_count(self)


@structref.register
class HeapsType(RecordType):
    """The numba type of `Heaps`."""


@structref.register
class TimesType(RecordType):
    """The numba type of `Times`."""


@structref.register
class QueuesType(RecordType):
    """The numba type of `Queues`."""


Heaps = record_class(
    "Heaps", HeapsType, ("time", "tie", "data", "size"),
    """One binary heap per row, ordered by (``time``, ``tie``), each entry carrying ``data``;
    ``size[row]`` entries in use. Grows (doubling every row) when a row is full.""",
    _RowHeaps)

Times = record_class(
    "Times", TimesType, ("time", "size"),
    """One binary heap of times (hours) per row, ``size[row]`` in use: the lean heap of a
    facility's own calendar (when its beds, midwives and theatres become free). Grows
    (doubling every row) when a row is full.""",
    _RowHeaps)

Queues = record_class(
    "Queues", QueuesType, ("item", "head", "count"),
    """One first-come queue of women per row, as ring buffers: ``item[row]``, with the first
    at ``head[row]`` and ``count[row]`` waiting. Grows (doubling every row) when a row is
    full.""",
    _RowQueues)


@njit(cache=True)
def _heaps_size(h):
    """A copy of the entries in use in each row of ``h``."""
    return h.size.copy()


@njit(cache=True)
def _heaps_capacity(h):
    """Room in each row of ``h`` (entries)."""
    return h.time.shape[1]


@njit(cache=True)
def _queues_count(q):
    """A copy of the women waiting in each row of ``q``."""
    return q.count.copy()


# --- array growth --------------------------------------------------------------------------

@jit_callee()
def wider(rows, n):
    """A copy of the two-dimensional ``rows`` with twice the columns, the first ``n`` of each
    row kept (the rest uninitialised)."""
    out = np.empty((rows.shape[0], 2 * rows.shape[1]), dtype=rows.dtype)
    for row in range(rows.shape[0]):
        for k in range(n):
            out[row, k] = rows[row, k]
    return out


@jit_callee()
def grown(values, n):
    """``values`` itself when it has room for an entry at index ``n``; else a copy with twice
    the room (at least 16), its first ``n`` entries kept."""
    if n < values.shape[0]:
        return values
    out = np.empty(max(2 * values.shape[0], 16), dtype=values.dtype)
    for k in range(n):
        out[k] = values[k]
    return out


# --- heaps ordered by (time, tie) ----------------------------------------------------------

@jit_callee(python_calls=True)
def new_heaps(rows, cap):
    """Empty `Heaps`: ``rows`` rows with room for ``cap`` entries each."""
    return Heaps(time=np.empty((rows, cap)), tie=np.empty((rows, cap), dtype=np.int64),
                 data=np.empty((rows, cap), dtype=np.int64),
                 size=np.zeros(rows, dtype=np.int64))


@jit_callee()
def _before(h, r, i, j):
    """Whether entry ``i`` of row ``r`` comes before entry ``j``: earlier time, or the same
    time and a smaller tie."""
    a, b = h.time[r, i], h.time[r, j]
    return a < b or (a == b and h.tie[r, i] < h.tie[r, j])


@jit_callee()
def _swap(h, r, i, j):
    """Swap entries ``i`` and ``j`` of row ``r`` (time, tie and data)."""
    h.time[r, i], h.time[r, j] = h.time[r, j], h.time[r, i]
    h.tie[r, i], h.tie[r, j] = h.tie[r, j], h.tie[r, i]
    h.data[r, i], h.data[r, j] = h.data[r, j], h.data[r, i]


@jit_callee(python_calls=True)
def heap_push(h, r, t, tie, data):
    """Add the entry (time ``t``, ``tie``, ``data``) to row ``r`` of ``h``, growing every row
    when row ``r`` is full."""
    n = h.size[r]
    if n == h.time.shape[1]:
        h.time, h.tie, h.data = wider(h.time, n), wider(h.tie, n), wider(h.data, n)
    h.time[r, n], h.tie[r, n], h.data[r, n] = t, tie, data
    h.size[r] = n + 1
    i = n
    while i > 0:
        parent = (i - 1) >> 1
        if not _before(h, r, i, parent):
            break
        _swap(h, r, i, parent)
        i = parent


@jit_callee(python_calls=True)
def heap_pop(h, r):
    """Remove the first entry of row ``r`` (the earliest time, then the smallest tie); return
    its (time, tie, data). The row must not be empty."""
    t, tie, data = h.time[r, 0], h.tie[r, 0], h.data[r, 0]
    n = h.size[r] - 1
    h.size[r] = n
    if n > 0:
        h.time[r, 0], h.tie[r, 0], h.data[r, 0] = h.time[r, n], h.tie[r, n], h.data[r, n]
        i = np.int64(0)  # not the literal 0: _before and _swap would be compiled for it too
        while True:
            child = 2 * i + 1
            if child >= n:
                break
            if child + 1 < n and _before(h, r, child + 1, child):
                child += 1
            if not _before(h, r, child, i):
                break
            _swap(h, r, i, child)
            i = child
    return t, tie, data


@jit_callee()
def heap_due(h, r, t):
    """Whether row ``r`` of heaps ``h`` (`Heaps` or `Times`) has an entry at or
    before ``t`` (hours)."""
    return h.size[r] > 0 and h.time[r, 0] <= t


# --- heaps of times ------------------------------------------------------------------------

@jit_callee(python_calls=True)
def new_times(rows, cap):
    """Empty `Times`: ``rows`` rows with room for ``cap`` times each."""
    return Times(time=np.empty((rows, cap)), size=np.zeros(rows, dtype=np.int64))


@jit_callee(python_calls=True)
def times_push(h, r, t):
    """Add time ``t`` (hours) to row ``r`` of ``h``, growing every row when row ``r`` is
    full."""
    n = h.size[r]
    if n == h.time.shape[1]:
        h.time = wider(h.time, n)
    q = h.time[r]
    h.size[r] = n + 1
    i = n
    while i > 0:  # move the hole up to where t belongs
        parent = (i - 1) >> 1
        if q[parent] <= t:
            break
        q[i] = q[parent]
        i = parent
    q[i] = t


@jit_callee(python_calls=True)
def times_pop(h, r):
    """Remove and return the earliest time (hours) of row ``r`` of ``h``, which must not be
    empty."""
    q = h.time[r]
    first = q[0]
    n = h.size[r] - 1
    h.size[r] = n
    if n > 0:
        last = q[n]
        i = 0
        while True:  # move the hole down to where the last time belongs
            child = 2 * i + 1
            if child >= n:
                break
            if child + 1 < n and q[child + 1] < q[child]:
                child += 1
            if last <= q[child]:
                break
            q[i] = q[child]
            i = child
        q[i] = last
    return first


# --- first-come queues ---------------------------------------------------------------------

@jit_callee(python_calls=True)
def new_queues(rows, cap):
    """Empty `Queues`: ``rows`` rows with room for ``cap`` women each."""
    return Queues(item=np.empty((rows, cap), dtype=np.int64),
                  head=np.zeros(rows, dtype=np.int64), count=np.zeros(rows, dtype=np.int64))


@jit_callee(python_calls=True)
def queue_push(q, r, w):
    """Put woman ``w`` at the back of queue ``r``; when it is full, unroll every ring into
    arrays twice as wide (each row's first woman then at column 0)."""
    cap = q.item.shape[1]
    n = q.count[r]
    if n == cap:
        item = np.empty((q.item.shape[0], 2 * cap), dtype=np.int64)
        for row in range(q.item.shape[0]):
            for k in range(q.count[row]):
                item[row, k] = q.item[row, (q.head[row] + k) % cap]
        q.item = item
        q.head[:] = 0
        cap = 2 * cap
    q.item[r, (q.head[r] + n) % cap] = w
    q.count[r] = n + 1


@jit_callee(python_calls=True)
def queue_pop(q, r):
    """Remove and return the woman at the front of queue ``r``, which must not be empty."""
    w = q.item[r, q.head[r]]
    q.head[r] = (q.head[r] + 1) % q.item.shape[1]
    q.count[r] -= 1
    return w
