"""What the stand-in Grafana's two APIs share: failures as Grafana answers them, uids, pages, time."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

UID_RE = re.compile(r"^[a-zA-Z0-9\-_]*$")


class HTTPFailure(Exception):
    """A refusal of the legacy ``/api``: ``{"message": …, "status": …}``."""

    def __init__(self, status: int, message: str, status_text: str | None = None):
        super().__init__(message)
        self.status, self.message, self.status_text = status, message, status_text

    def body(self) -> dict:
        out = {"message": self.message}
        if self.status_text:
            out["status"] = self.status_text
        return out


class StatusFailure(HTTPFailure):
    """A refusal of the ``/apis``: a Kubernetes ``Status`` (``io.k8s.apimachinery.pkg.apis.meta.v1.Status`` in
    Grafana's OpenAPI description): ``kind``, ``apiVersion: v1``, ``status: Failure``, ``message``, ``reason``,
    ``code`` and ``details`` (``name``, ``group``, ``kind``, ``causes``)."""

    def __init__(self, status: int, reason: str, message: str, *, name: str | None = None,
                 group: str | None = None, kind: str | None = None, causes: list[dict] | None = None):
        super().__init__(status, message, reason)
        self.reason = reason
        self.details = {k: v for k, v in (("name", name), ("group", group), ("kind", kind)) if v}
        if causes:
            self.details["causes"] = causes

    def body(self) -> dict:
        out = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": self.message,
               "reason": self.reason, "code": self.status}
        if self.details:
            out["details"] = self.details
        return out


def not_found(resource: str, group: str, name: str) -> StatusFailure:
    return StatusFailure(404, "NotFound", f'{resource}.{group} "{name}" not found', name=name, group=group,
                         kind=resource)


def already_exists(resource: str, group: str, name: str) -> StatusFailure:
    return StatusFailure(409, "AlreadyExists", f'{resource}.{group} "{name}" already exists', name=name,
                         group=group, kind=resource)


def conflict(resource: str, group: str, name: str) -> StatusFailure:
    return StatusFailure(409, "Conflict", f'Operation cannot be fulfilled on {resource}.{group} "{name}": the object '
                         "has been modified; please apply your changes to the latest version and try again",
                         name=name, group=group, kind=resource)


def invalid(kind: str, group: str, name: str, field: str, what: str, cause: str = "FieldValueRequired"
            ) -> StatusFailure:
    return StatusFailure(422, "Invalid", f'{kind}.{group} "{name}" is invalid: {field}: {what}', name=name,
                         group=group, kind=kind, causes=[{"reason": cause, "message": what, "field": field}])


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slugify(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def check_uid(uid) -> None:
    if not isinstance(uid, str):
        raise HTTPFailure(400, "uid must be a string")
    if len(uid) > 40:
        raise HTTPFailure(400, "uid too long, max 40 characters", "uid-too-long")
    if not UID_RE.match(uid):
        raise HTTPFailure(400, "uid contains illegal characters", "illegal-uid")


_uid_counter = itertools.count(1)


def new_uid() -> str:
    return f"standin{next(_uid_counter):06d}"


def page(items: list, query: dict, default_limit: int = 1000, max_limit: int = 5000) -> list:
    try:
        limit = int((query.get("limit") or [default_limit])[0])
        number = int((query.get("page") or [1])[0])
    except ValueError:
        raise HTTPFailure(400, "invalid limit or page") from None
    limit = max(1, min(limit, max_limit))
    number = max(1, number)
    return items[(number - 1) * limit: number * limit]
