"""Just enough of Go's text/template to tell whether a Prometheus alert template will render.

Prometheus expands ``summary``, ``description`` (and labels) with Go templates and Prometheus' own functions.
A template that does not parse is sent as an error string; a ``$labels.x`` the expression does not produce
renders as ``<no value>``. :func:`analyse` returns both kinds of facts.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

GO_BUILTINS = {"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le",
               "gt", "ge", "html", "js", "urlquery", "call"}
PROMETHEUS_FUNCTIONS = {"humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp",
                        "title", "toUpper", "toLower", "match", "reReplaceAll", "query", "first", "label", "value",
                        "sortByLabel", "strvalue", "args", "tmpl", "safeHtml", "stripPort", "stripDomain",
                        "pathPrefix", "externalURL", "graphLink", "tableLink", "parseDuration", "toTime",
                        "toDuration", "now", "humanizeBytes"}
KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil",
            "true", "false"}
PREDEFINED = {"$", "$labels", "$value", "$externalLabels", "$externalURL"}
OPENERS = {"if", "range", "with", "define", "block"}
KNOWN_WORDS = frozenset(GO_BUILTINS | PROMETHEUS_FUNCTIONS | KEYWORDS)

TOKEN = re.compile(r'''\s+|"(?:\\.|[^"\\])*"|`[^`]*`|'(?:\\.|[^'\\])+'|:=|=|\||\(|\)|,|'''
                   r'''\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*|(?:\.[A-Za-z0-9_]+)+|\.|'''
                   r'''[+-]?\d[\w.+-]*|[A-Za-z_][A-Za-z0-9_]*''')
LABEL_REF = re.compile(r"^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$")


@dataclass
class TemplateFacts:
    errors: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # label names the template reads from $labels


def _actions(text: str, facts: TemplateFacts) -> list[str]:
    actions, pos = [], 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            return actions
        end = text.find("}}", start + 2)
        if end < 0:
            facts.errors.append(f"unclosed action: `{text[start:start + 30]}` has no `}}}}`")
            return actions
        body = text[start + 2:end]
        if body.startswith("/*"):  # a comment
            pos = end + 2
            continue
        actions.append(body.strip().removeprefix("-").removesuffix("-").strip())
        pos = end + 2


@functools.lru_cache(maxsize=65536)
def analyse(text: str) -> TemplateFacts:
    """The facts of one template; cached, since several checks read the same annotations (do not mutate)."""
    facts = TemplateFacts()
    if "{{" not in text:
        return facts
    declared = set(PREDEFINED)
    stack: list[str] = []
    for action in _actions(text, facts):
        if not action:
            facts.errors.append("empty action `{{ }}`")
            continue
        tokens, pos = [], 0
        while pos < len(action):
            m = TOKEN.match(action, pos)
            if not m:
                facts.errors.append(f"unexpected `{action[pos]}` in `{{{{ {action} }}}}`")
                break
            if not m.group().isspace():
                tokens.append(m.group())
            pos = m.end()
        else:
            _action(tokens, action, declared, stack, facts)
    for opener in stack:
        facts.errors.append(f"`{{{{ {opener} }}}}` is never closed with `{{{{ end }}}}`")
    return facts


def _action(tokens: list[str], action: str, declared: set, stack: list[str], facts: TemplateFacts) -> None:
    first = tokens[0]
    if first in OPENERS:
        stack.append(first)
    elif first == "end":
        if not stack:
            facts.errors.append("`{{ end }}` without an `if`, `range` or `with` to close")
        else:
            stack.pop()
    elif first == "else" and not stack:
        facts.errors.append("`{{ else }}` outside an `if`, `range` or `with`")
    depth = 0
    for i, tok in enumerate(tokens):
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
            if depth < 0:
                facts.errors.append(f"unbalanced `)` in `{{{{ {action} }}}}`")
                return
        elif tok.startswith("$"):
            base = tok.split(".", 1)[0]
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if following in (":=", "=", ","):
                declared.add(base)
            elif base not in declared:
                facts.errors.append(f"undefined variable `{base}` (Prometheus defines $labels, $value, "
                                    "$externalLabels and $externalURL)")
            m = LABEL_REF.match(tok)
            if m:
                facts.labels.append(m.group(1))
        elif tok.startswith(".Labels."):
            facts.labels.append(tok.split(".")[2])
        elif tok[0].isalpha() or tok[0] == "_":
            if tok not in KNOWN_WORDS:
                facts.errors.append(f"unknown function `{tok}` in `{{{{ {action} }}}}`")
        if tok == "index" and i + 2 < len(tokens) and tokens[i + 1] == "$labels" and tokens[i + 2][0] in "\"`":
            facts.labels.append(tokens[i + 2][1:-1])
    if depth != 0:
        facts.errors.append(f"unbalanced `(` in `{{{{ {action} }}}}`")
    if tokens[-1] == "|" or tokens[0] == "|":
        facts.errors.append(f"a pipe `|` needs a command on both sides in `{{{{ {action} }}}}`")
