"""Planned readings: capacity and ratios computed from a scenario's own figures, exactly as a
planning document computes them, without simulating.

Region: capacity in force at the end of each horizon year (all facilities) ÷ the year's planned
deliveries × 1,000 — Nanjiang 2016: 189 beds ÷ 5,600 deliveries × 1,000 = 33.75. Facility:
planned deliveries are the region's planned deliveries × the facility's booking share, so a
facility that receives referred or diverted women has a lower planned than simulated workload;
women booked at antenatal-care-only facilities are attributed to no facility, and those
facilities (and facilities no woman books at) have no planned delivery ratio.
"""

from __future__ import annotations

import math

import pandas as pd

from capsim.metrics import METRICS, PLANNED_METRICS, PlannedReading
from capsim.results import REGION
from capsim.scenario.models import Scenario
from capsim.timeline import CAPACITY_FIELDS, capacity_by_year, planned_deliveries_by_year


def planned_readings(scenario: Scenario) -> pd.DataFrame:
    """Planned value of every metric of `capsim.metrics.PLANNED_METRICS`, per horizon
    year, for the region and each facility that delivers at the end of the year.

    Returns columns year, scope (``"region"`` or a facility id), level, metric, value
    (deliveries a year, counts, head-counts, per 1,000 deliveries, or obstetricians per bed).
    NaN where a ratio has no denominator (no planned deliveries, no beds)."""
    capacity = capacity_by_year(scenario)
    deliveries = planned_deliveries_by_year(scenario).set_index("year")["deliveries"]
    booking = scenario.demand.booking
    rows: list[dict] = []
    for year, cap in capacity.groupby("year", sort=True):
        region_deliveries = float(deliveries[year])
        totals = {k: float(cap[k].sum()) for k in CAPACITY_FIELDS}
        rows += _metric_rows(year, REGION, "", totals, region_deliveries)
        for f in cap[cap["delivers"]].itertuples(index=False):
            counts = {k: float(getattr(f, k)) for k in CAPACITY_FIELDS}
            rows += _metric_rows(year, f.facility, f.level, counts,
                                 region_deliveries * booking.get(f.facility, 0.0))
    return pd.DataFrame(rows, columns=["year", "scope", "level", "metric", "value"])


def _metric_rows(year: int, scope: str, level: str, counts: dict[str, float],
                 deliveries: float) -> list[dict]:
    quantities = {"deliveries": deliveries, **counts}

    def reading(how: PlannedReading) -> float:
        # The metric's planned reading (capsim.metrics): numerator × scale ÷ denominator,
        # multiplied first so that 189 * 1000 / 5600 is exactly 33.75.
        value = quantities[how.numerator]
        if how.denominator is None:
            return value
        denominator = quantities[how.denominator]
        return value * how.scale / denominator if denominator > 0 else math.nan

    return [{"year": int(year), "scope": scope, "level": level, "metric": m,
             "value": reading(how)}
            for m in PLANNED_METRICS if (how := METRICS[m].planned) is not None]
