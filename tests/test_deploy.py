"""The Docker Compose stack of deploy/ cannot run here (no Docker engine), so its configuration is checked with the
tools that would load it: `promtool check config`, `amtool check-config`, and a read of every file it mounts.
The configuration `make up` generates goes through the same tools."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml
from conftest import ROOT, tool

from generator import durations
from generator.catalog import load_catalog
from generator.live.config import alertmanager_config, prometheus_config, rule_files
from generator.live.profile import COMPRESSED, REAL

DEPLOY = os.path.join(ROOT, "deploy")


def _yaml(*parts):
    with open(os.path.join(*parts)) as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def compose():
    return _yaml(DEPLOY, "docker-compose.yml")


def _mounts(service: dict) -> dict[str, str]:
    """Container path → host path of a service's bind mounts (relative to deploy/, as Compose resolves them)."""
    out = {}
    for volume in service.get("volumes", []):
        host, container = volume.split(":")[:2]
        out[container] = os.path.normpath(os.path.join(DEPLOY, host))
    return out


def test_compose_has_the_stack_and_every_mounted_file_exists(compose):
    services = compose["services"]
    assert {"prometheus", "alertmanager", "grafana", "workload"} <= set(services)
    assert "3000:3000" in services["grafana"]["ports"]
    assert services["grafana"]["environment"]["GF_SECURITY_ADMIN_PASSWORD"] == "admin"
    for name, service in services.items():
        for container, host in _mounts(service).items():
            assert os.path.exists(host), f"{name} mounts {host} at {container}, which does not exist"


def test_prometheus_config_passes_promtool_with_the_mounted_rules(compose, each_promtool, tmp_path):
    config = _yaml(DEPLOY, "prometheus.yml")
    catalog = load_catalog(os.path.join(ROOT, "catalog"))
    assert config["global"]["scrape_interval"] == durations.format(catalog.scrape_interval)
    assert [j["job_name"] for j in config["scrape_configs"]] == [catalog.job]
    mounts = _mounts(compose["services"]["prometheus"])
    # Every generated rule file is loaded, and nothing else (a promtool test file would stop Prometheus).
    rules_dir = next(c for c, h in mounts.items() if h == os.path.join(ROOT, "generated", "rules"))
    expected = [f"{rules_dir}/{os.path.basename(p)}" for p in rule_files(os.path.join(ROOT, "generated", "rules"))]
    assert config["rule_files"] == expected
    # promtool reads the rule files too: point it at the files the container would see.
    config["rule_files"] = [mounts[rules_dir] + path[len(rules_dir):] for path in config["rule_files"]]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    result = subprocess.run([each_promtool.path, "check", "config", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alertmanager_config_passes_amtool(each_amtool):
    result = subprocess.run([each_amtool.path, "check-config", os.path.join(DEPLOY, "alertmanager.yml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_provisions_the_datasource_the_dashboards_select_and_the_generated_dashboards(compose):
    provisioning = _mounts(compose["services"]["grafana"])
    sources = _yaml(provisioning["/etc/grafana/provisioning"], "datasources", "prometheus.yml")["datasources"]
    assert sources[0]["type"] == "prometheus" and sources[0]["url"] == "http://prometheus:9090"
    providers = _yaml(provisioning["/etc/grafana/provisioning"], "dashboards", "generated.yml")["providers"]
    dashboards_dir = provisioning[providers[0]["options"]["path"]]
    assert dashboards_dir == os.path.join(ROOT, "generated", "dashboards")
    for name in os.listdir(dashboards_dir):
        with open(os.path.join(dashboards_dir, name)) as fh:
            variable = next(v for v in json.load(fh)["templating"]["list"] if v["type"] == "datasource")
        assert variable["current"]["value"] == sources[0]["name"], name


@pytest.mark.parametrize("tier", ["2", "3"], ids=["prometheus2", "prometheus3"])
@pytest.mark.parametrize("profile", [REAL, COMPRESSED], ids=["real", "compressed"])
def test_the_generated_stack_configuration_passes_promtool_and_amtool(profile, tier, tmp_path):
    promtool, amtool = tool("promtool", tier).path, tool("amtool", tier).path
    catalog = load_catalog(os.path.join(ROOT, "catalog"))
    rules = rule_files(os.path.join(ROOT, "generated", "rules"))
    prom = tmp_path / "prometheus.yml"
    prom.write_text(yaml.safe_dump(prometheus_config(catalog, profile, target="127.0.0.1:1",
                                                     alertmanager="127.0.0.1:2", rules=rules)))
    am = tmp_path / "alertmanager.yml"
    am.write_text(yaml.safe_dump(alertmanager_config(profile, webhook_url="http://127.0.0.1:3/alerts")))
    for argv in ([promtool, "check", "config", str(prom)], [amtool, "check-config", str(am)]):
        result = subprocess.run(argv, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
