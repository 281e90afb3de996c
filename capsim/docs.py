"""The reference of scenario (and sweep) files, generated from their JSON Schema.

Never written by hand: ``python -m capsim.docs`` walks the schema that `capsim.schema`
generates from the pydantic models and writes, for each kind of file,
``docs/reference/<kind>.md`` (every field with its type, unit, default, allowed range and
description, in sections that follow the file: horizon, run, facilities, demand, pathway,
referral, policy, ...) and ``docs/reference/<kind>.schema.json``. A test fails when the
committed files differ from what the models give.

Units are read from the field descriptions: a unit is written in parentheses, for example
``"Travel time (minutes)."``, using one of the words in `UNITS`.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from capsim.schema import FILE_KINDS, file_kinds, json_schema, schema_text

#: Units a field description may state in parentheses; the reference shows them in their
#: own column. "no unit" marks a number that has none (a seed).
UNITS: tuple[str, ...] = (
    "days", "hours", "minutes", "calendar years", "calendar year", "years", "deliveries/year",
    "women", "beds", "persons", "theatres", "shifts", "share", "probability", "relative weight",
    "hour of day", "degrees", "factor", "rate per year", "births per 1,000 women a year",
    "replications", "count", "decimal places", "unit of the field", "unit of the scenario field",
    "unit of the metric", "per 1,000 deliveries", "persons/bed", "any unit", "no unit", "cots",
)

#: Where ``python -m capsim.docs`` writes, relative to the folder it runs in.
DEFAULT_OUT = Path("docs") / "reference"

REGENERATE = "python -m capsim.docs"

INTRO: dict[str, str] = {
    "scenario": (
        "A scenario file (YAML, or TOML) describes a region and a policy. The sections below "
        "follow the file from top to bottom; a field path such as `facilities[].beds` means "
        "the `beds` key of each item of the `facilities` list, and `<key>` stands for a key "
        "of a mapping (a risk colour, a facility id). A file may instead start with "
        "`extends: base.yaml` and write only what differs from its base (see "
        "[Writing scenario files](../scenarios.md))."
    ),
    "sweep": (
        "A sweep file (YAML) names the scenario parameters to vary, the outputs of interest "
        "and the method of a sensitivity analysis. The sections below follow the file."
    ),
}


@dataclass
class Row:
    """One field of the reference: where it is and what it accepts (all text)."""

    path: str
    type: str
    unit: str
    default: str
    allowed: str
    description: str


@dataclass
class Section:
    """The fields of one model, at the place where it occurs in the file."""

    heading: str
    model: str
    description: str
    level: int
    rows: list[Row] = field(default_factory=list)
    used_by: list[str] = field(default_factory=list)


def unit_of(description: str) -> str:
    """Return the unit stated in parentheses in a field description, or ''."""
    for inner in re.findall(r"\(([^()]*)\)", description or ""):
        if inner.strip() in UNITS:
            return inner.strip()
    return ""


def _ref_name(s: dict[str, Any]) -> str | None:
    if "$ref" in s:
        return s["$ref"].rsplit("/", 1)[-1]
    if len(s.get("allOf", ())) == 1:
        return _ref_name(s["allOf"][0])
    return None


def model_refs(s: dict[str, Any], suffix: str = "") -> list[tuple[str, str]]:
    """Models a field schema holds, each with the path suffix that reaches it: '' directly,
    '[]' for list items, '.<key>' for mapping values."""
    name = _ref_name(s)
    if name is not None:
        return [(name, suffix)]
    found: list[tuple[str, str]] = []
    for alt in [*s.get("anyOf", ()), *s.get("oneOf", ())]:
        found += model_refs(alt, suffix)
    if isinstance(s.get("items"), dict):
        found += model_refs(s["items"], suffix + "[]")
    for item in s.get("prefixItems", []):
        found += model_refs(item, suffix + "[]")
    if isinstance(s.get("additionalProperties"), dict):
        found += model_refs(s["additionalProperties"], suffix + ".<key>")
    return found


def _value_types(schema: dict[str, Any]) -> set[str]:
    """Models used by more than one field: documented once, in a section of their own."""
    uses: dict[str, int] = {}
    for model in [schema, *schema.get("$defs", {}).values()]:
        for prop in model.get("properties", {}).values():
            for name, _ in model_refs(prop):
                uses[name] = uses.get(name, 0) + 1
    return {name for name, n in uses.items() if n > 1}


def _json_type(s: dict[str, Any], value_types: set[str]) -> str:
    name = _ref_name(s)
    if name is not None:
        return name if name in value_types else "section (below)"
    alts = s.get("anyOf") or s.get("oneOf")
    if alts:
        parts = [_json_type(a, value_types) for a in alts if a.get("type") != "null"]
        nullable = any(a.get("type") == "null" for a in alts)
        return " or ".join(dict.fromkeys(parts)) + (" or null" if nullable else "")
    if "const" in s:
        return f"`{s['const']}`"
    t = s.get("type", "")
    if isinstance(t, list):
        return " or ".join(_json_type({**s, "type": x}, value_types) for x in t)
    if t == "string":
        return {"date": "date", "date-time": "date and time"}.get(s.get("format", ""), "text")
    if t == "array":
        if "prefixItems" in s:
            return "[" + ", ".join(_json_type(i, value_types) for i in s["prefixItems"]) + "]"
        return "list of " + _json_type(s.get("items", {}), value_types).replace(
            "section (below)", "items (below)")
    if t == "object":
        values = s.get("additionalProperties")
        if isinstance(values, dict):
            return "mapping of " + _json_type(values, value_types).replace(
                "section (below)", "sections (below)")
        return "mapping"
    return {"integer": "integer", "number": "number", "boolean": "true/false",
            "null": "null"}.get(t, "any")


def _number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _constraints(s: dict[str, Any]) -> list[str]:
    out = []
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"),
                      ("exclusiveMaximum", "<")):
        if key in s:
            out.append(f"{sign} {_number(s[key])}")
    if "enum" in s:
        out.append(", ".join(f"`{v}`" for v in s["enum"]))
    if "minLength" in s:
        out.append(f"at least {s['minLength']} character(s)")
    if "maxLength" in s:
        out.append(f"at most {s['maxLength']} characters")
    if "pattern" in s:
        out.append(f"pattern `{s['pattern']}`")
    lo, hi = s.get("minItems"), s.get("maxItems")
    if lo is not None and lo == hi:
        out.append(f"exactly {lo} items")
    else:
        if lo:
            out.append(f"at least {lo} item(s)")
        if hi is not None:
            out.append(f"at most {hi} items")
    keys = s.get("propertyNames", {})
    if "enum" in keys:
        out.append("keys: " + ", ".join(f"`{k}`" for k in keys["enum"]))
    elif "pattern" in keys:
        out.append(f"keys match `{keys['pattern']}`")
    for alt in [*s.get("anyOf", ()), *s.get("oneOf", ())]:
        out += _constraints(alt)
    if isinstance(s.get("items"), dict) and _ref_name(s["items"]) is None:
        out += [f"each {c}" for c in _constraints(s["items"])]
    values = s.get("additionalProperties")
    if isinstance(values, dict) and _ref_name(values) is None:
        out += [f"each value {c}" for c in _constraints(values)]
    return list(dict.fromkeys(out))


def _default(prop: dict[str, Any], required: bool, inline: bool) -> str:
    if required:
        return "required"
    if "default" not in prop:
        return "optional"
    if inline:
        return "as below"
    value = prop["default"]
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          sort_keys=False, width=10_000).strip()
    return f"`{text.removesuffix('...').strip()}`"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def build_sections(schema: dict[str, Any]) -> list[Section]:
    """Return the reference sections of a file schema: the top level, every nested model at
    its place in the file (depth first, in field order), then the value types used by several
    fields."""
    defs = schema.get("$defs", {})
    value_types = _value_types(schema)
    sections: list[Section] = []
    shared: dict[str, Section] = {}

    def visit(model: dict[str, Any], name: str, prefix: str, heading: str, level: int,
              seen: tuple[str, ...]) -> None:
        section = Section(heading, name, model.get("description", ""), level)
        sections.append(section)
        children = []
        required = set(model.get("required", ()))
        for key, prop in model.get("properties", {}).items():
            path = prefix + key
            refs = model_refs(prop)
            inline = [(n, sfx) for n, sfx in refs if n not in value_types and n not in seen]
            description = prop.get("description", "")
            if not description and len(inline) == 1:
                description = defs[inline[0][0]].get("description", "")
            section.rows.append(Row(
                path=path,
                type=_json_type(prop, value_types),
                unit=unit_of(description),
                default=_default(prop, key in required, bool(inline) and "$ref" in prop),
                allowed=", ".join(_constraints(prop)),
                description=description,
            ))
            for n, sfx in refs:
                if n in value_types:
                    shared.setdefault(n, Section(n, n, defs[n].get("description", ""), 2))
                    shared[n].used_by.append(path + sfx)
            children += [(n, path + sfx) for n, sfx in inline]
        for n, where in children:
            visit(defs[n], n, where + ".", where, 3 if "." in where or level > 2 else 2,
                  seen + (n,))

    visit(schema, schema.get("title", "file"), "", "Top level", 2, ())
    for n in shared:
        section = shared[n]
        start = len(sections)
        visit(defs[n], n, "", section.heading, 2, (n,))
        sections[start].used_by = section.used_by
    return sections


def render_reference(kind: str = "scenario") -> str:
    """Return the Markdown reference of files of ``kind`` (text)."""
    schema = json_schema(kind)
    model = FILE_KINDS[kind][0]
    lines = [
        f"# {kind.capitalize()} file reference",
        "",
        f"<!-- Generated by `{REGENERATE}` from `{model}`; do not edit by hand. -->",
        "",
        INTRO.get(kind, ""),
        "",
        "Columns: **type** of the value; **unit**; **default** (`required` when the field "
        "must be given, `as below` when the fields of the section have their own defaults); "
        "**allowed** values beyond the type; **description**, with the source of the "
        "default where it comes from published figures. The same rules, as JSON Schema for "
        f"an editor: [`{kind}.schema.json`]({kind}.schema.json) (or `capsim schema`).",
        "",
    ]
    lines += file_limits(kind)
    for section in build_sections(schema):
        title = section.heading if section.heading == "Top level" or section.used_by \
            else f"`{section.heading}`"
        if section.used_by:
            title += " (used by several fields)"
        lines += [f"{'#' * section.level} {title}", "", f"<!-- model: {section.model} -->", ""]
        if section.description:
            lines += [_cell(section.description), ""]
        if section.used_by:
            lines += ["Used by " + ", ".join(f"`{p}`" for p in section.used_by)
                      + ". Paths below are relative to each of them.", ""]
        lines += ["| field | type | unit | default | allowed | description |",
                  "|---|---|---|---|---|---|"]
        for r in section.rows:
            lines.append("| " + " | ".join(
                [f"`{r.path}`", _cell(r.type), _cell(r.unit), _cell(r.default),
                 _cell(r.allowed), _cell(r.description)]) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def file_limits(kind: str) -> list[str]:
    """Lines of the reference's section on what a file may be (`capsim.limits`): its
    size, encodings, nesting, aliases, ``extends`` chain, and the work of a run or sweep."""
    from capsim import limits

    lines = [
        "## Limits of a file",
        "",
        "A file past one of these limits is refused before anything is simulated, in one line "
        "naming the file, the field (or line) and the reason. The bounds of single fields "
        "are in the tables below (**allowed**).",
        "",
        f"- Size: at most {limits.MAX_FILE_BYTES // 2**20} MiB.",
        "- Encoding: UTF-8 (with or without a byte-order mark); UTF-16 or UTF-32 with a "
        "byte-order mark; GB18030, which includes GBK (a note on the error output says so). "
        "A file with NUL bytes is taken as binary and refused.",
        f"- Nesting: at most {limits.MAX_DEPTH} levels of mappings and lists.",
        f"- YAML aliases: at most {limits.MAX_VALUES:,} values once every alias is expanded "
        f"where it is used; at most {limits.MAX_MERGE_KEYS} merge keys (`<<`); a value may not "
        "contain itself.",
        "- YAML keys: a mapping may not repeat a key (the error gives the line of both).",
        "- Numbers: finite (`.nan` and `.inf` are refused); `true`/`false` and quoted numbers "
        "are not numbers; a whole number (beds, days) is written without a decimal point.",
        f"- Dates: real calendar days (`2016-02-30` is refused), the start in the years "
        f"{limits.FIRST_YEAR} to {limits.LAST_YEAR}.",
    ]
    if kind == "scenario":
        lines += [
            f"- `extends`: a chain of at most {limits.MAX_EXTENDS} files; a list merged by id "
            "may not repeat an id.",
            f"- Work of a run: about {limits.MAX_WOMEN_SIMULATED:,} women at most "
            "(deliveries a year x years x replications).",
        ]
    else:
        lines += [
            f"- Work of a sweep: at most {limits.MAX_POINTS:,} points, "
            f"{limits.MAX_RUNS:,} simulations (points x replications) and about "
            f"{limits.MAX_WOMEN_SIMULATED:,} women (the scenario's deliveries a year x years x "
            "simulations).",
        ]
    return [*lines, ""]


def generated_files() -> dict[str, str]:
    """Return every generated reference file: name (relative to docs/reference) -> text."""
    files = {}
    for kind in file_kinds():
        files[f"{kind}.md"] = render_reference(kind)
        files[f"{kind}.schema.json"] = schema_text(kind)
    return files


def write_reference(out_dir: str | Path = DEFAULT_OUT) -> list[Path]:
    """Write the generated reference files into ``out_dir``; return their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generated_files().items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def stale_files(out_dir: str | Path = DEFAULT_OUT) -> list[str]:
    """Return the names of generated files that are missing or differ in ``out_dir``."""
    out = Path(out_dir)
    return [name for name, text in generated_files().items()
            if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    """Regenerate (or, with --check, check) the reference; return the exit code."""
    p = argparse.ArgumentParser(prog=REGENERATE, description="Regenerate the scenario and "
                                "sweep file reference and their JSON Schema.")
    p.add_argument("--out", default=str(DEFAULT_OUT), metavar="DIR",
                   help=f"folder to write (default: {DEFAULT_OUT})")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 when a file is missing or out of date")
    args = p.parse_args(argv)
    if args.check:
        stale = stale_files(args.out)
        for name in stale:
            print(f"{Path(args.out) / name} is out of date: run `{REGENERATE}`", file=sys.stderr)
        return 1 if stale else 0
    for path in write_reference(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

