"""Service levels a facility's capacity must achieve, and the ratio standards it is compared
with.

A service level is a bound on a simulated metric of each facility and year (see
`CHECKS`); a level set to ``None`` is not sized for. Defaults come from the standards
catalogue (`capsim.targets.load_catalogue`) where it gives them, otherwise from
`FALLBACK`, whose sources are in the field descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from capsim.errors import ScenarioError
from capsim.scenario.loader import validate_model
from capsim.scenario.models import Scenario, Strict
from capsim.scenario.targets import AssumedSetting


class ServiceLevels(Strict):
    """The service levels to size for; ``None`` switches one off."""

    no_bed: float | None = Field(
        0.01, gt=0, lt=1,
        description="Largest share of women who may find no bed at their planned delivery "
        "facility (share). Default 1%: planning guidance, not a national standard (de Bruin et "
        "al., Ann Oper Res 2010;178:23 size wards for a blocking target).",
    )
    occupancy: float | None = Field(
        0.85, gt=0, le=1,
        description="Largest mean bed occupancy (share). Default 85%: planning guidance from a "
        "simulation study (Bagust et al., BMJ 1999;319:155), not a formal standard.",
    )
    midwife: float | None = Field(
        0.95, gt=0, lt=1,
        description="Least share of labours that get a midwife within midwife_minutes (share).",
    )
    midwife_minutes: float = Field(
        15.0, gt=0, description="Wait for a midwife that still counts as timely (minutes)."
    )
    ddi: float | None = Field(
        0.95, gt=0, lt=1,
        description="Least share of emergency caesareans delivered within ddi_minutes of the "
        "decision (share).",
    )
    ddi_minutes: float = Field(
        30.0, gt=0,
        description="Decision-to-delivery interval target (minutes); 30 minutes in the "
        "maternal-safety work plan.",
    )


@dataclass(frozen=True)
class Check:
    """How one service level is read from the simulation: the resource it sizes, the metric
    of `capsim.metrics.METRICS` it bounds, whether the bound is an upper one, and the metric
    read instead at a facility with two bed pools (None: the same)."""

    level: str
    resource: str
    metric: str
    at_most: bool
    two_pool_metric: str | None = None

    def metric_for(self, two_pools: bool) -> str:
        """The metric this check bounds at a facility with one bed pool or two."""
        return (self.two_pool_metric or self.metric) if two_pools else self.metric


#: The service levels, in the order they are reported.
CHECKS: tuple[Check, ...] = (
    # With two pools a woman in labour is turned away for want of a delivery bed, never of a
    # ward bed (she waits in the delivery bed): the ward beds' no-bed level is read as the
    # time they are all taken, which arrivals see (Poisson arrivals see time averages), and
    # the delivery beds' as the time the delivery beds are.
    Check("no_bed", "beds", "turned_away_share", True, two_pool_metric="beds_full_share"),
    Check("no_bed", "delivery_beds", "delivery_beds_full_share", True),
    Check("occupancy", "beds", "occupancy_mean", True),
    Check("midwife", "midwives", "midwife_timely_share", False),
    Check("ddi", "theatres", "ddi_within_target_share", False),
)

#: Defaults used when the standards catalogue does not give a value.
FALLBACK = ServiceLevels()


@dataclass(frozen=True)
class RatioStandards:
    """Flat ratio standards per 1,000 deliveries a year (the maternal-safety work plan: 17
    obstetric beds and 6 midwives per 1,000 deliveries); ``None`` when the scenario switches
    the standard off."""

    beds_per_1000: float | None = 17.0
    midwives_per_1000: float | None = 6.0


def parse_assignments(items: list[str] | None, source: str = "--service-level") -> dict[str, Any]:
    """Turn ``["no_bed=0.01", "occupancy=off", "midwife=95%"]`` into a mapping of levels.

    ``off`` or ``none`` switches a level off; a value ending in ``%`` is divided by 100.
    Raises `ScenarioError` naming the bad item."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise ScenarioError(source, [(item, "expected NAME=VALUE, e.g. no_bed=0.01")])
        if raw.lower() in ("off", "none"):
            out[key] = None
            continue
        try:
            out[key] = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
        except ValueError:
            raise ScenarioError(source, [(key, f"not a number: {raw!r}")]) from None
    return out


def service_levels(overrides: dict[str, Any] | ServiceLevels | None = None,
                   scenario: Scenario | None = None,
                   source: str = "service levels") -> ServiceLevels:
    """The levels to size for: the standards catalogue's (as ``scenario``'s targets switch and
    override them, when given) with ``overrides`` on top.

    Returns a validated `ServiceLevels`; raises `ScenarioError` naming the field
    and the reason for an unknown name or a value out of range."""
    if isinstance(overrides, ServiceLevels):
        return overrides
    base = catalogue_defaults(scenario)
    return validate_model(ServiceLevels, {**base.model_dump(), **(overrides or {})}, source)


#: Each level's metric and comparator in the standards catalogue, and for the levels measured
#: against a time, the pathway setting a standard assumes for it (minutes).
CATALOGUE_METRICS: dict[str, tuple[str, str, AssumedSetting | None]] = {
    "no_bed": ("turned_away_share", "<=", None),
    "occupancy": ("occupancy_mean", "<=", None),
    "midwife": ("midwife_timely_share", ">=", "midwife_wait_target_minutes"),
    "ddi": ("ddi_within_target_share", ">=", "ddi_target_minutes"),
}
_MINUTES = {"midwife": "midwife_minutes", "ddi": "ddi_minutes"}


def catalogue_defaults(scenario: Scenario | None = None) -> ServiceLevels:
    """Service levels from the standards catalogue (`capsim.targets.load_catalogue`).

    Without ``scenario``: the catalogue's facility standards on each level's metric, or
    `FALLBACK` for a level it lacks. With ``scenario``: the standards its targets leave
    active (`capsim.targets.active_standards`), the strictest where several bound the
    same metric; a level none of them bounds is off (None). A standard's assumed minutes set
    the wait and DDI targets, else the scenario's pathway does."""
    from capsim.targets import active_standards, load_catalogue

    standards = (load_catalogue().standards if scenario is None
                 else active_standards(scenario))
    values: dict[str, Any] = {}
    for level, (metric, comparator, setting) in CATALOGUE_METRICS.items():
        # (threshold, standard): a standard with a comparator other than a trend has one.
        found = [(s.threshold, s) for s in standards
                 if s.metric == metric and s.comparator == comparator
                 and "facility" in s.scope and s.reading == "simulated"
                 and s.threshold is not None]
        if not found:
            values[level] = None if scenario is not None else getattr(FALLBACK, level)
            continue
        values[level], pick = (min if comparator == "<=" else max)(found, key=lambda t: t[0])
        if setting is not None:
            default = (getattr(scenario.pathway, setting) if scenario is not None
                       else getattr(FALLBACK, _MINUTES[level]))
            values[_MINUTES[level]] = pick.assumes.get(setting, default)
    return validate_model(ServiceLevels, values, "standards catalogue")


#: Catalogue ids of the ratio standards of the comparison table.
RATIO_IDS = {"beds_per_1000": "beds-per-1000", "midwives_per_1000": "midwives-per-1000"}


def ratio_standards(scenario: Scenario | None = None) -> RatioStandards:
    """Beds and midwives per 1,000 deliveries: the catalogue's ``beds-per-1000`` and
    ``midwives-per-1000``, else the work plan's 17 and 6. With ``scenario``, the standards its
    targets leave active (overrides applied); one it switches off is ``None``, so that sizing
    compares with no ratio the scenario does not hold itself to."""
    from capsim.targets import active_standards, load_catalogue

    standards = {s.id: s for s in (load_catalogue().standards if scenario is None
                                   else active_standards(scenario))}
    # Ratio standards compare with >= or <=, so each of them has a threshold.
    thresholds = {sid: s.threshold for sid, s in standards.items() if s.threshold is not None}
    if scenario is None:
        values = {k: thresholds[sid] for k, sid in RATIO_IDS.items() if sid in thresholds}
        return RatioStandards(**values)
    return RatioStandards(**{k: thresholds.get(sid) for k, sid in RATIO_IDS.items()})
