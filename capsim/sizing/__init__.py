"""Capacity sizing: the least beds, midwives and theatres each facility needs, year by year,
for stated service levels, beside the flat ratio standards and a workload establishment.

>>> import capsim
>>> from capsim import sizing
>>> scenario = capsim.load_scenario("scenarios/nanjiang-2016.yaml")      # doctest: +SKIP
>>> result = sizing.size(scenario, {"no_bed": 0.01}, replications=10)     # doctest: +SKIP
>>> result.comparison                                                     # doctest: +SKIP

Modules: `levels` (service levels and ratio standards),
`loads` (offered loads), `requirements` (queueing
formulas per level), `solver` (rounds of simulation),
`workload` (WISN / Birthrate Plus establishment),
`compare` (the comparison table), `plot`.
"""

from capsim.sizing.api import SizingResult, size
from capsim.sizing.levels import ServiceLevels, parse_assignments, service_levels
from capsim.sizing.workload import AvailableTime, CareHours, Workload, establishment

__all__ = [
    "AvailableTime",
    "CareHours",
    "ServiceLevels",
    "SizingResult",
    "Workload",
    "establishment",
    "parse_assignments",
    "service_levels",
    "size",
]
