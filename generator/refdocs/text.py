"""Small text helpers shared by the reference pages: docstrings' reStructuredText to Markdown, table cells."""

from __future__ import annotations

import re


def prose(text: str) -> str:
    """``literal`` -> `literal`, :func:`x` / :mod:`x` / :class:`x` -> `x`; whitespace runs folded."""
    text = re.sub(r":(?:func|mod|class|data|meth|attr):`~?([^`]+)`", r"`\1`", text or "")
    text = text.replace("``", "`")
    return re.sub(r"[ \t]*\n[ \t]*(?=\S)", " ", text).strip()


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def first_paragraph(doc: str | None) -> str:
    return prose((doc or "").strip().split("\n\n", 1)[0])
