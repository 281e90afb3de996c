"""The comparison table: per facility and year, today's capacity, what the flat ratio standards
would give, what the workload establishment gives, what the service levels need, and the gap;
with the region's total.

A ratio standard gives every facility the same beds per 1,000 deliveries; the service level
gives a small facility more per 1,000 and a large one fewer (economies of scale), so the two
columns differ most at the smallest units.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from pandas._libs.missing import NAType

from capsim.results import REGION
from capsim.scenario.models import Scenario
from capsim.sizing.capacity import current_plan, delivering_facilities
from capsim.sizing.levels import RatioStandards

#: Columns of `comparison_table`, in order; counts are beds, persons or theatres.
COLUMNS = [
    "year", "facility", "level", "deliveries",
    "beds_now", "beds_ratio", "beds_needed", "beds_gap", "beds_needed_per_1000",
    "delivery_beds_now", "delivery_beds_needed", "delivery_beds_gap",
    "midwives_now", "midwives_ratio", "midwives_workload", "midwives_reference",
    "midwives_on_duty_needed", "midwives_needed", "midwives_gap",
    "theatres_now", "theatres_needed", "theatres_gap", "obstetricians_for_theatres",
    "met", "least",
]

_COUNTS = [c for c in COLUMNS if c.startswith(("beds_", "delivery_beds_", "midwives_",
                                               "theatres_", "obstetricians_"))
           and c != "beds_needed_per_1000"]


def ratio_count(deliveries: float, per_1000: float | None) -> int | NAType:
    """Capacity a ratio standard gives for ``deliveries`` a year: ceil(per_1000 × deliveries /
    1000) (beds or persons); missing (``pd.NA``) when the standard is switched off."""
    if per_1000 is None:
        return pd.NA
    return math.ceil(per_1000 * deliveries / 1000.0 - 1e-9)


def comparison_table(scenario: Scenario, loads: pd.DataFrame, needs: pd.DataFrame,
                     workload: pd.DataFrame, standards: RatioStandards,
                     sized: tuple[str, ...] = ("beds", "delivery_beds", "midwives",
                                               "theatres")) -> pd.DataFrame:
    """One row per delivering facility and year, then the region total of each year.

    ``loads`` is `offered_loads` (deliveries a year the facility is
    offered), ``needs`` the requirements table of `SizingResult`,
    ``workload`` `establishment`. Gaps are needed minus today
    (positive: capacity to add). Columns: `COLUMNS`. ``sized`` names the resources some
    level was on for; the others are left empty, and a facility with no load of a sized
    resource (or without theatres' capability) needs none of it. Delivery beds are empty at
    a facility with one bed pool."""
    now = current_plan(scenario)
    levels = {f.id: f.level for f in scenario.facilities}
    need = needs.set_index(["year", "facility", "resource"])
    work = workload.set_index(["year", "facility"])
    delivering = delivering_facilities(scenario)
    rows = []
    for r in loads.itertuples(index=False):
        fid, year = r.facility, int(r.year)
        if fid not in delivering:
            continue
        cap = now[fid][year]

        def needed(resource: str, column: str = "needed"):
            key = (year, fid, resource)
            if key in need.index:
                return need.loc[key, column]
            # A resource no level sized is unknown; a sized one without load here: none.
            return 0 if resource in sized else pd.NA

        mine = needs[(needs["year"] == year) & (needs["facility"] == fid)]
        rows.append({
            "year": year, "facility": fid, "level": levels[fid], "deliveries": r.deliveries,
            "beds_now": cap["beds"],
            "beds_ratio": ratio_count(r.deliveries, standards.beds_per_1000),
            "beds_needed": needed("beds"),
            "delivery_beds_now": cap.get("delivery_beds", pd.NA),
            "delivery_beds_needed": (needed("delivery_beds") if "delivery_beds" in cap
                                     else pd.NA),
            "midwives_now": cap["midwives"],
            "midwives_ratio": ratio_count(r.deliveries, standards.midwives_per_1000),
            "midwives_workload": math.ceil(work.loc[(year, fid), "wte"] - 1e-9),
            "midwives_reference": math.ceil(work.loc[(year, fid), "wte_reference"] - 1e-9),
            "midwives_on_duty_needed": needed("midwives"),
            "midwives_needed": needed("midwives", "headcount"),
            "theatres_now": cap["theatres"], "theatres_needed": needed("theatres"),
            "obstetricians_for_theatres": needed("theatres", "headcount"),
            "met": bool(mine["met"].all()), "least": bool(mine["least"].all()),
        })
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    df = pd.DataFrame(rows)
    counts = [c for c in _COUNTS if not c.endswith("_gap")]
    df[counts] = df[counts].astype("Int64")
    totals = (df.groupby("year", sort=True)
              .agg({"deliveries": "sum", **{c: lambda s: s.sum(min_count=1) for c in counts},
                    "met": "all", "least": "all"})
              .reset_index().assign(facility=REGION, level=""))
    out = pd.concat([df, totals], ignore_index=True)
    for resource in ("beds", "delivery_beds", "midwives", "theatres"):
        out[f"{resource}_gap"] = out[f"{resource}_needed"] - out[f"{resource}_now"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["beds_needed_per_1000"] = (out["beds_needed"].astype(float)
                                       / out["deliveries"].replace(0, np.nan) * 1000)
    return out.sort_values("year", kind="stable")[COLUMNS].reset_index(drop=True)
