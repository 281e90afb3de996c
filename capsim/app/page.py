"""The what-if page of ``capsim app``, built on Shiny for Python.

The left column holds the what-if: per facility, from a chosen year, each capacity a policy
change can move and whether the facility delivers; region-wide, from a chosen year, births
growth, caesarean rates and the referral rule. Every change simulates the what-if against the
baseline with common random numbers (`capsim.app.answer`) and redraws the answer: the
standards' verdicts per year, the key readings with their 95% intervals (bed occupancy of
every facility, travel between facilities), every metric's difference, occupancy and the
flow map, and what sizing says is needed. The page saves the what-if as a file that extends
the baseline and hands out the HTML report. Every word comes from `capsim.i18n`.
"""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from capsim import metrics
from capsim.app.answer import TRAVEL_READINGS, Answer, answer, run
from capsim.app.edits import REFERRAL_RULES, Edits, facility_fields, has_field, in_force
from capsim.errors import CapsimError
from capsim.formatting import fmt_value
from capsim.i18n import LANGS, t
from capsim.results import REGION
from capsim.scenario import Scenario, load_scenario
from capsim.scenario.calendar import horizon_years

#: Characters a saved file's name keeps; any other becomes "-".
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-\u4e00-\u9fff]+")


def field_label(name: str, lang: str) -> str:
    """The heading of a facility input: the metric's heading for a capacity (text)."""
    if name in ("delivers", "special_cots", "intensive_cots"):
        return t(f"app_{name}", lang)
    return metrics.heading(name, lang) if name in metrics.METRICS else name


def input_id(year: int, index: int, name: str) -> str:
    """The id of the input of field ``name`` of facility ``index`` for ``year``: one set of
    inputs a year, so that a year's inputs never carry another year's values."""
    return f"y{year}_f{index}_{name}"


def saved_name(text: str, fallback: str) -> str:
    """A file name for a saved what-if: ``text`` with unsafe characters replaced, ending in
    .yaml (``fallback`` when nothing is left)."""
    stem = _UNSAFE.sub("-", Path(text or "").name).strip("-.") or fallback
    return stem if stem.endswith((".yaml", ".yml")) else f"{stem}.yaml"


def build_app(scenario_file: str | Path, lang: str = "en", replications: int | None = None,
              save_dir: str | Path | None = None) -> Any:
    """The Shiny application of the what-if page for ``scenario_file`` (validated first:
    raises ScenarioError). ``replications`` default to the scenario's; ``save_dir`` (default:
    the scenario's folder) is where "save this scenario" writes."""
    from shiny import App, reactive, render, ui

    scenario_file = Path(scenario_file)
    base = load_scenario(scenario_file)
    n = int(replications or base.run.replications)
    folder = Path(save_dir) if save_dir is not None else scenario_file.parent
    years = horizon_years(base.horizon)
    ids = [f.id for f in base.facilities]
    fields = facility_fields(base)
    shared: dict[str, Any] = {}

    app_ui = ui.page_sidebar(
        ui.sidebar(
            ui.input_radio_buttons("lang", None, {code: t("lang_name", code) for code in LANGS},
                                   selected=lang, inline=True),
            ui.input_select("year", t("app_facilities", lang), {str(y): str(y) for y in years}),
            ui.output_ui("controls"),
            ui.hr(),
            ui.input_text("save_name", t("app_save_name", lang),
                          value=f"{scenario_file.stem}-what-if.yaml"),
            ui.input_action_button("save", t("app_save", lang)),
            ui.output_ui("save_message"),
            ui.output_ui("report_button"),
            width=560, open="always",
        ),
        ui.output_ui("heading"),
        ui.navset_tab(
            ui.nav_panel(ui.output_text("tab_answer", inline=True),
                         ui.output_ui("changes"), ui.output_ui("key_readings"),
                         ui.output_ui("verdicts"), value="answer"),
            ui.nav_panel(ui.output_text("tab_differences", inline=True),
                         ui.input_select("facility", None,
                                         {REGION: REGION, **{i: i for i in ids}}),
                         ui.output_ui("differences"), value="differences"),
            ui.nav_panel(ui.output_text("tab_occupancy", inline=True),
                         ui.output_plot("occupancy_plot", height="420px"),
                         ui.output_plot("flow_plot", height="560px"), value="occupancy"),
            ui.nav_panel(ui.output_text("tab_sizing", inline=True),
                         ui.output_ui("sizing"), value="sizing"),
            id="tabs",
        ),
        window_title=f"capsim: {base.name}",
        lang=lang,
    )

    def server(input, output, session):
        state: reactive.Value[Edits] = reactive.value(Edits(region_year=None))
        saved: reactive.Value[str] = reactive.value("")

        def now_lang() -> str:
            return input.lang() if input.lang() in LANGS else lang

        # The year whose inputs are shown: set only when the year chosen differs, so that the
        # select sending the value it was drawn with redraws nothing.
        year_shown: reactive.Value[int] = reactive.value(years[0])

        def shown_year() -> int:
            return year_shown()

        @reactive.effect
        def _follow_year():
            if not input["year"].is_set():
                return
            try:
                year = int(input["year"]())
            except (TypeError, ValueError):
                return
            if year in years:
                year_shown.set(year)

        @reactive.calc
        def baseline():
            # One baseline for every browser tab: it never changes while the page is served.
            if "baseline" not in shared:
                with ui.Progress(min=0, max=n) as bar:
                    bar.set(0, message=t("app_baseline_running", now_lang()))
                    shared["baseline"] = run(base, n, base.run.seed,
                                             lambda done, _total: bar.set(done))
            return shared["baseline"]

        @reactive.calc
        def what_if() -> Scenario:
            return state().scenario(base)

        @reactive.calc
        def result() -> Answer:
            scen = what_if()
            ready = baseline()
            with ui.Progress(min=0, max=n) as bar:
                bar.set(0, message=t("app_running", now_lang()))
                return answer(ready, scen, lambda done, _total: bar.set(done))

        @reactive.effect
        def _relabel():
            code = now_lang()
            ui.update_select("year", label=t("app_facilities", code))
            ui.update_text("save_name", label=t("app_save_name", code))
            ui.update_action_button("save", label=t("app_save", code))

        @render.text
        def tab_answer():
            return t("app_tab_answer", now_lang())

        @render.text
        def tab_differences():
            return t("app_tab_differences", now_lang())

        @render.text
        def tab_occupancy():
            return t("app_tab_occupancy", now_lang())

        @render.text
        def tab_sizing():
            return t("app_tab_sizing", now_lang())

        @render.ui
        def controls():
            code, year = now_lang(), shown_year()
            with reactive.isolate():
                edits = state()
                current = _safe_scenario(edits, base)
            rows = []
            head = [ui.tags.th(t("facility", code))] + [
                ui.tags.th(field_label(name, code)) for name in fields]
            body = []
            for i, f in enumerate(base.facilities):
                cap = in_force(current, year, f.id)
                cells = [ui.tags.td(_facility_name(f, code))]
                for name in fields:
                    if not has_field(base, f.id, name):  # one bed pool: no delivery beds
                        cells.append(ui.tags.td("-"))
                        continue
                    if name == "delivers":
                        widget = ui.input_checkbox(input_id(year, i, name), None,
                                                   value=bool(cap.delivers))
                    else:
                        widget = ui.input_numeric(input_id(year, i, name), None,
                                                  value=getattr(cap, name), min=0, step=1,
                                                  width="4.6em")
                    cells.append(ui.tags.td(widget))
                body.append(ui.tags.tr(*cells))
            rows.append(ui.tags.table(ui.tags.thead(ui.tags.tr(*head)), ui.tags.tbody(*body),
                                      class_="table table-sm", id="facility-inputs"))
            rows += [
                ui.input_select("region_year", t("app_region", code),
                                {str(y): str(y) for y in years},
                                selected=str(edits.region_year or years[0])),
                ui.input_numeric("growth", t("app_growth", code),
                                 value=round(100 * edits.growth, 3), step=1),
                ui.input_numeric("caesarean", t("app_caesarean", code),
                                 value=round(100 * edits.caesarean, 3), step=5),
                ui.input_select("referral", t("app_referral", code),
                                {k: t(f"app_ref_{k}", code) for k in REFERRAL_RULES},
                                selected=edits.referral),
            ]
            return ui.TagList(*rows)

        @reactive.effect
        def _record():
            year = shown_year()
            with reactive.isolate():
                edits = state()
            for i, fid in enumerate(ids):
                for name in fields:
                    if not has_field(base, fid, name):
                        continue
                    cell = input[input_id(year, i, name)]
                    if not cell.is_set():
                        continue
                    value = cell()
                    if value is None or (name != "delivers" and not _whole(value)):
                        continue
                    value = bool(value) if name == "delivers" else int(value)
                    edits = edits.setting(year, fid, name, value, base)
            boxes = [input[k] for k in ("region_year", "growth", "caesarean", "referral")]
            region = (_region_edits(*(box() for box in boxes))
                      if all(box.is_set() for box in boxes) else None)
            if region is not None:
                edits = replace(edits, **region)
            with reactive.isolate():
                if edits != state():
                    state.set(edits)

        @render.ui
        def heading():
            code = now_lang()
            return ui.div(ui.h4(t("app_title", code, name=base.name)),
                          ui.p(t("app_method", code, n=n, seed=base.run.seed)))

        @render.ui
        def changes():
            code = now_lang()
            try:
                scen = what_if()
            except CapsimError as exc:
                return ui.div(t("app_invalid", code, error=str(exc)), class_="text-danger",
                              id="invalid")
            return ui.div(ui.h5(t("app_changes", code)),
                          _change_list(state(), scen, base, code), id="changes-list")

        @render.ui
        def key_readings():
            code = now_lang()
            res = _answer_or_none(result)
            if res is None:
                return ui.div()
            return ui.div(ui.h5(t("app_differences", code)),
                          ui.HTML(_key_table(res, base, years, code)), id="key-readings")

        @render.ui
        def verdicts():
            code = now_lang()
            res = _answer_or_none(result)
            if res is None:
                return ui.div()
            return ui.div(ui.h5(t("app_verdicts", code)),
                          ui.HTML(_verdict_table(res, base, years, code)), id="verdict-table")

        @render.ui
        def differences():
            code = now_lang()
            res = _answer_or_none(result)
            if res is None:
                return ui.div()
            return ui.HTML(_difference_table(res, input.facility(), years, code))

        @render.plot(alt="occupancy")
        def occupancy_plot():
            from capsim.plots import facility_names, occupancy_plot

            res = result()
            code, year = now_lang(), shown_year()
            results = res.what_if.results
            return occupancy_plot(results.summary(year=str(year)),
                                  facility_names(results.scenario, code), code,
                                  f"{base.name} {year}")

        @render.plot(alt="flow map")
        def flow_plot():
            from capsim.plots import flow_map

            res = result()
            results = res.what_if.results
            return flow_map(results.flow_summary(), results.scenario, lang=now_lang(),
                            replications=n)

        @render.ui
        def sizing():
            from capsim.sizing import size

            code = now_lang()
            scen = what_if()
            with ui.Progress(min=0, max=1) as bar:
                bar.set(0, message=t("app_sizing_running", code))
                found = size(scen, replications=n, seed=base.run.seed, workers=1,
                             progress=lambda done, total: bar.set(done / max(total, 1)))
            return ui.div(ui.p(t("app_sizing_note", code)),
                          ui.HTML(_sizing_table(found.requirements, scen, code)),
                          id="sizing-table")

        @reactive.effect
        @reactive.event(input.save)
        def _save():
            code = now_lang()
            name = saved_name(input.save_name(), f"{scenario_file.stem}-what-if.yaml")
            target = folder / name
            try:
                what_if().to_yaml(target, extends=scenario_file)
            except (CapsimError, OSError) as exc:
                saved.set(t("app_invalid", code, error=str(exc)))
                return
            saved.set(t("app_saved", code, path=str(target)))

        @render.ui
        def save_message():
            return ui.p(saved(), id="saved")

        @render.ui
        def report_button():
            return ui.download_button("report", t("app_report", now_lang()))

        @render.download_button(filename=lambda: f"{scenario_file.stem}-what-if-report.html")
        def report():
            from capsim.report import write_html

            results = result().what_if.results
            out = Path(tempfile.mkdtemp(prefix="capsim-app-")) / "report.html"
            write_html(results, out, lang=now_lang())
            return str(out)

    return App(app_ui, server)


def _answer_or_none(result) -> Answer | None:
    """The answer, or None while the what-if is not a valid scenario (the changes panel says
    why)."""
    try:
        return result()
    except CapsimError:
        return None


def _safe_scenario(edits: Edits, base: Scenario) -> Scenario:
    try:
        return edits.scenario(base)
    except CapsimError:
        return base


def _whole(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value == int(value) \
        and value >= 0


def _region_edits(year: Any, growth: Any, caesarean: Any, referral: Any) -> dict | None:
    """The region-wide fields of `Edits` from the inputs, or None while one is
    missing or not a number."""
    try:
        first, grow, change = int(year), float(growth) / 100, float(caesarean) / 100
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(grow) and math.isfinite(change)) or grow <= -1 or change <= -1 \
            or str(referral) not in REFERRAL_RULES:
        return None
    return {"region_year": first, "growth": grow, "caesarean": change,
            "referral": str(referral)}


def _facility_name(f, lang: str) -> str:
    return f.name_en if lang == "en" and f.name_en else f.name


def _names(scen: Scenario, lang: str) -> dict[str, str]:
    names = {f.id: _facility_name(f, lang) for f in scen.facilities}
    names[REGION] = t("region", lang)
    return names


def _change_list(edits: Edits, scen: Scenario, base: Scenario, lang: str):
    from shiny import ui

    if edits.empty:
        return ui.p(t("app_no_changes", lang))
    names = _names(base, lang)
    items = []
    for (year, fid, name), value in sorted(edits.capacity.items(),
                                           key=lambda kv: (kv[0][0], ids_order(base, kv[0][1]))):
        before = getattr(in_force(base, year, fid), name)
        items.append(ui.tags.li(f"{year}: {names[fid]}, {field_label(name, lang)}: "
                                f"{_shown(before, lang)} → {_shown(value, lang)}"))
    if edits.region_year is not None:
        if edits.growth:
            items.append(ui.tags.li(f"{edits.region_year}: {t('app_growth', lang)}: "
                                    f"{100 * edits.growth:+g}"))
        if edits.caesarean:
            items.append(ui.tags.li(f"{edits.region_year}: {t('app_caesarean', lang)}: "
                                    f"{100 * edits.caesarean:+g}"))
        if edits.referral != "scenario":
            items.append(ui.tags.li(f"{edits.region_year}: {t('app_referral', lang)}: "
                                    f"{t('app_ref_' + edits.referral, lang)}"))
    return ui.tags.ul(*items)


def ids_order(scen: Scenario, fid: str) -> int:
    """Position of facility ``fid`` in the scenario (for listing in the file's order)."""
    return [f.id for f in scen.facilities].index(fid)


def _shown(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return t("app_delivers", lang) + (" ✓" if value else " ✗")
    return str(value)


def _cell(row: pd.Series, unit: str) -> str:
    """A what-if value with its difference from the baseline and the difference's 95% CI."""
    what_if = fmt_value(row["scenario_mean"], math.nan, math.nan, unit)
    diff = fmt_value(row["mean"], row["ci_low"], row["ci_high"], unit)
    if not diff.startswith("-"):
        diff = "+" + diff
    return f"{what_if} ({diff})"


def _html_table(ident: str, headers: list[str], rows: list[list[str]]) -> str:
    from html import escape

    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return (f'<table id="{ident}" class="table table-sm table-striped">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _key_table(res: Answer, base: Scenario, years: list[int], lang: str) -> str:
    """Bed occupancy of each facility and the travel readings, per year: the what-if's
    value, and in brackets its difference from the baseline with its 95% interval."""
    names = _names(base, lang)
    d = res.differences
    occ = d[d["metric"] == "occupancy_mean"]
    rows = []
    for fid in [*names]:
        sub = occ[occ["facility"] == fid].set_index("year")
        if sub.empty or sub["scenario_mean"].isna().all():
            continue
        rows.append([names[fid], metrics.heading("occupancy_mean", lang),
                     *[_cell(sub.loc[str(y)], "share") if str(y) in sub.index else "-"
                       for y in years]])
    travel = res.travel.set_index(["metric", "year"])
    for reading in TRAVEL_READINGS:
        rows.append([names[REGION], t(f"app_{reading}", lang),
                     *[_cell(travel.loc[(reading, str(y))], "") if (reading, str(y))
                       in travel.index else "-" for y in years]])
    return _html_table("key-table", [t("facility", lang), t("app_reading", lang),
                                     *map(str, years)], rows)


def _verdict_word(verdict: Any, lang: str) -> str:
    key = {"pass": "check_pass", "fail": "check_fail", "uncertain": "check_uncertain"}.get(
        str(verdict), "check_not_applicable")
    return t(key, lang)


def _verdict_table(res: Answer, base: Scenario, years: list[int], lang: str) -> str:
    """One row per standard and scope, one column per year: the what-if's verdict, or
    "baseline → what-if" where the what-if changes it; rows with a change first."""
    names = _names(base, lang)
    v = res.verdicts
    v = v[v["verdict"] != "not applicable"]
    rows: list[list[str]] = []
    changed: list[list[str]] = []
    for (target, scope), group in v.groupby(["target", "scope"], sort=False):
        by_year = group.set_index("year")
        title = by_year["name_zh" if lang == "zh" else "name_en"].iloc[0] or target
        cells, moved = [], False
        for y in years:
            if y not in by_year.index:
                cells.append("-")
                continue
            row = by_year.loc[y]
            row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
            now = _verdict_word(row["verdict"], lang)
            before = _verdict_word(row["baseline_verdict"], lang)
            moved |= now != before
            cells.append(now if now == before else f"{before} → {now}")
        line = [str(title), names.get(str(scope), str(scope)), *cells]
        (changed if moved else rows).append(line)
    return _html_table("verdicts-table", [t("app_standard", lang), t("check_scope", lang),
                                          *map(str, years)], changed + rows)


def _difference_table(res: Answer, facility: str, years: list[int], lang: str) -> str:
    """Every facility metric of ``facility`` per year: baseline, what-if, difference [CI]."""
    d = res.differences
    d = d[(d["facility"] == facility) & (d["metric"].isin(metrics.FACILITY_METRICS))]
    rows = []
    for m in metrics.FACILITY_METRICS:
        unit = "share" if metrics.metric(m).kind == "share" else ""
        for _, row in d[d["metric"] == m].iterrows():
            rows.append([metrics.heading(m, lang), row["year"],
                         fmt_value(row["baseline_mean"], math.nan, math.nan, unit),
                         fmt_value(row["scenario_mean"], math.nan, math.nan, unit),
                         fmt_value(row["mean"], row["ci_low"], row["ci_high"], unit)])
    return _html_table("differences-table", [
        t("app_reading", lang), t("app_year", lang), t("app_baseline", lang),
        t("app_what_if", lang), t("app_difference", lang)], rows)


def _sizing_table(requirements: pd.DataFrame, scen: Scenario, lang: str) -> str:
    """Per facility, year and resource: the least capacity sizing found (head-counts for beds
    and midwives, theatres for theatres) and what the what-if has on 1 January."""
    names = _names(scen, lang)
    rows = []
    for _, r in requirements.iterrows():
        resource = str(r["resource"])
        need = r["needed"] if resource == "theatres" else r["headcount"]
        has = getattr(in_force(scen, int(r["year"]), str(r["facility"])), resource, None)
        rows.append([names.get(str(r["facility"]), str(r["facility"])), str(r["year"]),
                     field_label(resource, lang), str(need), "-" if has is None else str(has)])
    return _html_table("sizing-requirements", [
        t("facility", lang), t("app_year", lang), t("app_resource", lang),
        t("app_needed", lang), t("app_has", lang)], rows)
