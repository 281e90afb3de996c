"""capsim: capacity planning of maternity services.

A scenario file describes a region's facilities, demand, pathway and referral rules; capsim
simulates every delivery and reports per-facility results with confidence intervals.

>>> import capsim
>>> scenario = capsim.load_scenario("scenarios/nanjiang-2016.yaml")   # doctest: +SKIP
>>> results = capsim.simulate(scenario, replications=10, seed=1)      # doctest: +SKIP
>>> results.summary()                                                  # doctest: +SKIP

The names below are imported when first used (PEP 562), so that ``import capsim`` and the
command line start without loading numba, scipy and pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Public name: the module that defines it (a module's own name: the module itself).
_EXPORTS: dict[str, str] = {
    "CapsimError": "capsim.errors",
    "Comparison": "capsim.comparison",
    "ReplicationError": "capsim.run",
    "Results": "capsim.results",
    "Scenario": "capsim.scenario",
    "ScenarioError": "capsim.errors",
    "compare": "capsim.comparison",
    "load_scenario": "capsim.scenario",
    "run_replication": "capsim.run",
    "simulate": "capsim.run",
    "targets": "capsim.targets",
    "validate_scenario": "capsim.scenario",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # the same names for type checkers, editors and the API reference
    from capsim import targets as targets
    from capsim.comparison import Comparison as Comparison
    from capsim.comparison import compare as compare
    from capsim.errors import CapsimError as CapsimError
    from capsim.errors import ScenarioError as ScenarioError
    from capsim.results import Results as Results
    from capsim.run import ReplicationError as ReplicationError
    from capsim.run import run_replication as run_replication
    from capsim.run import simulate as simulate
    from capsim.scenario import Scenario as Scenario
    from capsim.scenario import load_scenario as load_scenario
    from capsim.scenario import validate_scenario as validate_scenario


def __getattr__(name: str):
    """Import a public name on first use and keep it (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'capsim' has no attribute {name!r}")
    module = importlib.import_module(_EXPORTS[name])
    value = module if module.__name__ == f"capsim.{name}" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names with the public names not yet imported."""
    return sorted(set(globals()) | set(__all__))
