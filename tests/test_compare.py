"""Comparing scenarios with common random numbers: identical scenarios differ by exactly 0, and
the paired interval of a small change is much narrower than the interval from independent
seeds."""

from __future__ import annotations

import math

import yaml
from conftest import assert_conserved, base_dict

from capsim import compare, simulate, validate_scenario
from capsim.cli import main
from capsim.stats import describe

REPS = 5


def region_value(summary, metric: str, column: str = "mean") -> float:
    """One region value of the whole period from a summary table."""
    row = summary[(summary["facility"] == "region") & (summary["metric"] == metric)
                  & (summary["year"] == "all")]
    return float(row[column].iloc[0])


def test_identical_scenarios_give_identical_results():
    s = validate_scenario(base_dict())
    c = compare(s, [s], replications=3, seed=4, workers=1)
    for res in c.results.values():
        assert_conserved(res)
    assert c.variants == ["test region (2)"]
    d = c.differences.dropna(subset=["mean"])
    assert len(d) > 100
    assert (d["mean"] == 0).all() and (d["ci_half_width"].fillna(0) == 0).all()
    assert (d["baseline_mean"].fillna(-1) == d["scenario_mean"].fillna(-1)).all()


def test_paired_interval_is_narrower_than_independent_seeds():
    base = validate_scenario(base_dict())
    more = validate_scenario(base_dict(facilities=[
        {**base_dict()["facilities"][0], "beds": 31}, base_dict()["facilities"][1]]))
    c = compare(base, {"one more bed": more}, replications=REPS, seed=21, workers=1)
    for res in c.results.values():
        assert_conserved(res)
    independent = simulate(more, replications=REPS, seed=22, workers=1)
    assert_conserved(independent)
    for metric in ("occupancy_mean", "midwife_timely_share"):
        paired = c.difference(metric, year="all")
        h_paired = float(paired["ci_half_width"].iloc[0])
        m = c.results[c.baseline].metrics
        base_vals = m[(m.metric == metric) & (m.facility == "region") & (m.year == "all")]
        i = independent.metrics
        other_vals = i[(i.metric == metric) & (i.facility == "region") & (i.year == "all")]
        h_base = describe(base_vals["value"])["ci_half_width"]
        h_other = describe(other_vals["value"])["ci_half_width"]
        h_independent = math.hypot(h_base, h_other)
        assert h_paired < 0.5 * h_independent, (metric, h_paired, h_independent)
    # One more bed: the paired interval resolves the fall in occupancy.
    assert float(c.difference("occupancy_mean", year="all")["ci_high"].iloc[0]) < 0


def test_differences_per_year_and_facility_match_the_levels():
    d = base_dict()
    d["horizon"] = {"start": "2020-07-01", "years": 1, "warmup_days": 30}
    base = validate_scenario(d)
    fewer = validate_scenario({**d, "demand": {**d["demand"], "events": [
        {"date": "2021-01-01", "multiplier": 0.8}]}})
    c = compare(base, [fewer], replications=2, seed=3, workers=1)
    diff = c.difference("deliveries", facility="county").set_index("year")
    levels = c.levels[(c.levels.metric == "deliveries") & (c.levels.facility == "county")]
    by = levels.pivot(index="year", columns="scenario", values="mean")
    for year in ("2020", "2021", "all"):
        assert diff.loc[year, "mean"] == by.loc[year, c.variants[0]] - by.loc[year, c.baseline]
    # Demand is the same in 2020: the same women, nearly the same deliveries.
    assert abs(diff.loc["2020", "mean"]) < 0.1 * abs(diff.loc["2021", "mean"])


def test_cli_compare_writes_tables_and_plots(tmp_path, capsys):
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(base_dict(), allow_unicode=True), encoding="utf-8")
    variant = tmp_path / "variant.yaml"
    variant.write_text(yaml.safe_dump({"extends": "base.yaml", "name": "busier",
                                       "demand": {"deliveries": 2400}}), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compare", str(base), str(variant), "-n", "2", "--seed", "5", "--workers", "1",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "variant - base" in text and "deliveries_per_year" in text
    names = {p.name for p in out.iterdir()}
    assert {"differences.csv", "scenarios.csv", "occupancy_mean-by-year.png"} <= names
    assert main(["compare", str(base), str(tmp_path / "missing.yaml")]) == 2


def test_horizons_without_a_common_year_are_refused_naming_both(tmp_path, capsys):
    import pytest

    from capsim.errors import CapsimError

    base = validate_scenario(base_dict(horizon={"start": "2016-01-01", "days": None,
                                                "years": 1}))
    later = validate_scenario(base_dict(horizon={"start": "2026-01-01", "days": None,
                                                 "years": 5}))
    with pytest.raises(CapsimError, match=r"2026-2030.*2016"):
        compare(base, {"plan": later}, replications=2, seed=3, workers=1)
    files = []
    for name, scen in (("base", base), ("plan", later)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(scen.model_dump(mode="json"), allow_unicode=True),
                        encoding="utf-8")
        files.append(str(path))
    assert main(["compare", *files, "-n", "2", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "2016" in err and "2026-2030" in err


def test_different_horizons_pair_only_their_common_years():
    base = validate_scenario(base_dict(horizon={"start": "2020-01-01", "days": None,
                                                "years": 1}))
    longer = validate_scenario(base_dict(horizon={"start": "2020-01-01", "days": None,
                                                  "years": 2}))
    c = compare(base, {"longer": longer}, replications=2, seed=3, workers=1)
    for res in c.results.values():
        assert_conserved(res)
    assert set(c.differences["year"]) == {"2020"}
    assert len(c.notes) == 1 and "2020-2021" in c.notes[0] and "only 2020" in c.notes[0]
    # The variant's own levels keep every year it reports.
    assert {"2020", "2021", "all"} <= set(c.levels[c.levels["scenario"] == "longer"]["year"])


def test_progress_counts_every_replication_of_every_scenario(capsys):
    """One count over the study: scenarios x replications, each replication once, in order,
    and the results are those of a run without progress."""
    base = validate_scenario(base_dict())
    more = validate_scenario(base_dict(demand={"deliveries": 2400}))
    calls: list[tuple[int, int]] = []
    c = compare(base, [more], replications=3, seed=4, workers=1,
                progress=lambda done, total: calls.append((done, total)))
    assert calls == [(k, 6) for k in range(1, 7)]
    quiet = compare(base, [more], replications=3, seed=4, workers=1)
    assert c.differences.equals(quiet.differences)
    assert capsys.readouterr().err == ""  # a callable replaces the bar
