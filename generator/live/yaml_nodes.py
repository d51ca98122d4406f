"""A small YAML reader that keeps line numbers: PyYAML composes nodes (each knows its line), and
:class:`NodeReader` turns them into values while collecting every problem as ``file:line: key: message``."""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class NodeReader:
    """Reads nodes of one file; ``problems`` collects what is wrong instead of stopping at the first."""

    def __init__(self, file: str):
        self.file = file
        self._found: list[tuple[int, str]] = []
        self._scalars = yaml.constructor.SafeConstructor()

    @property
    def problems(self) -> list[str]:
        """Every problem found, in the file's order."""
        return [text for _, text in sorted(self._found, key=lambda found: found[0])]

    def error(self, node: Node | None, key: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self._found.append((line, f"{self.file}{f':{line}' if line else ''}: {key}: {message}"))

    def mapping(self, node: Node | None, key: str, allowed=None) -> list[tuple[str, Node, Node]]:
        """(key, key node, value node) of a mapping; an empty mapping for a missing or null node."""
        if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
            return []
        if not isinstance(node, MappingNode):
            self.error(node, key, "must be a mapping")
            return []
        out, seen = [], set()
        for k, v in node.value:
            name = str(self.scalar(k)) if isinstance(k, ScalarNode) else "?"
            where = f"{key}.{name}" if key else name
            if name in seen:
                self.error(k, where, "appears twice")
                continue
            seen.add(name)
            if allowed is not None and name not in allowed:
                self.error(k, where, f"unknown key; expected one of {', '.join(allowed)}")
                continue
            out.append((name, k, v))
        return out

    def scalar(self, node: Node):
        return self._scalars.construct_object(node, deep=True)

    def number(self, node: Node, key: str, *, positive: bool = False, at_most: float | None = None) -> float | None:
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(node, key, "must be a number")
            return None
        if value < 0 or (positive and value == 0) or (at_most is not None and value > at_most):
            bound = f"between 0 and {at_most:g}" if at_most is not None else "positive" if positive else "at least 0"
            self.error(node, key, f"must be {bound}, not {value:g}")
            return None
        return float(value)

    def string(self, node: Node, key: str) -> str | None:
        value = self.scalar(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
            self.error(node, key, "must be a non-empty string")
            return None
        return str(value)

    def strings(self, node: Node, key: str) -> list[tuple[str, Node]]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        return [(s, n) for n in items if (s := self.string(n, key)) is not None]

