"""Bad input fails before simulating, naming the file, the field path and the reason."""

from __future__ import annotations

import pytest
import yaml
from conftest import SCENARIOS, base_dict
from pydantic import ValidationError

from capsim import ScenarioError, load_scenario, validate_scenario
from capsim.cli import main


def write(tmp_path, data, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def problem_of(tmp_path, data) -> str:
    path = write(tmp_path, data)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    msg = str(exc.value)
    assert msg.startswith(str(path)), msg
    return msg


def test_negative_beds_named_by_facility_id(tmp_path):
    d = base_dict()
    d["facilities"][1]["beds"] = -3
    msg = problem_of(tmp_path, d)
    assert "facilities[town].beds" in msg
    assert "greater than or equal to 0" in msg


def test_zero_deliveries_rejected(tmp_path):
    msg = problem_of(tmp_path, base_dict(demand={"deliveries": 0}))
    assert "demand.deliveries" in msg and "greater than 0" in msg


def test_delivering_facility_without_beds(tmp_path):
    d = base_dict()
    d["facilities"][1]["beds"] = 0
    msg = problem_of(tmp_path, d)
    assert "facilities[town]" in msg and "needs beds > 0" in msg


def test_risk_shares_must_sum_to_one(tmp_path):
    msg = problem_of(tmp_path, base_dict(demand={"risk_mix": {
        "green": 0.5, "yellow": 0.3, "orange": 0.1, "red": 0.03, "purple": 0.02}}))
    assert "demand" in msg and "risk_mix shares must sum to 1" in msg and "0.95" in msg


def test_booking_shares_must_sum_to_one(tmp_path):
    d = base_dict()
    d["demand"]["booking"] = {"county": 0.7, "town": 0.2}
    msg = problem_of(tmp_path, d)
    assert "booking shares must sum to 1" in msg


def test_unknown_facility_in_referral_order(tmp_path):
    msg = problem_of(tmp_path, base_dict(referral={"order": {"town": ["county", "citty"]}}))
    assert "referral.order.town: unknown facility 'citty'" in msg


def test_unknown_facility_in_booking(tmp_path):
    d = base_dict()
    d["demand"]["booking"] = {"county": 0.8, "tow": 0.2}
    msg = problem_of(tmp_path, d)
    assert "demand.booking: unknown facility 'tow'" in msg


def test_typo_in_key_suggests_the_field(tmp_path):
    d = base_dict()
    d["facilities"][0]["bedz"] = 3
    msg = problem_of(tmp_path, d)
    assert "facilities[county].bedz" in msg and "did you mean 'beds'" in msg


def test_typo_at_top_level(tmp_path):
    d = base_dict()
    d["referal"] = {}
    msg = problem_of(tmp_path, d)
    assert "referal" in msg and "did you mean 'referral'" in msg


def test_risk_colour_with_no_eligible_facility(tmp_path):
    d = base_dict(referral={"eligibility": {
        "green": {"min_level": "township"}, "yellow": {"min_level": "county"},
        "orange": {"min_level": "county"}, "red": {"min_level": "city_tertiary"},
        "purple": {"min_level": "county"}}})
    msg = problem_of(tmp_path, d)
    assert "referral.eligibility.red" in msg and "could deliver nowhere" in msg


def test_caesarean_capability_needs_a_theatre(tmp_path):
    d = base_dict()
    d["facilities"][0]["theatres"] = 0
    msg = problem_of(tmp_path, d)
    assert "facilities[county]" in msg and "theatres > 0" in msg


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nfacilities: [\n  - id: a\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert "broken.yaml" in str(exc.value) and "line" in str(exc.value)


def test_several_problems_reported_together(tmp_path):
    d = base_dict()
    d["facilities"][0]["beds"] = -1
    d["facilities"][1]["midwives"] = -2
    msg = problem_of(tmp_path, d)
    assert "facilities[county].beds" in msg and "facilities[town].midwives" in msg


def test_missing_file():
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario("does/not/exist.yaml")


def test_cli_validate_exit_codes(tmp_path, capsys):
    good = write(tmp_path, base_dict(), "good.yaml")
    assert main(["validate", str(good)]) == 0
    assert "valid" in capsys.readouterr().out
    d = base_dict()
    d["facilities"][0]["beds"] = -1
    bad = write(tmp_path, d)
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: facilities[county].beds" in err


def test_cli_run_rejects_before_simulating(tmp_path, capsys):
    d = base_dict()
    d["demand"]["booking"] = {"county": 0.5, "nowhere": 0.5}
    bad = write(tmp_path, d)
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    assert not out.exists()
    assert "unknown facility 'nowhere'" in capsys.readouterr().err


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_is_valid(path):
    scenario = load_scenario(path)
    assert scenario.facilities


def test_validated_scenario_is_frozen():
    s = validate_scenario(base_dict())
    with pytest.raises(ValidationError, match="Instance is frozen"):
        s.facilities[0].beds = 3  # type: ignore[misc]
    assert s.facilities[0].beds == 30


def _plain_dicts(node, where="scenario"):
    """Where a mapping of a validated scenario is a plain, changeable dict."""
    from pydantic import BaseModel

    from capsim.scenario.base import FrozenDict

    if isinstance(node, BaseModel):
        for name, value in node.__dict__.items():
            if isinstance(value, dict) and not isinstance(value, FrozenDict):
                yield f"{where}.{name}"
            yield from _plain_dicts(value, f"{where}.{name}")
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from _plain_dicts(item, f"{where}[{i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from _plain_dicts(item, f"{where}[{key}]")


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_mapping_of_a_shipped_scenario_is_frozen(path):
    # Only the fields whose type may be a mapping are frozen (capsim.scenario.base); a field
    # missed there would leave a scenario that can be changed after validation.
    assert list(_plain_dicts(load_scenario(path))) == []


def test_validated_scenario_mappings_cannot_be_changed():
    s = validate_scenario(base_dict())
    with pytest.raises(TypeError, match="cannot be changed"):
        s.demand.booking["county"] = 0.5  # booking shares would sum to 0.7
    with pytest.raises(TypeError, match="cannot be changed"):
        s.referral.eligibility.pop("green")
    assert s.demand.booking["county"] == 0.8
    # Worker processes receive scenarios pickled; the copy is equal and still frozen.
    import pickle

    copy = pickle.loads(pickle.dumps(s))
    assert copy == s
    with pytest.raises(TypeError):
        copy.demand.booking["town"] = 1.0


def test_negative_risk_share_rejected_even_when_the_sum_is_one(tmp_path):
    d = base_dict()
    d["demand"]["risk_mix"] = {"green": 1.1, "yellow": -0.1, "orange": 0, "red": 0, "purple": 0}
    msg = problem_of(tmp_path, d)
    assert "risk_mix shares must not be negative: yellow is -0.1" in msg


@pytest.mark.parametrize("cut", [{"midwives": -5}, {"beds": -5}])
def test_a_policy_leaving_a_delivering_facility_no_midwife_or_bed_is_refused(tmp_path, cut):
    change = {"date": "2020-03-01", "facility": "town", **cut}
    msg = problem_of(tmp_path, base_dict(policy=[change]))
    assert "town would deliver with no" in msg and "delivers: false" in msg
    # The same cut with deliveries stopped is a closure, and valid.
    validate_scenario(base_dict(policy=[{**change, "delivers": False}]))


def test_beds_with_two_pools_are_the_ward_beds_and_a_conflict_is_named(tmp_path):
    d = base_dict()
    d["facilities"][0].update(ward_beds=20, delivery_beds=6)
    msg = problem_of(tmp_path, d)
    assert "facilities[county]" in msg and "beds (30) and ward_beds (20) differ" in msg
    del d["facilities"][0]["beds"]
    county = validate_scenario(d).facility("county")
    assert (county.beds, county.ward_beds, county.delivery_beds) == (20, 20, 6)
    # beds with delivery_beds are the ward beds (so a file extending this one may set beds).
    d["facilities"][0].update(beds=25)
    del d["facilities"][0]["ward_beds"]
    assert validate_scenario(d).facility("county").beds == 25
    d["facilities"][0].update(ward_beds=25)
    d["facilities"][0].pop("delivery_beds")
    assert "ward_beds needs delivery_beds" in problem_of(tmp_path, d)


def test_a_facility_roster_is_checked_against_its_head_count(tmp_path):
    d = base_dict()
    d["facilities"][1]["roster"] = {"shifts": [{"start": 8, "midwives": 6},
                                               {"start": 20, "midwives": 1}]}
    msg = problem_of(tmp_path, d)
    assert "facilities[town]" in msg and "6 midwives on duty at 08:00" in msg
    d["facilities"][1]["roster"]["shifts"][0]["midwives"] = 0
    assert "no midwife on duty at 08:00" in problem_of(tmp_path, d)
