"""Targets: the catalogue of standards shipped as data, a scenario's own targets, and the check
of a scenario against them (value, 95% interval, threshold, margin, verdict).

>>> import capsim
>>> from capsim import targets
>>> scenario = capsim.load_scenario("scenarios/nanjiang-2016.yaml")   # doctest: +SKIP
>>> targets.check(scenario)                                            # doctest: +SKIP
>>> targets.load_catalogue().get("occupancy-85").threshold             # doctest: +SKIP
0.85
"""

from capsim.metrics import PLANNED_METRICS, RATIO_METRICS
from capsim.targets.catalogue import active_standards, load_catalogue
from capsim.targets.check import COLUMNS, check, needs_simulation, ratio_readings
from capsim.targets.planned import planned_readings
from capsim.targets.verdict import VERDICTS, judge

__all__ = [
    "COLUMNS",
    "PLANNED_METRICS",
    "RATIO_METRICS",
    "VERDICTS",
    "active_standards",
    "check",
    "judge",
    "load_catalogue",
    "needs_simulation",
    "planned_readings",
    "ratio_readings",
]
