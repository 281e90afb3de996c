"""The scenario and sweep file reference is generated from the models, covers every field,
states units, and is committed up to date."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from capsim.docs import REGENERATE, build_sections, render_reference, stale_files, unit_of
from capsim.schema import _WithFactoryDefaults, file_kinds, json_schema

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "reference"
HOW = f"run `{REGENERATE}` from the repository root and commit docs/reference/"


def schema_fields(schema: dict) -> dict[str, set[str]]:
    """Every object of a JSON Schema (by title, the root by the schema title) with its
    property names, found by walking the root and every definition."""
    objects = {schema["title"]: schema, **{name: d for name, d in schema.get("$defs", {}).items()
                                           if d.get("type") == "object"}}
    return {name: set(obj.get("properties", {})) for name, obj in objects.items()}


def reference_rows(text: str) -> dict[str, set[str]]:
    """Field names listed in each model's section of a rendered reference, by model."""
    rows: dict[str, set[str]] = {}
    model = None
    for line in text.splitlines():
        m = re.match(r"<!-- model: (.+) -->$", line)
        if m:
            model = m.group(1)
            rows.setdefault(model, set())
            continue
        m = re.match(r"\| `([^`]+)` \|", line)
        if m and model is not None:
            rows[model].add(re.split(r"[.\]]", m.group(1))[-1])
    return rows


def test_reference_lists_every_field_of_the_schema():
    for kind in file_kinds():
        text = (REFERENCE / f"{kind}.md").read_text(encoding="utf-8")
        listed = reference_rows(text)
        for model, fields in schema_fields(json_schema(kind)).items():
            missing = fields - listed.get(model, set())
            assert not missing, (f"docs/reference/{kind}.md lacks {model} field(s) "
                                 f"{sorted(missing)}: {HOW}")


def test_committed_reference_is_what_the_models_generate():
    stale = stale_files(REFERENCE)
    assert not stale, f"docs/reference/{', '.join(stale)} out of date with the models: {HOW}"


def test_every_field_has_a_description_and_every_number_a_unit():
    problems = []
    for kind in file_kinds():
        for section in build_sections(json_schema(kind)):
            for row in section.rows:
                numeric = re.search(r"\b(number|integer)\b", row.type) or \
                    row.type == "Distribution"
                if not row.description:
                    problems.append(f"{kind}: {row.path}: add a description")
                elif numeric and "(below)" not in row.type and not row.unit:
                    problems.append(f"{kind}: {row.path}: state its unit in parentheses in "
                                    "the description, one of capsim.docs.UNITS")
    assert not problems, "\n".join(problems)


def test_unit_is_read_from_a_known_word_in_parentheses():
    assert unit_of("Travel time for pairs not listed (minutes). 48-84 min (Wu X 2017).") \
        == "minutes"
    assert unit_of("Length, instead of years (days).") == "days"
    assert unit_of("Length in days (instead of years).") == ""
    assert unit_of("") == ""


class Dist(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mean: float = Field(..., gt=0, description="Mean (unit of the field).")


class Ward(BaseModel):
    """A ward."""

    model_config = ConfigDict(extra="forbid")
    beds: int = Field(4, ge=0, le=50, description="Beds (beds).")
    kind: Literal["a", "b"] = Field("a", description="Kind.")
    stay: Dist = Field(Dist(mean=2.0), description="Stay (days).")


class Toy(BaseModel):
    """A toy file."""

    model_config = ConfigDict(extra="forbid", title="toy file")
    name: str = Field(..., description="Name.")
    wards: tuple[Ward, ...] = Field(..., description="Wards.")
    labour: Dist = Field(..., description="Labour (hours).")
    shares: dict[Literal["x", "y"], float] = Field(
        default_factory=lambda: {"x": 0.5, "y": 0.5}, description="Shares (share).")


def test_sections_follow_the_file_and_rows_carry_type_unit_default_and_range():
    schema = Toy.model_json_schema(schema_generator=_WithFactoryDefaults)
    sections = build_sections(schema)
    assert [s.heading for s in sections] == ["Top level", "wards[]", "Dist"]
    rows = {r.path: r for s in sections for r in s.rows}
    assert rows["name"].default == "required"
    assert rows["wards"].type == "list of items (below)"
    assert rows["wards[].beds"].unit == "beds"
    assert rows["wards[].beds"].default == "`4`"
    assert rows["wards[].beds"].allowed == "≥ 0, ≤ 50"
    assert rows["wards[].kind"].allowed == "`a`, `b`"
    assert rows["wards[].stay"].type == "Dist"
    assert rows["wards[].stay"].default == "`{mean: 2.0}`"
    assert rows["shares"].default == "`{x: 0.5, y: 0.5}`"  # from the default factory
    assert rows["shares"].allowed == "keys: `x`, `y`"
    assert rows["mean"].allowed == "> 0"
    assert sections[-1].used_by == ["labour", "wards[].stay"]


def test_reference_names_the_command_that_regenerates_it():
    for kind in file_kinds():
        assert REGENERATE in render_reference(kind)
