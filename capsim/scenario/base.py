"""Building blocks shared by every scenario model: the strict base class and the vocabulary of
risk colours, facility levels and capabilities.

Kept apart from :mod:`capsim.scenario.models` so that the models of a scenario's sections
(for example :mod:`capsim.scenario.targets`) can use them without importing each other.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

RiskColour = Literal["green", "yellow", "orange", "red", "purple"]
RISK_COLOURS: tuple[RiskColour, ...] = ("green", "yellow", "orange", "red", "purple")

Level = Literal["township", "county", "mch", "city_tertiary"]
#: Level of care as a rank: township health centres are level I, county/district and MCH
#: hospitals level II, city tertiary centres level III.
LEVEL_RANK: dict[str, int] = {"township": 1, "county": 2, "mch": 2, "city_tertiary": 3}

Capability = Literal["caesarean", "critical_maternal_care", "neonatal_intensive_care"]


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors and objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
