"""What checks look at: queries, panels, dashboards, rules and rule sets, each with its place and scope.

Inputs (this repository's compiled output, or files given on the command line) are turned into these entries by
:mod:`generator.lint.collect`; a check receives one entry of the kind it declares and the shared
:class:`generator.lint.context.Context`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..catalog import metric_lines
from .labels import LabelInference
from .problem import Place, Scope
from .promql import Node, Selector, walk
from .templating import Expansion


@dataclass(eq=False)
class Query:
    """One PromQL expression: a panel target, a variable query, an alert or a recording rule."""

    kind: str  # "panel", "variable", "alert", "recording"
    expr: str  # as written
    scope: Scope
    expansion: Expansion
    legend: str | None = None
    panel: Panel | None = None
    rule: Rule | None = None
    variable_label: str | None = None  # label_values(expr, label): the label the variable lists
    target: dict | None = None  # the panel target it came from
    parser: Callable[[Query], tuple[Node | None, str | None, Expansion]] | None = field(default=None, repr=False)
    _parsed: tuple | None = field(default=None, repr=False)
    _labels: LabelInference | None = field(default=None, repr=False)
    _nodes: list | None = field(default=None, repr=False)
    _selectors: list | None = field(default=None, repr=False)

    def _parse(self) -> tuple:
        # Parsed on first use: when two processes share a big lint, each parses only the queries it checks.
        if self._parsed is None:
            self._parsed = self.parser(self) if self.parser else (None, "not parsed", self.expansion)
            self.expansion = self._parsed[2]
        return self._parsed

    @property
    def node(self) -> Node | None:
        """The parsed expression (None when it does not parse: see ``error``)."""
        return self._parse()[0]

    @property
    def error(self) -> str | None:
        """Why the expression does not parse, or None."""
        return self._parse()[1]

    @property
    def nodes(self) -> list[Node]:
        """Every node of the parsed expression, parents first (computed once, shared by the checks)."""
        if self._nodes is None:
            self._nodes = list(walk(self.node)) if self.node is not None else []
        return self._nodes

    @property
    def selectors(self) -> list[Selector]:
        if self._selectors is None:
            self._selectors = [n for n in self.nodes if isinstance(n, Selector)]
        return self._selectors

    @property
    def place(self) -> Place:
        return self.scope.place

    @property
    def in_dashboard(self) -> bool:
        return self.kind in ("panel", "variable")

    def labels_of(self, node: Node, ctx) -> frozenset | None:
        """Labels the result of ``node`` may carry (None: unknown), memoised for this query."""
        if self._labels is None:
            self._labels = LabelInference(ctx.series)
        return self._labels(node)


@dataclass(eq=False)
class Panel:
    data: dict
    scope: Scope
    dashboard: Dashboard
    nested: bool = False  # inside a collapsed row
    row: int = -1  # the collapsed row holding it (its index among the dashboard's panels), -1 at the top level
    legacy: bool = False  # from a pre-Grafana-5 ``rows`` dashboard: Grafana lays it out from ``span``, no gridPos
    queries: list[Query] = field(default_factory=list)

    @property
    def place(self) -> Place:
        return self.scope.place

    @property
    def type(self) -> str:
        value = self.data.get("type")
        return value if isinstance(value, str) else ""


@dataclass(eq=False)
class Dashboard:
    data: dict
    scope: Scope
    uid: str
    panels: list[Panel] = field(default_factory=list)  # rows included, nested panels of collapsed rows too
    variables: dict[str, dict] = field(default_factory=dict)
    variable_scopes: dict[str, Scope] = field(default_factory=dict)  # name -> its place in the file
    queries: list[Query] = field(default_factory=list)  # variable queries
    issues: list = field(default_factory=list)  # structural problems found while reading it (Hits)
    inputs: set = field(default_factory=set)  # names of an export's __inputs (${DS_PROMETHEUS})

    @property
    def place(self) -> Place:
        return self.scope.place

    def variable_at(self, name: str) -> At:
        """Where the variable ``name`` is defined (the dashboard itself when it is not)."""
        return At(self.variable_scopes.get(name, self.scope))


@dataclass(eq=False)
class Rule:
    """An alerting or recording rule as Prometheus reads it."""

    data: dict
    scope: Scope
    group: str
    query: Query | None = None
    templates: dict = field(default_factory=dict)  # (kind, key, n) -> Query: the n-th `query` of a template

    @property
    def place(self) -> Place:
        return self.scope.place

    @property
    def is_alert(self) -> bool:
        return "alert" in self.data

    @property
    def name(self) -> str:
        return str(self.data.get("alert") if self.is_alert else self.data.get("record"))

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        return value if isinstance(value, dict) else {}


@dataclass(eq=False)
class RuleSet:
    """Every rule linted together (duplicate names are found across files)."""

    rules: list[Rule]
    scope: Scope
    issues: list = field(default_factory=list)  # structural problems of the rule files (Hits)

    @property
    def place(self) -> Place:
        return self.scope.place


@dataclass(eq=False)
class At:
    """A bare place (with its scope) for problems about an object that has no entry of its own."""

    scope: Scope

    @property
    def place(self) -> Place:
        return self.scope.place


@dataclass(eq=False)
class CatalogEntry:
    """The metric catalog, for the ``catalog/*`` checks, with the line of each metric in its file."""

    catalog: object
    scope: Scope
    _lines: dict = field(default_factory=dict, repr=False)

    @property
    def place(self) -> Place:
        return self.scope.place

    def metric_at(self, metric) -> At:
        file = metric.file or self.place.file
        if file not in self._lines:
            self._lines[file] = metric_lines(file)
        line = self._lines[file].get(metric.name)
        return At(Scope(Place(file, line, (f"metric {metric.name}",), order=(line or 0,))))

