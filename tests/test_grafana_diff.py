"""``diff``: what a push would change, in a reviewer's terms, and its exit status (0 same, 1 different, 2 trouble)."""

from __future__ import annotations

import copy

from generator.grafana.diff import describe_changes
from tests.grafana_support import DASHBOARDS, cli, generated, push


def _overview():
    return copy.deepcopy(generated("ai-overview"))


def _panel(d, title):
    return next(p for p in d["panels"] if p.get("title") == title)


def test_reviewer_terms_for_each_kind_of_change():
    live, code = _overview(), _overview()
    titled = [p for p in code["panels"] if p.get("type") not in ("row",) and p.get("targets")]
    first, second, third = titled[0]["title"], titled[1]["title"], titled[2]["title"]
    code["title"] = "AI Service / Overview (new)"
    _panel(code, first)["targets"][0]["expr"] = "sum(up)"
    _panel(code, first)["fieldConfig"]["defaults"]["unit"] = "percentunit"
    _panel(code, second)["fieldConfig"]["defaults"]["thresholds"]["steps"].append({"color": "red", "value": 0.9})
    _panel(code, second)["description"] = "Now with a threshold."
    removed = code["panels"].pop(code["panels"].index(_panel(code, third)))
    code["panels"].append({**removed, "title": "Brand new panel", "id": 99})
    code["templating"]["list"].append({"name": "model", "type": "query", "query": "label_values(model)"})
    live["templating"]["list"][0]["query"] = "loki"

    changes = describe_changes(live, code)
    text = "\n".join(changes)
    assert "title: `AI Service / Overview` → `AI Service / Overview (new)`" in changes
    assert f'panel "{first}": query A: ' in text and "→ `sum(up)`" in text
    assert f'panel "{first}": unit: ' in text and "→ `percentunit`" in text
    assert f'panel "{second}": thresholds: ' in text and "red from 0.9]" in text
    assert f'panel "{second}": description: ' in text
    assert f'- panel "{third}"' in text and '+ panel "Brand new panel"' in text
    assert "+ variable $model (query)" in text
    assert "variable $datasource: query: `loki` → `prometheus`" in text
    assert "settings changed" not in text  # every change above has its own words


def test_panel_ids_renumbered_are_not_changes():
    live, code = _overview(), _overview()
    for p in live["panels"]:
        p["id"] += 100
    assert describe_changes(live, code) == []


def test_unclassified_changes_are_listed_by_path():
    live, code = _overview(), _overview()
    _panel(code, live["panels"][1]["title"])["options"]["colorMode"] = "background"
    assert any("settings changed: options.colorMode" in c for c in describe_changes(live, code))


def test_diff_exit_status_and_output(project_copy, grafana):
    def diff(*args):
        return cli("diff", project_copy, grafana.url, "--folder", "AI/Service", *args)

    before = diff()
    assert before.returncode == 1
    assert "folder 'AI/Service': missing" in before.stdout and "+ dashboard (new" in before.stdout
    assert push(project_copy, grafana).returncode == 0
    grafana.reset_counters()
    same = diff("--prune")
    assert same.returncode == 0, same.stdout + same.stderr
    assert f"Grafana matches the code ({DASHBOARDS} dashboards)" in same.stdout
    assert grafana.writes == 0

    grafana.edit_dashboard("ai-cost", lambda d: d.update(title="Cost (edited)"))
    changed = diff("--raw")
    assert changed.returncode == 1
    assert "ai-cost (AI Service / Cost): changed" in changed.stdout
    assert "title: `Cost (edited)` → `AI Service / Cost`" in changed.stdout
    assert "edited in Grafana since the last push" in changed.stdout
    assert '-  "title": "Cost (edited)",' in changed.stdout  # --raw adds the unified diff
    assert grafana.writes == 0

    trouble = cli("diff", project_copy, grafana.url, token="wrong")
    assert trouble.returncode == 2 and "refused the credentials" in trouble.stderr
