"""``push`` against the stand-in Grafana: idempotent, never clobbering edits, dry-run and prune, through the CLI
and in process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from generator.grafana import marker
from generator.grafana.push import Dashboard
from tests.conftest import ROOT, snapshot
from tests.grafana_support import (
    DASHBOARDS,
    TOKEN,
    actions,
    cli,
    generated,
    live,
    push,
    push_in_process,
    repo_dashboards,
)

UIDS = {f.removesuffix(".json") for f in os.listdir(os.path.join(ROOT, "generated", "dashboards"))}


def _summary(stdout: str) -> str:
    return [line for line in stdout.splitlines() if line.startswith("push:")][-1]


def test_first_push_creates_folder_and_dashboards_second_push_writes_nothing(project_copy, grafana):
    first = push(project_copy, grafana)
    assert first.returncode == 0, first.stderr
    assert f"{DASHBOARDS} created" in _summary(first.stdout)
    folder_uid = next(uid for uid, f in grafana.folders.items() if f["title"] == "Service")
    assert grafana.folder_path(folder_uid) == ["AI", "Service"]
    assert set(grafana.dashboards) == UIDS
    for uid, entry in grafana.dashboards.items():
        assert entry["folder_uid"] == folder_uid and entry["version"] == 1
        assert entry["messages"][-1].startswith("pushed by generator")
        assert marker.content(entry["dashboard"]) == marker.content(generated(uid))  # exactly what was reviewed
        assert marker.marker_of(entry["dashboard"]) == marker.content_hash(generated(uid))

    grafana.reset_counters()
    second = push(project_copy, grafana)
    assert second.returncode == 0, second.stderr
    assert f"0 created, 0 updated, {DASHBOARDS} unchanged, 0 conflict, 0 failed" in _summary(second.stdout)
    assert grafana.writes == 0
    assert {e["version"] for e in grafana.dashboards.values()} == {1}
    # one discovery (Grafana 11: /apis serves no dashboards, so the legacy /api), one folder listing per level of
    # "AI/Service", one GET per dashboard, nothing else
    assert grafana.requests == {"GET /apis": 1, "GET /api/folders": 2, "GET /api/dashboards/uid/:uid": DASHBOARDS}
    assert "dashboards via the legacy /api (Grafana serves no dashboard.grafana.app v1 or v1beta1, only v0alpha1)" \
        in second.stdout


def test_default_folder_comes_from_pyproject_and_is_found_by_uid(project_copy, grafana):
    result = cli("push", project_copy, grafana.url)
    assert result.returncode == 0, result.stderr
    assert grafana.folders["ai-service"]["title"] == "AI Service"
    grafana.reset_counters()
    again = cli("push", project_copy, grafana.url)
    assert again.returncode == 0 and grafana.writes == 0
    assert grafana.requests["GET /api/folders/:uid"] == 1 and grafana.total_requests == DASHBOARDS + 2  # + discovery


def test_one_changed_dashboard_is_exactly_one_write(project_copy, grafana):
    assert push(project_copy, grafana).returncode == 0
    cost = project_copy / "dashboards" / "cost.py"
    cost.write_text(cost.read_text().replace("LLM spend by model", "LLM spend per model"))
    assert cli("build", project_copy, None).returncode == 0

    grafana.reset_counters()
    result = push(project_copy, grafana)
    assert result.returncode == 0, result.stderr
    assert f"0 created, 1 updated, {DASHBOARDS - 1} unchanged" in _summary(result.stdout)
    assert grafana.writes == 1 and grafana.requests["POST /api/dashboards/db"] == 1
    assert grafana.dashboards["ai-cost"]["version"] == 2
    assert live(grafana, "ai-cost")["description"].startswith("LLM spend per model")
    assert {grafana.dashboards[u]["version"] for u in UIDS - {"ai-cost"}} == {1}


def test_stale_generated_is_refused_before_any_request(project_copy, grafana):
    cost = project_copy / "dashboards" / "cost.py"
    cost.write_text(cost.read_text().replace("LLM spend by model", "LLM spend per model"))
    result = push(project_copy, grafana)
    assert result.returncode == 1
    assert "stale" in result.stderr and "make dashboards" in result.stderr
    assert grafana.total_requests == 0


def test_edit_in_grafana_is_a_conflict_kept_and_saved_until_force(project_copy, grafana):
    assert push(project_copy, grafana).returncode == 0

    def edit(d):
        d["title"] = "Cost (tuned by on-call)"
        d["panels"][1]["targets"][0]["expr"] = "sum(up)"

    edited = grafana.edit_dashboard("ai-cost", edit, user="oncall")
    grafana.reset_counters()
    result = push(project_copy, grafana)
    assert result.returncode == 1
    assert re.search(r"conflict\s+ai-cost", result.stdout)
    assert "edited in Grafana since the last push (version 2, by oncall" in result.stdout
    assert "ai-cost" in result.stderr and "--force" in result.stderr
    assert f"{DASHBOARDS - 1} unchanged, 1 conflict" in _summary(result.stdout)
    assert grafana.writes == 0
    assert live(grafana, "ai-cost") == edited and grafana.dashboards["ai-cost"]["version"] == 2
    copy_path = project_copy / "conflicts" / "ai-cost.2.json"
    assert json.loads(copy_path.read_text()) == edited
    assert "conflicts/ai-cost.2.json" in result.stdout

    again = push(project_copy, grafana)  # still a conflict: nothing was overwritten meanwhile
    assert again.returncode == 1 and live(grafana, "ai-cost") == edited

    grafana.reset_counters()
    forced = push(project_copy, grafana, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "forced over a conflict" in forced.stdout and "1 updated" in _summary(forced.stdout)
    assert grafana.writes == 1 and grafana.dashboards["ai-cost"]["version"] == 3
    assert marker.content(live(grafana, "ai-cost")) == marker.content(generated("ai-cost"))
    assert json.loads(copy_path.read_text()) == edited
    assert push(project_copy, grafana).returncode == 0  # converged


def test_dashboard_not_pushed_by_this_tool_is_not_taken_over(project_copy, grafana):
    folder = grafana.add_folder("AI")
    grafana.add_dashboard({**generated("ai-debug"), "title": "Someone's debug"}, folder_uid=folder["uid"])
    result = push(project_copy, grafana)
    assert result.returncode == 1
    assert "not pushed by this tool" in result.stdout
    assert live(grafana, "ai-debug")["title"] == "Someone's debug"
    assert (project_copy / "conflicts" / "ai-debug.1.json").exists()


def test_dry_run_writes_nothing(project_copy, grafana):
    before = snapshot(project_copy)
    result = push(project_copy, grafana, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would create 'AI', 'Service'" in result.stdout
    assert f"{DASHBOARDS} would create" in _summary(result.stdout) and "nothing written" in result.stdout
    assert grafana.writes == 0 and not grafana.folders and not grafana.dashboards

    assert push(project_copy, grafana).returncode == 0
    grafana.edit_dashboard("ai-cost", lambda d: d.update(title="edited"))
    grafana.reset_counters()
    dry = push(project_copy, grafana, "--dry-run", "--force", "--prune")
    assert "would update" in dry.stdout
    assert grafana.writes == 0 and live(grafana, "ai-cost")["title"] == "edited"
    assert snapshot(project_copy) == before  # no conflict copy either


def test_prune_removes_only_managed_leftovers(project_copy, grafana, tmp_path):
    assert push(project_copy, grafana).returncode == 0
    folder_uid = grafana.dashboards["ai-cost"]["folder_uid"]
    base = generated("ai-cost")

    def extra(uid, title):
        return Dashboard(uid, {**base, "uid": uid, "title": title, "panels": []})

    # two dashboards once declared in code and pushed; one of them since edited in Grafana
    push_in_process(grafana, repo_dashboards() + [extra("old-one", "Old one"), extra("old-two", "Old two")],
                    conflicts_dir=tmp_path)
    grafana.edit_dashboard("old-two", lambda d: d.update(description="kept by hand"))
    # one made by hand in the folder, one pushed by this tool into another folder
    grafana.add_dashboard({**base, "uid": "by-hand", "title": "By hand", "tags": []}, folder_uid=folder_uid)
    push_in_process(grafana, [extra("elsewhere", "Elsewhere")], folder=("Other",), conflicts_dir=tmp_path)

    without = push(project_copy, grafana)
    assert without.returncode == 0 and {"old-one", "old-two"} <= set(grafana.dashboards)

    grafana.reset_counters()
    pruned = push(project_copy, grafana, "--prune")
    assert pruned.returncode == 1  # old-two was edited in Grafana: a conflict, not deleted
    assert re.search(r"deleted\s+old-one", pruned.stdout)
    assert re.search(r"conflict\s+old-two", pruned.stdout) and "not deleted" in pruned.stdout
    assert "left alone: 1 dashboard(s)" in pruned.stdout
    assert "old-one" not in grafana.dashboards
    assert {"old-two", "by-hand", "elsewhere"} | UIDS == set(grafana.dashboards)
    assert grafana.requests["DELETE /api/dashboards/uid/:uid"] == 1
    assert (project_copy / "conflicts" / "old-two.2.json").exists()

    forced = push(project_copy, grafana, "--prune", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert {"by-hand", "elsewhere"} | UIDS == set(grafana.dashboards)


def _last_save(grafana) -> dict:
    return [e for e in grafana.exchanges if e["method"] == "POST" and e["path"] == "/api/dashboards/db"][-1]["request"]


def test_in_process_create_update_conflict_force(grafana, tmp_path, grafana_logs):
    report = push_in_process(grafana, conflicts_dir=tmp_path)
    assert set(actions(report).values()) == {"created"} and report.ok
    grafana.reset_counters()
    assert set(actions(push_in_process(grafana, conflicts_dir=tmp_path)).values()) == {"unchanged"}
    assert grafana.writes == 0

    changed = [Dashboard(d.uid, {**d.data, "refresh": "5m"}) if d.uid == "ai-debug" else d
               for d in repo_dashboards()]
    report = push_in_process(grafana, changed, conflicts_dir=tmp_path)
    assert actions(report)["ai-debug"] == "updated" and grafana.writes == 1
    save = _last_save(grafana)
    assert save["overwrite"] is False and save["dashboard"]["version"] == 1  # the version read just before
    assert save["folderUid"] == grafana.dashboards["ai-debug"]["folder_uid"]
    assert save["message"].startswith("pushed by generator")

    grafana.edit_dashboard("ai-overview", lambda d: d["panels"].pop())
    report = push_in_process(grafana, changed, conflicts_dir=tmp_path)
    assert actions(report)["ai-overview"] == "conflict" and not report.ok
    report = push_in_process(grafana, changed, conflicts_dir=tmp_path, force=True)
    assert actions(report)["ai-overview"] == "updated" and report.ok
    assert _last_save(grafana)["overwrite"] is True and "version" not in _last_save(grafana)["dashboard"]


def test_many_dashboards_pushed_concurrently(grafana, tmp_path):
    base = generated("ai-overview")
    many = [Dashboard(f"bulk-{i:03d}", {**base, "uid": f"bulk-{i:03d}", "title": f"Bulk {i}", "links": []})
            for i in range(60)]
    grafana.latency = 0.005
    report = push_in_process(grafana, many, conflicts_dir=tmp_path, jobs=8)
    assert report.count("created") == 60 and len(grafana.dashboards) == 60
    grafana.reset_counters()
    report = push_in_process(grafana, many, conflicts_dir=tmp_path, jobs=8)
    assert report.count("unchanged") == 60
    assert grafana.writes == 0 and grafana.requests["GET /api/dashboards/uid/:uid"] == 60


def test_progress_only_on_a_terminal(project_copy, grafana):
    result = push(project_copy, grafana)
    assert "\r" not in result.stderr and "\033[" not in result.stderr


def test_make_push_target_exists():
    out = subprocess.run(["make", "-n", "push"], cwd=os.path.dirname(os.path.dirname(__file__)),
                         capture_output=True, text=True)
    assert out.returncode == 0 and "generator push" in out.stdout, out.stderr


def test_push_help_lists_the_flags_the_docs_promise():
    out = subprocess.run([sys.executable, "-m", "generator", "push", "--help"], capture_output=True, text=True)
    for flag in ("--grafana-url", "--folder", "--dry-run", "--force", "--prune", "--jobs"):
        assert flag in out.stdout
    assert TOKEN not in out.stdout


def test_folder_by_uid_under_a_parent_and_a_lost_create_answer(grafana):
    from generator.grafana import folders
    from tests.grafana_support import client_for

    parent = grafana.add_folder("Teams", uid="teams")
    grafana.inject("drop_after", method="POST", path="/api/folders", times=2)  # created, answer lost: replayed
    client = client_for(grafana)
    target = folders.resolve(client, ["AI", "Service"], leaf_uid="ai-svc", parent_uid="teams")
    assert target.uid == "ai-svc" and target.created == ["AI", "Service"]
    assert grafana.folder_path("ai-svc") == ["Teams", "AI", "Service"] and len(grafana.folders) == 3
    again = folders.resolve(client, ["AI", "Service"], leaf_uid="ai-svc", parent_uid=parent["uid"])
    assert again.uid == "ai-svc" and again.created == []
    dry = folders.resolve(client, ["New", "Deeper"], create=False)
    assert not dry.exists and dry.created == ["New", "Deeper"] and len(grafana.folders) == 3
