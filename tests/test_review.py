"""`review --base REF` in a clone of this repository: one panel query and one alert threshold changed and built
are named, old and new, and nothing else; a clean tree has nothing to say; the three formats carry the same review;
a query on a metric the catalog does not know is a lint problem the change introduces."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

OLD_QUERY, NEW_QUERY = 'f"sum({N.active(RATE)})"', 'f"max({N.active(RATE)})"'


def _git(cwd, *args) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


def _cli(cwd, *args) -> subprocess.CompletedProcess:
    """The clone's own engine: `python -m generator` from the clone's root imports the clone's generator/."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=str(cwd), capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.fixture
def clone(tmp_path):
    """This repository as committed (engine and content) plus the working tree's engine, in a fresh clone."""
    dest = tmp_path / "repo"
    _git(tmp_path, "clone", "--quiet", "--no-hardlinks", ROOT, str(dest))
    _git(dest, "config", "user.email", "review@test")
    _git(dest, "config", "user.name", "review test")
    # The engine under test may not be committed yet: bring the working tree's generator/ and commit it.
    subprocess.run(["cp", "-r", os.path.join(ROOT, "generator"), str(dest)], check=True)
    _git(dest, "add", "-A", "generator")
    if _git(dest, "status", "--porcelain").strip():
        _git(dest, "commit", "--quiet", "-m", "engine under test")
    built = _cli(dest, "build")
    assert built.returncode == 0, built.stderr
    if _git(dest, "status", "--porcelain").strip():
        _git(dest, "commit", "--quiet", "-am", "built")
    return dest


def _edit(path, old: str, new: str) -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))


def test_clean_tree_says_nothing_changed(clone):
    done = _cli(clone, "review", "--base", "HEAD")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No change against HEAD")
    md = _cli(clone, "review", "--base", "HEAD", "--format", "markdown")
    assert md.returncode == 0 and "No change against HEAD" in md.stdout
    data = json.loads(_cli(clone, "review", "--base", "HEAD", "--format", "json").stdout)
    assert data["changed"] is False and data["dashboards"] == [] and data["rules"] == []
    assert _cli(clone, "review", "--base", "HEAD", "--exit-code").returncode == 0
    assert "base" not in _git(clone, "worktree", "list")  # the temporary worktree is gone


def test_one_panel_query_and_one_alert_threshold(clone):
    _edit(clone / "dashboards" / "overview.py", OLD_QUERY, NEW_QUERY)
    _edit(clone / "settings.py", "MIN_HOURLY_COST = 1.0", "MIN_HOURLY_COST = 2.5")
    assert _cli(clone, "build").returncode == 0

    done = _cli(clone, "review", "--base", "HEAD", "--format", "json")
    assert done.returncode == 0, done.stderr
    review = json.loads(done.stdout)
    assert review["changed"] is True
    [dash] = review["dashboards"]
    assert (dash["uid"], dash["status"]) == ("ai-overview", "changed")
    [panel] = dash["items"]
    assert (panel["kind"], panel["name"], panel["status"]) == ("panel", "Active requests", "changed")
    assert [(f["name"], f["old"], f["new"]) for f in panel["fields"]] == [
        ("query A", "sum(ai_active_requests)", "max(ai_active_requests)")]
    assert panel["notes"] == []

    [alert] = review["rules"]
    assert (alert["kind"], alert["name"], alert["status"]) == ("alert", "CostSpike", "changed")
    fields = {f["name"]: (f["old"], f["new"]) for f in alert["fields"]}
    assert fields["threshold"] == ("> 1", "> 2.5")
    assert fields["expr"][0].endswith("job:ai_cost_dollars:increase1h > 1")  # as promql_parser prettifies it
    assert fields["expr"][1].endswith("job:ai_cost_dollars:increase1h > 2.5")
    assert set(fields) <= {"threshold", "expr", "annotation description", "annotation summary"}
    assert review["lint_introduced"] == [] and review["lint_fixed"] == []
    assert all(p.endswith(".test.yml") for p in review["other_files"])  # the alert's unit tests, regenerated

    text = _cli(clone, "review", "--base", "HEAD").stdout
    assert text.splitlines()[0].startswith("Against HEAD")
    assert 'panel "Active requests"' in text and 'alert "CostSpike"' in text
    assert "sum(ai_active_requests) → max(ai_active_requests)" in text
    assert "threshold: > 1 → > 2.5" in text
    for other in ("Request rate", "Error ratio", "HighErrorRate", "HighLatency"):
        assert other not in text

    md = _cli(clone, "review", "--base", "HEAD", "--format", "markdown").stdout
    assert md.startswith("### Dashboards and rules review\n\n**Against HEAD")
    assert "<details" in md and "</details>" in md
    assert "```diff\n    - sum(ai_active_requests)\n    + max(ai_active_requests)\n    ```" in md
    assert "#### Rules" in md and '**alert** "CostSpike"' in md
    assert _cli(clone, "review", "--base", "HEAD", "--exit-code").returncode == 1


def test_lint_problems_the_change_introduces(clone):
    _edit(clone / "dashboards" / "overview.py", OLD_QUERY, '"sum(ai_no_such_metric_total)"')
    done = _cli(clone, "review", "--base", "HEAD", "--format", "json")
    assert done.returncode == 1, done.stderr  # an introduced lint error fails the review
    review = json.loads(done.stdout)
    assert review["lint_introduced"], review
    assert any("ai_no_such_metric_total" in p["message"] for p in review["lint_introduced"])
    assert review["lint_fixed"] == []


def test_bad_base_is_a_usage_error(clone):
    done = _cli(clone, "review", "--base", "no-such-ref")
    assert done.returncode == 2
    assert "no commit 'no-such-ref' in " in done.stderr and "--base takes a branch, a tag or a commit" in done.stderr


def test_outside_a_git_repository_review_says_so(tmp_path):
    shutil.copytree(os.path.join(ROOT, "tests", "content", "assistant"), tmp_path / "assistant")
    done = _cli(tmp_path / "assistant", "review", "--base", "main")
    assert done.returncode == 2
    assert "is not in a git repository: review compares the working tree with a commit" in done.stderr


def _overview() -> dict:
    with open(os.path.join(ROOT, "generated", "dashboards", "ai-overview.json"), encoding="utf-8") as fh:
        return json.load(fh)


def _panel(dash: dict, title: str) -> dict:
    return next(p for p in dash["panels"] if p.get("title") == title)


def test_layout_variables_and_links_in_reviewer_terms():
    from generator.review.compare import compare_dashboards

    old, new = _overview(), _overview()
    _panel(new, "Token rate")["gridPos"]["w"] = 24  # resized
    _panel(new, "Errors by type")["title"] = "Errors by kind"  # renamed in place
    moved = _panel(new, "Request rate by feature")
    new["panels"].remove(moved)
    new["panels"].insert(new["panels"].index(_panel(new, "Errors")) + 1, moved)  # into another row
    new["panels"].remove(_panel(new, "Active requests by feature"))  # removed
    _panel(new, "Error ratio")["fieldConfig"]["defaults"]["thresholds"]["steps"][1]["value"] = 0.1
    _panel(new, "Error ratio")["fieldConfig"]["defaults"]["unit"] = "percent"
    new["templating"]["list"].append({"name": "region", "type": "custom", "query": "eu,us"})
    new["links"] = new["links"][1:]
    [change] = compare_dashboards({"ai-overview": old}, {"ai-overview": new})
    items = {(i.kind, i.name): i for i in change.items}
    assert any("resized: 12×8 → 24×8" in n for n in items[("panel", "Token rate")].notes)
    renamed = items[("panel", "Errors by kind")]
    assert renamed.status == "changed" and [(f.name, f.old, f.new) for f in renamed.fields] == [
        ("title", "Errors by type", "Errors by kind")]
    assert 'moved from row "Traffic" to row "Errors"' in items[("panel", "Request rate by feature")].notes
    assert items[("panel", "Active requests by feature")].status == "removed"
    assert ("panel", "Error ratio by feature") not in items  # its neighbour left; its place did not change
    fields = {f.name: (f.old, f.new) for f in items[("panel", "Error ratio")].fields}
    assert fields["unit"] == ("percentunit", "percent")
    assert "from 0.05" in fields["thresholds"][0] and "from 0.1" in fields["thresholds"][1]
    assert items[("variable", "$region")].status == "added"
    assert [i.status for (kind, _), i in items.items() if kind == "link"] == ["removed"]
    [gone] = compare_dashboards({"ai-overview": old}, {})
    assert gone.status == "removed" and {i.status for i in gone.items} == {"removed"}
    [added] = compare_dashboards({}, {"ai-overview": old})
    assert added.panels == 15 and sum(1 for i in added.items if i.kind == "panel") == 15
    assert all(f.new for i in added.items if i.kind == "panel" for f in i.fields)  # each with its queries
