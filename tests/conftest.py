"""Shared fixtures: small scenarios built in code, and the conservation check every model run
in the tests goes through."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest

from capsim import Results, simulate, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

#: Full statistical validation (more replications) when set; CI runs the reduced form.
FULL = os.environ.get("CAPSIM_FULL_VALIDATION") == "1"

COLOURS = ("green", "yellow", "orange", "red", "purple")


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
    """Every woman is accounted for: arrivals = delivered + out of region + in progress."""
    acc = results.accounting
    assert (acc["arrivals"] > 0).all()
    assert (acc["arrivals"] == acc["delivered"] + acc["out_of_region"] + acc["in_progress"]).all()
    assert (acc[["delivered", "out_of_region", "in_progress"]] >= 0).all().all()


def run_checked(data: dict, **kwargs) -> Results:
    """Validate and simulate a scenario mapping, checking conservation of women."""
    kwargs.setdefault("workers", 1)
    res = simulate(validate_scenario(data), **kwargs)
    assert_conserved(res)
    return res


@pytest.fixture
def two_facility() -> dict:
    """The two-facility scenario mapping."""
    return base_dict()
