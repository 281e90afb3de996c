"""Scenario files: the validated model of a region and a policy, and its loader."""

from capsim.scenario.loader import load_scenario, validate_scenario
from capsim.scenario.models import (
    LEVEL_RANK,
    RISK_COLOURS,
    Facility,
    PolicyChange,
    Scenario,
)

__all__ = [
    "LEVEL_RANK",
    "RISK_COLOURS",
    "Facility",
    "PolicyChange",
    "Scenario",
    "load_scenario",
    "validate_scenario",
]
