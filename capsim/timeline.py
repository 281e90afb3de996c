"""The plan as written: capacity in force and expected deliveries per calendar year, read
from a scenario's own figures (facilities, policy changes, demand) without simulating.

These are the "planned" readings a planning document computes, such as Nanjiang's 189 beds
÷ 5,600 deliveries × 1,000 = 33.75 beds per 1,000 deliveries.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from capsim.demand import day_dates, expected_daily_deliveries
from capsim.scenario import calendar
from capsim.scenario.calendar import CAPACITY_FIELDS
from capsim.scenario.models import Scenario


def _capacity_frame(scenario: Scenario, capacity: tuple[calendar.Capacity, ...]) -> pd.DataFrame:
    return pd.DataFrame([{"facility": f.id, "level": f.level, "delivers": c.delivers,
                          **{k: getattr(c, k) for k in CAPACITY_FIELDS}}
                         for f, c in zip(scenario.facilities, capacity, strict=True)])


def capacity_on(scenario: Scenario, day: date) -> pd.DataFrame:
    """Capacity of each facility in force on ``day`` after the policy changes dated up to it.

    Returns columns facility, level, delivers, beds, midwives, obstetricians, theatres
    (beds and theatres as counts, staff as head-counts)."""
    return _capacity_frame(scenario, calendar.capacity_schedule(scenario).on(day))


def capacity_by_year(scenario: Scenario) -> pd.DataFrame:
    """Capacity in force on 31 December of each horizon year (or the horizon's last day).

    Returns columns year, facility, level, delivers, beds, midwives, obstetricians, theatres."""
    schedule = calendar.capacity_schedule(scenario)
    frames = [_capacity_frame(scenario, schedule.on(stop - timedelta(days=1))).assign(year=year)
              for year, _, stop in calendar.year_spans(scenario.horizon)]
    out = pd.concat(frames, ignore_index=True)
    return out[["year", *[c for c in out.columns if c != "year"]]]


def planned_deliveries_by_year(scenario: Scenario) -> pd.DataFrame:
    """Expected deliveries of the region in each horizon year (deliveries/year).

    The year's figure from the scenario (``deliveries``, ``deliveries_by_year``,
    ``annual_growth``) multiplied by the time-average of demand events over the year.
    Returns columns year, deliveries."""
    demand = scenario.demand
    rows = []
    for year in calendar.horizon_years(scenario.horizon):
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
