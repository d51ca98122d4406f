"""Shared fixtures: the repository, a scratch copy of it, Grafana's dashboard schema, Prometheus' tools of each
major version (generator.tools: 2 is Debian's, 3 the build of `make tools`)."""

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


# `make test` runs the files without live stacks whole on two workers, taking them in the order collected: the
# longest go first, so that neither ends the run alone on one core while the other idles (the generated test files
# whole on Prometheus 3 are 133 CPU seconds; the mutants about 70).
LONGEST_FIRST = ("test_ruletests.py", "test_rule_mutants.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the others keep their order


def run_cli(*args: str, cwd: str = ROOT, env: dict | None = None,
            timeout: float = 900) -> subprocess.CompletedProcess:
    """``python -m generator ARGS`` in a fresh interpreter, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)


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


def _without_go(e, tier: str) -> bool:
    """A tool of ``tier`` is missing (``e``): True when that is expected (tier 3 on a machine without Go, where
    `make tools` cannot build it); otherwise the test fails, naming `make tools`."""
    from generator import tools

    if tier == "3" and not tools.go_available():
        return True
    pytest.fail(f"{e} (make test runs `make tools` first)")


def tool(name: str, tier: str):
    """Prometheus ``tier``'s ``name`` (a generator.tools.Tool). Missing: a failure naming `make tools`, but for
    tier 3 on a machine without Go: a skip saying so."""
    from generator import tools

    try:
        return tools.find(name, tier)
    except tools.ToolMissing as e:
        if _without_go(e, tier):
            pytest.skip(f"no Go here, so no Prometheus 3 tier: {e}")


def live_tier() -> str:
    """The Prometheus the live suites run on: 3, or 2 on a machine without Go (where `make tools` builds no 3)."""
    from generator import tools

    try:
        return tools.find("prometheus", "3").tier
    except tools.ToolMissing as e:
        _without_go(e, "3")
        print(f"note: the live suites run on Prometheus 2: {e}")
        return "2"


@contextlib.contextmanager
def cli_stack(directory: str, cwd: str = ROOT, *options: str, tier: str | None = None):
    """`stack up --prometheus TIER OPTIONS` in ``directory`` as a user runs it (the project at ``cwd``; by default
    on :func:`live_tier`); yields its stack.json. On the way out `stack down`, which must stop every process `up`
    recorded."""
    from generator.live.procs import Proc, is_ours

    tier = tier or live_tier()
    for name in ("prometheus", "alertmanager", "promtool"):
        tool(name, tier)
    state = os.path.join(directory, "stack.json")
    try:  # `up` inside: one that times out has recorded what it started, and `down` stops it
        # Writing the raw and the recorded history of the GenAI naming's 12,000 series takes minutes on a busy machine.
        up = run_cli("stack", "--dir", directory, "up", "--prometheus", tier, *options, cwd=cwd, timeout=900)
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


@pytest.fixture(scope="session")
def promtool():
    """Prometheus 2's promtool (Debian's), the path."""
    return tool("promtool", "2").path


@pytest.fixture(scope="session", params=["2", "3"], ids=["promtool2", "promtool3"])
def each_promtool(request):
    """The promtool of Prometheus 2, then that of 3 (a Tool): for tests every major version must pass."""
    return tool("promtool", request.param)


@pytest.fixture(scope="session")
def newest_promtool():
    """Prometheus 3's promtool, or 2's on a machine without Go (a Tool): for tests too slow to run on both."""
    from generator import tools

    if not tools.go_available():
        try:
            return tools.find("promtool", "3")
        except tools.ToolMissing:
            return tool("promtool", "2")
    return tool("promtool", "3")


@pytest.fixture(scope="session", params=["2", "3"], ids=["amtool2", "amtool3"])
def each_amtool(request):
    return tool("amtool", request.param)

