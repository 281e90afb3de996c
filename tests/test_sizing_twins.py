"""Sizing gives facilities the scenario describes identically one answer, and never confirms a
level that no capacity reaches (``capsim size`` says what is out of reach and exits 3)."""

from __future__ import annotations

import pytest
import yaml
from conftest import assert_conserved, base_dict

from capsim import validate_scenario
from capsim.cli import main
from capsim.sizing import size
from capsim.sizing.twins import twin_groups

TOWNS = ("town1", "town2", "town3")


def three_towns(**overrides) -> dict:
    """A county hospital and three identical township centres, each booking a fifth of the
    women; emergencies reach a free theatre in 10 minutes."""
    d = base_dict(**{"pathway": {"emergency_preparation": {"dist": "fixed", "mean": 10.0}},
                     **overrides})
    town = d["facilities"][1]
    d["facilities"] = [d["facilities"][0]] + [dict(town, id=t, name=f"乡镇{t[-1]}")
                                              for t in TOWNS]
    d["demand"]["booking"] = {"county": 0.4, **{t: 0.2 for t in TOWNS}}
    return d


def test_twin_groups_are_facilities_described_identically():
    assert twin_groups(validate_scenario(three_towns())) == [TOWNS]
    # Travel between two twins does not part them; a different time to the county does.
    near = three_towns(referral={"transfers": [{"between": ["town1", "town2"], "minutes": 9}]})
    assert twin_groups(validate_scenario(near)) == [("town1", "town2")]
    far = three_towns(referral={"transfers": [{"between": ["county", "town3"], "minutes": 90}]})
    assert twin_groups(validate_scenario(far)) == [("town1", "town2")]
    d = three_towns()
    d["facilities"][3]["beds"] = 6
    d["demand"]["booking"] = {"county": 0.4, "town1": 0.2, "town2": 0.2, "town3": 0.2}
    assert twin_groups(validate_scenario(d)) == [("town1", "town2")]
    d = three_towns(policy=[{"date": "2020-06-01", "facility": "town2", "beds": 2}])
    assert twin_groups(validate_scenario(d)) == [("town1", "town3")]


def test_identical_townships_get_identical_answers():
    """With seed 2 and four replications, sizing each township on its own women gave one of
    them 7 beds and the others 6; sized together they get one answer."""
    result = size(validate_scenario(three_towns()), replications=4, seed=2, workers=1)
    assert_conserved(result.results)
    towns = result.requirements[result.requirements["facility"].isin(TOWNS)]
    for resource, rows in towns.groupby("resource"):
        answers = rows[["needed", "headcount", "load", "met", "least"]].drop_duplicates()
        assert len(answers) == 1, (resource, rows)
    assert result.confirmed
    beds = towns[towns["resource"] == "beds"]["needed"].iloc[0]
    # The answer is the group's: every township met the bed levels at it.
    checks = result.checks[result.checks["facility"].isin(TOWNS)
                           & (result.checks["resource"] == "beds")]
    assert (checks["value"] == beds).all() and checks["met"].all()


def test_a_level_out_of_reach_is_never_confirmed(tmp_path, capsys):
    """A 60-minute emergency preparation keeps every emergency caesarean past a 30-minute
    decision-to-delivery target: no number of theatres reaches a 95% level, so ``size`` names
    the facility, says what is out of reach and exits 3, not 0."""
    d = three_towns(pathway={"emergency_preparation": {"dist": "fixed", "mean": 60.0}})
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    result = size(validate_scenario(d), replications=3, seed=4, workers=1)
    assert_conserved(result.results)
    assert result.confirmed and not result.reached
    row = result.out_of_reach.set_index("facility").loc["county"]
    assert row["level"] == "ddi" and row["attainable"] < 0.95 and row["target"] == 0.95
    out = tmp_path / "sizing"
    code = main(["size", str(path), "-n", "3", "--seed", "4", "--workers", "1", "--lang", "en",
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 3
    assert "Every level confirmed" not in printed
    assert "Out of reach: 县医院" in printed and "within 30 min" in printed
    # The preparation time is the scenario's own; the roster and caesarean duration are not.
    rests = next(line for line in printed.splitlines() if "Rests on capsim's defaults" in line)
    assert "pathway.roster" in rests and "emergency_preparation" not in rests
    assert (out / "sizing.csv").stat().st_size > 0 and (out / "sizing.png").stat().st_size > 0
    assert main(["size", str(path), "-n", "3", "--seed", "4", "--workers", "1",
                 "--lang", "zh"]) == 3
    assert "无法达到：县医院" in capsys.readouterr().out


@pytest.mark.parametrize("out", ["sizes.csv", "a-file"])
def test_size_out_is_a_folder(tmp_path, capsys, out):
    """``--out`` names a folder for every command; an existing file is refused at once."""
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(three_towns(), allow_unicode=True), encoding="utf-8")
    (tmp_path / out).write_text("kept", encoding="utf-8")
    assert main(["size", str(path), "--out", str(tmp_path / out)]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert (tmp_path / out).read_text(encoding="utf-8") == "kept"
