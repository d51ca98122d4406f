"""PromQL as Prometheus lexes it, where the parser library differs: strings, comments, keywords used as names, and
syntax that Prometheus only accepts behind a feature flag.

``promql_parser`` (the Rust parser the linter uses) follows Prometheus 3 closely, with three gaps that real
queries hit, closed here before it sees the text:

- a backtick string is raw in Prometheus (``{__name__=~`a\\d+`}``: no escapes), but the library reads escapes in
  it; :func:`prepare` rewrites it as the double-quoted string with the same value;
- ``anchored`` and ``smoothed`` are modifiers in Prometheus 3.7+ (behind a flag) and plain names everywhere else
  (``sum by (anchored) (x)``); the library refuses them as names, so they are renamed for the parse and renamed
  back in the tree (:data:`RENAMED`);
- a ``#`` comment runs to the end of the line, and quotes inside it open no string (:func:`string_spans`).

Syntax that needs a feature flag is recognised by :func:`experimental_feature`, so that the linter says which flag
instead of reporting a bare parse error.
"""

from __future__ import annotations

import re

# Names the parser library keeps as keywords though Prometheus lexes them as identifiers outside modifier position.
KEYWORD_NAMES = ("anchored", "smoothed")
RENAMED = {f"__lint_kw_{name}": name for name in KEYWORD_NAMES}
_RENAME = {name: alias for alias, name in RENAMED.items()}

_IDENT = re.compile(r"[A-Za-z_:][\w:]*")


def tokens(text: str):
    """``(kind, start, end)`` for each string (``"`` ``'`` `````), comment and identifier of ``text``; other
    characters are skipped. An unterminated string or comment runs to the end."""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" and ch != "`" else 1
            yield "string", i, min(j + 1, n)
            i = j + 1
        elif ch == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            yield "comment", i, j
            i = j
        elif ch.isalpha() or ch in "_:":
            m = _IDENT.match(text, i)
            yield "ident", i, m.end()
            i = m.end()
        elif ch.isdigit() or ch == ".":  # a number or duration (1h30m, 0x1F, 1e3): never an identifier
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "._"):
                j += 1
            i = j
        else:
            i += 1


def string_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every string and comment (end exclusive): text there is not PromQL syntax."""
    return [(a, b) for kind, a, b in tokens(text) if kind != "ident"]


def _is_modifier(text: str, start: int) -> bool:
    """True when the keyword at ``start`` follows a selector, range or ``@``: the Prometheus 3.7 modifier."""
    before = text[:start].rstrip()
    if not before:
        return False
    last = before[-1]
    return last in "]}" or last.isalnum() or last == "_"


def prepare(text: str) -> str:
    """The text the parser library reads as Prometheus reads ``text`` (see the module docstring)."""
    if "`" not in text and not any(k in text for k in KEYWORD_NAMES):
        return text
    out, last = [], 0
    for kind, a, b in tokens(text):
        if kind == "string" and text[a] == "`":
            raw = text[a + 1:b - 1] if b - a >= 2 and text[b - 1] == "`" else text[a + 1:b]
            out.append(text[last:a])
            out.append('"' + raw.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"')
            last = b
        elif kind == "ident" and text[a:b] in _RENAME and not _is_modifier(text, a):
            out.append(text[last:a])
            out.append(_RENAME[text[a:b]])
            last = b
    out.append(text[last:])
    return "".join(out)


def restore(name: str | None) -> str | None:
    """A name as written, after :func:`prepare` renamed a keyword."""
    return RENAMED.get(name, name) if name else name


# Syntax Prometheus accepts only with --enable-feature=<flag>: (flag, what, pattern over text outside strings).
_DURATION_FUNCS = r"(?:step|range|min_of|max_of)\s*\("
EXPERIMENTAL = (
    ("promql-duration-expr", "a duration computed by an expression (arithmetic, step(), range(), min_of, max_of)",
     re.compile(rf"\[[^\]:]*(?:[-+*/%^(]|{_DURATION_FUNCS})|\boffset\s*[-+]?\s*(?:\(|{_DURATION_FUNCS})"
                rf"|:\s*[^\]]*(?:[-+*/%^(]|{_DURATION_FUNCS})[^\]]*\]", re.I)),
    ("promql-extended-range-selectors", "the range modifier `anchored` or `smoothed`",
     re.compile(r"(?:[\]}\w])\s+(?:anchored|smoothed)\b")),
    ("promql-experimental-functions", "an experimental function (info, sort_by_label, limitk, ...)",
     re.compile(r"\b(?:info|sort_by_label|sort_by_label_desc|limitk|limit_ratio|mad_over_time|ts_of_\w+|"
                r"first_over_time|double_exponential_smoothing)\s*\(")),
    (None, "a native-histogram trim operator (`</` or `>/`)", re.compile(r"[<>]/")),
)


def _code_only(text: str) -> str:
    """``text`` with strings and comments blanked out, so patterns never match inside them."""
    chars = list(text)
    for a, b in string_spans(text):
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def experimental_feature(text: str) -> tuple[str | None, str] | None:
    """``(flag, what)`` when ``text`` uses syntax that Prometheus only parses behind a feature flag (``flag`` is
    None when the syntax is newer than the PromQL this linter knows), else None."""
    code = _code_only(text)
    for flag, what, pattern in EXPERIMENTAL:
        if pattern.search(code):
            return flag, what
    return None
