"""The fast engine against the obvious simpy model of the same pathway
(``benchmarks/obvious_simpy.py``: one process per woman, simpy resources).

Given the same cohort the two must agree woman by woman — where she delivered, how, when, her
wait for a midwife, her decision-to-delivery interval, every bed stay and every move between
facilities — and therefore in every summary statistic. Both conserve women.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import COLOURS, SCENARIOS, assert_conserved, base_dict

from capsim import Results, load_scenario, validate_scenario
from capsim.demand import build_cohort
from capsim.model import compile_network, run_engine
from capsim.province import province_scenario
from capsim.results import reduce_replication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from obvious_simpy import run_obvious  # noqa: E402

PER_WOMAN = ("first", "facility", "mode", "delivered_h", "turned_away", "out_of_region",
             "midwife_wait_h", "labour_facility", "labour_start_h", "ddi_min", "in_bed_at_end")


def stressed() -> dict:
    """Three small facilities under heavy demand: women wait for midwives and theatres, are
    turned away, diverted, transferred in emergencies and sent out of the region; some are in
    bed at the start."""
    d = base_dict(horizon={"start": "2020-01-01", "days": 120, "warmup_days": 20},
                  demand={"deliveries": 3000, "booking": {"county": 0.5, "town": 0.3, "mch": 0.2}},
                  pathway={"intrapartum_complication": {c: 0.05 for c in COLOURS},
                           "roster": {"shifts_per_day": 1, "availability": 1.0}})
    d["facilities"][0].update(beds=12, midwives=3, theatres=1, obstetricians=2, initial_census=3)
    d["facilities"][1].update(beds=3, midwives=2)
    d["facilities"].append({"id": "mch", "name": "妇幼保健院", "level": "mch", "beds": 6,
                            "midwives": 3, "obstetricians": 2, "theatres": 1,
                            "capabilities": ["caesarean"]})
    return d


def both(scenario, replications: int, seed: int):
    """Run the engine and the obvious model on the same cohorts; return their records and
    their results."""
    net = compile_network(scenario)
    records, results = ([], []), ([], [])
    for rep in range(replications):
        cohort = build_cohort(scenario, rep, seed)
        for k, run in enumerate((run_engine, run_obvious)):
            rec = run(net, cohort)
            records[k].append(rec)
            results[k].append(reduce_replication(net, rec, rep, seed))
    return records, [Results(scenario, net, seed, r) for r in results]


def assert_same_women(fast, plain) -> None:
    for name in PER_WOMAN:
        np.testing.assert_array_equal(getattr(fast, name), getattr(plain, name), err_msg=name)
    assert fast.flows == plain.flows

    def stays(r):
        return sorted(zip(r.stay_facility.tolist(), r.stay_start_h.tolist(),
                          r.stay_end_h.tolist(), strict=True))

    assert stays(fast) == stays(plain)


@pytest.mark.parametrize("make", [
    lambda: load_scenario(SCENARIOS / "jizhou-alliance.yaml"),
    lambda: validate_scenario(stressed()),
    lambda: province_scenario(20, 12_000, days=90),
], ids=["jizhou", "stressed", "province-20"])
def test_engine_equals_the_obvious_simpy_model(make):
    scenario = make()
    records, (fast, plain) = both(scenario, replications=3, seed=11)
    assert_conserved(fast)
    assert_conserved(plain)
    for a, b in zip(*records, strict=True):
        assert_same_women(a, b)
    pd.testing.assert_frame_equal(fast.summary(), plain.summary())
    pd.testing.assert_frame_equal(fast.flow_summary(), plain.flow_summary())
    np.testing.assert_array_equal(fast.daily_census, plain.daily_census)


def test_the_stressed_region_exercises_every_branch_of_the_pathway():
    records, (fast, _) = both(validate_scenario(stressed()), replications=2, seed=11)
    rec = records[0][0]
    assert np.nanmax(rec.midwife_wait_h) > 0                     # waited for a midwife
    assert rec.turned_away.any() and rec.out_of_region.any()      # no bed; out of the region
    reasons = {reason for (_, _, _, reason) in rec.flows}
    assert {1, 2, 3} <= reasons  # risk referral, no bed, emergency transfer
    assert np.nanmax(rec.ddi_min) > 120  # an emergency caesarean waited for a theatre
    assert (rec.stay_start_h == 0).sum() >= 3  # women in bed at the start
