"""Plots drawn from result tables (never from the simulation's internals).

Every plot has a title, axis labels with units and a legend, in English (``lang="en"``) or
Chinese (``lang="zh"``). Functions return the matplotlib Figure; :func:`save` writes a PNG.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

LABELS: dict[str, dict[str, str]] = {
    "census_title": {"en": "Daily census against beds: {name}", "zh": "每日在院产妇数与床位：{name}"},
    "date": {"en": "Date", "zh": "日期"},
    "women_in_beds": {"en": "Women in obstetric beds (persons)", "zh": "占用产科床位的产妇（人）"},
    "census_mean": {"en": "Mean census", "zh": "平均在院人数"},
    "band": {"en": "5th-95th percentile of replications", "zh": "各次重复的第5-95百分位"},
    "beds": {"en": "Beds", "zh": "床位数"},
    "occupancy_title": {"en": "Mean bed occupancy by facility: {name}",
                        "zh": "各机构平均床位使用率：{name}"},
    "facility": {"en": "Facility", "zh": "机构"},
    "occupancy_pct": {"en": "Mean bed occupancy (%)", "zh": "平均床位使用率（%）"},
    "occupancy_bar": {"en": "Mean occupancy with 95% CI", "zh": "平均使用率及95%置信区间"},
    "guidance_85": {"en": "85% planning guidance", "zh": "85% 规划参考线"},
    "region": {"en": "Region", "zh": "全区域"},
}


def label(key: str, lang: str = "en", **fmt: str) -> str:
    """Return the label ``key`` in ``lang`` ("en" or "zh"), formatted with ``fmt``."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")
    return LABELS[key][lang].format(**fmt)


def use_fonts(lang: str) -> None:
    """Select fonts that have the glyphs of ``lang`` (a CJK font for Chinese)."""
    if lang == "zh":
        from capsim.fonts import cjk_font_family

        family = cjk_font_family()
        if family:
            plt.rcParams["font.family"] = [family, "DejaVu Sans"]
    else:
        plt.rcParams["font.family"] = ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False


def facility_names(scenario, lang: str = "en") -> dict[str, str]:
    """Display name of each facility id (Chinese name for zh, English where given for en)."""
    names = {}
    for f in scenario.facilities:
        names[f.id] = f.name if lang == "zh" or not f.name_en else f.name_en
    names["region"] = label("region", lang)
    return names


def census_plot(daily: pd.DataFrame, names: dict[str, str] | None = None, lang: str = "en",
                facilities: list[str] | None = None, title_name: str = "") -> plt.Figure:
    """Daily mean census with the 5th-95th percentile band and the bed count, one panel per
    facility. ``daily`` is :meth:`Results.daily`."""
    use_fonts(lang)
    names = names or {}
    facs = facilities or [f for f in daily["facility"].unique() if f != "region"]
    ncols = 3 if len(facs) > 4 else max(1, len(facs))
    nrows = int(np.ceil(len(facs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 2.8 * nrows + 0.8),
                             squeeze=False, sharex=True)
    for ax, fid in zip(axes.ravel(), facs, strict=False):
        d = daily[daily["facility"] == fid]
        ax.fill_between(d["date"], d["p5"], d["p95"], color="tab:blue", alpha=0.25,
                        label=label("band", lang))
        ax.plot(d["date"], d["census_mean"], color="tab:blue", lw=1.2,
                label=label("census_mean", lang))
        ax.step(d["date"], d["beds"], where="post", color="tab:red", lw=1.2,
                label=label("beds", lang))
        ax.set_title(names.get(fid, fid), fontsize=10)
        ax.set_ylim(bottom=0)
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    for ax in axes.ravel()[len(facs):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(label("women_in_beds", lang), fontsize=8)
    for ax in axes[-1, :]:
        ax.set_xlabel(label("date", lang))
    handles, labels_ = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="lower center", ncol=3, fontsize=8)
    fig.suptitle(label("census_title", lang, name=title_name))
    fig.tight_layout(rect=(0, 0.06, 1, 0.96))
    return fig


def occupancy_plot(summary: pd.DataFrame, names: dict[str, str] | None = None,
                   lang: str = "en", title_name: str = "") -> plt.Figure:
    """Mean bed occupancy per facility with its 95% confidence interval and the 85% line.
    ``summary`` is :meth:`Results.summary` (one year or all)."""
    use_fonts(lang)
    names = names or {}
    occ = summary[(summary["metric"] == "occupancy_mean")].dropna(subset=["mean"])
    occ = occ.drop_duplicates("facility")
    x = np.arange(len(occ))
    fig, ax = plt.subplots(figsize=(max(6, 0.8 * len(occ) + 2), 4.5))
    err = np.vstack([occ["mean"] - occ["ci_low"], occ["ci_high"] - occ["mean"]]) * 100
    ax.bar(x, occ["mean"] * 100, yerr=np.nan_to_num(err), capsize=3, color="tab:blue",
           label=label("occupancy_bar", lang))
    ax.axhline(85, color="tab:red", ls="--", label=label("guidance_85", lang))
    ax.set_xticks(x, [names.get(f, f) for f in occ["facility"]], rotation=35, ha="right")
    ax.set_xlabel(label("facility", lang))
    ax.set_ylabel(label("occupancy_pct", lang))
    ax.set_ylim(0, max(100, float(np.nanmax(occ["ci_high"] * 100)) + 5 if len(occ) else 100))
    ax.set_title(label("occupancy_title", lang, name=title_name))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write ``fig`` as a PNG at ``path``, close it, and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
