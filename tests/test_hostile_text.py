"""A planner's text reaches plots, CSV files and the report as text: TeX-like names are drawn
literally, formula-like cells are neutralised for spreadsheets, and nothing of the report is
substituted into a scenario's name."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest
import yaml
from conftest import assert_conserved, base_dict
from hypothesis import given
from hypothesis import strategies as st

from capsim import plots, simulate, validate_scenario
from capsim.cli import main
from capsim.formatting import FORMULA_STARTS, spreadsheet_restored, spreadsheet_safe
from capsim.report import from_results, render

HOSTILE_NAME = "$\\frac{a}{$ /*capsim-font*/ =HYPERLINK(\"x\")"


@pytest.fixture(scope="module")
def hostile_results():
    d = base_dict(name=HOSTILE_NAME)
    d["horizon"] = {"start": "2020-01-01", "days": 60, "warmup_days": 10}
    d["facilities"][0]["name"] = "$\\undefined{$ 县医院"
    d["facilities"][1]["name_en"] = "=1+1"
    res = simulate(validate_scenario(d), replications=2, seed=3, workers=1)
    assert_conserved(res)
    return res


def test_tex_like_names_are_drawn_literally(hostile_results, tmp_path):
    names = plots.facility_names(hostile_results.scenario, "en")
    fig = plots.occupancy_plot(hostile_results.summary(), names, "en",
                               title_name=hostile_results.scenario.name)
    path = plots.save(fig, tmp_path / "occ.png")
    assert path.stat().st_size > 0
    drawn = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any("$\\undefined{$" in text for text in drawn)


def test_report_title_holds_the_name_not_the_font(hostile_results):
    page = render(from_results(hostile_results), "en")
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "/*capsim-font*/" in title
    assert "base64" not in title and len(title) < 300
    # The font still opens the style.
    assert re.search(r"<style>@font-face", page)


def test_formula_like_cells_are_neutralised_numbers_untouched(tmp_path, capsys):
    d = base_dict()
    d["targets"] = {"catalogue": False, "local": [{
        "id": "beds-local", "name": {"en": "=HYPERLINK(\"http://x\")", "zh": "@SUM(A1)"},
        "metric": "beds_per_1000_deliveries", "comparator": ">=", "threshold": -1.5,
        "reading": "planned"}]}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "checked"
    assert main(["check", str(path), "--out", str(out)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader((out / "check.csv").open(encoding="utf-8-sig")))
    assert rows and all(r["name_en"] == "'=HYPERLINK(\"http://x\")" for r in rows)
    assert all(r["name_zh"] == "'@SUM(A1)" for r in rows)
    assert all(r["threshold"] == "-1.5" for r in rows)


@given(st.lists(st.one_of(st.text(max_size=12), st.floats(allow_nan=False),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=8))
def test_no_text_cell_starts_a_formula_and_restoring_gives_it_back(cells):
    table = pd.DataFrame({"text": [str(c) for c in cells], "value": range(len(cells))})
    safe = spreadsheet_safe(table)
    for cell in safe["text"]:
        if cell.startswith(FORMULA_STARTS):
            float(cell)  # only numbers may start so
    assert safe["value"].tolist() == list(range(len(cells)))
    assert spreadsheet_restored(safe)["text"].tolist() == table["text"].tolist()
