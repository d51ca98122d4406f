"""docs/checks/<area>-<name>.md: one page per lint check, from its module's docstring (in the manner of pint's
per-check pages and ruff's rule pages), and the index docs/checks/README.md. ``lint --explain CHECK`` prints the
same page."""

from __future__ import annotations

import textwrap

from .text import cell, prose

# Where the pages are published: every lint problem links to its check's page there.
DOCS_URL = "https://github.com/example/ai-monitoring-as-code/blob/main/docs"
ENTRIES = {"query": "every PromQL expression (panel targets, variable queries, alert and recording rules)",
           "panel": "every dashboard panel", "dashboard": "every dashboard", "rule": "every alert and recording rule",
           "ruleset": "every rule file", "catalog": "the metric catalog"}


META_DOCS = {
    "lint/unknown-check": "a suppression or `[tool.generator.lint]` names a check that does not exist.",
    "lint/suppression-without-reason": "a suppression gives no reason.",
    "lint/unused-suppression": "a suppression suppresses nothing (the problem is gone, or was never there).",
    "lint/internal-error": "a check crashed on an input: a bug of the linter; the other checks still ran.",
    "lint/unreadable-file": "a file given on the command line cannot be read or parsed; the others are linted.",
}


def page_name(check: str) -> str:
    return check.replace("/", "-") + ".md"


def url(check: str) -> str:
    return f"{DOCS_URL}/checks/{page_name(check)}"


def sections(doc: str) -> tuple[str, dict[str, str]]:
    """The docstring's first line and its sections (What it catches, Why it matters, examples), dedented."""
    from ..lint.registry import DOC_SECTIONS

    lines = textwrap.dedent("\n".join((doc or "").strip().splitlines()[1:])).splitlines()
    first = (doc or "").strip().splitlines()[0]
    out: dict[str, list[str]] = {}
    current = None
    for line in lines:
        if line.strip() in DOC_SECTIONS:
            current = line.strip().rstrip(":")
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return first, {k: textwrap.dedent("\n".join(v)).strip("\n") for k, v in out.items()}


def _example(body: str) -> list[str]:
    """An example section: its first paragraph is the input (a code block), later ones are prose."""
    paragraphs = body.split("\n\n")
    kind = "yaml" if ":" in paragraphs[0].split("\n", 1)[0] and "(" not in paragraphs[0].split(":", 1)[0] \
        else "promql"
    out = [f"```{kind}", paragraphs[0], "```"]
    for p in paragraphs[1:]:
        out += ["", prose(p)]
    return out


def check_page(module) -> str:
    from ..lint.registry import GATES

    first, parts = sections(module.__doc__)
    summary = first.split(":", 1)[1].strip() if ":" in first else first
    needs = getattr(module, "NEEDS_CATALOG", False)
    facts = [f"**Severity**: {module.SEVERITY}", f"**Looks at**: {ENTRIES.get(module.ENTRY, module.ENTRY)}",
             "**Needs a catalog**: yes (skipped by `lint --no-catalog`)" if needs else "**Needs a catalog**: no"]
    if module in GATES:
        facts.append("**Gate**: the build refuses what it reports, too")
    out = [f"# {module.NAME}", "", prose(summary[:1].upper() + summary[1:]), "", " · ".join(facts)]
    for title in ("What it catches", "Why it matters"):
        out += ["", f"## {title}", "", "\n\n".join(prose(p) for p in parts.get(title, "").split("\n\n"))]
    for title in ("Failing example", "Passing example"):
        out += ["", f"## {title}", "", *_example(parts.get(title, ""))]
    out += ["", "## Silencing it", "",
            f"For one object, with a reason: `suppress={{\"{module.NAME}\": \"why\"}}` on the Python declaration "
            f"(a panel helper, `P.target`, `Alert`, `Recording`), `# lint: ignore {module.NAME} why` above a rule "
            f"in a rule file, or `\"lintIgnore\": {{\"{module.NAME}\": \"why\"}}` in dashboard JSON. For the "
            f"repository: `disable = [\"{module.NAME}\"]` or `severity = {{\"{module.NAME}\" = \"warning\"}}` "
            "under `[tool.generator.lint]` in `pyproject.toml`.",
            "", f"Source: `generator/lint/checks/{module.__name__.rsplit('.', 1)[-1]}.py`, its cases beside it."]
    return "\n".join(out) + "\n"


def index_page() -> str:
    from ..lint.registry import AREAS, CHECKS
    from ..lint.runner import META_CHECKS

    out = ["# Lint checks", "", "Written by `ai-monitoring-as-code docs` from each check's docstring; do not edit. "
           "`ai-monitoring-as-code lint --explain CHECK` prints a page in the terminal, and every problem `lint` "
           "reports links to its check's page.", ""]
    for area in AREAS:
        out += [f"## {area}", "", "| check | severity | flags |", "| --- | --- | --- |"]
        for c in CHECKS:
            if c.NAME.startswith(area + "/"):
                first = sections(c.__doc__)[0]
                what = first.split(":", 1)[1].strip() if ":" in first else first
                out.append(f"| [`{c.NAME}`]({page_name(c.NAME)}) | {c.SEVERITY} | {cell(prose(what))} |")
        out.append("")
    out += ["## Reported by the runner", "", "These have no page of their own: they report on the lint run itself.",
            ""]
    out += [f"- `{name}` ({severity}): {META_DOCS.get(name, '')}" for name, severity in META_CHECKS.items()]
    return "\n".join(out) + "\n"
