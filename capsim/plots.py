"""Plots drawn from result tables (never from the simulation's internals).

Every plot has a title, axis labels with units and a legend, in English (``lang="en"``) or
Chinese (``lang="zh"``). Functions return the matplotlib Figure; `save` writes a PNG.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:   # a notebook keeps its inline backend
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from capsim import metrics  # noqa: E402
from capsim.i18n import STRINGS, t  # noqa: E402
from capsim.output import atomic_path  # noqa: E402


def label(key: str, lang: str = "en", **fmt) -> str:
    """A plot's text in ``lang`` ("en" or "zh"): the catalogue's string ``key`` formatted with
    ``fmt`` (`capsim.i18n`), or else the axis label of the metric ``key``."""
    if key not in STRINGS and key in metrics.METRICS:
        return metrics.axis_label(key, lang)
    return t(key, lang, **fmt)


def wrap_text(text: str, width_in: float, fontsize: float = 12.0) -> str:
    """``text`` broken into lines that fit ``width_in`` inches at ``fontsize`` points: a Latin
    character is about 0.55 em wide, a Chinese one 1 em. Existing line breaks are kept; a line
    breaks at a space where it can, else inside a word (Chinese has no spaces)."""
    import textwrap
    import unicodedata

    per_line = max(10.0, width_in * 72.0 / fontsize)    # ems a line holds
    out = []
    for line in text.split("\n"):
        wide = sum(unicodedata.east_asian_width(c) in "WF" for c in line)
        ems = wide + 0.55 * (len(line) - wide)
        chars = max(8, int(len(line) * per_line / ems)) if ems > per_line else len(line) or 1
        out += textwrap.wrap(line, chars, break_long_words=True) or [""]
    return "\n".join(out)


def set_title(ax, text: str, fontsize: float = 11.0) -> None:
    """Set the axes' title, wrapped to the figure's width so that a long scenario name is
    never cut off (`wrap_text`)."""
    width = ax.figure.get_figwidth() * 0.92
    ax.set_title(wrap_text(text, width, fontsize), fontsize=fontsize)


def set_suptitle(fig, text: str, fontsize: float = 12.0) -> float:
    """Set the figure's title, wrapped to its width (`wrap_text`); return the top of the
    room left below it (a fraction of the figure's height, for ``tight_layout(rect=...)``)."""
    wrapped = wrap_text(text, fig.get_figwidth() * 0.92, fontsize)
    fig.suptitle(wrapped, fontsize=fontsize)
    lines = wrapped.count("\n") + 1
    return 1.0 - (0.15 + 1.35 * fontsize / 72.0 * lines) / fig.get_figheight()


def spread_labels(ax, texts: list) -> None:
    """Move the text labels ``texts`` of points apart so that none overlaps another or a
    point (adjustText), each joined to its point by a thin line when moved."""
    if len(texts) < 2:
        return
    from adjustText import adjust_text

    adjust_text(texts, ax=ax, arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.5},
                expand=(1.1, 1.3), iter_lim=300)


def use_fonts(lang: str) -> None:
    """Select fonts that have the glyphs of ``lang``: the CJK font first for Chinese; for
    English, DejaVu Sans first and the CJK font for the Chinese names of facilities without
    an English one (matplotlib falls back glyph by glyph along the list). Text is drawn as
    written: a name with dollar signs is not read as TeX (mathtext)."""
    from capsim.fonts import cjk_font_family

    family = cjk_font_family()
    cjk = [family] if family else []
    if lang == "zh":
        plt.rcParams["font.family"] = [*cjk, "DejaVu Sans"]
    else:
        plt.rcParams["font.family"] = ["DejaVu Sans", *cjk]
    plt.rcParams["axes.unicode_minus"] = False
    # Facility, scenario and parameter names reach titles, ticks and legends; "$...$" in
    # them is text, and invalid TeX would otherwise stop the plot.
    plt.rcParams["text.parse_math"] = False


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
    facility with beds (or per facility of ``facilities``). ``daily`` is
    `Results.daily`."""
    use_fonts(lang)
    names = names or {}
    # Facilities without a bed in the whole period (antenatal care only) have no census.
    with_beds = daily[daily["beds"] > 0]["facility"].unique()
    facs = facilities or [f for f in with_beds if f != "region"]
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
    top = set_suptitle(fig, label("census_title", lang, name=title_name))
    fig.tight_layout(rect=(0, 0.06, 1, top))
    return fig


def occupancy_plot(summary: pd.DataFrame, names: dict[str, str] | None = None,
                   lang: str = "en", title_name: str = "") -> plt.Figure:
    """Mean bed occupancy per facility with its 95% confidence interval and the 85% line.
    ``summary`` is `Results.summary` (one year or all); given the rows of several
    calendar years (``year=None`` without the "all" rows), one bar per year beside each
    facility, a year without beds left out."""
    use_fonts(lang)
    names = names or {}
    occ = summary[(summary["metric"] == "occupancy_mean")].dropna(subset=["mean"])
    years = list(dict.fromkeys(occ["year"].astype(str))) if "year" in occ else []
    if len(years) <= 1:
        occ = occ.drop_duplicates("facility")
        years = years[:1] or [""]
    facs = list(dict.fromkeys(occ["facility"]))
    x = np.arange(len(facs))
    width = 0.8 / len(years)
    per_facility = 0.8 + 0.12 * (len(years) - 1)
    fig, ax = plt.subplots(figsize=(min(13.0, max(6.0, per_facility * len(facs) + 2)), 4.5))
    colours = plt.get_cmap("viridis")(np.linspace(0.15, 0.85, len(years))) \
        if len(years) > 1 else ["tab:blue"]
    for i, (year, colour) in enumerate(zip(years, colours, strict=True)):
        d = occ[occ["year"].astype(str) == year] if len(years) > 1 else occ
        d = d.set_index("facility").reindex(facs)
        err = np.vstack([d["mean"] - d["ci_low"], d["ci_high"] - d["mean"]]) * 100
        ax.bar(x + (i - (len(years) - 1) / 2) * width, d["mean"] * 100, width=width,
               yerr=np.nan_to_num(err), capsize=2 if len(years) > 1 else 3, color=colour,
               label=year if len(years) > 1 else label("occupancy_bar", lang))
    ax.axhline(85, color="tab:red", ls="--", label=label("guidance_85", lang))
    ax.set_xticks(x, [names.get(f, f) for f in facs], rotation=35, ha="right")
    ax.set_xlabel(label("facility", lang))
    ax.set_ylabel(label("occupancy_pct", lang))
    ax.set_ylim(0, max(100, float(np.nanmax(occ["ci_high"] * 100)) + 5 if len(occ) else 100))
    set_title(ax, label("occupancy_title", lang, name=title_name))
    ax.legend(fontsize=8, ncol=2 if len(years) > 3 else 1,
              title=label("occupancy_bar", lang) if len(years) > 1 else None, title_fontsize=8)
    fig.tight_layout()
    return fig


#: Colour of each reason a woman moves (Okabe-Ito palette, distinguishable in colour blindness).
REASON_COLOURS: dict[str, str] = {
    "planned_referral": "#0072B2",
    "risk_referral": "#009E73",
    "no_bed": "#D55E00",
    "emergency_transfer": "#CC79A7",
}
#: Marker of each facility level on the flow map.
LEVEL_MARKERS: dict[str, str] = {"township": "o", "county": "s", "mch": "D", "city_tertiary": "^"}
OUT_OF_REGION_ID = "out-of-region"


def flow_positions(scenario) -> tuple[dict[str, tuple[float, float]], bool]:
    """Position of each facility (and of "out of region") on the flow map.

    Returns ({id: (x, y)}, geographic). When every facility has a ``location``, they sit at
    their (longitude, latitude) in degrees and out of the region east of them. Otherwise the
    map is a schematic, not geography: facilities are placed by level (y = level rank, x =
    order within the level, west to east where coordinates are given) and out of the region
    above the highest level, to the right."""
    from capsim.scenario.models import LEVEL_RANK

    facs = list(scenario.facilities)
    pos: dict[str, tuple[float, float]] = {}
    if all(f.location is not None for f in facs):
        xs = [f.location[0] for f in facs if f.location is not None]
        ys = [f.location[1] for f in facs if f.location is not None]
        pos.update({f.id: (f.location[0], f.location[1]) for f in facs
                    if f.location is not None})
        span_x = max(max(xs) - min(xs), 0.05)
        pos[OUT_OF_REGION_ID] = (max(xs) + 0.3 * span_x, (min(ys) + max(ys)) / 2)
        return pos, True
    by_rank: dict[int, list] = {}
    for f in facs:
        by_rank.setdefault(LEVEL_RANK[f.level], []).append(f)
    widest = max(len(v) for v in by_rank.values())
    for rank, group in by_rank.items():
        group = sorted(group, key=lambda f: f.location[0] if f.location is not None else 0.0) \
            if all(f.location is not None for f in group) else group
        for i, f in enumerate(group):
            # Alternate rows within a level keep the names of a long row apart.
            pos[f.id] = ((i + 0.5) * widest / len(group),
                         float(rank) + (0.18 * (i % 2) if len(group) > 6 else 0.0))
    pos[OUT_OF_REGION_ID] = (widest + 1.0, 3.6)
    return pos, False


def flow_map(flows: pd.DataFrame, scenario, names: dict[str, str] | None = None,
             lang: str = "en", replications: int | None = None) -> plt.Figure:
    """Map of the women moved between facilities over the horizon.

    ``flows`` is `Results.flow_summary` (mean women per year, from, to and reason over
    replications); the years are added up. Facilities sit at their coordinates, or by level
    where none are given (`flow_positions`); each arrow's width is proportional to the
    mean number of women moved (persons), its colour the reason; out of the region is a node
    of its own. ``names`` default to `facility_names`."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    use_fonts(lang)
    names = dict(names or facility_names(scenario, lang))
    names[OUT_OF_REGION_ID] = label("out_of_region", lang)
    pos, geographic = flow_positions(scenario)
    moved = (flows.groupby(["from", "to", "reason"], sort=False)["mean"].sum().reset_index()
             if not flows.empty else pd.DataFrame(columns=["from", "to", "reason", "mean"]))
    moved = moved[moved["mean"] > 0]
    biggest = float(moved["mean"].max()) if not moved.empty else 1.0
    max_lw = 9.0

    def width(n: float) -> float:
        return max(0.6, max_lw * n / biggest)

    fig, ax = plt.subplots(figsize=(11, 7.5))
    levels = {f.id: f.level for f in scenario.facilities}
    # Labels start just above their node, a small share of the map's height.
    rise = float(np.ptp(np.array(list(pos.values()))[:, 1])) or 1.0
    texts: list = []
    for f in scenario.facilities:
        x, y = pos[f.id]
        ax.scatter([x], [y], s=110, marker=LEVEL_MARKERS[f.level], zorder=3,
                   facecolor="0.35" if f.delivers else "white", edgecolor="0.1")
        texts.append(ax.text(x, y + 0.03 * rise, names.get(f.id, f.id), ha="center",
                             va="bottom", fontsize=7, zorder=4))
    if OUT_OF_REGION_ID in set(moved["to"]) | set(moved["from"]):
        x, y = pos[OUT_OF_REGION_ID]
        ax.scatter([x], [y], s=260, marker="*", color="black", zorder=3)
        ax.annotate(names[OUT_OF_REGION_ID], (x, y), xytext=(0, 10),
                    textcoords="offset points", ha="center", fontsize=8)
    reasons = list(REASON_COLOURS)
    for row in moved.itertuples(index=False):
        src, dst, reason, n = row[0], row[1], row[2], float(row[3])
        if src not in pos or dst not in pos:
            continue
        bend = 0.12 + 0.08 * reasons.index(reason) if reason in reasons else 0.2
        ax.add_patch(FancyArrowPatch(
            pos[src], pos[dst], connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
            mutation_scale=8 + width(n), lw=width(n), color=REASON_COLOURS.get(reason, "grey"),
            alpha=0.75, shrinkA=7, shrinkB=9, zorder=2))
    handles = [Line2D([], [], color=REASON_COLOURS[r], lw=4, label=label(r, lang))
               for r in reasons if r in set(moved["reason"])]
    if moved.empty:
        handles.append(Line2D([], [], color="none", label=label("no_flows", lang)))
    else:
        for n in _width_key(biggest):
            handles.append(Line2D([], [], color="0.4", lw=width(n),
                                  label=label("women_moved", lang, n=f"{n:g}")))
    for lvl in dict.fromkeys(levels.values()):
        handles.append(Line2D([], [], ls="", marker=LEVEL_MARKERS[lvl], color="0.35",
                              markeredgecolor="0.1", markersize=8, label=label(lvl, lang)))
    if not all(f.delivers for f in scenario.facilities):
        handles.append(Line2D([], [], ls="", marker="o", markerfacecolor="white",
                              markeredgecolor="0.1", markersize=8,
                              label=label("antenatal_only", lang)))
    if geographic:
        ax.set_xlabel(label("longitude", lang))
        ax.set_ylabel(label("latitude", lang))
        mid_lat = float(np.mean([p[1] for p in pos.values()]))
        ax.set_aspect(1 / np.cos(np.radians(mid_lat)), adjustable="datalim")
    else:
        ax.set_xlabel(label("position_axis", lang))
        ax.set_ylabel(label("level_axis", lang))
        ax.set_yticks([1, 2, 3], ["I", "II", "III"])
        ax.set_xticks([])
        if any(f.location is not None for f in scenario.facilities):
            ax.text(0.01, 0.01, label("no_location", lang), transform=ax.transAxes,
                    fontsize=7, color="0.3")
    ax.margins(0.12)
    spread_labels(ax, texts)
    reps = replications if replications is not None else (
        int(flows["n"].max()) if "n" in flows and not flows.empty else 0)
    last_day = scenario.horizon.end - timedelta(days=1)
    period = label("flow_period", lang, n=str(reps), start=str(scenario.horizon.start),
                   end=str(last_day))
    set_title(ax, label("flow_title", lang, period=period, name=scenario.display_name(lang)),
              fontsize=10)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7,
              title=label("width_key", lang) if not moved.empty else None, title_fontsize=7,
              frameon=False)
    fig.tight_layout()
    return fig


def _width_key(biggest: float) -> list[float]:
    """Two or three round numbers of women for the arrow-width key."""
    top = float(f"{biggest:.1g}") if biggest >= 1 else round(biggest, 1)
    keys = [top, top / 4] if top / 4 >= 1 else [top]
    return [k for k in keys if k > 0]


def ratio_plot(ratios: pd.DataFrame, metric: str = "beds_per_1000_deliveries",
               standard: float | None = None, names: dict[str, str] | None = None,
               lang: str = "en", title_name: str = "", year: int | None = None) -> plt.Figure:
    """Planned and simulated ratios per delivering facility and for the region, with the
    standard drawn across.

    ``ratios`` is `capsim.targets.ratio_readings` (columns year, scope, metric, planned,
    simulated, ci_low, ci_high); ``metric`` picks the ratio, in the unit of
    `capsim.metrics.METRICS`; ``year`` the horizon year (default: the last);
    ``standard`` the threshold to draw (none: no line). `ratio_years_plot` draws
    every year."""
    use_fonts(lang)
    names = names or {}
    d = ratios[ratios["metric"] == metric]
    year = int(d["year"].max()) if year is None else int(year)
    scopes = _ratio_scopes(d[d["year"] == year])
    fig, ax = plt.subplots(figsize=(max(6.5, 0.9 * len(scopes) + 2.5), 4.8))
    _ratio_axes(ax, d[d["year"] == year], scopes, standard, names, lang)
    what = metrics.axis_label(metric, lang)
    ax.set_ylabel(what)
    set_title(ax, label("ratio_title", lang, what=_short(what), year=year, name=title_name),
              fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def ratio_years_plot(ratios: pd.DataFrame, metric: str = "beds_per_1000_deliveries",
                     standard: float | None = None, names: dict[str, str] | None = None,
                     lang: str = "en", title_name: str = "") -> plt.Figure:
    """`ratio_plot` for every year of ``ratios``, one panel per year (each on its own
    scale); a facility without a reading in a year (closed) has no bars there."""
    use_fonts(lang)
    names = names or {}
    d = ratios[ratios["metric"] == metric]
    years = sorted(int(y) for y in d["year"].unique())
    scopes = _ratio_scopes(d)
    ncols = min(len(years), 3) or 1
    nrows = max(1, int(np.ceil(len(years) / ncols)))
    fig, axes = plt.subplots(nrows, ncols, figsize=(max(4.5, 0.55 * len(scopes) + 1.5) * ncols,
                                                    3.9 * nrows + 0.9),
                             squeeze=False)
    # Each year on its own scale: a small unit's ratio in one year would flatten the others.
    for ax, year in zip(axes.ravel(), years, strict=False):
        _ratio_axes(ax, d[d["year"] == year], scopes, standard, names, lang)
        ax.set_title(str(year), fontsize=10)
        ax.set_xlabel("")
    for ax in axes.ravel()[len(years):]:
        ax.set_visible(False)
    what = metrics.axis_label(metric, lang)
    for ax in axes[:, 0]:
        ax.set_ylabel(what, fontsize=8)
    handles, labels_ = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels_, loc="lower center", ncol=3, fontsize=8)
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}" if years else ""
    top = set_suptitle(fig, label("ratio_title", lang, what=_short(what), year=span,
                                  name=title_name), fontsize=10)
    fig.tight_layout(rect=(0, 0.06, 1, top))
    return fig


def _ratio_scopes(d: pd.DataFrame) -> list[str]:
    """The scopes of ratio readings in order, the region last."""
    return [s for s in dict.fromkeys(d["scope"]) if s != "region"] + ["region"]


def _ratio_axes(ax, d: pd.DataFrame, scopes: list[str], standard: float | None,
                names: dict[str, str], lang: str) -> None:
    """Planned and simulated bars of the readings ``d`` (one year) over ``scopes``, with the
    standard's line, on ``ax``."""
    d = d.set_index("scope").reindex(scopes)
    x = np.arange(len(scopes))
    ax.bar(x - 0.2, d["planned"], width=0.4, color="0.8", hatch="//", edgecolor="0.3",
           label=label("planned", lang))
    if d["simulated"].notna().any():
        err = np.vstack([d["simulated"] - d["ci_low"], d["ci_high"] - d["simulated"]])
        ax.bar(x + 0.2, d["simulated"], width=0.4, color="tab:blue", capsize=3,
               yerr=np.nan_to_num(err), label=label("simulated", lang))
    if standard is not None:
        ax.axhline(standard, color="tab:red", ls="--",
                   label=label("standard", lang, value=standard))
    top = np.nanmax(np.append(d[["planned", "simulated", "ci_high"]].to_numpy(dtype=float),
                              standard or 0.0))
    ax.set_ylim(0, top * 1.15 if np.isfinite(top) and top > 0 else 1)
    ax.set_xticks(x, [names.get(s, s) for s in scopes], rotation=35, ha="right")
    ax.set_xlabel(label("facility", lang))


def _short(axis_label: str) -> str:
    """An axis label without its unit in brackets, for a title."""
    return axis_label.split("（")[0].split(" (")[0]


def year_comparison_plot(summary: pd.DataFrame, metric: str, facility: str = "region",
                         names: dict[str, str] | None = None, lang: str = "en",
                         scenario_names: dict[str, str] | None = None) -> plt.Figure:
    """One metric by year for several scenarios: the mean with its 95% interval, one line per
    scenario, the axis from zero.

    ``summary`` is `Results.summary` with ``year=None`` of each scenario, concatenated
    with a ``scenario`` column (scenario key); rows for the whole period ("all") are left
    out. ``scenario_names`` gives each key the name the legend shows (default: the key).
    Shares are drawn as percentages; other metrics in their unit."""
    use_fonts(lang)
    names = names or {}
    scenario_names = scenario_names or {}
    d = summary[(summary["metric"] == metric) & (summary["facility"] == facility)
                & (summary["year"].astype(str) != "all")].copy()
    d["year"] = d["year"].astype(int)
    scale = 100.0 if metrics.unit(metric) == "share" else 1.0
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for i, (scen, g) in enumerate(d.groupby("scenario", sort=False)):
        g = g.sort_values("year")
        shift = (i - (d["scenario"].nunique() - 1) / 2) * 0.06
        err = np.vstack([g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]]) * scale
        ax.errorbar(g["year"] + shift, g["mean"] * scale, yerr=np.nan_to_num(err), marker="o",
                    capsize=3, label=label("scenario_ci", lang,
                                           scenario=scenario_names.get(str(scen), str(scen))))
    ax.set_xticks(sorted(d["year"].unique()))
    # From zero, so that a small difference is not drawn as a large one.
    top = float(np.nanmax((d["ci_high"].fillna(d["mean"])) * scale)) if len(d) else 0.0
    ax.set_ylim(0, top * 1.1 if np.isfinite(top) and top > 0 else 1.0)
    ax.set_xlabel(label("year", lang))
    what = metrics.axis_label(metric, lang)
    ax.set_ylabel(what)
    set_title(ax, label("years_title", lang, what=_short(what),
                       facility=names.get(facility, facility)), fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def save(fig: plt.Figure, path: str | Path, dpi: int = 120) -> Path:
    """Write ``fig`` as a PNG at ``path``, close it, and return the path."""
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=dpi, format="png")
    finally:
        plt.close(fig)
    return path
