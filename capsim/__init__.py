"""capsim: capacity planning of maternity services.

A scenario file describes a region's facilities, demand, pathway and referral rules; capsim
simulates every delivery and reports per-facility results with confidence intervals.

>>> import capsim
>>> scenario = capsim.load_scenario("scenarios/nanjiang-2016.yaml")   # doctest: +SKIP
>>> results = capsim.simulate(scenario, replications=10, seed=1)      # doctest: +SKIP
>>> results.summary()                                                  # doctest: +SKIP
"""

from capsim import targets
from capsim.comparison import Comparison, compare
from capsim.errors import CapsimError, ScenarioError
from capsim.results import Results
from capsim.run import ReplicationError, run_replication, simulate
from capsim.scenario import Scenario, load_scenario, validate_scenario

__version__ = "0.1.0"

__all__ = [
    "CapsimError",
    "Comparison",
    "ReplicationError",
    "Results",
    "Scenario",
    "ScenarioError",
    "compare",
    "load_scenario",
    "run_replication",
    "simulate",
    "targets",
    "validate_scenario",
]
