"""The economies-of-scale plot: beds per 1,000 deliveries each facility needs for the service
level, against its size, with the flat ratio standard drawn across."""

from __future__ import annotations

import numpy as np
import pandas as pd

from capsim import plots, queueing
from capsim.results import REGION
from capsim.sizing.levels import ServiceLevels


def theory_curve(deliveries: np.ndarray, bed_days: float, levels: ServiceLevels) -> np.ndarray:
    """Beds per 1,000 deliveries a year that an isolated loss system of each size needs for the
    bed levels (Erlang-B and mean occupancy), at ``bed_days`` bed-days per delivery (beds per
    1,000 deliveries)."""
    out = []
    for d in deliveries:
        load = d / 365.25 * bed_days
        need = 1
        if levels.no_bed is not None:
            need = max(need, queueing.min_servers_loss(load, levels.no_bed))
        if levels.occupancy is not None:
            need = max(need, queueing.min_servers_occupancy(load, levels.occupancy))
        out.append(need / d * 1000)
    return np.asarray(out)


def scale_plot(table: pd.DataFrame, levels: ServiceLevels, ratio_per_1000: float | None,
               bed_days: float, names: dict[str, str] | None = None, lang: str = "en",
               title_name: str = ""):
    """Beds per 1,000 deliveries needed for the service level against deliveries a year, one
    point per facility and year of the comparison ``table`` (and its delivery beds, a square,
    where it has two bed pools)
    (`comparison_table`), with the queueing curve for an isolated
    facility at the region's ``bed_days`` per delivery and the flat ``ratio_per_1000`` line.
    Returns the matplotlib Figure."""
    import matplotlib.pyplot as plt

    plots.use_fonts(lang)
    names = names or {}
    pts = table[(table["facility"] != REGION) & table["beds_needed"].notna()
                & (table["deliveries"] > 0)]
    fig, ax = plt.subplots(figsize=(7.5, 5))
    if not pts.empty:
        lo, hi = float(pts["deliveries"].min()), float(pts["deliveries"].max())
        x = np.geomspace(max(lo / 1.5, 10.0), hi * 1.5, 60)
        if np.isfinite(bed_days) and bed_days > 0:
            ax.plot(x, theory_curve(x, bed_days, levels), color="tab:blue", lw=1.2,
                    label=label_theory(lang, levels))
        ax.scatter(pts["deliveries"], pts["beds_needed_per_1000"], color="tab:blue", zorder=3,
                   label=plots.label("sizing_facilities", lang))
        # Delivery beds of facilities with two pools: the same economies of scale, on a
        # shorter hold (labour and recovery).
        if "delivery_beds_needed" in pts:
            two = pts[pts["delivery_beds_needed"].notna()]
        else:
            two = pts.iloc[:0]
        if not two.empty:
            ax.scatter(two["deliveries"],
                       two["delivery_beds_needed"].astype(float) / two["deliveries"] * 1000,
                       color="tab:orange", marker="s", zorder=3,
                       label=plots.label("sizing_delivery_beds", lang))
        years = pts["year"].nunique()
        texts = [ax.text(r.deliveries, r.beds_needed_per_1000,
                         names.get(r.facility, r.facility) + (f" {r.year}" if years > 1 else ""),
                         fontsize=7)
                 for r in pts.sort_values("deliveries").itertuples(index=False)]
    if ratio_per_1000 is not None:  # None: the scenario switches the standard off
        ax.axhline(ratio_per_1000, color="tab:red", ls="--",
                   label=plots.label("sizing_ratio", lang, value=f"{ratio_per_1000:g}"))
    ax.set_xscale("log")
    ax.set_xlabel(plots.label("sizing_x", lang))
    ax.set_ylabel(plots.label("sizing_y", lang))
    ax.set_ylim(bottom=0)
    plots.set_title(ax, plots.label("sizing_title", lang, name=title_name))
    ax.legend(fontsize=8, loc="upper right")
    if not pts.empty:
        plots.spread_labels(ax, texts)
    fig.tight_layout()
    return fig


def label_theory(lang: str, levels: ServiceLevels) -> str:
    """Legend text of the queueing curve, naming the bed levels it is drawn for."""
    parts = []
    if levels.no_bed is not None:
        parts.append(plots.label("sizing_no_bed", lang, value=f"{100 * levels.no_bed:g}"))
    if levels.occupancy is not None:
        parts.append(plots.label("sizing_occupancy", lang,
                                 value=f"{100 * levels.occupancy:g}"))
    return plots.label("sizing_theory", lang, levels=", ".join(parts))
