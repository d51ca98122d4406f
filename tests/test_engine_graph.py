"""The engine's import graph (every module under generator/, parsed, never imported): it has no circle, and no
module reaches into another module's private names.

An import anywhere in a module counts, at module level or deferred inside a function (a deferred import hides a
circle, it does not remove it). ``from .pkg import name`` is an edge to ``pkg/__init__``, unless ``name`` is a
submodule of ``pkg``: then it is an edge to that submodule. A package's ``__init__`` importing its own submodules is
an ordinary edge; a cycle through it is reported only when a submodule really imports the package's ``__init__``
back (``from . import name`` of a name the ``__init__`` defines).
"""

from __future__ import annotations

import ast
import functools
import os
from collections.abc import Collection

from tests.conftest import ROOT

ENGINE = os.path.join(ROOT, "generator")
PACKAGE = "generator"


def _modules() -> dict[str, tuple[str, bool]]:
    """Dotted module name -> (path, is a package's __init__)."""
    out = {}
    for base, _dirs, files in os.walk(ENGINE):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(base, name)
            parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
            init = parts[-1] == "__init__"
            if init:
                parts = parts[:-1]
            out[".".join(parts)] = (path, init)
    return out


def _resolve(module: str, init: bool, node: ast.ImportFrom) -> str:
    """The absolute name of the module ``node`` imports from."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if init else module.split(".")[:-1]
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


class _Module:
    """One module's imports: the engine modules it imports (with the line), the private names it takes from
    them, and the names it binds to engine modules (for ``alias._private``)."""

    def __init__(self, name: str, init: bool, source: str, modules: Collection[str]):
        self.name = name
        self.edges: dict[str, int] = {}
        self.private: list[str] = []
        aliases: dict[str, str] = {}
        self.tree = tree = ast.parse(source, name)
        self.defines = _defined_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                        self._edge(alias.name, node.lineno, modules)
                        if alias.asname:
                            aliases[alias.asname] = alias.name
                        else:
                            aliases[PACKAGE] = PACKAGE
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(name, init, node)
                if source != PACKAGE and not source.startswith(PACKAGE + "."):
                    continue
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    if sub in modules:
                        self._edge(sub, node.lineno, modules)
                        aliases[alias.asname or alias.name] = sub
                    else:
                        self._edge(source, node.lineno, modules)
                    if _private(alias.name):
                        self.private.append(f"{name}:{node.lineno} imports {alias.name} from {source}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                target = _dotted(node.value, aliases)
                if target in modules and target != name:
                    self.private.append(f"{name}:{node.lineno} uses {target}.{node.attr}")

    def _edge(self, target: str, line: int, modules: Collection[str]) -> None:
        if target in modules:
            self.edges.setdefault(target, line)


def _defined_names(tree: ast.Module) -> set[str]:
    """Every name a module binds: functions, classes, variables and attributes it assigns (``self._x = ...``)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
    return out


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """The engine module an expression like ``alias`` or ``alias.sub`` names, if any."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


@functools.cache
def _graph() -> dict[str, _Module]:
    modules = _modules()
    out = {}
    for name, (path, init) in modules.items():
        with open(path, encoding="utf-8") as fh:
            out[name] = _Module(name, init, fh.read(), modules)
    return out


def _cycles(graph: dict[str, _Module]) -> list[list[str]]:
    """Strongly connected components of more than one module, and modules importing themselves (Tarjan's
    algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph[start].edges)))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target].edges))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph[node].edges:
                        found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found)


def _describe(cycle: list[str], graph: dict[str, _Module]) -> str:
    members = set(cycle)
    edges = [f"    {a} -> {b} (line {graph[a].edges[b]})"
             for a in cycle for b in sorted(graph[a].edges) if b in members]
    return "  " + ", ".join(cycle) + ":\n" + "\n".join(edges)


def test_the_engine_has_no_import_circle():
    graph = _graph()
    cycles = _cycles(graph)
    assert not cycles, "import circles under generator/:\n" + "\n".join(_describe(c, graph) for c in cycles)


def test_no_engine_module_imports_another_modules_private_name():
    found = [p for m in _graph().values() for p in m.private]
    assert not found, "private names used across modules:\n  " + "\n  ".join(sorted(found))


def _reach(graph: dict[str, _Module], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for target in graph[todo.pop()].edges:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_engine_module_reads_another_modules_private_attribute():
    """``obj._x`` (``obj`` not ``self`` or ``cls``) where only other modules define ``_x``: a private method or
    attribute of another module's object (``validator._variable_query``). A name this module binds too is taken
    as its own."""
    graph = _graph()
    found = []
    for name, module in graph.items():
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Attribute) and _private(node.attr)) or node.attr in module.defines:
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            owners = sorted(m for m, other in graph.items() if node.attr in other.defines)
            if owners:
                found.append(f"{name}:{node.lineno} reads {ast.unparse(node)} ({node.attr}: {', '.join(owners)})")
    assert not found, "private attributes read across modules:\n  " + "\n  ".join(sorted(found))


def test_the_catalog_is_a_leaf():
    """The catalog parses and validates its own data: nothing it imports, however indirectly, is the linter's."""
    graph = _graph()
    found = {f"{m} reaches {t}" for m in graph if m.split(".")[:2] == ["generator", "catalog"]
             for t in _reach(graph, m) if t.startswith("generator.lint")}
    assert not found, "\n".join(sorted(found))


def test_the_graph_sees_deferred_relative_and_submodule_imports():
    sources = {
        "generator.a": (False, "def f():\n    from .b import _hidden\n"),
        "generator.b": (False, "from . import a\nimport generator.pkg.sub as s\n\ns._peek()\n"),
        "generator.pkg": (True, "from .sub import thing\n"),
        "generator.pkg.sub": (False, "from . import VALUE\nfrom .. import b\nthing = VALUE\n"),
        "generator.pkg.free": (False, "from ..pkg import sub\n"),
    }
    graph = {name: _Module(name, init, text, sources) for name, (init, text) in sources.items()}
    assert graph["generator.a"].edges == {"generator.b": 2}  # deferred, inside a function
    assert set(graph["generator.b"].edges) == {"generator.a", "generator.pkg.sub"}  # a submodule, not generator
    assert set(graph["generator.pkg"].edges) == {"generator.pkg.sub"}
    assert set(graph["generator.pkg.sub"].edges) == {"generator.pkg", "generator.b"}  # VALUE is pkg/__init__'s
    assert set(graph["generator.pkg.free"].edges) == {"generator.pkg.sub"}
    assert _cycles(graph) == [["generator.a", "generator.b", "generator.pkg", "generator.pkg.sub"]]
    assert graph["generator.a"].private == ["generator.a:2 imports _hidden from generator.b"]
    assert graph["generator.b"].private == ["generator.b:4 uses generator.pkg.sub._peek"]
    # A self import, and a tail that leads into a circle without being in it.
    fake = {"a": _fake("b"), "b": _fake("c"), "c": _fake("a"), "d": _fake("d"), "e": _fake("a")}
    assert _cycles(fake) == [["a", "b", "c"], ["d"]]


def _fake(*targets: str) -> _Module:
    module = _Module.__new__(_Module)
    module.edges = dict.fromkeys(targets, 1)
    return module
