"""The stand-in's ``/apis`` keep the rules of Grafana's published OpenAPI description of the dashboard and folder
apps (grafana/grafana ``pkg/tests/apis/openapi_snapshots/dashboard.grafana.app-v1beta1.json``, ``-v2beta1.json``,
``folder.grafana.app-v1beta1.json``) and of its dashboard API docs: status codes, Kubernetes ``Status`` bodies,
resourceVersion and generation, dashboards stored as schema v2 read through v1, the legacy API on and off.

The required fields below restate those descriptions (``Dashboard``: metadata, spec, status; ``DashboardList``:
metadata, items; ``DashboardConversionStatus``: failed; ``Status``: kind, apiVersion, status, message, reason,
code)."""

from __future__ import annotations

import pytest
import requests

from tests.grafana_standin import StandInGrafana
from tests.grafana_support import TOKEN, generated

H = {"Authorization": f"Bearer {TOKEN}"}
DASH = "/apis/dashboard.grafana.app/{v}/namespaces/default/dashboards"


@pytest.fixture
def g13():
    with StandInGrafana(token=TOKEN, version="13.0.0") as server:
        yield server


def call(grafana, method, path, body=None):
    return requests.request(method, grafana.url + path, json=body, headers=H, timeout=5)


def resource(name, spec, version="v1", rv=None, annotations=None):
    meta = {"name": name, "annotations": annotations or {}}
    if rv:
        meta["resourceVersion"] = rv
    return {"apiVersion": f"dashboard.grafana.app/{version}", "kind": "Dashboard", "metadata": meta, "spec": spec}


def assert_status(answer, code, reason):
    body = answer.json()
    assert answer.status_code == code, body
    assert {k: body[k] for k in ("kind", "apiVersion", "status", "reason", "code")} == {
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": reason, "code": code}
    assert body["message"]
    return body


def test_discovery_follows_the_grafana_version():
    for version, dashboards in (("11.4.0", ["v0alpha1"]), ("12.2.0", ["v0alpha1", "v1beta1", "v2alpha1", "v2beta1"]),
                                ("13.0.0", ["v0alpha1", "v1beta1", "v1", "v2beta1", "v2"])):
        with StandInGrafana(token=TOKEN, version=version) as grafana:
            groups = {g["name"]: g for g in call(grafana, "GET", "/apis").json()["groups"]}
            assert [v["version"] for v in groups["dashboard.grafana.app"]["versions"]] == dashboards
            group = call(grafana, "GET", "/apis/dashboard.grafana.app").json()
            assert group["kind"] == "APIGroup" and group["name"] == "dashboard.grafana.app"
    with StandInGrafana(token=TOKEN, version="10.4.0") as grafana:
        assert call(grafana, "GET", "/apis").status_code == 404


def test_create_get_replace_and_the_resource_version_rules(g13):
    spec = {**generated("ai-cost")}
    created = call(g13, "POST", DASH.format(v="v1"), resource("ai-cost", spec, annotations={"team/x": "kept"}))
    assert created.status_code == 201
    body = created.json()
    assert {"metadata", "spec", "status"} <= set(body) and body["metadata"]["generation"] == 1
    assert body["metadata"]["annotations"]["team/x"] == "kept"
    assert "uid" not in body["spec"] and body["spec"]["schemaVersion"] == 42  # Grafana's mutation hook
    rv = body["metadata"]["resourceVersion"]

    assert_status(call(g13, "POST", DASH.format(v="v1"), resource("ai-cost", spec)), 409, "AlreadyExists")
    assert_status(call(g13, "GET", DASH.format(v="v1") + "/nope"), 404, "NotFound")
    assert_status(call(g13, "PUT", DASH.format(v="v1") + "/nope", resource("nope", spec)), 404, "NotFound")
    assert_status(call(g13, "PUT", DASH.format(v="v1") + "/ai-cost", resource("other", spec)), 400, "BadRequest")

    # metadata only: a new resourceVersion, the same generation
    same = call(g13, "PUT", DASH.format(v="v1") + "/ai-cost", resource("ai-cost", spec, rv=rv,
                                                                         annotations={"team/x": "y"})).json()
    assert same["metadata"]["generation"] == 1 and same["metadata"]["resourceVersion"] != rv
    stale = call(g13, "PUT", DASH.format(v="v1") + "/ai-cost",
                 resource("ai-cost", {**spec, "title": "lost"}, rv=rv))
    assert "the object has been modified" in assert_status(stale, 409, "Conflict")["message"]
    assert g13.dashboards["ai-cost"]["dashboard"]["title"] == spec["title"]  # nothing lost
    changed = call(g13, "PUT", DASH.format(v="v1") + "/ai-cost",
                   resource("ai-cost", {**spec, "title": "new"}, rv=same["metadata"]["resourceVersion"])).json()
    assert changed["metadata"]["generation"] == 2

    invalid = assert_status(call(g13, "POST", DASH.format(v="v1"), resource("x", {"title": ""})), 422, "Invalid")
    assert invalid["details"]["causes"][0]["field"] == "spec.title"
    forbidden = call(g13, "GET", "/apis/dashboard.grafana.app/v1/namespaces/stacks-1/dashboards")
    assert_status(forbidden, 403, "Forbidden")

    listing = call(g13, "GET", DASH.format(v="v1") + "?limit=1").json()
    assert listing["kind"] == "DashboardList" and {"metadata", "items"} <= set(listing)
    gone = call(g13, "DELETE", DASH.format(v="v1") + "/ai-cost",
                {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"resourceVersion": rv}})
    assert_status(gone, 409, "Conflict")
    done = call(g13, "DELETE", DASH.format(v="v1") + "/ai-cost").json()
    assert done["status"] == "Success" and "ai-cost" not in g13.dashboards


def test_a_dashboard_stored_as_v2_answers_on_v1_with_its_conversion_status(g13):
    spec = {"title": "V2", "tags": ["a"], "elements": {}, "layout": {"kind": "GridLayout", "spec": {"items": []}}}
    assert call(g13, "POST", DASH.format(v="v2beta1"), resource("v2d", spec, "v2beta1")).status_code == 201
    read = call(g13, "GET", DASH.format(v="v1") + "/v2d").json()
    assert read["apiVersion"] == "dashboard.grafana.app/v1" and read["spec"]["title"] == "V2"
    assert read["status"]["conversion"] == {"storedVersion": "v2beta1", "failed": False}
    assert "status" in call(g13, "GET", DASH.format(v="v2beta1") + "/v2d").json()
    g13.fail_conversion("v2d")
    failed = call(g13, "GET", DASH.format(v="v1") + "/v2d").json()
    assert failed["status"]["conversion"]["failed"] is True and failed["status"]["conversion"]["error"]
    legacy = call(g13, "GET", "/api/dashboards/uid/v2d")  # Grafana 12/13: the legacy API serves no v2
    assert legacy.status_code == 406
    assert "use /apis/dashboard.grafana.app/v2beta1/namespaces/default/dashboards/v2d" in legacy.json()["message"]


def test_the_legacy_api_switched_off_and_folders_through_the_apis():
    with StandInGrafana(token=TOKEN, version="13.0.0", legacy=False) as grafana:
        assert call(grafana, "GET", "/api/search").status_code == 404
        assert call(grafana, "GET", "/api/health").status_code == 200
        folders = "/apis/folder.grafana.app/v1/namespaces/default/folders"
        parent = {"metadata": {"name": "p"}, "spec": {"title": "P"}}
        assert call(grafana, "POST", folders, parent).status_code == 201
        child = {"metadata": {"name": "c", "annotations": {"grafana.app/folder": "p"}}, "spec": {"title": "P"}}
        assert call(grafana, "POST", folders, child).status_code == 201  # titles may repeat on the /apis
        assert_status(call(grafana, "POST", folders, parent), 409, "AlreadyExists")
        assert grafana.folder_path("c") == ["P", "P"]
        listed = call(grafana, "GET", folders).json()
        assert [i["metadata"]["name"] for i in listed["items"]] == ["c", "p"]
