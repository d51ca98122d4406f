"""The three output formats: text for people, JSON for tools, GitHub annotations for pull requests."""

from __future__ import annotations

from ..problems import format_problem
from .runner import Report

GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _location(p) -> str:
    place = p.place
    return f"{place.file}:{place.line}" if place.line else place.file


def text(report: Report) -> str:
    lines = [format_problem(p) for p in report.problems]
    lines += summary(report)
    return "\n".join(lines) + "\n"


def summary(report: Report) -> list[str]:
    lines = []
    if report.suppressed:
        lines.append(f"{len(report.suppressed)} suppressed:")
        for p in report.suppressed:
            where = f" {p.place.where}" if p.place.where else ""
            lines.append(f"  {_location(p)}:{where} [{p.check}] suppressed: {p.suppressed_by}")
    counts = ", ".join(f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}"
                       for s in ("error", "warning", "info"))
    lines.append(f"lint: {counts}" + (f", {len(report.suppressed)} suppressed" if report.suppressed else ""))
    return lines


def as_json(report: Report) -> str:
    """A JSON array with one problem per line: as easy to read and to grep as indented JSON, and written at the
    speed of the C encoder (``json.dumps(indent=...)`` falls back to pure Python: a third of a big lint's time)."""
    if not report.problems:
        return "[]\n"
    return "[\n  " + ",\n  ".join(p.to_json() for p in report.problems) + "\n]\n"


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(report: Report) -> str:
    lines = []
    for p in report.problems:
        src = p.place.source
        file, line = (src.file, src.line) if src else (p.place.file, p.place.line)
        props = f"file={_escape(file, prop=True)}"
        if line:
            props += f",line={line}"
        props += f",title={_escape(p.check, prop=True)}"
        where = f"{p.place.where}: " if p.place.where else ""
        lines.append(f"::{GITHUB_LEVEL[p.severity]} {props}::{_escape(where + p.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


FORMATS = {"text": text, "json": as_json, "github": github}
