"""The compiler: content modules in, the bytes of ``generated/`` out. This module only orchestrates.

:func:`compile_project` imports every content module of the dashboards and rules folders (not ``_*.py``),
validates what they declare, renders it in memory (dashboards: :mod:`generator.normalize`; rules:
:mod:`generator.rules.render`) and records the source map of each generated file: the JSON pointer of every
dashboard, panel, target, group and rule -> the Python line that declared it and its lint suppressions. The
semantic rules shared with the linter run as gates (:mod:`generator.lint.gates`). Every mistake is a
:class:`generator.problems.Problem`; the build raises one :class:`BuildError` carrying all of them.
:mod:`generator.output` owns the bytes and the write of ``generated/``.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, field

import grafanalib.core as G

from . import content
from .catalog import Catalog
from .dashboard_schema import NotInV2, Reading, read, to_v2
from .errors import BuildError, failed
from .normalize import normalize_plain, to_plain_mapped
from .otlp import catalog_of
from .output import dump_json, dump_yaml
from .problems import Place, Problem, at_declaration
from .project import Project, activate
from .rules.model import Alert, RuleGroup, validate_group
from .rules.render import render_rule, render_rule_file
from .rules.scenarios import CompiledTests, compile_tests
from .rules.slo import slo_problems
from .source import Declaration, Location, SourceMap

TESTS_SUFFIX = "_tests.py"  # rules/<name>_tests.py holds the unit tests of rules/<name>.py


@dataclass
class CompiledDashboard:
    uid: str
    module: str  # path relative to the project root
    data: dict
    path: str  # output path relative to generated/
    sources: SourceMap = field(default_factory=dict)  # JSON pointer in `data` -> declaration
    # Schema v2 (dashboard_schema = "v2"): the resource written; `data` is then its classic reading (what every
    # tool reads), and `reading.pointer()` turns a pointer in `data` into one in the file.
    resource: dict | None = None
    reading: Reading | None = None


@dataclass
class CompiledRules:
    module: str
    groups: list[RuleGroup]
    data: dict
    path: str
    tests: CompiledTests | None = None  # the module's `tests`, rendered beside the rule file
    sources: SourceMap = field(default_factory=dict)


@dataclass
class Output:
    catalog: Catalog
    dashboards: dict[str, CompiledDashboard] = field(default_factory=dict)
    rules: list[CompiledRules] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to generated/ -> content
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (what, why): content left out on purpose

    @property
    def groups(self) -> list[RuleGroup]:
        return [g for r in self.rules for g in r.groups]

    def source_map(self, path: str) -> SourceMap:
        """The source map of the generated file ``path`` (relative to generated/); empty when it has none."""
        for compiled in [*self.dashboards.values(), *self.rules]:
            if compiled.path == path:
                return compiled.sources
        return {}


# ---------------------------------------------------------------------------------------------------------------
# Importing content modules


def _module_files(directory: str) -> list[str]:
    """The content modules of ``directory``: ``*.py`` not starting with ``_`` and not a rules module's tests."""
    if not os.path.isdir(directory):
        return []
    return sorted(
        os.path.join(directory, f) for f in os.listdir(directory)
        if f.endswith(".py") and not f.startswith(("_", ".")) and not f.endswith(TESTS_SUFFIX)
    )


def _forget_content_modules(project: Project) -> None:
    """Import content afresh, so that an edited module (or a helper it imports, or another checkout of the same
    content) is read again in the same process."""
    tops = tuple({project.relative(d).split(os.sep)[0] for d in (project.dashboards, project.rules)})
    content.forget(project.root, tops)


def _import(project: Project, path: str):
    """Import a content module by path (:mod:`generator.content`), turning any failure into a BuildError naming
    file and line."""
    if project.relative(path).startswith(".."):
        raise _fail([Problem("build/outside-repository", "error",
                             f"content modules must live inside the repository ({project.root})", Place(path))])
    try:
        return content.load(project.root, path)
    except SyntaxError as e:
        place = Place(project.relative(e.filename or path), e.lineno)
        raise _fail([Problem("build/syntax-error", "error", f"syntax error: {e.msg}", place)]) from e
    except Exception as e:  # the module's own code failed: name where, in the user's files
        place = _where_in_content(project, e, path)
        raise _fail([Problem("build/module-failed", "error", f"{type(e).__name__}: {e}", place)]) from e


def _where_in_content(project: Project, error: BaseException, default: str) -> Place:
    """The innermost traceback frame in the project's content (not the engine or a library)."""
    engine = os.path.dirname(os.path.abspath(__file__)) + os.sep
    best = Place(project.relative(default))
    for frame in traceback.extract_tb(error.__traceback__):
        filename = os.path.abspath(frame.filename)
        if (filename.startswith(project.root + os.sep) and not filename.startswith(engine)
                and "site-packages" not in filename):
            best = Place(project.relative(filename), frame.lineno)
    return best


def _fail(problems: list[Problem]) -> BuildError:
    return failed(BuildError, "build failed, generated/ left as it was", problems, declaration_first=True)


# ---------------------------------------------------------------------------------------------------------------
# Compiling


def render_dashboard(dash: G.Dashboard, root: str = "") -> tuple[dict, SourceMap]:
    """The dashboard JSON a build writes for one grafanalib dashboard, and its source map: every object that
    knows its declaration (see :func:`generator.panels.declared`), by the JSON pointer it is serialised at."""
    sources: SourceMap = {}

    def record(pointer: str, obj) -> None:
        location = getattr(obj, "declared_at", None)
        if isinstance(location, Location):
            sources[pointer] = Declaration.of(location.relative_to(root) if root else location,
                                              getattr(obj, "suppress", None))

    return normalize_plain(to_plain_mapped(dash, record)), sources


def compile_project(project: Project) -> Output:
    """Everything a build writes, in memory. Raises BuildError (or CatalogError) carrying the problems."""
    catalog = catalog_of(project)
    activate(project)
    _forget_content_modules(project)
    out = Output(catalog=catalog)
    problems: list[Problem] = []
    for path in _module_files(project.dashboards):
        _compile_dashboard(project, path, out, problems)
    rendered: list[tuple[str, dict, SourceMap]] = []  # every rule file that renders, for the gates
    for path in _module_files(project.rules):
        _compile_rules(project, path, out, problems, rendered)
    _check_unique_across_modules(out, problems)
    if rendered:
        from .lint.gates import rule_gate_problems

        problems += rule_gate_problems(rendered, catalog)
    if problems:
        raise _fail([p.relative_to(project.root) for p in problems])
    return out


def _compile_dashboard(project: Project, path: str, out: Output, problems: list[Problem]) -> None:
    module = _import(project, path)
    rel = project.relative(path)
    dash = getattr(module, "dashboard", None)
    if not isinstance(dash, G.Dashboard):
        problems.append(Problem("build/no-dashboard", "error", "defines no `dashboard` (a grafanalib Dashboard, see "
                                "generator.panels.dashboard)", Place(rel)))
        return
    place = at_declaration(getattr(dash, "declared_at", None), rel, f"dashboard {dash.uid}")
    if not dash.uid or not isinstance(dash.uid, str) or len(dash.uid) > 40:
        problems.append(Problem("build/dashboard-uid", "error",
                                f"dashboard {dash.title!r} needs a stable uid of 1 to 40 characters", place))
        return
    if dash.uid in out.dashboards:
        problems.append(Problem("build/duplicate-uid", "error", f"dashboard uid {dash.uid!r} is also used by "
                                f"{out.dashboards[dash.uid].module}", place))
        return
    try:
        data, sources = render_dashboard(dash, project.root)
    except BuildError as e:
        problems.append(Problem("build/invalid-dashboard", "error", str(e), place))
        return
    out_path = f"dashboards/{dash.uid}.json"
    compiled = CompiledDashboard(dash.uid, rel, data, out_path, sources)
    if project.dashboard_schema == "v2":
        try:
            compiled.resource = to_v2(data)
        except NotInV2 as e:
            problems.append(Problem("build/invalid-dashboard", "error", f"{e} (dashboard_schema = \"v2\")", place))
            return
        compiled.reading = read(compiled.resource)
        compiled.data = compiled.reading.classic
    out.dashboards[dash.uid] = compiled
    out.left_out += [(f'dashboard {dash.uid} › panel "{lo.title}"', lo.reason) for lo in getattr(dash, "left_out", [])]
    out.files[out_path] = dump_json(compiled.resource if compiled.resource is not None else data)


def _compile_rules(project: Project, path: str, out: Output, problems: list[Problem],
                   rendered: list[tuple[str, dict, SourceMap]]) -> None:
    module = _import(project, path)
    rel = project.relative(path)
    groups = getattr(module, "groups", None)
    if not isinstance(groups, list) or not all(isinstance(g, RuleGroup) for g in groups) or not groups:
        problems.append(Problem("build/no-groups", "error", "defines no `groups` (a list of generator.rules.RuleGroup)",
                                Place(rel)))
        return
    found = [p for group in groups for p in validate_group(group, dashboard_uids=set(out.dashboards),
                                                          runbook_path=project.runbook_path, module=rel)]
    if hasattr(module, "objectives"):  # SLOs and spend budgets (generator.rules.slo), checked against the catalog
        found += slo_problems(module.objectives, out.catalog, rel)
    out_path = f"rules/{os.path.splitext(os.path.basename(path))[0]}.yml"
    try:  # rendered even with problems, so that the gates report theirs in the same run
        data, sources = render_rule_file(project, groups, project.root)
        rendered.append((f"{project.relative(project.generated)}/{out_path}", data, sources))
    except Exception:
        if not found:
            raise
    if found:
        problems += found
        return
    out.rules.append(CompiledRules(rel, groups, data, out_path, sources=sources))
    out.left_out += [(f"{rel} › {what}", why) for what, why in getattr(module, "left_out", [])]
    out.files[out_path] = dump_yaml(data)
    _add_rule_tests(project, out.catalog, module, out.rules[-1], out, problems)


def _check_unique_across_modules(out: Output, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for compiled in out.rules:
        for group in compiled.groups:
            if group.name in seen:
                problems.append(Problem("build/duplicate-group", "error", f"rule group {group.name!r} is also "
                                        f"declared in {seen[group.name]}",
                                        at_declaration(group.declared_at, compiled.module, f"group {group.name}")))
            seen[group.name] = compiled.module


def _add_rule_tests(project: Project, catalog: Catalog, module, compiled: CompiledRules, out: Output,
                    problems: list[Problem]) -> None:
    """Render the ``tests`` of ``<module>_tests.py`` (generator.rules.scenarios) as promtool test files beside the
    rule file."""
    tests_path = module.__file__[:-len(".py")] + TESTS_SUFFIX
    if not os.path.isfile(tests_path):
        return
    tests = getattr(_import(project, tests_path), "tests", None)
    if tests is None:
        problems.append(Problem("ruletests/no-tests", "error", "defines no `tests` (a list of "
                                "generator.rules.RuleTest)", Place(project.relative(tests_path))))
        return
    alerts = {a.name: a for g in compiled.groups for a in g.alerts}
    records = {r.record for g in compiled.groups for r in g.recordings}

    def added_annotations(alert: Alert) -> dict:
        rendered = render_rule(project, alert)["annotations"]
        return {k: v for k, v in rendered.items() if k not in ("summary", "description")}

    result, found = compile_tests(tests, module=compiled.module, rule_file=compiled.path,
                                  group_order=[g.name for g in compiled.groups], alerts=alerts, records=records,
                                  catalog=catalog, annotations_for=added_annotations)
    problems += found
    if result is not None:
        compiled.tests = result
        for path, data in result.files.items():
            out.files[path] = dump_yaml(data)

