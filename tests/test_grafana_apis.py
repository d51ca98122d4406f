"""``push``, ``diff`` and ``prune`` through Grafana 12/13's ``/apis`` against the stand-in: discovered or forced,
idempotent, never clobbering an edit made in Grafana (resourceVersion, 409 Conflict), folders through
``folder.grafana.app``, prune of what this repository owns only, and the path taken said in the output."""

from __future__ import annotations

import copy
import json
import re

import pytest

from generator.grafana import folders, marker
from generator.grafana.apis import choose
from generator.grafana.config import settings_from
from generator.grafana.push import Dashboard, Pusher
from generator.grafana.resources import GENERATION, ResourceStore
from tests.grafana_standin import APIS_DASHBOARD, APIS_DASHBOARDS, APIS_FOLDERS, StandInGrafana
from tests.grafana_support import (
    DASHBOARDS,
    PASSWORD,
    TOKEN,
    actions,
    cli,
    client_for,
    generated,
    live,
    push,
    repo_dashboards,
)


@pytest.fixture
def grafana13():
    """Grafana 13 with the legacy /api switched off: everything must go through the /apis."""
    with StandInGrafana(token=TOKEN, users={"admin": PASSWORD}, record=True, version="13.0.0",
                        legacy=False) as server:
        yield server


def _summary(stdout: str) -> str:
    return [line for line in stdout.splitlines() if line.startswith("push:")][-1]


def _apis_push(grafana, dashboards=None, *, conflicts_dir, folder=("AI", "Service"), prune=False, client=None,
               **kwargs):
    client = client or client_for(grafana)
    docs = repo_dashboards() if dashboards is None else dashboards
    route = choose(client, client.settings, docs)
    target = folders.resolve(route.folders(client), list(folder), create=not kwargs.get("dry_run", False))
    return Pusher(client, target, conflicts_dir=str(conflicts_dir), store=route.store(client), **kwargs).push(
        docs, prune=prune)


def test_first_push_creates_everything_through_the_apis_and_the_second_writes_nothing(project_copy, grafana13):
    first = push(project_copy, grafana13)
    assert first.returncode == 0, first.stderr
    assert ("dashboards via /apis dashboard.grafana.app/v1 (namespace default), folders via folder.grafana.app/v1 "
            "(discovered)") in first.stdout
    assert f"{DASHBOARDS} created" in _summary(first.stdout) and "via /apis dashboard.grafana.app/v1" in _summary(
        first.stdout)
    assert not [path for _, path, _ in grafana13.log if path.startswith("/api/")]  # nothing through the legacy API
    folder_uid = next(uid for uid, f in grafana13.folders.items() if f["title"] == "Service")
    assert grafana13.folder_path(folder_uid) == ["AI", "Service"]
    for uid, entry in grafana13.dashboards.items():
        assert entry["folder_uid"] == folder_uid and entry["version"] == 1 and entry["stored_version"] == "v1"
        assert entry["messages"][-1].startswith("pushed by generator")
        assert entry["annotations"][GENERATION] == "1"
        # Grafana migrates the spec on the way in: what it stores is the code but for the schemaVersion
        assert {**marker.content(entry["dashboard"]), "schemaVersion": 39} == marker.content(generated(uid))

    grafana13.reset_counters()
    second = push(project_copy, grafana13)
    assert second.returncode == 0, second.stderr
    assert f"0 created, 0 updated, {DASHBOARDS} unchanged, 0 conflict, 0 failed" in _summary(second.stdout)
    assert grafana13.writes == 0 and {e["version"] for e in grafana13.dashboards.values()} == {1}
    # one discovery, one folder listing per level of "AI/Service", one GET per dashboard, nothing else
    assert grafana13.requests == {"GET /apis": 1, f"GET {APIS_FOLDERS}": 2, f"GET {APIS_DASHBOARD}": DASHBOARDS}


def test_auto_discovery_picks_the_apis_on_12_and_13_and_the_legacy_api_before(project_copy):
    expected = {"10.4.0": "via the legacy /api (Grafana serves no /apis)",
                "11.4.0": "via the legacy /api (Grafana serves no dashboard.grafana.app v1 or v1beta1, only v0alpha1)",
                "12.2.0": "via /apis dashboard.grafana.app/v1beta1 (namespace default), folders via "
                          "folder.grafana.app/v1beta1 (discovered)",
                "13.0.0": "via /apis dashboard.grafana.app/v1 (namespace default), folders via folder.grafana.app/v1"}
    for version, said in expected.items():
        with StandInGrafana(token=TOKEN, version=version) as grafana:
            result = push(project_copy, grafana)
            assert result.returncode == 0, (version, result.stderr)
            assert said in result.stdout, (version, result.stdout)
            legacy = version < "12"
            assert any(p.startswith("/api/dashboards") for _, p, _ in grafana.log) == legacy
            assert any(p.startswith("/apis/dashboard.grafana.app") for _, p, _ in grafana.log) != legacy
            assert len(grafana.dashboards) == DASHBOARDS


def test_forced_api_and_per_environment(project_copy):
    with StandInGrafana(token=TOKEN, version="13.0.0") as grafana:
        forced = push(project_copy, grafana, "--api", "legacy")
        assert forced.returncode == 0, forced.stderr
        assert "dashboards via the legacy /api (asked for)" in forced.stdout
        assert not any(p.startswith("/apis/dashboard") for _, p, _ in grafana.log)
        again = push(project_copy, grafana, "--api", "apis")  # the same dashboards, now through the /apis
        assert again.returncode == 0, again.stdout + again.stderr
        assert "(asked for)" in again.stdout and f"{DASHBOARDS} unchanged" in _summary(again.stdout)

    pyproject = project_copy / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.generator.environments.old]\ngrafana_api = "apis"\n'
                         'grafana_namespace = "org-2"\n')
    with StandInGrafana(token=TOKEN, version="11.4.0") as grafana:
        refused = cli("push", project_copy, grafana.url, "--env", "old")
        assert refused.returncode == 2 and grafana.writes == 0
        assert "--api apis: Grafana at" in refused.stderr and "use --api legacy" in refused.stderr
    with StandInGrafana(token=TOKEN, version="13.0.0") as grafana:
        wrong = cli("push", project_copy, grafana.url, "--env", "old")
        assert wrong.returncode == 2 and grafana.writes == 0  # credentials not allowed there: a usage error
        assert "namespace 'org-2'" in wrong.stderr and "stacks-<stack id>" in wrong.stderr
        assert "[Forbidden, 403]" in wrong.stderr
    bad = cli("push", project_copy, "http://127.0.0.1:9", "--namespace", "Not A Namespace")
    assert bad.returncode == 2 and "is not a namespace name" in bad.stderr


def test_an_edit_made_in_grafana_survives_until_force(project_copy, grafana13):
    assert push(project_copy, grafana13).returncode == 0
    edited = grafana13.edit_dashboard("ai-cost", lambda d: d.update(title="Cost (tuned by on-call)"), user="oncall")
    grafana13.reset_counters()
    result = push(project_copy, grafana13)
    assert result.returncode == 1
    assert re.search(r"conflict\s+ai-cost", result.stdout)
    assert "edited in Grafana since the last push (version 2, by user:oncall" in result.stdout
    assert grafana13.writes == 0 and live(grafana13, "ai-cost") == edited
    saved = json.loads((project_copy / "conflicts" / "ai-cost.2.json").read_text())
    assert saved["title"] == "Cost (tuned by on-call)"

    forced = push(project_copy, grafana13, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "forced over a conflict" in forced.stdout and grafana13.dashboards["ai-cost"]["version"] == 3
    put = [e for e in grafana13.exchanges if e["method"] == "PUT"][-1]["request"]
    assert put["metadata"]["resourceVersion"]  # force replaces the version saved, never a newer one
    assert push(project_copy, grafana13).returncode == 0  # converged


def test_a_stale_resource_version_is_reported_and_nothing_is_lost(grafana13, tmp_path):
    assert _apis_push(grafana13, conflicts_dir=tmp_path).ok
    changed = [Dashboard(d.uid, {**d.data, "description": "new words"}) for d in repo_dashboards()]

    class EditedBetweenReadAndWrite(ResourceStore):
        def get(self, uid, data=None):
            got = super().get(uid, data)
            if uid == "ai-debug" and got is not None and not getattr(self, "done", False):
                self.done = True
                grafana13.edit_dashboard(uid, lambda d: d.update(refresh="1m"), user="racer")
            return got

    client = client_for(grafana13)
    route = choose(client, client.settings, changed)
    store = EditedBetweenReadAndWrite(client, route.namespace, route.classic_version, route.served)
    target = folders.resolve(route.folders(client), ["AI", "Service"])
    report = Pusher(client, target, conflicts_dir=str(tmp_path), store=store, jobs=1).push(changed)
    outcome = next(o for o in report.outcomes if o.uid == "ai-debug")
    assert outcome.action == "conflict" and "changed in Grafana during the push" in outcome.detail
    assert "by user:racer" in outcome.detail
    assert live(grafana13, "ai-debug")["refresh"] == "1m"  # the racer's edit is kept
    assert json.loads((tmp_path / "ai-debug.2.json").read_text())["refresh"] == "1m"
    assert [e["response"]["reason"] for e in grafana13.exchanges if e["status"] == 409] == ["Conflict"]
    assert {o.action for o in report.outcomes if o.uid != "ai-debug"} == {"updated"}


def test_lost_answers_are_replayed_and_recognised(grafana13, tmp_path):
    grafana13.inject("drop_after", method="POST", path="/apis/dashboard.grafana.app", times=1)
    grafana13.inject("status_after", status=502, method="POST", path="/apis/folder.grafana.app", times=1)
    report = _apis_push(grafana13, conflicts_dir=tmp_path, jobs=1)
    assert set(actions(report).values()) == {"created"}, [o.detail for o in report.outcomes]
    assert len(grafana13.folders) == 2 and {e["version"] for e in grafana13.dashboards.values()} == {1}
    reasons = [e["response"].get("reason") for e in grafana13.exchanges if e["status"] == 409]
    assert reasons == ["AlreadyExists", "AlreadyExists"]  # the replays were refused, not applied

    changed = [Dashboard(d.uid, {**d.data, "description": "v2"}) for d in repo_dashboards()]
    grafana13.inject("status_after", status=504, method="PUT", path="/apis/dashboard.grafana.app", times=1)
    report = _apis_push(grafana13, changed, conflicts_dir=tmp_path, jobs=1)
    assert set(actions(report).values()) == {"updated"}, [o.detail for o in report.outcomes]
    assert {e["version"] for e in grafana13.dashboards.values()} == {2} and not list(tmp_path.iterdir())


def test_prune_removes_only_owned_dashboards(project_copy, grafana13, tmp_path):
    assert push(project_copy, grafana13).returncode == 0
    folder_uid = grafana13.dashboards["ai-cost"]["folder_uid"]
    base = generated("ai-cost")

    def extra(uid, title):
        return Dashboard(uid, {**base, "uid": uid, "title": title, "panels": []})

    assert _apis_push(grafana13, repo_dashboards() + [extra("old-one", "Old one"), extra("old-two", "Old two")],
                      conflicts_dir=tmp_path).ok
    grafana13.edit_dashboard("old-two", lambda d: d.update(description="kept by hand"))
    grafana13.add_dashboard({**base, "uid": "by-hand", "title": "By hand", "tags": []}, folder_uid=folder_uid)
    assert _apis_push(grafana13, [extra("elsewhere", "Elsewhere")], folder=("Other",), conflicts_dir=tmp_path).ok

    diff = cli("diff", project_copy, grafana13.url, "--folder", "AI/Service", "--prune")
    assert diff.returncode == 1 and "old-one (Old one): not in code" in diff.stdout
    grafana13.reset_counters()
    pruned = push(project_copy, grafana13, "--prune")
    assert pruned.returncode == 1  # old-two was edited in Grafana: a conflict, not deleted
    assert re.search(r"deleted\s+old-one", pruned.stdout)
    assert re.search(r"conflict\s+old-two", pruned.stdout) and "not deleted" in pruned.stdout
    assert "left alone: 1 dashboard(s)" in pruned.stdout
    assert set(grafana13.dashboards) == {"old-two", "by-hand", "elsewhere"} | {d.uid for d in repo_dashboards()}
    delete = [e for e in grafana13.exchanges if e["method"] == "DELETE"]
    assert len(delete) == 1 and delete[0]["request"]["preconditions"]["resourceVersion"]
    assert grafana13.requests[f"GET {APIS_DASHBOARDS}"] == 1  # the folder's dashboards, listed once

    forced = push(project_copy, grafana13, "--prune", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert set(grafana13.dashboards) == {"by-hand", "elsewhere"} | {d.uid for d in repo_dashboards()}


def test_a_dashboard_saved_as_schema_v2_in_grafana_is_kept(project_copy, grafana13):
    assert push(project_copy, grafana13).returncode == 0
    grafana13.save_as_v2("ai-overview", lambda s: s.update(title="Overview (v2)"), user="designer")
    grafana13.save_as_v2("ai-debug")
    grafana13.fail_conversion("ai-debug")
    grafana13.reset_counters()
    result = push(project_copy, grafana13)
    assert result.returncode == 1 and grafana13.writes == 0
    assert "saved as dashboard.grafana.app/v2beta1" in result.stdout
    assert "could not convert it to the version pushed (could not convert v2beta1 to v1)" in result.stdout
    for uid in ("ai-overview", "ai-debug"):  # the copy is the stored v2 resource, even when conversion failed
        saved = json.loads((project_copy / "conflicts" / f"{uid}.2.json").read_text())
        assert saved["apiVersion"] == "dashboard.grafana.app/v2beta1" and "elements" in saved["spec"]
        assert marker.tags_have_marker(saved["spec"]["tags"])
    diff = cli("diff", project_copy, grafana13.url, "--folder", "AI/Service")
    assert diff.returncode == 1 and "saved as dashboard.grafana.app/v2beta1" in diff.stdout


def test_schema_v2_resources_go_to_their_own_version(grafana13, tmp_path):
    def resource(uid: str, title: str) -> Dashboard:
        return Dashboard(uid, {"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard",
                               "metadata": {"name": uid}, "spec": {
                                   "title": title, "tags": ["ai"], "elements": {}, "description": "",
                                   "layout": {"kind": "GridLayout", "spec": {"items": []}}}}, f"{uid}.json")

    docs = [resource("v2-one", "One"), *repo_dashboards()[:1]]
    report = _apis_push(grafana13, docs, conflicts_dir=tmp_path)
    assert set(actions(report).values()) == {"created"}, [o.detail for o in report.outcomes]
    assert grafana13.dashboards["v2-one"]["stored_version"] == "v2beta1"
    assert grafana13.dashboards["v2-one"]["v2"]["title"] == "One"
    assert marker.tags_have_marker(grafana13.dashboards["v2-one"]["v2"]["tags"])
    assert set(actions(_apis_push(grafana13, docs, conflicts_dir=tmp_path)).values()) == {"unchanged"}
    changed = [resource("v2-one", "One, renamed"), *repo_dashboards()[:1]]
    assert actions(_apis_push(grafana13, changed, conflicts_dir=tmp_path))["v2-one"] == "updated"

    with StandInGrafana(token=TOKEN, version="11.4.0") as old:
        client = client_for(old)
        with pytest.raises(Exception, match=r"v2-one.json: schema v2 resources .* go only through Grafana's /apis"):
            choose(client, client.settings, docs)
        assert old.writes == 0


def test_diff_through_the_apis(project_copy, grafana13):
    assert push(project_copy, grafana13).returncode == 0
    same = cli("diff", project_copy, grafana13.url, "--folder", "AI/Service")
    assert same.returncode == 0, same.stdout  # what Grafana migrated on the way in is no change
    assert "dashboards via /apis dashboard.grafana.app/v1" in same.stdout
    assert f"diff: Grafana matches the code ({DASHBOARDS} dashboards)" in same.stdout
    cost = project_copy / "dashboards" / "cost.py"
    cost.write_text(cost.read_text().replace("LLM spend by model", "LLM spend per model"))
    assert cli("build", project_copy, None).returncode == 0
    changed = cli("diff", project_copy, grafana13.url, "--folder", "AI/Service")
    assert changed.returncode == 1 and "ai-cost (" in changed.stdout and "description:" in changed.stdout


def test_forbidden_and_invalid_status_bodies_become_clear_messages(grafana13, tmp_path):
    client = client_for(grafana13)
    wrong = settings_from(url=grafana13.url, namespace="stacks-42", environ={"GRAFANA_TOKEN": TOKEN})
    from generator.grafana.client import GrafanaClient

    with GrafanaClient(wrong) as other:
        route = choose(other, wrong, repo_dashboards())
        report = Pusher(other, folders.Folder("general-uid", "General"), conflicts_dir=str(tmp_path),
                        store=route.store(other)).push(repo_dashboards()[:1])
    detail = report.outcomes[0].detail
    assert report.outcomes[0].action == "failed"
    assert "lack the permission in namespace 'stacks-42'" in detail and "[Forbidden, 403]" in detail
    store = choose(client, client.settings, []).store(client)
    bad = copy.deepcopy(repo_dashboards()[0].data)
    bad["title"] = ""
    with pytest.raises(Exception) as info:
        store.write(bad, None, folder_uid="", message="", overwrite=False)
    assert info.value.grafana_status == "Invalid" and "spec.title: Required value" in str(info.value)


def test_a_schema_v2_build_is_pushed_through_the_apis_and_a_second_push_writes_nothing(project_copy, grafana13):
    """The two halves together: `dashboard_schema = "v2"` builds v2beta1 resources from the repository's content,
    and `push` sends each to its own version's path on Grafana 13 (legacy /api off), idempotently."""
    settings = project_copy / "pyproject.toml"
    text, n = re.subn(r'^(metrics = "[^"]*")$', r'\1\ndashboard_schema = "v2"', settings.read_text(), flags=re.M)
    assert n == 1
    settings.write_text(text)
    assert cli("build", project_copy, None).returncode == 0
    built = json.loads((project_copy / "generated" / "dashboards" / "ai-overview.json").read_text())
    assert built["apiVersion"] == "dashboard.grafana.app/v2beta1"
    first = push(project_copy, grafana13)
    assert first.returncode == 0, first.stdout + first.stderr
    assert f"{DASHBOARDS} created" in _summary(first.stdout)
    assert {e["stored_version"] for e in grafana13.dashboards.values()} == {"v2beta1"}
    assert grafana13.dashboards["ai-overview"]["v2"]["title"] == built["spec"]["title"]
    assert not [path for _, path, _ in grafana13.log if path.startswith("/api/")]
    grafana13.reset_counters()
    second = push(project_copy, grafana13)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"0 created, 0 updated, {DASHBOARDS} unchanged" in _summary(second.stdout) and grafana13.writes == 0
