"""``capsim run --trace``: one row per woman of each replication, agreeing with the run's own
results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import base_dict

from capsim import simulate, validate_scenario
from capsim.cli import main
from capsim.demand import build_cohort
from capsim.model import compile_network
from capsim.results import ALL_YEARS


@pytest.mark.filterwarnings("ignore:Glyph")  # Chinese facility names without a CJK font
def test_trace_has_one_row_per_woman_agreeing_with_the_results(tmp_path, capsys):
    data = base_dict(horizon={"start": "2020-01-01", "days": 90, "warmup_days": 20},
                     demand={"deliveries": 4000})
    path = tmp_path / "region.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "-n", "2", "--seed", "5", "--workers", "1", "--out",
                 str(out), "--trace"]) == 0
    capsys.readouterr()
    files = sorted((out / "trace").iterdir())
    assert [f.name for f in files] == ["trace-00000.csv.gz", "trace-00001.csv.gz"]

    scenario = validate_scenario(data)
    net = compile_network(scenario)
    results = simulate(scenario, replications=2, seed=5, workers=1)
    metrics = results.metrics
    metrics = metrics[metrics["year"] == ALL_YEARS].set_index(
        ["replication", "facility", "metric"])["value"]
    t0, t1 = net.t_stats_h, net.t_end_h
    for replication, file in enumerate(files):
        trace = pd.read_csv(file)
        cohort = build_cohort(scenario, replication, 5)
        assert len(trace) == len(cohort)  # every woman, warm-up included
        assert (trace["replication"] == replication).all()
        np.testing.assert_allclose(trace["admit_h"], cohort.admit_h, rtol=1e-12)
        assert trace["booked"].isin(net.ids).all()

        # The women of the reported period, by fate, as the run's accounting counts them.
        counted = trace["admit_h"] >= t0
        delivered = trace["delivery_facility"] != "none"
        acc = results.accounting.set_index("replication").loc[replication]
        assert counted.sum() == acc["arrivals"]
        assert (counted & delivered).sum() == acc["delivered"]
        assert (counted & trace["out_of_region"]).sum() == acc["out_of_region"]
        assert not (delivered & trace["out_of_region"]).any()
        assert (trace.loc[delivered, "mode"] != "none").all()

        # Deliveries in the reported period by facility, and the shares of each facility's
        # women who found no bed, are the replication's metrics.
        in_period = delivered & (trace["delivered_h"] >= t0) & (trace["delivered_h"] < t1)
        by_facility = trace[in_period].groupby("delivery_facility").size()
        for fid in net.ids:
            assert by_facility.get(fid, 0) == metrics[(replication, fid, "deliveries")], fid
            mine = counted & (trace["first_facility"] == fid)
            assert trace.loc[mine, "turned_away"].mean() == pytest.approx(
                metrics[(replication, fid, "turned_away_share")]), fid
        assert in_period.sum() == metrics[(replication, "region", "deliveries")]
        assert trace.loc[counted, "turned_away"].sum() > 0  # the shares above are not all 0
        ddi = trace["ddi_min"].notna()
        assert (trace.loc[ddi, "mode"] == "emergency_cs").all() and ddi.any()
