"""Importing what Grafana 13 exports: schema v2 resources, v1 resources (classic JSON under `spec`) and classic
JSON, from files or from Grafana through /apis. The round trip is proven on v2 dashboards made with Grafana's own
models (the Foundation SDK's v2 builders): import -> build (schema v2) -> the same dashboard."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from generator.build import render_dashboard
from generator.dashboard_schema import to_classic, to_v2
from generator.grafana.diff import describe_changes
from generator.importer.roundtrip import build_source, import_dashboard
from tests.conftest import ROOT, run_cli
from tests.grafana_standin import StandInGrafana
from tests.grafana_v2_sdk import plain, unknown_keys  # skips this module without the SDK

b = pytest.importorskip("grafana_foundation_sdk.builders.dashboardv2beta1")
m = pytest.importorskip("grafana_foundation_sdk.models.dashboardv2beta1")
bargauge, prometheus, stat, table, timeseries = (
    pytest.importorskip(f"grafana_foundation_sdk.builders.{name}")
    for name in ("bargauge", "prometheus", "stat", "table", "timeseries"))

DS = "${datasource}"


def _query(expr: str, legend: str = "", ref: str = "A"):
    q = prometheus.Query().datasource(b.Dashboardv2beta1DataQueryKindDatasource().name(DS)).expr(expr)
    if legend:
        q = q.legend_format(legend)
    return b.Target().query(q).ref_id(ref)


def _panel(pid: int, title: str, viz, *queries):
    return b.Panel().id(pid).title(title).description(f"{title}, made with the SDK.").data(
        b.QueryGroup().targets(list(queries))).visualization(viz)


def _item(name: str, x: int, y: int, w: int, h: int):
    return b.GridLayoutItem(name).x(x).y(y).width(w).height(h)


def sdk_dashboard(uid: str = "sdk-v2") -> dict:
    """A v2 resource built with Grafana's models: four panel types in rows, and query, custom and datasource
    variables."""
    option = m.VariableOption
    dash = (b.Dashboard("Made with Grafana's models")
            .description("A schema v2 dashboard from the Foundation SDK's builders.")
            .tags(["sdk", "v2"])
            .cursor_sync(m.DashboardCursorSync.CROSSHAIR)
            .time_settings(b.TimeSettings().from_val("now-3h").to("now").auto_refresh("1m").timezone("browser"))
            .variables([
                b.DatasourceVariable("datasource").label("Data source").plugin_id("prometheus")
                .current(option(text="Prometheus", value="Prometheus")),
                b.QueryVariable("feature").label("Feature")
                .query(b.DataQueryKind().group("prometheus").version("v0")
                       .datasource(b.Dashboardv2beta1DataQueryKindDatasource().name(DS))
                       .spec({"__legacyStringValue": "label_values(ai_requests_total, feature)"}))
                .definition("label_values(ai_requests_total, feature)")
                .refresh(m.VariableRefresh.ON_TIME_RANGE_CHANGED).sort(m.VariableSort.ALPHABETICAL_ASC)
                .multi(True).include_all(True).all_value(".*")
                .current(option(text=["All"], value=["$__all"])),
                b.CustomVariable("quantile").label("Quantile").query("0.5,0.95,0.99")
                .current(option(text="0.95", value="0.95"))
                .options([option(text=q, value=q, selected=q == "0.95") for q in ("0.5", "0.95", "0.99")]),
            ])
            .element("panel-2", _panel(2, "Requests", timeseries.Visualization().unit("reqps").min(0),
                                       _query('sum by (feature) (rate(ai_requests_total{feature=~"$feature"}'
                                              '[$__rate_interval]))', "{{feature}}")))
            .element("panel-3", _panel(3, "Error ratio", stat.Visualization().unit("percentunit").decimals(2),
                                       _query("sum(rate(ai_errors_total[$__rate_interval])) / "
                                              "sum(rate(ai_requests_total[$__rate_interval]))")))
            .element("panel-5", _panel(5, "Cost by model", bargauge.Visualization().unit("currencyUSD"),
                                       _query("sum by (model) (increase(ai_cost_dollars_total[$__range]))",
                                              "{{model}}")))
            .element("panel-6", _panel(6, "Slowest models", table.Visualization().unit("s"),
                                       _query("histogram_quantile($quantile, sum by (model, le) "
                                              "(rate(ai_request_duration_seconds_bucket[$__rate_interval])))",
                                              "{{model}}")))
            .rows_layout(b.RowsLayout().rows([
                b.RowsLayoutRow("Traffic").collapse(False).grid_layout(b.GridLayout().items([
                    _item("panel-2", 0, 0, 16, 8), _item("panel-3", 16, 0, 8, 8)])),
                b.RowsLayoutRow("Spend and latency").collapse(False).grid_layout(b.GridLayout().items([
                    _item("panel-5", 0, 0, 12, 8), _item("panel-6", 12, 0, 12, 8)])),
            ])))
    return {"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard", "metadata": {"name": uid},
            "spec": plain(dash.build())}


def _built_v2(code: str) -> dict:
    """What `build` writes for the imported module with dashboard_schema = "v2"."""
    return to_v2(build_source(code))


def _kinds(spec: dict) -> list:
    return [(v["kind"], v["spec"]["name"]) for v in spec["variables"]]


def test_the_sdk_dashboard_is_what_grafanas_models_know():
    assert unknown_keys(sdk_dashboard()["spec"]) == []


def test_a_v2_dashboard_of_grafanas_models_imports_and_builds_back_the_same():
    original = sdk_dashboard()
    _, uid, code = import_dashboard(original, "sdk-v2.json")
    assert uid == "sdk-v2"
    assert code.count("P.row(") == 2 and "P.verbatim(" in code
    built = _built_v2(code)
    assert unknown_keys(built["spec"]) == []
    assert describe_changes(to_classic(original), built) == []
    spec, again = original["spec"], built["spec"]
    assert again["layout"] == spec["layout"]
    assert _kinds(again) == _kinds(spec)
    for name, element in spec["elements"].items():
        mine = again["elements"][name]["spec"]
        theirs = element["spec"]
        assert mine["title"] == theirs["title"] and mine["description"] == theirs["description"]
        assert mine["vizConfig"]["group"] == theirs["vizConfig"]["group"]
        assert mine["vizConfig"]["spec"]["fieldConfig"]["defaults"] == theirs["vizConfig"]["spec"]["fieldConfig"][
            "defaults"]
        assert [q["spec"]["query"] for q in mine["data"]["spec"]["queries"]] == \
            [q["spec"]["query"] for q in theirs["data"]["spec"]["queries"]]
    for key in ("title", "description", "tags", "cursorSync", "links", "annotations"):
        assert again[key] == spec[key], key
    for key in ("from", "to", "autoRefresh", "timezone"):
        assert again["timeSettings"][key] == spec["timeSettings"][key], key


def test_a_v1_resource_imports_as_the_classic_json_it_holds():
    with open(os.path.join(ROOT, "generated/dashboards/ai-cost.json")) as fh:
        classic = json.load(fh)
    resource = {"apiVersion": "dashboard.grafana.app/v1beta1", "kind": "Dashboard",
                "metadata": {"name": "ai-cost", "resourceVersion": "7"}, "spec": {**classic, "uid": None}}
    _, uid, code = import_dashboard(resource, "v1.json")
    assert uid == "ai-cost"
    assert describe_changes(render_dashboard_of(code), classic) == []


def render_dashboard_of(code: str) -> dict:
    return build_source(code)


def test_import_reads_v2_and_yaml_files_and_writes_modules_that_build(tmp_path):
    out = tmp_path / "modules"
    (tmp_path / "a.json").write_text(json.dumps(sdk_dashboard("from-json")))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(sdk_dashboard("from-yaml")))
    done = run_cli("import", str(tmp_path / "a.json"), str(tmp_path / "b.yaml"), "--out", str(out), cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr + done.stdout
    assert "differs" not in done.stderr
    assert sorted(os.listdir(out)) == ["from_json.py", "from_yaml.py"]


# ---------------------------------------------------------------------------------------------------------------
# From Grafana: /apis where it serves dashboard.grafana.app, else /api


@pytest.fixture(params=["13.0.0", "11.4.0"], ids=["grafana13-apis", "grafana11-legacy"])
def grafana(request):
    """The project's stand-in Grafana holding the SDK's dashboard: on 13 (legacy /api off) saved as schema v2,
    so only /apis can read it as stored; on 11 (no /apis) as classic JSON through the legacy /api."""
    with StandInGrafana(token="t0ken", version=request.param, record=True) as server:
        server.add_dashboard({**to_classic(sdk_dashboard()), "uid": "sdk-v2"})
        if request.param.startswith("13"):
            server.save_as_v2("sdk-v2", lambda spec: (spec.clear(), spec.update(sdk_dashboard()["spec"])))
            server.legacy = False
        server.reset_counters()
        yield server


def test_import_from_grafana_reads_the_stored_v2_through_apis_else_the_legacy_api(grafana, tmp_path):
    out = tmp_path / "modules"
    env = {"GRAFANA_TOKEN": "t0ken", "GRAFANA_URL": grafana.url}
    done = run_cli("import", "--uid", "sdk-v2", "--out", str(out), cwd=str(tmp_path), env=env)
    assert done.returncode == 0, done.stderr + done.stdout
    assert (out / "sdk_v2.py").exists()
    paths = [path for _, path, _ in grafana.log]
    if grafana.version.startswith("13"):  # asked in the preferred version, then again as stored
        assert paths == ["/apis", "/apis/dashboard.grafana.app/v1/namespaces/default/dashboards/sdk-v2",
                         "/apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards/sdk-v2"]
    else:
        assert paths == ["/apis", "/api/dashboards/uid/sdk-v2"]
    built = _built_v2((out / "sdk_v2.py").read_text())
    assert describe_changes(to_classic(sdk_dashboard()), built) == []


def test_import_from_grafana_names_a_dashboard_it_does_not_have(grafana, tmp_path):
    done = run_cli("import", "--uid", "nope", "--out", str(tmp_path / "m"), cwd=str(tmp_path),
                   env={"GRAFANA_TOKEN": "t0ken", "GRAFANA_URL": grafana.url})
    assert done.returncode != 0
    where = ("/apis dashboard.grafana.app/v1 (namespace default)" if grafana.version.startswith("13")
             else "the legacy /api")
    assert f"dashboard 'nope' not found in Grafana (through {where})" in done.stderr, done.stderr
    assert not (tmp_path / "m").exists()


def test_render_dashboard_is_the_builds(tmp_path):
    """The importer's comparison builds what `build` builds (render_dashboard), so schema v2 is that, converted."""
    _, _, code = import_dashboard(sdk_dashboard(), "x.json")
    namespace: dict = {"__name__": "m"}
    exec(compile(code, "m.py", "exec"), namespace)
    assert render_dashboard(namespace["dashboard"])[0] == build_source(code)
