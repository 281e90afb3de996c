"""A scenario file that extends another: merged by the documented rules, validated like any
scenario with errors naming the file, and a cycle of extends is a clear error."""

from __future__ import annotations

import pytest
import yaml
from conftest import SCENARIOS, base_dict

from capsim import ScenarioError, load_scenario
from capsim.cli import main


def write(path, data) -> str:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def base_file(tmp_path):
    d = base_dict(policy=[{"date": "2020-06-01", "facility": "county", "beds": 5}])
    (tmp_path / "plans").mkdir()
    return write(tmp_path / "base.yaml", d)


def test_override_merges_facilities_by_id_and_keeps_the_rest(tmp_path, base_file):
    variant = write(tmp_path / "plans" / "more-beds.yaml", {
        "extends": "../base.yaml",
        "name": "more beds",
        "facilities": [
            {"id": "town", "beds": 9},
            {"id": "mch", "name": "妇幼保健院", "level": "mch", "beds": 12, "midwives": 6},
        ],
        "demand": {"deliveries": 2500, "booking": {"county": 0.7, "town": 0.2, "mch": 0.1}},
        "policy+": [{"date": "2020-09-01", "facility": "mch", "beds": 3}],
    })
    s = load_scenario(variant)
    assert s.name == "more beds"
    assert [f.id for f in s.facilities] == ["county", "town", "mch"]
    town = s.facility("town")
    assert town.beds == 9 and town.midwives == 5 and town.name == "乡镇卫生院"
    assert s.facility("county").beds == 30
    assert s.demand.deliveries == 2500
    assert s.demand.risk_mix["green"] == 0.5          # kept from the base
    assert [(p.facility, p.beds) for p in s.policy] == [("county", 5), ("mch", 3)]
    assert s.horizon.days == 365


def test_list_without_ids_replaces_the_base_list(tmp_path, base_file):
    variant = write(tmp_path / "v.yaml", {"extends": "base.yaml", "policy": []})
    assert load_scenario(variant).policy == ()


def test_merged_scenario_is_validated_naming_the_variant_file(tmp_path, base_file):
    variant = write(tmp_path / "v.yaml", {"extends": "base.yaml",
                                          "facilities": [{"id": "town", "beds": -2}]})
    with pytest.raises(ScenarioError) as exc:
        load_scenario(variant)
    msg = str(exc.value)
    assert msg.startswith(f"{variant} (extends {tmp_path / 'base.yaml'})")
    assert "facilities[town].beds" in msg and "greater than or equal to 0" in msg


def test_cycle_of_extends_names_the_files(tmp_path):
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    write(a, {"extends": "b.yaml", "name": "a"})
    write(b, {"extends": "a.yaml", "name": "b"})
    with pytest.raises(ScenarioError) as exc:
        load_scenario(a)
    msg = str(exc.value)
    assert "extends: a cycle of extends" in msg
    assert f"{a} → {b} → {a}" in msg


def test_missing_base_file_is_named(tmp_path):
    v = write(tmp_path / "v.yaml", {"extends": "nowhere.yaml"})
    with pytest.raises(ScenarioError, match=r"v.yaml: extends: the base file 'nowhere.yaml' is "
                                            r"not found"):
        load_scenario(v)


def test_misused_append_is_named(tmp_path, base_file):
    v = write(tmp_path / "v.yaml", {"extends": "base.yaml", "demand": {"risk_mix+": [1]}})
    with pytest.raises(ScenarioError, match=r"demand.risk_mix\+: appends a list to a list"):
        load_scenario(v)


def test_validate_show_prints_the_merged_scenario(tmp_path, base_file, capsys):
    v = write(tmp_path / "v.yaml", {"extends": "base.yaml", "name": "shown",
                                    "facilities": [{"id": "town", "beds": 11}]})
    assert main(["validate", v, "--show"]) == 0
    shown = yaml.safe_load(capsys.readouterr().out.split("\n" + v)[0])
    assert shown["name"] == "shown"
    assert {f["id"]: f["beds"] for f in shown["facilities"]} == {"county": 30, "town": 11}
    assert shown["demand"]["deliveries"] == 2000


def test_shipped_plans_extend_their_baselines():
    base = load_scenario(SCENARIOS / "nanjiang-2016.yaml")
    plan = load_scenario(SCENARIOS / "nanjiang-15th-fyp-consolidate.yaml")
    assert plan.demand.trend.series == "china-births-low"          # from the low variant
    assert plan.facility("county-hospital").beds == 110              # from the 15th-plan base
    assert plan.demand.risk_mix == base.demand.risk_mix              # from the 2016 baseline
    assert {p.facility for p in plan.policy if p.delivers is False} == {
        f"township-{i}" for i in range(1, 8)}
