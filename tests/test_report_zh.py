"""The report's parameter descriptions in Chinese: every parameter of every shipped scenario
and of the starter scenario has one, and the Chinese report shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS

from capsim import load_scenario
from capsim.i18n import field_description_zh
from capsim.report.parameters import parameter_table

FILES = [*sorted(SCENARIOS.glob("*.yaml")), ROOT / "capsim" / "data" / "starter" / "scenario.yaml"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: Path(p).name)
def test_every_parameter_has_a_chinese_description(path):
    table = parameter_table(load_scenario(path), path)
    missing = [p for p in table["parameter"] if not field_description_zh(p)]
    assert missing == []


def test_a_distribution_part_reads_its_parent_and_its_part():
    text = field_description_zh("pathway.postnatal_los.caesarean.mean")
    assert text.startswith("剖宫产后的住院时间（天）") and "均值" in text
    assert field_description_zh("facilities[county-hospital].beds") == \
        "产科床位，产前、产时和产后共用（张）。"
    assert field_description_zh("demand.risk_mix.red").startswith("各风险等级")
    assert field_description_zh("no.such.field") is None


def test_the_chinese_report_shows_chinese_descriptions():
    from html import escape

    from conftest import assert_conserved

    from capsim import simulate
    from capsim.i18n import FIELD_ZH
    from capsim.report import from_results, render

    path = SCENARIOS / "putuo-2024.yaml"
    results = simulate(load_scenario(path), replications=2, seed=1, workers=1)
    assert_conserved(results)
    page = render(from_results(results, path), "zh")
    assert escape(FIELD_ZH["pathway.roster.availability"]) in page
    assert "Share of head-count available for the roster" not in page
