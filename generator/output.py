"""The bytes of ``generated/``: how a compiled dashboard or rule file is serialised, and how the directory is
replaced.

:func:`dump_json` and :func:`dump_yaml` decide every byte (sorted keys or Prometheus' documented key order,
fixed indentation, UTF-8, trailing newline), so the same sources always give the same files.
:func:`write_output` writes the new tree into a staging directory beside ``generated/`` and swaps it in with two
renames: the old ``generated/`` aside, then the staging directory into its place. If the second rename fails the
first is undone, so ``generated/`` is either the old tree or the new one, never half of each; only between the
two renames (microseconds) is it absent. :func:`stale_files` compares ``generated/`` with what a build would write.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import tempfile

import yaml

from . import jsonout


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


def generated_dashboards(project) -> list[dict]:
    """The dashboards of generated/ in file order, as classic JSON whatever the schema the build wrote them in
    (generator.dashboard_schema reads a v2 resource); GeneratorError when there are none."""
    from .dashboard_schema import to_classic
    from .errors import GeneratorError

    files = sorted(glob.glob(os.path.join(project.generated, "dashboards", "*.json")))
    if not files:
        raise GeneratorError(f"no dashboards in {project.relative(project.generated)}/dashboards; "
                             "run `make dashboards`")
    found = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            found.append(to_classic(json.load(fh)))
    return found


def _existing_files(directory: str) -> dict[str, str]:
    found = {}
    for base, dirs, files in os.walk(directory):
        dirs.sort()
        for f in files:
            full = os.path.join(base, f)
            found[os.path.relpath(full, directory).replace(os.sep, "/")] = full
    return found


def stale_files(project, output) -> list[tuple[str, str]]:
    """(path, reason) for every file of ``generated/`` that differs from ``output.files``, is missing, or is
    extra."""
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


def write_output(project, output) -> list[str]:
    """Replace ``generated/`` with ``output.files`` (path under generated/ -> bytes); return the paths that
    changed. Nothing is touched when nothing changed; on any failure the old directory is back in place."""
    changed = [p for p, _ in stale_files(project, output)]
    if not changed:
        return []
    parent = os.path.dirname(project.generated) or "."
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".generated.", dir=parent)
    old = None
    try:
        for rel, content in output.files.items():
            full = os.path.join(staging, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as fh:
                fh.write(content)
        os.chmod(staging, 0o755)
        if os.path.exists(project.generated):
            old = tempfile.mkdtemp(prefix=".generated-old.", dir=parent)
            os.rmdir(old)
            os.rename(project.generated, old)  # rename 1: the old tree aside
        os.rename(staging, project.generated)  # rename 2: the new tree in
    except BaseException:
        if old is not None and not os.path.exists(project.generated):
            os.rename(old, project.generated)  # undo rename 1
            old = None
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if old:
        shutil.rmtree(old, ignore_errors=True)
    return changed
