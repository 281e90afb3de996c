"""The compiled loop's own data structures against Python's: heaps against heapq, first-come
queues against a deque, through the growth of their arrays."""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np
import pytest

from capsim.model import kernel


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_heaps_pop_in_the_order_of_heapq(seed):
    rng = np.random.default_rng(seed)
    rows = 3
    heaps = kernel.new_heaps(np.int64(rows), np.int64(2))  # grows several times below
    reference = [[] for _ in range(rows)]
    popped, expected = [], []
    for step in range(3000):
        r = int(rng.integers(rows))
        if reference[r] and rng.random() < 0.45:
            popped.append(tuple(kernel.heap_pop(heaps, np.int64(r))))
            expected.append(heapq.heappop(reference[r]))
        else:
            # Few distinct times, so that ties are broken by the second key.
            t, tie = float(rng.integers(50)), int(rng.integers(1_000_000))
            kernel.heap_push(heaps, np.int64(r), t, np.int64(tie), np.int64(step))
            heapq.heappush(reference[r], (t, tie, step))
    for r in range(rows):
        while reference[r]:
            popped.append(tuple(kernel.heap_pop(heaps, np.int64(r))))
            expected.append(heapq.heappop(reference[r]))
    assert popped == expected
    assert heaps.size.tolist() == [0] * rows
    assert heaps.capacity > 2  # it did grow


def test_queues_are_first_come_first_served_through_growth():
    rng = np.random.default_rng(7)
    rows = 4
    queues = kernel.new_queues(np.int64(rows), np.int64(1))
    reference = [deque() for _ in range(rows)]
    for step in range(5000):
        r = int(rng.integers(rows))
        if reference[r] and rng.random() < 0.4:
            assert kernel.queue_pop(queues, np.int64(r)) == reference[r].popleft()
        else:
            kernel.queue_push(queues, np.int64(r), np.int64(step))
            reference[r].append(step)
        assert queues.count[r] == len(reference[r])
    for r in range(rows):
        got = [kernel.queue_pop(queues, np.int64(r)) for _ in range(len(reference[r]))]
        assert got == list(reference[r])


def test_times_pop_in_sorted_order_through_growth():
    rng = np.random.default_rng(11)
    rows = 3
    times = kernel.new_times(np.int64(rows), np.int64(1))
    reference = [[] for _ in range(rows)]
    for _ in range(4000):
        r = int(rng.integers(rows))
        if reference[r] and rng.random() < 0.45:
            assert kernel.times_pop(times, np.int64(r)) == heapq.heappop(reference[r])
        else:
            t = float(rng.integers(30)) + float(rng.random() < 0.5) * rng.random()  # ties too
            kernel.times_push(times, np.int64(r), t)
            heapq.heappush(reference[r], t)
    assert times.size.tolist() == [len(q) for q in reference]
    for r in range(rows):
        got = [kernel.times_pop(times, np.int64(r)) for _ in range(len(reference[r]))]
        assert got == sorted(reference[r])
    assert times.capacity > 1
