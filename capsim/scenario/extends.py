"""Scenario files that extend another, so that a plan is a short file on top of a baseline.

A file that says ``extends: base.yaml`` (a path relative to the file) starts from the base's
mapping, itself possibly extending another, and overrides it:

- mappings merge key by key, recursively;
- lists of mappings that all carry an ``id`` (such as ``facilities``) merge by id: an item with
  a known id overrides that item's fields, an item with a new id is appended;
- a key written with a trailing ``+`` (``policy+:``) appends its list to the base's list;
- any other value (a number, a string, a list without ids, ``null``) replaces the base's.

The merged mapping is then validated like any scenario, with errors naming the file. A chain
of files is at most `capsim.limits.MAX_EXTENDS` long, and a list merged by id may not
repeat an id (in the base or in the file that overrides it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from capsim import limits
from capsim.errors import ScenarioError, shown
from capsim.scenario.loader import read_mapping

EXTENDS_KEY = "extends"
APPEND_SUFFIX = "+"


def read_extended(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a scenario file and the files it extends; return the merged mapping and the name
    to give in errors (the file, and the chain of files it extends)."""
    data, chain = _read_chain(Path(path), [])
    source = str(path)
    if len(chain) > 1:
        source += " (extends " + " → ".join(str(p) for p in chain[1:]) + ")"
    return data, source


def extends_chain(path: str | Path) -> list[Path]:
    """The scenario file ``path`` followed by the files it extends, nearest first (paths as
    the file names them, relative to the file that names them). Raises ScenarioError as
    `read_extended` does."""
    return _read_chain(Path(path), [])[1]


def _read_chain(path: Path, seen: list[Path]) -> tuple[dict[str, Any], list[Path]]:
    data = read_mapping(path)
    ref = data.pop(EXTENDS_KEY, None)
    if ref is None:
        return data, [path]
    if not isinstance(ref, str) or not ref.strip() or "\x00" in ref:
        raise ScenarioError(str(path), [(EXTENDS_KEY, "must be the name of a scenario file, "
                                                      "relative to this file")])
    base = path.parent / ref
    here = [*seen, path]
    if len(here) >= limits.MAX_EXTENDS:
        raise ScenarioError(str(path), [(EXTENDS_KEY, f"a chain of more than "
                                                      f"{limits.MAX_EXTENDS} files extending "
                                                      "each other")])
    try:
        resolved = base.resolve(strict=True)
        looping = any(resolved == p.resolve() for p in here)
        found = base.is_file()
    except (OSError, RuntimeError):  # a missing file, or a loop of symbolic links
        looping, found = False, False
    if looping:
        loop = " → ".join(str(p) for p in [*here, base])
        raise ScenarioError(str(path), [(EXTENDS_KEY, f"a cycle of extends: {loop}")])
    if not found:
        raise ScenarioError(str(path), [(EXTENDS_KEY, f"the base file {shown(ref)} is not "
                                                      f"found, or not a readable file "
                                                      f"(looked for {base})")])
    base_data, chain = _read_chain(base, here)
    try:
        merged = merge(base_data, data)
    except ValueError as exc:
        raise ScenarioError(str(path), [("", str(exc))]) from None
    return merged, [path, *chain]


def merge(base: Any, override: Any, where: str = "") -> Any:
    """Return ``base`` overridden by ``override`` by the rules of this module (new objects;
    neither argument is modified). Raises ValueError naming the field of a misused ``+``."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            name = str(key)
            if name.endswith(APPEND_SUFFIX):
                plain = name[: -len(APPEND_SUFFIX)]
                field = f"{where}.{plain}" if where else plain
                old = out.get(plain, [])
                if not isinstance(value, list) or not isinstance(old, list):
                    raise ValueError(f"{field}{APPEND_SUFFIX}: appends a list to a list")
                out[plain] = [*old, *value]
            else:
                field = f"{where}.{name}" if where else name
                out[key] = merge(out[key], value, field) if key in out else value
        return out
    if _id_list(base, where) and _id_list(override, where):
        _unique_ids(base, where, "the base file")
        _unique_ids(override, where, "this file")
        items = {item["id"]: item for item in base}
        for item in override:
            items[item["id"]] = merge(items.get(item["id"], {}), item, f"{where}[{item['id']}]")
        return list(items.values())
    return override


def _id_list(value: Any, where: str) -> bool:
    """True for a non-empty list of mappings that all carry an id; ValueError when an id is
    not a text or a number (a list, a mapping: it cannot name an item)."""
    if not (isinstance(value, list) and value
            and all(isinstance(item, dict) and "id" in item for item in value)):
        return False
    for item in value:
        if not isinstance(item["id"], (str, int, float)):
            raise ValueError(f"{where}[{shown(item['id'])}].id: an id is a text, not "
                             f"{type(item['id']).__name__}")
    return True


def _unique_ids(items: list[dict[str, Any]], where: str, whose: str) -> None:
    seen: set[Any] = set()
    for item in items:
        if item["id"] in seen:
            raise ValueError(f"{where}[{shown(item['id'])}]: the id is given twice in {whose}; "
                             "give each item once")
        seen.add(item["id"])
