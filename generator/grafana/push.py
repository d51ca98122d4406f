"""Push the dashboards of ``generated/`` into a Grafana folder, safely.

For each dashboard, one GET reads the live copy, and the marker (see :mod:`.marker`) decides:

=========  ===================================================================================================
created    no dashboard with this uid exists: saved (no version, no overwrite: a concurrent create gets 412)
unchanged  live content equals the code and still matches its marker: nothing is written (no new version)
updated    live content still matches its marker (untouched since the push) but the code changed: saved with
           the live ``version`` and ``overwrite: false``, so an edit landing between read and write gets 412
conflict   edited in Grafana since it was pushed, not pushed by this tool, moved to another folder, or changed
           during the push: not written; Grafana's version is saved to ``conflicts/<uid>.<version>.json``.
           ``force`` writes anyway (``overwrite: true``), after saving that copy
failed     Grafana refused or could not be reached; the others carry on
=========  ===================================================================================================

``prune`` deletes dashboards of the folder that the code no longer declares, only those carrying the marker and
still as pushed (an edited one is a conflict unless forced). ``dry_run`` reads everything and writes nothing.

The same plan runs on either HTTP API (a store of :mod:`.store`): the legacy ``/api`` (conditional on ``version``,
412 when stale) or Grafana 12/13's ``/apis`` (conditional on ``resourceVersion``, 409 when stale; see
:mod:`.resources`). A dashboard of ``generated/`` is a classic dashboard JSON or, for schema v2, a whole resource.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from . import marker
from .client import GrafanaClient
from .errors import GrafanaConflict, GrafanaError, GrafanaPreconditionFailed, GrafanaUnauthorized
from .folders import Folder
from .resources import explain, hashed, is_resource, with_marker
from .store import LegacyStore, Live

CREATED, UPDATED, UNCHANGED, CONFLICT, FAILED, DELETED = "created", "updated", "unchanged", "conflict", "failed", \
    "deleted"
ORDER = (CREATED, UPDATED, UNCHANGED, DELETED, CONFLICT, FAILED)
WOULD = {CREATED: "would create", UPDATED: "would update", DELETED: "would delete"}


@dataclass(frozen=True)
class Dashboard:
    """A dashboard as code declares it (``generated/dashboards/<uid>.json``): a classic dashboard JSON, or a
    resource (``{apiVersion: dashboard.grafana.app/v2beta1, kind: Dashboard, metadata: {name}, spec}``)."""

    uid: str
    data: dict
    source: str = ""  # where it came from, for messages

    @property
    def title(self) -> str:
        return str((self.data["spec"] if is_resource(self.data) else self.data).get("title", ""))


@dataclass
class Outcome:
    uid: str
    title: str
    action: str
    detail: str = ""
    version: int | None = None  # the version in Grafana after the push (or the live one, when not written)
    saved_copy: str | None = None  # where Grafana's version was saved, for conflicts
    forced: bool = False


@dataclass
class Report:
    folder: Folder
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    left_alone: int = 0  # dashboards in the folder without the marker, never pruned

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def ok(self) -> bool:
        return not any(o.action in (CONFLICT, FAILED) for o in self.outcomes)


class Pusher:
    def __init__(self, client: GrafanaClient, folder: Folder, *, force: bool = False, dry_run: bool = False,
                 message: str = "pushed by generator", conflicts_dir: str = "conflicts", jobs: int = 4,
                 on_done: Callable[[Outcome], None] | None = None, store=None):
        self.client, self.folder = client, folder
        self.store = store or LegacyStore(client)  # the legacy /api unless a route says otherwise
        self.force, self.dry_run, self.message = force, dry_run, message
        self.conflicts_dir = conflicts_dir
        self.jobs = max(1, jobs)
        self.on_done = on_done
        self._copy_lock = threading.Lock()

    # -----------------------------------------------------------------------------------------------------------

    def push(self, dashboards: list[Dashboard], *, prune: bool = False) -> Report:
        report = Report(folder=self.folder, dry_run=self.dry_run)
        report.outcomes = self._each(self._push_one, dashboards)
        if prune:
            declared = {d.uid for d in dashboards}
            leftovers, report.left_alone = self._leftovers(declared)
            report.outcomes += self._each(self._prune_one, leftovers)
        report.outcomes.sort(key=lambda o: (o.action == DELETED, o.uid))
        return report

    def _each(self, fn, items) -> list[Outcome]:
        if not items:
            return []
        if self.jobs == 1 or len(items) == 1:
            return [self._guarded(fn, item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.jobs, len(items)), thread_name_prefix="push") as pool:
            futures = [pool.submit(self._guarded, fn, item) for item in items]
            return [f.result() for f in as_completed(futures)]

    def _guarded(self, fn, item) -> Outcome:
        uid = item.uid if isinstance(item, Dashboard) else item["uid"]
        title = item.title if isinstance(item, Dashboard) else item.get("title", "")
        try:
            outcome = fn(item)
        except GrafanaUnauthorized:
            raise  # wrong credentials: every other dashboard would fail the same way
        except GrafanaError as e:
            outcome = Outcome(uid, title, FAILED, _said(e, self.store))
        except OSError as e:  # writing the conflict copy
            outcome = Outcome(uid, title, FAILED, f"cannot save Grafana's version: {e}")
        if self.on_done:
            self.on_done(outcome)
        return outcome

    # -----------------------------------------------------------------------------------------------------------
    # One dashboard

    def _push_one(self, d: Dashboard) -> Outcome:
        want = marker.content_hash(hashed(d.data))
        desired = with_marker(d.data, want)
        live = self.store.get(d.uid, d.data)
        if live is None:
            return self._write(d, desired, want, None, action=CREATED)
        if live.provisioned:
            return Outcome(d.uid, d.title, FAILED, live.provisioned, version=live.version)
        recorded, have = live.recorded, marker.content_hash(live.content)
        moved = live.folder_uid != (self.folder.uid or "")
        if live.pristine and recorded == want and not moved:
            return Outcome(d.uid, d.title, UNCHANGED, version=live.version)
        if have == want and not moved:
            # already what the code says (e.g. edited in Grafana to match): nothing is lost by adding the marker
            out = self._write(d, desired, want, live, action=UPDATED)
            out.detail = out.detail or "content already as in code; marker added"
            return out
        if live.conversion_error:
            why = f"in Grafana ({live.who()}) and not readable as the version pushed" + _conversion(live)
        elif recorded is None:
            why = "exists in Grafana but was not pushed by this tool (no marker tag)"
        elif not live.pristine:
            why = f"edited in Grafana since the last push ({live.who()})" + _conversion(live)
        elif moved:
            why = (f"is in folder {live.folder_title or live.folder_uid or 'General'!r} in Grafana, not in "
                   f"{self.folder.path!r} (moved in Grafana, or the target folder changed)")
        else:
            return self._write(d, desired, want, live, action=UPDATED)
        return self._conflict(d, desired, want, live, why)

    def _conflict(self, d: Dashboard, desired: dict, want: str, live: Live, why: str) -> Outcome:
        path = None if self.dry_run else self._save_copy(d.uid, live.version, live.document)
        kept = f"; Grafana's version saved to {path}" if path else ""
        if self.force:
            out = self._write(d, desired, want, live, action=UPDATED, overwrite=True)
            out.detail = f"forced over a conflict: {why}{kept}" + (f"; {out.detail}" if out.detail else "")
            out.saved_copy, out.forced = path, True
            return out
        return Outcome(d.uid, d.title, CONFLICT, f"{why}; not overwritten{kept}; pass --force to overwrite it",
                       version=live.version, saved_copy=path)

    def _write(self, d: Dashboard, desired: dict, want: str, live: Live | None, *, action: str,
               overwrite: bool = False) -> Outcome:
        if self.dry_run:
            return Outcome(d.uid, d.title, action, version=live.version if live else None)
        try:
            new_version = self.store.write(desired, live, folder_uid=self.folder.uid or "", message=self.message,
                                           overwrite=overwrite, data=d.data)
        except (GrafanaPreconditionFailed, GrafanaConflict) as e:
            return self._refused(d, want, action, e)
        return Outcome(d.uid, d.title, action, version=new_version)

    def _refused(self, d: Dashboard, want: str, action: str, e: GrafanaPreconditionFailed | GrafanaConflict
                 ) -> Outcome:
        """412 (legacy) or 409 (/apis): lost our own write's answer and replayed it, or someone changed the
        dashboard meanwhile."""
        live = self.store.get(d.uid, d.data)
        if live is not None:
            if e.attempts > 1 and live.recorded == want and live.pristine:
                return Outcome(d.uid, d.title, action, version=live.version)
            if self.store.stale(e) or action == CREATED:
                path = self._save_copy(d.uid, live.version, live.document)
                return Outcome(d.uid, d.title, CONFLICT,
                               f"changed in Grafana during the push ({live.who()}); not overwritten; Grafana's "
                               f"version saved to {path}; pass --force to overwrite it",
                               version=live.version, saved_copy=path)
        return Outcome(d.uid, d.title, CONFLICT if e.grafana_status == "name-exists" else FAILED,
                       f"Grafana refused the save: {e.grafana_message or e} "
                       f"[{e.grafana_status or e.status_code}]")

    # -----------------------------------------------------------------------------------------------------------
    # Prune

    def _leftovers(self, declared: set[str]) -> tuple[list[dict], int]:
        if not self.folder.exists or not self.folder.uid:
            return [], 0
        hits = self.store.in_folder(self.folder.uid)
        ours = [h for h in hits if h.get("uid") not in declared and marker.tags_have_marker(h.get("tags"))]
        alone = [h for h in hits if h.get("uid") not in declared and not marker.tags_have_marker(h.get("tags"))]
        return sorted(ours, key=lambda h: h["uid"]), len(alone)

    def _prune_one(self, hit: dict) -> Outcome:
        uid, title = hit["uid"], hit.get("title", "")
        live = self.store.get(uid)
        if live is None:
            return Outcome(uid, title, DELETED, "already gone")
        edited = live.recorded is not None and not live.pristine
        if edited and not self.force:
            path = None if self.dry_run else self._save_copy(uid, live.version, live.document)
            kept = f"; Grafana's version saved to {path}" if path else ""
            return Outcome(uid, title, CONFLICT, f"no longer declared in code, but edited in Grafana since the "
                           f"last push ({live.who()}){_conversion(live)}; not deleted{kept}; pass --force to "
                           "delete it", version=live.version, saved_copy=path)
        if self.dry_run:
            return Outcome(uid, title, DELETED, "no longer declared in code", version=live.version)
        path = self._save_copy(uid, live.version, live.document) if edited else None
        try:
            self.store.delete(live)
        except GrafanaConflict as e:  # /apis: the resourceVersion precondition failed, it changed meanwhile
            return Outcome(uid, title, CONFLICT, f"no longer declared in code, but changed in Grafana during the "
                           f"push; not deleted [{e.grafana_status or e.status_code}]", version=live.version)
        detail = "no longer declared in code" + (f"; Grafana's version saved to {path}" if path else "")
        return Outcome(uid, title, DELETED, detail, version=live.version, saved_copy=path, forced=bool(path))

    # -----------------------------------------------------------------------------------------------------------

    def _save_copy(self, uid: str, version, dashboard: dict) -> str:
        safe_uid = re.sub(r"[^A-Za-z0-9_.-]", "_", uid)
        path = os.path.join(self.conflicts_dir, f"{safe_uid}.{version if version is not None else 'unknown'}.json")
        with self._copy_lock:
            os.makedirs(self.conflicts_dir, exist_ok=True)
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(dashboard, fh, sort_keys=True, indent=2, ensure_ascii=False)
                fh.write("\n")
            os.replace(tmp, path)
        return _shown(path)


def _shown(path: str) -> str:
    """The path as the user would type it from where they are, when it is below; absolute otherwise."""
    rel = os.path.relpath(os.path.abspath(path))
    return path if rel.startswith("..") else rel


def _conversion(live: Live) -> str:
    if live.conversion_error:
        return f": Grafana could not convert it to the version pushed ({live.conversion_error})"
    return ""


def _said(e: GrafanaError, store) -> str:
    return explain(e, store.namespace) if getattr(store, "api", "") == "apis" else str(e)


def load_dashboards(directory: str) -> list[Dashboard]:
    """The dashboards of ``generated/dashboards`` (the reviewed files), sorted by uid."""
    out = []
    if not os.path.isdir(directory):
        return out
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        path = os.path.join(directory, name)
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as e:
            raise GrafanaError(f"{path}: cannot read: {e}") from e
        if not isinstance(data, dict):
            raise GrafanaError(f"{path}: not a dashboard (a JSON object)")
        uid = (data.get("metadata") or {}).get("name") if is_resource(data) else data.get("uid")
        if not isinstance(uid, str) or not uid:
            raise GrafanaError(f"{path}: the dashboard has no uid" + (" (metadata.name)" if is_resource(data) else ""))
        out.append(Dashboard(uid=uid, data=data, source=path))
    return out

