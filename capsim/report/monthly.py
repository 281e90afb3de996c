"""The report's monthly statistics: the region's months as a table, and the chart."""

from __future__ import annotations

from html import escape

import pandas as pd

from capsim.formatting import fmt_num
from capsim.i18n import t
from capsim.monthly import MEASURES
from capsim.results import REGION


def monthly_html(summary: pd.DataFrame | None, lang: str) -> str:
    """The region's monthly form as an HTML sub-section (heading, note and table; cells
    "mean [p5-p95]"), or "" when the run has no monthly statistics."""
    if summary is None or summary.empty:
        return ""
    region = summary[summary["facility"].astype(str) == REGION]
    measures = [m for m in MEASURES if m in set(region["measure"])]
    cells = {(int(r.year), int(r.month), r.measure): r for r in region.itertuples(index=False)}
    months = sorted({(y, m) for y, m, _ in cells})
    head = "".join(f"<th>{escape(h)}</th>" for h in
                   [t("ms_year", lang), t("ms_month", lang),
                    *(t(MEASURES[m], lang) for m in measures)])
    rows = []
    for y, m in months:
        tds = [f"<td>{y}</td>", f"<td>{m}</td>"]
        for measure in measures:
            r = cells.get((y, m, measure))
            tds.append('<td class="num"></td>' if r is None else
                       f'<td class="num">{escape(fmt_num(r.mean))} '
                       f'[{escape(fmt_num(r.p5))}–{escape(fmt_num(r.p95))}]</td>')
        rows.append(f"<tr>{''.join(tds)}</tr>")
    return (f"<h3>{escape(t('h_monthly', lang))}</h3>"
            f"<p>{escape(t('ms_report_note', lang))}</p>"
            f'<table id="monthly"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
