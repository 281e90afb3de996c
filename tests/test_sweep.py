"""Sensitivity analysis: Sobol indices against queueing theory, resuming an interrupted sweep,
the store, and bad paths and values rejected before anything runs, naming the path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import SCENARIOS, base_dict, loss_system

from capsim import CapsimError, ScenarioError
from capsim.cli import main
from capsim.sweep import load_sweep, open_sweep, prepare_sweep, run_sweep
from capsim.sweep.spec import ParameterDistribution

SWEEPS = SCENARIOS / "sweeps"


def spec(scenario: dict, parameters: list, outputs: list, **fields) -> dict:
    """A sweep spec mapping with the scenario written inline."""
    return {"name": "test sweep", "scenario": scenario, "parameters": parameters,
            "outputs": outputs, **fields}


def short_region(days: int = 120) -> dict:
    """The two-facility region over a short horizon."""
    return base_dict(horizon={"start": "2020-01-01", "days": days, "warmup_days": 20})


def assert_runs_conserve_women(result) -> None:
    """Every simulation of a sweep accounts for every woman."""
    runs = result.runs
    assert len(runs) > 0 and (runs["arrivals"] > 0).all()
    assert (runs["arrivals"] == runs["delivered"] + runs["out_of_region"]
            + runs["in_progress"]).all()


def write(tmp_path, data: dict, name: str = "sweep.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_sobol_on_a_loss_system_blocking_depends_on_the_mean_stay_not_its_shape(tmp_path):
    """Erlang-B blocking depends on the mean stay only (insensitivity): the total Sobol index of
    the sd at a fixed mean is near zero, the mean's first-order index near one."""
    scenario = loss_system(20, 2400, {"dist": "lognormal", "mean": 3.0, "sd": 1.0}, days=120,
                           warmup=30)
    sweep = prepare_sweep(spec(
        scenario,
        [{"path": "pathway.postnatal_los.vaginal.mean", "range": [2.0, 4.0]},
         {"path": "pathway.postnatal_los.vaginal.sd", "range": [0.3, 3.0]}],
        [{"metric": "turned_away_share", "facility": "unit"}],
        method="sobol", samples=16, replications=1, seed=3))
    result = run_sweep(sweep, tmp_path, workers=1)
    assert_runs_conserve_women(result)
    idx = result.indices().set_index("parameter")
    mean, shape = idx.loc["pathway.postnatal_los.vaginal.mean"], \
        idx.loc["pathway.postnatal_los.vaginal.sd"]
    assert shape["ST"] + shape["ST_conf"] < 0.05, idx
    assert mean["S1"] > 0.8 and mean["ST"] - mean["ST_conf"] > 0.3, idx
    # The blocking really varies over the sweep (the check has power).
    y = result.point_means()["unit.turned_away_share"]
    assert y.max() - y.min() > 0.2


def test_interrupted_sweep_resumes_to_the_results_of_an_uninterrupted_one(tmp_path):
    data = spec(
        short_region(),
        [{"path": "facilities[county].beds", "range": [12, 40]},
         {"path": "pathway.postnatal_los.caesarean.mean", "range": [4.0, 7.0]},
         {"path": "demand.deliveries", "range": [1500, 2500]}],
        [{"metric": "turned_away_share", "facility": "county"},
         {"metric": "occupancy_mean", "facility": "region"}],
        method="morris", samples=4, replications=2, seed=9, common_random_numbers=False)
    sweep = prepare_sweep(data)
    total = sweep.runs
    assert total == 4 * (3 + 1) * 2

    def stop_after(n):
        def progress(done, _total):
            if done >= n:
                raise KeyboardInterrupt
        return progress

    with pytest.raises(KeyboardInterrupt):
        run_sweep(sweep, tmp_path / "resumed", workers=1, progress=stop_after(7))
    partial = open_sweep(tmp_path / "resumed")
    assert len(partial.runs) == 7 and not partial.complete
    with pytest.raises(CapsimError, match="incomplete"):
        partial.indices()

    seen = []
    resumed = run_sweep(prepare_sweep(data), tmp_path / "resumed", workers=2,
                        progress=lambda done, _t: seen.append(done))
    assert seen[0] == 8 and len(seen) == total - 7  # only the missing ones ran
    reference = run_sweep(prepare_sweep(data), tmp_path / "reference", workers=1)
    assert_runs_conserve_women(reference)
    pd.testing.assert_frame_equal(resumed.results, reference.results)
    keep = ["point", "replication", "seed", "arrivals", "delivered", "out_of_region",
            "in_progress"]
    pd.testing.assert_frame_equal(resumed.runs[keep], reference.runs[keep])
    pd.testing.assert_frame_equal(resumed.indices(), reference.indices())
    # Without common random numbers each point has its own seed.
    assert resumed.runs.groupby("point")["seed"].first().nunique() == sweep.design.points
    # Re-analysis from the store alone, without the spec, gives the same indices.
    pd.testing.assert_frame_equal(open_sweep(tmp_path / "reference").indices(),
                                  reference.indices())


def test_store_refuses_a_sweep_from_another_spec_and_accepts_new_labels(tmp_path):
    data = spec(short_region(60), [{"path": "facilities[county].beds", "values": [20, 30]}],
                [{"metric": "occupancy_mean", "facility": "county"}],
                method="oat", replications=1, seed=1)
    run_sweep(prepare_sweep(data), tmp_path, workers=1)
    relabelled = {**data, "parameters": [{**data["parameters"][0], "label": "Beds"}]}
    calls = []
    run_sweep(prepare_sweep(relabelled), tmp_path, workers=1, progress=lambda *a: calls.append(a))
    assert calls == []  # nothing left to simulate
    with pytest.raises(CapsimError, match="different spec"):
        run_sweep(prepare_sweep({**data, "seed": 2}), tmp_path, workers=1)


def test_tornado_cli_and_reanalysis_without_simulating(tmp_path, capsys):
    data = spec(short_region(),
                [{"path": "facilities[county].beds", "range": [10, 40], "label": "County beds"},
                 {"path": "demand.deliveries", "range": [1500, 2500]}],
                [{"metric": "turned_away_share", "facility": "county"}],
                method="oat", replications=2, seed=4)
    path = write(tmp_path, data)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 0
    assert {"sweep.sqlite", "indices.csv", "summary.csv", "tornado.png"} <= \
        {p.name for p in out.iterdir()}
    table = pd.read_csv(out / "indices.csv").set_index("parameter")
    beds = table.loc["facilities[county].beds"]
    # Common random numbers: more beds never turn more of the same women away.
    assert (beds["low_value"], beds["high_value"]) == (10, 40)
    assert beds["at_high"] < beds["at_low"]
    assert table.loc["demand.deliveries", "at_high"] > table.loc["demand.deliveries", "at_low"]
    assert_runs_conserve_women(open_sweep(out))
    first = (out / "indices.csv").read_text()
    (out / "indices.csv").unlink()
    capsys.readouterr()
    assert main(["sweep", str(path), "--out", str(out), "--analyse-only"]) == 0
    assert "simulations in" not in capsys.readouterr().out
    assert (out / "indices.csv").read_text() == first
    # An incomplete store cannot be analysed.
    more = write(tmp_path, {**data, "replications": 3}, "more.yaml")
    assert main(["sweep", str(more), "--out", str(tmp_path / "empty"), "--analyse-only"]) == 2


@pytest.mark.parametrize(("path", "message"), [
    ("facilities[county-hosp].beds", "no item 'county-hosp' (ids: county, town)"),
    ("demand.deliverys", "did you mean 'deliveries'?"),
    ("facilities[county].name", "is not a number"),
    ("pathway.postnatal_los", "is not a number"),
    ("demand..deliveries", "empty field name before '.'"),
    ("demand.deliveries[", "is not a path such as facilities[county-hospital].beds"),
])
def test_bad_path_is_rejected_naming_it(tmp_path, path, message):
    data = spec(short_region(), [{"path": "demand.deliveries", "range": [1000, 2000]},
                                 {"path": path, "range": [1, 2]}],
                [{"metric": "occupancy_mean"}], method="grid")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    msg = str(exc.value)
    assert "sweep.yaml: parameters[1]" in msg and path in msg and message in msg, msg


@pytest.mark.parametrize(("parameter", "message"), [
    ({"path": "facilities[county].beds", "range": [-5, 10]},
     "facilities[county].beds = -5 (low end of its range) is rejected by the scenario: "
     "facilities[county].beds: Input should be greater than or equal to 0"),
    ({"path": "demand.risk_mix.green", "values": [0.5, 1.2]},
     "demand.risk_mix.green = 1.2 (value in its list) is rejected by the scenario: "
     "'demand.risk_mix.green': a share must be from 0 to 1"),
    ({"path": "pathway.postnatal_los.caesarean.mean",
      "distribution": {"dist": "normal", "mean": 1.0, "sd": 1.0}},
     "(lowest value sampled) is rejected by the scenario: "
     "pathway.postnatal_los.caesarean.mean: Input should be greater than 0"),
])
def test_bad_value_is_rejected_before_anything_runs(tmp_path, capsys, parameter, message):
    data = spec(short_region(), [parameter, {"path": "demand.deliveries", "range": [1e3, 2e3]}],
                [{"metric": "occupancy_mean"}], method="sobol", samples=8)
    path = write(tmp_path, data)
    with pytest.raises(ScenarioError) as exc:
        load_sweep(path)
    assert "sweep.yaml: parameters[0]:" in str(exc.value) and message in str(exc.value), \
        str(exc.value)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    assert message in capsys.readouterr().err


def test_bad_output_and_spec_fields_are_named(tmp_path):
    data = spec(short_region(), [{"path": "demand.deliveries", "range": [1e3, 2e3]}],
                [{"metric": "occupancy_mean", "facility": "nowhere"},
                 {"metric": "occupancy_mean", "year": 2031}], method="oat")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    msg = str(exc.value)
    assert "outputs[0].facility: unknown facility 'nowhere'" in msg
    assert "outputs[1].year: '2031' is not a year of the horizon" in msg
    data = spec(short_region(), [{"path": "demand.deliveries", "range": [1e3, 2e3]}],
                [{"metric": "occupancy_man"}], method="oat")
    with pytest.raises(ScenarioError) as exc:
        load_sweep(write(tmp_path, data))
    assert str(exc.value) == (f"{tmp_path / 'sweep.yaml'}: outputs[0].metric: unknown metric "
                              "'occupancy_man'; did you mean 'occupancy_mean'?")
    data = spec(short_region(), [{"path": "demand.deliveries", "range": [1e3, 2e3]},
                                 {"path": "demand.annual_growth", "range": [0, 0.1]}],
                [{"metric": "occupancy_mean"}], method="sobol", samples=10)
    with pytest.raises(ScenarioError, match="sobol needs samples to be a power of 2"):
        load_sweep(write(tmp_path, data))


def test_integer_fields_take_whole_numbers_and_shares_still_sum_to_one():
    sweep = prepare_sweep(spec(
        short_region(),
        [{"path": "facilities[county].beds", "range": [10.2, 12.7]},
         {"path": "demand.risk_mix.green", "values": [0.2, 0.7]},
         {"path": "demand.emergency_caesarean_rate.*", "mode": "multiply", "values": [2.0]}],
        [{"metric": "occupancy_mean"}], method="grid"))
    values = sweep.design.values
    assert sorted(values["facilities[county].beds"].unique()) == [11, 12]
    base = sweep.scenario.demand.risk_mix
    for k, scenario in enumerate(sweep.scenarios):
        assert scenario.facility("county").beds == values["facilities[county].beds"][k]
        mix = scenario.demand.risk_mix
        assert mix["green"] == values["demand.risk_mix.green"][k]
        assert sum(mix.values()) == pytest.approx(1.0)
        # The other colours keep their proportions.
        assert mix["yellow"] / mix["orange"] == pytest.approx(base["yellow"] / base["orange"])
        assert scenario.demand.emergency_caesarean_rate["red"] == pytest.approx(
            2 * sweep.scenario.demand.emergency_caesarean_rate["red"])
    # Sobol samples of an integer range are whole numbers inside it.
    sobol = prepare_sweep(spec(short_region(), [
        {"path": "facilities[county].beds", "range": [10.2, 12.7]},
        {"path": "demand.deliveries", "range": [1e3, 2e3]}],
        [{"metric": "occupancy_mean"}], method="sobol", samples=16))
    assert set(sobol.design.values["facilities[county].beds"]) == {11.0, 12.0}


def test_parameter_distributions_have_the_moments_asked():
    q = (np.arange(100_000) + 0.5) / 100_000  # quantiles: integrals by the midpoint rule
    lognormal = ParameterDistribution(dist="lognormal", mean=6.0, sd=1.5).ppf(q)
    assert lognormal.mean() == pytest.approx(6.0, rel=1e-3)
    assert lognormal.std() == pytest.approx(1.5, rel=1e-2)
    triangular = ParameterDistribution(dist="triangular", low=2, mode=3, high=5).ppf(q)
    assert triangular.mean() == pytest.approx(10 / 3, rel=1e-3)
    assert 2 <= triangular.min() and triangular.max() <= 5
    with pytest.raises(ValueError, match="needs low, mode, high; missing mode"):
        ParameterDistribution(dist="triangular", low=2, high=5)


def assert_design_is_complete(design, spec_) -> None:
    """The points of a sweep are what its method promises, counted without the sampler:
    Sobol N x (D + 2) (N x (2D + 2) with second order) and Morris r x (D + 1), as SALib
    documents; a grid holds every combination of the values each parameter takes, once; a
    one-at-a-time sweep is its baseline, then each other value of one parameter at a time."""
    values = design.values
    d = len(spec_.parameters)
    n = spec_.sample_size
    if spec_.method == "sobol":
        assert design.points == n * ((2 * d + 2) if spec_.second_order else (d + 2))
        assert design.unit.shape == (design.points, d)
    elif spec_.method == "morris":
        assert design.points == n * (d + 1)
    elif spec_.method == "grid":
        assert not values.duplicated().any()
        assert design.points == int(np.prod([values[c].nunique() for c in values]))
    else:
        base = values.iloc[0]
        changed = (values != base).sum(axis=1)
        assert changed.iloc[0] == 0 and (changed.iloc[1:] == 1).all()
        assert not values.duplicated().any()
        assert design.points == 1 + sum(values[c].nunique() - 1 for c in values)
        assert list(design.varied[1:]) == [values.columns[(values.iloc[k] != base).argmax()]
                                           for k in range(1, design.points)]


@pytest.mark.parametrize(("method", "fields", "points"), [
    # beds: 3 listed values; deliveries: a range at 2 levels; stay: a range at the sweep's
    # levels (grid: 3 by default; oat: 2 levels, the ends, neither the scenario's value).
    ("grid", {}, 3 * 2 * 3),
    ("oat", {}, 1 + (3 - 1) + 2 + 2),
    ("morris", {"samples": 3}, 3 * (3 + 1)),
    ("sobol", {"samples": 4}, 4 * (3 + 2)),
    ("sobol", {"samples": 4, "second_order": True}, 4 * (2 * 3 + 2)),
], ids=["grid", "oat", "morris", "sobol", "sobol-second-order"])
def test_each_method_gives_the_points_it_promises(method, fields, points):
    levels = {"levels": 2} if method in ("grid", "oat") else {}
    sweep = prepare_sweep(spec(
        short_region(),
        [{"path": "facilities[county].beds", "values": [20, 30, 40]} if method in ("grid", "oat")
         else {"path": "facilities[county].beds", "range": [20, 40]},
         {"path": "demand.deliveries", "range": [1500, 2500], **levels},
         {"path": "pathway.postnatal_los.vaginal.mean", "range": [2.0, 4.0]}],
        [{"metric": "occupancy_mean"}], method=method, **fields))
    assert sweep.design.points == points == len(sweep.scenarios)
    assert_design_is_complete(sweep.design, sweep.spec)


@pytest.mark.parametrize("path", sorted(SWEEPS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_sweep_spec_is_valid(path):
    sweep = load_sweep(path)
    assert sweep.design.points > 1
    assert_design_is_complete(sweep.design, sweep.spec)
    assert len(sweep.scenarios) == sweep.design.points
