"""Shared fixtures: the repository, a scratch copy of it, Grafana's dashboard schema, promtool."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

# The stand-in Grafana's fixtures (grafana, grafana_logs, no_grafana_env) for every test module.
pytest_plugins = ["tests.grafana_support"]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# This repository's content (everything but the engine, its tests and tools), as a scratch copy needs it.
CONTENT = ("pyproject.toml", "catalog", "dashboards", "rules", "docs", "settings.py", "naming.py", "traffic.yml",
           "traffic-genai-semconv.yml", "generated")


def run_cli(*args: str, cwd: str = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m generator ARGS`` in a fresh interpreter, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def switch_naming(root, naming: str) -> None:
    """Set ``metrics = "NAMING"`` in ``root``'s pyproject.toml (the one [tool.generator] line that picks it)."""
    path = os.path.join(root, "pyproject.toml")
    with open(path, encoding="utf-8") as fh:
        text, n = re.subn(r'^metrics = "[^"]*"$', f'metrics = "{naming}"', fh.read(), flags=re.M)
    assert n == 1, f"{path}: no `metrics = ...` line to switch"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def content_with_naming(dest, naming: str) -> str:
    """A copy of the repository's content (CONTENT but generated/) in ``dest``, set to the metric naming ``naming``;
    the engine is the installed one."""
    copy_content(dest, [name for name in CONTENT if name != "generated"])
    switch_naming(dest, naming)
    return str(dest)


def copy_content(dest, names=CONTENT) -> None:
    """Copy ``names`` (files or folders of the repository root) into ``dest``."""
    for name in names:
        src = os.path.join(ROOT, name)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, name), ignore=shutil.ignore_patterns("__pycache__"))
        elif os.path.exists(src):
            shutil.copy(src, os.path.join(dest, name))


@contextlib.contextmanager
def cli_stack(directory: str, cwd: str = ROOT, *options: str):
    """`stack up` in ``directory`` as a user runs it (the project at ``cwd``); yields its stack.json. On the way
    out `stack down`, which must stop every process `up` recorded."""
    from generator.live.procs import Proc, StackError, binary, is_ours

    try:
        binary("prometheus"), binary("alertmanager", "prometheus-alertmanager")
    except StackError as e:
        pytest.fail(str(e))
    state = os.path.join(directory, "stack.json")
    try:  # `up` inside: one that times out has recorded what it started, and `down` stops it
        up = run_cli("stack", "--dir", directory, "up", *options, cwd=cwd)
        assert up.returncode == 0, up.stderr + up.stdout
        print(up.stdout)
        with open(state) as fh:
            yield json.load(fh)
    finally:
        recorded = {}
        if os.path.exists(state):
            with open(state) as fh:
                recorded = json.load(fh)["processes"]
        down = run_cli("stack", "--dir", directory, "down", cwd=cwd)
        assert down.returncode == 0, down.stderr
        still = [name for name, p in recorded.items() if is_ours(Proc(**p))]
        assert not still, f"`stack down` left running: {still}"


@pytest.fixture(scope="session")
def history_stack(tmp_path_factory):
    """The stack of `stack up` with its backfilled history, as a user runs it in this repository: started once
    for the suites that only read it (validate, preview), stopped at the end of the session. Writing the history
    is most of a stack's start-up, so they share one. Yields the stack's directory (its stack.json holds the
    URLs)."""
    directory = str(tmp_path_factory.mktemp("stack"))
    with cli_stack(directory):
        yield directory


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the repository's content (not the engine) to break in a test."""
    dest = tmp_path / "repo"
    dest.mkdir()
    copy_content(dest)
    return dest


def snapshot(directory) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes, to prove something left it alone."""
    out = {}
    for base, _, files in os.walk(directory):
        for f in files:
            full = os.path.join(base, f)
            with open(full, "rb") as fh:
                out[os.path.relpath(full, directory)] = fh.read()
    return out


def _schema_dir() -> str | None:
    candidates = [os.environ.get("GRAFANA_SCHEMA_DIR", ""), os.path.join(ROOT, "..", "shared", "grafana"),
                  "/work/shared/grafana"]
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, "dashboard.jsonschema.json")):
            return c
    return None


@pytest.fixture(scope="session")
def dashboard_validator():
    """A draft-07 validator of Grafana's Dashboard definition (from ../shared/grafana, not copied here)."""
    jsonschema = pytest.importorskip("jsonschema")
    where = _schema_dir()
    if where is None:
        pytest.skip("Grafana's dashboard.jsonschema.json not found (set GRAFANA_SCHEMA_DIR)")
    with open(os.path.join(where, "dashboard.jsonschema.json")) as fh:
        schema = json.load(fh)
    schema["$ref"] = "#/definitions/Dashboard"
    return jsonschema.Draft7Validator(schema)


@pytest.fixture(scope="session")
def grafana_api_spec():
    where = _schema_dir()
    if where is None:
        pytest.skip("Grafana's API spec not found (set GRAFANA_SCHEMA_DIR)")
    with open(os.path.join(where, "grafana-11.4.0-api-merged.json")) as fh:
        return json.load(fh)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: run `make tools` (make test does it for you)")
    return path


@pytest.fixture(scope="session")
def promtool():
    return _tool("promtool")


@pytest.fixture(scope="session")
def amtool():
    return _tool("amtool")
