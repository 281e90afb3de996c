"""capsim observed: months as reported against the simulated 5-95% band. A region the model
describes (an "observed" table drawn from the model itself, with other seeds) has about nine
months in ten inside the band; a region it does not describe, far fewer."""

from __future__ import annotations

import pandas as pd
import pytest

from capsim import validate_scenario
from capsim.cli import main
from capsim.monthly import monthly_form, monthly_summary, monthly_table
from capsim.observed import NOMINAL_COVERAGE, compare, coverage, read_observed
from capsim.tables import TableError
from tests.conftest import base_dict, run_checked

SCENARIO = base_dict()
SCENARIO["horizon"] = {"start": "2020-01-01", "years": 2, "warmup_days": 30}
SCENARIO["facilities"][0]["beds"] = 16  # busy enough that women move every month


@pytest.fixture(scope="module")
def band():
    """The simulated band: 40 replications of seed 7."""
    return monthly_summary(monthly_table(run_checked(SCENARIO, replications=40, seed=7)))


@pytest.fixture(scope="module")
def drawn():
    """Five "observed" regions drawn from the model with another seed (replications of
    seed 99), as long tables of deliveries, referrals up and transfers out."""
    long = monthly_table(run_checked(SCENARIO, replications=5, seed=99))
    long = long[long.measure.isin(["deliveries", "referrals_up", "out_of_region"])]
    return [g.drop(columns="replication") for _, g in long.groupby("replication")]


def test_a_region_drawn_from_the_model_is_covered_near_the_nominal_level(band, drawn):
    shares = [coverage(compare(obs, band)) for obs in drawn]
    inside = sum(int(s.iloc[-1]["inside"]) for s in shares)
    months = sum(int(s.iloc[-1]["months"]) for s in shares)
    assert months == 5 * 24 * 3 * 3  # regions x months x facilities and region x measures
    # 40 replications put a new draw inside their 5-95% quantiles about 86% of the time for a
    # continuous measure; counts tie at the bounds, which adds a little.
    assert 0.80 <= inside / months <= 0.97, inside / months
    assert NOMINAL_COVERAGE == pytest.approx(0.9)


def test_a_region_the_model_does_not_describe_is_seen(band, drawn):
    twice = drawn[0].assign(value=lambda d: d.value * 1.5 + 5)
    share = coverage(compare(twice, band))
    assert share.iloc[-1]["share"] < 0.3


def test_the_form_capsim_writes_reads_back_as_observed(tmp_path, band):
    scenario = validate_scenario(SCENARIO)
    path = tmp_path / "form.csv"
    monthly_form(band, "zh", {f.id: f.name for f in scenario.facilities}).to_csv(path,
                                                                               index=False)
    observed = read_observed(path, scenario)
    counted = observed.dropna()
    assert set(counted.facility) == {"county", "town", "region"}
    result = compare(counted, band)
    assert result["inside"].all()  # the mean is inside its own band
    assert len(result) == len(band)


def _observed_csv(tmp_path, rows: list[list]) -> str:
    path = tmp_path / "obs.csv"
    pd.DataFrame(rows, columns=["机构", "年", "月", "分娩量", "上转人数"]).to_csv(path, index=False)
    return str(path)


def test_every_bad_cell_of_an_observed_table_is_refused(tmp_path):
    scenario = validate_scenario(SCENARIO)
    path = _observed_csv(tmp_path, [
        ["county", 2020, 1, 120, 3],
        ["nowhere", 2020, 2, 120, 3],      # unknown facility
        ["county", 2020, 13, 120, 3],      # no such month
        ["county", 2019, 12, 120, 3],      # before the reported period
        ["town", 2020, 3, -4, 3],          # negative count
        ["town", 2020, 4, "many", 3],      # not a number
        ["county", 2020, 1, 118, 2],       # the same month again
    ])
    with pytest.raises(TableError) as err:
        read_observed(path, scenario)
    where = [(p.row, p.column) for p in err.value.problems]
    assert where == [(3, "机构"), (4, "月"), (5, "月"), (6, "分娩量"), (7, "分娩量"), (8, "月")]
    assert "already on row 2" in str(err.value)


def test_capsim_observed_prints_the_coverage(tmp_path, capsys):
    import yaml

    scenario_file = tmp_path / "s.yaml"
    data = dict(SCENARIO, horizon={"start": "2020-01-01", "days": 90, "warmup_days": 20})
    scenario_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "res"
    assert main(["run", str(scenario_file), "--replications", "4", "--out", str(out)]) == 0
    assert (out / "monthly.csv").is_file() and (out / "monthly.png").is_file()
    path = _observed_csv(tmp_path, [["county", 2020, 1, 130, 2], ["town", 2020, 2, 30, 9]])
    capsys.readouterr()
    assert main(["observed", path, str(out), "--out", str(tmp_path / "cmp.csv")]) == 0
    printed = capsys.readouterr().out
    assert "of 4 observed months" in printed and "deliveries:" in printed
    assert len(pd.read_csv(tmp_path / "cmp.csv")) == 4
    assert main(["observed", path, str(tmp_path)]) == 2
    assert "not a results folder" in capsys.readouterr().err
