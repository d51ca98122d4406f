"""PromQL parsed once into small Python nodes that every check walks.

``promql_parser`` (Rust) builds a new Python object for a subtree each time an attribute is read, so walking its
tree from several checks would convert the same subtree again and again. :func:`parse` converts it once into the
plain objects below; checks share them (and the caches of :class:`generator.lint.entries.Query`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

import promql_parser

from .promql_lex import prepare, restore

# Expressions deeper than this crash the Rust parser's stack (an abort, not an exception), so they are refused
# before parsing. Real queries stay far below both limits.
MAX_NESTING = 64
MAX_OPERATORS = 250

COMPARISONS = ("==", "!=", ">", "<", ">=", "<=")
SET_OPERATORS = ("and", "or", "unless")
ARITHMETIC = ("+", "-", "*", "/", "%", "^", "atan2")


@dataclass(eq=False)
class Node:
    def children(self) -> tuple[Node, ...]:
        return ()


@dataclass(eq=False)
class Matcher:
    name: str
    op: str  # "=", "!=", "=~", "!~"
    value: str


@dataclass(eq=False)
class Selector(Node):
    name: str | None
    matchers: list[Matcher]
    offset: timedelta | None = None

    def label_matchers(self) -> list[Matcher]:
        return [m for m in self.matchers if m.name != "__name__"]


@dataclass(eq=False)
class Matrix(Node):
    selector: Selector
    range: timedelta

    def children(self):
        return (self.selector,)


@dataclass(eq=False)
class Subquery(Node):
    expr: Node
    range: timedelta
    step: timedelta | None
    offset: timedelta | None

    def children(self):
        return (self.expr,)


@dataclass(eq=False)
class Aggregate(Node):
    op: str
    expr: Node
    param: Node | None
    grouping: tuple[str, ...] | None  # None: no by/without clause
    without: bool = False

    def children(self):
        return (self.param, self.expr) if self.param is not None else (self.expr,)


@dataclass(eq=False)
class Binary(Node):
    op: str
    lhs: Node
    rhs: Node
    bool: bool = False
    on: tuple[str, ...] | None = None  # on (...) labels
    ignoring: tuple[str, ...] | None = None  # ignoring (...) labels
    card: str = "one-to-one"  # one-to-one, many-to-one (group_left), one-to-many (group_right), many-to-many
    include: tuple[str, ...] = ()  # group_left (...) / group_right (...) labels

    def children(self):
        return (self.lhs, self.rhs)

    @property
    def is_comparison(self) -> bool:
        return self.op in COMPARISONS


@dataclass(eq=False)
class Call(Node):
    func: str
    args: list[Node] = field(default_factory=list)

    def children(self):
        return tuple(self.args)


@dataclass(eq=False)
class Unary(Node):
    expr: Node

    def children(self):
        return (self.expr,)


@dataclass(eq=False)
class Paren(Node):
    expr: Node

    def children(self):
        return (self.expr,)


@dataclass(eq=False)
class Number(Node):
    value: float


@dataclass(eq=False)
class String(Node):
    value: str


class TooComplex(ValueError):
    """An expression nested or chained beyond what can be parsed safely."""


def check_complexity(text: str) -> None:
    """Refuse expressions that would overflow the parser's stack (see MAX_NESTING)."""
    # Cheap upper bounds first (str.count runs in C): most expressions cannot reach either limit.
    if sum(map(text.count, "([{")) <= MAX_NESTING and \
            sum(map(text.count, "+-*/%^<>=!")) + text.count(" ") <= MAX_OPERATORS:
        return
    depth = deepest = operators = 0
    quote = None
    escaped = False
    previous = ""
    for ch in text:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
        elif ch in "+-*/%^<>=!" and previous not in "<>=!":
            operators += 1
        previous = ch
    words = text.count(" and ") + text.count(" or ") + text.count(" unless ")
    if deepest > MAX_NESTING:
        raise TooComplex(f"nests brackets {deepest} deep (at most {MAX_NESTING} are linted)")
    if operators + words > MAX_OPERATORS:
        raise TooComplex(f"chains {operators + words} operators (at most {MAX_OPERATORS} are linted)")


_PARSED: dict[str, Node] = {}
_PARSED_LIMIT = 50_000


def parse(text: str) -> Node:
    """Parse ``text``; raise ValueError (TooComplex included) with the parser's message when it is not PromQL.

    Trees are never modified after parsing, so an expression repeated across rules or panels is parsed once.
    """
    node = _PARSED.get(text)
    if node is None:
        check_complexity(text)
        node = _convert(promql_parser.parse(prepare(text)))
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[text] = node
    return node


def _duration(value) -> timedelta | None:
    return value if isinstance(value, timedelta) else None


_MATCH_OPS = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}
_CARD = {"OneToOne": "one-to-one", "ManyToOne": "many-to-one", "OneToMany": "one-to-many", "ManyToMany": "many-to-many"}


def _selector(vs) -> Selector:
    matchers = [Matcher(restore(m.name), _MATCH_OPS.get(str(m.op).rsplit(".", 1)[-1], "="), m.value)
                for m in vs.matchers.matchers]
    for group in vs.matchers.or_matchers or ():
        matchers += [Matcher(restore(m.name), _MATCH_OPS.get(str(m.op).rsplit(".", 1)[-1], "="), m.value)
                     for m in group]
    name = restore(vs.name)
    for m in matchers:
        if m.name == "__name__" and m.op == "=":
            m.value = restore(m.value)
            # A quoted UTF-8 name (`{"gen_ai.client.token.usage_bucket"}`) is parsed as this matcher; so is
            # `{__name__="x"}`: either names the series as `x{}` does.
            name = name or m.value
    return Selector(name, matchers, _duration(vs.offset))


def _convert(e) -> Node:
    if isinstance(e, promql_parser.VectorSelector):
        return _selector(e)
    if isinstance(e, promql_parser.MatrixSelector):
        return Matrix(_selector(e.vector_selector), e.range)
    if isinstance(e, promql_parser.Call):
        return Call(e.func.name, [_convert(a) for a in e.args])
    if isinstance(e, promql_parser.AggregateExpr):
        grouping, without = None, False
        if e.modifier is not None:
            grouping = tuple(map(restore, e.modifier.labels))
            without = str(e.modifier.type).endswith("Without")
        param = _convert(e.param) if e.param is not None else None
        return Aggregate(str(e.op), _convert(e.expr), param, grouping, without)
    if isinstance(e, promql_parser.BinaryExpr):
        node = Binary(str(e.op), _convert(e.lhs), _convert(e.rhs))
        m = e.modifier
        if m is not None:
            node.bool = bool(m.return_bool)
            node.card = _CARD.get(str(m.card).rsplit(".", 1)[-1], "one-to-one")
            if m.matching is not None:
                labels = tuple(map(restore, m.matching.labels))
                if str(m.matching.type).endswith("Include"):
                    node.on = labels
                else:
                    node.ignoring = labels
            node.include = tuple(map(restore, m.group_labels or ()))
        return node
    if isinstance(e, promql_parser.ParenExpr):
        return Paren(_convert(e.expr))
    if isinstance(e, promql_parser.UnaryExpr):
        return Unary(_convert(e.expr))
    if isinstance(e, promql_parser.SubqueryExpr):
        return Subquery(_convert(e.expr), e.range, _duration(e.step), _duration(e.offset))
    if isinstance(e, promql_parser.NumberLiteral):
        return Number(float(e.val))
    if isinstance(e, promql_parser.StringLiteral):
        return String(str(e.val))
    raise ValueError(f"unsupported PromQL node {type(e).__name__}")


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children()))


def unwrap(node: Node) -> Node:
    """The expression inside any parentheses."""
    while isinstance(node, Paren):
        node = node.expr
    return node


def selectors(node: Node) -> Iterator[Selector]:
    return (n for n in walk(node) if isinstance(n, Selector))


def is_scalar(node: Node) -> bool:
    """True when ``node`` evaluates to a scalar (a number, time(), scalar(...), or arithmetic of those)."""
    node = unwrap(node)
    if isinstance(node, Number):
        return True
    if isinstance(node, Unary):
        return is_scalar(node.expr)
    if isinstance(node, Call):
        return node.func in ("scalar", "time", "pi")
    if isinstance(node, Binary):
        return is_scalar(node.lhs) and is_scalar(node.rhs)
    return False


def number(node: Node) -> float | None:
    """The value of a literal number (possibly negated or in parentheses), else None."""
    node = unwrap(node)
    if isinstance(node, Number):
        return node.value
    if isinstance(node, Unary):
        inner = number(node.expr)
        return -inner if inner is not None else None
    return None


_LEGACY_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LEGACY_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


@lru_cache(maxsize=4096)
def matcher_regex(pattern: str):
    """A label matcher's regex compiled (cached: queries repeat them), or None when Python cannot compile it."""
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return None


def show_name(name: str) -> str:
    """A metric name as PromQL writes it: bare, or quoted in braces when it is a UTF-8 name (``{"a.b"}``)."""
    return name if _LEGACY_METRIC.fullmatch(name) else '{"' + name.replace('"', '\\"') + '"}'


def show_label(name: str) -> str:
    """A label name as PromQL writes it in a grouping or matcher: bare, or quoted when it is a UTF-8 name."""
    return name if _LEGACY_LABEL.fullmatch(name) else '"' + name.replace('"', '\\"') + '"'


def translation_twin(name: str, known) -> str | None:
    """The known name that ``name`` becomes, or comes from, by OTLP's underscore escaping (``gen_ai.token.type``
    and ``gen_ai_token_type``), when ``name`` itself is not known: the names were written for the other
    translation strategy (or for the Prometheus exporter, which escapes as UnderscoreEscapingWithSuffixes does)."""
    flat = re.sub(r"[^a-zA-Z0-9_:]", "_", name)
    return next((k for k in sorted(known) if k != name and re.sub(r"[^a-zA-Z0-9_:]", "_", k) == flat), None)


TRANSLATION_HINT = ("OTLP's NoUTF8EscapingWithSuffixes keeps the dots of OpenTelemetry names, "
                    "UnderscoreEscapingWithSuffixes and the Prometheus exporter write `_`")
