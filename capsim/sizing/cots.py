"""Newborn cots sized by the service-level method of beds: each facility's offered load of
each level of care, read from simulated births, sized as an Erlang loss system for the no-bed
and occupancy service levels (`ServiceLevels`), the larger of
the two; and the region's, as if its units worked as one pool.

The offered load does not depend on the cots in place: a baby's need is drawn at birth
(`capsim.model.care.simulate_newborns`). A loss system's need per 1,000 births falls as
it grows, so larger units need fewer cots per 1,000 births than small ones (the economy of
scale the Northern Neonatal Network measured: 9.0 low-dependency cots per 1,000 births for a
1,000-birth unit, 4.5 for a 6,000-birth unit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capsim import queueing
from capsim.demand import build_cohort
from capsim.errors import CapsimError
from capsim.model import compile_network, run_engine
from capsim.model.care import simulate_newborns
from capsim.results import DAYS_PER_YEAR, REGION
from capsim.scenario.models import Scenario
from capsim.scenario.newborn import NEWBORN_LEVELS
from capsim.sizing.levels import ServiceLevels

COLUMNS = ["facility", "level", "births_per_year", "offered_load", "cots", "cots_needed",
           "cots_needed_per_1000_births"]


def cots_needed(load: float, levels: ServiceLevels) -> int:
    """Least cots for an offered ``load`` (cots busy on average) meeting the no-bed and the
    occupancy service levels of ``levels`` (cots; 0 for no load)."""
    if load <= 0:
        return 0
    need = 1
    if levels.no_bed is not None:
        need = max(need, queueing.min_servers_loss(load, levels.no_bed))
    if levels.occupancy is not None:
        need = max(need, queueing.min_servers_occupancy(load, levels.occupancy))
    return need


def size_cots(scenario: Scenario, levels: ServiceLevels | None = None,
              replications: int | None = None, seed: int | None = None) -> pd.DataFrame:
    """Cots each delivering facility and the region need by level of newborn care (table of
    `COLUMNS`): births a year and the offered load (cots) are means over
    ``replications`` simulated replications (default: the scenario's) of the whole reported
    period, ``cots`` those in the scenario, ``cots_needed`` by `cots_needed` (the
    facility acting alone; the region's row pools every unit)."""
    care = scenario.newborn
    if care is None:
        raise CapsimError("the scenario has no newborn section: nothing to size")
    levels = levels or ServiceLevels()
    n = scenario.run.replications if replications is None else int(replications)
    seed = scenario.run.seed if seed is None else int(seed)
    net = compile_network(scenario)
    nf = len(net.ids)
    births = np.zeros(nf)
    babies = np.zeros((nf, len(NEWBORN_LEVELS)))
    for r in range(n):
        cohort = build_cohort(scenario, r, seed)
        record = run_engine(net, cohort)
        rec = simulate_newborns(scenario, net, cohort, record, r, seed)
        t0, t1 = net.t_stats_h, net.t_end_h
        born = (rec.born_h >= t0) & (rec.born_h < t1)
        births += np.bincount(rec.born_facility[born], minlength=nf)
        counted = (rec.t_h >= t0) & (rec.t_h < t1)
        np.add.at(babies, (rec.origin[counted], rec.need[counted]), 1.0)
    years = (net.t_end_h - net.t_stats_h) / 24.0 / DAYS_PER_YEAR
    births /= n * years
    babies /= n * years
    stay_days = np.asarray([getattr(care.stay, level).mean for level in NEWBORN_LEVELS])
    loads = babies * stay_days / DAYS_PER_YEAR
    rows = []
    places = [(fid, i) for i, (fid, f) in enumerate(zip(net.ids, scenario.facilities,
                                                        strict=True)) if f.delivers]
    for place, i in [*places, (REGION, None)]:
        for k, level in enumerate(NEWBORN_LEVELS):
            load = float(loads[:, k].sum() if i is None else loads[i, k])
            b = float(births.sum() if i is None else births[i])
            have = (sum(care.cots_of(fid, level) for fid in net.ids) if i is None
                    else care.cots_of(place, level))
            need = cots_needed(load, levels)
            rows.append([place, level, b, load, have, need,
                         need / b * 1000.0 if b > 0 else np.nan])
    return pd.DataFrame(rows, columns=COLUMNS)
