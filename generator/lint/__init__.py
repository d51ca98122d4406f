"""The catalog-aware linter: every PromQL expression, dashboard, rule and the catalog, checked before they ship.

:func:`lint_project` lints this repository's compiled output (with the Python file and line of every object);
:func:`lint_files` lints dashboard JSON and rule YAML files given on the command line. Both return a
:class:`generator.lint.runner.Report`. Checks live in :mod:`generator.lint.checks`, listed in
:mod:`generator.lint.registry`.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

from ..catalog import Catalog
from . import forked
from .alerttemplate import template_queries
from .collect import collect_dashboard, collect_rules, rule_set
from .config import LintConfig
from .context import Context
from .documents import Document, InputError, expand_paths, read_document
from .entries import CatalogEntry
from .problem import Place, Problem, Scope
from .registry import CHECKS, catalog_free
from .runner import Entries, Report, run
from .sourcemap import apply_source_map, dashboard_scopes, place_in, rule_scopes


def _add_dashboard(entries: Entries, dash) -> None:
    entries.add("dashboard", dash)
    entries.add("panel", *dash.panels)
    entries.add("query", *dash.queries)
    for panel in dash.panels:
        entries.add("query", *panel.queries)


def _add_rules(entries: Entries, ctx: Context, rules) -> None:
    entries.add("rule", *rules)
    for rule in rules:
        entries.add("query", *template_queries(rule))
        if rule.query is not None:
            entries.add("query", rule.query)
            if not rule.is_alert:
                ctx.recordings.setdefault(rule.name, rule)


# Reading (parsing YAML and JSON) is split across two processes from this many bytes of input on.
READ_IN_TWO_MIN_BYTES = 1_000_000


def _read_all(paths: list[str]) -> tuple[list[Document], list[Problem]]:
    """The documents that can be read, and a ``lint/unreadable-file`` problem for each one that cannot: one bad
    file never hides the report on the others."""

    def read(indexes) -> list[Document | InputError]:
        out = []
        for i in indexes:
            try:
                out.append(read_document(paths[i]))
            except InputError as e:
                out.append(e)
        return out

    size = sum(os.path.getsize(p) for p in paths if os.path.isfile(p))
    if len(paths) > 1 and forked.worth_it(size, READ_IN_TWO_MIN_BYTES):
        evens, odds = forked.in_two(lambda: read(range(0, len(paths), 2)), lambda: read(range(1, len(paths), 2)))
        results = [None] * len(paths)
        results[0::2], results[1::2] = evens, odds
    else:
        results = read(range(len(paths)))
    documents, unreadable = [], []
    for order, (path, result) in enumerate(zip(paths, results, strict=True)):
        if isinstance(result, Document):
            documents.append(result)
            continue
        m = re.match(rf"{re.escape(path)}(?::(\d+))?: (.*)", str(result), re.S)
        line, reason = (int(m.group(1)) if m.group(1) else None, m.group(2)) if m else (None, str(result))
        unreadable.append(Problem("lint/unreadable-file", "error", reason, Place(path, line, order=(order,))))
    return documents, unreadable


def without_catalog() -> Catalog:
    """The empty catalog of ``lint --no-catalog``: no metric is known (so none is unknown), and the scrape
    interval is the 15 s most setups use."""
    return Catalog(scrape_interval=timedelta(seconds=15), job="", metrics={}, labels={})


def lint_files(paths: list[str], catalog: Catalog | None, config: LintConfig | None = None) -> Report:
    """Lint files (a directory: the files under it) against ``catalog`` (None: only the checks that need no
    catalog); one that cannot be read is a ``lint/unreadable-file`` problem of that file."""
    config = config or LintConfig()
    checks = config.checks(CHECKS if catalog is not None else catalog_free())
    catalog = catalog if catalog is not None else without_catalog()
    paths = expand_paths(paths)
    documents, unreadable = _read_all([p for p in paths if not config.ignored(p)])
    ctx = Context(catalog, uids_complete=False)
    entries = Entries()
    all_rules, issues = [], []
    for order, doc in enumerate(documents):
        if doc.kind == "ruletests":  # `promtool test rules` checks those; `lint generated/rules/*` is fine
            continue
        if doc.kind == "dashboard":
            dash = collect_dashboard(doc, order)
            place_in(dashboard_scopes(dash), doc.reading)
            if isinstance(doc.data, dict) and isinstance(doc.data.get("uid"), str):
                ctx.dashboard_uids.add(doc.data["uid"])
            _add_dashboard(entries, dash)
        else:
            rules, found = collect_rules(doc, order)
            all_rules += rules
            issues += found
    _add_rules(entries, ctx, all_rules)
    entries.add("ruleset", rule_set(all_rules, paths[0] if paths else "", issues))
    report = run(entries, ctx, checks)
    return Report(config.apply(sorted(report.problems + unreadable, key=Problem.sort_key)), report.suppressed)


def lint_project(project, catalog: Catalog | None = None, config: LintConfig | None = None) -> Report:
    """Lint what a build of ``project`` would write, pointing at the Python declaration of each object (from the
    build's source map: JSON pointer -> file, line and suppressions)."""
    from ..build import compile_project

    output = compile_project(project)
    catalog = catalog or output.catalog
    ctx = Context(catalog, dashboard_uids=set(output.dashboards))
    entries = Entries()
    generated = project.relative(project.generated)
    for order, compiled in enumerate(output.dashboards.values()):
        dash = collect_dashboard(Document(f"{generated}/{compiled.path}", compiled.data, "dashboard"), order)
        apply_source_map(dashboard_scopes(dash), compiled.sources)
        place_in(dashboard_scopes(dash), compiled.reading)
        _add_dashboard(entries, dash)
    all_rules, issues = [], []
    for order, compiled in enumerate(output.rules, start=len(output.dashboards)):
        rules, found = collect_rules(Document(f"{generated}/{compiled.path}", compiled.data, "rules"), order)
        apply_source_map(rule_scopes(rules), compiled.sources)
        all_rules += rules
        issues += found
    _add_rules(entries, ctx, all_rules)
    entries.add("ruleset", rule_set(all_rules, generated, issues))
    files = catalog.files or (project.catalog,)
    entries.add("catalog", CatalogEntry(catalog, Scope(Place(project.relative(files[0]), path=("catalog",)))))
    config = config or LintConfig()
    report = run(entries, ctx, config.checks(CHECKS))
    return Report(config.apply([p.relative_to(project.root) for p in report.problems]),
                  [p.relative_to(project.root) for p in report.suppressed])


def names_read(output) -> set[str] | None:
    """The metric names the dashboards and rules of a build (``generator.build.compile_project``'s output) select:
    panels, variables, rules and the queries of alert templates. None when one of them selects by a pattern
    (``{__name__=~"..."}``, a selector without a name) or does not parse: then any series may be read."""
    queries = []
    for compiled in output.dashboards.values():
        dash = collect_dashboard(Document(compiled.path, compiled.data, "dashboard"))
        queries += dash.queries + [q for panel in dash.panels for q in panel.queries]
    for compiled in output.rules:
        rules, _ = collect_rules(Document(compiled.path, compiled.data, "rules"))
        for rule in rules:
            queries += ([rule.query] if rule.query is not None else []) + template_queries(rule)
    names: set[str] = set()
    for query in queries:
        if query.node is None:
            return None
        for selector in query.selectors:
            if not selector.name or any(m.name == "__name__" and m.op != "=" for m in selector.matchers):
                return None
            names.add(selector.name)
    return names

