"""The output formats: text for people, JSON for tools, GitHub annotations for pull requests, SARIF for
code-scanning tools. Every problem links to its check's page (docs/checks/, ``lint --explain CHECK``)."""

from __future__ import annotations

from json.encoder import encode_basestring

from ..problems import format_problem, severity_rank
from ..refdocs.checks import url as page_url
from .runner import Report

GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _location(p) -> str:
    place = p.place
    return f"{place.file}:{place.line}" if place.line else place.file


def at_least(report: Report, severity: str) -> Report:
    """The report without the problems under ``severity``."""
    if severity == "info":
        return report
    return Report([p for p in report.problems if severity_rank(p.severity) >= severity_rank(severity)],
                  report.suppressed)


def fails(report: Report, severity: str) -> bool:
    """Errors fail a run; with ``--min-severity warning`` (or info asked for explicitly as the floor) so do
    warnings."""
    floor = "error" if severity == "info" else severity
    return any(severity_rank(p.severity) >= severity_rank(floor) for p in report.problems)


def _documented(name: str) -> bool:
    from .registry import check_names

    return name in check_names()


def text(report: Report) -> str:
    """One line a problem, led by the Python line that declared the object when known (the line to edit), the
    generated file and the place inside it after; then the pages of the checks that spoke, and the summary."""
    lines = [format_problem(p, declaration_first=True) for p in report.problems]
    checks = sorted({p.check for p in report.problems if _documented(p.check)})
    if checks:
        lines.append("what each check means (or `lint --explain CHECK`):")
        lines += [f"  {c}: {page_url(c)}" for c in checks]
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
    return "[\n  " + ",\n  ".join(_with_doc(p) for p in report.problems) + "\n]\n"


def _with_doc(problem) -> str:
    """``to_json()`` with the check's page as ``doc`` (null for the runner's own checks)."""
    doc = encode_basestring(page_url(problem.check)) if _documented(problem.check) else "null"
    return problem.to_json()[:-1] + f', "doc": {doc}}}'


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
        doc = f" ({page_url(p.check)})" if _documented(p.check) else ""
        lines.append(f"::{GITHUB_LEVEL[p.severity]} {props}::{_escape(where + p.message + doc)}")
    return "\n".join(lines) + ("\n" if lines else "")


def sarif(report: Report) -> str:
    from .sarif import sarif as render

    return render(report)


FORMATS = {"text": text, "json": as_json, "github": github, "sarif": sarif}
