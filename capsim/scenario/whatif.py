"""What-ifs in Python: a scenario with some values changed by path, and a scenario written as a
file that extends its base, so that a what-if made in a notebook or in ``capsim app`` is a
short file ``capsim run`` reproduces.

Paths are those of `capsim.scenario.paths` (``facilities[county-hospital].beds``,
``demand.annual_growth``, ``policy+``); the changed scenario is validated like a file, and
every problem names the path and the reason.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from capsim.errors import ScenarioError
from capsim.output import write_text
from capsim.scenario.extends import APPEND_SUFFIX, EXTENDS_KEY
from capsim.scenario.loader import load_scenario, validate_scenario
from capsim.scenario.models import Scenario
from capsim.scenario.paths import PathError, set_values


class _Same:
    """Marks a value an override leaves as its base has it."""


SAME = _Same()


class _Append(list):
    """Items an override appends to its base's list (written ``key+:``)."""


def with_changes(scenario: Scenario, changes: Mapping[str, Any],
                 source: str | None = None) -> Scenario:
    """``scenario`` with the value of each path of ``changes`` set (see
    `capsim.scenario.paths`), validated; raises `ScenarioError`
    naming ``source`` (default: the scenario's name and "with changes"), the path and the
    reason of every problem, as for a file."""
    source = source or f"{scenario.name} (with changes)"
    if not isinstance(changes, Mapping):
        raise ScenarioError(source, [("", "changes are a mapping of paths to values, such as "
                                          "{'facilities[county-hospital].beds': 120}")])
    data = scenario.model_dump(mode="json")
    problems: list[tuple[str, str]] = []
    for path, value in changes.items():
        try:
            set_values(data, {path: value})
        except PathError as exc:
            problems.append(("", str(exc)))  # the message names the path
    if problems:
        raise ScenarioError(source, problems)
    return validate_scenario(data, source=source)


def overrides(base: Any, derived: Any, lean: Any = None) -> Any:
    """The override that turns ``base`` into ``derived`` when merged onto it by the rules of
    `capsim.scenario.extends`: only what differs, lists of items with ids by id, a list
    that grows at its end as an append (``key+``). Returns `SAME` when nothing differs;
    raises ValueError when ``derived`` drops a key or an item the merge cannot remove.

    ``lean`` is ``derived`` written shorter (without the fields left at their defaults):
    what the override writes whole (a new item, a replaced value) is taken from it."""
    lean = derived if lean is None else lean
    if isinstance(base, dict) and isinstance(derived, dict):
        gone = [str(k) for k in base if k not in derived]
        if gone:
            raise ValueError(f"{', '.join(gone)} cannot be removed by a file that extends")
        out: dict[str, Any] = {}
        for key, value in derived.items():
            short = lean.get(key, value) if isinstance(lean, dict) else value
            diff = overrides(base[key], value, short) if key in base else short
            if isinstance(diff, _Append):
                out[f"{key}{APPEND_SUFFIX}"] = list(diff)
            elif diff is not SAME:
                out[key] = diff
        return out or SAME
    if not (isinstance(lean, list) and len(lean) == len(derived)):
        lean = derived
    if _ids(base) and _ids(derived):
        return _id_list_overrides(base, derived, lean)
    if base == derived:
        return SAME
    if isinstance(base, list) and isinstance(derived, list) and base \
            and derived[: len(base)] == base:
        return _Append(lean[len(base):])
    return lean


def _ids(value: Any) -> list[Any] | None:
    if isinstance(value, list) and value and all(isinstance(i, dict) and "id" in i
                                                 for i in value):
        return [i["id"] for i in value]
    return None


def _id_list_overrides(base: list[dict], derived: list[dict], lean: list[dict]) -> Any:
    base_ids, new_ids = _ids(base), _ids(derived)
    assert base_ids is not None and new_ids is not None
    if new_ids[: len(base_ids)] != base_ids:
        raise ValueError("items of a list merged by id can be changed or added at its end, "
                         "not removed or reordered")
    out = []
    for b, d, short in zip(base, derived, lean, strict=False):
        diff = overrides(b, d, short)
        if diff is not SAME:
            out.append({"id": d["id"], **diff})
    out.extend(lean[len(base):])
    return out or SAME


def to_yaml(scenario: Scenario, path: str | Path, extends: str | Path | None = None) -> Path:
    """Write ``scenario`` as a YAML scenario file at ``path``; return the path.

    With ``extends`` (a scenario file), the file says ``extends:`` that file (relative to
    ``path``) and holds only what differs from it, so that ``capsim run path`` simulates
    ``scenario``; without it, or where a file that extends cannot express the difference (a
    facility removed), the file holds the whole scenario. The file is read back and must
    validate to ``scenario``, else `ScenarioError` is raised and
    nothing is left at ``path``."""
    path = Path(path)
    data = scenario.model_dump(mode="json")
    # Fields left at their defaults are not written where the file still reads back as the
    # scenario; else everything is.
    for lean in (scenario.model_dump(mode="json", exclude_defaults=True), data):
        _write(scenario, path, data, lean, extends)
        try:
            if load_scenario(path).model_dump(mode="json") == data:
                return path
        except ScenarioError:
            continue
    path.unlink(missing_ok=True)
    raise ScenarioError(str(path), [("", "the file written does not read back as the "
                                         "scenario; nothing was kept")])


def _write(scenario: Scenario, path: Path, data: dict[str, Any], lean: dict[str, Any],
           extends: str | Path | None) -> None:
    """Write the file of `to_yaml` from the scenario's mapping ``data`` (fields that
    are written whole taken from ``lean``)."""
    body: dict[str, Any] = lean
    header = f"# {scenario.name}: written by capsim.\n"
    if extends is not None:
        base = load_scenario(extends)
        try:
            diff = overrides(base.model_dump(mode="json"), data, lean)
            ref = Path(os.path.relpath(Path(extends).resolve(), path.resolve().parent))
            body = {EXTENDS_KEY: ref.as_posix(), **({} if diff is SAME else diff)}
            header = (f"# {scenario.name}: what differs from {ref.as_posix()}, written by "
                      "capsim.\n")
        except ValueError as exc:
            header += f"# The whole scenario: a file extending {extends} cannot say it ({exc}).\n"
    write_text(path, header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False))


__all__ = ["SAME", "overrides", "to_yaml", "with_changes"]
