"""The simulation of one replication: every woman of a cohort through the pathway.

The pathway, in the planner's terms (one function per step in `capsim.model.pathway`):

1. ``arrive`` — she needs a bed (labour onset, planned caesarean, or an antenatal admission).
   Her delivery facility is where she booked, unless the risk rule, the facility's capabilities
   or its closure send her elsewhere (a planned referral). With no free bed she is diverted
   along the facility's referral order to an eligible facility with a free bed (the bed is held
   for her while she travels), or, when none has one, transferred out of the region.
2. ``labour`` — in active labour she needs a midwife (1:1 by default); when none is free she
   waits in a first-come queue and the wait is recorded. A planned caesarean goes to theatre.
3. ``labour_end`` — the midwife is released to the next woman waiting. She gives birth, or an
   emergency caesarean is decided, or a complication needs critical care. When her facility
   lacks the capability she is transferred, with its travel time, to the first facility in
   the referral order that has the capability and a free bed (or out of the region).
4. ``theatre`` — a caesarean needs a theatre and an on-duty obstetrician; emergencies go before
   planned ones. For an emergency, the decision-to-delivery interval is recorded.
5. ``give_birth`` — her postnatal stay is known from her mode of delivery; when it ends her bed
   is free again.

Only what interacts is simulated: beds, midwives and theatres are integer counters with FIFO
queues. Arrivals are not put on a calendar: the cohort is already sorted, so the loop merges it
with the calendars.

Two kinds of calendar keep the cost of a woman low and flat however large the region. What
changes nothing but its own facility goes on that facility's own calendar, as small heaps: the
times its beds become free (discharges), its theatres become free, and its midwives become free
after a vaginal birth, and the labour onsets of women who need no caesarean and have no
complication. A facility's calendar is carried out just before anything else reads or changes
that facility (``catch_up``). Everything that may reach another facility — the end of a labour
that needs a caesarean or critical care, a transfer, a policy change — goes on the region's
calendar, a heap of (time, sequence, kind, woman). While a woman waits for a midwife, the
region's calendar also wakes her facility when its next midwife becomes free, so that the
midwife reaches her at that very time. A woman with a vaginal birth thus costs two plain times
on her facility's calendar and nothing on the region's, and her record is written when her
midwife starts, once the end of her labour and her discharge are known. Where a woman plans to
deliver is worked out once per (booked facility, risk colour, planned caesarean) under the
rules in force (again after a policy or referral change), and the planned and risk referrals
are counted after the run. The result is the same as with one calendar for everything, woman
by woman (checked against the plain simpy model in ``benchmarks/obvious_simpy.py``).

The loop itself is compiled with numba (`capsim.model.pathway`, its data structures in
`capsim.model.heaps`), its state plain arrays addressed by name; this module prepares its
inputs and turns its `Outcome` into a `RunRecord`. The
first run on a machine compiles it (some 13 seconds on two cores) and caches the machine code
on disk. With
``NUMBA_DISABLE_JIT=1`` it runs uncompiled, as plain Python, with the same results.

Statistics are reduced after the run from compact per-woman arrays and bed-stay intervals (see
`capsim.results`).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field

import numpy as np

from capsim.demand import Cohort
from capsim.model import pathway
from capsim.model.heaps import UNCOMPILED
from capsim.model.network import REASONS, Network
from capsim.model.pathway import (  # noqa: F401  (modes, reasons and pools, for the results)
    BLOCKED,
    DELIVERY,
    EMERGENCY_CS,
    EMERGENCY_TRANSFER,
    NO_BED,
    NOT_DELIVERED,
    PLANNED_CS,
    PLANNED_REFERRAL,
    RISK_REFERRAL,
    VAGINAL,
    WARD,
    WomenArrays,
)
from capsim.scenario.models import RISK_COLOURS

assert len(REASONS) == 4 and REASONS[EMERGENCY_TRANSFER] == "emergency_transfer"


@dataclass
class RunRecord:
    """What one replication leaves behind, as compact arrays (times in hours).

    Per woman (cohort order): ``admit_h`` first bed request, ``first`` planned delivery
    facility (-1: none in the region, or she never arrived), ``facility`` where she delivered
    (-1: not delivered), ``mode``, ``delivered_h``, ``turned_away`` (no bed at her first
    facility), ``out_of_region``, ``midwife_wait_h`` (NaN when she had no labour care),
    ``labour_facility`` and ``labour_start_h`` (-1 and 0 without labour care),
    ``in_bed_at_end`` (holds a bed when the horizon ends), ``ddi_min`` (NaN unless she had an
    emergency caesarean), ``booked`` the facility where she booked (the cohort's, kept for the
    travel from it to where she delivered; None when not kept).
    Per bed stay: ``stay_facility``, ``stay_start_h``, ``stay_end_h`` (stays open at the end
    close at the horizon end). ``flows`` counts moves as {(year_index, from, to, reason): n}
    for counted women (to = -1: out of region); ``move_t_h``, ``move_src``, ``move_dst`` and
    ``move_why`` list the same moves one by one, with their times.
    """

    admit_h: np.ndarray
    first: np.ndarray
    facility: np.ndarray
    mode: np.ndarray
    delivered_h: np.ndarray
    turned_away: np.ndarray
    out_of_region: np.ndarray
    midwife_wait_h: np.ndarray
    labour_facility: np.ndarray
    labour_start_h: np.ndarray
    ddi_min: np.ndarray
    in_bed_at_end: np.ndarray
    stay_facility: np.ndarray
    stay_start_h: np.ndarray
    stay_end_h: np.ndarray
    flows: dict[tuple[int, int, int, int], int]
    first_counted: int
    events: int
    # The same moves one by one, for tables finer than a year (in no set order): the time
    # (hours), the facility she left, the one she went to (-1: out of the region), the reason.
    move_t_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    move_src: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    move_dst: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    move_why: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    booked: np.ndarray | None = None
    #: Per bed stay: 0 a ward bed (or a bed of a facility's one pool), 1 a delivery bed.
    stay_pool: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    #: Waits in a delivery bed for a ward bed (access block): facility, start and end hours.
    block_facility: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    block_start_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    block_end_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: Spans with more women in labour care than labour places: facility, start and end hours.
    over_facility: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    over_start_h: np.ndarray = field(default_factory=lambda: np.zeros(0))
    over_end_h: np.ndarray = field(default_factory=lambda: np.zeros(0))


def run_engine(net: Network, cohort: Cohort) -> RunRecord:
    """Simulate one replication of ``cohort`` on ``net``; return its `RunRecord`."""
    n = len(cohort)
    first_counted = int(np.searchsorted(cohort.admit_h, net.t_stats_h, side="left"))
    out = _simulate(
        women=women_arrays(cohort), network=net.kernel_inputs,
        initial_facility=np.asarray(cohort.initial_facility, dtype=np.int32),
        initial_release=np.asarray(cohort.initial_release_h, dtype=np.float64),
        first_counted=first_counted, t_end=float(net.t_end_h))
    year_starts = np.asarray(net.year_starts_h, dtype=float)
    flows: dict[tuple[int, int, int, int], int] = {}
    _add_moves(flows, np.searchsorted(year_starts, out.flow_t, side="right") - 1, out.flow_src,
               out.flow_dst, out.flow_why)
    referred = _count_referrals(flows, cohort, out.plan_to, out.plan_why, first_counted,
                                out.arrived, year_starts)
    return RunRecord(
        admit_h=cohort.admit_h,
        first=out.plan_to,  # -1 for women who never arrived (none in the region)
        facility=out.delivered_at,
        mode=out.mode,
        delivered_h=out.delivered_h,
        turned_away=out.turned_away,
        out_of_region=out.out_of_region,
        midwife_wait_h=out.wait_h,
        labour_facility=out.labour_fac,
        labour_start_h=out.labour_start,
        ddi_min=out.ddi_min,
        in_bed_at_end=out.bed_at >= 0,
        stay_facility=out.stay_fac,
        stay_start_h=out.stay_start,
        stay_end_h=out.stay_end,
        flows=flows,
        first_counted=first_counted,
        events=int(out.region_events + out.own_events) + n,
        move_t_h=np.concatenate([out.flow_t, cohort.admit_h[referred]]),
        move_src=np.concatenate([out.flow_src, cohort.booked[referred]]).astype(np.int64),
        move_dst=np.concatenate([out.flow_dst, out.plan_to[referred]]).astype(np.int64),
        move_why=np.concatenate([out.flow_why, out.plan_why[referred]]).astype(np.int64),
        booked=cohort.booked,
        stay_pool=out.stay_pool,
        block_facility=out.block_fac,
        block_start_h=out.block_start,
        block_end_h=out.block_end,
        over_facility=out.over_fac,
        over_start_h=out.over_start,
        over_end_h=out.over_end,
    )


def women_arrays(cohort: Cohort) -> WomenArrays:
    """The cohort's per-woman arrays as the loop takes them, by name and with the types it is
    compiled for (no copy when a cohort array has them already)."""
    floats = np.float64
    return WomenArrays(
        admit=np.asarray(cohort.admit_h, dtype=floats),
        event_at=np.asarray(cohort.event_h, dtype=floats),
        risk=np.asarray(cohort.risk, dtype=np.int8),
        booked=np.asarray(cohort.booked, dtype=np.int32),
        planned=np.asarray(cohort.planned_cs, dtype=np.bool_),
        needs_cs=np.asarray(cohort.emergency_cs, dtype=np.bool_),
        needs_cc=np.asarray(cohort.complication, dtype=np.bool_),
        labour_h=np.asarray(cohort.labour_h, dtype=floats),
        los_vaginal=np.asarray(cohort.los_vaginal_h, dtype=floats),
        los_caesarean=np.asarray(cohort.los_caesarean_h, dtype=floats),
        theatre_h=np.asarray(cohort.theatre_h, dtype=floats),
        prep_h=np.asarray(cohort.preparation_h, dtype=floats),
        referral_u=np.asarray(cohort.referral_u, dtype=floats),
    )


#: The region the engine is compiled on before the first real run: one delivering facility,
#: a few women over two days. Small enough to validate and simulate in milliseconds; the
#: compiled loop is the same whatever the region.
WARM_UP_SCENARIO = {
    "name": "warm-up",
    "horizon": {"start": "2025-01-01", "days": 2, "warmup_days": 1},
    "run": {"replications": 1, "seed": 1},
    "facilities": [{"id": "unit", "name": "unit", "level": "county", "beds": 4,
                    "midwives": 4, "obstetricians": 2, "theatres": 1,
                    "capabilities": ["caesarean"]}],
    "demand": {
        "deliveries": 1000,
        "risk_mix": {c: float(k == 0) for k, c in enumerate(RISK_COLOURS)},
        "planned_caesarean_rate": dict.fromkeys(RISK_COLOURS, 0.1),
        "emergency_caesarean_rate": dict.fromkeys(RISK_COLOURS, 0.1),
        "booking": {"unit": 1},
    },
}


def compiled() -> bool:
    """Whether the event loop is ready to run without compiling: compiled in this process or
    loaded from the disk cache, or running uncompiled (``NUMBA_DISABLE_JIT=1``). Once it is,
    it stays so, and the answer is remembered (asking numba costs some 15 microseconds, paid
    by every replication otherwise)."""
    global _ready
    if not _ready:
        _ready = UNCOMPILED or bool(pathway.simulate.signatures)
    return _ready


#: Whether `compiled` has found the event loop ready (a compiled loop is never dropped).
_ready = False


def cached() -> bool:
    """Whether numba's disk cache holds a compiled event loop (compiled on this machine or
    another: numba checks which when it loads it). False when that cannot be told."""
    # numba's own (private) names: should they change, the answer is False.
    index = getattr(getattr(getattr(pathway.simulate, "_cache", None), "_cache_file", None),
                    "_index_path", None)
    return isinstance(index, str) and os.path.exists(index)


def ensure_compiled() -> None:
    """Compile the event loop in this process (or load it from the disk cache) if it is not
    ready yet, by simulating `WARM_UP_SCENARIO` with no women (`no_women`): the loop is
    compiled for the types of its arguments, whatever their length, and a cohort of none
    draws no random numbers, whose seeding compiles apart (`capsim.streams`; in the process
    beside this one, `capsim.run.ready_engine`). Called before local worker processes
    start, so that they inherit or load it rather than each compiling it at once."""
    if compiled():
        return
    from capsim.model.network import compile_network
    from capsim.scenario import validate_scenario

    scenario = validate_scenario(WARM_UP_SCENARIO, source="<engine warm-up>")
    run_engine(compile_network(scenario), no_women())


def no_women() -> Cohort:
    """A cohort of no women, no one in a bed at the start (every array empty)."""
    none, never = np.zeros(0), np.zeros(0, dtype=bool)
    return Cohort(admit_h=none, event_h=none, risk=np.zeros(0, dtype=np.int8),
                  booked=np.zeros(0, dtype=np.int32), planned_cs=never, emergency_cs=never,
                  complication=never, labour_h=none, los_vaginal_h=none, los_caesarean_h=none,
                  theatre_h=none, preparation_h=none,
                  initial_facility=np.zeros(0, dtype=np.int32), initial_release_h=none)


def _simulate(**inputs) -> pathway.Outcome:
    """``pathway.simulate(**inputs)``; when it has to compile first (the first run after an
    install or upgrade) and that takes more than two seconds, say so on stderr."""
    if compiled():
        return pathway.simulate(**inputs)
    timer = threading.Timer(2.0, _say_compiling)
    timer.daemon = True
    timer.start()
    try:
        return pathway.simulate(**inputs)
    finally:
        timer.cancel()


def _say_compiling() -> None:
    """Warn that the engine is being compiled, unless it is ready by now."""
    if not compiled():
        logging.getLogger("capsim").warning(
            "capsim: compiling the simulation engine for this machine (once after an install "
            "or upgrade; under a minute)...")


def _add_moves(flows: dict, year: np.ndarray, src: np.ndarray, dst: np.ndarray,
               why: np.ndarray) -> None:
    """Add moves (one entry per woman: year index, from, to (-1: out of the region), reason)
    to ``flows``, counted with a one-dimensional unique over one integer per move."""
    if year.size == 0:
        return
    nf1 = int(max(src.max(), dst.max())) + 2
    code = ((year.astype(np.int64) * nf1 + src) * nf1 + (dst + 1)) * 8 + why
    codes, counts = np.unique(code, return_counts=True)
    for c, count in zip(codes.tolist(), counts.tolist(), strict=True):
        rest, reason = divmod(c, 8)
        rest, to = divmod(rest, nf1)
        y, src_ = divmod(rest, nf1)
        key = (y, src_, to - 1, reason)
        flows[key] = flows.get(key, 0) + count


def _count_referrals(flows: dict, cohort: Cohort, to: np.ndarray, why: np.ndarray,
                     start: int, stop: int, year_starts: np.ndarray) -> np.ndarray:
    """Add to ``flows`` the planned and risk referrals of women ``start`` to ``stop - 1``;
    return the referred women (cohort indices)."""
    sel = np.flatnonzero(why[start:stop] >= 0) + start
    year = np.searchsorted(year_starts, cohort.admit_h[sel], side="right") - 1
    _add_moves(flows, year, cohort.booked[sel].astype(np.int64), to[sel].astype(np.int64),
               why[sel].astype(np.int64))
    return sel
