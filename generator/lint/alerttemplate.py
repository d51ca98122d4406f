"""Alert templates read as Prometheus executes them: what each ``.`` and ``$variable`` is, which labels are read
from what, and the PromQL queries the template runs.

Prometheus expands an alert's annotations and labels with Go's text/template, on the data ``{Labels, Value,
ExternalLabels, ExternalURL}``, with ``{{ $labels := .Labels }}{{ $value := .Value }}...`` put in front. So:

- at the top level ``.Labels.x`` and ``$labels.x`` read the alert's labels; ``$labels`` and ``$`` keep meaning the
  alert everywhere, since variables keep the value they were given;
- inside ``range``/``with`` the dot is the value ranged over: over ``query "..."`` (or ``first``,
  ``sortByLabel``, a variable holding a query result) it is a sample of that query, and ``.Labels.x`` reads the
  labels of *that query's* result; ``{{ else }}`` has the outer dot again;
- ``{{ with $labels.x }}``, ``{{ if $labels.x }}`` (or ``and``/``or``/``not`` of it, ``ne $labels.x ""``) test
  whether the label is there: the label is not required, and reading it again in that block (or its ``else``)
  is safe;
- ``define``/``block`` bodies are templates of their own: only ``$`` (their data) exists there.

The queries (string literals, or ``printf "..." args`` whose arguments all stand inside PromQL strings) are
checked like any other expression: :func:`template_queries` makes them query entries placed in the annotation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .collect import make_query
from .gotemplate import GO_BUILTINS, Action, Operand, Pipeline, actions
from .problem import Place, Scope
from .promql_lex import string_spans

PROMETHEUS_FUNCTIONS = frozenset({
    "humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "title", "toUpper",
    "toLower", "match", "reReplaceAll", "query", "first", "label", "value", "sortByLabel", "strvalue", "args",
    "tmpl", "safeHtml", "stripPort", "stripDomain", "pathPrefix", "externalURL", "graphLink", "tableLink",
    "parseDuration", "toTime", "toDuration", "now", "humanizeBytes"})
FUNCTIONS = GO_BUILTINS | PROMETHEUS_FUNCTIONS
ALERT_FIELDS = {"Labels", "Value", "ExternalLabels", "ExternalURL"}
GUARDS = ("and", "or", "not")
PRINTF_VERB = re.compile(r"%[-+# 0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?([a-zA-Z%])")
PRINTF_ARG = "$printf_arg"  # a printf argument inside a PromQL string: a variable, so label-value checks skip it


@dataclass(frozen=True)
class Value:
    """What an expression of the template is, as far as labels go."""

    kind: str = "other"  # alert, labels (of the alert or a sample), result (of a query), sample, string, other
    query: int | None = None  # labels/result/sample: the template query they come from (labels: None = alert)
    text: str | None = None  # string: its value when known
    printf: bool = False  # string: a printf format, whose verbs are filled in when it runs
    read: tuple | None = None  # (query or None for the alert, label) when this is a label read


ALERT = Value("alert")
OTHER = Value()


@dataclass(frozen=True)
class TemplateQuery:
    expr: str | None  # the PromQL it runs (printf arguments as $printf_arg), None when it cannot be known


@dataclass
class TemplateFacts:
    errors: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # labels of the alert read (and not only tested)
    queries: list[TemplateQuery] = field(default_factory=list)  # every `query` call, in order
    reads: list[tuple[int, str]] = field(default_factory=list)  # (query, label): .Labels.x of that query's sample


@dataclass
class _Block:
    keyword: str
    dot: Value  # the dot around the block
    depth: int  # number of variable scopes around it
    guards: frozenset = frozenset()
    saved: list | None = None  # define/block: the variable scopes of the enclosing template


@functools.lru_cache(maxsize=65536)
def analyse(text: str) -> TemplateFacts:
    """The facts of one template; cached, since several checks read the same annotations (do not mutate)."""
    facts = TemplateFacts()
    if "{{" not in text:
        return facts
    parsed, errors = actions(text)
    facts.errors.extend(errors)
    _Walker(facts).run(parsed)
    return facts


def printf_query(fmt: str) -> str | None:
    """The query ``printf fmt ...`` builds, with each argument as ``$printf_arg``; None when an argument stands
    outside a PromQL string (a label name, a number, a range: the query's shape depends on it)."""
    spans = string_spans(fmt)
    out, last = [], 0
    for m in PRINTF_VERB.finditer(fmt):
        verb = m.group(1)
        inside = any(a < m.start() < b for a, b in spans)
        if verb == "%":
            replacement = "%"
        elif inside and verb != "q":
            replacement = PRINTF_ARG
        elif not inside and verb == "q":
            replacement = f'"{PRINTF_ARG}"'
        else:
            return None
        out += [fmt[last:m.start()], replacement]
        last = m.end()
    return "".join(out) + fmt[last:]


class _Walker:
    def __init__(self, facts: TemplateFacts):
        self.facts = facts
        self.dot = ALERT
        self.scopes: list[dict[str, Value]] = [{"$": ALERT, "$labels": Value("labels"), "$value": OTHER,
                                                "$externalLabels": OTHER, "$externalURL": Value("string")}]
        self.stack: list[_Block] = []
        self.pending: list[tuple] = []  # label reads of the action being walked
        self.values: dict[int, Value] = {}  # id(operand or command) -> its value, for the action being walked

    @property
    def guards(self) -> frozenset:
        return frozenset().union(*(b.guards for b in self.stack))

    def run(self, parsed: list[Action]) -> None:
        for action in parsed:
            self.pending, self.values = [], {}
            self.action(action)
            guards = self.guards
            for read in self.pending:
                if read in guards:
                    continue
                if read[0] is None:
                    self.facts.labels.append(read[1])
                else:
                    self.facts.reads.append(read)
        for block in self.stack:
            self.facts.errors.append(f"`{{{{ {block.keyword} }}}}` is never closed with `{{{{ end }}}}`")

    def error(self, message: str, action: Action) -> None:
        self.facts.errors.append(f"{message} in `{{{{ {action.text} }}}}`")

    def action(self, action: Action) -> None:
        keyword = action.keyword
        if keyword is None:
            self.declare(action.pipe, self.pipeline(action.pipe, action), action)
        elif keyword in ("if", "with", "range"):
            self.stack.append(_Block(keyword, self.dot, len(self.scopes)))
            self.scopes.append({})
            self.control(keyword, action)
        elif keyword == "else":
            if not self.stack or self.stack[-1].keyword not in ("if", "with", "range"):
                self.facts.errors.append("`{{ else }}` outside an `if`, `range` or `with`")
                return
            self.dot = self.stack[-1].dot
            if action.chained:
                self.control(action.chained, action)
        elif keyword == "end":
            if not self.stack:
                self.facts.errors.append("`{{ end }}` without an `if`, `range` or `with` to close")
                return
            block = self.stack.pop()
            self.dot = block.dot
            if block.saved is not None:
                self.scopes = block.saved
            del self.scopes[block.depth:]
        elif keyword in ("define", "block"):
            data = self.pipeline(action.pipe, action) if action.pipe is not None else OTHER
            self.stack.append(_Block(keyword, self.dot, len(self.scopes), saved=self.scopes))
            self.scopes, self.dot = [{"$": data}], data
        elif keyword == "template":
            if action.pipe is not None:
                self.pipeline(action.pipe, action)
        elif not any(b.keyword == "range" for b in self.stack[self._template_start():]):
            self.facts.errors.append(f"`{{{{ {keyword} }}}}` outside a `range`")

    def _template_start(self) -> int:
        """Where the blocks of the template being walked start on the stack (after its `define`, if any)."""
        return max((i for i, b in enumerate(self.stack) if b.saved is not None), default=-1) + 1

    def control(self, keyword: str, action: Action) -> None:
        pipe = action.pipe
        value = self.pipeline(pipe, action)
        block = self.stack[-1]
        if keyword in ("if", "with"):
            block.guards |= frozenset(self.tests(pipe))
            self.pending = [r for r in self.pending if r not in block.guards]
        if keyword == "with":
            self.dot = value
        elif keyword == "range":
            self.dot = Value("sample", value.query) if value.kind == "result" else OTHER
            if len(pipe.decl) == 2:
                self.scopes[-1][pipe.decl[0]] = OTHER
                self.scopes[-1][pipe.decl[1]] = self.dot
                return
            value = self.dot
        self.declare(pipe, value, action)

    def tests(self, pipe: Pipeline) -> list[tuple]:
        """The label reads an `if`/`with` only tests for presence: the whole pipeline, an argument of and/or/not,
        or what `eq`/`ne` compares with ""."""
        if len(pipe.commands) != 1:
            return []
        return self._tests(pipe.commands[0], self.values.get(id(pipe.commands[0])), nested=False)

    def _tests(self, command: tuple[Operand, ...], value: Value | None, nested: bool) -> list[tuple]:
        head = command[0]
        if head.kind == "ident" and head.value in GUARDS and not nested:
            return [r for op in command[1:] for r in
                    self._tests(op.pipe.commands[0] if op.kind == "pipe" and len(op.pipe.commands) == 1 else (op,),
                                self.values.get(id(op)), nested=True)]
        if head.kind == "ident" and head.value in ("eq", "ne") and len(command) == 3:
            args = command[1:]
            empty = [op.kind == "string" and not op.value and not op.fields for op in args]
            if any(empty):
                other = self.values.get(id(args[empty.index(True) ^ 1]))
                return [other.read] if other is not None and other.read is not None else []
            return []
        return [value.read] if value is not None and value.read is not None else []

    def declare(self, pipe: Pipeline, value: Value, action: Action) -> None:
        for name in pipe.decl:
            if not pipe.assign:
                self.scopes[-1][name] = value
                continue
            scope = next((s for s in reversed(self.scopes) if name in s), None)
            if scope is None:
                self.facts.errors.append(f"undefined variable `{name}`: declare it with `{name} := ...` first")
            elif scope[name] != value:
                scope[name] = OTHER  # assigned in one branch: either value

    def pipeline(self, pipe: Pipeline, action: Action) -> Value:
        value = None
        for command in pipe.commands:
            value = self.command(command, value, action)
            self.values[id(command)] = value
        return value if value is not None else OTHER

    def command(self, command: tuple[Operand, ...], piped: Value | None, action: Action) -> Value:
        head = command[0]
        if head.kind == "ident":
            args = [self.operand(op, action) for op in command[1:]]
            if piped is not None:
                args.append(piped)
            if head.value not in FUNCTIONS:
                self.error(f"unknown function `{head.value}`", action)
                return OTHER
            return self.call(head.value, args)
        value = self.operand(head, action)
        for op in command[1:]:
            self.operand(op, action)
        return value

    def operand(self, op: Operand, action: Action) -> Value:
        if op.kind == "dot":
            value = self.dot
        elif op.kind == "var":
            value = next((s[op.value] for s in reversed(self.scopes) if op.value in s), None)
            if value is None:
                self.facts.errors.append(f"undefined variable `{op.value}` " + (
                    "(inside `define`, only `$` and the variables it declares exist)" if self._template_start()
                    else "(Prometheus defines $labels, $value, $externalLabels and $externalURL)"))
                value = OTHER
        elif op.kind == "pipe":
            value = self.pipeline(op.pipe, action)
        elif op.kind == "string":
            value = Value("string", text=op.value)
        elif op.kind == "ident":
            value = self.call(op.value, []) if op.value in FUNCTIONS else OTHER
            if op.value not in FUNCTIONS:
                self.error(f"unknown function `{op.value}`", action)
        else:
            value = OTHER
        for name in op.fields:
            value = self.field(value, name, action)
        self.values[id(op)] = value
        return value

    def field(self, value: Value, name: str, action: Action) -> Value:
        if value.kind == "alert":
            if name not in ALERT_FIELDS:
                self.error(f"`.{name}`: an alert template's data has only .Labels, .Value, .ExternalLabels and "
                           ".ExternalURL", action)
            return Value("labels") if name == "Labels" else OTHER
        if value.kind == "labels":
            return self.read(value.query, name)
        if value.kind == "sample":
            if name not in ("Labels", "Value"):
                self.error(f"`.{name}`: a sample of a query has only .Labels and .Value", action)
            return Value("labels", value.query) if name == "Labels" else OTHER
        if value.kind == "result":
            self.error(f"`.{name}` of a query result, which is a list of samples: take one with `first` "
                       "(`{{ with query \"...\" }}{{ (. | first).Labels.x }}`) or `range` over them", action)
        return OTHER

    def read(self, query: int | None, label: str) -> Value:
        read = (query, label)
        self.pending.append(read)
        return Value("string", read=read)

    def call(self, name: str, args: list[Value]) -> Value:
        last = args[-1] if args else OTHER
        if name == "query":
            expr = None
            if last.kind == "string" and last.text is not None:
                expr = printf_query(last.text) if last.printf else last.text
            self.facts.queries.append(TemplateQuery(expr))
            return Value("result", len(self.facts.queries) - 1)
        if name == "first":
            return Value("sample", last.query) if last.kind == "result" else OTHER
        if name == "printf":
            first = args[0] if args else OTHER
            return Value("string", text=first.text, printf=True) if first.kind == "string" else OTHER
        label = args[0].text if args and args[0].kind == "string" else None
        if name == "sortByLabel" and len(args) == 2:
            if last.kind == "result" and label is not None:
                self.read(last.query, label)
            return last
        if name == "label" and len(args) == 2 and last.kind == "sample" and label is not None:
            return self.read(last.query, label)
        if name == "index" and len(args) == 2:
            key = args[1].text if args[1].kind == "string" else None
            if args[0].kind == "labels" and key is not None:
                return self.read(args[0].query, key)
            if args[0].kind == "result":
                return Value("sample", args[0].query)
        return OTHER


def templates(rule) -> list[tuple[str, str, str]]:
    """``(kind, key, text)`` of each template of an alerting rule: its annotations, then its labels."""
    if not rule.is_alert:
        return []
    return [(kind, key, value) for kind in ("annotations", "labels") for key, value in rule.mapping(kind).items()
            if isinstance(value, str)]


def template_place(rule, kind: str, key: str, index: int) -> Place:
    return rule.place.child(f"{kind}.{key}").child(f"query {index + 1}", order=index)


def template_queries(rule) -> list:
    """The queries an alert's templates run that can be known, as query entries placed in the annotation (also
    kept in ``rule.templates`` by (kind, key, index), for alert/template-label-dropped)."""
    for kind, key, text in templates(rule):
        for index, query in enumerate(analyse(text).queries):
            if query.expr is not None:
                scope = Scope(template_place(rule, kind, key, index), {}, rule.scope)
                rule.templates[(kind, key, index)] = make_query("template", query.expr, scope, rule=rule)
    return list(rule.templates.values())
