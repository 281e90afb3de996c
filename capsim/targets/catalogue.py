"""The catalogue of standards shipped as data (``capsim/data/standards.yaml``) and the
standards a scenario checks.

Stable ids (other tools read them): ``beds-per-1000``, ``midwives-per-1000``,
``obstetricians-per-bed``, ``ddi-30-min``, ``out-of-region-falling``, ``occupancy-85``,
``no-bed-1pct``, ``midwife-15-min``.
"""

from __future__ import annotations

from pathlib import Path

from capsim.scenario.loader import read_mapping, validate_model
from capsim.scenario.models import Scenario
from capsim.scenario.targets import Catalogue, Standard, packaged_catalogue, resolve


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue of standards; the packaged one when ``path`` is None.

    Returns the frozen `Catalogue`; ``catalogue.get(id)`` gives
    one standard (threshold in the metric's unit, shares as fractions). Raises
    `ScenarioError` naming the file, field path and reason."""
    if path is None:
        return packaged_catalogue()
    return validate_model(Catalogue, read_mapping(path), str(path))


def active_standards(scenario: Scenario) -> tuple[Standard, ...]:
    """The standards ``scenario`` is checked against: the catalogue's, switched on or off and
    overridden by its ``targets`` section, then its local targets."""
    return resolve(scenario.targets, load_catalogue())
