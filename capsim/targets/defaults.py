"""Which of a scenario's parameters are capsim's defaults rather than the scenario's own figures,
and which of them a verdict rests on.

A scenario file that leaves out, say, ``pathway.emergency_preparation`` is simulated with
capsim's default (a documented assumption), and every verdict on the decision-to-delivery
interval then rests on that default, not on the region's data. The metric registry
(`capsim.metrics.Metric.depends_on`) says which parameters each metric rests on; the
scenario's validated models say which fields the file set (pydantic's ``model_fields_set``).
"""

from __future__ import annotations

from pydantic import BaseModel

from capsim.distributions import Distribution
from capsim.metrics import metric
from capsim.scenario.models import Scenario

#: Parts of a scenario whose parameters have defaults a verdict may rest on.
SECTIONS = ("pathway", "referral")


def defaulted_parameters(scenario: Scenario) -> tuple[str, ...]:
    """Dotted paths of the parameters under `SECTIONS` that ``scenario`` leaves to capsim's
    defaults, in field order (``pathway.emergency_preparation``, ``pathway.roster.availability``,
    ``pathway.antenatal.red``...). A distribution the file gives is its own figure as a whole;
    a section or a part the file leaves out entirely is named once."""
    out: list[str] = []
    for section in SECTIONS:
        _walk(getattr(scenario, section), section, section in scenario.model_fields_set, out)
    return tuple(out)


def _walk(model: BaseModel, prefix: str, given: bool, out: list[str]) -> None:
    if not given:
        out.append(prefix)
        return
    for name in type(model).model_fields:
        path = f"{prefix}.{name}"
        value = getattr(model, name)
        set_here = name in model.model_fields_set
        if isinstance(value, BaseModel) and not isinstance(value, Distribution):
            _walk(value, path, set_here, out)
        elif isinstance(value, dict) and set_here and value and all(
                isinstance(v, BaseModel) and not isinstance(v, Distribution)
                for v in value.values()):
            for key, item in value.items():
                _walk(item, f"{path}.{key}", True, out)
        elif not set_here:
            out.append(path)


def defaults_behind(metric_id: str, scenario: Scenario,
                    fixed: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The parameters that ``metric_id``'s simulated value rests on and that ``scenario``
    leaves to capsim's defaults (dotted paths), less those in ``fixed`` (settings a standard
    itself states, such as the 30 minutes of a decision-to-delivery standard)."""
    wanted = [d for d in metric(metric_id).depends_on if d not in fixed]
    found: list[str] = []
    for p in defaulted_parameters(scenario):
        # A section left out names the parameters wanted under it; a part of a parameter
        # left out is named itself.
        found += [d for d in wanted if _within(d, p)] + ([p] if any(_within(p, d) and p != d
                                                                    for d in wanted) else [])
    return tuple(dict.fromkeys(found))


def _within(path: str, parent: str) -> bool:
    """Whether ``path`` is ``parent`` or lies under it."""
    return path == parent or path.startswith(parent + ".")
