"""The compiled loop's own data structures against Python's: heaps against heapq, first-come
queues against a deque, through the growth of their arrays; and their records built by name
only."""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from capsim.model import heaps
from capsim.model.heaps import UNCOMPILED, Queues, plain_record


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heaps_pop_in_the_order_of_heapq(seed):
    rng = np.random.default_rng(seed)
    rows = 3
    h = heaps.new_heaps(np.int64(rows), np.int64(2))  # grows several times below
    reference = [[] for _ in range(rows)]
    popped, expected = [], []
    for step in range(3000):
        r = int(rng.integers(rows))
        if reference[r] and rng.random() < 0.45:
            popped.append(tuple(heaps.heap_pop(h, np.int64(r))))
            expected.append(heapq.heappop(reference[r]))
        else:
            # Few distinct times, so that ties are broken by the second key.
            t, tie = float(rng.integers(50)), int(rng.integers(1_000_000))
            heaps.heap_push(h, np.int64(r), t, np.int64(tie), np.int64(step))
            heapq.heappush(reference[r], (t, tie, step))
    for r in range(rows):
        while reference[r]:
            popped.append(tuple(heaps.heap_pop(h, np.int64(r))))
            expected.append(heapq.heappop(reference[r]))
    assert popped == expected
    assert h.size.tolist() == [0] * rows
    assert h.capacity > 2  # it did grow


def test_queues_are_first_come_first_served_through_growth():
    rng = np.random.default_rng(7)
    rows = 4
    queues = heaps.new_queues(np.int64(rows), np.int64(1))
    reference = [deque() for _ in range(rows)]
    for step in range(5000):
        r = int(rng.integers(rows))
        if reference[r] and rng.random() < 0.4:
            assert heaps.queue_pop(queues, np.int64(r)) == reference[r].popleft()
        else:
            heaps.queue_push(queues, np.int64(r), np.int64(step))
            reference[r].append(step)
        assert queues.count[r] == len(reference[r])
    for r in range(rows):
        got = [heaps.queue_pop(queues, np.int64(r)) for _ in range(len(reference[r]))]
        assert got == list(reference[r])


def test_times_pop_in_sorted_order_through_growth():
    rng = np.random.default_rng(11)
    rows = 3
    times = heaps.new_times(np.int64(rows), np.int64(1))
    reference = [[] for _ in range(rows)]
    for _ in range(4000):
        r = int(rng.integers(rows))
        if reference[r] and rng.random() < 0.45:
            assert heaps.times_pop(times, np.int64(r)) == heapq.heappop(reference[r])
        else:
            t = float(rng.integers(30)) + float(rng.random() < 0.5) * rng.random()  # ties too
            heaps.times_push(times, np.int64(r), t)
            heapq.heappush(reference[r], t)
    assert times.size.tolist() == [len(q) for q in reference]
    for r in range(rows):
        got = [heaps.times_pop(times, np.int64(r)) for _ in range(len(reference[r]))]
        assert got == sorted(reference[r])
    assert times.capacity > 1


def test_a_plain_record_refuses_a_missing_or_misspelt_field():
    record = plain_record("Pair", ("time", "size"), "two fields")
    ok = record(size=np.zeros(2), time=np.ones((2, 3)))
    assert ok.time.shape == (2, 3)
    with pytest.raises(TypeError, match=r"missing fields \['size'\]"):
        record(time=np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"unknown fields \['sise'\]"):
        record(time=np.ones((2, 3)), sise=np.zeros(2))


@pytest.mark.skipif(UNCOMPILED, reason="the compiled record is checked when compiled")
def test_a_compiled_record_refuses_a_misspelt_field():
    @njit
    def misspelt(n):
        return Queues(item=np.empty((n, 2), dtype=np.int64), head=np.zeros(n, dtype=np.int64),
                      cuont=np.zeros(n, dtype=np.int64))

    with pytest.raises(TypingError, match="cuont"):
        misspelt(2)
