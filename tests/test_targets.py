"""Targets: the catalogue, scenario-local targets, planned and simulated readings, verdicts with
intervals, and the exit code of ``capsim check``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, base_dict, run_checked
from test_scenario_validation import problem_of, write

from capsim import CapsimError, ScenarioError, load_scenario, validate_scenario
from capsim.cli import main
from capsim.scenario.loader import read_mapping
from capsim.targets import (
    active_standards,
    check,
    load_catalogue,
    needs_simulation,
    ratio_readings,
)


def local_target(**fields) -> dict:
    """A local target mapping: region beds per 1,000 planned deliveries >= 17 unless changed."""
    return {"id": "my-target", "name": {"en": "my target"}, "metric": "beds_per_1000_deliveries",
            "comparator": ">=", "threshold": 17, "scope": ["region"], "reading": "planned",
            **fields}


def only(*local: dict, **standards) -> dict:
    """A targets section without the catalogue: the given local targets and standards."""
    return {"catalogue": False, "standards": standards, "local": list(local)}


def rows(table, target: str):
    return table[table["target"] == target]


def test_nanjiang_planned_ratio_is_33_75_passes_17_fails_35():
    assert "nanjiang-35-beds" in [s.id for s in
                                  active_standards(load_scenario(SCENARIOS / "nanjiang-2016.yaml"))]
    data = read_mapping(SCENARIOS / "nanjiang-2016.yaml")
    data["targets"] = {**data["targets"], "catalogue": False,
                       "standards": {"beds-per-1000": True}}
    scenario = validate_scenario(data)
    assert not needs_simulation(scenario)
    table = check(scenario)
    assert table.attrs["replications"] == 0
    region = table[table["scope"] == "region"].set_index("target")
    assert region.loc["beds-per-1000", "value"] == 33.75           # 189 / 5,600 x 1,000
    assert region.loc["beds-per-1000", "verdict"] == "pass"
    assert region.loc["beds-per-1000", "margin"] == pytest.approx(16.75)
    assert region.loc["nanjiang-35-beds", "verdict"] == "fail"
    assert region.loc["nanjiang-35-beds", "margin"] == pytest.approx(-1.25)
    assert np.isnan(region.loc["nanjiang-35-beds", "ci_low"])       # planned: exact


def with_clinic(**overrides) -> dict:
    """The two-facility region plus an antenatal-care-only clinic where 10% of women book."""
    d = base_dict(**overrides)
    d["facilities"].append({"id": "clinic", "name": "社区卫生服务中心", "level": "township",
                            "delivers": False})
    d["demand"]["booking"] = {"county": 0.7, "town": 0.2, "clinic": 0.1}
    return d


def test_facility_target_applies_only_to_the_levels_named():
    d = with_clinic(targets=only(
        local_target(id="township-beds", scope=["facility"], levels=["township"]),
        **{"beds-per-1000": {"levels": ["county"], "threshold": 20}}))
    table = check(validate_scenario(d))
    assert list(rows(table, "township-beds")["scope"]) == ["town"]
    # town: 5 beds / (2,000 x 0.2) x 1,000 = 12.5 planned beds per 1,000 deliveries
    assert rows(table, "township-beds")["value"].item() == 12.5
    assert rows(table, "township-beds")["verdict"].item() == "fail"
    std = rows(table, "beds-per-1000").set_index("scope")
    assert list(std.index) == ["region", "county"]                  # no clinic, no town
    assert std.loc["county", "value"] == pytest.approx(30 * 1000 / 1400)
    assert std.loc["county", "verdict"] == "pass"                   # 21.4 >= 20 (overridden)
    assert std.loc["region", "verdict"] == "fail"                   # 17.5 < 20


@pytest.fixture(scope="module")
def simulated():
    """Four replications of the two-facility region (one year), checked for conservation."""
    return run_checked(base_dict(), replications=4, seed=3)


def test_verdict_uncertain_when_the_threshold_is_inside_the_interval(simulated):
    s = simulated.summary(year="2020")
    occ = s[(s["facility"] == "region") & (s["metric"] == "occupancy_mean")].iloc[0]
    assert occ["ci_low"] < occ["mean"] < occ["ci_high"]
    width = occ["ci_high"] - occ["ci_low"]
    verdicts = {}
    for label, threshold in {"inside": occ["mean"], "above": occ["ci_high"] + width,
                             "below": occ["ci_low"] - width}.items():
        target = local_target(id="occ", metric="occupancy_mean", comparator="<=",
                              threshold=float(threshold), reading="simulated")
        table = check(validate_scenario(base_dict(targets=only(target))), simulated)
        row = table.iloc[0]
        assert (row["value"], row["ci_low"], row["ci_high"]) == pytest.approx(
            (occ["mean"], occ["ci_low"], occ["ci_high"]))
        verdicts[label] = row["verdict"]
    assert verdicts == {"inside": "uncertain", "above": "pass", "below": "fail"}


def test_results_of_another_model_are_refused(simulated):
    other = validate_scenario(base_dict(demand={"deliveries": 2500}))
    with pytest.raises(CapsimError, match="differs"):
        check(other, simulated)


def test_both_readings_of_a_ratio(simulated):
    r = ratio_readings(simulated.scenario, simulated)
    beds = r[(r["scope"] == "region") & (r["metric"] == "beds_per_1000_deliveries")].iloc[0]
    assert beds["planned"] == 17.5                                  # 35 beds / 2,000 x 1,000
    s = simulated.summary(year="2020").set_index(["facility", "metric"])
    assert beds["simulated"] == s.loc[("region", "beds_per_1000_deliveries"), "mean"]
    assert beds["ci_low"] < beds["simulated"] < beds["ci_high"]


def test_trend_is_not_applicable_on_one_year(simulated):
    scenario = validate_scenario(base_dict(targets=only(**{"out-of-region-falling": True})))
    table = check(scenario, simulated)
    assert list(table["verdict"]) == ["not applicable"]
    assert "one-year horizon" in table["note"].item()


@pytest.mark.parametrize("first,second,verdict", [(3000, 800, "pass"), (800, 3000, "fail")])
def test_trend_compares_consecutive_years_paired(first, second, verdict):
    d = base_dict(horizon={"start": "2020-01-01", "years": 2, "days": None, "warmup_days": 30},
                  demand={"deliveries_by_year": {2020: first, 2021: second}},
                  targets=only(**{"out-of-region-falling": True}))
    d["facilities"][0]["beds"], d["facilities"][1]["beds"] = 8, 3
    res = run_checked(d, replications=3, seed=11)
    row = check(res.scenario, res).iloc[0]
    m = res.metrics
    share = m[(m["metric"] == "out_of_region_share") & (m["facility"] == "region")]
    by_year = share.pivot(index="replication", columns="year", values="value")
    assert row["year"] == 2021
    assert row["value"] == pytest.approx((by_year["2021"] - by_year["2020"]).mean())
    assert row["verdict"] == verdict


def test_standard_measured_otherwise_is_not_applicable():
    d = base_dict(horizon={"days": 60}, pathway={"ddi_target_minutes": 20},
                  targets=only(**{"ddi-30-min": True}))
    res = run_checked(d, replications=2, seed=5)
    table = check(res.scenario, res)
    assert set(table["scope"]) == {"region", "county"}              # only the caesarean unit
    assert set(table["verdict"]) == {"not applicable"}
    assert table["note"].str.contains("ddi_target_minutes = 20").all()


def problem(tmp_path, targets: dict) -> str:
    return problem_of(tmp_path, base_dict(targets=targets))


def test_unknown_metric_named_by_its_field_path(tmp_path):
    msg = problem(tmp_path, {"local": [local_target(metric="beds_per_100_deliveries")]})
    assert "targets.local[my-target].metric" in msg and "unknown metric" in msg


def test_unknown_standard_id_named_by_its_field_path(tmp_path):
    msg = problem(tmp_path, {"standards": {"beds-per-100": False}})
    assert "targets.standards.beds-per-100" in msg and "unknown standard" in msg


def test_override_without_a_planned_reading_rejected(tmp_path):
    msg = problem(tmp_path, {"standards": {"occupancy-85": {"reading": "planned"}}})
    assert "targets" in msg and "standards.occupancy-85" in msg and "no planned reading" in msg


def test_local_target_cannot_take_a_catalogue_id(tmp_path):
    msg = problem(tmp_path, {"local": [local_target(id="beds-per-1000")]})
    assert "targets.local" in msg and "catalogue ids" in msg


def test_catalogue_ships_the_documented_standards():
    cat = load_catalogue()
    expected = {"beds-per-1000": 17, "midwives-per-1000": 6, "obstetricians-per-bed": 0.4,
                "ddi-30-min": 0.95, "occupancy-85": 0.85, "no-bed-1pct": 0.01,
                "midwife-15-min": 0.95}
    assert {sid: cat.get(sid).threshold for sid in expected} == expected
    assert cat.get("out-of-region-falling").comparator == "falling"
    assert "missing" in cat.get("obstetricians-per-bed").source.note
    assert cat.get("ddi-30-min").assumes == {"ddi_target_minutes": 30}
    assert {cat.get(s).kind for s in ("occupancy-85", "no-bed-1pct")} == {"guidance"}


def test_bad_catalogue_file_rejected_with_field_path(tmp_path):
    std = local_target(id="x", source={"document": "d"}, comparator="falling", threshold=None,
                       reading="planned")
    path = write(tmp_path, {"standards": [std]}, "standards.yaml")
    with pytest.raises(ScenarioError) as exc:
        load_catalogue(path)
    assert "standards[x]" in str(exc.value) and "needs the simulated reading" in str(exc.value)


def test_check_exit_code_follows_the_verdicts(tmp_path, capsys):
    passing = write(tmp_path, base_dict(targets=only(local_target(threshold=17))), "pass.yaml")
    failing = write(tmp_path, base_dict(targets=only(local_target(threshold=20))), "fail.yaml")
    unknown = write(tmp_path, base_dict(targets={"standards": {"no-such": True}}), "bad.yaml")
    out = tmp_path / "checked"
    assert main(["check", str(passing), "--out", str(out), "--lang", "en"]) == 0
    assert "nothing was simulated" in capsys.readouterr().out
    table = json.loads((out / "check.json").read_text(encoding="utf-8"))
    assert [r["verdict"] for r in table] == ["pass"]
    assert pd.read_csv(out / "check.csv")["verdict"].tolist() == ["pass"]
    assert main(["check", str(failing), "--lang", "zh"]) == 1
    assert "未达标" in capsys.readouterr().out
    assert main(["check", str(unknown)]) == 2
    (tmp_path / "check.txt").write_text("kept", encoding="utf-8")
    assert main(["check", str(passing), "--out", str(tmp_path / "check.txt")]) == 2


def test_target_compared_rounded_as_the_document_does():
    """The 13th plan's 279 beds for 7,000 deliveries (39.86) meets its ">= 40" only when
    compared as the document does, rounded to whole beds per 1,000."""
    from capsim.targets import check

    s = load_scenario(SCENARIOS / "nanjiang-13th-fyp.yaml")
    s = s.model_copy(update={"targets": s.targets.model_copy(update={"catalogue": False})})
    rows = check(s).set_index("target")
    assert rows.loc["nanjiang-40-beds", "value"] == 40
    assert rows.loc["nanjiang-40-beds", "verdict"] == "pass"
    exact = s.targets.local[-1].model_copy(update={"decimals": None, "id": "exact-40"})
    local = (*s.targets.local, exact)
    s2 = s.model_copy(update={"targets": s.targets.model_copy(update={"local": local})})
    rows = check(s2).set_index("target")
    assert rows.loc["exact-40", "value"] == pytest.approx(279 / 7000 * 1000)
    assert rows.loc["exact-40", "verdict"] == "fail"
