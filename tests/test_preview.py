"""`preview` against a real Prometheus (the stack of `stack up`, with its backfilled history, raw and recorded): one
PNG per dashboard, as big as Grafana's grid says, every panel where its gridPos puts it and with points across nine
tenths of its range or more; a bar gauge and a stat with thresholds drawn in the colour Grafana's rules give their
values; a panel on a metric nobody exports says "No data"; `review --preview` draws before and after from the same
history up to the same moment, so the changed panel, and only it, shows a changed picture."""

from __future__ import annotations

import json
import os
import struct

import pytest
from conftest import ROOT, run_cli
from matplotlib import image

from generator.live.coverage import evaluations
from generator.review.display import active_threshold, field_config, hex_color, mode_of, threshold_steps
from generator.review.preview import CELL_H, HEADER, MARGIN, WIDTH

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def prometheus(history_stack):
    with open(os.path.join(history_stack, "stack.json")) as fh:
        return json.load(fh)["urls"]["prometheus"]


def _png_size(path) -> tuple[int, int]:
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def _dashboards(root=ROOT) -> dict[str, dict]:
    out = {}
    folder = os.path.join(root, "generated", "dashboards")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as fh:
            data = json.load(fh)
        out[data["uid"]] = data
    return out


def _colours(png, box) -> int:
    """Distinct colours inside a panel's box (pixels), below its title."""
    x, y, w, h = box
    area = png[y + 30: y + h - 4, x + 4: x + w - 4, :3]
    return len({tuple(p) for p in (area * 255).astype(int).reshape(-1, 3)[::7]})


def test_one_picture_per_dashboard_laid_out_on_the_grid(prometheus, tmp_path):
    out = tmp_path / "pictures"
    done = run_cli("preview", "--prometheus", prometheus, "--out", str(out))
    assert done.returncode == 0, done.stderr + done.stdout
    with open(out / "preview.json") as fh:
        index = {d["uid"]: d for d in json.load(fh)["dashboards"]}
    dashboards = _dashboards()
    assert set(index) == set(dashboards)
    assert sorted(os.listdir(out)) == sorted([f"{uid}.png" for uid in dashboards] + ["preview.json"])
    for uid, dash in dashboards.items():
        bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dash["panels"])
        assert _png_size(out / f"{uid}.png") == (WIDTH, HEADER + bottom * CELL_H + MARGIN)
        drawn = index[uid]["panels"]
        assert [p["title"] for p in drawn] == [p["title"] for p in dash["panels"]]
        for shown, panel in zip(drawn, dash["panels"], strict=True):
            g = panel["gridPos"]
            assert shown["box"][0] == round(g["x"] * WIDTH / 24 + MARGIN / 2)
            assert shown["box"][1] == round(HEADER + g["y"] * CELL_H + MARGIN / 2)
            assert shown["status"] == ("row" if panel["type"] == "row" else "data"), (uid, shown)
        png = image.imread(out / f"{uid}.png")
        for shown in drawn:
            if shown["status"] == "data":
                assert _colours(png, shown["box"]) > 3, (uid, shown["title"])  # something is drawn in it
    kinds = {p["type"] for d in dashboards.values() for p in d["panels"]}
    assert {"timeseries", "stat", "table", "heatmap", "bargauge"} <= kinds
    _covered(index, dashboards)
    _coloured_by_their_steps(index, dashboards)


def _covered(index: dict, dashboards: dict) -> None:
    """Every panel of range queries has a series with points at nine tenths of its evaluation times or more."""
    short = []
    for uid, dash in dashboards.items():
        for shown, panel in zip(index[uid]["panels"], dash["panels"], strict=True):
            ranged = [t for t in panel.get("targets") or [] if not t.get("instant")]
            if panel["type"] == "row" or not ranged:
                continue
            start, end = shown["range"]
            best = max(s["points"] for s in shown["series"]) / evaluations(start, end, shown["step"])
            if best < 0.9:
                short.append((uid, shown["title"], round(best, 3)))
    assert not short, short


def _coloured_by_their_steps(index: dict, dashboards: dict) -> None:
    """Each value of a stat or bar gauge in colour mode thresholds has its step's colour (getActiveThreshold)."""
    checked = {}
    for uid, dash in dashboards.items():
        for shown, panel in zip(index[uid]["panels"], dash["panels"], strict=True):
            if panel["type"] not in ("stat", "bargauge") or shown["status"] != "data":
                continue
            config = field_config(panel)
            if mode_of(config) != "thresholds" or len(threshold_steps(config)) < 2:
                continue
            for value in shown["values"]:
                if value["mapped"] or value["value"] is None:
                    continue
                expected = hex_color(active_threshold(value["value"], threshold_steps(config))[1])
                assert value["color"] == expected, (uid, shown["title"], value)
                checked.setdefault(panel["type"], []).append(shown["title"])
    assert "Error budget remaining" in checked.get("bargauge", []), checked
    assert checked.get("stat"), checked


def test_a_panel_without_data_says_no_data(prometheus, project_copy, tmp_path):
    dash = _dashboards(project_copy)["ai-overview"]
    dash = json.loads(json.dumps(dash).replace("sum(ai_active_requests)", "sum(ai_no_such_metric)"))
    dash["uid"], dash["title"] = "empty-panel", "One empty panel"
    with open(project_copy / "generated" / "dashboards" / "empty-panel.json", "w") as fh:
        json.dump(dash, fh)
    out = tmp_path / "pictures"
    done = run_cli("--root", str(project_copy), "preview", "--prometheus", prometheus, "--out", str(out),
                   "empty-panel")
    assert done.returncode == 0, done.stderr
    assert "no data in 1: Active requests" in done.stdout
    with open(out / "preview.json") as fh:
        [shown] = json.load(fh)["dashboards"]
    status = {p["title"]: p["status"] for p in shown["panels"] if p["status"] != "row"}
    assert status.pop("Active requests") == "no data"
    assert set(status.values()) == {"data"}
    png = image.imread(out / "empty-panel.png")
    boxes = {p["title"]: p["box"] for p in shown["panels"]}
    assert _colours(png, boxes["Active requests"]) < _colours(png, boxes["Request rate"])


def test_unknown_dashboard_and_no_prometheus(tmp_path):
    done = run_cli("preview", "--prometheus", "http://127.0.0.1:9", "--out", str(tmp_path))
    assert done.returncode == 2 and "cannot reach Prometheus" in done.stderr
    done = run_cli("preview", "--prometheus", "http://127.0.0.1:9", "no-such-dashboard")
    assert done.returncode != 0 and "no-such-dashboard" in done.stderr


def test_review_preview_links_before_and_after(prometheus, tmp_path):
    from test_review import NEW_QUERY, OLD_QUERY, _cli, _edit, _git

    dest = tmp_path / "repo"
    _git(tmp_path, "clone", "--quiet", "--no-hardlinks", ROOT, str(dest))
    for key, value in (("user.email", "review@test"), ("user.name", "review test")):
        _git(dest, "config", key, value)
    _edit(dest / "dashboards" / "overview.py", OLD_QUERY, NEW_QUERY)
    assert _cli(dest, "build").returncode == 0
    pictures = tmp_path / "pictures"
    done = _cli(dest, "review", "--base", "HEAD", "--format", "markdown", "--preview", "--prometheus", prometheus,
                "--pictures", str(pictures), "--output", str(tmp_path / "review.md"))
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(pictures)) == ["ai-overview.after.png", "ai-overview.before.png", "pictures.json"]
    with open(pictures / "pictures.json") as fh:
        [(uid, sides)] = json.load(fh)["dashboards"].items()
    before, after = ({p["title"]: p for p in sides[side]["panels"]} for side in ("before", "after"))
    assert uid == "ai-overview" and set(before) == set(after)
    for title in before:  # one window of one history: the same range, and the same data but where the query changed
        assert before[title].get("range") == after[title].get("range"), title
        if title != "Active requests":
            assert before[title].get("values") == after[title].get("values"), title
            assert before[title]["series"] == after[title]["series"], title
    [old], [new] = before["Active requests"]["values"], after["Active requests"]["values"]
    assert old["value"] != new["value"], (old, new)  # sum() of every feature's requests in flight, then max()
    md = (tmp_path / "review.md").read_text()
    assert "![before: ai-overview](pictures/ai-overview.before.png)" in md
    assert "![after: ai-overview](pictures/ai-overview.after.png)" in md
    assert _png_size(pictures / "ai-overview.before.png") == _png_size(pictures / "ai-overview.after.png")


def _synthetic() -> dict:
    """Panel types the service's dashboards do not use, a collapsed row, and a type previews do not know."""
    def panel(pid, kind, title, expr, x, y, w=8, h=8, **extra):
        return {"id": pid, "type": kind, "title": title, "gridPos": {"x": x, "y": y, "w": w, "h": h},
                "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{feature}}"}] if expr else [], **extra}

    steps = {"mode": "absolute", "steps": [{"color": "green", "value": None}, {"color": "red", "value": 150}]}
    return {"uid": "synthetic", "title": "Synthetic", "time": {"from": "now-1h", "to": "now"},
            "templating": {"list": []}, "panels": [
                panel(1, "gauge", "Active requests gauge", "sum(ai_active_requests)", 0, 0,
                      fieldConfig={"defaults": {"unit": "short", "min": 0, "max": 200, "thresholds": steps}}),
                panel(2, "piechart", "Requests by feature", "sum by (feature) (rate(ai_requests_total[5m]))", 8, 0),
                panel(3, "text", "Notes", None, 16, 0, options={"content": "Read me first."}),
                panel(4, "news", "Feed", None, 0, 8, w=24, h=4),
                {"id": 5, "type": "row", "title": "Hidden", "collapsed": True, "gridPos": {"x": 0, "y": 12, "w": 24,
                                                                                             "h": 1},
                 "panels": [panel(6, "stat", "Inside a collapsed row", "sum(ai_active_requests)", 0, 13)]},
            ]}


def test_gauge_pie_text_and_collapsed_rows(prometheus, project_copy, tmp_path):
    with open(project_copy / "generated" / "dashboards" / "synthetic.json", "w") as fh:
        json.dump(_synthetic(), fh)
    out = tmp_path / "pictures"
    done = run_cli("--root", str(project_copy), "preview", "--prometheus", prometheus, "--out", str(out), "synthetic")
    assert done.returncode == 0, done.stderr
    with open(out / "preview.json") as fh:
        [shown] = json.load(fh)["dashboards"]
    status = {p["title"]: p["status"] for p in shown["panels"]}
    assert status == {"Active requests gauge": "data", "Requests by feature": "data", "Notes": "data",
                      "Feed": "not drawn", "Hidden": "row"}  # a collapsed row's panels are not drawn
    assert _png_size(out / "synthetic.png") == (WIDTH, HEADER + 13 * CELL_H + MARGIN)
