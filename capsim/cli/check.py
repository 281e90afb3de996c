"""``capsim check SCENARIO``: judge a scenario against its standards and targets; exit 1 when
any target fails, so that scripts can gate on it."""

from __future__ import annotations

import argparse
import math
import textwrap
from pathlib import Path

import pandas as pd

from capsim import metrics
from capsim.cli import COMMANDS
from capsim.cli.common import add_lang_option, add_out_option, add_run_options
from capsim.formatting import fmt_value, text_columns
from capsim.i18n import CATALOGUE_NOTE_ZH, CATALOGUE_SOURCE_ZH, check_note_zh
from capsim.i18n import t as label

#: Files written into --out: the same table as CSV and as JSON.
OUT_FILES = ("check.csv", "check.json")
#: Ratios shown side by side (planned and simulated) after the verdicts, under their headings.
SHOWN_RATIOS = ("beds_per_1000_deliveries", "midwives_per_1000_deliveries",
                "obstetricians_per_bed")
SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the check command."""
    p = sub.add_parser(
        "check", help=COMMANDS["check"],
        description="Check a scenario against the catalogue of standards and its own targets: "
        "value, 95% interval, threshold, margin and verdict (pass, fail, uncertain, not "
        "applicable) per target, scope and year. Simulates only when a target needs a "
        "simulated reading. Exit 0 when no target fails, 1 when one does, 2 on bad input.")
    p.add_argument("scenario", help="scenario file (YAML or TOML)")
    add_lang_option(p)
    add_out_option(p, f"the table as {' and '.join(OUT_FILES)}", "print only")
    add_run_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check, print, write; return 1 when a target fails, else 0."""
    from capsim.scenario import load_scenario
    from capsim.targets import check, ratio_readings

    out = Path(args.out) if args.out else None
    if out is not None:
        from capsim.output import check_out_dir

        check_out_dir(out)
    scenario = load_scenario(args.scenario)
    results = _simulate_if_needed(scenario, args)
    table = check(scenario, results)
    print(format_check(table, scenario, args.lang))
    if results is not None:
        print("\n" + format_ratios(ratio_readings(scenario, results), scenario, args.lang))
    if out is not None:
        for name in OUT_FILES:
            write_table(table, out / name)
        print("\n" + label("wrote", args.lang, files=", ".join(OUT_FILES), folder=out))
    return 1 if (table["verdict"] == "fail").any() else 0


def _simulate_if_needed(scenario, args: argparse.Namespace):
    """Results of the scenario when a target needs simulated readings, else None."""
    from capsim.run import simulate
    from capsim.targets import needs_simulation

    if not needs_simulation(scenario):
        return None
    from capsim.cli.common import load_warnings_in, run_options

    with load_warnings_in(args.lang, scenario):
        return simulate(scenario, **run_options(args), progress=True)


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """Write the check table as CSV or JSON (a list of rows; NaN as null), by the suffix."""
    from capsim.output import write_csv, write_text

    if path.suffix.lower() == ".json":
        return write_text(path, table.to_json(orient="records", force_ascii=False, indent=2))
    return write_csv(table, path)


def format_check(table: pd.DataFrame, scenario, lang: str = "en") -> str:
    """The check table as text: one block per target with its rows, then the counts."""
    from capsim.plots import facility_names
    from capsim.scenario.calendar import horizon_years

    years = horizon_years(scenario.horizon)
    span = str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"
    lines = [label("check_title", lang, name=scenario.display_name(lang), years=span)]
    n = table.attrs.get("replications", 0)
    lines.append(label("check_simulated", lang, n=n, seed=table.attrs.get("seed"))
                 if n else label("check_planned_only", lang))
    names = facility_names(scenario, lang)
    for target, rows in table.groupby("target", sort=False):
        first = rows.iloc[0]
        name = first["name_zh"] if lang == "zh" else first["name_en"]
        reading = label(f"check_reading_{first['reading']}", lang)
        star = " *" if first["defaults"] else ""
        source, note = first["source"], first["source_note"]
        if lang == "zh":   # the catalogue's own words in Chinese; a local target keeps its file's
            source = CATALOGUE_SOURCE_ZH.get(target, source)
            note = CATALOGUE_NOTE_ZH.get(target, note)
        lines += ["", f"[{target}]{star} {name} — {_threshold(first, lang)}"
                      f"{label('one_comma', lang)}{reading}",
                  *_wrapped(f"{label('check_source', lang)}{label('one_colon', lang)}{source}",
                            note, lang)]
        if first["defaults"]:
            lines += _wrapped(label("check_defaults", lang, params=first["defaults"]), "", lang)
        shown = pd.DataFrame({
            label("check_scope", lang): [names.get(s, s) or "-" for s in rows["scope"]],
            label("year", lang): rows["year"],
            label("check_value", lang): [_value(r, lang) for r in rows.itertuples()],
            label("check_margin", lang): [_margin(r.margin, r.unit, lang)
                                          for r in rows.itertuples()],
            label("check_verdict", lang): [_verdict(v, lang) for v in rows["verdict"]],
        })
        if rows["note"].astype(bool).any():
            shown[label("check_note", lang)] = [check_note_zh(n) if lang == "zh" else n
                                                for n in rows["note"]]
        lines.append(textwrap.indent(_to_string(shown), "  "))
    counts = table["verdict"].value_counts()
    on_defaults = int((table["defaults"].astype(bool) & (table["verdict"] != "not applicable")
                       ).sum())
    if on_defaults:
        lines += ["", label("check_defaults_count", lang, n=on_defaults)]
    lines += ["", label("check_counts", lang, n_pass=counts.get("pass", 0),
                        n_fail=counts.get("fail", 0), n_uncertain=counts.get("uncertain", 0),
                        n_na=counts.get("not applicable", 0))]
    return "\n".join(lines)


def format_ratios(ratios: pd.DataFrame, scenario, lang: str = "en") -> str:
    """Planned and simulated ratios side by side, one line per year and scope (text)."""
    from capsim.plots import facility_names

    names = facility_names(scenario, lang)
    ratios = ratios[ratios["metric"].isin(SHOWN_RATIOS)]
    rows = []
    for (year, scope), g in ratios.groupby(["year", "scope"], sort=False):
        row = {label("year", lang): year, label("check_scope", lang): names.get(scope, scope)}
        for r in g.itertuples():
            planned = "-" if math.isnan(r.planned) else f"{r.planned:.4g}"
            sim = fmt_value(r.simulated, r.ci_low, r.ci_high, r.unit)
            row[metrics.heading(r.metric, lang)] = f"{planned} -> {sim}"
        rows.append(row)
    return label("check_ratios", lang) + "\n" + textwrap.indent(
        _to_string(pd.DataFrame(rows)), "  ")


def _to_string(df: pd.DataFrame) -> str:
    with pd.option_context("display.unicode.east_asian_width", True, "display.width", 200,
                           "display.max_colwidth", 120):
        return df.to_string(index=False)


def _wrapped(first: str, note: str, lang: str = "en") -> list[str]:
    if lang == "zh":
        return _wrapped_by_columns(first + (f"（{note}）" if note else ""), 100)
    text = first + (f" ({note})" if note else "")
    return textwrap.wrap(text, 100, initial_indent="  ", subsequent_indent="    ")


def _wrapped_by_columns(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal columns (a Chinese character takes
    two), indented as `_wrapped` indents: a line breaks between Chinese characters or at a
    space, never inside a word of Latin letters or digits."""
    import re

    lines, line, indent = [], "", "  "
    for piece in re.findall(r"[!-~]+| +|.", text):
        if line and text_columns(indent + line + piece) > width:
            lines.append(indent + line.rstrip())
            line, indent = "", "    "
            if piece.isspace():
                continue
        line += piece
    if line.strip():
        lines.append(indent + line.rstrip())
    return lines


def _threshold(row, lang: str) -> str:
    if row["comparator"] in ("falling", "rising"):
        return label(f"check_{row['comparator']}", lang)
    t = row["threshold"]
    shown = f"{100 * t:g}%" if row["unit"] == "share" else f"{t:g}"
    return f"{SYMBOLS[row['comparator']]} {shown}"


def _value(r, lang: str = "en") -> str:
    if isinstance(r.value, float) and math.isnan(r.value):
        return "-"
    if r.comparator in ("falling", "rising") and r.unit == "share":
        # A change of a share, in percentage points.
        return _margin(r.value, r.unit, lang) + f" [{100 * r.ci_low:+.1f}, {100 * r.ci_high:+.1f}]"
    if r.unit != "share" and math.isnan(r.ci_low):
        return f"{r.value:.4g}"
    return fmt_value(r.value, r.ci_low, r.ci_high, r.unit)


def _margin(m: float, unit: str, lang: str = "en") -> str:
    if isinstance(m, float) and math.isnan(m):
        return "-"
    return label("check_points", lang, value=f"{100 * m:+.1f}") if unit == "share" \
        else f"{m:+.4g}"


def _verdict(v: str, lang: str) -> str:
    return label("check_" + v.replace(" ", "_"), lang)
