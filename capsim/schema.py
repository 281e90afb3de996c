"""JSON Schema of the files a planner writes by hand (scenario and sweep files).

The schema is generated from the same pydantic models that validate the files, so an editor
with YAML support (the ``# yaml-language-server: $schema=...`` modeline, or VS Code's
``yaml.schemas`` setting) completes field names, shows each field's description, unit and
default on hover, and underlines an unknown field or a value out of range while the planner
types. ``capsim schema --out DIR`` writes the files; `capsim.docs` renders the same
schema as the Markdown reference.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from capsim.errors import CapsimError
from capsim.output import check_out_dir, write_text

#: Kind of file -> (model that validates it as "module:Class", title of its schema).
FILE_KINDS: dict[str, tuple[str, str]] = {
    "scenario": ("capsim.scenario.models:Scenario", "capsim scenario file"),
    "sweep": ("capsim.sweep.spec:SweepSpec", "capsim sweep file"),
}

#: Kinds of file that may ``extends:`` another file, and the module that merges them.
EXTENDABLE: dict[str, str] = {"scenario": "capsim.scenario.extends"}

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _WithFactoryDefaults(GenerateJsonSchema):
    """Schema generator that also states defaults given by a factory (pydantic leaves them
    out), so that every optional field shows its default in the editor and the reference."""

    def get_default_value(self, schema: Any) -> Any:
        factory = schema.get("default_factory")
        if factory is not None and not schema.get("default_factory_takes_data"):
            return factory()
        return super().get_default_value(schema)


def file_kinds() -> tuple[str, ...]:
    """Return the kinds of file that have a schema: those of `FILE_KINDS` whose module
    is part of this installation (a module that exists but fails to import is an error)."""
    return tuple(kind for kind, (target, _) in FILE_KINDS.items()
                 if importlib.util.find_spec(target.partition(":")[0]) is not None)


def file_model(kind: str) -> type[BaseModel]:
    """Return the pydantic model that validates files of ``kind``."""
    if kind not in FILE_KINDS:
        raise CapsimError(f"no schema for {kind!r} files (known: {', '.join(FILE_KINDS)})")
    module, _, name = FILE_KINDS[kind][0].partition(":")
    return getattr(importlib.import_module(module), name)


def json_schema(kind: str = "scenario") -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of files of ``kind``, as a JSON-ready dict."""
    schema = file_model(kind).model_json_schema(schema_generator=_WithFactoryDefaults)
    head = {"$schema": JSON_SCHEMA_DIALECT, "title": FILE_KINDS[kind][1]}
    return head | {k: v for k, v in schema.items() if k not in head}


def file_schema(kind: str = "scenario") -> dict[str, Any]:
    """Return the JSON Schema of a file of ``kind`` as written, for editors.

    It is `json_schema`, except for a kind whose files may extend another: a file
    with an ``extends`` key is checked against a partial schema (every field optional, and
    ``key+`` beside each list to append to the base's list), since the merged scenario is
    validated only when it is loaded.
    """
    full = json_schema(kind)
    module = EXTENDABLE.get(kind)
    if module is None or importlib.util.find_spec(module) is None:
        return full
    merging = importlib.import_module(module)
    head = {k: full[k] for k in ("$schema", "title")}
    body = {k: v for k, v in full.items() if k not in head and k != "$defs"}
    redirect = (merging.APPEND_SUFFIX, "#/$defs/", "#/$defs/partial-")
    partial = _partial(body, *redirect)
    partial["properties"] = {merging.EXTENDS_KEY: {
        "type": "string", "description": "Scenario file that this file extends and overrides "
        "(a path relative to this file)."}} | partial["properties"]
    partial["required"] = [merging.EXTENDS_KEY]
    return head | {
        "$defs": full["$defs"] | {f"partial-{name}": _partial(d, *redirect)
                                  for name, d in full["$defs"].items()},
        "if": {"required": [merging.EXTENDS_KEY]},
        "then": partial,
        "else": body,
    }


def _partial(node: Any, append: str, ref_from: str = "", ref_to: str = "") -> Any:
    """A copy of a schema node with no required fields, minimum counts of items dropped,
    ``key+`` beside every list property, and references redirected to partial models."""
    if isinstance(node, list):
        return [_partial(x, append, ref_from, ref_to) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _partial(v, append, ref_from, ref_to) for k, v in node.items()
           if k not in ("required", "minItems") or not isinstance(v, (list, int))}
    if ref_from and isinstance(out.get("$ref"), str):
        out["$ref"] = out["$ref"].replace(ref_from, ref_to, 1)
    props = out.get("properties")
    if isinstance(props, dict) and all(isinstance(v, dict) for v in props.values()):
        for key, prop in list(props.items()):
            if _is_list(prop):
                props[key + append] = prop | {"description": f"Items appended to the base "
                                              f"file's '{key}'."}
    return out


def _is_list(prop: dict[str, Any]) -> bool:
    return prop.get("type") == "array" or any(a.get("type") == "array"
                                              for a in prop.get("anyOf", ()))


def schema_text(kind: str = "scenario") -> str:
    """Return the JSON Schema of a file of ``kind`` as the text written to
    ``<kind>.schema.json``."""
    return json.dumps(file_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind of file into ``out_dir``; return the paths."""
    out = check_out_dir(out_dir)
    return [write_text(out / f"{kind}.schema.json", schema_text(kind)) for kind in file_kinds()]
