"""Every parameter of a scenario with its value and its source or stated assumption.

The validated scenario (defaults filled in) is flattened into one row per parameter, named by
the field path used in error messages (``facilities[county-hospital].beds``). A parameter
written in the scenario file takes its source from the file's comments
(`capsim.report.comments`); a parameter left to capsim's default takes the field's
documentation, which cites the published figure behind the default where there is one.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from capsim.report.comments import FileComments, ancestors, read_file_comments
from capsim.scenario.models import Scenario

#: Columns of the parameter table.
COLUMNS = ("parameter", "value", "given", "source", "source_at", "documentation")


def flatten(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every leaf of a dumped scenario: mappings by key, lists of mappings by
    their ``id`` (or index), lists of plain values and empty collections as one leaf."""
    if isinstance(value, dict) and value:
        out = []
        for key, v in value.items():
            out += flatten(v, f"{path}.{key}" if path else str(key))
        return out
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        out = []
        for i, item in enumerate(value):
            name = item.get("id", i)
            out += flatten(item, f"{path}[{name}]")
        return out
    return [(path, value)]


def format_value(value: Any) -> str:
    """A parameter value as text: lists comma-separated, None as "-", empty as "none"."""
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "none" if not value else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).strip()


def _parts(path: str) -> list[str]:
    """Split ``a.b[x].c`` into a, b, [x], c."""
    out: list[str] = []
    for chunk in path.split("."):
        while "[" in chunk:
            head, _, rest = chunk.partition("[")
            if head:
                out.append(head)
            item, _, chunk = rest.partition("]")
            out.append(f"[{item}]")
        if chunk:
            out.append(chunk)
    return out


def _inner(annotation: Any) -> Any:
    """The model or element type inside an annotation (Optional, tuple[X, ...], dict[K, X])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = [a for a in typing.get_args(annotation) if a is not type(None) and a is not Ellipsis]
    if typing.get_origin(annotation) is dict and len(args) == 2:
        return args[1]
    return args[0] if len(args) == 1 else annotation


def field_documentation(path: str, model: type[BaseModel] = Scenario) -> str:
    """The documentation of the field at ``path`` of ``model``: its description, preceded by
    that of the field holding it when it is part of a distribution or a per-colour table."""
    current: Any = model
    docs: list[str] = []
    for part in _parts(path):
        if isinstance(current, type) and issubclass(current, BaseModel) and \
                part in current.model_fields:
            info = current.model_fields[part]
            docs.append(info.description or "")
            current = info.annotation
        for _ in range(4):   # unwrap Optional, tuples and dicts down to a model
            inner = _inner(current)
            if inner is current:
                break
            current = inner
    docs = [d for d in docs if d]
    if len(docs) >= 2 and (path.endswith((".mean", ".sd", ".dist")) or len(docs[-1]) < 40):
        return f"{docs[-2]} {docs[-1]}"
    return docs[-1] if docs else ""


def given_paths(raw: dict[str, Any]) -> set[str]:
    """Paths written in a scenario mapping, leaves and their parents."""
    return {p for path, _ in flatten(raw) for p in ancestors(path)}


def chain_comments(scenario_file: str | Path) -> FileComments:
    """Comments of a scenario file and of the files it ``extends``: a path documented in
    the file itself keeps the file's comment; the header is the file's own."""
    from capsim.scenario.extends import EXTENDS_KEY
    from capsim.scenario.loader import read_mapping

    path = Path(scenario_file)
    merged = FileComments()
    seen: set[Path] = set()
    while path.is_file() and path.resolve() not in seen:
        seen.add(path.resolve())
        found = read_file_comments(path)
        merged.header = merged.header or found.header
        for key, lines in found.own.items():
            merged.own.setdefault(key, lines)
        ref = read_mapping(path).get(EXTENDS_KEY)
        if not isinstance(ref, str):
            break
        path = path.parent / ref
    return merged


def parameter_table(scenario: Scenario, scenario_file: str | Path | None = None,
                    raw: dict[str, Any] | None = None,
                    comments: FileComments | None = None) -> pd.DataFrame:
    """One row per parameter of ``scenario``: parameter (field path), value (text), given
    ("file": written in the scenario file or a file it extends; "default": capsim's default),
    source (the file's comment for the parameter or its nearest documented parent; "" when
    the file states none), source_at (the path that comment was written at) and
    documentation (the field's description, which cites the figure behind a default).

    ``raw`` is the file's mapping (read from ``scenario_file`` when not given) and ``comments``
    its comments (likewise). ``targets`` are listed by the targets table, not here."""
    if scenario_file is not None:
        if raw is None:
            from capsim.scenario.extends import read_extended

            raw, _ = read_extended(scenario_file)
        if comments is None:
            comments = chain_comments(scenario_file)
    comments = comments or FileComments()
    written = given_paths(raw) if raw is not None else set()
    rows = []
    dumped = scenario.model_dump(mode="json", exclude={"targets"})
    for path, value in flatten(dumped):
        in_file = path in written
        lines, at = comments.for_path(path)
        if not in_file and at != path:
            lines, at = [], None   # a default is documented by capsim, not by the file
        rows.append({"parameter": path, "value": format_value(value),
                     "given": "file" if in_file else "default", "source": " ".join(lines),
                     "source_at": at or "", "documentation": field_documentation(path)})
    return pd.DataFrame(rows, columns=list(COLUMNS))


#: A facility's parameter in the table: ``facilities[<id>].<field>``.
_FACILITY_PARAMETER = re.compile(r"facilities\[(?P<id>[^\]]+)\]\.(?P<field>.+)")


def collapse_facilities(params: pd.DataFrame) -> pd.DataFrame:
    """`parameter_table` with a facility parameter that several facilities give alike
    (the same value, given the same way, from the same source) shown once, as
    ``facilities[a, b, c].field``, at the place of its first facility. Rows of other
    parameters, and values a facility gives alone, are kept as they are."""
    groups: dict[tuple, list[int]] = {}
    ids: dict[int, str] = {}
    for i, r in enumerate(params.itertuples(index=False)):
        m = _FACILITY_PARAMETER.fullmatch(str(r.parameter))
        if m is None:
            continue
        ids[i] = m["id"]
        source_at = str(r.source_at or "").replace(f"[{m['id']}]", "[]")
        key = (m["field"], r.value, r.given, r.source, source_at)
        groups.setdefault(key, []).append(i)
    rows = params.to_dict("records")
    drop: set[int] = set()
    for (fld, *_), members in groups.items():
        if len(members) < 2:
            continue
        first = rows[members[0]]
        joined = f"facilities[{', '.join(ids[i] for i in members)}]"
        if first["source_at"]:
            first["source_at"] = re.sub(r"^facilities\[[^\]]+\]", joined, first["source_at"])
        first["parameter"] = f"{joined}.{fld}"
        drop.update(members[1:])
    return pd.DataFrame([r for i, r in enumerate(rows) if i not in drop],
                        columns=params.columns)
