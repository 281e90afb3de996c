"""The chart of the monthly statistics: each measure the maternity pathway counts, month by
month, for the region and its busiest facilities, with the 5-95% band over replications."""

from __future__ import annotations

import numpy as np
import pandas as pd

from capsim.i18n import t
from capsim.monthly import COUNTED, MEASURES
from capsim.plots import label, plt, use_fonts
from capsim.results import REGION

#: Facilities drawn besides the region: the busiest by deliveries.
FACILITIES_SHOWN = 5


def monthly_chart(summary: pd.DataFrame, names: dict[str, str] | None = None,
                  lang: str = "en", title_name: str = "", replications: int = 0) -> plt.Figure:
    """A panel per counted measure: the mean women a month (line) and the 5-95% band over
    replications (shade), for the region and the `FACILITIES_SHOWN` facilities with most
    deliveries. ``summary`` is `capsim.monthly.monthly_summary`."""
    use_fonts(lang)
    names = names or {}
    births = summary[(summary["measure"] == "deliveries") & (summary["facility"] != REGION)]
    busiest = list(births.groupby("facility", sort=False)["mean"].sum()
                   .sort_values(ascending=False, kind="stable").index[:FACILITIES_SHOWN])
    shown = [REGION, *busiest]
    fig, axes = plt.subplots(len(COUNTED), 1, figsize=(9, 2.4 * len(COUNTED) + 0.8),
                             sharex=True, squeeze=False)
    for ax, measure in zip(axes[:, 0], COUNTED, strict=True):
        rows = summary[summary["measure"] == measure]
        for k, facility in enumerate(shown):
            one = rows[rows["facility"] == facility].sort_values(["year", "month"])
            if one.empty:
                continue
            x = np.arange(len(one))
            colour = "black" if facility == REGION else f"C{k - 1}"
            name = label("region", lang) if facility == REGION else names.get(facility, facility)
            ax.plot(x, one["mean"], color=colour, lw=1.6 if facility == REGION else 1.1,
                    label=name)
            ax.fill_between(x, one["p5"], one["p95"], color=colour, alpha=0.12, lw=0)
            ticks = [f"{y}-{m:02d}" for y, m in zip(one["year"], one["month"], strict=True)]
        ax.set_ylabel(t(MEASURES[measure], lang), fontsize=9)
        ax.set_ylim(bottom=0)
    step = max(1, len(ticks) // 12)
    axes[-1, 0].set_xticks(np.arange(len(ticks))[::step], ticks[::step], rotation=35,
                           ha="right", fontsize=8)
    axes[0, 0].legend(fontsize=7, ncol=3)
    fig.suptitle(t("ms_title", lang, name=title_name) + "\n"
                 + t("ms_band_note", lang, n=replications), fontsize=10)
    fig.tight_layout()
    return fig
