"""Go's text/template, read as its parser reads it: the text split into actions, each action parsed into its
keyword and pipeline.

Prometheus expands alert annotations and labels with Go templates; :mod:`generator.lint.alerttemplate` walks the
actions parsed here with Prometheus' data (the alert, query results, samples) to know what each ``.`` and
``$variable`` is. Errors are the ones Go's parser reports, in words for the person fixing the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset({"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"})
GO_BUILTINS = frozenset({"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt",
                         "le", "gt", "ge", "html", "js", "urlquery", "call"})
CONSTANTS = {"true": "bool", "false": "bool", "nil": "nil"}
MAX_NESTING = 50  # parentheses inside one action; no real template comes near

TOKEN = re.compile(r'''(?P<space>\s+)|(?P<string>"(?:\\.|[^"\\\n])*")|(?P<raw>`[^`]*`)|(?P<char>'(?:\\.|[^'\\])+')|'''
                   r'''(?P<op>:=|=|\||\(|\)|,)|(?P<var>\$[A-Za-z0-9_]*)|(?P<field>\.[A-Za-z_][A-Za-z0-9_]*)|'''
                   r'''(?P<number>[+-]?(?:\d|\.\d)[\w.+-]*)|(?P<dot>\.)|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)''')
COMMENT_START = re.compile(r"\s*/\*")
COMMENT_END = re.compile(r"\s*(?:-\s*)?}}")
ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)", re.S)
SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


class TemplateError(ValueError):
    """An action Go's parser refuses (the message is for the person fixing it)."""


@dataclass(frozen=True, eq=False)
class Operand:
    """One argument of a command: ``.``, ``.Labels.x``, ``$v.Labels``, ``"text"``, ``3``, ``query``, ``(...)``."""

    kind: str  # "dot", "var", "ident", "string", "number", "bool", "nil", "pipe"
    value: str = ""  # the variable (with its $), the function name, the string's value, the number as written
    fields: tuple[str, ...] = ()  # the fields read after it: .Labels.x -> ("Labels", "x")
    pipe: Pipeline | None = None  # kind "pipe": the parenthesised pipeline


@dataclass(frozen=True, eq=False)
class Pipeline:
    commands: tuple[tuple[Operand, ...], ...]
    decl: tuple[str, ...] = ()  # variables declared (:=) or assigned (=) the pipeline's value
    assign: bool = False  # `=`: the variables exist already


@dataclass(frozen=True, eq=False)
class Action:
    keyword: str | None  # if, else, end, range, with, define, template, block, break, continue; None: a pipeline
    pipe: Pipeline | None = None
    name: str | None = None  # the template name of define, block and template
    chained: str | None = None  # `else if` / `else with`: "if" or "with"
    text: str = ""  # as written between the delimiters, for messages


def unquote(token: str) -> str:
    """The value of a Go string literal (interpreted ``"..."`` or raw backtick)."""
    if token.startswith("`"):
        return token[1:-1]

    def one(m: re.Match) -> str:
        code = m.group(1)
        if code[0] in "xuU":
            return chr(int(code[1:], 16))
        if code[0] in "01234567" and len(code) == 3:
            return chr(int(code, 8))
        return SIMPLE_ESCAPES.get(code, code)

    return ESCAPE.sub(one, token[1:-1])


def actions(text: str) -> tuple[list[Action], list[str]]:
    """The actions of ``text`` in order, and the errors of those that do not parse (they are left out)."""
    out: list[Action] = []
    errors: list[str] = []
    pos = 0
    while True:
        start = text.find("{{", pos)
        if start < 0:
            return out, errors
        pos = start + 2
        if text.startswith("-", pos) and pos + 1 < len(text) and text[pos + 1].isspace():
            pos += 2
        if COMMENT_START.match(text, pos):  # a comment: {{/* ... */}}
            end = text.find("*/", pos)
            if end < 0:
                errors.append("unclosed comment: `{{/*` has no `*/}}`")
                return out, errors
            if not COMMENT_END.match(text, end + 2):
                errors.append("a comment must end at the closing `}}`: `{{/* ... */}}`")
            close = text.find("}}", end + 2)
            pos = close + 2 if close >= 0 else len(text)
            continue
        tokens, pos, error = _lex(text, pos)
        if error == "unclosed":
            errors.append(f"unclosed action: `{text[start:start + 30]}` has no `}}}}`")
            return out, errors
        written = text[start + 2:pos - 2].strip().removeprefix("- ").removesuffix(" -").strip()
        if len(written) > 100:
            written = written[:97] + "..."
        if error:
            errors.append(f"{error} in `{{{{ {written} }}}}`")
            continue
        if not tokens:
            errors.append("empty action `{{ }}`")
            continue
        try:
            out.append(_Parser(tokens, written).action())
        except TemplateError as e:
            errors.append(f"{e} in `{{{{ {written} }}}}`")


def _lex(text: str, pos: int) -> tuple[list[tuple[str, str, bool]], int, str | None]:
    """Tokens ``(kind, text, adjacent to the previous one)`` of the action at ``pos``, the position after its
    ``}}``, and an error ("unclosed", or what is wrong)."""
    tokens: list[tuple[str, str, bool]] = []
    adjacent = False
    while pos < len(text):
        if text.startswith("}}", pos):
            return tokens, pos + 2, None
        if text.startswith("-}}", pos) and pos > 0 and text[pos - 1].isspace():
            return tokens, pos + 3, None
        m = TOKEN.match(text, pos)
        if not m:
            end = text.find("}}", pos)
            return tokens, (end + 2 if end >= 0 else len(text)), (f"unexpected `{text[pos]}`" if end >= 0
                                                                   else "unclosed")
        kind = m.lastgroup
        if kind == "space":
            adjacent = False
        else:
            tokens.append((kind, m.group(), adjacent))
            adjacent = True
        pos = m.end()
    return tokens, pos, "unclosed"


class _Parser:
    """Recursive descent over one action's tokens (Go's text/template/parse, without positions)."""

    def __init__(self, tokens: list[tuple[str, str, bool]], written: str):
        self.tokens = tokens
        self.i = 0
        self.written = written
        self.depth = 0

    def peek(self, offset: int = 0) -> tuple[str, str, bool] | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> tuple[str, str, bool]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def action(self) -> Action:
        kind, word, _ = self.tokens[0]
        if kind != "ident" or word not in KEYWORDS:
            return self.finish(Action(None, self.pipeline(decl_max=1)))
        self.i = 1
        if word in ("end", "break", "continue"):
            return self.finish(Action(word))
        if word == "else":
            nxt = self.peek()
            if nxt is not None and nxt[0] == "ident" and nxt[1] in ("if", "with"):
                self.i += 1
                return self.finish(Action("else", self.control(nxt[1]), chained=nxt[1]))
            return self.finish(Action("else"))
        if word in ("if", "with", "range"):
            return self.finish(Action(word, self.control(word)))
        name = self.take() if self.peek() is not None else ("", "", False)
        if name[0] not in ("string", "raw"):
            raise TemplateError(f"`{word}` needs a template name in quotes")
        pipe = None
        if word == "block" or (word == "template" and self.peek() is not None):
            pipe = self.pipeline(decl_max=0)
        return self.finish(Action(word, pipe, name=unquote(name[1])))

    def finish(self, action: Action) -> Action:
        if self.peek() is not None:
            raise TemplateError(f"unexpected `{self.peek()[1]}`")
        return Action(action.keyword, action.pipe, action.name, action.chained, self.written)

    def control(self, word: str) -> Pipeline:
        if self.peek() is None:
            raise TemplateError(f"missing value for `{word}`")
        return self.pipeline(decl_max=2 if word == "range" else 1)

    def pipeline(self, decl_max: int, closing: bool = False) -> Pipeline:
        decl, assign = self.declaration(decl_max)
        commands = []
        while True:
            token = self.peek()
            if token is None or token[1] == ")":
                if closing and token is None:
                    raise TemplateError("unbalanced `(`")
                if not closing and token is not None:
                    raise TemplateError("unbalanced `)`")
                if not commands:
                    raise TemplateError("missing value" if not decl else f"missing value for `{decl[-1]}`")
                return Pipeline(tuple(commands), decl, assign)
            if token[1] == "|":
                raise TemplateError("a pipe `|` needs a command on both sides")
            commands.append(self.command())
            if self.peek() is not None and self.peek()[1] == "|":
                self.i += 1
                if self.peek() is None or self.peek()[1] == ")":
                    raise TemplateError("a pipe `|` needs a command on both sides")

    def declaration(self, decl_max: int) -> tuple[tuple[str, ...], bool]:
        names = []
        j = self.i
        while j < len(self.tokens) and self.tokens[j][0] == "var":
            names.append(self.tokens[j][1])
            nxt = self.tokens[j + 1][1] if j + 1 < len(self.tokens) else None
            if nxt in (":=", "="):
                if len(names) > max(decl_max, 1) or (nxt == "=" and len(names) > 1):
                    raise TemplateError("too many variables declared")
                self.i = j + 2
                return tuple(names), nxt == "="
            if nxt != "," or decl_max < 2:
                break
            j += 2
        return (), False

    def command(self) -> tuple[Operand, ...]:
        operands = []
        while (token := self.peek()) is not None and token[1] not in ("|", ")"):
            operands.append(self.operand())
        return tuple(operands)

    def operand(self) -> Operand:
        kind, word, _ = self.take()
        if word == "(":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise TemplateError("parentheses nest too deeply")
            pipe = self.pipeline(decl_max=1, closing=True)
            self.i += 1  # the `)`
            self.depth -= 1
            return Operand("pipe", fields=self.fields(), pipe=pipe)
        if kind in ("op",):
            raise TemplateError(f"unexpected `{word}`")
        if kind == "field":
            return Operand("dot", fields=(word[1:],) + self.fields())
        if kind in ("string", "raw"):
            return Operand("string", unquote(word))
        if kind == "ident":
            if word in KEYWORDS:
                raise TemplateError(f"unexpected `{word}`")
            return Operand(CONSTANTS.get(word, "ident"), word)
        operand_kind = {"var": "var", "dot": "dot", "char": "number", "number": "number"}[kind]
        return Operand(operand_kind, word if kind != "dot" else "", fields=self.fields())

    def fields(self) -> tuple[str, ...]:
        out = []
        while (token := self.peek()) is not None and token[0] == "field" and token[2]:
            out.append(self.take()[1][1:])
        return tuple(out)
