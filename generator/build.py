"""The compiler: content modules in, the bytes of ``generated/`` out.

:func:`compile_project` imports every content module of the dashboards and rules folders (not ``_*.py``),
validates what they declare and renders it in memory. :func:`write_output` replaces ``generated/`` in one rename,
so a failed build never leaves it half written, and :func:`stale_files` compares it with what a build would write.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
import traceback
from dataclasses import dataclass, field

import grafanalib.core as G
import yaml

from . import jsonout
from .catalog import Catalog, load_catalog
from .errors import BuildError
from .normalize import normalize_dashboard
from .project import Project
from .rules.model import Alert, RuleGroup, validate_group
from .rules.scenarios import CompiledTests, compile_tests
from .source import Location, declared_at


@dataclass
class CompiledDashboard:
    uid: str
    module: str  # path relative to the project root
    source: G.Dashboard
    data: dict
    path: str  # output path relative to generated/


@dataclass
class CompiledRules:
    module: str
    groups: list[RuleGroup]
    data: dict
    path: str
    tests: CompiledTests | None = None  # the module's `tests`, rendered beside the rule file


@dataclass
class Output:
    catalog: Catalog
    dashboards: dict[str, CompiledDashboard] = field(default_factory=dict)
    rules: list[CompiledRules] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # path relative to generated/ -> content

    @property
    def groups(self) -> list[RuleGroup]:
        return [g for r in self.rules for g in r.groups]


# ---------------------------------------------------------------------------------------------------------------
# Serialisation: one place decides the bytes


def dump_json(data: dict) -> bytes:
    """Sorted keys, two-space indent, UTF-8, trailing newline (``json.dumps`` layout, written faster)."""
    return (jsonout.dumps(data) + "\n").encode("utf-8")


class _RuleDumper(yaml.SafeDumper):
    """Block style, multi-line expressions as literal blocks, keys in the order Prometheus documents them."""


def _str_presenter(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RuleDumper.add_representer(str, _str_presenter)


def dump_yaml(data: dict) -> bytes:
    text = yaml.dump(data, Dumper=_RuleDumper, sort_keys=False, default_flow_style=False, allow_unicode=True,
                     width=120, indent=2)
    return text.encode("utf-8")


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


TESTS_SUFFIX = "_tests.py"  # rules/<name>_tests.py holds the unit tests of rules/<name>.py


def _module_name(project: Project, path: str) -> str:
    """The dotted name of a content file, from the repository root: ``service/rules/x.py`` -> ``service.rules.x``."""
    rel = os.path.relpath(os.path.splitext(path)[0], project.root)
    if rel.startswith(".."):
        raise BuildError(f"{path}: content modules must live inside the repository ({project.root})")
    return rel.replace(os.sep, ".")


def _forget_content_modules(project: Project) -> None:
    """Import content afresh from ``project.root``, so that an edited module (or a helper it imports, or another
    checkout of the same content) is read again in the same process."""
    if project.root in sys.path:
        sys.path.remove(project.root)
    sys.path.insert(0, project.root)
    tops = {_module_name(project, d).split(".")[0] for d in (project.dashboards, project.rules)}
    for loaded in [m for m in sys.modules if m.split(".")[0] in tops]:
        del sys.modules[loaded]


def _import(project: Project, path: str):
    """Import a content module by path, turning any failure into a BuildError naming file and line."""
    name = _module_name(project, path)
    try:
        return importlib.import_module(name)
    except SyntaxError as e:
        raise BuildError(f"{project.relative(e.filename or path)}:{e.lineno}: syntax error: {e.msg}") from e
    except Exception as e:  # the module's own code failed: name where, in the user's files
        raise BuildError(f"{_where_in_content(project, e, path)}: {type(e).__name__}: {e}") from e


def _where_in_content(project: Project, error: BaseException, default: str) -> str:
    """The innermost traceback frame in the project's content (not the engine or a library)."""
    engine = os.path.dirname(os.path.abspath(__file__)) + os.sep
    best = None
    for frame in traceback.extract_tb(error.__traceback__):
        filename = os.path.abspath(frame.filename)
        if (filename.startswith(project.root + os.sep) and not filename.startswith(engine)
                and "site-packages" not in filename):
            best = f"{project.relative(filename)}:{frame.lineno}"
    return best or project.relative(default)


def _where(project: Project, obj, fallback: str) -> str:
    loc = obj if isinstance(obj, Location) else declared_at(obj)
    return str(loc.relative_to(project.root)) if loc else fallback


# ---------------------------------------------------------------------------------------------------------------
# Compiling


def render_dashboard(dash: G.Dashboard) -> dict:
    """The dashboard JSON a build writes for one grafanalib dashboard."""
    return normalize_dashboard(dash.to_json_data())


def compile_project(project: Project) -> Output:
    """Everything a build writes, in memory. Raises BuildError (or CatalogError) listing the problems."""
    catalog = load_catalog(project.catalog)
    _forget_content_modules(project)
    out = Output(catalog=catalog)
    errors: list[str] = []
    for path in _module_files(project.dashboards):
        module = _import(project, path)
        rel = project.relative(path)
        dash = getattr(module, "dashboard", None)
        if not isinstance(dash, G.Dashboard):
            errors.append(f"{rel}: defines no `dashboard` (a grafanalib Dashboard, see generator.panels.dashboard)")
            continue
        where = _where(project, dash, rel)
        if not dash.uid or not isinstance(dash.uid, str) or len(dash.uid) > 40:
            errors.append(f"{where}: dashboard {dash.title!r} needs a stable uid of 1 to 40 characters")
            continue
        if dash.uid in out.dashboards:
            errors.append(f"{where}: dashboard uid {dash.uid!r} is also used by {out.dashboards[dash.uid].module}")
            continue
        try:
            data = render_dashboard(dash)
        except BuildError as e:
            errors.append(f"{where}: {e}")
            continue
        out_path = f"dashboards/{dash.uid}.json"
        out.dashboards[dash.uid] = CompiledDashboard(dash.uid, rel, dash, data, out_path)
        out.files[out_path] = dump_json(data)

    uids = set(out.dashboards)
    for path in _module_files(project.rules):
        module = _import(project, path)
        rel = project.relative(path)
        groups = getattr(module, "groups", None)
        if not isinstance(groups, list) or not all(isinstance(g, RuleGroup) for g in groups) or not groups:
            errors.append(f"{rel}: defines no `groups` (a list of generator.rules.RuleGroup)")
            continue
        problems = []
        for group in groups:
            problems += validate_group(group, dashboard_uids=uids,
                                       runbook_path=project.runbook_path)
        if problems:
            root_prefix = project.root + os.sep
            errors += [p.replace(root_prefix, "") for p in problems]
            continue
        data = {"groups": [_render_group(project, g) for g in groups]}
        out_path = f"rules/{os.path.splitext(os.path.basename(path))[0]}.yml"
        out.rules.append(CompiledRules(rel, groups, data, out_path))
        out.files[out_path] = dump_yaml(data)
        _add_rule_tests(project, catalog, module, out.rules[-1], out, errors)
    _check_unique_across_modules(project, out, errors)
    if errors:
        raise BuildError("build failed, generated/ left as it was:\n  " + "\n  ".join(errors))
    return out


def _check_unique_across_modules(project: Project, out: Output, errors: list[str]) -> None:
    seen: dict[str, str] = {}
    for compiled in out.rules:
        for group in compiled.groups:
            if group.name in seen:
                errors.append(f"{_where(project, group.declared_at, compiled.module)}: rule group {group.name!r} "
                              f"is also declared in {seen[group.name]}")
            seen[group.name] = compiled.module


def _add_rule_tests(project: Project, catalog: Catalog, module, compiled: CompiledRules, out: Output,
                    errors: list[str]) -> None:
    """Render the ``tests`` of ``<module>_tests.py`` (generator.rules.scenarios) as promtool test files beside the
    rule file."""
    tests_path = module.__file__[:-len(".py")] + TESTS_SUFFIX
    if not os.path.isfile(tests_path):
        return
    tests = getattr(_import(project, tests_path), "tests", None)
    if tests is None:
        errors.append(f"{project.relative(tests_path)}: defines no `tests` (a list of generator.rules.RuleTest)")
        return
    alerts = {a.name: a for g in compiled.groups for a in g.alerts}
    records = {r.record for g in compiled.groups for r in g.recordings}

    def added_annotations(alert: Alert) -> dict:
        rendered = _render_rule(project, alert)["annotations"]
        return {k: v for k, v in rendered.items() if k not in ("summary", "description")}

    result, problems = compile_tests(tests, module=compiled.module, rule_file=compiled.path,
                                     group_order=[g.name for g in compiled.groups], alerts=alerts, records=records,
                                     catalog=catalog, annotations_for=added_annotations)
    root_prefix = project.root + os.sep
    errors += [p.replace(root_prefix, "") for p in problems]
    if result is not None:
        compiled.tests = result
        for path, data in result.files.items():
            out.files[path] = dump_yaml(data)


def _render_group(project: Project, group: RuleGroup) -> dict:
    rendered: dict = {"name": group.name}
    if group.interval:
        rendered["interval"] = group.interval
    rendered["rules"] = [_render_rule(project, r) for r in group.rules]
    return rendered


def _render_rule(project: Project, rule) -> dict:
    if not isinstance(rule, Alert):
        out = {"record": rule.record, "expr": rule.expr}
        if rule.labels:
            out["labels"] = dict(sorted(rule.labels.items()))
        return out
    out = {"alert": rule.name, "expr": rule.expr, "for": rule.for_}
    if rule.keep_firing_for:
        out["keep_firing_for"] = rule.keep_firing_for
    out["labels"] = {"severity": rule.severity, **dict(sorted(rule.labels.items()))}
    out["annotations"] = {
        "summary": rule.summary.strip(),
        "description": rule.description.strip(),
        "runbook_url": project.runbook_url_for(rule.name),
        "dashboard_url": project.dashboard_url_for(rule.dashboard),
        **dict(sorted(rule.annotations.items())),
    }
    return out


# ---------------------------------------------------------------------------------------------------------------
# Writing and comparing


def _existing_files(directory: str) -> dict[str, str]:
    found = {}
    for base, dirs, files in os.walk(directory):
        dirs.sort()
        for f in files:
            full = os.path.join(base, f)
            found[os.path.relpath(full, directory).replace(os.sep, "/")] = full
    return found


def stale_files(project: Project, output: Output) -> list[tuple[str, str]]:
    """(path, reason) for every file of ``generated/`` that differs from ``output``, is missing, or is extra."""
    existing = _existing_files(project.generated)
    problems = []
    for rel in sorted(set(existing) | set(output.files)):
        shown = f"{project.relative(project.generated)}/{rel}"
        if rel not in existing:
            problems.append((shown, "missing"))
        elif rel not in output.files:
            problems.append((shown, "not written by a build (extra)"))
        else:
            with open(existing[rel], "rb") as fh:
                if fh.read() != output.files[rel]:
                    problems.append((shown, "differs from a build"))
    return problems


def write_output(project: Project, output: Output) -> list[str]:
    """Replace ``generated/`` with ``output`` in one rename; return the paths that changed."""
    changed = [p for p, _ in stale_files(project, output)]
    if not changed:
        return []
    parent = os.path.dirname(project.generated) or "."
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".generated.", dir=parent)
    try:
        for rel, content in output.files.items():
            full = os.path.join(staging, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as fh:
                fh.write(content)
        os.chmod(staging, 0o755)
        old = None
        if os.path.exists(project.generated):
            old = tempfile.mkdtemp(prefix=".generated-old.", dir=parent)
            os.rmdir(old)
            os.rename(project.generated, old)
        os.rename(staging, project.generated)
        if old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return changed
