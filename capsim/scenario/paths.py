"""Paths into a scenario such as ``facilities[county-hospital].beds``: finding the values they
name in the scenario's mapping and setting new values there. One syntax for every what-if:
`Scenario.with_changes <capsim.scenario.models.Scenario.with_changes>` and the
parameters of a sweep (`capsim.sweep`) both use it.

A path is a dotted list of field names; ``[id]`` picks the item of a list whose ``id`` is
``id`` (``[2]``: the third item), and ``*`` every key of a mapping or every item of a list.
Paths work on ``scenario.model_dump(mode="json")``, so every field of a scenario, defaults
included, can be named.

Integer fields (beds, midwives, head-counts, days of a horizon) take whole numbers: a range
such as beds [60, 100] gives the whole numbers 60 to 100, each equally likely; any other value
(from a list, a distribution, the levels of a one-at-a-time or grid sweep, or a multiplied
value) is rounded to the nearest whole number, halves up. The store records the value used.

Shares that must sum to 1 (``demand.risk_mix`` and ``demand.booking``): setting one share
rescales the others of its group in proportion, so that they still sum to 1.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from capsim.scenario.extends import APPEND_SUFFIX
from capsim.scenario.loader import field_path

#: Mappings whose values are shares summing to 1; a swept share rescales its siblings.
SHARE_GROUPS: tuple[tuple[str, ...], ...] = (("demand", "risk_mix"), ("demand", "booking"))

_TOKEN = re.compile(r"\[([A-Za-z0-9_*-]*)\]|([A-Za-z0-9_*-]+)|(\.)")


class PathError(ValueError):
    """A path that names nothing of the scenario, or not what is asked of it (a number to
    sweep, a list to append to); the message says why."""


@dataclass(frozen=True)
class Target:
    """The places a parameter path names in a scenario mapping.

    ``places``: concrete keys from the root to each number (str keys, int list positions);
    ``names``: each place as a path of its own (``facilities[township-1].beds``).
    ``integer``: every place holds an integer. ``values``: the scenario's values there.
    """

    path: str
    places: tuple[tuple[str | int, ...], ...]
    names: tuple[str, ...]
    integer: bool
    values: tuple[float, ...]

    @property
    def share_group(self) -> tuple[str, ...] | None:
        """The share group the path sets a member of, or None."""
        parents = {p[:-1] for p in self.places}
        for group in SHARE_GROUPS:
            if group in parents:
                return group
        return None


def parse(path: str) -> tuple[tuple[str, str], ...]:
    """Split a path into steps: ("key", name) for a field, ("item", selector) for [..].
    Raises PathError saying why ``path`` is not a path."""
    return _parse(path)


@functools.lru_cache(maxsize=4096)
def _parse(path: str) -> tuple[tuple[str, str], ...]:
    # Cached: a sweep sets the same few paths at every one of its points.
    steps: list[tuple[str, str]] = []
    pos = 0
    expect_key = True
    for m in _TOKEN.finditer(path):
        if m.start() != pos:
            break
        pos = m.end()
        item, key, dot = m.groups()
        if dot:
            if expect_key:
                raise PathError(f"{path!r}: empty field name before '.'")
            expect_key = True
        elif key is not None:
            if not expect_key:
                raise PathError(f"{path!r}: a '.' is needed before {key!r}")
            steps.append(("key", key))
            expect_key = False
        else:
            if expect_key or not item:
                raise PathError(f"{path!r}: '[...]' must follow a field name and hold an id")
            steps.append(("item", item))
    if pos != len(path) or expect_key:
        raise PathError(f"{path!r} is not a path such as facilities[county-hospital].beds "
                        "(names and ids hold letters, digits, _ and -)")
    return tuple(steps)


def locate(data: dict[str, Any], path: str) -> list[tuple[tuple[str | int, ...], Any]]:
    """The places ``path`` names in the scenario mapping ``data``: (keys from the root, the
    value there) for each, whatever the value. Raises PathError saying why it names none."""
    places: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    shown = ""
    for kind, name in parse(path):
        nxt = []
        for keys, node in places:
            nxt.extend(_step(node, kind, name, keys, shown or "the scenario", path))
        places = nxt
        shown += f"[{name}]" if kind == "item" else (f".{name}" if shown else name)
    if not places:
        raise PathError(f"{path!r} names nothing (an empty list or mapping)")
    return places


def resolve(data: dict[str, Any], path: str) -> Target:
    """Find the numbers ``path`` names in the scenario mapping ``data``; raise PathError."""
    places = locate(data, path)
    for keys, node in places:
        if isinstance(node, bool) or not isinstance(node, (int, float)):
            what = ("has no value in the scenario (set it in the scenario file first)"
                    if node is None else _describe(node))
            raise PathError(f"{path!r} is not a number: {field_path(keys, data)} {what}")
    return Target(
        path=path,
        places=tuple(k for k, _ in places),
        names=tuple(field_path(k, data) for k, _ in places),
        integer=all(isinstance(v, int) for _, v in places),
        values=tuple(float(v) for _, v in places),
    )


def _step(node: Any, kind: str, name: str, keys: tuple, where: str, path: str):
    if kind == "key":
        if not isinstance(node, dict):
            raise PathError(f"{path!r}: {where} is {_describe(node)}, it has no field {name!r}")
        if name == "*":
            return [((*keys, k), v) for k, v in node.items()]
        if name not in node:
            close = difflib.get_close_matches(name, [str(k) for k in node], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else \
                f"; fields: {', '.join(map(str, node))}"
            raise PathError(f"{path!r}: {where} has no field {name!r}{hint}")
        return [((*keys, name), node[name])]
    if not isinstance(node, list):
        raise PathError(f"{path!r}: {where} is {_describe(node)}, not a list; [{name}] "
                        "picks an item of a list")
    if name == "*":
        return [((*keys, i), v) for i, v in enumerate(node)]
    ids = [item.get("id") for item in node if isinstance(item, dict)]
    for i, item in enumerate(node):
        if isinstance(item, dict) and item.get("id") == name:
            return [((*keys, i), item)]
    if name.isdigit() and int(name) < len(node):
        return [((*keys, int(name)), node[int(name)])]
    known = f"ids: {', '.join(map(str, ids))}" if any(ids) else f"{len(node)} items"
    raise PathError(f"{path!r}: {where} has no item {name!r} ({known})")


def _describe(node: Any) -> str:
    if isinstance(node, dict):
        return f"a mapping (fields: {', '.join(map(str, node))})"
    if isinstance(node, list):
        return f"a list of {len(node)} items"
    return f"{type(node).__name__} {node!r}"


def value_used(target: Target, mode: str, value: float) -> float:
    """The value a parameter takes: rounded to a whole number for an integer field set
    directly (halves up); the sampled value otherwise (a factor in multiply mode)."""
    if target.integer and mode == "set":
        return float(math.floor(value + 0.5))
    return float(value)


def place_values(target: Target, mode: str, value: float) -> dict[str, int | float]:
    """The new value of each place of ``target``, by its own path: ``value``, or in multiply
    mode the scenario's value times ``value``; a whole number (halves up) for an integer
    field. Ready for `set_values`."""
    out: dict[str, int | float] = {}
    for name, base in zip(target.names, target.values, strict=True):
        new = value if mode == "set" else base * value
        out[name] = math.floor(new + 0.5) if target.integer else new
    return out


def set_values(data: dict[str, Any], changes: Mapping[str, Any]) -> None:
    """Set, in place, the value of each path of ``changes`` in the scenario mapping ``data``;
    a path ending in ``+`` appends a list to the list it names, and a share of a group that
    sums to 1 rescales the others of its group. Raises PathError naming the path and why."""
    for path, value in changes.items():
        if not isinstance(path, str):
            raise PathError(f"{path!r}: a path is a text such as facilities[county-hospital].beds")
        append = path.endswith(APPEND_SUFFIX)
        plain = path[: -len(APPEND_SUFFIX)] if append else path
        for keys, node in locate(data, plain):
            parent = _get(data, keys[:-1])
            if append:
                if not isinstance(node, list) or not isinstance(value, (list, tuple)):
                    raise PathError(f"{path!r}: appends a list to a list "
                                    f"({field_path(keys, data)} is {_describe(node)})")
                parent[keys[-1]] = [*node, *value]
            elif keys[:-1] in SHARE_GROUPS and _is_number(value) and _is_number(node):
                _set_share(parent, keys[-1], float(value), path)
            else:
                parent[keys[-1]] = value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _set_share(group: dict[str | int, Any], key: str | int, new: float, path: str) -> None:
    if not 0 <= new <= 1:
        raise PathError(f"{path!r}: a share must be from 0 to 1, got {new:g}")
    others = [k for k in group if k != key]
    rest = math.fsum(float(group[k]) for k in others)
    if rest <= 0 and new != 1:
        raise PathError(f"{path!r}: the other shares are all 0, so the share must be 1, "
                        f"got {new:g}")
    scale = (1 - new) / rest if rest > 0 else 0.0
    for k in others:
        group[k] = float(group[k]) * scale
    group[key] = new


def _get(data: Any, keys: tuple) -> Any:
    node = data
    for k in keys:
        node = node[k]
    return node
