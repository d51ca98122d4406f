"""The catalog-aware linter: every PromQL expression, dashboard, rule and the catalog, checked before they ship.

:func:`lint_project` lints this repository's compiled output (with the Python file and line of every object);
:func:`lint_files` lints dashboard JSON and rule YAML files given on the command line. Both return a
:class:`generator.lint.runner.Report`. Checks live in :mod:`generator.lint.checks`, listed in
:mod:`generator.lint.registry`.
"""

from __future__ import annotations

from ..catalog import Catalog
from .collect import collect_dashboard, collect_rules, rule_set
from .context import Context
from .documents import Document, read_document
from .entries import CatalogEntry
from .problem import Place, Scope
from .runner import Entries, Report, run
from .sourcemap import apply_source_map, dashboard_scopes, rule_scopes


def _add_dashboard(entries: Entries, dash) -> None:
    entries.add("dashboard", dash)
    entries.add("panel", *dash.panels)
    entries.add("query", *dash.queries)
    for panel in dash.panels:
        entries.add("query", *panel.queries)


def _add_rules(entries: Entries, ctx: Context, rules) -> None:
    entries.add("rule", *rules)
    for rule in rules:
        if rule.query is not None:
            entries.add("query", rule.query)
            if not rule.is_alert:
                ctx.recordings.setdefault(rule.name, rule)


def lint_files(paths: list[str], catalog: Catalog) -> Report:
    """Lint files; raises :class:`generator.lint.documents.InputError` when one cannot be read at all."""
    documents = [read_document(p) for p in paths]
    ctx = Context(catalog, uids_complete=False)
    entries = Entries()
    all_rules, issues = [], []
    for order, doc in enumerate(documents):
        if doc.kind == "ruletests":  # `promtool test rules` checks those; `lint generated/rules/*` is fine
            continue
        if doc.kind == "dashboard":
            dash = collect_dashboard(doc, order)
            if isinstance(doc.data, dict) and isinstance(doc.data.get("uid"), str):
                ctx.dashboard_uids.add(doc.data["uid"])
            _add_dashboard(entries, dash)
        else:
            rules, found = collect_rules(doc, order)
            all_rules += rules
            issues += found
    _add_rules(entries, ctx, all_rules)
    entries.add("ruleset", rule_set(all_rules, paths[0] if paths else "", issues))
    return run(entries, ctx)


def lint_project(project, catalog: Catalog | None = None) -> Report:
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
    report = run(entries, ctx)
    return Report([p.relative_to(project.root) for p in report.problems],
                  [p.relative_to(project.root) for p in report.suppressed])
