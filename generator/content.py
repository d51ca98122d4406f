"""Content modules, loaded by their file path.

A repository's content (dashboards, rules and the Python they share, such as ``settings.py``) lives in plain
folders beside ``pyproject.toml``; none of it is an installed package. Each project root becomes a package of its
own under a name derived from its path (:func:`package_name`), so ``dashboards/overview.py`` is imported as
``<package>.dashboards.overview``. Content modules import each other relatively (``from ..settings import JOB``,
``from ._common import LINKS``); top-level names such as ``rules`` or ``settings`` never meet an installed package
of the same name, and two content trees load side by side in one process.

The project root is also on ``sys.path`` (last, so that it shadows nothing installed), for content trees that
import themselves by an absolute name (``from assistant.settings import JOB``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import os
import sys
import types
from types import ModuleType


def package_name(root: str) -> str:
    """The package a project root's content is imported under: stable for a root, distinct between roots."""
    digest = hashlib.sha1(os.path.abspath(root).encode()).hexdigest()[:12]
    return f"generator_content_{digest}"


def module_name(root: str, path: str) -> str:
    """The dotted name a content file is imported under: ``<root>/rules/x.py`` -> ``<package>.rules.x``.
    Raises ValueError for a file outside ``root``."""
    rel = os.path.relpath(os.path.splitext(os.path.abspath(path))[0], os.path.abspath(root))
    if rel.startswith(".."):
        raise ValueError(f"{path} is outside {root}")
    return f"{package_name(root)}.{rel.replace(os.sep, '.')}"


def load(root: str, path: str) -> ModuleType:
    """Import the content file ``path`` of the project at ``root`` (once per process; see :func:`forget`)."""
    _register(os.path.abspath(root))
    return importlib.import_module(module_name(root, path))


def forget(root: str, tops: tuple[str, ...] = ()) -> None:
    """Drop the content of ``root`` from ``sys.modules`` (and the modules ``tops`` that were loaded from ``root``
    by absolute name), so that the next :func:`load` reads every file afresh: an edited module, a helper it
    imports, or another checkout of the same content at the same path."""
    root = os.path.abspath(root)
    package = package_name(root)
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]
    for name in [m for m in sys.modules if m.split(".")[0] in tops and _loaded_from(sys.modules[m], root)]:
        del sys.modules[name]
    importlib.invalidate_caches()


def _register(root: str) -> None:
    package = package_name(root)
    if package not in sys.modules:
        spec = importlib.machinery.ModuleSpec(package, None, is_package=True)
        spec.submodule_search_locations = [root]
        module = types.ModuleType(package)
        module.__spec__, module.__path__, module.__package__ = spec, [root], package
        sys.modules[package] = module
    if root not in sys.path:
        sys.path.append(root)


def _loaded_from(module: ModuleType | None, root: str) -> bool:
    where = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", None) or []), "")
    return bool(where) and os.path.abspath(where).startswith(root + os.sep)
