"""The comments of a scenario file, attached to the fields they document.

Scenario files carry their sources in comments ("# 南江县实施方案: 5,600 deliveries", "# ASSUMED").
YAML parsers drop comments, so this module reads the text twice: PyYAML's composer gives every
node with its line numbers, and a line scan finds the comments; each comment is then attached
to a field path written as in error messages (``facilities[county-hospital].beds``).

Rules, as people comment YAML files:

* a comment at the end of a line documents the outermost field that starts on that line, or
  the flow collection (``{...}``/``[...]``) that closes on it when that began on an earlier line;
* a block of comment lines documents the field that follows it, and the siblings after that
  field until one has a comment of its own (a comment heading a group of list items or keys);
* the comment block at the top of the file, before the first field, is the file's header.

A field without a comment of its own takes the comment of its nearest documented parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class FileComments:
    """Comments of one scenario file: the header, and comment lines by field path."""

    header: list[str] = field(default_factory=list)
    own: dict[str, list[str]] = field(default_factory=dict)

    def for_path(self, path: str) -> tuple[list[str], str | None]:
        """Comments that document ``path``: its own, else those of its nearest documented
        parent. Returns (comment lines, the path they were written at, or None)."""
        for candidate in ancestors(path):
            if self.own.get(candidate):
                return self.own[candidate], candidate
        return [], None


def ancestors(path: str) -> list[str]:
    """``path`` and its parents, nearest first: ``a.b[x].c`` gives a.b[x].c, a.b[x], a.b, a."""
    out = [path]
    p = path
    while p:
        cut = max(p.rfind("."), p.rfind("["))
        if cut <= 0:
            break
        p = p[:cut]
        out.append(p)
    return out


def comment_start(line: str) -> int | None:
    """Column where a YAML comment starts on ``line`` (outside quotes), or None."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
    return None


@dataclass
class _Node:
    path: str
    start: int          # first line (0-based)
    end: int            # last line
    flow: bool          # a {...} or [...] collection
    parent: str | None
    index: int          # position among its siblings


def _walk(node: yaml.Node, path: str, parent: str | None, index: int, start: int,
          out: list[_Node]) -> None:
    end = node.end_mark.line - (1 if node.end_mark.column == 0 and node.end_mark.line > start
                                else 0)
    flow = bool(getattr(node, "flow_style", False)) and not isinstance(node, yaml.ScalarNode)
    if path:
        out.append(_Node(path, start, end, flow, parent, index))
    if isinstance(node, yaml.MappingNode):
        for i, (k, v) in enumerate(node.value):
            key = str(k.value)
            child = f"{path}.{key}" if path else key
            _walk(v, child, path or None, i, k.start_mark.line, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            name = str(i)
            if isinstance(item, yaml.MappingNode):
                for k, v in item.value:
                    if k.value == "id" and isinstance(v, yaml.ScalarNode):
                        name = str(v.value)
            _walk(item, f"{path}[{name}]", path, i, item.start_mark.line, out)


def read_comments(text: str) -> FileComments:
    """Attach the comments of a YAML scenario ``text`` to field paths (see the module rules).

    Returns an empty `FileComments` for text that does not compose as YAML."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return FileComments()
    result = FileComments()
    if root is None:
        return result
    nodes: list[_Node] = []
    _walk(root, "", None, 0, root.start_mark.line, nodes)
    lines = text.splitlines()
    first_line = min((n.start for n in nodes), default=len(lines))

    starting: dict[int, _Node] = {}
    for n in nodes:   # outermost first: parents are listed before children
        starting.setdefault(n.start, n)
    closing: dict[int, _Node] = {}
    for n in nodes:   # innermost flow collection closing on a line, begun on an earlier one
        if n.flow and n.end > n.start:
            closing[n.end] = n

    block: list[str] = []
    block_nodes: dict[str, list[str]] = {}
    for no, line in enumerate(lines):
        col = comment_start(line)
        stripped = line.strip()
        if col is not None and not line[:col].strip():
            text_ = line[col + 1:].strip()
            if no < first_line:
                result.header.append(text_)
            else:
                block.append(text_)
            continue
        if not stripped:
            if no < first_line and result.header and result.header[-1] != "":
                result.header.append("")
            continue
        if block and no in starting:
            block_nodes[starting[no].path] = block
            result.own.setdefault(starting[no].path, []).extend(block)
        block = []
        if col is not None:
            target = closing.get(no) or starting.get(no)
            if target is not None:
                result.own.setdefault(target.path, []).append(line[col + 1:].strip())
    while result.header and result.header[-1] == "":
        result.header.pop()

    # A block comment heads its group: later siblings without comments of their own share it.
    siblings: dict[str | None, list[_Node]] = {}
    for n in nodes:
        siblings.setdefault(n.parent, []).append(n)
    for parent, group in siblings.items():
        if parent is None:   # top-level sections are separate topics
            continue
        heading: list[str] | None = None
        for n in sorted(group, key=lambda x: x.index):
            if n.path in result.own:
                heading = block_nodes.get(n.path)
            elif heading:
                result.own[n.path] = list(heading)
    return result


def read_file_comments(path: str | Path) -> FileComments:
    """Comments of the scenario file at ``path`` (empty for TOML or unreadable files), read
    in the encoding the scenario loader reads it in."""
    from capsim.errors import CapsimError
    from capsim.scenario.decoding import decode

    p = Path(path)
    if p.suffix.lower() not in (".yaml", ".yml"):
        return FileComments()
    try:
        return read_comments(decode(p.read_bytes(), str(p))[0])
    except (OSError, CapsimError):
        return FileComments()
