"""The Python source writer of the importer: JSON data as Python literals, and calls (``name(args)``, nested
:class:`Code`) laid out in the house style, one line when it fits in WIDTH characters, else one argument a line.
:mod:`.fit` renders candidate helper calls with it, :mod:`.codegen` whole dashboard modules.
"""

from __future__ import annotations

import json

WIDTH = 120
INDENT = "    "


# ---------------------------------------------------------------------------------------------------------------
# Literals


def _string(s: str) -> str:
    """``s`` as ruff format writes a string: in double quotes, unless single quotes need fewer escapes. JSON's
    escapes are Python's."""
    text = json.dumps(s, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: spell it as an escape
        text = json.dumps(s)
    if s.count('"') > s.count("'"):
        text = "'" + text[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
    return text


def inline(value) -> str:
    """``value`` (JSON data) as a one-line Python literal."""
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{inline(str(k))}: {inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(inline(v) for v in value) + "]"
    raise TypeError(f"not JSON data: {type(value).__name__}")


def _chunks(s: str, room: int) -> list[str]:
    """``s`` in pieces that fit ``room`` once quoted, each cut after a space or a newline, never inside a word (a
    PromQL token, a URL): a word longer than ``room`` stays whole, on a line longer than the rest. A string that
    fits whole is one piece, newlines and all (ruff format would join the pieces again)."""
    if len(_string(s)) <= room:
        return [s]
    out, piece = [], ""
    for ch in s:
        if piece and len(_string(piece + ch)) > room:
            cut = _last_break(piece)
            if cut >= 0:
                out.append(piece[:cut + 1])
                piece = piece[cut + 1:]
        piece += ch
        if ch == "\n" and len(piece) > 1:
            out.append(piece)
            piece = ""
    if piece or not out:
        out.append(piece)
    return out


def _last_break(piece: str) -> int:
    """Where ``piece`` may end: after its last space, newline, or ``,`` ``(`` ``{`` outside a quoted string
    (between two PromQL tokens, never inside one); -1 when nowhere."""
    last = max(piece.rfind(" "), piece.rfind("\n"))
    quoted = False
    for i, ch in enumerate(piece):
        if ch == '"' and (i == 0 or piece[i - 1] != "\\"):
            quoted = not quoted
        elif ch in ",({" and not quoted and i < len(piece) - 1:
            last = max(last, i)
    return last if last > 0 else -1


def literal(value, depth: int, prefix: str = "", suffix: str = ",") -> list[str]:
    """``value`` as lines of Python at ``depth`` levels of indentation, after ``prefix`` and before ``suffix``."""
    pad = INDENT * depth
    one = f"{pad}{prefix}{inline(value)}{suffix}"
    if len(one) <= WIDTH:
        return [one]
    if isinstance(value, dict) and value:
        lines = [f"{pad}{prefix}{{"]
        for k, v in value.items():
            lines += literal(v, depth + 1, f"{inline(str(k))}: ")
        return lines + [f"{pad}}}{suffix}"]
    if isinstance(value, (list, tuple)) and value:
        lines = [f"{pad}{prefix}["]
        for v in value:
            lines += literal(v, depth + 1)
        return lines + [f"{pad}]{suffix}"]
    if isinstance(value, str):
        room = WIDTH - len(pad) - len(INDENT)
        # A piece still too long holds a token longer than a line (a long regex): whole, and said so to the
        # line-length check (which ignores a line of one word, such as a URL, by itself).
        pieces = [f"{pad}{INDENT}{_string(c)}" + ("  # noqa: E501" if len(pad + INDENT + _string(c)) > WIDTH
                                                 and len(_string(c).split()) > 1 else "")
                  for c in _chunks(value, room)]
        return [f"{pad}{prefix}(", *pieces, f"{pad}){suffix}"]
    return [one]


def call(name: str, args: list, depth: int, suffix: str = ",", prefix: str = "") -> list[str]:
    """``name(args)``; ``args`` are values, or (keyword, value) for keyword arguments. One line when it fits."""
    pad = INDENT * depth
    one = f"{pad}{prefix}{name}({', '.join(_arg_inline(a) for a in args)}){suffix}"
    if len(one) <= WIDTH:
        return [one]
    lines = [f"{pad}{prefix}{name}("]
    for a in args:
        if isinstance(a, tuple) and isinstance(a[1], Code):
            lines += a[1].lines(depth + 1, f"{a[0]}=")
        elif isinstance(a, Code):
            lines += a.lines(depth + 1)
        elif isinstance(a, tuple):
            lines += literal(a[1], depth + 1, f"{a[0]}=")
        else:
            lines += literal(a, depth + 1)
    return lines + [f"{pad}){suffix}"]


class Code:
    """Source already formatted (a call, a list of calls), nested inside a :func:`call`."""

    def __init__(self, name: str | None, args: list, comment: str = ""):
        self.name, self.args, self.comment = name, args, comment

    def inline(self) -> str:
        if self.name is None:
            return "[" + ", ".join(a.inline() for a in self.args) + "]"
        return self.name + "(" + ", ".join(_arg_inline(a) for a in self.args) + ")"

    def lines(self, depth: int, prefix: str = "") -> list[str]:
        pad = INDENT * depth
        head = [f"{pad}# {line}" for line in self.comment.splitlines()] if self.comment else []
        if self.name is None:  # a list of Code
            body = [f"{pad}{prefix}["]
            for item in self.args:
                body += item.lines(depth + 1)
            return head + body + [f"{pad}],"]
        return head + call(self.name, self.args, depth, prefix=prefix)


def _arg_inline(a) -> str:
    if isinstance(a, tuple):
        return f"{a[0]}={_arg_inline(a[1])}"
    return a.inline() if isinstance(a, Code) else inline(a)
