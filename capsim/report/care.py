"""Newborn care and the paediatric line in a run's printed summary and in the report: one
table per line (the region, then each facility with cots or paediatric beds, or where
newborns are born or children present), every value a mean with its 95% confidence interval
over replications, and the out-of-region share year by year (its trend)."""

from __future__ import annotations

import pandas as pd

from capsim import metrics
from capsim.formatting import fmt_value
from capsim.i18n import t
from capsim.metrics import NEWBORN_METRICS, PAEDIATRIC_METRICS
from capsim.results import ALL_YEARS, REGION
from capsim.scenario.calendar import capacity_schedule, cots_field
from capsim.scenario.models import Scenario
from capsim.scenario.newborn import NEWBORN_LEVELS

#: The lines of care: (scenario section, metrics, its out-of-region share, heading key).
LINES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("newborn", NEWBORN_METRICS, "newborn_out_of_region_share", "care_newborn"),
    ("paediatric", PAEDIATRIC_METRICS, "paediatric_out_of_region_share", "care_paediatric"),
)


def _facilities(scenario: Scenario, line: str) -> list[str]:
    """Facility ids a line's table shows: those with cots or beds of the line (as built or
    from a dated change on), or where its patients arise (births, presentation)."""
    schedule = capacity_schedule(scenario)
    fields = (tuple(cots_field(level) for level in NEWBORN_LEVELS) if line == "newborn"
              else ("paediatric_beds",))
    has_beds = {schedule.ids[i] for i, c in enumerate(schedule.built)
                if any(getattr(c, k) for k in fields)}
    has_beds |= {schedule.ids[s.facility] for s in schedule.steps
                 if any(getattr(s.after, k) for k in fields)}
    if line == "newborn":
        care = scenario.newborn
        assert care is not None
        return [f.id for f in scenario.facilities
                if f.delivers or f.id in care.cots or f.id in has_beds]
    paed = scenario.paediatric
    assert paed is not None
    return [f.id for f in scenario.facilities
            if f.id in has_beds or paed.presentation.get(f.id, 0) > 0]


def care_tables(summary: pd.DataFrame, scenario: Scenario, lang: str = "en"
                ) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """For each line the scenario has: (heading, table of the whole period with one row per
    place and one column per metric, table of the out-of-region share by year), values as
    text "mean [95% CI]"."""
    out = []
    whole = summary[summary["year"].astype(str) == ALL_YEARS]
    # Chinese tables name facilities as the scenario does; English ones keep the short ids.
    names = {f.id: f.name for f in scenario.facilities} if lang == "zh" else {}
    for section, ids, share, key in LINES:
        if getattr(scenario, section) is None:
            continue
        rows = []
        for place in [REGION, *_facilities(scenario, section)]:
            fs = whole[whole["facility"] == place].set_index("metric")
            row = {t("facility", lang): t("region", lang) if place == REGION
                   else names.get(place, place)}
            for m in ids:
                row[metrics.heading(m, lang)] = (
                    fmt_value(fs.loc[m, "mean"], fs.loc[m, "ci_low"], fs.loc[m, "ci_high"],
                              metrics.unit(m)) if m in fs.index else "-")
            rows.append(row)
        by_year = summary[(summary["facility"] == REGION) & (summary["metric"] == share)
                          & (summary["year"].astype(str) != ALL_YEARS)]
        trend = pd.DataFrame({
            t("year", lang): by_year["year"].astype(str).to_numpy(),
            metrics.heading(share, lang): [fmt_value(r.mean, r.ci_low, r.ci_high, "share")
                                           for r in by_year.itertuples(index=False)]})
        out.append((t(key, lang), pd.DataFrame(rows), trend))
    return out


def care_text(summary: pd.DataFrame, scenario: Scenario, lang: str = "en") -> str:
    """The lines' tables as text for the terminal ("" when the scenario has neither)."""
    parts = []
    # Chinese characters take two columns of a terminal: pandas pads by that width when asked.
    with pd.option_context("display.unicode.east_asian_width", True):
        for heading, table, trend in care_tables(summary, scenario, lang):
            parts += ["", heading, table.to_string(index=False)]
            if len(trend) > 1:
                parts += [t("care_trend", lang), trend.to_string(index=False)]
    return "\n".join(parts)


def care_accounting_text(accounting: pd.DataFrame, lang: str = "en") -> list[str]:
    """One line per line of care: its patients accounted for, mean per replication (none
    when the results hold no accounting of newborns or children)."""
    out: list[str] = []
    if accounting.empty:
        return out
    for line, acc in accounting.groupby("line", sort=False):
        out.append(t(f"care_accounted_{line}", lang,
                     arrivals=f"{acc['arrivals'].mean():.0f}",
                     well=f"{acc['no_care_needed'].mean():.0f}",
                     discharged=f"{acc['discharged'].mean():.0f}",
                     in_care=f"{acc['in_care'].mean():.1f}",
                     out=f"{acc['out_of_region'].mean():.1f}"))
    return out
