"""Reading scenario files: YAML (or TOML) to a validated `Scenario`, with errors that
name the file, the field path (facilities by their id) and the reason."""

from __future__ import annotations

import difflib
import sys
import tomllib
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from capsim import limits
from capsim.errors import LINE_CHARS, SHOWN_CHARS, ScenarioError, clipped, shown
from capsim.scenario.decoding import decode
from capsim.scenario.models import Scenario
from capsim.scenario.yaml_reader import check_shape, load_yaml

M = TypeVar("M", bound=BaseModel)


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Return the top-level mapping of a YAML or TOML file, or raise ScenarioError.

    The file is bounded before it is read (`capsim.limits`: its size, its nesting, the
    values its YAML aliases expand to), read as UTF-8, UTF-16 or GB18030 (a note on stderr
    says which when it is not UTF-8), and a YAML mapping may not repeat a key."""
    path = Path(path)
    source = str(path)
    raw = _read_bytes(path, source)
    text, encoding = decode(raw, source)
    if encoding is not None:
        print(f"note: {clipped(source, LINE_CHARS)} is not UTF-8; read it as {encoding}",
              file=sys.stderr)
    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [(where, f"not valid YAML: {problem}")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, [("", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        raise ScenarioError(source, [("", f"nested more than {limits.MAX_DEPTH} levels "
                                          "deep")]) from None
    problem = check_shape(data)
    if problem:
        raise ScenarioError(source, [("", problem)])
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", "the file must hold a mapping of fields (key: value)")])
    return data


def _read_bytes(path: Path, source: str) -> bytes:
    """The bytes of the file, refused past `capsim.limits.MAX_FILE_BYTES` before they
    are read."""
    try:
        with path.open("rb") as f:
            raw = f.read(limits.MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(source, [("", "file not found")]) from None
    except IsADirectoryError:
        raise ScenarioError(source, [("", "is a folder, not a file")]) from None
    except OSError as exc:
        raise ScenarioError(source, [("", f"cannot read the file ({exc.strerror})")]) from None
    except ValueError as exc:  # a NUL character in the name
        raise ScenarioError(source, [("", f"cannot read the file ({exc})")]) from None
    if len(raw) > limits.MAX_FILE_BYTES:
        raise ScenarioError(source, [("", f"the file is larger than "
                                          f"{limits.MAX_FILE_BYTES // 2**20} MiB, the most a "
                                          "scenario or sweep file may be")])
    return raw


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; return the frozen `Scenario`.

    Raises `ScenarioError` naming the file, field and reason of every
    problem found, before anything is simulated. A file that says ``extends: base.yaml`` is
    merged onto its base first (see `capsim.scenario.extends`).
    """
    from capsim.scenario.extends import read_extended  # it reads files through this module

    data, source = read_extended(path)
    return validate_scenario(data, source=source)


def validate_scenario(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """Validate a mapping as a scenario; return it or raise ScenarioError naming ``source``."""
    return validate_model(Scenario, data, source)


def validate_model(model: type[M], data: dict[str, Any], source: str) -> M:
    """Validate ``data`` as ``model``; raise ScenarioError with readable field paths."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, readable_problems(exc, data, model)) from None


def readable_problems(
    exc: ValidationError, data: Any, model: type[BaseModel]
) -> list[tuple[str, str]]:
    """Turn pydantic errors into (field path, reason) pairs a planner can act on."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path = field_path(loc, data)
        reason = err["msg"]
        if reason.startswith("Value error, "):
            reason = reason[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            reason = _unknown_key_reason(loc, model)
        elif err["type"] == "missing":
            reason = "required field is missing"
        elif "input" in err and err["type"] not in ("value_error", "assertion_error"):
            reason = f"{reason} (got {shown(err['input'])})"
        problems.append((path, reason))
    return problems


def field_path(loc: tuple[Any, ...], data: Any) -> str:
    """Render a pydantic location as ``facilities[county-hospital].beds``: list items that
    carry an ``id`` are named by it, other items by their index."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict) and "id" in item:
                parts.append(f"[{clipped(str(item['id']))}]")
            else:
                parts.append(f"[{key}]")
            node = item
        else:
            if key in ("function-after", "function-before") or "[" in str(key):
                continue
            parts.append(("." if parts else "") + clipped(str(key)))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts)


def _unknown_key_reason(loc: tuple[Any, ...], model: type[BaseModel]) -> str:
    key = str(loc[-1])[:SHOWN_CHARS]
    allowed = _fields_at(model, loc[:-1])
    hint = ""
    if allowed:
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
    return f"unknown field {shown(key)}{hint}"


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by following ``loc`` from ``model`` (best effort)."""
    import typing

    current: Any = model
    for key in loc:
        if isinstance(key, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            if isinstance(key, int):
                continue
            return []
        field = current.model_fields.get(str(key))
        if field is None:
            # dict value types, e.g. eligibility.<colour>
            return []
        current = _model_in(field.annotation, typing)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _model_in(annotation: Any, typing: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg, typing)
        if found is not None:
            return found
    return None
