"""Schema v2 output (`dashboard_schema = "v2"`): the same content compiles to dashboard.grafana.app/v2beta1
resources that Grafana's own models (the Foundation SDK) know key by key, byte for byte the same every build; read
back, they are the classic dashboards; and every tool reads them: lint reports what it reports for the classic
build (pointing into the v2 file), validate and preview read generated/, review and diff compare them."""

from __future__ import annotations

import json
import re
import textwrap

import pytest

from generator.build import compile_project
from generator.dashboard_schema import kind_of, read, to_classic, to_v2
from generator.delivery import environments
from generator.errors import GeneratorError
from generator.lint import lint_files, lint_project
from generator.output import generated_dashboards, write_output
from generator.project import Project
from generator.review.sources import Side
from tests.conftest import ROOT, copy_content, run_cli
from tests.grafana_v2_sdk import unknown_keys

V2_LINE = 'dashboard_schema = "v2"'


def set_schema(root, schema: str = "v2") -> None:
    """Set `dashboard_schema` in ``root``'s [tool.generator] (the line after `metrics = ...`)."""
    path = root / "pyproject.toml"
    text = re.sub(r'^dashboard_schema = "[^"]*"\n', "", path.read_text(), flags=re.M)
    text, n = re.subn(r'^(metrics = "[^"]*")$', rf'\1\ndashboard_schema = "{schema}"', text, flags=re.M)
    assert n == 1
    path.write_text(text)


@pytest.fixture(scope="module")
def classic():
    return compile_project(Project.find(ROOT))


@pytest.fixture(scope="module")
def v2_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("v2") / "repo"
    root.mkdir()
    copy_content(root)
    set_schema(root)
    return root


@pytest.fixture(scope="module")
def v2(v2_root):
    return compile_project(Project.find(str(v2_root)))


def test_v2_build_writes_resources_byte_for_byte_the_same(v2, v2_root, classic):
    assert sorted(v2.files) == sorted(classic.files)
    for uid, compiled in v2.dashboards.items():
        doc = json.loads(v2.files[compiled.path])
        assert doc["apiVersion"] == "dashboard.grafana.app/v2beta1" and doc["kind"] == "Dashboard"
        assert doc["metadata"] == {"name": uid}
        assert set(doc["spec"]) >= {"elements", "layout", "variables", "timeSettings", "cursorSync", "links"}
    again = compile_project(Project.find(str(v2_root)))
    assert again.files == v2.files
    rules = {p: b for p, b in v2.files.items() if p.startswith("rules/")}
    assert rules == {p: b for p, b in classic.files.items() if p.startswith("rules/")}


def test_every_key_of_the_v2_output_is_known_to_grafanas_models(v2):
    for uid, compiled in v2.dashboards.items():
        assert unknown_keys(compiled.resource["spec"]) == [], uid


def test_the_checker_finds_an_unknown_key(v2):
    spec = json.loads(json.dumps(next(iter(v2.dashboards.values())).resource["spec"]))
    element = next(iter(spec["elements"].values()))
    element["spec"]["vizConfig"]["spec"]["options"]["legendd"] = {}
    element["spec"]["data"]["spec"]["queries"][0]["spec"]["query"]["spec"]["expression"] = "up"
    spec["timeSettings"]["autoRefreshh"] = "1m"
    found = unknown_keys(spec)
    assert len(found) == 3 and all("unknown key" in f for f in found), found


def test_the_second_content_tree_compiles_to_v2_known_to_grafanas_models(tmp_path):
    import shutil

    root = tmp_path / "assistant"
    shutil.copytree(f"{ROOT}/tests/content/assistant", root)
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text.replace("[tool.generator]\n", f"[tool.generator]\n{V2_LINE}\n", 1))
    out = compile_project(Project.find(str(root)))
    assert out.dashboards
    for compiled in out.dashboards.values():
        assert unknown_keys(compiled.resource["spec"]) == []


def test_read_back_a_v2_build_is_the_classic_build(v2, classic):
    for uid, compiled in classic.dashboards.items():
        assert json.loads(json.dumps(v2.dashboards[uid].data)) == compiled.data, uid


def test_a_review_across_the_switch_of_schema_sees_no_change(v2, classic):
    from generator.review.compare import compare_dashboards

    assert compare_dashboards(Side("base", dict(classic.files)).dashboards(),
                              Side("working tree", dict(v2.files)).dashboards()) == []


def test_rows_collapsed_rows_and_repeats_survive_the_round_trip():
    dash = {"uid": "r", "title": "R", "panels": [
        {"type": "stat", "id": 1, "title": "above", "gridPos": {"h": 4, "w": 24, "x": 0, "y": 0}, "targets": []},
        {"type": "row", "id": 2, "title": "open", "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 4},
         "panels": []},
        {"type": "timeseries", "id": 3, "title": "a", "gridPos": {"h": 8, "w": 12, "x": 12, "y": 5}, "targets": [],
         "repeat": "feature", "repeatDirection": "h", "maxPerRow": 2},
        {"type": "row", "id": 4, "title": "shut", "collapsed": True, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 13},
         "repeat": "model", "panels": [
             {"type": "table", "id": 5, "title": "b", "gridPos": {"h": 6, "w": 24, "x": 0, "y": 14}, "targets": []}]},
    ]}
    back = read(to_v2(dash)).classic["panels"]
    assert [(p["type"], p["id"], p["gridPos"]) for p in back] == [(p["type"], p["id"], p["gridPos"])
                                                                   for p in dash["panels"]]
    assert back[2]["repeat"] == "feature" and back[2]["repeatDirection"] == "h" and back[2]["maxPerRow"] == 2
    assert back[3]["repeat"] == "model" and back[3]["panels"][0]["gridPos"] == {"h": 6, "w": 24, "x": 0, "y": 14}


def test_what_v2_cannot_hold_fails_the_build_by_name(v2_root, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    copy_content(root, ["pyproject.toml", "catalog", "settings.py", "naming.py", "traffic.yml", "docs"])
    set_schema(root)
    (root / "dashboards").mkdir()
    (root / "dashboards/odd.py").write_text(textwrap.dedent('''\
        from generator import panels as P

        dashboard = P.dashboard("odd", "Odd", "A panel with a key schema v2 has no place for.", rows=[P.row(
            "Row", P.verbatim({"type": "text", "title": "Note", "description": "d", "content": "hi"}))])
    '''))
    (root / "generated").mkdir()
    done = run_cli("build", cwd=str(root))
    assert done.returncode == 1
    assert "build/invalid-dashboard" in done.stderr + done.stdout
    assert "panel 'Note': content has no place in schema v2" in done.stderr + done.stdout
    assert not list((root / "generated").iterdir())


def test_the_setting_is_checked():
    with pytest.raises(GeneratorError, match=r"dashboard_schema = 'v3'; expected one of classic, v2"):
        Project.from_settings("/tmp/x", {"dashboard_schema": "v3"})
    assert Project.from_settings("/tmp/x", {}).dashboard_schema == "classic"


# ---------------------------------------------------------------------------------------------------------------
# Lint reads v2 as it reads classic

PROBLEMS = textwrap.dedent('''\
    from generator import panels as P

    dashboard = P.dashboard(
        uid="lint-parity",
        title="Lint parity",
        description="Problems, on purpose, for the lint of both schemas.",
        variables=[P.query_variable("feature", "Feature", "label_values(ai_requests_total, feature)")],
        links=[P.link("Nowhere", "no-such-dashboard")],
        rows=[
            P.row(None, P.stat("Raw count", "Requests since the process started.", "short",
                               "sum(ai_requests_total)")),
            P.row(
                "Problems",
                P.timeseries("Unknown metric", "A metric the catalog lacks.", "short",
                             "sum(rate(ai_no_such_total[$__rate_interval]))"),
                P.timeseries("No unit", "A unit left out.", "",
                             'sum(rate(ai_requests_total{feature=~"$nosuch"}[30s]))'),
                P.at(0, 3, P.stat("On top", "Overlaps the panel above.", "short", "sum(ai_active_requests)")),
                P.verbatim({"type": "timeseries", "title": "Fixed source", "description": "A data source by uid.",
                            "datasource": {"type": "prometheus", "uid": "prom-prod"},
                            "targets": [{"refId": "A", "expr": "sum(rate(ai_requests_total[5m]))",
                                         "datasource": {"type": "prometheus", "uid": "prom-prod"}}],
                            "fieldConfig": {"defaults": {"unit": "reqps"}, "overrides": []}}),
            ),
            P.row("Collapsed", P.stat("Inside", "In a collapsed row.", "short", "rate(ai_active_requests[5m])"),
                  collapsed=True),
        ],
    )
''')


def _problems_root(tmp_path, name: str, schema: str):
    root = tmp_path / name
    root.mkdir()
    copy_content(root)
    (root / "dashboards/lint_parity.py").write_text(PROBLEMS)
    set_schema(root, schema)
    return root


def _resolve(doc, pointer: str):
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _seen(problems) -> list[tuple]:
    return [(p.check, p.severity, p.message, p.place.path, p.place.source) for p in problems]


def test_lint_of_a_v2_build_reports_what_the_classic_build_reports(tmp_path):
    classic_root, v2_root = _problems_root(tmp_path, "classic", "classic"), _problems_root(tmp_path, "v2", "v2")
    old = lint_project(Project.find(str(classic_root)))
    new = lint_project(Project.find(str(v2_root)))
    mine = [p for p in old.problems if "lint-parity" in p.place.file]
    assert {p.check for p in mine} >= {"promql/raw-counter", "promql/unknown-metric", "dashboard/panel-without-unit",
                                       "dashboard/undefined-variable", "dashboard/overlapping-panels",
                                       "dashboard/datasource-not-templated", "dashboard/unknown-link-uid",
                                       "promql/rate-on-gauge", "promql/range-too-short"}, _seen(mine)
    assert _seen(new.problems) == _seen(old.problems)
    assert _seen(new.suppressed) == _seen(old.suppressed)
    output = compile_project(Project.find(str(v2_root)))
    for p in new.problems:
        if p.place.file == "generated/dashboards/lint-parity.json" and p.place.pointer:
            assert p.place.pointer.startswith("/spec/"), p
            found = _resolve(output.dashboards["lint-parity"].resource, p.place.pointer)
            assert isinstance(found, dict), p
    moved = {p.place.pointer for p in new.problems if "lint-parity" in p.place.file}
    assert any("/spec/elements/panel-" in m and "/queries/" in m for m in moved), moved


def test_lint_of_v2_files_reports_what_it_reports_of_classic_files(tmp_path):
    classic_root, v2_root = _problems_root(tmp_path, "classic", "classic"), _problems_root(tmp_path, "v2", "v2")
    for root in (classic_root, v2_root):
        project = Project.find(str(root))
        write_output(project, compile_project(project))
    files = ["generated/dashboards/lint-parity.json", "generated/rules/ai_service.yml"]
    old = lint_files([str(classic_root / f) for f in files], compile_project(Project.find(str(classic_root))).catalog)
    new = lint_files([str(v2_root / f) for f in files], compile_project(Project.find(str(v2_root))).catalog)
    assert [(p.check, p.message, p.place.path) for p in new.problems] == \
        [(p.check, p.message, p.place.path) for p in old.problems]
    text = (v2_root / files[0]).read_text().splitlines()
    for p in new.problems:
        if p.place.line and p.place.file.endswith("lint-parity.json"):
            assert text[p.place.line - 1].rstrip().endswith("{"), p  # the line of the v2 object reported
            assert p.place.pointer == "" or p.place.pointer.startswith("/spec/"), p


def test_a_v1_resource_is_linted_as_the_classic_json_it_holds(tmp_path, classic):
    with open(f"{ROOT}/generated/dashboards/ai-overview.json") as fh:
        dash = json.load(fh)
    dash["panels"][1]["targets"][0]["expr"] = "sum(ai_requests_total)"
    path = tmp_path / "v1.json"
    path.write_text(json.dumps({"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
                                "metadata": {"name": "ai-overview"}, "spec": dash}, indent=2))
    report = lint_files([str(path)], classic.catalog)
    raw = [p for p in report.problems if p.check == "promql/raw-counter"]
    assert [p.place.pointer for p in raw] == ["/spec/panels/1/targets/0"]


# ---------------------------------------------------------------------------------------------------------------
# The other tools


def test_validate_and_preview_read_generated_v2_as_classic(v2_root, v2):
    project = Project.find(str(v2_root))
    write_output(project, v2)
    found = generated_dashboards(project)
    assert [d["uid"] for d in found] == sorted(v2.dashboards)
    assert all(kind_of(d) == "classic" and d["panels"] for d in found)
    assert found == [json.loads(json.dumps(v2.dashboards[d["uid"]].data)) for d in found]


def test_review_and_diff_compare_v2_sides_in_reviewer_terms(v2, classic):
    from generator.grafana.diff import describe_changes
    from generator.review.compare import compare_dashboards

    side_classic = Side("base", dict(classic.files))
    side_v2 = Side("working tree", dict(v2.files))
    assert side_v2.dashboards().keys() == side_classic.dashboards().keys()
    edited = dict(v2.files)
    resource = json.loads(edited["dashboards/ai-overview.json"])
    element = next(e for e in resource["spec"]["elements"].values() if e["spec"]["title"] == "Request rate")
    element["spec"]["title"] = "Requests per second"
    edited["dashboards/ai-overview.json"] = json.dumps(resource).encode()
    changes = describe_changes(to_classic(json.loads(v2.files["dashboards/ai-overview.json"])), resource)
    assert changes == ['- panel "Request rate" (stat)', '+ panel "Requests per second" (stat)']
    reviewed = compare_dashboards(Side("base", dict(v2.files)).dashboards(), Side("working tree", edited).dashboards())
    assert [c.uid for c in reviewed] == ["ai-overview"], reviewed
    assert "Requests per second" in str(reviewed[0])


def test_an_environment_pushes_the_other_schema(v2, classic):
    from generator.grafana.push import Dashboard

    as_classic = [Dashboard(uid, c.data) for uid, c in classic.dashboards.items()]
    as_v2 = environments.with_schema(as_classic, "v2")
    assert all(kind_of(d.data) == "v2" for d in as_v2)
    assert [d.data for d in as_v2] == [v2.dashboards[d.uid].resource for d in as_v2]
    back = environments.with_schema(as_v2, "classic")
    assert [d.data for d in back] == [json.loads(json.dumps(v2.dashboards[d.uid].data)) for d in back]
    assert environments.with_schema(as_v2, "") is as_v2
    staging = environments.with_datasource(as_v2, "prom-staging")
    variable = next(v for v in staging[0].data["spec"]["variables"] if v["kind"] == "DatasourceVariable")
    assert variable["spec"]["current"] == {"selected": True, "text": "prom-staging", "value": "prom-staging"}


def test_an_environment_names_a_schema_that_exists():
    from generator.delivery.groups import DeliveryUsageError

    project = Project.from_settings("/tmp/x", {"environments": {"lab": {"dashboard_schema": "v3"}}})
    with pytest.raises(DeliveryUsageError, match=r"environments.lab\] dashboard_schema = 'v3'"):
        environments.load(project, "lab")
    ok = Project.from_settings("/tmp/x", {"environments": {"lab": {"dashboard_schema": "v2"}}})
    assert environments.load(ok, "lab").dashboard_schema == "v2"
