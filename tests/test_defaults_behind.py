"""Verdicts that rest on capsim's defaults rather than on the scenario's own data say so, in
``capsim check`` and in the report; planner output cites documents by their titles."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SCENARIOS, assert_conserved, base_dict

from capsim import load_scenario, simulate, validate_scenario
from capsim.cli import main
from capsim.cli.check import format_check
from capsim.i18n import readable_path, t
from capsim.metrics import METRICS
from capsim.report import from_results, render
from capsim.targets import check
from capsim.targets.defaults import defaulted_parameters, defaults_behind

DDI = "ddi_within_target_share"
#: Internal shorthand that a planner cannot look up.
JARGON = ("seed 00", "REFERENCE.md", "REFERENCE:", "comment on ")


def test_every_dependency_in_the_registry_is_a_scenario_parameter():
    scenario = validate_scenario(base_dict())
    for m in METRICS.values():
        for path in m.depends_on:
            section, *rest = path.split(".")
            obj = getattr(scenario, section)
            for name in rest:
                assert name in type(obj).model_fields, (m.id, path)
                obj = getattr(obj, name)


def test_a_section_left_out_names_the_parameters_a_metric_rests_on():
    scenario = validate_scenario(base_dict())
    assert "pathway" in defaulted_parameters(scenario)
    behind = defaults_behind(DDI, scenario, ("pathway.ddi_target_minutes",))
    assert "pathway.emergency_preparation" in behind
    assert "pathway.ddi_target_minutes" not in behind
    # Beds and planned ratios rest on no pathway default.
    assert defaults_behind("beds", scenario) == ()


def test_a_parameter_the_file_gives_is_its_own_and_a_part_left_out_is_named():
    scenario = validate_scenario(base_dict(pathway={
        "emergency_preparation": {"dist": "fixed", "mean": 10.0},
        "roster": {"shifts_per_day": 2}}))
    behind = defaults_behind(DDI, scenario)
    assert "pathway.emergency_preparation" not in behind
    assert "pathway.roster.availability" in behind
    assert "pathway.roster.shifts_per_day" not in behind
    assert "pathway.roster" not in behind


def test_check_marks_the_verdicts_that_rest_on_defaults(capsys, tmp_path):
    """Every shipped scenario fails ddi-30-min on the default emergency preparation: the check
    table, the printed check (both languages) and the report say so."""
    scenario = load_scenario(SCENARIOS / "nanjiang-2016.yaml")
    results = simulate(scenario, replications=2, seed=3, workers=1)
    assert_conserved(results)
    table = check(scenario, results)
    ddi = table[table["target"] == "ddi-30-min"]
    assert ddi["defaults"].str.contains("pathway.emergency_preparation").all()
    assert not ddi["defaults"].str.contains("ddi_target_minutes").any()
    planned = table[table["reading"] == "planned"]
    assert (planned["defaults"] == "").all()
    en, zh = format_check(table, scenario, "en"), format_check(table, scenario, "zh")
    assert "[ddi-30-min] *" in en and "Rests on capsim's defaults" in en
    assert "[beds-per-1000] *" not in en
    assert "依据的是 capsim 默认值" in zh
    page = render(from_results(results, SCENARIOS / "nanjiang-2016.yaml"), "en")
    assert escape(t("check_defaults", "en", params=ddi["defaults"].iloc[0])) in page
    # Given from the region's own data, the same target no longer rests on that default.
    data = yaml.safe_load((SCENARIOS / "nanjiang-2016.yaml").read_text(encoding="utf-8"))
    data["pathway"] = {"emergency_preparation": {"dist": "lognormal", "mean": 18, "sd": 6}}
    own = validate_scenario(data)
    assert "pathway.emergency_preparation" not in defaults_behind(
        DDI, own, ("pathway.ddi_target_minutes",))


def test_a_parent_path_reads_as_a_planner_says_it():
    assert readable_path("facilities[township-1]") == "facility township-1"
    assert readable_path("pathway.roster", "zh") == "pathway › roster"
    assert "facilities[" not in t("from_parent", "en", at=readable_path("facilities[a]"))


def _texts() -> list[Path]:
    return [*sorted((ROOT / "docs").rglob("*.md")), *sorted(SCENARIOS.rglob("*.yaml")),
            ROOT / "README.md", ROOT / "capsim" / "data" / "standards.yaml"]


@pytest.mark.parametrize("path", _texts(), ids=lambda p: p.name)
def test_documents_are_cited_by_title_not_by_shorthand(path):
    text = path.read_text(encoding="utf-8")
    assert not [j for j in JARGON if j.lower() in text.lower()], path


def test_check_output_and_report_cite_documents_by_title(capsys):
    scenario = load_scenario(SCENARIOS / "jizhou-alliance.yaml")
    results = simulate(scenario, replications=2, seed=1, workers=1)
    assert_conserved(results)
    printed = format_check(check(scenario, results), scenario, "en")
    page = render(from_results(results, SCENARIOS / "jizhou-alliance.yaml"), "en")
    for text in (printed, page):
        assert not [j for j in JARGON if j.lower() in text.lower()]
    assert "蓟州区产科联盟实施方案" in printed
    assert main(["check", str(SCENARIOS / "putuo-2024.yaml"), "-n", "2", "--workers", "1"]) \
        in (0, 1)
    assert not [j for j in JARGON if j in capsys.readouterr().out]
