"""A results folder stands on its own: a run of a plan that extends a baseline can be reported
after the folder is moved away from the scenario files."""

from __future__ import annotations

import shutil
from pathlib import Path

from capsim.cli import main
from capsim.report.inputs import from_folder
from capsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "nanjiang-13th-fyp.yaml"


def test_a_moved_run_of_a_plan_variant_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", str(PLAN), "-n", "2", "--out", str(out)]) == 0
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    shutil.move(out, moved)

    copy = moved / "scenario.yaml"
    assert "extends" not in load_yaml_keys(copy)
    assert load_scenario(copy) == load_scenario(PLAN)
    # The original files sit alongside, so the parameters keep the sources their comments give.
    assert (moved / "sources" / PLAN.name).read_bytes() == PLAN.read_bytes()
    assert (moved / "sources" / "nanjiang-2016.yaml").is_file()

    inputs = from_folder(moved)
    assert inputs.scenario == load_scenario(PLAN)
    assert inputs.scenario_file == moved / "sources" / PLAN.name
    assert main(["report", str(moved)]) == 0
    html = (moved / "report.html").read_text(encoding="utf-8")
    assert load_scenario(PLAN).name in html


def load_yaml_keys(path: Path) -> set[str]:
    import yaml

    return set(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_a_later_run_of_a_plain_scenario_removes_the_sources(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", str(PLAN), "-n", "2", "--out", str(out)]) == 0
    assert (out / "sources").is_dir()
    baseline = ROOT / "scenarios" / "nanjiang-2016.yaml"
    assert main(["run", str(baseline), "-n", "2", "--out", str(out)]) == 0
    assert not (out / "sources").exists()
    assert (out / "scenario.yaml").read_bytes() == baseline.read_bytes()
    assert from_folder(out).scenario_file == out / "scenario.yaml"
