"""``capsim init DIR``: a starter scenario that validates and runs, every verdict of which rests
on its own (placeholder) figures, and the walk-through of where each input comes from."""

from __future__ import annotations

import pytest
from conftest import assert_conserved

from capsim import load_scenario, simulate
from capsim.cli import main
from capsim.scenario.loader import read_mapping
from capsim.targets import check


@pytest.fixture
def starter(tmp_path, capsys):
    folder = tmp_path / "county"
    assert main(["init", str(folder), "--lang", "en"]) == 0
    assert "Next: capsim validate" in capsys.readouterr().out
    return folder


def test_the_starter_scenario_validates_runs_and_rests_on_no_default(starter):
    scenario = load_scenario(starter / "scenario.yaml")
    assert scenario.display_name("zh") == "示例县 2025"
    assert scenario.display_name("en") == "Example County 2025"
    results = simulate(scenario, replications=2, seed=1, workers=1)
    assert_conserved(results)
    table = check(scenario, results)
    simulated = table[table["reading"] == "simulated"]
    assert not simulated.empty and (simulated["defaults"] == "").all()


def test_every_input_of_the_starter_has_a_comment_and_a_source_in_the_walkthrough(starter):
    text = (starter / "scenario.yaml").read_text(encoding="utf-8")
    guide = (starter / "WHERE-THE-NUMBERS-COME-FROM.md").read_text(encoding="utf-8")
    for source in ("delivery registers", "health statistics yearbook", "annual report",
                   "分娩登记", "卫生健康统计年鉴", "医院年报"):
        assert source in guide
    data = read_mapping(starter / "scenario.yaml")
    for section in ("demand", "pathway"):
        for key in data[section]:
            assert f"`{key}`" in guide or f"`{section}.{key}`" in guide or key in (
                "obstetricians_per_caesarean", "one_to_one_midwife", "women_per_midwife",
                "antenatal", "intrapartum_complication", "roster"), key
    assert text.count("PLACEHOLDER") >= 10


def test_init_never_overwrites(starter, capsys):
    (starter / "scenario.yaml").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(starter), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "never overwrites" in err and "Traceback" not in err
    assert (starter / "scenario.yaml").read_text(encoding="utf-8") == "mine\n"
    assert main(["init", str(starter), "--lang", "zh"]) == 2
    assert "不会覆盖" in capsys.readouterr().err
