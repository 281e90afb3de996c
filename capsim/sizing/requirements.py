"""What queueing theory says one facility-year needs for one service level, and how a simulated
value corrects it.

Each service level of `capsim.sizing.levels.CHECKS` has a formula that predicts its
"bad share" (women turned away, mean occupancy, labours waiting longer than the target,
emergency caesareans outside the DDI target) from the capacity and the offered load:

* beds, no bed: Erlang-B, B(c, a) (a loss system; any length-of-stay distribution);
* delivery beds, no bed: Erlang-B at the offered load of women in labour, each holding a
  delivery bed for her labour and her recovery (a start: the simulation corrects it);
* beds, occupancy: the loss system's mean occupancy a (1 - B) / c;
* midwives: the M/M/c tail C(s, a) exp(-(s - a) t) with s labour slots (on-duty midwives ×
  women each may care for) and t the wait target in mean labour durations;
* theatres: 1 - q (1 - C(c, a)), q being the share within the DDI target with a theatre
  always free (the ceiling), because a woman who waits for a theatre misses the target.

The first guess is the least capacity the formula allows at the offered load. A simulation at
capacity c corrects it: the load is recalibrated until the formula gives, at c, the
unfavourable end of the simulated interval, and the least capacity is read again at that load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from capsim import queueing
from capsim.sizing.levels import Check, ServiceLevels

#: The smallest probability of waiting a theatre target is sized for (a guard: a DDI ceiling
#: equal to the level would ask for a theatre that is never busy).
MIN_WAIT_TARGET = 1e-4


@dataclass(frozen=True)
class Context:
    """What the formulas of one facility-year need, in the units of `capsim.queueing`."""

    bed_load: float        # erlangs (women in beds)
    labour_load: float     # erlangs (women in labour care)
    theatre_load: float    # erlangs (caesareans in theatre)
    per_midwife: int       # women in labour one on-duty midwife cares for at once
    wait_t: float          # midwife wait target / mean labour duration (dimensionless)
    ddi_ceiling: float     # share within the DDI target with ample theatres (NaN: none)
    ddi_ceiling_low: float  # lower end of its 95% interval
    delivery_bed_load: float = 0.0  # erlangs (women in delivery beds); 0: one bed pool

    def load(self, resource: str) -> float:
        """Offered load of ``resource`` (erlangs)."""
        return {"beds": self.bed_load, "delivery_beds": self.delivery_bed_load,
                "midwives": self.labour_load, "theatres": self.theatre_load}[resource]


def target(check: Check, levels: ServiceLevels, ctx: Context) -> float:
    """The bound the simulated metric of ``check`` must respect (share).

    For the DDI, when even ample theatres leave the level out of reach (the lower end of the
    ceiling's interval is below it), the bound becomes level × that lower end: theatres are
    then sized so that waiting for one costs at most (1 - level) of what is attainable."""
    level = getattr(levels, check.level)
    if check.level == "ddi" and not ddi_attainable(levels, ctx):
        return max(0.0, level * ctx.ddi_ceiling_low)
    return level


def ddi_attainable(levels: ServiceLevels, ctx: Context) -> bool:
    """True when ample theatres meet the DDI level by the interval rule (or it is off)."""
    return levels.ddi is None or not ctx.ddi_ceiling_low < levels.ddi


def predict(check: Check, value: int, load: float, ctx: Context) -> float:
    """Predicted bad share of ``check`` with ``value`` beds, on-duty midwives or theatres at
    offered ``load`` erlangs (share from 0 to 1)."""
    if check.level == "no_bed":
        return queueing.erlang_b(value, load)
    if check.level == "occupancy":
        return queueing.loss_occupancy(value, load)
    if check.level == "midwife":
        return queueing.wait_exceeds(value * ctx.per_midwife, load, ctx.wait_t)
    return 1.0 - _ceiling(ctx) * (1.0 - queueing.erlang_c(value, load))


def least(check: Check, load: float, bound: float, ctx: Context) -> int:
    """Least beds, on-duty midwives or theatres whose predicted ``check`` meets ``bound`` (the
    level as the metric states it, e.g. 0.01 no bed or 0.95 within the wait) at offered
    ``load`` erlangs (at least 1)."""
    if check.level == "no_bed":
        return max(1, queueing.min_servers_loss(load, bound))
    if check.level == "occupancy":
        return max(1, queueing.min_servers_occupancy(load, bound))
    if check.level == "midwife":
        slots = queueing.min_servers_delay(load, 1.0 - bound, ctx.wait_t)
        return max(1, math.ceil(slots / ctx.per_midwife))
    wait = min(1.0, max(MIN_WAIT_TARGET, 1.0 - bound / _ceiling(ctx)))
    return max(1, queueing.min_servers_delay(load, wait))


def stable_least(resource: str, ctx: Context) -> int:
    """Least capacity that keeps a queue from growing without bound (servers > load), used
    where a level has nothing to measure (no emergency caesarean in a year)."""
    if resource in ("beds", "delivery_beds"):
        return 1
    per = ctx.per_midwife if resource == "midwives" else 1
    return max(1, math.ceil((math.floor(ctx.load(resource)) + 1) / per))


def corrected_least(check: Check, value: int, observed_bad: float, bound: float,
                    ctx: Context) -> int:
    """Least capacity for ``check`` after a simulation at ``value`` showed ``observed_bad``
    (the unfavourable end of its interval, as a bad share): the load is recalibrated so the
    formula reproduces the observation, then `least` is read at that load."""
    upper = 10.0 * (value * (ctx.per_midwife if check.resource == "midwives" else 1)
                    + ctx.load(check.resource) + 10.0)

    def formula(c: int, a: float) -> float:
        return predict(check, c, a, ctx)

    observed = min(max(observed_bad, 0.0), 1.0)
    load = queueing.calibrate_load(formula, value, observed, upper)
    return least(check, load, bound, ctx)


def _ceiling(ctx: Context) -> float:
    return ctx.ddi_ceiling if ctx.ddi_ceiling > 0 else 1.0
