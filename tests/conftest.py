"""Shared fixtures: small scenarios built in code, the conservation check every model run in
the tests goes through, the per-woman checks of beds, and which tests make the quick suite."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import numpy as np
import pytest

from capsim import Results, Scenario, simulate, validate_scenario
from capsim.demand import Cohort, build_cohort
from capsim.model import Network, RunRecord, compile_network, run_engine

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

#: Full statistical validation (more replications) when set; CI runs the reduced form.
FULL = os.environ.get("CAPSIM_FULL_VALIDATION") == "1"

COLOURS = ("green", "yellow", "orange", "red", "purple")

#: Modules run whole by the quick suite (``python -m pytest -m quick``): scenario validation,
#: the compiled heaps and pathway, the engine against the simpy model and queueing theory,
#: the golden snapshot, small model runs and dated changes. Single tests of other modules join it with
#: ``@pytest.mark.quick``. The full suite (``python -m pytest``) runs everything.
QUICK_MODULES = frozenset({
    "test_scenario_validation.py", "test_kept.py", "test_extends.py", "test_schema.py",
    "test_heaps.py",
    "test_pathway.py", "test_engine_vs_simpy.py", "test_golden.py", "test_queueing.py",
    "test_queueing_theory.py", "test_model.py", "test_timelines.py", "test_province.py",
    "test_casemix.py", "test_facility_table.py", "test_monthly.py",
    "test_travel.py", "test_app_edits.py", "test_care_changes.py", "test_draw_steps.py",
})

#: Tests of `QUICK_MODULES` left to the full suite: a whole ``capsim run`` on the simpy model
#: (some 7 s on two cores; the quick suite compares the two engines on every shipped scenario).
NOT_QUICK = frozenset({"test_capsim_run_with_the_simpy_engine_writes_the_same_summary"})


def pytest_collection_modifyitems(config, items) -> None:
    """Mark the tests of `QUICK_MODULES` ``quick``, but those of `NOT_QUICK`."""
    for item in items:
        if item.path.name in QUICK_MODULES and item.originalname not in NOT_QUICK:
            item.add_marker(pytest.mark.quick)


def base_dict(**overrides) -> dict:
    """A two-facility region (county hospital + township centre) as a scenario mapping."""
    d = {
        "name": "test region",
        "horizon": {"start": "2020-01-01", "days": 365, "warmup_days": 30},
        "run": {"replications": 4, "seed": 7},
        "facilities": [
            {"id": "county", "name": "县医院", "level": "county", "beds": 30, "midwives": 20,
             "obstetricians": 10, "theatres": 2,
             "capabilities": ["caesarean", "critical_maternal_care"]},
            {"id": "town", "name": "乡镇卫生院", "level": "township", "beds": 5, "midwives": 5,
             "obstetricians": 1},
        ],
        "demand": {
            "deliveries": 2000,
            "risk_mix": {"green": 0.5, "yellow": 0.3, "orange": 0.15, "red": 0.03, "purple": 0.02},
            "planned_caesarean_rate": {c: 0.1 for c in COLOURS},
            "emergency_caesarean_rate": {c: 0.15 for c in COLOURS},
            "booking": {"county": 0.8, "town": 0.2},
        },
    }
    return deep_update(d, overrides)


def deep_update(d: dict, overrides: dict) -> dict:
    """Return a copy of ``d`` with nested ``overrides`` applied."""
    out = copy.deepcopy(d)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_update(out[k], v)
        else:
            out[k] = v
    return out


def loss_system(beds: int, deliveries: float, los: dict, days: int = 365,
                warmup: int = 60) -> dict:
    """One facility reduced to an Erlang loss system: Poisson arrivals, no staff limit, no
    caesareans, no antenatal stays, no diversion; the bed is held for the postnatal stay only
    (labour lasts a fixed 0.001 h)."""
    return {
        "name": "loss system",
        "horizon": {"start": "2021-01-01", "days": days, "warmup_days": warmup},
        "facilities": [{"id": "unit", "name": "unit", "level": "county", "beds": beds,
                        "midwives": 10_000}],
        "demand": {
            "deliveries": deliveries,
            "risk_mix": {"green": 1, "yellow": 0, "orange": 0, "red": 0, "purple": 0},
            "planned_caesarean_rate": {c: 0 for c in COLOURS},
            "emergency_caesarean_rate": {c: 0 for c in COLOURS},
            "booking": {"unit": 1},
        },
        "pathway": {
            "labour": {"dist": "fixed", "mean": 0.001},
            "antenatal": {c: {"probability": 0} for c in COLOURS},
            "intrapartum_complication": {c: 0 for c in COLOURS},
            "postnatal_los": {"vaginal": los, "caesarean": los},
            "roster": {"shifts_per_day": 1, "availability": 1.0},
        },
        "referral": {"eligibility": {c: {"min_level": "township"} for c in COLOURS}},
    }


def assert_conserved(results: Results) -> None:
    """Every woman is accounted for: arrivals = delivered + out of region + in progress; and,
    with newborn care or the paediatric line, every newborn and every child: arrivals = no
    cot needed + discharged + in care at the end + out of region, newborns being the births
    the maternity results count (region deliveries of the whole period)."""
    acc = results.accounting
    assert (acc["arrivals"] > 0).all()
    assert (acc["arrivals"] == acc["delivered"] + acc["out_of_region"] + acc["in_progress"]).all()
    assert (acc[["delivered", "out_of_region", "in_progress"]] >= 0).all().all()
    care = results.care_accounting
    lines = {line for line, section in (("newborn", results.scenario.newborn),
                                        ("paediatric", results.scenario.paediatric))
             if section is not None}
    assert set(care.get("line", [])) == lines
    if care.empty:
        return
    fates = care[["no_care_needed", "discharged", "in_care", "out_of_region"]]
    assert (fates >= 0).all().all()
    assert (care["arrivals"] == fates.sum(axis=1)).all()
    births = care[care["line"] == "newborn"]
    if not births.empty:
        m = results.metrics
        deliveries = m[(m["metric"] == "deliveries") & (m["facility"] == "region")
                       & (m["year"] == "all")].set_index("replication")["value"]
        assert (births.set_index("replication")["arrivals"]
                == deliveries.reindex(births["replication"])).all()


def run_checked(data: dict, **kwargs) -> Results:
    """Validate and simulate a scenario mapping, checking conservation of women."""
    kwargs.setdefault("workers", 1)
    res = simulate(validate_scenario(data), **kwargs)
    assert_conserved(res)
    return res


def engine_run(data: dict | Scenario, replication: int = 0,
               seed: int | None = None) -> tuple[Network, Cohort, RunRecord]:
    """One replication through the engine, keeping its per-woman record: the compiled network,
    the cohort and the record (``data``: a scenario or a scenario mapping)."""
    scenario = data if isinstance(data, Scenario) else validate_scenario(data)
    net = compile_network(scenario)
    cohort = build_cohort(scenario, replication, seed)
    return net, cohort, run_engine(net, cohort)


def beds_in_force(net: Network, facility: int, t_h: np.ndarray) -> np.ndarray:
    """Beds of ``facility`` in force at each hour of ``t_h``: the facility's beds plus every
    dated change at or before that hour (beds). A change applies at its hour, before any woman
    arriving then."""
    t_h = np.asarray(t_h, dtype=float)
    beds = np.full(t_h.shape, float(net.beds[facility]))
    for step in net.policy:
        if step.facility == facility and step.beds:
            beds += np.where(t_h >= step.t_h, step.beds, 0)
    return beds


def occupancy_at_admissions(net: Network, cohort: Cohort, record: RunRecord
                            ) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """For each facility, every bed taken during the run (not the women already in bed at the
    start): (facility, hour taken, women in beds there just after, her included, beds in force
    then). Women in beds at hour t are the stays with start <= t < end, so a bed freed at t is
    free for a woman arriving at t, as in the engine."""
    n_initial = cohort.initial_facility.shape[0]  # the engine records their stays first
    out = []
    for f in range(net.n):
        at_f = record.stay_facility == f
        starts = np.sort(record.stay_start_h[at_f])
        ends = np.sort(record.stay_end_h[at_f])
        taken = record.stay_start_h[n_initial:][record.stay_facility[n_initial:] == f]
        held = (np.searchsorted(starts, taken, side="right")
                - np.searchsorted(ends, taken, side="right"))
        out.append((f, taken, held, beds_in_force(net, f, taken)))
    return out


def assert_beds_never_overfilled(net: Network, cohort: Cohort, record: RunRecord) -> None:
    """No woman takes a bed unless one is free under the capacity in force: just after any
    woman takes a bed, the women in beds there, her included, are at most the beds in force.
    (After a cut the census may stay above the new beds until enough women leave; no one is
    admitted meanwhile, which this implies.)"""
    for f, taken, held, beds in occupancy_at_admissions(net, cohort, record):
        over = np.flatnonzero(held > beds)
        assert over.size == 0, (
            f"{net.ids[f]}: {over.size} bed(s) taken with the ward full, first at hour "
            f"{taken[over[0]]:.3f}: {held[over[0]]} women in {beds[over[0]]:g} beds")


@pytest.fixture
def two_facility() -> dict:
    """The two-facility scenario mapping."""
    return base_dict()
