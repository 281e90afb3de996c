"""The JSON Schema that editors use accepts every shipped file and rejects broken ones, as
the loader does."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from capsim.cli import main
from capsim.errors import ScenarioError
from capsim.scenario import load_scenario
from capsim.schema import file_kinds, file_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml")) + [
    ROOT / "docs" / "examples" / "sweep-small.yaml"]


def as_json(path: Path) -> dict:
    """A YAML file as an editor's JSON view of it: dates and numeric keys become text."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def errors(kind: str, data: dict) -> list[jsonschema.ValidationError]:
    return list(jsonschema.Draft202012Validator(file_schema(kind)).iter_errors(data))


def test_the_schemas_are_valid_json_schema():
    for kind in file_kinds():
        jsonschema.Draft202012Validator.check_schema(file_schema(kind))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_schema_accepts_every_shipped_scenario(path):
    assert SCENARIOS, "no shipped scenarios found"
    assert [e.message for e in errors("scenario", as_json(path))] == []


@pytest.mark.skipif("sweep" not in file_kinds(), reason="this installation has no sweeps")
@pytest.mark.parametrize("path", SWEEPS, ids=lambda p: p.name)
def test_schema_accepts_every_shipped_sweep(path):
    assert [e.message for e in errors("sweep", as_json(path))] == []


def test_schema_rejects_what_the_loader_rejects(tmp_path):
    data = as_json(ROOT / "scenarios" / "nanjiang-2016.yaml")
    broken = {
        "negative beds": (("facilities", 0, "beds"), -3),
        "misspelled field": (("demand", "deliverys"), 5600),
        "unknown level": (("facilities", 1, "level"), "hospital"),
        "distribution family": (("pathway", "labour"), {"dist": "weibull", "mean": 7}),
    }
    for what, (where, value) in broken.items():
        bad = json.loads(json.dumps(data))
        node = bad
        for key in where[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[where[-1]] = value
        found = errors("scenario", bad)
        assert found, f"the schema accepts a scenario with a {what}"
        assert any(tuple(e.absolute_path)[:len(where) - 1] == where[:-1] for e in found), what
        path = tmp_path / f"{what.replace(' ', '-')}.yaml"
        path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ScenarioError):
            load_scenario(path)


def test_the_guide_s_broken_example_is_underlined_where_the_loader_points():
    found = errors("scenario", as_json(ROOT / "docs" / "examples" / "bad.yaml"))
    where = sorted("/".join(map(str, e.absolute_path)) for e in found)
    assert where == ["demand", "facilities/1/beds"]
    assert any("'seasonalty' was unexpected" in e.message for e in found)


def test_required_field_missing_is_underlined():
    data = as_json(ROOT / "scenarios" / "nanjiang-2016.yaml")
    del data["horizon"]
    assert any("'horizon' is a required property" in e.message for e in errors("scenario", data))


def test_a_file_that_extends_another_may_be_partial_but_not_misspelled(tmp_path):
    base = ROOT / "scenarios" / "nanjiang-2016.yaml"
    variant = {
        "extends": str(base),
        "name": "more county beds",
        "facilities": [{"id": "county-hospital", "beds": 100}],
        "policy+": [{"date": "2016-07-01", "facility": "county-mch", "beds": 10}],
    }
    assert [e.message for e in errors("scenario", variant)] == []
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(variant), encoding="utf-8")
    scenario = load_scenario(path)
    assert scenario.facility("county-hospital").beds == 100
    assert len(scenario.policy) == len(load_scenario(base).policy) + 1
    variant["facilities"][0]["bedz"] = 100
    assert [e.message for e in errors("scenario", variant)] == [
        "Additional properties are not allowed ('bedz' was unexpected)"]


def test_schema_command_writes_what_the_editor_reads(tmp_path, capsys):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    for kind in file_kinds():
        path = tmp_path / f"{kind}.schema.json"
        assert path.read_text(encoding="utf-8") == schema_text(kind)
        assert str(path) in printed
    committed = ROOT / "docs" / "reference" / "scenario.schema.json"
    assert committed.read_text(encoding="utf-8") == (tmp_path / "scenario.schema.json").read_text(
        encoding="utf-8"), "docs/reference/scenario.schema.json is stale: run python -m capsim.docs"
