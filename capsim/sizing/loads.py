"""Offered loads of each facility and year, read from a simulation with ample capacity.

With room for everyone (`capsim.sizing.capacity.ample_plan`) no woman is turned away or
waits, so what each facility receives is what it is offered: its mean census is its offered
bed load (Little's law: arrivals × bed-days per woman), its labours × mean labour hours its
offered labour load, and its caesareans × mean theatre hours its offered theatre load. These
feed the queueing formulas of `capsim.queueing`; their share of emergency caesareans
within the DDI target is the most any number of theatres can give (the preparation time and
transfers set it).
"""

from __future__ import annotations

import pandas as pd

from capsim.results import ALL_YEARS, REGION, Results
from capsim.scenario.units import two_bed_pools
from capsim.sizing.capacity import reported_days

HOURS_PER_YEAR = 365.25 * 24

#: Columns of `offered_loads`.
LOAD_COLUMNS = ["year", "facility", "deliveries", "labours", "caesareans", "bed_load",
                "delivery_bed_load", "labour_load", "theatre_load", "ddi_ceiling",
                "ddi_ceiling_low"]


def offered_loads(results: Results) -> pd.DataFrame:
    """Offered loads per (year, facility), means over the replications of ``results``.

    Columns: year (int), facility, deliveries, labours and caesareans (each a year,
    annualised), bed_load (erlangs: mean women in beds; the ward beds with two pools),
    delivery_bed_load (erlangs: labours x (mean labour + recovery hours) at a facility with
    two bed pools, 0 at one with one), labour_load (erlangs: mean women in
    labour care), theatre_load (erlangs: mean caesareans in theatre), ddi_ceiling and
    ddi_ceiling_low (share of emergency caesareans within the DDI target: mean and lower end
    of its 95% interval; NaN without emergency caesareans)."""
    scenario = results.scenario
    pathway = scenario.pathway
    days = reported_days(scenario)
    two_pools = {f.id: two_bed_pools(f) for f in scenario.facilities}
    m = results.metrics
    m = m[(m["year"] != ALL_YEARS) & (m["facility"] != REGION)]
    wide = m.pivot_table(index=["replication", "year", "facility"], columns="metric",
                         values="value", aggfunc="first", dropna=False).reset_index()
    hours = wide["year"].astype(int).map(days) * 24.0
    per_year = HOURS_PER_YEAR / hours
    caesareans = (wide["caesarean_share"].fillna(0) * wide["deliveries"])
    wide = wide.assign(
        labours_y=wide["labours"] * per_year,
        caesareans_y=caesareans * per_year,
        bed_load=wide["occupancy_mean"].fillna(0) * wide["beds"],
        delivery_bed_load=wide["labours"] / hours
        * (pathway.labour.mean + pathway.recovery_hours)
        * wide["facility"].map(two_pools).astype(float),
        labour_load=wide["labours"] / hours * pathway.labour.mean,
        theatre_load=caesareans / hours * pathway.caesarean_duration.mean / 60.0,
    )
    out = (wide.groupby(["year", "facility"], sort=False)
           [["deliveries_per_year", "labours_y", "caesareans_y", "bed_load",
             "delivery_bed_load", "labour_load", "theatre_load"]].mean().reset_index()
           .rename(columns={"deliveries_per_year": "deliveries", "labours_y": "labours",
                            "caesareans_y": "caesareans"}))
    s = results.summary(year=None)
    ddi = (s[(s["metric"] == "ddi_within_target_share") & (s["year"] != ALL_YEARS)]
           [["year", "facility", "mean", "ci_low"]]
           .rename(columns={"mean": "ddi_ceiling", "ci_low": "ddi_ceiling_low"}))
    out = out.merge(ddi, on=["year", "facility"], how="left")
    out["year"] = out["year"].astype(int)
    out["deliveries"] = out["deliveries"].fillna(0.0)
    return out[LOAD_COLUMNS]


def bed_days_per_delivery(loads: pd.DataFrame) -> float:
    """The region's mean bed-days per delivery: total bed load × 365.25 over total deliveries
    (days per delivery); NaN without deliveries."""
    total = loads["deliveries"].sum()
    return float(loads["bed_load"].sum() * 365.25 / total) if total > 0 else float("nan")
