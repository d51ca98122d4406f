"""`python -m generator import`: Grafana dashboards into house-style Python modules, proven by the round trip.

Every real-world dashboard of ../shared/realworld/dashboards is imported, the module built in memory, and the
result compared with the original in a reviewer's terms (generator.grafana.diff): no difference may remain. The
modules pass ruff with the repository's settings; this repository's own dashboards come back as helper calls.
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

from generator import exitcodes
from generator.importer.roundtrip import build_source, differences, expected, import_dashboard, round_trip

REALWORLD = os.path.normpath(os.path.join(ROOT, "..", "shared", "realworld", "dashboards"))
GENERATED = sorted(glob.glob(os.path.join(ROOT, "generated", "dashboards", "*.json")))


def _ruff(directory: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config",
                           os.path.join(ROOT, "pyproject.toml"), directory], capture_output=True, text=True)


def test_every_realworld_dashboard_round_trips_and_its_module_passes_ruff(tmp_path):
    files = sorted(glob.glob(os.path.join(REALWORLD, "*.json")))
    if not files:
        pytest.skip(f"{REALWORLD} not found: the real-world dashboards live in ../shared/realworld")
    differing = {}
    for path in files:
        with open(path, encoding="utf-8") as fh:
            code, diffs = round_trip(json.load(fh), os.path.basename(path))
        if diffs:
            differing[os.path.basename(path)] = diffs[:5]
        (tmp_path / f"d{len(list(tmp_path.iterdir())):03d}.py").write_text(code)
    assert not differing, f"{len(differing)} of {len(files)} dashboards differ after import and build:\n" + \
        "\n".join(f"{name}: {d}" for name, d in differing.items())
    result = _ruff(str(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:]
    # ... and is left as it is by ruff format (no string split inside a token: long ones carry `noqa: E501`)
    formatted = subprocess.run([sys.executable, "-m", "ruff", "format", "--no-cache", "--check", "--diff",
                                "--config", os.path.join(ROOT, "pyproject.toml"), str(tmp_path)],
                               capture_output=True, text=True)
    assert formatted.returncode == 0, formatted.stdout[-3000:]


def test_this_repositorys_dashboards_come_back_as_helper_calls_and_build_to_the_same_bytes():
    assert GENERATED
    for path in GENERATED:
        with open(path, encoding="utf-8") as fh:
            original = json.load(fh)
        code = import_dashboard(original, os.path.basename(path))[2]
        assert code.count("P.timeseries(") + code.count("P.stat(") >= 3, code[:2000]
        assert "P.at(" not in code and "P.verbatim" not in code  # every panel a helper call, laid out automatically
        assert build_source(code) == original  # all of it, not only what a viewer sees
        assert import_dashboard(original, os.path.basename(path))[2] == code  # deterministic


LEGACY = {
    "__inputs": [{"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"},
                 {"name": "VAR_JOB", "type": "constant", "value": "api"}],
    "__requires": [{"type": "grafana", "id": "grafana", "version": "6.0.0"}],
    "title": "Legacy", "uid": "legacy", "schemaVersion": 14, "style": "dark", "hideControls": False,
    "templating": {"list": [{"name": "instance", "type": "query", "datasource": "${DS_PROM}",
                             "query": "label_values(up{job=\"${VAR_JOB}\"}, instance)", "refresh": 1}]},
    "rows": [
        {"title": "Requests", "showTitle": True, "height": "250px", "panels": [
            {"id": 1, "type": "graph", "title": "Rate", "span": 6, "datasource": "${DS_PROM}", "lines": True,
             "yaxes": [{"format": "reqps"}, {"format": "short"}],
             "targets": [{"expr": "sum(rate(http_requests_total{job=\"${VAR_JOB}\"}[5m]))", "refId": "A",
                          "intervalFactor": 2, "legendFormat": "{{code}}"}]},
            {"id": 2, "type": "singlestat", "title": "Up", "span": 3, "datasource": "${DS_PROM}",
             "targets": [{"expr": "up", "refId": "A"}]},
        ]},
        {"title": "Logs", "collapse": True, "panels": [
            {"id": 3, "type": "logs", "title": "Errors", "span": 12,
             "datasource": {"type": "loki", "uid": "loki"},
             "targets": [{"expr": "{app=\"api\"} |= \"error\"", "refId": "A", "queryType": "range",
                          "datasource": {"type": "loki", "uid": "loki"}}]},
        ]},
    ],
}

MODERN = {
    "title": "Modern", "uid": "modern", "schemaVersion": 39, "tags": ["b", "a"],
    "panels": [
        {"id": 1, "type": "text", "title": "", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 2},
         "options": {"content": "# hello", "mode": "markdown"}},
        {"id": 2, "type": "row", "title": "Shared", "collapsed": True, "gridPos": {"x": 0, "y": 2, "w": 24, "h": 1},
         "panels": [{"id": 3, "gridPos": {"x": 0, "y": 3, "w": 8, "h": 6}, "title": "From the library",
                     "libraryPanel": {"uid": "lib-1", "name": "CPU"}}]},
        {"id": 4, "type": "row", "title": "Per host", "collapsed": False, "repeat": "host",
         "gridPos": {"x": 0, "y": 3, "w": 24, "h": 1}, "panels": []},
        {"id": 5, "type": "xychart", "title": "Odd places", "gridPos": {"x": 10, "y": 4, "w": 7, "h": 5},
         "targets": [{"refId": "A", "datasource": {"type": "mysql", "uid": "db"}, "rawSql": "SELECT 1"}]},
    ],
    "links": [{"title": "Docs", "type": "link", "url": "https://example.com", "icon": "doc"}],
}


@pytest.mark.parametrize("dash", [LEGACY, MODERN], ids=["legacy-rows-export", "library-row-repeat-sql"])
def test_what_no_helper_draws_comes_through_verbatim_and_named(dash):
    prepared, uid, code = import_dashboard(dash, "example.json")
    assert differences(expected(prepared, uid), build_source(code)) == []
    if dash is LEGACY:
        body = code.split('"""')[2]
        assert "${DS_PROM}" not in body and "${VAR_JOB}" not in body and '"${datasource}"' in body
        assert "export inputs replaced: ${DS_PROM} -> ${datasource}, ${VAR_JOB} -> api" in code
        assert "legacy `rows` laid out on the grid" in code and "hideControls, style" in code
        assert "logs panel, queries of loki: kept as written" in code
        assert "collapsed=True" in code
        built = build_source(code)
        assert [p["title"] for p in built["panels"]] == ["Requests", "Rate", "Up", "Logs"]
        assert built["panels"][3]["panels"][0]["gridPos"] == {"x": 0, "y": 9, "w": 24, "h": 7}
        assert built["templating"]["list"][0]["name"] == "datasource"
    else:
        assert "library panel 'CPU' (uid lib-1): a reference" in code
        assert "P.at(" in code and 'extra={"repeat": "host"}' in code and re.search(r"P\.row\(\s+None,", code)
        odd = build_source(code)["panels"][3]
        assert odd["title"] == "Odd places" and odd["gridPos"] == {"h": 5, "w": 7, "x": 10, "y": 4}
        assert "queries of mysql" in code and "sort_tags=False" in code


def test_the_command_writes_modules_and_never_overwrites_without_force(tmp_path):
    source = tmp_path / "modern.json"
    source.write_text(json.dumps({"dashboard": MODERN, "meta": {"version": 3}}))  # as the API returns it
    out = tmp_path / "dashboards"
    first = run_cli("import", str(source), "--out", str(out))
    assert first.returncode == exitcodes.OK, first.stderr
    module = out / "modern.py"
    text = module.read_text()
    assert text.startswith('"""Modern: imported from modern.json')
    module.write_text(text + "# edited by a person\n")
    again = run_cli("import", str(source), "--out", str(out))
    assert again.returncode == exitcodes.PROBLEMS and "pass --force" in again.stderr
    assert module.read_text().endswith("# edited by a person\n")
    forced = run_cli("import", str(source), "--out", str(out), "--force")
    assert forced.returncode == exitcodes.OK and module.read_text() == text
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    broken = run_cli("import", str(bad), "--out", str(out))
    assert broken.returncode == exitcodes.PROBLEMS and "bad.json:1: not JSON" in broken.stderr
