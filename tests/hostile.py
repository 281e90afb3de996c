"""Hostile scenario files built from the shipped scenarios, for the loader's fuzz tests.

`hostile_files` draws one attack: the shipped scenarios copied as they are, one of
them mutated — a value replaced by a hostile one (non-finite, huge, a boolean, a wrong type,
an impossible date, control characters, a long string), a structural change (a key dropped,
a list item repeated, a mapping turned into a list, deep nesting), a textual change (a
duplicate key, a cut, random bytes, an alias bomb, another encoding) or an ``extends`` attack
(a missing, looping or binary base, a repeated id in an override). The result is a mapping
from file name to bytes, and the name of the file to load.
"""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = {p.name: p.read_bytes() for p in sorted(SCENARIOS.glob("*.yaml"))}
RAW = {name: yaml.safe_load(text.decode("utf-8")) for name, text in SHIPPED.items()}

#: Marks a file that is a symbolic link (to the name after the marker).
SYMLINK = b"@symlink:"

HOSTILE_VALUES: list[Any] = [
    float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 2**64, -(2**64), 10**9, -1, 0,
    0.5, True, False, None, "", "x" * 5000, "\x1b[31mred\x1b[0m", "$\\frac{a}{$", "=1+1",
    "2016-02-30", [], {}, [[1, 2]], {"a": {"b": {"c": 1}}}, [float("nan")],
    {"green": float("nan")}, "\u202e\u0000",
]

TEXT_SNIPPETS = [
    "\nname: again\n", "\nbeds: 8\n", "\n: \n", "\n- - -\n", "\n&a [*a]\n", "\n!!timestamp x\n",
    "\nstart: 2016-13-01\n", "\n\t\n", "\n{[\n", "\n!!python/object:os.system x\n",
    "\nx: !!binary AAAA\n", "\n? [1, 2]\n: 3\n", "\n<<: *nowhere\n",
]


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``node`` (keys and list positions)."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = data
    for k in path[:-1]:
        parent = parent[k]
    parent[path[-1]] = value
    return data


def _get(data: Any, path: tuple) -> Any:
    for k in path:
        data = data[k]
    return data


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _value_attack(rnd: random.Random, data: dict) -> bytes:
    path = rnd.choice(_paths(data)[1:])
    return _dump(_set(data, path, copy.deepcopy(rnd.choice(HOSTILE_VALUES))))


def _structure_attack(rnd: random.Random, data: dict) -> bytes:
    path = rnd.choice(_paths(data)[1:])
    kind = rnd.choice(["drop", "repeat", "listify", "nest", "deep", "key"])
    parent = _get(data, path[:-1])
    if kind == "drop":
        del parent[path[-1]]
    elif kind == "repeat" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[path[-1]]))
    elif kind == "listify":
        parent[path[-1]] = [parent[path[-1]]]
    elif kind == "nest":
        parent[path[-1]] = {"value": parent[path[-1]]}
    elif kind == "deep":
        return _dump(data).replace(b"name:", b"name: " + b"[" * 3000 + b"]" * 3000 + b"\nx:", 1)
    elif kind == "key" and isinstance(parent, dict):
        parent[rnd.choice([True, 1.5, None, 7, "\x1b[2J"])] = 1
    return _dump(data)


def _text_attack(rnd: random.Random, text: bytes) -> bytes:
    kind = rnd.choice(["snippet", "cut", "bytes", "bomb", "duplicate", "encode", "deep"])
    if kind == "snippet":
        at = rnd.randrange(len(text) + 1)
        return text[:at] + rnd.choice(TEXT_SNIPPETS).encode() + text[at:]
    if kind == "cut":
        return text[: rnd.randrange(len(text) + 1)]
    if kind == "bytes":
        at = rnd.randrange(len(text) + 1)
        return text[:at] + bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 8))) + text[at:]
    if kind == "bomb":
        lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        for i in range(1, 10):
            lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
        field = rnd.choice(["name", "description", "run", "horizon"])
        return (b"\n".join(line.encode() for line in lines) + b"\n"
                + text.replace(f"\n{field}:".encode(), f"\n{field}: *a9\nx{field}:".encode(), 1))
    if kind == "duplicate":
        lines = text.split(b"\n")
        i = rnd.randrange(len(lines))
        return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1:]])
    if kind == "encode":
        decoded = text.decode("utf-8")
        codec = rnd.choice(["utf-8-sig", "utf-16", "utf-16-le", "gb18030", "gbk", "latin-1"])
        return decoded.encode(codec, errors="replace")
    depth = rnd.choice([150, 600, 5000])
    return text + b"\ndeep:" + b"".join(b"\n" + b"  " * i + b"a:" for i in range(depth)) + b" 1\n"


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[dict[str, bytes], str]:
    """One attack: (files by name, name of the file to load)."""
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    files = dict(SHIPPED)
    target = draw(st.sampled_from(sorted(SHIPPED)))
    data = copy.deepcopy(RAW[target])
    kind = draw(st.sampled_from(["value", "structure", "text", "extends"]))
    if kind == "value":
        files[target] = _value_attack(rnd, data)
    elif kind == "structure":
        files[target] = _structure_attack(rnd, data)
    elif kind == "text":
        files[target] = _text_attack(rnd, SHIPPED[target])
    else:
        attack = rnd.choice(["missing", "self", "loop", "binary", "gbk", "repeat", "dir",
                             "chain", "value", "type", "symlink"])
        base = rnd.choice(sorted(SHIPPED))
        child: dict[str, Any] = {"extends": base, "name": "child"}
        if attack == "missing":
            child["extends"] = "nowhere.yaml"
        elif attack == "self":
            child["extends"] = "child.yaml"
        elif attack == "loop":
            files["loop-a.yaml"] = b"extends: loop-b.yaml\n"
            files["loop-b.yaml"] = b"extends: loop-a.yaml\n"
            child["extends"] = "loop-a.yaml"
        elif attack == "binary":
            files["base.bin"] = bytes(range(256)) * 4
            child["extends"] = "base.bin"
        elif attack == "gbk":
            files["base-gbk.yaml"] = SHIPPED[base].decode("utf-8").encode("gbk", "replace")
            child["extends"] = "base-gbk.yaml"
        elif attack == "repeat":
            fac = RAW[base].get("facilities") or RAW["nanjiang-2016.yaml"]["facilities"]
            fid = fac[0]["id"]
            child["facilities"] = [{"id": fid, "beds": 8}, {"id": fid, "beds": 80}]
        elif attack == "symlink":
            files["link-a.yaml"] = SYMLINK + b"link-b.yaml"
            files["link-b.yaml"] = SYMLINK + b"link-a.yaml"
            child["extends"] = "link-a.yaml"
        elif attack == "dir":
            child["extends"] = "."
        elif attack == "chain":
            n = rnd.choice([5, 50, 1500])
            for i in range(n):
                files[f"c{i}.yaml"] = f"extends: c{i + 1}.yaml\n".encode()
            files[f"c{n}.yaml"] = SHIPPED[base]
            child["extends"] = "c0.yaml"
        elif attack == "value":
            child["facilities"] = [{"id": rnd.choice(HOSTILE_VALUES[:14] + [[1], {"a": 1}]),
                                    "beds": 1}]
        else:
            child[rnd.choice(["facilities", "policy+", "demand", "horizon"])] = rnd.choice(
                HOSTILE_VALUES)
        files["child.yaml"] = _dump(child)
        target = "child.yaml"
    return files, target


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (name to bytes) into ``folder``; a value starting with
    `SYMLINK` is a symbolic link to the name that follows."""
    for name, data in files.items():
        if data.startswith(SYMLINK):
            (folder / name).symlink_to(data[len(SYMLINK):].decode())
        else:
            (folder / name).write_bytes(data)
