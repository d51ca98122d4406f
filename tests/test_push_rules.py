"""push-rules and diff-rules against a stand-in ruler (tests/ruler_standin.py), and environments.

Every command runs as a user runs it (a fresh ``python -m generator``), and every output is checked for the
secrets, so each scenario is also a "no secret printed" test.
"""

from __future__ import annotations

import copy
import json
import os

import pytest
import yaml

from generator.delivery.groups import Group, groups_of, rule_files
from generator.delivery.ruler import RulerRefused, RulerTarget
from tests.conftest import ROOT, run_cli
from tests.ruler_standin import StandInRuler

TOKEN = "rlr_TestSecretToken_7a6b5c4d3e"
PASSWORD = "ruler-Pa55-Secret-Quokka"
TENANT = "team-a"
NAMESPACE = "ai-service"  # this repository's default namespace (its grafana_folder_uid)
GENERATED = groups_of(rule_files(os.path.join(ROOT, "generated", "rules")))
NAMES = [g.name for g in GENERATED]
CLEAN_ENV = {"RULER_URL": "", "RULER_TOKEN": "", "RULER_USER": "", "RULER_PASSWORD": "", "RULER_TENANT": ""}


def rules_cli(command, ruler_url, *args, token=TOKEN, env=None, cwd=ROOT):
    url = ["--ruler-url", ruler_url] if ruler_url else []
    result = run_cli(command, *url, *args, cwd=str(cwd), env={**CLEAN_ENV, "RULER_TOKEN": token or "", **(env or {})})
    for secret in (TOKEN, PASSWORD):
        assert secret not in result.stdout + result.stderr, "a secret was printed"
    return result


@pytest.fixture
def ruler():
    with StandInRuler(token=TOKEN, tenants={TENANT, "team-b"}) as server:
        yield server


OTHER = {"name": "someone-elses", "rules": [{"alert": "Theirs", "expr": "up == 0", "for": "1m"}]}


def seed_other_namespace(ruler):
    # another team's namespace, with a group of the same name as one of ours, and a group of another name
    ruler.rules.setdefault(TENANT, {})["other-team"] = {
        NAMES[0]: {"name": NAMES[0], "rules": [{"record": "x:y", "expr": "sum(up)"}]},
        OTHER["name"]: copy.deepcopy(OTHER)}
    return copy.deepcopy(ruler.rules[TENANT]["other-team"])


def test_first_sync_creates_every_group_second_writes_nothing(ruler):
    other = seed_other_namespace(ruler)
    first = rules_cli("push-rules", ruler.url, "--tenant", TENANT)
    assert first.returncode == 0, first.stderr
    assert sorted(ruler.rules[TENANT][NAMESPACE]) == sorted(NAMES)
    for group in GENERATED:  # what the ruler holds is what the code declares
        assert ruler.rules[TENANT][NAMESPACE][group.name]["rules"][0]["expr"] == group.data["rules"][0]["expr"]
    assert ruler.count("POST") == len(NAMES)
    assert f"{len(NAMES)} created" in first.stdout

    writes = list(ruler.writes)
    second = rules_cli("push-rules", ruler.url, "--tenant", TENANT)
    assert second.returncode == 0, second.stderr
    assert ruler.writes == writes and ruler.count("POST") == len(NAMES) and ruler.count("DELETE") == 0
    assert f"0 created, 0 updated, {len(NAMES)} unchanged" in second.stdout
    assert "0 writes" in second.stdout
    assert ruler.rules[TENANT]["other-team"] == other

    diff = rules_cli("diff-rules", ruler.url, "--tenant", TENANT)
    assert diff.returncode == 0, diff.stdout + diff.stderr
    assert "matches the code" in diff.stdout


def test_a_changed_group_is_shown_then_updated_alone(ruler):
    assert rules_cli("push-rules", ruler.url, "--tenant", TENANT).returncode == 0
    live = ruler.rules[TENANT][NAMESPACE]
    alert = next(g for g in GENERATED if any("alert" in r for r in g.data["rules"]))
    rule = next(r for r in live[alert.name]["rules"] if "alert" in r)
    rule["for"], rule["labels"] = "59m", {**(rule.get("labels") or {}), "severity": "info"}

    diff = rules_cli("diff-rules", ruler.url, "--tenant", TENANT)
    assert diff.returncode == 1, diff.stdout + diff.stderr
    assert f"{alert.name}: updated" in diff.stdout
    assert f"alert {rule['alert']}: for: 3540s ->" in diff.stdout
    assert f"alert {rule['alert']}: labels.severity: info ->" in diff.stdout
    assert ruler.count("POST") == len(NAMES)  # diff wrote nothing

    push = rules_cli("push-rules", ruler.url, "--tenant", TENANT)
    assert push.returncode == 0, push.stderr
    assert ruler.count("POST") == len(NAMES) + 1
    assert ruler.writes[-1] == ("POST", f"/prometheus/config/v1/rules/{NAMESPACE}")
    assert rules_cli("diff-rules", ruler.url, "--tenant", TENANT).returncode == 0


def test_prune_removes_only_this_namespaces_leftovers(ruler):
    other = seed_other_namespace(ruler)
    ruler.rules[TENANT][NAMESPACE] = {"retired": {"name": "retired", "rules": [{"record": "a:b", "expr": "sum(up)"}]}}

    kept = rules_cli("push-rules", ruler.url, "--tenant", TENANT)
    assert kept.returncode == 0, kept.stderr
    assert "retired" in ruler.rules[TENANT][NAMESPACE] and "left alone   retired" in kept.stdout
    assert ruler.count("DELETE") == 0

    diff = rules_cli("diff-rules", ruler.url, "--tenant", TENANT, "--prune")
    assert diff.returncode == 1 and "retired: deleted" in diff.stdout

    pruned = rules_cli("push-rules", ruler.url, "--tenant", TENANT, "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert sorted(ruler.rules[TENANT][NAMESPACE]) == sorted(NAMES)
    assert ruler.writes[-1] == ("DELETE", f"/prometheus/config/v1/rules/{NAMESPACE}/retired")
    assert ruler.count("DELETE") == 1
    assert ruler.rules[TENANT]["other-team"] == other  # same group names there, never touched


@pytest.mark.parametrize("case", ["wrong token", "no token", "wrong tenant", "no tenant"])
def test_refused_credentials_or_tenant_write_nothing_and_print_no_secret(ruler, case):
    args = {"wrong token": ("--tenant", TENANT), "no token": ("--tenant", TENANT),
            "wrong tenant": ("--tenant", "team-z"), "no tenant": ()}[case]
    token = {"wrong token": "not-" + TOKEN[::-1], "no token": ""}.get(case, TOKEN)
    result = rules_cli("push-rules", ruler.url, *args, token=token)
    assert result.returncode == 1, result.stdout
    assert ruler.writes == [] and ruler.count("POST") == 0 and ruler.count("DELETE") == 0
    expected = {"wrong token": "401 (invalid credentials)", "no token": "401 (invalid credentials)",
                "wrong tenant": "403 (tenant team-z is not allowed", "no tenant": "401 (no org id)"}[case]
    assert expected in result.stderr
    assert token not in result.stdout + result.stderr or not token


def test_basic_auth_from_the_environment():
    with StandInRuler(user="deployer", password=PASSWORD) as ruler:
        result = rules_cli("push-rules", ruler.url, "--tenant", TENANT, token="",
                           env={"RULER_USER": "deployer", "RULER_PASSWORD": PASSWORD})
        assert result.returncode == 0, result.stderr
        assert sorted(ruler.rules[TENANT][NAMESPACE]) == sorted(NAMES)


def test_the_rulers_own_reason_for_a_refused_group(ruler):
    bad = Group("x.yml", {"name": "broken", "rules": [{"alert": "Broken", "expr": "sum(rate(x[5m]"}]})
    target = RulerTarget(ruler.url, NAMESPACE, tenant=TENANT)
    target.session.headers["Authorization"] = f"Bearer {TOKEN}"
    with pytest.raises(RulerRefused) as e:
        target.sync([bad])
    assert e.value.status == 400 and "could not parse expression" in str(e.value) and "'broken'" in str(e.value)
    assert ruler.writes == []


def test_unreachable_ruler_and_missing_target_are_clear():
    result = rules_cli("push-rules", "http://127.0.0.1:9", "--tenant", TENANT)
    assert result.returncode == 3 and "cannot reach the ruler at http://127.0.0.1:9" in result.stderr
    result = rules_cli("push-rules", None)
    assert result.returncode == 2 and "no target" in result.stderr


# -- environments ---------------------------------------------------------------------------------------------


def _with_environments(project, text: str):
    with open(project / "pyproject.toml", "a") as fh:
        fh.write("\n" + text)


def test_push_rules_env_takes_url_tenant_namespace_and_credential_variable(project_copy, ruler):
    _with_environments(project_copy, f"""
[tool.generator.environments.staging]
ruler_url = "{ruler.url}"
tenant = "team-b"
ruler_namespace = "ai-staging"
ruler_token_env = "STAGING_RULER_TOKEN"
""")
    result = rules_cli("push-rules", None, "--env", "staging", token="wrong", cwd=project_copy,
                       env={"STAGING_RULER_TOKEN": TOKEN})
    assert result.returncode == 0, result.stderr
    assert sorted(ruler.rules["team-b"]["ai-staging"]) == sorted(NAMES)
    assert rules_cli("diff-rules", None, "--env", "staging", cwd=project_copy,
                     env={"STAGING_RULER_TOKEN": TOKEN}).returncode == 0

    unset = rules_cli("push-rules", None, "--env", "staging", cwd=project_copy)
    assert unset.returncode == 2 and "STAGING_RULER_TOKEN, which is not set" in unset.stderr
    unknown = rules_cli("push-rules", None, "--env", "prod", cwd=project_copy)
    assert unknown.returncode == 2 and "no environment 'prod'" in unknown.stderr and "staging" in unknown.stderr


def test_grafana_push_env_applies_folder_and_datasource_at_push_time(project_copy):
    from tests.grafana_support import TOKEN as GRAFANA_TOKEN
    from tests.grafana_support import StandInGrafana

    before = {n: open(os.path.join(project_copy, "generated", "dashboards", n), "rb").read()
              for n in os.listdir(os.path.join(project_copy, "generated", "dashboards"))}
    with StandInGrafana(token=GRAFANA_TOKEN) as grafana:
        _with_environments(project_copy, f"""
[tool.generator.environments.staging]
grafana_url = "{grafana.url}"
grafana_folder = "AI (staging)"
grafana_folder_uid = "ai-staging"
datasource = "prom-staging"
grafana_token_env = "STAGING_GRAFANA_TOKEN"
""")
        env = {"GRAFANA_TOKEN": "", "GRAFANA_URL": "", "STAGING_GRAFANA_TOKEN": GRAFANA_TOKEN}
        first = run_cli("push", "--env", "staging", cwd=str(project_copy), env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert GRAFANA_TOKEN not in first.stdout + first.stderr
        for uid in (n[:-5] for n in before):
            stored = grafana.dashboards[uid]
            data = json.loads(json.dumps(stored.get("dashboard", stored) if isinstance(stored, dict) else stored))
            variables = [v for v in data["templating"]["list"] if v["type"] == "datasource"]
            assert variables and all(v["current"]["value"] == "prom-staging" for v in variables)
        second = run_cli("push", "--env", "staging", cwd=str(project_copy), env=env)
        assert second.returncode == 0 and "0 created, 0 updated" in second.stdout, second.stdout
        diff = run_cli("diff", "--env", "staging", cwd=str(project_copy), env=env)
        assert diff.returncode == 0, diff.stdout + diff.stderr
    after = {n: open(os.path.join(project_copy, "generated", "dashboards", n), "rb").read() for n in before}
    assert after == before  # one set of built dashboards; the environment applies at push time only


def test_environment_keys_are_checked(project_copy):
    _with_environments(project_copy, '[tool.generator.environments.staging]\nruler_ur1 = "http://x"\n')
    result = rules_cli("push-rules", None, "--env", "staging", cwd=project_copy)
    assert result.returncode == 2 and "unknown keys ruler_ur1" in result.stderr


def test_generated_groups_are_what_is_delivered():
    doc = yaml.safe_load(open(os.path.join(ROOT, "generated", "rules", GENERATED[0].file)))
    assert [g["name"] for g in doc["groups"]] == [g.name for g in GENERATED if g.file == GENERATED[0].file]
