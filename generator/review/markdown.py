"""A review rendered three ways: text for a terminal, Markdown for a pull-request comment, JSON for tools."""

from __future__ import annotations

import difflib
import json
import os

from .model import ADDED, REMOVED, DashboardChange, Field, Item, Review

SIGN = {ADDED: "+", REMOVED: "-"}
LONG = 6  # a dashboard with more items than this, or any query, goes into a collapsible <details>


# ---------------------------------------------------------------------------------------------------------------
# Text


def _one_line(value: str | None) -> str:
    return "(none)" if value is None else " ".join(str(value).split())


def _text_field(f: Field, indent: str) -> list[str]:
    if f.code and ((f.old and "\n" in f.old) or (f.new and "\n" in f.new)):
        lines = [f"{indent}{f.name}:"]
        for label, value in (("old", f.old), ("new", f.new)):
            lines.append(f"{indent}  {label}:" + (" (none)" if value is None else ""))
            lines += [f"{indent}    {line}" for line in (value or "").splitlines()]
        return lines
    return [f"{indent}{f.name}: {_one_line(f.old)} → {_one_line(f.new)}"]


def _text_item(item: Item, indent: str) -> list[str]:
    sign = SIGN.get(item.status, "~")
    lines = [f"{indent}{sign} {item.label}" + (f" ({'; '.join(item.notes)})" if item.notes else "")]
    for f in item.fields:
        lines += _text_field(f, indent + "    ")
    return lines


def text(review: Review) -> str:
    lines = [review.summary()]
    for dash in review.dashboards:
        lines.append("")
        lines.append(f"{SIGN.get(dash.status, '~')} dashboard {dash.uid} \"{dash.title}\" ({_dash_status(dash)})")
        for item in dash.items:
            lines += _text_item(item, "  ")
        lines += [f"  {k}: {v}" for k, v in dash.pictures.items()]
    if review.rules:
        lines += ["", "rules:"]
        for item in review.rules:
            lines += _text_item(item, "  ")
    for title, problems in (("lint problems introduced", review.lint_introduced),
                            ("lint problems fixed", review.lint_fixed)):
        if problems:
            lines += ["", f"{title}:"] + [f"  {_problem(p)}" for p in problems]
    if review.other_files:
        lines += ["", "other generated files changed: " + ", ".join(review.other_files)]
    lines += [f"note: {n}" for n in review.notes]
    return "\n".join(lines) + "\n"


def _dash_status(dash: DashboardChange) -> str:
    if dash.status in (ADDED, REMOVED):
        return f"{dash.status}, {dash.panels} panel{'s' if dash.panels != 1 else ''}"
    return f"{dash.status}: {len(dash.items)} item{'s' if len(dash.items) != 1 else ''}"


def _problem(p: dict) -> str:
    where = f"{p.get('where')}: " if p.get("where") else ""
    return f"{p.get('severity')} [{p.get('check')}] {p.get('file')}: {where}{p.get('message')}"


# ---------------------------------------------------------------------------------------------------------------
# Markdown


def _code(value: str | None) -> str:
    if value is None:
        return "_(none)_"
    text = " ".join(str(value).split())
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}" if text else "_(empty)_"


def _md_field(f: Field) -> list[str]:
    if not f.code:
        return [f"  - {f.name}: {_code(f.old)} → {_code(f.new)}"]
    out = [f"  - {f.name}:", ""]
    if f.old is not None and f.new is not None:
        out += ["    ```diff"] + [f"    {line}" for line in line_diff(f.old, f.new)] + ["    ```", ""]
    else:
        out += ["    ```promql"] + [f"    {line}" for line in (f.new or f.old or "").splitlines()] + ["    ```", ""]
    return out


def line_diff(old: str, new: str) -> list[str]:
    """Lines of ``old`` and ``new`` marked ``-``, ``+`` or kept (two spaces), as a ``diff`` code block shows them."""
    a, b = old.splitlines(), new.splitlines()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out += [f"  {line}" for line in a[i1:i2]]
        else:
            out += [f"- {line}" for line in a[i1:i2]] + [f"+ {line}" for line in b[j1:j2]]
    return out


def _md_item(item: Item) -> list[str]:
    sign = {ADDED: "➕", REMOVED: "➖"}.get(item.status, "✏️")
    notes = f" — {'; '.join(item.notes)}" if item.notes else ""
    kind, _, name = item.label.partition(" ")
    label = f"**{kind}** {name}" if name else f"**{item.label}**"
    return [f"- {sign} {label} {item.status}{notes}"] + [x for f in item.fields for x in _md_field(f)]


def _details(summary: str, body: list[str], open_: bool) -> list[str]:
    return [f"<details{' open' if open_ else ''}><summary>{summary}</summary>", ""] + body + ["", "</details>", ""]


def markdown(review: Review, *, picture_url=None) -> str:
    """The review as a pull-request comment. ``picture_url(path)`` turns a picture's path into a link."""
    lines = ["### Dashboards and rules review", "", f"**{review.summary()}**", ""]
    if not review.changed:
        return "\n".join(lines + review.notes) + "\n"
    for dash in review.dashboards:
        lines.append(f"#### {_md_sign(dash.status)} Dashboard `{dash.uid}` — {dash.title} ({_dash_status(dash)})")
        lines.append("")
        body = [x for item in dash.items for x in _md_item(item)]
        long = len(dash.items) > LONG or any(f.code for i in dash.items for f in i.fields)
        lines += _details(f"{len(dash.items)} change{'s' if len(dash.items) != 1 else ''}", body, len(body) < 40) \
            if long else body + [""]
        lines += _md_pictures(dash, picture_url)
    if review.rules:
        lines += ["#### Rules", ""]
        body = [x for item in review.rules for x in _md_item(item)]
        lines += _details(f"{len(review.rules)} rule{'s' if len(review.rules) != 1 else ''} changed", body,
                          len(body) < 40)
    for title, problems in (("Lint problems introduced", review.lint_introduced),
                            ("Lint problems fixed", review.lint_fixed)):
        if problems:
            body = [f"- {_code(_problem(p))}" for p in problems]
            lines += [f"#### {title} ({len(problems)})", ""]
            lines += _details("problems", body, len(problems) <= LONG) if len(problems) > 3 else body + [""]
    if review.other_files:
        lines += ["Other generated files changed: " + ", ".join(f"`{p}`" for p in review.other_files), ""]
    lines += [f"_{n}_" for n in review.notes]
    return "\n".join(lines).rstrip() + "\n"


def _md_sign(status: str) -> str:
    return {ADDED: "➕", REMOVED: "➖"}.get(status, "✏️")


def _md_pictures(dash: DashboardChange, picture_url) -> list[str]:
    if not dash.pictures:
        return []
    link = picture_url or (lambda p: p)
    cells = [f"![{k}: {dash.uid}]({link(v)})" for k, v in dash.pictures.items()]
    heads = list(dash.pictures)
    body = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads), "| " + " | ".join(cells) + " |"]
    return _details("before and after", body, True)


def as_json(review: Review) -> str:
    return json.dumps(review.to_dict(), indent=2, ensure_ascii=False) + "\n"


def relative_link(base_dir: str):
    """Links relative to where the Markdown is written (a PR comment uploads or points at them separately)."""
    return lambda path: os.path.relpath(path, base_dir)


FORMATS = {"text": text, "markdown": markdown, "json": as_json}
