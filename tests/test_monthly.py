"""The monthly statistics: the months add up to the yearly results, both engines count the
same months, and the form has a row per facility and month."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capsim import monthly, validate_scenario
from capsim.monthly import (
    COUNTED,
    MEASURES,
    month_edges,
    monthly_form,
    monthly_summary,
    monthly_table,
)
from capsim.results import OUT_OF_REGION_ID, REGION
from capsim.run import run_replication
from capsim.run import simulate
from tests.conftest import assert_conserved, base_dict, run_checked

#: A horizon that starts mid-month and mid-year and crosses a new year, with beds short
#: enough that women are diverted both ways and out of the region.
TIGHT = {"horizon": {"start": "2020-07-15", "days": 400, "warmup_days": 30}}


def _tight() -> dict:
    data = base_dict(**TIGHT)
    data["facilities"][0]["beds"] = 14
    return data


@pytest.fixture(scope="module")
def results():
    return run_checked(_tight(), replications=3)


def test_months_cover_the_reported_period_and_split_at_new_year():
    scenario = validate_scenario(_tight())
    edges, labels = month_edges(scenario)
    assert labels[0] == (2020, 7) and labels[5] == (2020, 12) and labels[6] == (2021, 1)
    assert labels[-1] == (2021, 8)
    assert edges[0] == 30 * 24.0 and edges[-1] == (30 + 400) * 24.0
    assert edges[1] - edges[0] == 17 * 24.0  # 15 to 31 July


def test_the_months_add_up_to_the_yearly_results(results):
    long = monthly_table(results)
    assert set(long.measure) == set(COUNTED)
    by_year = long.groupby(["replication", "facility", "year", "measure"])["value"].sum()
    m = results.metrics
    births = m[(m.metric == "deliveries") & (m.year != "all")]
    for row in births.itertuples():
        assert by_year[(row.replication, row.facility, int(row.year), "deliveries")] == \
            row.value, row
    flows = results.flows
    levels = {f.id: f.level for f in results.scenario.facilities}
    out = flows[flows["to"] == OUT_OF_REGION_ID].groupby(["replication", "from", "year"])[
        "count"].sum()
    inside = flows[flows["to"] != OUT_OF_REGION_ID]
    up = inside[[levels[a] == "township" and levels[b] == "county"
                 for a, b in zip(inside["from"], inside["to"], strict=True)]]
    down = inside[[levels[a] == "county" and levels[b] == "township"
                   for a, b in zip(inside["from"], inside["to"], strict=True)]]
    checked = 0
    for measure, table in (("out_of_region", out),
                           ("referrals_up", up.groupby(["replication", "from", "year"])[
                               "count"].sum()),
                           ("referrals_down", down.groupby(["replication", "from", "year"])[
                               "count"].sum())):
        assert len(table) > 0, measure
        for (rep, facility, year), count in table.items():
            assert by_year[(rep, facility, int(year), measure)] == count, (measure, facility)
            checked += 1
    assert checked >= 12
    # The region's column is its facilities' sum, month by month.
    wide = long.pivot_table(index=["replication", "year", "month", "measure"],
                            columns="facility", values="value")
    np.testing.assert_array_equal(wide[REGION], wide["county"] + wide["town"])
    # Two facilities of different levels: nothing moves at the same level.
    assert long[long.measure == "referrals_same_level"].value.sum() == 0


def test_both_engines_count_the_same_months():
    scenario = validate_scenario(base_dict(
        horizon={"start": "2020-11-20", "days": 75, "warmup_days": 10},
        facilities=[dict(base_dict()["facilities"][0], beds=10), base_dict()["facilities"][1]]))
    compiled = run_replication(scenario, 0)
    simpy = run_replication(scenario, 0, engine="simpy")
    assert compiled.monthly.sum() > 0
    np.testing.assert_array_equal(compiled.monthly, simpy.monthly)


def test_the_summary_band_holds_the_mean_and_the_form_has_every_measure(results):
    summary = monthly_summary(monthly_table(results))
    assert (summary.p5 <= summary["mean"] + 1e-9).all()
    assert (summary["mean"] <= summary.p95 + 1e-9).all()
    assert (summary.n == 3).all()
    form = monthly_form(summary, "zh", {"county": "县医院"})
    assert list(form.columns[:3]) == ["机构", "年", "月"]
    assert len(form.columns) == 3 + len(MEASURES)
    assert form["新生儿转运人数"].isna().all()  # counted by newborn care, when the scenario has it
    months = len(month_edges(results.scenario)[1])
    assert len(form) == 3 * months
    assert list(form["机构"][:months]) == ["县医院"] * months
    first = form.iloc[:months]
    assert list(zip(first["年"], first["月"], strict=True))[:7] == [
        (2020, 7), (2020, 8), (2020, 9), (2020, 10), (2020, 11), (2020, 12), (2021, 1)]


def test_the_summary_from_the_arrays_is_the_summary_of_the_long_table(results):
    from capsim.monthly import counted_summary

    keys = ["facility", "year", "month", "measure"]
    fast = counted_summary(results).sort_values(keys, ignore_index=True)
    slow = monthly_summary(monthly_table(results)).sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False, rtol=1e-12)


def test_other_service_lines_append_rows_to_the_long_table(results):
    long = monthly_table(results)
    extra = long[long.measure == "deliveries"].assign(measure="newborn_transfers",
                                                      value=lambda d: d.value * 0 + 2.0)
    summary = monthly_summary(pd.concat([long, extra], ignore_index=True))
    form = monthly_form(summary)
    assert (form["newborn transfers"] == 2.0).all()


def test_newborn_and_paediatric_months_add_up_to_their_yearly_results():
    """The monthly table's newborn and paediatric measures, per facility and year, equal the
    yearly metrics of the same replications, and the region column is their sum."""
    from capsim import load_scenario
    from capsim.monthly import counted_summary

    scenario = load_scenario(Path(__file__).resolve().parents[1]
                             / "scenarios" / "jizhou-paediatric-alliance.yaml")
    results = simulate(scenario, replications=2, workers=1)
    assert_conserved(results)
    long = monthly_table(results)
    for measure in ("newborn_transfers", "paediatric_admissions", "paediatric_referrals_down"):
        rows = long[(long.measure == measure) & (long.facility != REGION)]
        months = rows.groupby(["replication", "year", "facility"])["value"].sum()
        metrics = pd.concat(r.metrics for r in results.replications)
        yearly = metrics[(metrics.metric == measure) & (metrics.year != "all")
                         & (metrics.facility.isin(results.network.ids))]
        yearly = yearly.assign(year=yearly.year.astype(int)).set_index(
            ["replication", "year", "facility"])["value"]
        joined = pd.concat([months.rename("months"), yearly.rename("years")], axis=1).fillna(0)
        assert joined["years"].sum() > 0, measure
        np.testing.assert_allclose(joined["months"], joined["years"], err_msg=measure)
        region = long[(long.measure == measure) & (long.facility == REGION)]
        assert region["value"].sum() == rows["value"].sum()
    keys = ["facility", "year", "month", "measure"]
    fast = counted_summary(results).sort_values(keys, ignore_index=True)
    slow = monthly_summary(long).sort_values(keys, ignore_index=True)
    pd.testing.assert_frame_equal(fast, slow, check_dtype=False, rtol=1e-12)


def _counts_by_arrays(scenario, net, rec) -> np.ndarray:
    """`capsim.monthly.monthly_counts` as first written: every event's measure, facility and
    month placed with numpy, counted with one bincount."""
    from capsim.scenario.base import LEVEL_RANK

    edges, labels = month_edges(scenario)
    nf, nm = net.n, len(labels)
    delivered = rec.facility >= 0
    facility = np.concatenate([rec.facility[delivered], rec.move_src]).astype(np.int64)
    t_h = np.concatenate([rec.delivered_h[delivered], rec.move_t_h])
    rank = np.asarray([LEVEL_RANK[level] for level in net.levels])
    inside = rec.move_dst >= 0
    src_rank = rank[rec.move_src]
    dst_rank = np.where(inside, rank[np.where(inside, rec.move_dst, 0)], 0)
    moved = np.where(inside, np.where(dst_rank > src_rank, 1,
                                      np.where(dst_rank < src_rank, 2, 3)), 4)
    measure = np.concatenate([np.zeros(np.count_nonzero(delivered), dtype=np.int64), moved])
    month = np.searchsorted(edges, t_h, side="right") - 1
    ok = (facility >= 0) & (month >= 0) & (month < nm) & (t_h < edges[-1])
    place = (measure * nf + facility) * nm + month
    cells = len(COUNTED) * nf * nm
    counts = np.bincount(np.where(ok, place, cells), minlength=cells + 1)[:-1]
    out = np.zeros((len(COUNTED), nf + 1, nm))
    out[:, :nf] = counts.reshape(len(COUNTED), nf, nm)
    out[:, nf] = out[:, :nf].sum(axis=1)
    return out


def test_the_counting_pass_counts_as_numpy_does(monkeypatch):
    """The one pass over the deliveries and the moves gives the counts of numpy's placing of
    every event, compiled and as plain Python (as under NUMBA_DISABLE_JIT=1), on a region
    that moves women up, down and out of it."""
    from capsim.demand import build_cohort
    from capsim.model import compile_network, run_engine

    scenario = validate_scenario(_tight())
    net = compile_network(scenario)
    rec = run_engine(net, build_cohort(scenario, 0, 11))
    want = _counts_by_arrays(scenario, net, rec)
    assert (want.sum(axis=(1, 2))[[0, 4]] > 0).all() and want[1:4].sum() > 0
    assert monthly.monthly_counts(scenario, net, rec).tobytes() == want.tobytes()
    kernel = monthly._count_months
    monkeypatch.setattr(monthly, "_count_months", getattr(kernel, "py_func", kernel))
    assert monthly.monthly_counts(scenario, net, rec).tobytes() == want.tobytes()
