"""The folder dashboards are pushed into: found by uid or by title under its parent, created when missing.

A folder is named by a path of titles, ``"AI/Service"`` being folder ``Service`` inside folder ``AI`` (Grafana's
nested folders). The last folder may also be pinned by uid (``--folder-uid``), which survives renames in Grafana;
the first may be placed under an existing folder by its uid (``--parent-folder-uid``).

Folders are read and created through the legacy ``/api/folders`` (the client's folder methods) or, on Grafana 12 and
13, through ``folder.grafana.app`` (:class:`~generator.grafana.resources.ResourceFolders`, same methods): whichever
``api`` is passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .client import GrafanaClient
from .errors import GrafanaConflict, GrafanaError, GrafanaPreconditionFailed, GrafanaUsageError


@dataclass
class Folder:
    uid: str | None  # None only in a dry run, for a folder that would be created without a uid of ours
    path: str  # titles joined by "/", for messages
    exists: bool = True
    created: list[str] = field(default_factory=list)  # titles created (or, in a dry run, that would be)
    notes: list[str] = field(default_factory=list)


def parse_path(text: str) -> list[str]:
    titles = [t.strip() for t in (text or "").split("/")]
    if not titles or any(not t for t in titles):
        raise GrafanaUsageError(f"folder {text!r}: give titles separated by '/', e.g. \"AI/Service\"")
    return titles


def resolve(client: GrafanaClient, titles: list[str], *, leaf_uid: str | None = None,
            parent_uid: str | None = None, create: bool = True) -> Folder:
    """Find the folder, creating what is missing when ``create`` (otherwise report what would be created).
    ``client`` is anything with ``get_folder``, ``list_folders`` and ``create_folder`` (the legacy client, or the
    ``/apis`` folders)."""
    result = Folder(uid=None, path="/".join(titles))
    parent = parent_uid
    if parent_uid and client.get_folder(parent_uid) is None:
        raise GrafanaError(f"parent folder uid {parent_uid!r} does not exist in Grafana")
    for depth, title in enumerate(titles):
        is_leaf = depth == len(titles) - 1
        uid = leaf_uid if is_leaf else None
        found = _find(client, title, uid=uid, parent=parent) if result.exists else None
        if found is None:
            result.created.append(title)
            if not create:
                result.exists = False
                parent = uid
                continue
            found = _create(client, title, uid=uid, parent=parent)
        elif uid and found.get("title") != title:
            result.notes.append(f"folder uid {uid!r} is titled {found.get('title')!r} in Grafana")
        parent = found["uid"]
    result.uid = parent
    return result


def _find(client: GrafanaClient, title: str, *, uid: str | None, parent: str | None) -> dict | None:
    if uid:
        return client.get_folder(uid)
    # a server without nested folders ignores parentUid and may list every folder: keep those at this level
    siblings = [f for f in client.list_folders(parent) if (f.get("parentUid") or parent or "") == (parent or "")]
    exact = [f for f in siblings if f.get("title") == title]
    if exact:
        return exact[0]
    folded = [f for f in siblings if str(f.get("title", "")).casefold() == title.casefold()]
    return folded[0] if folded else None


def _create(client: GrafanaClient, title: str, *, uid: str | None, parent: str | None) -> dict:
    try:
        return client.create_folder(title, uid=uid, parent_uid=parent)
    except (GrafanaConflict, GrafanaPreconditionFailed) as e:
        # created concurrently, or our own create applied and its answer was lost before a retry: look again
        found = _find(client, title, uid=uid, parent=parent)
        if found is not None:
            return found
        raise GrafanaError(f"cannot create folder {title!r}: {e.grafana_message or e}") from e
