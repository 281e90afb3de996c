"""Queueing theory for sizing: the Erlang loss (B) and delay (C) formulas, the least number of
servers meeting a target, and square-root staffing.

A *server* is whatever one customer holds: a bed (loss system: a woman who finds every bed
taken goes elsewhere) or a midwife's labour slot and a theatre (delay systems: she waits).
The *offered load* ``a`` is arrivals per unit time × mean holding time, in erlangs (the mean
number of servers that would be busy if there were always one free).

Every function uses the recurrence B(k) = a B(k-1) / (k + a B(k-1)), whose terms all lie in
[0, 1]: it neither overflows nor loses precision for thousands of servers, unlike the textbook
ratio of a^c / c! to a partial exponential sum.

References: Erlang-B holds for any holding-time distribution with the given mean (M/G/c/c);
Erlang-C and the delay tail assume exponential service (M/M/c). Halfin W, Whitt W, Operations
Research 1981;29:567 (square-root staffing). de Bruin AM et al., Ann Oper Res 2010;178:23
(ward sizing with the Erlang loss model).
"""

from __future__ import annotations

import math

from scipy import optimize, stats

#: Servers the searches below will try before giving up (a guard against an unmeetable target).
MAX_SERVERS = 1_000_000


def _check(c: int, a: float) -> None:
    if c < 0 or int(c) != c:
        raise ValueError(f"servers must be a non-negative integer, got {c!r}")
    if not a >= 0 or math.isinf(a):
        raise ValueError(f"offered load must be a finite number >= 0 erlangs, got {a!r}")


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of an M/G/c/c loss system (share of arrivals that find all ``c``
    servers busy) with offered load ``a`` erlangs; a probability from 0 to 1."""
    _check(c, a)
    b = 1.0
    for k in range(1, int(c) + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability of waiting in an M/M/c queue (share of arrivals that find every server
    busy) with offered load ``a`` erlangs; 1 when ``a >= c`` (the queue grows without bound)."""
    _check(c, a)
    if a >= c:
        return 1.0
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def wait_exceeds(c: int, a: float, t: float) -> float:
    """Share of arrivals of an M/M/c queue with load ``a`` erlangs who wait longer than ``t``,
    with ``t`` in units of the mean service time: C(c, a) exp(-(c - a) t); a probability."""
    if t < 0:
        raise ValueError(f"t must be >= 0, got {t!r}")
    p = erlang_c(c, a)
    return p if a >= c else p * math.exp(-(c - a) * t)


def loss_occupancy(c: int, a: float) -> float:
    """Mean occupancy of an M/G/c/c loss system: carried load a (1 - B) over ``c`` servers;
    a share from 0 to 1 (0 when there are no servers)."""
    return 0.0 if c == 0 else a * (1.0 - erlang_b(c, a)) / c


def min_servers_loss(a: float, target: float) -> int:
    """Least number of servers c with Erlang-B(c, a) <= ``target`` (servers).

    ``target`` is the largest acceptable blocking probability, from 0 (exclusive) to 1."""
    _check(0, a)
    if not 0 < target <= 1:
        raise ValueError(f"target blocking must be in (0, 1], got {target!r}")
    b, c = 1.0, 0
    while b > target:
        c += 1
        b = a * b / (c + a * b)
        if c > MAX_SERVERS:
            raise ValueError(f"no c up to {MAX_SERVERS} meets blocking {target} at load {a}")
    return c


def min_servers_occupancy(a: float, target: float) -> int:
    """Least number of loss-system servers whose mean occupancy is at most ``target`` (servers).

    Occupancy a (1 - B(c, a)) / c falls as c grows, so the search steps up from a / target,
    below which occupancy a (1 - B) / c stays above the target only when B is large."""
    _check(0, a)
    if not 0 < target <= 1:
        raise ValueError(f"target occupancy must be in (0, 1], got {target!r}")
    if a == 0:
        return 0
    c = 1
    while loss_occupancy(c, a) > target:
        c = max(c + 1, math.floor(a * (1 - erlang_b(c, a)) / target))
        if c > MAX_SERVERS:
            raise ValueError(f"no c up to {MAX_SERVERS} meets occupancy {target} at load {a}")
    # Step back while a smaller count still meets the target (the jump may overshoot).
    while c > 1 and loss_occupancy(c - 1, a) <= target:
        c -= 1
    return c


def min_servers_delay(a: float, target: float, t: float = 0.0) -> int:
    """Least number of M/M/c servers with at most ``target`` of arrivals waiting longer than
    ``t`` mean service times (servers); ``t = 0`` bounds the probability of waiting at all."""
    _check(0, a)
    if not 0 < target <= 1:
        raise ValueError(f"target must be in (0, 1], got {target!r}")
    c = max(1, math.floor(a) + 1)
    while wait_exceeds(c, a, t) > target:
        c += 1
        if c > MAX_SERVERS:
            raise ValueError(f"no c up to {MAX_SERVERS} meets {target} at load {a}")
    return c


def halfin_whitt_beta(p_wait: float) -> float:
    """The staffing coefficient beta of the Halfin-Whitt regime whose probability of waiting
    is ``p_wait``: the root of [1 + beta Phi(beta) / phi(beta)]^-1 = p_wait (dimensionless)."""
    if not 0 < p_wait < 1:
        raise ValueError(f"p_wait must be in (0, 1), got {p_wait!r}")

    def gap(beta: float) -> float:
        return 1.0 / (1.0 + beta * stats.norm.cdf(beta) / stats.norm.pdf(beta)) - p_wait

    return float(optimize.brentq(gap, 1e-9, 10.0))


def square_root_staffing(a: float, p_wait: float) -> int:
    """Servers by square-root staffing, ceil(a + beta sqrt(a)), with beta from
    `halfin_whitt_beta` for the probability of waiting ``p_wait`` (servers).

    An approximation of `min_servers_delay` with ``t = 0`` that improves as the load
    grows; it shows why the spare capacity a facility needs grows like sqrt(a), not like a."""
    _check(0, a)
    if a == 0:
        return 0
    return max(1, math.ceil(a + halfin_whitt_beta(p_wait) * math.sqrt(a) - 1e-12))


def calibrate_load(predict, c: int, observed: float, upper: float) -> float:
    """The offered load (erlangs) at which ``predict(c, a)`` equals ``observed``.

    ``predict`` must rise with the load (blocking, waiting, occupancy). Used to correct a
    queueing estimate with a simulated value: the load that makes the formula reproduce what
    the simulation showed at ``c`` servers. Searched in [0, ``upper``]; returns ``upper`` when
    even that load predicts less than ``observed``."""
    if observed <= predict(c, 0.0):
        return 0.0
    if predict(c, upper) <= observed:
        return upper
    return float(optimize.brentq(lambda x: predict(c, x) - observed, 0.0, upper, xtol=1e-6))
