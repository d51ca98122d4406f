"""generator.tools and `make tools`: Prometheus' tools by major version, the pinned Prometheus 3 tier built into
.tools/, reused when there, and a machine without Go told what it gets instead."""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from conftest import ROOT

from generator import tools

BUILD = os.path.join(ROOT, "deploy", "build-tools.sh")
NO_GO_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"  # where Debian's Prometheus 2 is, and no Go


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No tool variable of the caller, an empty tools folder: each test says what there is."""
    for name in tools.NAMES:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(f"{name.upper()}3", raising=False)
    monkeypatch.setenv("GENERATOR_TOOLS_DIR", str(tmp_path / "tools"))
    return tmp_path


def _fake(directory, name: str, version: str) -> str:
    """An executable that answers --version as Prometheus' tools do."""
    path = os.path.join(directory, name)
    with open(path, "w") as fh:
        fh.write(f"#!/bin/sh\necho '{name}, version {version} (branch: x, revision: y)'\n")
    os.chmod(path, 0o755)
    return path


def test_module_versions_name_releases():
    assert tools.release("prometheus", "v0.313.5") == "3.13.5"
    assert tools.release("prometheus", "v0.305.0") == "3.5.0"
    assert tools.release("alertmanager", "v0.35.0") == "0.35.0"
    assert tools.release("prometheus", "v2.42.0") == "2.42.0"


def test_the_pins_name_a_prometheus_3_and_its_folders():
    pinned = tools.pinned()
    assert pinned["prometheus"].startswith("3.") and pinned["alertmanager"].startswith("0.")
    assert tools.built_path("promtool").endswith(f"prometheus-{pinned['prometheus']}/promtool")
    assert tools.built_path("amtool").endswith(f"alertmanager-{pinned['alertmanager']}/amtool")


def test_a_binarys_tier_is_what_its_version_says(clean_env, monkeypatch):
    three = _fake(clean_env, "promtool", "3.1.0")
    monkeypatch.setenv("PROMTOOL3", three)
    found = tools.find("promtool", "3")
    assert (found.tier, found.path, found.version, found.label) == ("3", three, "3.1.0", "promtool 3.1.0")
    (clean_env / "older").mkdir()
    monkeypatch.setenv("PROMTOOL3", _fake(clean_env / "older", "promtool", "2.53.0"))
    with pytest.raises(tools.ToolMissing, match=r"PROMTOOL3=.* is promtool 2\.53\.0, not of Prometheus 3"):
        tools.find("promtool", "3")


def test_a_prometheus_3_on_path_serves_tier_3(clean_env, monkeypatch):
    _fake(clean_env, "prometheus", "3.9.1")
    monkeypatch.setenv("PATH", f"{clean_env}:{NO_GO_PATH}")
    assert tools.find("prometheus", "3").version == "3.9.1"
    assert tools.find("prometheus", "2").version.startswith("2.")  # Debian's, further on PATH


def test_alertmanager_0_28_and_later_is_of_tier_3():
    assert tools.tier_of("alertmanager", "0.35.0") == "3" and tools.tier_of("alertmanager", "0.25.0") == "2"
    assert tools.tier_of("promtool", "3.13.5") == "3" and tools.tier_of("amtool", "0.27.0") == "2"


def test_a_variable_naming_no_executable_is_an_error(clean_env, monkeypatch):
    monkeypatch.setenv("PROMETHEUS3", str(clean_env / "nothing"))
    with pytest.raises(tools.ToolMissing, match=r"PROMETHEUS3=.*nothing is not an executable file"):
        tools.find("prometheus", "3")


def test_a_missing_tier_3_says_how_to_get_it_with_go_and_without(clean_env, monkeypatch):
    monkeypatch.setenv("PATH", NO_GO_PATH)
    with pytest.raises(tools.ToolMissing) as e:
        tools.find("alertmanager", "3")
    assert "alertmanager of Prometheus 3 not found" in str(e.value)
    assert "which needs Go (https://go.dev/dl/)" in str(e.value) and "ALERTMANAGER3" in str(e.value)
    assert not tools.go_available()
    monkeypatch.setenv("PATH", f"{os.path.dirname(_fake(clean_env, 'go', '1.26.0'))}:{NO_GO_PATH}")
    assert tools.go_available()
    with pytest.raises(tools.ToolMissing, match=r"run `make tools` \(it builds it from source into \.tools/\)"):
        tools.find("alertmanager", "3")


def test_the_live_stack_defaults_to_3_when_built_and_to_the_variable(clean_env, monkeypatch):
    monkeypatch.setenv("PATH", NO_GO_PATH)
    assert tools.default_tier() == "2"
    monkeypatch.setenv("PROMETHEUS3", _fake(clean_env, "prometheus", "3.13.5"))
    assert tools.default_tier() == "3"
    monkeypatch.setenv("GENERATOR_PROMETHEUS", "2")
    assert tools.default_tier() == "2"


def test_without_go_the_installer_says_what_is_used_instead_and_succeeds(tmp_path):
    result = subprocess.run([BUILD], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PATH": NO_GO_PATH, "GENERATOR_TOOLS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "no Go toolchain here" in result.stderr and "only Prometheus 2 (Debian's packages) is used" in \
        result.stderr
    assert "the tests that prove Prometheus 3 are skipped" in result.stderr and "PROMTOOL3" in result.stderr
    assert os.listdir(tmp_path) == []


def test_a_tier_built_at_its_pins_is_reused_at_once_even_without_go(tmp_path):
    pins = tools.pins()
    for project, binaries in (("prometheus", ("prometheus", "promtool")), ("alertmanager", ("alertmanager",
                                                                                             "amtool"))):
        module, version = pins[f"{project.upper()}_MODULE"], pins[f"{project.upper()}_MODULE_VERSION"]
        folder = tmp_path / f"{project}-{tools.release(project, version)}"
        folder.mkdir()
        tags = "remove_all_sd" if project == "prometheus" else ""
        (folder / ".built").write_text(f"{module}@{version} tags={tags}\nbuilt by this test\n")
        for name in binaries:
            _fake(folder, name, tools.release(project, version))
    began = time.monotonic()
    result = subprocess.run([BUILD], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PATH": NO_GO_PATH, "GENERATOR_TOOLS_DIR": str(tmp_path)})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.count(": reused ") == 2, result.stdout
    assert time.monotonic() - began < 5


def test_the_built_tier_is_the_pinned_one():
    """On this project's machines (Go is there) `make tools` built the pins: the tier-3 tools say those versions."""
    if not tools.go_available():
        pytest.skip("no Go here, so no Prometheus 3 tier (make tools says so)")
    pinned = tools.pinned()
    for name in tools.NAMES:
        found = tools.find(name, "3")
        assert found.version == pinned["prometheus" if name in ("prometheus", "promtool") else "alertmanager"], found


def test_the_extras_are_pinned_and_found_where_make_builds_them(tmp_path, monkeypatch):
    """cortex (make tools-ruler), pint and sloth (make tools-anchors): .tools/<name>-<release>/<name>, or $NAME."""
    monkeypatch.setenv("GENERATOR_TOOLS_DIR", str(tmp_path))
    for name in tools.EXTRAS:
        monkeypatch.delenv(name.upper(), raising=False)
        assert tools.extra(name) is None and f"make tools-{'ruler' if name == 'cortex' else 'anchors'}" in \
            tools.extra_hint(name)
        version = tools.release(name, tools.pins()[f"{name.upper()}_MODULE_VERSION"])
        (tmp_path / f"{name}-{version}").mkdir()
        built = _fake(tmp_path / f"{name}-{version}", name, version)
        assert tools.extra(name) == built
        monkeypatch.setenv(name.upper(), str(tmp_path / "nothing"))
        with pytest.raises(tools.ToolMissing, match=f"{name.upper()}=.* is not an executable file"):
            tools.extra(name)


@pytest.mark.parametrize("what, says", [("ruler", "so Cortex is not built"), ("anchors", "pint and sloth are not")])
def test_without_go_the_ruler_and_anchors_builds_say_what_is_left_out(tmp_path, what, says):
    result = subprocess.run([BUILD, what], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PATH": NO_GO_PATH, "GENERATOR_TOOLS_DIR": str(tmp_path)})
    assert result.returncode == 0 and says in result.stderr, result.stderr
    assert "Prometheus 3 tier" not in result.stderr and os.listdir(tmp_path) == []


def test_the_installer_refuses_a_set_it_does_not_know(tmp_path):
    result = subprocess.run([BUILD, "grafana"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "GENERATOR_TOOLS_DIR": str(tmp_path)})
    assert result.returncode == 2 and "unknown set grafana (say prometheus, ruler or anchors)" in result.stderr
