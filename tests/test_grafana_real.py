"""The push/diff/prune scenarios against a real Grafana: opt-in, when ``GRAFANA_URL`` and credentials are set.

    docker compose -f deploy/docker-compose.yml up -d grafana
    GRAFANA_URL=http://localhost:3000 GRAFANA_USER=admin GRAFANA_PASSWORD=admin make test-grafana

Everything happens in a folder of its own, with uids and titles made unique per run, and is deleted afterwards,
so the suite can run against a Grafana people use (and one where the compose file provisioned the repository's
own dashboards under their real uids).

The same flows run through every API the Grafana serves: the legacy ``/api`` (Grafana 10.4 to 13, unless switched
off) and, on Grafana 12 and 13, the ``/apis`` (``dashboard.grafana.app``; ``GRAFANA_NAMESPACE`` for another
namespace than ``default``). Each test prints which API and version it used (``pytest -s`` shows it).
"""

from __future__ import annotations

import copy
import json
import os
import uuid

import pytest

from generator.grafana import folders, marker
from generator.grafana.apis import choose, discover
from generator.grafana.client import GrafanaClient
from generator.grafana.config import settings_from
from generator.grafana.diff import CHANGED, UNCHANGED, compare
from generator.grafana.errors import GrafanaNotFound, GrafanaUnauthorized
from generator.grafana.push import Dashboard, Pusher
from tests.grafana_support import repo_dashboards

_HAVE_CREDENTIALS = bool(os.environ.get("GRAFANA_TOKEN") or (os.environ.get("GRAFANA_USER")
                                                             and os.environ.get("GRAFANA_PASSWORD")))
pytestmark = pytest.mark.skipif(not (os.environ.get("GRAFANA_URL") and _HAVE_CREDENTIALS),
                                reason="set GRAFANA_URL and GRAFANA_TOKEN (or GRAFANA_USER and GRAFANA_PASSWORD) "
                                       "to run against a real Grafana: see README, `make test-grafana`")


@pytest.fixture(scope="module")
def client():
    with GrafanaClient(settings_from()) as c:
        c.health()
        yield c


def _apis_served() -> list[str]:
    if not (os.environ.get("GRAFANA_URL") and _HAVE_CREDENTIALS):
        return ["legacy"]
    with GrafanaClient(settings_from()) as c:
        served = (discover(c) or {}).get("dashboard.grafana.app", ())
        legacy = True
        try:
            c.search(query="generator-test-probe")
        except GrafanaNotFound:
            legacy = False  # a Grafana with the legacy API switched off
    return (["legacy"] if legacy else []) + (["apis"] if {"v1", "v1beta1"} & set(served) else [])


@pytest.fixture(scope="module", params=_apis_served())
def api(request):
    return request.param


@pytest.fixture
def run(client, tmp_path, api):
    """A unique folder and uid prefix for one test, cleaned up afterwards, through ``api``."""
    tag = uuid.uuid4().hex[:8]
    created: set[str] = set()
    route = choose(client, settings_from(api=api), [])
    print(f"\n[{api}] dashboards {route.describe()}")
    store, folder_api = route.store(client), route.folders(client)

    class Run:
        folder_title = f"generator-test-{tag}"
        conflicts = tmp_path / "conflicts"

        def dashboards(self, changed: dict | None = None) -> list[Dashboard]:
            out = []
            for d in repo_dashboards():
                data = copy.deepcopy(d.data)
                data["uid"] = f"t{tag}-{d.uid}"[:40]
                data["title"] = f"{data['title']} [{tag}]"
                data.update((changed or {}).get(d.uid, {}))
                out.append(Dashboard(data["uid"], data))
                created.add(data["uid"])
            return out

        def extra(self, name: str) -> Dashboard:
            data = {**copy.deepcopy(repo_dashboards()[0].data), "uid": f"t{tag}-{name}", "title": f"{name} [{tag}]",
                    "panels": []}
            created.add(data["uid"])
            return Dashboard(data["uid"], data)

        def folder(self, create=True):
            return folders.resolve(folder_api, ["generator-tests", self.folder_title], create=create)

        def push(self, dashboards, **kwargs):
            prune = kwargs.pop("prune", False)
            return Pusher(client, self.folder(create=not kwargs.get("dry_run")), conflicts_dir=str(self.conflicts),
                          store=store, **kwargs).push(dashboards, prune=prune)

        def version(self, uid):
            return store.get(uid).version

        def get(self, uid):
            return store.get(uid)

        def save_by_hand(self, data, folder_uid):
            """Save as someone in Grafana would (not through the push), through the API under test: on the /apis,
            the resource as read with a new spec (its annotations kept, as Grafana's editor keeps them)."""
            created.add(data["uid"])
            if api == "legacy":
                live = client.get_dashboard(data["uid"])
                body = {**data, "version": live["meta"]["version"]} if live else data
                client.save_dashboard(body, folder_uid=folder_uid, overwrite=False, message="by hand")
                return
            path = store.path(store.classic_version, data["uid"])
            try:
                current = client.request("GET", path)
            except GrafanaNotFound:
                meta = {"name": data["uid"], "annotations": {"grafana.app/folder": folder_uid}}
                client.request("POST", store.path(store.classic_version), body={
                    "apiVersion": f"dashboard.grafana.app/{store.classic_version}", "kind": "Dashboard",
                    "metadata": meta, "spec": data})
                return
            client.request("PUT", path, body={**current, "spec": {k: v for k, v in data.items() if k != "uid"}})

        def compare(self, dashboards):
            return compare(client, self.folder(create=False), dashboards, store=store)

    yield Run()
    for uid in created:
        live = store.get(uid)
        if live is not None:
            store.delete(live)
    folder = folders.resolve(folder_api, ["generator-tests", Run.folder_title], create=False)
    if folder.exists:
        path = (folder_api.path(folder.uid) if hasattr(folder_api, "path") else f"/api/folders/{folder.uid}")
        client.request("DELETE", path)


def _actions(report):
    return {o.uid: o.action for o in report.outcomes}


def test_create_then_repush_writes_nothing(run):
    dashboards = run.dashboards()
    assert set(_actions(run.push(dashboards)).values()) == {"created"}
    versions = {d.uid: run.version(d.uid) for d in dashboards}
    assert set(_actions(run.push(dashboards)).values()) == {"unchanged"}
    assert {d.uid: run.version(d.uid) for d in dashboards} == versions


def test_one_change_is_one_new_version(run):
    dashboards = run.dashboards()
    run.push(dashboards)
    before = {d.uid: run.version(d.uid) for d in dashboards}
    changed = run.dashboards({"ai-cost": {"description": "changed by the real-Grafana suite"}})
    report = run.push(changed)
    cost = next(d.uid for d in changed if d.uid.endswith("ai-cost"))
    assert _actions(report)[cost] == "updated"
    assert [o.action for o in report.outcomes if o.uid != cost] == ["unchanged"] * (len(changed) - 1)
    assert {d.uid: run.version(d.uid) for d in dashboards} == {**before, cost: before[cost] + 1}


def test_edit_in_grafana_is_a_conflict_until_force(run, client):
    dashboards = run.dashboards()
    run.push(dashboards)
    uid = dashboards[0].uid
    live = run.get(uid)
    edited = {**live.content, "title": live.content["title"] + " (edited by hand)"}
    run.save_by_hand(edited, live.folder_uid)
    version = run.version(uid)

    report = run.push(dashboards)
    assert _actions(report)[uid] == "conflict" and not report.ok
    assert run.version(uid) == version
    saved = json.loads((run.conflicts / f"{uid}.{version}.json").read_text())
    assert saved["title"].endswith("(edited by hand)")

    report = run.push(dashboards, force=True)
    assert _actions(report)[uid] == "updated" and report.ok
    assert marker.marker_of(run.get(uid).content) == marker.content_hash(dashboards[0].data)
    assert _actions(run.push(dashboards))[uid] == "unchanged"  # converged


def test_dry_run_writes_nothing(run):
    dashboards = run.dashboards()
    report = run.push(dashboards, dry_run=True)
    assert set(_actions(report).values()) == {"created"}
    assert not run.folder(create=False).exists


def test_prune_removes_only_managed_leftovers(run, client):
    dashboards = run.dashboards()
    leftover = run.extra("leftover")
    run.push(dashboards + [leftover])
    folder = run.folder(create=False)
    by_hand = run.extra("by-hand")
    run.save_by_hand(by_hand.data, folder.uid)
    report = run.push(dashboards, prune=True)
    assert _actions(report)[leftover.uid] == "deleted" and report.ok
    assert run.get(leftover.uid) is None
    assert run.get(by_hand.uid) is not None


def test_diff_against_live(run, client):
    dashboards = run.dashboards()
    run.push(dashboards)
    assert {d.state for d in run.compare(dashboards)} == {UNCHANGED}
    changed = run.dashboards({"ai-overview": {"description": "new words"}})
    states = {d.uid: d.state for d in run.compare(changed)}
    assert [s for s in states.values() if s == CHANGED] == [CHANGED]


def test_wrong_token_is_refused():
    settings = settings_from(environ={"GRAFANA_URL": os.environ["GRAFANA_URL"], "GRAFANA_TOKEN": "glsa_not_valid"})
    with GrafanaClient(settings) as c, pytest.raises(GrafanaUnauthorized):
        c.search(query="anything")
