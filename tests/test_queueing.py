"""capsim.queueing against independent computations: the textbook sums in exact arithmetic for
small systems, the Poisson distribution for large ones (where a^c / c! overflows), and the
definitions of the least-server searches."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from capsim import queueing as q
from capsim.scenario.models import Roster


def textbook_b(c: int, a: Fraction) -> Fraction:
    terms = [a**k / math.factorial(k) for k in range(c + 1)]
    return terms[-1] / sum(terms)


def textbook_c(c: int, a: Fraction) -> Fraction:
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize("c,a", [(1, "0.5"), (5, "3"), (10, "5"), (22, "18.25"), (40, "39.5")])
def test_erlang_b_and_c_equal_the_textbook_sums(c, a):
    exact = Fraction(a)
    assert q.erlang_b(c, float(exact)) == pytest.approx(float(textbook_b(c, exact)), rel=1e-12)
    assert q.erlang_c(c, float(exact)) == pytest.approx(float(textbook_c(c, exact)), rel=1e-12)


@pytest.mark.parametrize("c,a", [(2_000, 1_950.0), (20_000, 19_800.0), (5_000, 6_000.0)])
def test_erlang_b_is_stable_for_large_systems(c, a):
    # B(c, a) = P(N = c) / P(N <= c) for N ~ Poisson(a); a**c / c! overflows a float here.
    with pytest.raises(OverflowError):
        float(a) ** c / math.factorial(c)
    expected = math.exp(stats.poisson.logpmf(c, a) - stats.poisson.logcdf(c, a))
    assert q.erlang_b(c, a) == pytest.approx(expected, rel=1e-8)
    assert 0 < q.erlang_b(c, a) < 1


def test_erlang_c_is_one_when_the_load_reaches_the_servers():
    assert q.erlang_c(4, 4.0) == 1.0
    assert q.wait_exceeds(4, 5.0, 2.0) == 1.0
    assert q.erlang_c(4, 3.99) < 1.0


@settings(max_examples=60, deadline=None)
@given(a=st.floats(0.05, 300.0), target=st.floats(0.001, 0.3))
def test_least_servers_are_the_first_to_meet_the_target(a, target):
    c = q.min_servers_loss(a, target)
    assert q.erlang_b(c, a) <= target < (q.erlang_b(c - 1, a) if c > 0 else 1.0)
    occ = min(0.99, 0.5 + target)
    c = q.min_servers_occupancy(a, occ)
    assert q.loss_occupancy(c, a) <= occ
    assert c == 1 or occ < q.loss_occupancy(c - 1, a)
    t = target * 3
    c = q.min_servers_delay(a, target, t)
    assert q.wait_exceeds(c, a, t) <= target < q.wait_exceeds(c - 1, a, t)


@pytest.mark.parametrize("a", [50.0, 200.0, 800.0])
@pytest.mark.parametrize("p_wait", [0.1, 0.3, 0.5])
def test_square_root_staffing_approaches_the_exact_count(a, p_wait):
    beta = q.halfin_whitt_beta(p_wait)
    assert 1 / (1 + beta * stats.norm.cdf(beta) / stats.norm.pdf(beta)) == pytest.approx(p_wait)
    exact = q.min_servers_delay(a, p_wait)
    assert abs(q.square_root_staffing(a, p_wait) - exact) <= 1
    # The spare capacity grows like sqrt(a): four times the load, about twice the spare.
    spare_4a = q.min_servers_delay(4 * a, p_wait) - 4 * a
    assert spare_4a / (exact - a) == pytest.approx(2.0, rel=0.25)


def test_calibrate_load_recovers_the_load_behind_an_observation():
    for load in (3.2, 15.3, 60.0):
        observed = q.erlang_b(20, load)
        assert q.calibrate_load(q.erlang_b, 20, observed, 500.0) == pytest.approx(load, rel=1e-5)
    assert q.calibrate_load(q.erlang_b, 20, 0.0, 500.0) == 0.0


@pytest.mark.parametrize("bad", [(-1, 2.0), (3, -0.5), (3, math.inf), (2.5, 1.0)])
def test_bad_arguments_are_rejected(bad):
    with pytest.raises(ValueError):
        q.erlang_b(*bad)


@settings(max_examples=80, deadline=None)
@given(on_duty=st.integers(0, 300), shifts=st.integers(1, 4),
       availability=st.floats(0.3, 1.0))
def test_headcount_for_inverts_the_roster(on_duty, shifts, availability):
    roster = Roster(shifts_per_day=shifts, availability=availability)
    h = roster.headcount_for(on_duty)

    def cover(n: int) -> int:  # staff the roster keeps on duty, without the on-call minimum
        return math.floor(n * availability / shifts + 1e-9)

    assert roster.on_duty(h) >= on_duty
    assert cover(h) >= on_duty
    assert h == 0 or cover(h - 1) < on_duty
