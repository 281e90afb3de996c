"""Every plot of capsim.plots runs on the shipped scenarios, writes a non-empty PNG, carries a
title, axis labels and a legend in the language asked for, and draws every Chinese glyph
(matplotlib warns "Glyph ... missing from font(s)" when a character would show as a box)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from conftest import SCENARIOS, assert_conserved, base_dict

from capsim import load_scenario, plots, simulate, validate_scenario
from capsim.fonts import cjk_font_family, cjk_subset, packaged_font_path
from capsim.targets import ratio_readings

SHIPPED = ("nanjiang-2016", "putuo-2024", "jizhou-alliance")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def shipped():
    """Three replications of each shipped one-year scenario, by name."""
    out = {}
    for name in SHIPPED:
        res = simulate(load_scenario(SCENARIOS / f"{name}.yaml"), replications=3, seed=3,
                       workers=1)
        assert_conserved(res)
        out[name] = res
    return out


def texts(fig) -> dict[str, list[str]]:
    """Titles, axis labels and legend texts of a figure's visible axes (and the figure)."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    legends = [lg for lg in [*fig.legends, *(ax.get_legend() for ax in axes)] if lg]
    return {
        "title": [ax.get_title() for ax in axes if ax.get_title()]
        + ([fig._suptitle.get_text()] if fig._suptitle else []),
        "xlabel": [ax.get_xlabel() for ax in axes if ax.get_xlabel()],
        "ylabel": [ax.get_ylabel() for ax in axes if ax.get_ylabel()],
        "legend": [t.get_text() for lg in legends for t in lg.get_texts()],
    }


def save_checked(fig, path) -> dict[str, list[str]]:
    """Texts of ``fig``; saves it as PNG, failing on any missing glyph, and checks the file."""
    found = texts(fig)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots.save(fig, path)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    return found


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def check_language(found: dict[str, list[str]], lang: str, legend_has: list[str]) -> None:
    for kind in ("title", "xlabel", "ylabel", "legend"):
        assert found[kind], f"no {kind}"
    for want in legend_has:
        assert want in found["legend"], (want, found["legend"])
    axis_texts = found["xlabel"] + found["ylabel"]
    if lang == "zh":
        assert all(has_chinese(t) for t in axis_texts), axis_texts
    else:
        assert not any(has_chinese(t) for t in axis_texts + found["legend"]), axis_texts


def test_the_packaged_cjk_font_is_registered():
    path = packaged_font_path()
    assert path is not None and path.stat().st_size > 1_000_000
    assert cjk_font_family() == "Noto Sans CJK SC"
    sub = cjk_subset("每千分娩量 beds")
    assert sub is not None and 1_000 < len(sub) < 200_000
    assert cjk_subset("only ascii") is None


# Chinese on every shipped scenario (the glyph check matters most there), English on one.
@pytest.mark.parametrize(("name", "lang"), [*((n, "zh") for n in SHIPPED),
                                            ("nanjiang-2016", "en")])
def test_every_plot_on_the_shipped_scenarios(shipped, name, lang, tmp_path):
    res = shipped[name]
    scen = res.scenario
    names = plots.facility_names(scen, lang)
    L = plots.label

    found = save_checked(plots.census_plot(res.daily(), names, lang, title_name=scen.name),
                         tmp_path / "census.png")
    check_language(found, lang, [L("band", lang), L("census_mean", lang), L("beds", lang)])
    assert L("census_title", lang, name=scen.name) in found["title"]

    found = save_checked(plots.occupancy_plot(res.summary(), names, lang, title_name=scen.name),
                         tmp_path / "occupancy.png")
    check_language(found, lang, [L("occupancy_bar", lang), L("guidance_85", lang)])
    assert found["ylabel"] == [L("occupancy_pct", lang)]

    ratios = ratio_readings(scen, res)
    found = save_checked(plots.ratio_plot(ratios, "beds_per_1000_deliveries", 17.0, names, lang,
                                          title_name=scen.name), tmp_path / "ratio.png")
    check_language(found, lang, [L("planned", lang), L("simulated", lang),
                                 L("standard", lang, value=17.0)])
    assert found["ylabel"] == [L("beds_per_1000_deliveries", lang)]

    flows = res.flow_summary()
    found = save_checked(plots.flow_map(flows, scen, names, lang, replications=3),
                         tmp_path / "flows.png")
    reasons = [L(r, lang) for r in sorted(set(flows["reason"]))]
    check_language(found, lang, reasons)
    geographic = all(f.location for f in scen.facilities)
    assert found["xlabel"] == [L("longitude" if geographic else "position_axis", lang)]


def test_flow_map_places_facilities_by_level_without_coordinates(tmp_path):
    data = base_dict(facilities=[
        {"id": "county", "name": "县医院", "level": "county", "beds": 3, "midwives": 20,
         "obstetricians": 10, "theatres": 2,
         "capabilities": ["caesarean", "critical_maternal_care"]},
        {"id": "town", "name": "乡镇卫生院", "level": "township", "beds": 2, "midwives": 5,
         "obstetricians": 1}])
    scen = validate_scenario(data)
    pos, geographic = plots.flow_positions(scen)
    assert not geographic
    assert pos["county"][1] == 2 and pos["town"][1] == 1   # y is the level (II above I)
    res = simulate(scen, replications=2, seed=1, workers=1)
    assert_conserved(res)
    flows = res.flow_summary()
    # three beds for 2,000 deliveries a year: women are turned away and leave the region
    assert "out-of-region" in set(flows["to"]) and "no_bed" in set(flows["reason"])
    found = save_checked(plots.flow_map(flows, scen, plots.facility_names(scen, "zh"), "zh"),
                         tmp_path / "flows.png")
    check_language(found, "zh", [plots.label("no_bed", "zh")])
    assert found["ylabel"] == [plots.label("level_axis", "zh")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_year_comparison_plot(lang, tmp_path):
    two_years = {"start": "2020-01-01", "years": 2, "days": None, "warmup_days": 30}
    base = base_dict(horizon=two_years)
    more = base_dict(horizon=two_years,
                     policy=[{"date": "2021-01-01", "facility": "town", "beds": 5}])
    frames = []
    for label_, data in (("baseline", base), ("+5 beds 2021", more)):
        res = simulate(validate_scenario(data), replications=2, seed=2, workers=1)
        assert_conserved(res)
        frames.append(res.summary(year=None).assign(scenario=label_))
    levels = pd.concat(frames, ignore_index=True)
    fig = plots.year_comparison_plot(levels, "beds", "town", {"town": "乡镇卫生院"}, lang)
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_marker() == "o"]
    found = save_checked(fig, tmp_path / "years.png")
    check_language(found, lang, [plots.label("scenario_ci", lang, scenario=s)
                                 for s in ("baseline", "+5 beds 2021")])
    assert found["xlabel"] == [plots.label("year", lang)]
    # the plotted values are the table's: beds 5 then 5, and 5 then 10
    ys = sorted(tuple(round(v) for v in ln.get_ydata()) for ln in lines)
    assert ys == [(5, 5), (5, 10)]


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="lang must be"):
        plots.label("beds", "fr")
