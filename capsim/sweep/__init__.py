"""Scripted sensitivity analysis: which scenario parameters drive an output.

A sweep file names scenario parameters by their path (``facilities[county-hospital].beds``,
``demand.deliveries``, ``pathway.postnatal_los.caesarean.mean``), each with a range, a list of
values or a distribution; the outputs of interest (any metric of a facility or the region);
and the method: one at a time (tornado chart), a full grid, Morris elementary effects or Sobol
indices (both by SALib, with bootstrap intervals). Results go to an SQLite store as they
arrive; an interrupted sweep resumes where it stopped.

>>> from capsim.sweep import load_sweep, run_sweep, open_sweep
>>> sweep = load_sweep("scenarios/sweeps/nanjiang-beds.yaml")      # doctest: +SKIP
>>> result = run_sweep(sweep, "capsim-results/nanjiang-beds")       # doctest: +SKIP
>>> result.indices()      # S1, ST with intervals, per output and parameter  # doctest: +SKIP
>>> open_sweep("capsim-results/nanjiang-beds").summary()           # doctest: +SKIP
"""

from capsim.sweep.analysis import SweepResult
from capsim.sweep.plan import Sweep, load_sweep, prepare_sweep
from capsim.sweep.runner import open_sweep, run_sweep
from capsim.sweep.spec import SweepSpec

__all__ = [
    "Sweep",
    "SweepResult",
    "SweepSpec",
    "load_sweep",
    "open_sweep",
    "prepare_sweep",
    "run_sweep",
]
