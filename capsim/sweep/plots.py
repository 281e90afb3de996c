"""Charts of a sweep, drawn from its tables: a tornado chart (one at a time), Morris μ*–σ,
and Sobol S1/ST bars with their 95% intervals; one panel per output, in English or Chinese."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from capsim import metrics
from capsim.plots import facility_names, label, set_suptitle, set_title, spread_labels, use_fonts

#: File name (without .png) of each method's chart; grid sweeps have none.
PLOT_NAMES: dict[str, str] = {"oat": "tornado", "morris": "morris", "sobol": "sobol"}


def sweep_plot(result, lang: str = "en") -> plt.Figure | None:
    """The chart of a `SweepResult` by its method, or None
    for a grid sweep."""
    method = result.sweep.spec.method
    if method not in PLOT_NAMES:
        return None
    draw = {"oat": tornado_panel, "morris": morris_panel, "sobol": sobol_panel}[method]
    return _panels(result, draw, f"sweep_{PLOT_NAMES[method]}_title", lang)


def _panels(result, draw, title_key: str, lang: str) -> plt.Figure:
    use_fonts(lang)
    spec = result.sweep.spec
    table = result.indices()
    names = facility_names(result.sweep.scenario, lang)
    n = len(spec.outputs)
    ncols = 1 if n == 1 else 2
    nrows = math.ceil(n / ncols)
    height = max(3.6, 0.45 * len(spec.parameters) + 2.4)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.0 * ncols, height * nrows),
                             squeeze=False)
    shown = {p.path: p.display(lang, names) for p in spec.parameters}
    table = table.assign(label=table["parameter"].map(shown).fillna(table["label"]))
    for ax, out in zip(axes.ravel(), spec.outputs, strict=False):
        what = metrics.name(out.metric, lang)
        year = "" if out.year == "all" else f", {out.year}"
        title = (out.name_zh if lang == "zh" and out.name_zh
                 else f"{names.get(out.facility, out.facility)}: {what}{year}")
        set_title(ax, title, fontsize=10)
        draw(ax, table[table["output"] == out.key], metrics.unit(out.metric), lang)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    top = set_suptitle(fig, label(title_key, lang, name=spec.name))
    fig.tight_layout(rect=(0, 0, 1, top))
    return fig


def tornado_panel(ax: plt.Axes, rows: pd.DataFrame, unit: str, lang: str) -> None:
    """Bars from the baseline output to the output at each parameter's lowest and highest
    value, widest swing on top, with the 95% interval at each bar's end."""
    rows = rows.iloc[::-1]
    y = np.arange(len(rows))
    base = float(rows["at_baseline"].iloc[0]) if len(rows) else 0.0
    for end, colour, key in (("at_low", "tab:blue", "sweep_at_low"),
                             ("at_high", "tab:orange", "sweep_at_high")):
        vals = rows[end].to_numpy(dtype=float)
        ax.barh(y, vals - base, left=base, height=0.6, color=colour, alpha=0.8,
                label=label(key, lang))
        err = np.vstack([vals - rows[f"{end}_ci_low"], rows[f"{end}_ci_high"] - vals])
        ax.errorbar(vals, y, xerr=np.nan_to_num(err.astype(float)), fmt="none",
                    ecolor="black", capsize=2, lw=0.8)
    ax.axvline(base, color="black", lw=1, label=label("sweep_baseline", lang))
    ax.set_yticks(y, [f"{r.label}\n{r.low_value:g} – {r.high_value:g}"
                      for r in rows.itertuples()], fontsize=8)
    ax.set_xlabel(label("sweep_output", lang, unit=unit))
    ax.legend(fontsize=7, loc="lower right")


def morris_panel(ax: plt.Axes, rows: pd.DataFrame, unit: str, lang: str) -> None:
    """μ* against σ of each parameter's elementary effects, with the 95% interval of μ*."""
    mu, sigma = rows["mu_star"].to_numpy(dtype=float), rows["sigma"].to_numpy(dtype=float)
    conf = np.nan_to_num(rows["mu_star_conf"].to_numpy(dtype=float))
    ax.errorbar(mu, sigma, xerr=conf, fmt="o", color="tab:blue", ecolor="grey", capsize=2)
    top = float(np.nanmax(np.r_[mu + conf, sigma, 0])) * 1.15 or 1.0
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    texts = [ax.text(x, s, name, fontsize=7)
             for x, s, name in zip(mu, sigma, rows["label"], strict=True)]
    spread_labels(ax, texts)
    ax.plot([0, top], [0, top], ls="--", color="tab:red", lw=1,
            label=label("sweep_sigma_mu", lang))
    ax.set_xlabel(label("sweep_mu_star", lang, unit=unit))
    ax.set_ylabel(label("sweep_sigma", lang, unit=unit))
    ax.legend(fontsize=7, loc="upper left")


#: A Sobol interval wider than this either way (share of the output's variance) says too few
#: samples; so does a total index above 1, which no variance decomposition can give.
WIDE_SOBOL_INTERVAL = 0.25


def sobol_unreliable(rows: pd.DataFrame) -> bool:
    """True when Sobol indices ``rows`` (columns S1, S1_conf, ST, ST_conf) show too few
    samples: a total index above 1, a first-order one below 0 beyond its interval, or an
    interval wider than `WIDE_SOBOL_INTERVAL` either way."""
    if rows.empty or "ST" not in rows:
        return False
    st, s1 = rows["ST"].to_numpy(float), rows["S1"].to_numpy(float)
    conf = np.r_[rows["ST_conf"].to_numpy(float), rows["S1_conf"].to_numpy(float)]
    return bool(np.nanmax(st) > 1.0 or np.nanmax(np.abs(conf)) > WIDE_SOBOL_INTERVAL
                or np.nanmin(s1 + rows["S1_conf"].to_numpy(float)) < 0)


def sobol_panel(ax: plt.Axes, rows: pd.DataFrame, unit: str, lang: str) -> None:
    """First-order and total Sobol indices of each parameter with their 95% intervals, and a
    warning on the panel when they show too few samples (`sobol_unreliable`)."""
    x = np.arange(len(rows))
    for shift, key, conf, colour, name in ((-0.2, "S1", "S1_conf", "tab:blue", "sweep_s1"),
                                           (0.2, "ST", "ST_conf", "tab:orange", "sweep_st")):
        ax.bar(x + shift, rows[key], width=0.4, color=colour, label=label(name, lang),
               yerr=np.nan_to_num(rows[conf].to_numpy(dtype=float)), capsize=2)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, rows["label"], rotation=30, ha="right", fontsize=8)
    ax.set_ylabel(label("sweep_index", lang))
    ax.set_ylim(min(-0.1, float(np.nanmin(np.r_[rows["S1"] - rows["S1_conf"], 0]))),
                max(1.05, float(np.nanmax(np.r_[rows["ST"] + rows["ST_conf"], 0]))))
    ax.legend(fontsize=7)
    if sobol_unreliable(rows):
        ax.text(0.5, 0.97, label("sweep_sobol_warning", lang), transform=ax.transAxes,
                ha="center", va="top", fontsize=8, color="tab:red", wrap=True,
                bbox={"facecolor": "white", "edgecolor": "tab:red", "alpha": 0.9})
