"""The fast engine against the obvious simpy model of the same pathway
(``benchmarks/obvious_simpy.py``: one process per woman, simpy resources).

Given the same cohort the two must agree woman by woman — where she delivered, how, when, her
wait for a midwife, her decision-to-delivery interval, every bed stay and every move between
facilities — and therefore in every summary statistic. Times agree to a rounding error: simpy
schedules ``now + delay``, which may miss an absolute time by an ulp. Both conserve women.
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
from obvious_simpy import differences, run_obvious  # noqa: E402

TOLERANCE = 1e-9  # relative, for summaries and daily census built on times


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
        assert differences(a, b) == []
    pd.testing.assert_frame_equal(fast.summary(), plain.summary(), rtol=TOLERANCE)
    pd.testing.assert_frame_equal(fast.flow_summary(), plain.flow_summary())
    np.testing.assert_allclose(fast.daily_census, plain.daily_census, rtol=TOLERANCE)


def test_a_difference_is_seen():
    scenario = validate_scenario(stressed())
    net = compile_network(scenario)
    cohort = build_cohort(scenario, 0, 11)
    fast = run_engine(net, cohort)
    fast.facility = fast.facility.copy()
    fast.facility[np.flatnonzero(fast.facility >= 0)[0]] += 1
    fast.ddi_min = fast.ddi_min + 1e-3
    assert differences(fast, run_obvious(net, cohort)) == ["facility", "ddi_min"]


def test_the_stressed_region_exercises_every_branch_of_the_pathway():
    scenario = validate_scenario(stressed())
    cohort = build_cohort(scenario, 0, 11)
    rec = run_engine(compile_network(scenario), cohort)
    assert np.nanmax(rec.midwife_wait_h) > 0                     # waited for a midwife
    assert rec.turned_away.any() and rec.out_of_region.any()      # no bed; out of the region
    reasons = {reason for (_, _, _, reason) in rec.flows}
    assert {1, 2, 3} <= reasons  # risk referral, no bed, emergency transfer
    # An emergency caesarean waited for a theatre: decision to delivery longer than her
    # preparation, where she laboured (no transfer).
    stayed = rec.facility == rec.labour_facility
    assert (rec.ddi_min[stayed] > cohort.preparation_h[stayed] * 60 + 1).any()
    assert (rec.stay_start_h == 0).sum() >= 3  # women in bed at the start
