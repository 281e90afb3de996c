"""The plan as written: capacity in force and expected deliveries per calendar year, read
from a scenario's own figures (facilities, policy changes, demand) without simulating.

These are the "planned" readings a planning document computes, such as Nanjiang's 189 beds
÷ 5,600 deliveries × 1,000 = 33.75 beds per 1,000 deliveries.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from capsim.demand import day_dates, expected_daily_deliveries
from capsim.scenario.models import Scenario

CAPACITY_FIELDS = ("beds", "midwives", "obstetricians", "theatres")


def horizon_years(scenario: Scenario) -> list[int]:
    """Calendar years with at least one reported day."""
    h = scenario.horizon
    last = (h.end - pd.Timedelta(days=1)).year if isinstance(h.end, date) else h.end.year
    return list(range(h.start.year, last + 1))


def capacity_on(scenario: Scenario, day: date) -> pd.DataFrame:
    """Capacity of each facility in force on ``day`` after the policy changes dated up to it.

    Returns columns facility, level, delivers, beds, midwives, obstetricians, theatres
    (beds and theatres as counts, staff as head-counts)."""
    rows = {f.id: {"facility": f.id, "level": f.level, "delivers": f.delivers,
                   **{k: getattr(f, k) for k in CAPACITY_FIELDS}} for f in scenario.facilities}
    for ev in sorted(scenario.policy, key=lambda e: e.date):
        if ev.date > day:
            break
        row = rows[ev.facility]
        for k in CAPACITY_FIELDS:
            row[k] += getattr(ev, k)
        if ev.delivers is not None:
            row["delivers"] = ev.delivers
    return pd.DataFrame(list(rows.values()))


def capacity_by_year(scenario: Scenario) -> pd.DataFrame:
    """Capacity in force on 31 December of each horizon year (or the horizon's last day).

    Returns columns year, facility, level, delivers, beds, midwives, obstetricians, theatres."""
    last_day = scenario.horizon.end - pd.Timedelta(days=1)
    frames = []
    for year in horizon_years(scenario):
        day = min(date(year, 12, 31), last_day)
        frames.append(capacity_on(scenario, day).assign(year=year))
    out = pd.concat(frames, ignore_index=True)
    return out[["year", *[c for c in out.columns if c != "year"]]]


def planned_deliveries_by_year(scenario: Scenario) -> pd.DataFrame:
    """Expected deliveries of the region in each horizon year (deliveries/year).

    The year's figure from the scenario (``deliveries``, ``deliveries_by_year``,
    ``annual_growth``) multiplied by the time-average of demand events over the year.
    Returns columns year, deliveries."""
    demand = scenario.demand
    rows = []
    for year in horizon_years(scenario):
        days = day_dates(date(year, 1, 1), date(year + 1, 1, 1))
        mult = np.ones(days.shape[0])
        for ev in demand.events:
            mult[days >= np.datetime64(ev.date, "D")] *= ev.multiplier
        rows.append({"year": year,
                     "deliveries": demand.deliveries_in(year, scenario.horizon.start.year)
                     * float(mult.mean())})
    return pd.DataFrame(rows)


__all__ = ["capacity_by_year", "capacity_on", "expected_daily_deliveries",
           "planned_deliveries_by_year"]
