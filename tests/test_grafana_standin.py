"""The stand-in keeps Grafana's rules, and what flows between it and the client matches Grafana's published API.

Every request and response of a full push / re-push / conflict / force / prune / diff scenario is validated against
the Swagger 2.0 definitions of ``../shared/grafana/grafana-11.4.0-api-merged.json`` (read from there, not copied),
and every dashboard pushed against Grafana's dashboard JSON schema.
"""

from __future__ import annotations

import copy
import json
import re

import pytest
import requests

from generator.grafana.errors import GrafanaError
from generator.grafana.marker import marker_of
from generator.grafana.push import Dashboard
from tests.grafana_support import TOKEN, client_for, generated, push_in_process, repo_dashboards

# response bodies by (method, route) -> where the spec defines them
RESPONSES = {
    ("GET", r"/api/health"): ("definitions", "healthResponse"),
    ("GET", r"/api/folders"): ("responses", "getFoldersResponse"),
    ("POST", r"/api/folders"): ("responses", "folderResponse"),
    ("GET", r"/api/folders/[^/]+"): ("responses", "folderResponse"),
    ("POST", r"/api/dashboards/db"): ("responses", "postDashboardResponse"),
    ("GET", r"/api/dashboards/uid/[^/]+"): ("responses", "dashboardResponse"),
    ("DELETE", r"/api/dashboards/uid/[^/]+"): ("responses", "deleteDashboardResponse"),
    ("DELETE", r"/api/folders/[^/]+"): ("responses", "deleteFolderResponse"),
    ("GET", r"/api/search"): ("responses", "searchResponse"),
}
REQUESTS = {("POST", r"/api/folders"): "CreateFolderCommand", ("POST", r"/api/dashboards/db"): "SaveDashboardCommand"}
# Known differences between the spec and real servers (../shared/grafana/README.md)
SPEC_FIXES = {"postDashboardResponse": {"drop_required": ["title"], "extra_properties": ["slug"]}}


class Spec:
    """Swagger 2.0 definitions as draft-4 JSON Schemas (its ``#/definitions/...`` references resolve as they are)."""

    def __init__(self, spec: dict):
        self.spec = spec
        import jsonschema
        self.jsonschema = jsonschema

    def schema(self, where: str, name: str) -> dict:
        if where == "definitions":
            target = {"$ref": f"#/definitions/{name}"}
        else:
            target = copy.deepcopy(self.spec["responses"][name]["schema"])
        fix = SPEC_FIXES.get(name, {})
        if fix.get("drop_required"):
            target["required"] = [r for r in target.get("required", []) if r not in fix["drop_required"]]
        return {**target, "definitions": self.spec["definitions"]}

    def validate(self, body, where: str, name: str) -> None:
        self.jsonschema.Draft4Validator(self.schema(where, name)).validate(body)

    def declared(self, where: str, name: str) -> set[str]:
        """Property names the spec declares for an object (or the items of an array)."""
        schema = self.schema(where, name)
        while "$ref" in schema or schema.get("type") == "array":
            if "$ref" in schema:
                schema = self.spec["definitions"][schema["$ref"].rsplit("/", 1)[1]]
            else:
                schema = schema["items"]
        return set(schema.get("properties", {})) | set(SPEC_FIXES.get(name, {}).get("extra_properties", []))


def _lookup(table: dict, method: str, path: str):
    for (m, pattern), value in table.items():
        if m == method and re.fullmatch(pattern, path):
            return value
    return None


def _scenario(grafana, tmp_path):
    """Everything push and diff do: create, re-push, update, conflict, force, prune, errors."""
    from generator.grafana import diff, folders

    client = client_for(grafana)
    client.health()
    push_in_process(grafana, conflicts_dir=tmp_path)
    push_in_process(grafana, conflicts_dir=tmp_path)
    changed = [Dashboard(d.uid, {**d.data, "description": "changed"}) if d.uid == "ai-cost" else d
               for d in repo_dashboards()]
    push_in_process(grafana, changed + [Dashboard("leftover", {**generated("ai-cost"), "uid": "leftover",
                                                                "title": "Leftover"})], conflicts_dir=tmp_path)
    grafana.edit_dashboard("ai-debug", lambda d: d.update(title="edited"))
    push_in_process(grafana, changed, conflicts_dir=tmp_path, prune=True)
    push_in_process(grafana, changed, conflicts_dir=tmp_path, force=True)
    folder = folders.resolve(client, ["AI", "Service"], create=False)
    diff.compare(client, folder, repo_dashboards(), prune=True)
    client.get_folder(folder.uid)
    client.get_folder("missing")
    client.search(type="dash-folder")
    client.search(tags=["ai-service"], query="cost")
    for bad in ({"uid": "ai-cost", "title": "X"}, {"uid": "x" * 41, "title": "X"}, {"uid": "n", "title": ""}):
        with pytest.raises(GrafanaError):
            client.save_dashboard(bad, folder_uid=folder.uid, overwrite=False, message="")
    with pytest.raises(GrafanaError):
        client.create_folder("Service", parent_uid=grafana.folders[folder.uid]["parentUid"])
    client.delete_dashboard("missing")
    requests.get(grafana.url + "/api/search", timeout=5)  # no credentials: 401
    client.create_folder("Scratch", uid="scratch", parent_uid=folder.uid)
    client.request("DELETE", "/api/folders/scratch")


def test_requests_and_responses_match_grafanas_api_spec(grafana, grafana_api_spec, dashboard_validator, tmp_path):
    spec = Spec(grafana_api_spec)
    _scenario(grafana, tmp_path)
    seen_statuses = set()
    assert len(grafana.exchanges) > 40
    for ex in grafana.exchanges:
        method, path, status = ex["method"], ex["path"], ex["status"]
        seen_statuses.add(status)
        where = f"{method} {path} -> {status}"
        request_def = _lookup(REQUESTS, method, path)
        if request_def:
            spec.validate(ex["request"], "definitions", request_def)
            assert set(ex["request"]) <= spec.declared("definitions", request_def), where
            if request_def == "SaveDashboardCommand" and marker_of(ex["request"]["dashboard"]):  # sent by push
                errors = sorted(dashboard_validator.iter_errors(ex["request"]["dashboard"]), key=str)
                assert not errors, f"{where}: {errors[0].message}"
        if status >= 400:
            spec.validate(ex["response"], "definitions", "ErrorResponseBody")
            assert set(ex["response"]) <= spec.declared("definitions", "ErrorResponseBody"), where
            continue
        response_def = _lookup(RESPONSES, method, path)
        assert response_def, f"no spec definition mapped for {where}"
        spec.validate(ex["response"], *response_def)
        body = ex["response"]
        items = body if isinstance(body, list) else [body]
        for item in items:
            assert set(item) <= spec.declared(*response_def), f"{where}: {set(item) - spec.declared(*response_def)}"
            if "meta" in item:
                assert set(item["meta"]) <= spec.declared("definitions", "DashboardMeta"), where
    assert {200, 400, 401, 404, 409, 412} <= seen_statuses


def test_stored_dashboards_are_valid_against_the_dashboard_schema(grafana, dashboard_validator, tmp_path):
    push_in_process(grafana, conflicts_dir=tmp_path)
    for uid, entry in grafana.dashboards.items():
        errors = list(dashboard_validator.iter_errors(entry["dashboard"]))
        assert not errors, f"{uid}: {errors[0].message}"


# ----------------------------------------------------------------------------------------------------------------
# Grafana's rules, directly over HTTP


def _http(grafana, method, path, body=None, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = requests.request(method, grafana.url + path, json=body, headers=headers, timeout=5)
    return r.status_code, r.json()


def test_version_and_overwrite_rules(grafana):
    status, body = _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "d", "title": "D"}})
    assert status == 200 and body["version"] == 1 and body["status"] == "success" and body["slug"] == "d"
    assert body["url"] == "/d/d/d"
    status, body = _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "d", "title": "D", "version": 1}})
    assert status == 200 and body["version"] == 2
    status, body = _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "d", "title": "D", "version": 1}})
    assert (status, body) == (412, {"message": "The dashboard has been changed by someone else",
                                    "status": "version-mismatch"})
    status, body = _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "d", "title": "D"}})
    assert status == 412 and body["status"] == "version-mismatch"  # same uid, no version, no overwrite
    status, body = _http(grafana, "POST", "/api/dashboards/db",
                         {"dashboard": {"uid": "d", "title": "D", "version": 1}, "overwrite": True})
    assert status == 200 and body["version"] == 3
    status, body = _http(grafana, "GET", "/api/dashboards/uid/d")
    assert body["dashboard"]["version"] == 3 and body["meta"]["version"] == 3 and body["meta"]["folderUid"] == ""
    status, body = _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "e", "title": "d"}})
    assert status == 412 and body["status"] == "name-exists"


def test_folders_rules(grafana):
    status, parent = _http(grafana, "POST", "/api/folders", {"title": "AI", "uid": "ai"})
    assert status == 200 and parent["uid"] == "ai" and parent["version"] == 1
    status, child = _http(grafana, "POST", "/api/folders", {"title": "Service", "parentUid": "ai"})
    assert status == 200 and child["parentUid"] == "ai" and child["parents"][0]["uid"] == "ai"
    assert _http(grafana, "POST", "/api/folders", {"title": "Other", "uid": "ai"})[0] == 409
    assert _http(grafana, "POST", "/api/folders", {"title": "service", "parentUid": "ai"})[0] == 409
    assert _http(grafana, "POST", "/api/folders", {"title": "Service"})[0] == 200  # same title, other parent
    assert _http(grafana, "POST", "/api/folders", {"title": ""})[0] == 400
    assert [f["title"] for f in _http(grafana, "GET", "/api/folders")[1]] == ["AI", "Service"]
    assert [f["title"] for f in _http(grafana, "GET", "/api/folders?parentUid=ai")[1]] == ["Service"]
    assert _http(grafana, "GET", "/api/folders/nope") == (404, {"message": "folder not found", "status": "not-found"})
    status, body = _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"title": "X"}, "folderUid": "nope"})
    assert status == 400 and "folder not found" in body["message"]


def test_search_filters(grafana):
    _http(grafana, "POST", "/api/folders", {"title": "F", "uid": "f"})
    _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "a", "title": "Alpha", "tags": ["x", "y"]},
                                                  "folderUid": "f"})
    _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "b", "title": "Beta", "tags": ["x"]}})
    uids = lambda q: [h["uid"] for h in _http(grafana, "GET", "/api/search" + q)[1]]  # noqa: E731
    assert uids("") == ["f", "a", "b"]
    assert uids("?type=dash-db") == ["a", "b"] and uids("?type=dash-folder") == ["f"]
    assert uids("?type=dash-db&folderUIDs=f") == ["a"]
    assert uids("?tag=x") == ["a", "b"] and uids("?tag=x&tag=y") == ["a"]
    assert uids("?query=bet") == ["b"]
    assert uids("?type=dash-db&limit=1&page=2") == ["b"]
    hit = _http(grafana, "GET", "/api/search?query=alpha")[1][0]
    assert hit["folderUid"] == "f" and hit["folderTitle"] == "F" and hit["type"] == "dash-db"


def test_credentials_are_required(grafana):
    assert _http(grafana, "GET", "/api/health", token=None)[0] == 200
    assert _http(grafana, "GET", "/api/search", token=None) == (401, {"message": "Unauthorized"})
    assert _http(grafana, "GET", "/api/search", token="wrong") == (401, {"message": "Invalid API key"})
    r = requests.get(grafana.url + "/api/search", auth=("admin", "wrong"), timeout=5)
    assert r.status_code == 401 and json.loads(r.text)["message"] == "Invalid username or password"
    assert grafana.writes == 0


def test_delete_and_unknown_routes(grafana):
    _http(grafana, "POST", "/api/dashboards/db", {"dashboard": {"uid": "a", "title": "A"}})
    assert _http(grafana, "DELETE", "/api/dashboards/uid/a") == (200, {"title": "A", "message": "Dashboard A deleted",
                                                                        "uid": "a"})
    assert _http(grafana, "DELETE", "/api/dashboards/uid/a")[0] == 404
    assert _http(grafana, "GET", "/api/nothing-here")[0] == 404
    assert _http(grafana, "PUT", "/api/search")[0] == 405


def test_provisioned_dashboards_cannot_be_saved_and_push_says_why(grafana, tmp_path):
    grafana.add_dashboard(generated("ai-cost"), provisioned=True)
    status, body = _http(grafana, "POST", "/api/dashboards/db",
                         {"dashboard": {"uid": "ai-cost", "title": "X"}, "overwrite": True})
    assert status == 400 and body["message"] == "Cannot save provisioned dashboard"
    report = push_in_process(grafana, conflicts_dir=tmp_path, force=True)
    outcome = next(o for o in report.outcomes if o.uid == "ai-cost")
    assert outcome.action == "failed" and "provisioned" in outcome.detail
