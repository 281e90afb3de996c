"""A run of several years is shown year by year in the console, the report's tables and its
charts; a facility closed in a year shows as closed, never averaged over the horizon."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import base_dict, run_checked

from capsim import plots
from capsim.cli.run import format_summary
from capsim.report.html import render
from capsim.report.inputs import from_results
from capsim.report.years import (
    facilities_by_year,
    occupancy_rows,
    region_by_year,
    reported_years,
)


@pytest.fixture(scope="module")
def closing():
    """Three years; the township unit closes at the start of the second and stays closed."""
    data = base_dict(
        horizon={"start": "2020-01-01", "days": 1096, "warmup_days": 20},
        demand={"deliveries": 1200},
        policy=[{"date": "2021-01-01", "facility": "town", "beds": -5, "delivers": False}],
    )
    return run_checked(data, replications=2, seed=3)


def test_years_of_the_summary_are_its_calendar_years(closing):
    assert reported_years(closing.summary(year=None)) == ["2020", "2021", "2022"]


def test_region_table_has_a_column_per_year_and_the_whole_period(closing):
    table = region_by_year(closing.summary(year=None), ("beds", "deliveries_per_year"),
                           lambda r: f"{r['mean']:.1f}")
    assert list(table.columns) == ["2020", "2021", "2022", "2020–2022"]
    # The region loses the township's 5 beds from 2021 on.
    assert table.loc["beds", "2020"] == "35.0"
    assert table.loc["beds", "2021"] == "30.0"


def test_a_closed_year_shows_as_closed_not_as_an_average(closing):
    rows = facilities_by_year(closing.summary(year=None), ["county", "town"], ("beds",),
                              lambda r: f"{r['mean']:.2f}", "closed")
    by = {(f, y): cells for f, y, cells in rows}
    assert by[("town", "2020")] == ["5.00"]
    assert by[("town", "2021")] == by[("town", "2022")] == ["closed"]
    assert by[("county", "2022")] == ["30.00"]
    # The horizon's average (5 beds for a third of it) appears nowhere.
    assert all(cells != ["1.67"] for cells in by.values())


def test_console_summary_puts_the_years_side_by_side(closing):
    text = format_summary(closing, 1.0)
    header = next(line for line in text.splitlines() if "2020–2022" in line)
    assert re.search(r"2020\s+2021\s+2022\s+2020–2022", header)
    town = [line for line in text.splitlines() if "乡镇卫生院" in line]
    assert len(town) == 3
    assert sum("closed" in line for line in town) == 2
    assert "p5-p95" not in text     # the one-period layout is not used


def test_report_tables_are_by_year(closing):
    page = render(from_results(closing), "en")
    region = page.split('id="summary-years"')[1].split("</table>")[0]
    for year in ("2020", "2021", "2022", "2020–2022"):
        assert f"<th>{year}</th>" in region
    facility = page.split('id="facility-summary"')[1].split("</table>")[0]
    assert facility.count('<tr class="closed">') == 2
    assert facility.count('<tr class="open">') == 4
    travel = page.split('id="travel"')[1].split("</table>")[0]
    assert "2022" in travel


def test_report_of_one_year_keeps_the_one_period_tables():
    res = run_checked(base_dict(), replications=2, seed=3)
    page = render(from_results(res), "en")
    assert 'id="summary"' in page and 'id="summary-years"' not in page
    assert 'id="travel"' in page


def test_occupancy_chart_draws_a_bar_per_year_and_none_for_a_closed_year(closing):
    rows = occupancy_rows(closing.summary(year=None))
    assert set(rows["year"]) == {"2020", "2021", "2022"}
    fig = plots.occupancy_plot(rows, lang="en")
    ax = fig.axes[0]
    bars = [c for c in ax.containers if hasattr(c, "patches")]
    assert len(bars) == 3                      # one set of bars per year
    town_heights = [b.patches[1].get_height() for b in bars]   # facilities: county, town, region
    assert town_heights[0] > 0 and all(pd.isna(h) for h in town_heights[1:])
    plots.plt.close(fig)


def test_ratio_chart_has_a_panel_for_every_year(closing):
    from capsim import targets

    ratios = targets.ratio_readings(closing.scenario, closing)
    fig = plots.ratio_years_plot(ratios, "beds_per_1000_deliveries", 17.0, lang="en")
    shown = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert shown == ["2020", "2021", "2022"]
    plots.plt.close(fig)
