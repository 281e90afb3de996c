"""Plots a commission can circulate: titles wrapped, not cut off; point labels that do not
overlap (size plot, Morris chart, flow map); comparison charts from zero, with scenario names,
and none for a metric zero everywhere; a flow map without coordinates drawn as a schematic;
a warning on Sobol indices from too few samples."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import assert_conserved, base_dict  # noqa: E402

from capsim import plots, simulate, validate_scenario  # noqa: E402
from capsim.cli.compare import plotted_metrics  # noqa: E402
from capsim.sweep.plots import morris_panel, sobol_panel, sobol_unreliable  # noqa: E402

LONG_NAME = ("Nanjiang County fifteenth five-year plan, consolidation of the township delivery "
             "points into the county hospitals, low-fertility projection")


def boxes(fig, texts) -> list:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [t.get_window_extent(renderer) for t in texts if t.get_text()]


def overlapping(fig, texts) -> list[tuple[str, str]]:
    found = boxes(fig, texts)
    named = [t.get_text() for t in texts if t.get_text()]
    return [(named[i], named[j]) for i, j in itertools.combinations(range(len(found)), 2)
            if found[i].overlaps(found[j])]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_long_title_is_wrapped_inside_the_figure(lang):
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    plots.use_fonts(lang)
    name = LONG_NAME if lang == "en" else \
        "南江县“十五五”规划：乡镇分娩点并入县级医院，低生育率预测情景" * 2
    plots.set_title(ax, plots.label("occupancy_title", lang, name=name))
    fig.tight_layout()
    title = boxes(fig, [ax.title])[0]
    assert ax.title.get_text().count("\n") >= 1
    assert 0 <= title.x0 and title.x1 <= fig.bbox.width
    plt.close(fig)


def test_labels_of_crowded_points_do_not_overlap():
    """Twelve points in a cluster, like the Morris chart of parameters with similar effects."""
    fig, ax = plt.subplots(figsize=(7, 5))
    rng = np.random.default_rng(3)
    rows = pd.DataFrame({"mu_star": 1 + rng.normal(0, 0.02, 12),
                         "sigma": 1 + rng.normal(0, 0.02, 12), "mu_star_conf": 0.05,
                         "label": [f"parameter number {i}" for i in range(12)]})
    morris_panel(ax, rows, "share", "en")
    labels = [t for t in ax.texts if t.get_text().startswith("parameter")]
    assert len(labels) == 12 and overlapping(fig, labels) == []
    plt.close(fig)


@pytest.fixture(scope="module")
def mixed_region():
    """Seven townships in a row, the county with coordinates and the townships without."""
    d = base_dict()
    county, town = d["facilities"]
    county = {**county, "location": [106.8, 32.3]}
    towns = [{**town, "id": f"town{i}", "name": f"中心卫生院{i}"} for i in range(1, 8)]
    d["facilities"] = [county, *towns]
    d["demand"]["booking"] = {"county": 0.3, **{t["id"]: 0.1 for t in towns}}
    scenario = validate_scenario(d)
    res = simulate(scenario, replications=2, seed=1, workers=1)
    assert_conserved(res)
    return scenario, res


def test_a_map_without_every_coordinate_is_a_schematic_with_labels_apart(mixed_region):
    scenario, res = mixed_region
    pos, geographic = plots.flow_positions(scenario)
    assert not geographic
    assert pos["county"][1] >= 2 > pos["town1"][1]
    fig = plots.flow_map(res.flow_summary(), scenario, lang="en", replications=2)
    ax = fig.axes[0]
    assert ax.get_xlabel() != plots.label("longitude", "en")
    assert ax.get_ylabel() == plots.label("level_axis", "en")
    names = set(plots.facility_names(scenario, "en").values())
    labels = [t for t in ax.texts if t.get_text() in names]
    assert len(labels) == 8 and overlapping(fig, labels) == []
    plt.close(fig)


def test_comparison_chart_starts_at_zero_and_names_scenarios(mixed_region):
    _, res = mixed_region
    s = res.summary(year=None)
    levels = pd.concat([s.assign(scenario="plan-a.yaml"), s.assign(scenario="plan-b.yaml")])
    fig = plots.year_comparison_plot(levels, "beds", "region", lang="en",
                                     scenario_names={"plan-a.yaml": "Plan A",
                                                     "plan-b.yaml": "Plan B"})
    ax = fig.axes[0]
    assert ax.get_ylim()[0] == 0
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("Plan A" in t for t in legend) and not any(".yaml" in t for t in legend)
    plt.close(fig)
    # No chart for a metric that is zero in every scenario and year.
    fake = levels.copy()
    fake.loc[fake["metric"] == "out_of_region_share", ["mean", "ci_low", "ci_high"]] = 0.0
    assert "out_of_region_share" not in plotted_metrics(fake)
    assert "beds_per_1000_deliveries" in plotted_metrics(fake)


def test_size_plot_labels_do_not_overlap_for_twins():
    """Seven township centres of one size sit on one point of the size plot."""
    from capsim.sizing import service_levels
    from capsim.sizing.plot import scale_plot

    rows = [{"year": 2025, "facility": f"township-{i}", "deliveries": 200.0,
             "beds_needed": 7, "beds_needed_per_1000": 35.0} for i in range(1, 8)]
    rows.append({"year": 2025, "facility": "county", "deliveries": 2400.0, "beds_needed": 60,
                 "beds_needed_per_1000": 25.0})
    names = {f"township-{i}": f"Township centre {i}" for i in range(1, 8)}
    fig = scale_plot(pd.DataFrame(rows), service_levels({"occupancy": None}), 17.0, 3.5,
                     names, "en", LONG_NAME)
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text().startswith("Township")]
    assert len(labels) == 7 and overlapping(fig, labels) == []
    plt.close(fig)


def sobol_rows(st: float, conf: float) -> pd.DataFrame:
    return pd.DataFrame({"label": ["beds", "stay"], "S1": [0.5, 0.2], "S1_conf": [conf, conf],
                         "ST": [st, 0.3], "ST_conf": [conf, conf]})


def test_sobol_from_too_few_samples_carries_a_warning():
    assert sobol_unreliable(sobol_rows(1.4, 0.1))
    assert sobol_unreliable(sobol_rows(0.6, 0.94))
    assert not sobol_unreliable(sobol_rows(0.6, 0.05))
    for rows, warned in ((sobol_rows(1.4, 0.94), True), (sobol_rows(0.6, 0.05), False)):
        fig, ax = plt.subplots()
        sobol_panel(ax, rows, "share", "zh")
        texts = [t.get_text() for t in ax.texts]
        assert any("样本量不足" in t for t in texts) is warned
        plt.close(fig)
