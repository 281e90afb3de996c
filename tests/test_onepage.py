"""The summary on one page: the region's verdicts per year, the largest gaps with their
facilities and what queueing theory says is needed, in plain sentences in both languages; the
report opens with it, prints on A4, and lists a value many facilities share once."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import base_dict, run_checked

from capsim.cli.run import format_one_page
from capsim.report.html import render
from capsim.report.inputs import from_results, run_tables
from capsim.report.onepage import (
    gap_sentences,
    need_sentences,
    sizing_estimate,
    verdict_sentences,
)
from capsim.report.parameters import collapse_facilities

NAMES = {"a": "Unit A", "b": "Unit B", "c": "Unit C", "region": "Region"}


def check_row(target, scope, year, value, threshold, verdict, unit="share"):
    return {"target": target, "name_en": f"{target} name", "name_zh": f"{target}名称",
            "scope": scope, "year": year, "unit": unit, "value": value,
            "comparator": ">=", "threshold": threshold, "margin": value - threshold,
            "verdict": verdict}


@pytest.fixture()
def checks():
    return pd.DataFrame([
        check_row("ddi", "region", 2026, 0.70, 0.95, "fail"),
        check_row("timely", "region", 2026, 0.97, 0.95, "pass"),
        check_row("ddi", "region", 2027, 0.96, 0.95, "pass"),
        check_row("timely", "region", 2027, 0.94, 0.95, "uncertain"),
        check_row("ddi", "a", 2026, 0.60, 0.95, "fail"),      # 37% short
        check_row("ddi", "b", 2026, 0.80, 0.95, "fail"),
        check_row("beds", "c", 2027, 10.0, 17.0, "fail", unit="beds/1000 deliveries"),  # 41%
        check_row("timely", "b", 2027, 0.90, 0.95, "fail"),   # 5% short
        check_row("wait", "a", 2027, 0.93, 0.95, "fail"),     # 2% short: the fourth gap
    ])


def test_verdicts_count_the_regions_readings_year_by_year(checks):
    en = verdict_sentences(checks, "en")
    assert en[0].startswith("2026: of the region's 2 readings, 1 pass, 1 fail and 0 are")
    assert "Failing: ddi name (70.0% / >= 95.0%)." in en[0]
    assert en[1].startswith("2027: of the region's 2 readings, 1 pass, 0 fail and 1 are")
    assert "Failing" not in en[1]
    zh = verdict_sentences(checks, "zh")
    assert zh[0].startswith("2026年") and "ddi名称" in zh[0]


def test_gaps_are_the_three_furthest_short_with_the_facility_shortest(checks):
    gaps = gap_sentences(checks, NAMES, "en")
    assert len(gaps) == 3
    assert gaps[0].startswith("beds name: furthest short at Unit C in 2027")
    assert gaps[1].startswith("ddi name: furthest short at Unit A in 2026")
    assert "2 facilities fall short" in gaps[1]
    assert gaps[2].startswith("timely name: furthest short at Unit B")
    assert not any("wait name" in g for g in gaps)


def test_a_gap_read_for_the_region_alone_names_no_facility():
    checks = pd.DataFrame([check_row("ratio", "region", 2026, 30.0, 35.0, "fail",
                                     unit="beds/1000 deliveries")])
    for lang in ("en", "zh"):
        (gap,) = gap_sentences(checks, NAMES, lang)
        assert "Region" not in gap and "facilities" not in gap and "机构" not in gap
        assert "2026" in gap


def test_needs_name_the_facilities_short_of_capacity():
    needs = pd.DataFrame([
        {"year": 2026, "facility": "a", "resource": "beds", "now": 10, "needed": 14,
         "binding": "no_bed"},
        {"year": 2027, "facility": "a", "resource": "beds", "now": 10, "needed": 16,
         "binding": "no_bed"},
        {"year": 2026, "facility": "b", "resource": "midwives", "now": 9, "needed": 5,
         "binding": "midwife"},
    ])
    (sentence,) = need_sentences(needs, NAMES, "en")
    assert "Unit A: 16 beds in 2027 (has 10)" in sentence and "Unit B" not in sentence
    (enough,) = need_sentences(needs[needs["facility"] == "b"], NAMES, "en")
    assert "enough" in enough
    assert "需床位16张" in need_sentences(needs, NAMES, "zh")[0]


@pytest.fixture(scope="module")
def crowded():
    """The township unit with one bed for a tenth of the region's women."""
    data = base_dict(demand={"deliveries": 2000, "booking": {"county": 0.9, "town": 0.1}})
    data["facilities"][1]["beds"] = 1
    return run_checked(data, replications=2, seed=2)


def test_sizing_estimate_asks_for_more_beds_where_they_are_short(crowded):
    needs = sizing_estimate(crowded).set_index(["facility", "resource"])
    town = needs.loc[("town", "beds")]
    assert town["now"] == 1 and town["needed"] > 1
    # Theatres only where caesareans are done: the township has no theatre to size.
    assert ("county", "theatres") in needs.index and ("town", "theatres") not in needs.index


def test_report_opens_with_the_summary_and_prints_on_a4(crowded):
    page = render(from_results(crowded), "en")
    assert page.index('id="one-page"') < page.index('id="scenario"')
    one = page.split('id="one-page"')[1].split("</section>")[0]
    assert 'id="one-verdicts"' in one and 'id="one-needs"' in one
    assert "beds in 2020 (has 1)" in one
    assert "@page{size:A4" in page and "@media print" in page
    assert "一页摘要" in render(from_results(crowded), "zh")


def test_capsim_run_prints_the_summary_in_either_language(crowded):
    tables = run_tables(crowded)
    en = format_one_page(crowded, tables, "en")
    zh = format_one_page(crowded, tables, "zh")
    assert en.startswith("Summary on one page") and "(has 1)" in en
    assert zh.startswith("一页摘要") and "现有1张" in zh


def test_parameter_appendix_lists_a_shared_value_once():
    params = pd.DataFrame([
        {"parameter": f"facilities[{f}].{field}", "value": value, "given": "file",
         "source": "plan", "source_at": f"facilities[{f}]", "documentation": ""}
        for f, beds in (("a", 12), ("b", 12), ("c", 11))
        for field, value in (("id", f), ("beds", str(beds)), ("theatres", "0"))
    ] + [{"parameter": "demand.deliveries", "value": "100", "given": "file", "source": "",
          "source_at": "", "documentation": ""}])
    out = collapse_facilities(params)
    assert out["parameter"].tolist() == [
        "facilities[a].id", "facilities[a, b].beds", "facilities[a, b, c].theatres",
        "facilities[b].id", "facilities[c].id", "facilities[c].beds", "demand.deliveries"]
    shared = out.set_index("parameter").loc["facilities[a, b].beds"]
    assert shared["value"] == "12" and shared["source_at"] == "facilities[a, b]"
