"""One self-contained HTML report: images embedded as base64 PNG, styles inline, no request
to any network. Sections: scenario, results, standards and targets, charts, methods
(STRESS-DES), parameters with their sources."""

from __future__ import annotations

import base64
import io
import math
from datetime import datetime
from html import escape
from pathlib import Path

import pandas as pd

from capsim import metrics, plots
from capsim.formatting import fmt_value
from capsim.i18n import field_description_zh, readable_path, t
from capsim.metrics import FACILITY_METRICS, SUMMARY_METRICS, TRAVEL_METRICS
from capsim.output import write_text
from capsim.report.care import care_tables
from capsim.report.comments import FileComments
from capsim.report.inputs import ReportInputs
from capsim.report.monthly import monthly_html
from capsim.report.onepage import one_page
from capsim.report.parameters import chain_comments, collapse_facilities, parameter_table
from capsim.report.stress import STRESS_CITATION, RunFacts, stress_items
from capsim.report.years import (
    delivering_facilities,
    facilities_by_year,
    occupancy_rows,
    region_by_year,
    reported_years,
    several_years,
)

#: Family name of the CJK glyphs embedded in the page (its rule opens the page's style). It
#: comes first in the font lists: it holds only the page's non-ASCII characters, so Latin
#: text falls through to the next family, and Chromium leaves some CJK runs as boxes when the
#: family that has their glyphs comes after one that lacks them.
EMBEDDED_FAMILY = "capsim CJK"

STYLE = """
body{font-family:"capsim CJK","DejaVu Sans",Arial,"Noto Sans CJK SC","Noto Sans SC",
"Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.86em;width:100%}
th,td{border:1px solid #ccc;padding:.25em .45em;vertical-align:top;text-align:left}
th{background:#f0f0f0}td.num{text-align:right;white-space:nowrap}
tr.pass td.verdict{background:#d9f2d9}tr.fail td.verdict{background:#f8d0d0}
tr.uncertain td.verdict{background:#fff0c0}tr.na td.verdict{color:#777}
td.verdict{white-space:nowrap;font-weight:bold}td.small{font-size:.85em}
td.path,code,pre{font-family:"DejaVu Sans Mono",Consolas,"capsim CJK",monospace}
td.path,td.nowrap{white-space:nowrap}.muted{color:#666}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9em;color:#444}pre{white-space:pre-wrap;background:#f7f7f7;padding:.6em}
#one-page{border:2px solid #444;padding:.2em 1em 1em;margin:1em 0}#one-page h3{margin:.8em 0 .3em}
#one-page ul{margin:.2em 0;padding-left:1.3em}tr.closed td{color:#777}
@page{size:A4;margin:14mm 12mm}
@media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt}nav{display:none}
#one-page{page-break-after:always;border:none;padding:0}h2{page-break-after:avoid}
table{font-size:7.5pt;page-break-inside:auto}tr,figure{page-break-inside:avoid}
thead{display:table-header-group}figure img{max-width:100%;max-height:240mm;border:none}
section{page-break-before:always}a{color:inherit;text-decoration:none}}
"""

# Marks images that failed to load, so a browser (or a test) can tell a broken page.
CHECK_IMAGES = """
window.addEventListener("load", function () {
  var imgs = document.images, broken = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) {
      broken++; imgs[i].setAttribute("data-broken", "1");
    }
  }
  document.body.setAttribute("data-images", String(imgs.length));
  document.body.setAttribute("data-broken-images", String(broken));
});
"""


def figure_png(fig) -> bytes:
    """The PNG bytes of a matplotlib figure (the figure is closed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plots.plt.close(fig)
    return buf.getvalue()


def _img(png: bytes, caption: str, ident: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{ident}"><img alt="{escape(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{escape(caption)}</figcaption>'
            "</figure>")


def _table(ident: str, headers: list[str], rows: list[list[str]],
           classes: list[str] | None = None, cell_classes: list[str] | None = None) -> str:
    """An HTML table; cells are already escaped HTML."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{classes[i]}"' if classes else ""
        cells = "".join(
            f'<td class="{cell_classes[j]}">{c}</td>' if cell_classes and cell_classes[j]
            else f"<td>{c}</td>" for j, c in enumerate(row))
        body.append(f"<tr{cls}>{cells}</tr>")
    return (f'<table id="{ident}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
            "</tbody></table>")


def _value(mean: float, lo: float, hi: float, unit: str) -> str:
    return escape(fmt_value(mean, lo, hi, unit))


def _standard(inputs: ReportInputs, metric: str) -> float | None:
    """Threshold of the first active ">=" standard on ``metric`` (for the chart's line)."""
    from capsim.targets import active_standards

    for std in active_standards(inputs.scenario):
        if std.metric == metric and std.comparator in (">=", ">") and std.threshold is not None:
            return float(std.threshold)
    return None


def charts(inputs: ReportInputs, lang: str) -> list[tuple[str, str, bytes]]:
    """The report's charts as (id, caption, PNG bytes)."""
    s = inputs.scenario
    names = plots.facility_names(s, lang)
    out = [
        ("census", t("fig_census", lang),
         figure_png(plots.census_plot(inputs.daily, names, lang, title_name=s.name))),
        ("occupancy", t("fig_occupancy", lang),
         figure_png(plots.occupancy_plot(occupancy_rows(inputs.summary), names, lang,
                                         title_name=s.name))),
    ]
    for metric, key in (("beds_per_1000_deliveries", "fig_ratio"),
                        ("midwives_per_1000_deliveries", "fig_midwife_ratio")):
        out.append((metric, t(key, lang), figure_png(plots.ratio_years_plot(
            inputs.ratios, metric, _standard(inputs, metric), names, lang, title_name=s.name))))
    out.append(("flows", t("fig_flows", lang), figure_png(plots.flow_map(
        inputs.flows, s, names, lang, replications=inputs.replications))))
    if inputs.monthly is not None and not inputs.monthly.empty:
        from capsim.monthly_chart import monthly_chart

        out.append(("monthly", t("fig_monthly", lang), figure_png(monthly_chart(
            inputs.monthly, names, lang, title_name=s.name, replications=inputs.replications))))
    return out


def _cell(r: pd.Series) -> str:
    """A summary row's mean and 95% interval as escaped HTML."""
    return _value(r["mean"], r["ci_low"], r["ci_high"], r["unit"])


def _years_tables(inputs: ReportInputs, lang: str) -> list[str]:
    """The region's metrics year by year beside the whole period, and each delivering
    facility's year by year (a year without beds shown as closed), as HTML."""
    summary = inputs.summary
    region = region_by_year(summary, SUMMARY_METRICS, _cell)
    rows = [[escape(metrics.name(m, lang)), escape(_unit(m, lang)), *region.loc[m]]
            for m in region.index]
    parts = [f"<p>{escape(t('region_by_year_ci', lang))}</p>",
             _table("summary-years", [t("metric", lang), t("unit", lang), *region.columns],
                    rows, cell_classes=["", ""] + ["num"] * len(region.columns)),
             f"<h3>{escape(t('facility_results', lang))}</h3>",
             f"<p>{escape(t('closed_note', lang))}</p>"]
    parts.append(_facility_years_table("facility-summary", inputs, FACILITY_METRICS,
                                       delivering_facilities(inputs.scenario), lang))
    return parts


def _facility_years_table(ident: str, inputs: ReportInputs, metric_ids: tuple[str, ...],
                          facility_ids: list[str], lang: str) -> str:
    """A table of ``metric_ids`` with a row per facility and year (HTML)."""
    names = plots.facility_names(inputs.scenario, lang)
    rows, classes = [], []
    width = len(metric_ids)
    for fid, year, cells in facilities_by_year(inputs.summary, facility_ids, metric_ids,
                                               _cell, escape(t("closed", lang))):
        if len(cells) == 1 and width > 1:
            rows.append([escape(names[fid]), escape(year), cells[0]] + [""] * (width - 1))
            classes.append("closed")
        else:
            rows.append([escape(names[fid]), escape(year), *cells])
            classes.append("open")
    heads = [t("facility", lang), t("year", lang)] + [metrics.name(m, lang) for m in metric_ids]
    return _table(ident, heads, rows, classes,
                  cell_classes=["", "nowrap"] + ["num"] * width)


def _unit(metric_id: str, lang: str) -> str:
    u = metrics.unit(metric_id)
    return metrics.unit_name("%" if u == "share" else u, lang)


def _travel_section(inputs: ReportInputs, lang: str) -> str:
    """Travel from the booking facility to the facility of delivery, by booking facility and
    year (HTML; "" when the run has no travel readings)."""
    s = inputs.summary
    if not s["metric"].isin(TRAVEL_METRICS).any():
        return ""
    booked = [f.id for f in inputs.scenario.facilities]
    rows, names = [], plots.facility_names(inputs.scenario, lang)
    idx = s.assign(year=s["year"].astype(str)).set_index(["facility", "year", "metric"])
    for fid in [*booked, "region"]:
        for year in reported_years(s):
            if not all((fid, year, m) in idx.index for m in TRAVEL_METRICS):
                continue
            vals = [idx.loc[(fid, year, m)] for m in TRAVEL_METRICS]
            if pd.isna(vals[0]["mean"]):
                continue    # nobody booked here delivered in this year
            rows.append([escape(names.get(fid, fid)), escape(year), *(_cell(v) for v in vals)])
    heads = [t("booking_facility", lang), t("year", lang)] + \
        [metrics.name(m, lang) for m in TRAVEL_METRICS]
    return (f"<h3>{escape(t('travel_heading', lang))}</h3>"
            f"<p>{escape(t('travel_intro', lang))}</p>" +
            _table("travel", heads, rows, cell_classes=["", "nowrap"] + ["num"] * 4))


def _summary_section(inputs: ReportInputs, lang: str) -> str:
    s = inputs.summary
    s = s[s["year"].astype(str) == "all"]
    acc = inputs.accounting
    balance = t("accounting", lang, arrivals=f"{acc.arrivals.mean():.0f}",
                delivered=f"{acc.delivered.mean():.0f}", out=f"{acc.out_of_region.mean():.0f}",
                progress=f"{acc.in_progress.mean():.1f}")
    if several_years(inputs.summary):
        return "\n".join([f"<p>{escape(balance)}</p>", *_years_tables(inputs, lang),
                          _travel_section(inputs, lang)])
    parts = [f"<p>{escape(balance)}</p>", f"<p>{escape(t('region_results', lang))}</p>"]
    region = s[s["facility"] == "region"].set_index("metric")
    rows = []
    for m in SUMMARY_METRICS:
        if m not in region.index:
            continue
        r = region.loc[m]
        nan = math.nan
        rows.append([escape(m), escape(metrics.name(m, lang)),
                     escape(metrics.unit_name("%" if r["unit"] == "share" else r["unit"], lang)),
                     _value(r["mean"], r["ci_low"], r["ci_high"], r["unit"]),
                     _value(r["p5"], nan, nan, r["unit"]) + " – " +
                     _value(r["p95"], nan, nan, r["unit"])])
    parts.append(_table("summary", [t("metric", lang), t("description", lang), t("unit", lang),
                                    t("mean_ci", lang), t("spread", lang)], rows,
                        cell_classes=["path", "", "", "num", "num"]))
    parts.append(f"<h3>{escape(t('facility_results', lang))}</h3>")
    names = plots.facility_names(inputs.scenario, lang)
    rows = []
    for f in inputs.scenario.facilities:
        if not f.delivers:
            continue
        fs = s[s["facility"] == f.id].set_index("metric")
        rows.append([escape(names[f.id])] + [
            _value(fs.loc[m, "mean"], fs.loc[m, "ci_low"], fs.loc[m, "ci_high"],
                   metrics.unit(m))
            if m in fs.index else "-" for m in FACILITY_METRICS])
    heads = [t("facility", lang)] + [metrics.name(m, lang) for m in FACILITY_METRICS]
    parts.append(_table("facility-summary", heads, rows,
                        cell_classes=[""] + ["num"] * len(FACILITY_METRICS)))
    parts.append(_travel_section(inputs, lang))
    return "\n".join(parts)


def _care_section(inputs: ReportInputs, lang: str) -> str:
    """Newborn care and the paediatric line (`capsim.report.care`); "" without them."""
    parts = []
    for heading, table, trend in care_tables(inputs.summary, inputs.scenario, lang):
        parts.append(f"<h3>{escape(heading)}</h3>")
        for ident, frame in ((f"care-{len(parts)}", table), (f"care-trend-{len(parts)}", trend)):
            parts.append(_table(ident, list(frame.columns),
                                [[escape(str(v)) for v in row] for row in frame.to_numpy()],
                                cell_classes=[""] + ["num"] * (frame.shape[1] - 1)))
    return "\n".join(parts)


def _one_page_section(inputs: ReportInputs, lang: str) -> str:
    """The summary on one page (`capsim.report.onepage`) as HTML."""
    parts = one_page(inputs.targets, inputs.needs, plots.facility_names(inputs.scenario, lang),
                     lang)
    html = []
    for key in ("verdicts", "gaps", "needs"):
        if parts[key]:
            items = "".join(f"<li>{escape(sentence)}</li>" for sentence in parts[key])
            html.append(f'<h3>{escape(t(f"one_h_{key}", lang))}</h3><ul id="one-{key}">'
                        f"{items}</ul>")
    return "\n".join(html)


def _targets_section(inputs: ReportInputs, lang: str) -> str:
    tab = inputs.targets
    if tab is None or tab.empty:
        return f'<p id="targets-none">{escape(t("no_targets", lang))}</p>' + \
            _table("targets", [t("target", lang)], [])
    names = plots.facility_names(inputs.scenario, lang)
    counts = tab["verdict"].value_counts()
    tally = t("verdict_counts", lang, pass_=counts.get("pass", 0), fail=counts.get("fail", 0),
              uncertain=counts.get("uncertain", 0), na=counts.get("not applicable", 0))
    parts = [f"<p>{escape(t('targets_intro', lang))}</p>",
             f"<p><strong>{escape(tally)}</strong></p>"]
    rows, classes = [], []
    for r in tab.itertuples(index=False):
        unit = r.unit
        name = r.name_zh if lang == "zh" and isinstance(r.name_zh, str) and r.name_zh \
            else r.name_en
        thr = "-" if pd.isna(r.threshold) else fmt_value(float(r.threshold), math.nan,
                                                         math.nan, unit)
        rows.append([
            f"{escape(str(name))}<br><span class=muted>{escape(str(r.target))}</span>",
            escape(names.get(r.scope, r.scope) if isinstance(r.scope, str) and r.scope
                   else "-"),
            escape(str(r.year)), escape(t(f"check_reading_{r.reading}", lang)),
            _value(r.value, r.ci_low, r.ci_high, unit),
            escape(f"{r.comparator} {thr}"),
            _value(r.margin, math.nan, math.nan, unit),
            escape(t(r.verdict, lang)),
            escape(" ".join(x for x in (str(r.source or ""), str(r.note or ""),
                                        _rests_on_defaults(r, lang)) if x)),
        ])
        classes.append({"pass": "pass", "fail": "fail", "uncertain": "uncertain"}.get(
            r.verdict, "na"))
    parts.append(_table("targets", [t("target", lang), t("scope", lang), t("year", lang),
                                    t("reading", lang), t("value_ci", lang),
                                    t("threshold", lang), t("margin", lang),
                                    t("verdict", lang), t("source", lang)], rows, classes,
                        cell_classes=["", "", "nowrap", "nowrap", "num", "num", "num", "verdict",
                                      "small"]))
    return "\n".join(parts)


def _rests_on_defaults(row, lang: str) -> str:
    """The check row's warning that its verdict rests on capsim's defaults ('' if it does not)."""
    params = getattr(row, "defaults", "")
    return t("check_defaults", lang, params=params) if isinstance(params, str) and params \
        else ""


def _documentation(row, lang: str) -> str:
    """A parameter's description in ``lang``: the Chinese one of the catalogue for "zh" where
    there is one, else the field's own (English) description."""
    return (field_description_zh(row.parameter) if lang == "zh" else None) or row.documentation


def _parameters_section(params: pd.DataFrame, lang: str) -> str:
    params = collapse_facilities(params)
    rows = []
    for r in params.itertuples(index=False):
        if r.source:
            src = escape(r.source)
            if r.source_at and r.source_at != r.parameter:
                at = readable_path(r.source_at, lang)
                src += f' <span class=muted>{escape(t("from_parent", lang, at=at))}</span>'
        elif r.given == "default":
            src = escape(_documentation(r, lang))
        else:
            src = (f'<span class=muted>{escape(t("not_stated", lang))}</span> '
                   f"{escape(_documentation(r, lang))}")
        rows.append([escape(r.parameter), escape(r.value),
                     escape(t("in_file" if r.given == "file" else "default", lang)), src])
    return (f"<p>{escape(t('params_intro', lang))}</p>" +
            _table("parameters", [t("parameter", lang), t("value", lang), t("given", lang),
                                  t("source_or_assumption", lang)], rows,
                   cell_classes=["path", "", "", ""]))


def render(inputs: ReportInputs, lang: str = "en") -> str:
    """The report as one HTML document (text), in ``lang`` ("en" or "zh")."""
    from capsim import __version__

    t("title", lang, name="")   # rejects an unknown language before any work
    s = inputs.scenario
    comments = chain_comments(inputs.scenario_file) if inputs.scenario_file else FileComments()
    params = parameter_table(s, inputs.scenario_file, comments=comments)
    halve = inputs.summary["replications_to_halve_ci"].dropna()
    facts = RunFacts(replications=inputs.replications, seed=inputs.seed,
                     arrivals_mean=float(inputs.accounting["arrivals"].mean()),
                     halve_replications=int(halve.max()) if not halve.empty else None)
    has_targets = inputs.targets is not None and not inputs.targets.empty
    methods = stress_items(s, facts, params, comments.header, lang, has_targets=has_targets)
    figures = charts(inputs, lang)
    when = datetime.now().strftime("%Y-%m-%d %H:%M")
    names = plots.facility_names(s, lang)
    facility_rows = [[escape(f.id), escape(names[f.id]), escape(t(f.level, lang)),
                      str(f.beds), str(f.midwives), str(f.obstetricians), str(f.theatres)]
                     for f in s.facilities]
    scenario_html = [
        f"<p>{escape(s.description.strip())}</p>" if s.description else "",
        f"<p><strong>{escape(t('file', lang))}:</strong> "
        f"<code>{escape(str(inputs.scenario_file or '-'))}</code></p>",
    ]
    if comments.header:
        scenario_html.append(f"<h3>{escape(t('file_notes', lang))}</h3>"
                             f"<pre>{escape(chr(10).join(comments.header))}</pre>")
    scenario_html.append(f"<h3>{escape(t('facilities', lang))}</h3>")
    scenario_html.append(_table("facilities", ["id", t("facility", lang), t("level", lang),
                                               t("n_beds", lang), t("n_midwives", lang),
                                               t("n_obstetricians", lang),
                                               t("n_theatres", lang)],
                                facility_rows, cell_classes=["path", "", "", "num", "num",
                                                             "num", "num"]))
    methods_rows = [[escape(r.item), escape(r.section), escape(r.name), escape(r.text)]
                    for r in methods.itertuples(index=False)]
    sections = [
        ("one-page", t("one_title", lang), _one_page_section(inputs, lang)),
        ("scenario", t("h_scenario", lang), "\n".join(scenario_html)),
        ("results", t("h_summary", lang), _summary_section(inputs, lang)
         + _care_section(inputs, lang) + monthly_html(inputs.monthly, lang)),
        ("standards", t("h_targets", lang), _targets_section(inputs, lang)),
        ("charts", t("h_plots", lang),
         "\n".join(_img(png, cap, ident) for ident, cap, png in figures)),
        ("methods", t("h_methods", lang),
         f"<p>{escape(t('methods_intro', lang, cite=STRESS_CITATION))}</p>" +
         _table("stress", [t("item", lang), t("section", lang), t("name", lang),
                           t("detail", lang)], methods_rows)),
        ("parameters", t("h_parameters", lang), _parameters_section(params, lang)),
    ]
    toc = "".join(f'<li><a href="#{ident}">{escape(title)}</a></li>'
                  for ident, title, _ in sections)
    body = "\n".join(f'<section id="{ident}"><h2>{escape(title)}</h2>\n{html}</section>'
                     for ident, title, html in sections)
    html_lang = "zh-CN" if lang == "zh" else "en"
    page = f"""<!DOCTYPE html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("title", lang, name=s.name))}</title>
<style>"""
    # The font is joined in where the style starts, never substituted into the page: the
    # page holds the planner's text, which may hold anything.
    rest = f"""{STYLE}</style>
<script>{CHECK_IMAGES}</script>
</head>
<body>
<h1>{escape(t("title", lang, name=s.name))}</h1>
<p class="muted">{escape(t("generated", lang, when=when, version=__version__,
                            reps=inputs.replications, seed=inputs.seed))}</p>
<nav><h2>{escape(t("contents", lang))}</h2><ol>{toc}</ol></nav>
{body}
</body>
</html>
"""
    return page + embedded_font_css(page + rest) + rest


def embedded_font_css(page: str) -> str:
    """An @font-face rule carrying the CJK glyphs ``page`` uses, so Chinese text shows on a
    machine without Chinese fonts ("" when the page needs none)."""
    from capsim.fonts import cjk_subset

    font = cjk_subset(page)
    if font is None:
        return ""
    data = base64.b64encode(font).decode("ascii")
    return (f'@font-face{{font-family:"{EMBEDDED_FAMILY}";'
            f'src:url(data:font/otf;base64,{data}) format("opentype");}}\n')


def write_report(inputs: ReportInputs, out: str | Path, lang: str = "en") -> Path:
    """Write the report of ``inputs`` to ``out`` (an .html file); return its path."""
    return write_text(out, render(inputs, lang))
