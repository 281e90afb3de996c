"""Replications needed to halve a t confidence interval."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from capsim.stats import replications_to_halve


def _half_width_factor(m: int) -> float:
    return float(stats.t.ppf(0.975, m - 1) / math.sqrt(m))


# Hand-checked against a t table: t(0.975, 1) = 12.706, t(0.975, 2) = 4.303,
# t(0.975, 4) = 2.776, t(0.975, 12) = 2.179, t(0.975, 19) = 2.093, t(0.975, 72) = 1.993.
@pytest.mark.parametrize(("n", "expected"), [(2, 3), (3, 5), (5, 13), (20, 73)])
def test_replications_to_halve_small_runs(n: int, expected: int) -> None:
    assert int(replications_to_halve(n)) == expected
    assert int(replications_to_halve(np.array([n]))[0]) == expected


def test_replications_to_halve_undefined_below_two() -> None:
    assert np.isnan(replications_to_halve(np.array([0, 1]))).all()


@given(st.integers(min_value=2, max_value=400))
def test_replications_to_halve_is_the_smallest_that_halves(n: int) -> None:
    m = int(replications_to_halve(n))
    target = _half_width_factor(n) / 2
    assert _half_width_factor(m) <= target
    assert _half_width_factor(m - 1) > target
