"""YAML as scenario files are read: the safe loader, bounded and strict.

- nesting deeper than `capsim.limits.MAX_DEPTH` levels is refused while composing, so
  that no input reaches Python's recursion limit;
- a mapping that repeats a key is refused with the line of both, instead of the last one
  silently winning (``beds: 80`` then ``beds: 8``);
- a value that cannot be read as its tag says (``!!int x``) is refused with its line, and a
  date that does not exist (``2016-02-30``, ``!!timestamp x``) is kept as text, for the
  field that expects a date to refuse by name;
- a file has at most `capsim.limits.MAX_MERGE_KEYS` merge keys (``<<``);

and `check_shape` bounds what was read, YAML or TOML: its nesting, the values its
aliases expand to ("billion laughs") and values that contain themselves.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from capsim import limits
from capsim.errors import shown

_MERGE_TAG = "tag:yaml.org,2002:merge"


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the bounds and checks of this module."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > limits.MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {limits.MAX_DEPTH} levels deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, AttributeError, OverflowError, KeyError) as exc:
            # A scalar whose tag's constructor cannot read it, such as !!int x.
            value = node.value if isinstance(node, ScalarNode) else type(node).__name__
            raise ConstructorError(None, None, f"cannot read {shown(value)} as "
                                   f"{node.tag.rsplit(':', 1)[-1]} ({exc})",
                                   node.start_mark) from None

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError, OverflowError):
            # Not a date (2016-02-30, !!timestamp x): kept as text, so that the field that
            # expects a date refuses it by name.
            return self.construct_scalar(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, MappingNode):
            _refuse_repeated_keys(self, node)
        mapping = super().construct_mapping(node, deep=deep)
        return mapping

    def flatten_mapping(self, node: MappingNode) -> None:
        # Merging copies the merged entries, again at every level of a chain of merges: the
        # work grows with the square of the chain, so the merge keys are counted.
        merges = self.__dict__.setdefault("_merge_keys", set())
        merges.update(id(k) for k, _ in node.value if k.tag == _MERGE_TAG)
        if len(merges) > limits.MAX_MERGE_KEYS:
            raise ConstructorError(None, None, f"more than {limits.MAX_MERGE_KEYS} merge keys "
                                   "(<<)", node.start_mark)
        super().flatten_mapping(node)


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp",
                              BoundedLoader.construct_yaml_timestamp)


def _refuse_repeated_keys(loader: BoundedLoader, node: MappingNode) -> None:
    first: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
            continue
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in first:
            raise ConstructorError(None, None, f"the key {shown(key)} is repeated (first on "
                                   f"line {first[key]}); give each key once",
                                   key_node.start_mark)
        first[key] = line


def load_yaml(text: str) -> Any:
    """The value of a YAML document, read by `BoundedLoader` (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 (a SafeLoader)


def check_shape(data: Any) -> str | None:
    """Why ``data`` (as read from a file) is refused, or None: nested more than
    `MAX_DEPTH` levels, more than `MAX_VALUES`
    values once every shared value (a YAML alias) is counted where it is used, or a value
    that contains itself. Runs in time proportional to the distinct values, without
    recursion."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = [v for v in (node.values() if isinstance(node, dict) else node)
                    if isinstance(v, (dict, list))]
        if done:
            open_.discard(key)
            size[key] = 1 + len(node) + sum(size[id(c)] - 1 for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > limits.MAX_VALUES:
                return (f"holds more than {limits.MAX_VALUES:,} values once its aliases are "
                        "expanded")
            if depth[key] > limits.MAX_DEPTH:
                return f"nested more than {limits.MAX_DEPTH} levels deep"
            continue
        if key in size:
            continue
        if key in open_:
            return "a value contains itself (a YAML alias inside its own anchor)"
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
    return None
