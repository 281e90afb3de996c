"""The summary on one page: what a run says in plain sentences, for the top of the report and
the end of ``capsim run``.

Three things, in either language: the region's verdicts year by year (how many of its
standards and targets pass, which fail), the three largest gaps (the failing targets whose
reading falls furthest short of the threshold, relative to it, with the facilities that fall
short), and what queueing theory says is needed at the loads the run carried (the first guess
``capsim size`` starts from and then confirms by simulation).
"""

from __future__ import annotations

import math

import pandas as pd

from capsim.formatting import fmt_value
from capsim.i18n import t
from capsim.results import REGION, Results

#: Columns of `sizing_estimate`.
NEED_COLUMNS = ["year", "facility", "resource", "now", "needed", "binding"]
#: Resources the estimate names, in the order sentences give them.
RESOURCES = ("beds", "midwives", "theatres")
#: Gaps the summary names.
GAPS = 3
#: Facilities named for what they need before the rest are counted.
NEEDS_NAMED = 5


def sizing_estimate(results: Results) -> pd.DataFrame:
    """Least beds, midwives (head-count) and theatres of each delivering facility and year
    that meet the default service levels by queueing theory at the loads ``results``
    carried, beside the capacity it has (columns `NEED_COLUMNS`; counts of beds,
    persons, theatres). Women turned away are not in a carried load, so where many were the
    estimate is low; ``capsim size`` measures offered loads with room for everyone and
    confirms by simulation."""
    from capsim.sizing.capacity import current_plan
    from capsim.sizing.levels import service_levels
    from capsim.sizing.loads import offered_loads
    from capsim.sizing.solver import contexts, queueing_start, sized_keys

    scenario = results.scenario
    levels = service_levels(None, scenario)
    loads = offered_loads(results)
    ctxs = contexts(scenario, loads, levels)
    now = current_plan(scenario)
    roster = scenario.pathway.roster
    rows = []
    for fid, year, resource in sized_keys(scenario, ctxs, levels):
        need, binding = queueing_start((fid, year, resource), ctxs[(fid, year)], levels)
        if resource == "midwives":
            need = roster.headcount_for(need)
        rows.append({"year": int(year), "facility": fid, "resource": resource,
                     "now": int(now[fid][year][resource]), "needed": int(need),
                     "binding": binding})
    return pd.DataFrame(rows, columns=NEED_COLUMNS)


def verdict_sentences(targets: pd.DataFrame | None, lang: str) -> list[str]:
    """One sentence per year on the region's standards and targets: how many pass, fail and
    are uncertain, and which fail (text; none without a check table)."""
    if targets is None or targets.empty:
        return [t("one_no_targets", lang)]
    region = targets[targets["scope"] == REGION]
    out = []
    for year, rows in region.groupby(region["year"].astype(str), sort=True):
        counts = rows["verdict"].value_counts()
        failing = rows[rows["verdict"] == "fail"]
        sentence = t("one_year_verdicts", lang, year=year, n=len(rows),
                     passed=int(counts.get("pass", 0)), failed=int(counts.get("fail", 0)),
                     uncertain=int(counts.get("uncertain", 0)))
        if not failing.empty:
            named = [f"{_target_name(r, lang)} ({_reading(r)})"
                     for _, r in failing.drop_duplicates("target").iterrows()]
            sentence += t("one_failing", lang, names=t("one_sep", lang).join(named))
        out.append(sentence)
    return out


def gap_sentences(targets: pd.DataFrame | None, names: dict[str, str], lang: str) -> list[str]:
    """The `GAPS` failing targets that fall furthest short (the shortfall over the
    threshold), each with the facility and year where it falls shortest and how many
    facilities fall short of it, or the year for a target read for the region alone (text)."""
    if targets is None or targets.empty:
        return []
    fail = targets[(targets["verdict"] == "fail") & targets["margin"].notna()].copy()
    if fail.empty:
        return [t("one_no_gaps", lang)]
    scale = fail["threshold"].abs().where(fail["threshold"].abs() > 0, 1.0)
    fail["short"] = fail["margin"].abs() / scale
    fail = fail.sort_values("short", ascending=False, kind="stable")
    out = []
    for _, rows in list(fail.groupby("target", sort=False))[:GAPS]:
        worst = rows.iloc[0]
        facilities = [s for s in dict.fromkeys(rows["scope"]) if s != REGION]
        if not facilities:  # a standard read for the region alone (a regional ratio)
            out.append(t("one_gap_region", lang, name=_target_name(worst, lang),
                         year=str(worst["year"]), reading=_reading(worst)))
            continue
        where = names.get(worst["scope"], worst["scope"])
        out.append(t("one_gap", lang, name=_target_name(worst, lang), where=where,
                     year=str(worst["year"]), reading=_reading(worst), n=len(facilities)))
    return out


def need_sentences(needs: pd.DataFrame | None, names: dict[str, str], lang: str) -> list[str]:
    """What the queueing estimate says each facility lacks, its largest shortfall of each
    resource over the years, the facilities short of most first (text)."""
    if needs is None:
        return []
    short = needs[needs["needed"] > needs["now"]].assign(
        gap=lambda d: d["needed"] - d["now"])
    if short.empty:
        return [t("one_needs_none", lang)]
    worst = (short.sort_values(["gap", "year"], ascending=[False, True], kind="stable")
             .drop_duplicates(["facility", "resource"]))
    per_facility: dict[str, list[str]] = {}
    for r in worst.itertuples(index=False):
        per_facility.setdefault(r.facility, []).append(
            t(f"one_need_{r.resource}", lang, needed=r.needed, now=r.now, year=r.year))
    parts = [names.get(fid, fid) + t("one_colon", lang) + t("one_comma", lang).join(items)
             for fid, items in list(per_facility.items())[:NEEDS_NAMED]]
    sentence = t("one_needs", lang, items=t("one_sep", lang).join(parts))
    if len(per_facility) > NEEDS_NAMED:
        sentence += t("one_needs_more", lang, n=len(per_facility) - NEEDS_NAMED)
    return [sentence]


def _target_name(row: pd.Series, lang: str) -> str:
    """A check row's target name in ``lang`` (the English one where no Chinese is given)."""
    name_zh = row["name_zh"]
    return name_zh if lang == "zh" and isinstance(name_zh, str) and name_zh \
        else str(row["name_en"])


def _reading(row: pd.Series) -> str:
    """A check row's reading against its threshold, "69.0% / >= 95.0%" (text)."""
    unit = str(row["unit"])
    nan = math.nan
    value = fmt_value(float(row["value"]), nan, nan, unit)
    threshold = fmt_value(float(row["threshold"]), nan, nan, unit) \
        if pd.notna(row["threshold"]) else "-"
    return f"{value} / {row['comparator']} {threshold}"


def one_page(targets: pd.DataFrame | None, needs: pd.DataFrame | None, names: dict[str, str],
             lang: str) -> dict[str, list[str]]:
    """The summary's sentences by part: ``verdicts``, ``gaps``, ``needs`` (text)."""
    return {"verdicts": verdict_sentences(targets, lang),
            "gaps": gap_sentences(targets, names, lang),
            "needs": need_sentences(needs, names, lang)}


def one_page_text(parts: dict[str, list[str]], lang: str) -> str:
    """The summary as plain text for a terminal: a heading per part, a sentence a line."""
    lines = [t("one_title", lang)]
    for key in ("verdicts", "gaps", "needs"):
        if parts[key]:
            lines.append(f"  {t(f'one_h_{key}', lang)}")
            lines += [f"    - {s}" for s in parts[key]]
    return "\n".join(lines)
