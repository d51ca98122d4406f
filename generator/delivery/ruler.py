"""Sync rule groups to a ruler speaking the rules API of Grafana Mimir, Cortex and Loki (what ``mimirtool rules
sync`` drives):

- ``GET    <api>/{namespace}``          the namespace's groups, a YAML map ``{namespace: [group…]}``; ``404`` with
                                        ``no rule groups found`` when it has none;
- ``POST   <api>/{namespace}``          create or replace one group (YAML body, ``Content-Type: application/yaml``),
                                        ``202`` on success, ``400`` with the reason for a group it refuses;
- ``DELETE <api>/{namespace}/{group}``  delete one group, ``202``.

``<api>`` is ``/prometheus/config/v1/rules`` on Mimir (Loki: ``/loki/api/v1/rules``). The tenant goes in
``X-Scope-OrgID``; a ruler that needs one answers ``401 no org id`` without it. Only this repository's namespace is
ever read or written. A group is posted only when it differs from the ruler's copy after normalisation (see
:mod:`.groups`), so a second sync writes nothing; ``prune`` deletes the namespace's groups the code no longer
declares. Credentials never appear in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import requests
import yaml

from .. import yamlload
from .groups import DeliveryError, DeliveryUnavailable, DeliveryUsageError, Group, differences

DEFAULT_API_PATH = "/prometheus/config/v1/rules"

CREATED, UPDATED, UNCHANGED, DELETED = "created", "updated", "unchanged", "deleted"
WOULD = {CREATED: "would create", UPDATED: "would update", DELETED: "would delete"}


class RulerRefused(DeliveryError):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class RulerCredentials:
    token: str | None = None
    user: str | None = None
    password: str | None = None

    def secrets(self) -> list[str]:
        return [s for s in (self.token, self.password) if s]

    def __repr__(self) -> str:
        return "RulerCredentials(token=***)" if self.token else \
            f"RulerCredentials(user={self.user!r}, password=***)" if self.user else "RulerCredentials(none)"

    __str__ = __repr__


@dataclass
class Change:
    group: str
    action: str  # created, updated, unchanged, deleted
    details: list[str] = field(default_factory=list)
    data: dict | None = None  # the group to post (created/updated)


def _error_text(response: requests.Response) -> str:
    """The ruler's reason: Mimir answers JSON ``{"status": "error", "error": …}`` for some errors, text for others."""
    text = response.text.strip()
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("error"):
            return str(body["error"])
    except ValueError:
        pass
    return text[:500] or response.reason or "(no body)"


class RulerTarget:
    def __init__(self, url: str, namespace: str, *, tenant: str | None = None,
                 credentials: RulerCredentials | None = None, api_path: str = DEFAULT_API_PATH,
                 timeout: float = 30.0, session: requests.Session | None = None):
        if not namespace:
            raise DeliveryUsageError("no ruler namespace: pass --namespace or set ruler_namespace in [tool.generator]")
        self.url = url.rstrip("/")
        self.api = self.url + "/" + api_path.strip("/")
        self.namespace = namespace
        self.tenant = tenant
        self.timeout = timeout
        self.session = session or requests.Session()
        self.requests_sent = 0
        self.writes_sent = 0
        if tenant:
            self.session.headers["X-Scope-OrgID"] = tenant
        credentials = credentials or RulerCredentials()
        if credentials.token:
            self.session.headers["Authorization"] = f"Bearer {credentials.token}"
        elif credentials.user:
            self.session.auth = (credentials.user, credentials.password or "")

    # -- HTTP --------------------------------------------------------------------------------------------------

    def _path(self, group: str | None = None) -> str:
        path = "/" + quote(self.namespace, safe="")
        return path + ("/" + quote(group, safe="") if group is not None else "")

    def _request(self, method: str, path: str, *, body: bytes | None = None) -> requests.Response:
        headers = {"Content-Type": "application/yaml"} if body is not None else {}
        self.requests_sent += 1
        if method != "GET":
            self.writes_sent += 1
        try:
            response = self.session.request(method, self.api + path, data=body, headers=headers,
                                            timeout=self.timeout)
        except requests.ConnectionError:
            raise DeliveryUnavailable(f"cannot reach the ruler at {self.url} (connection refused or unreachable)") \
                from None
        except requests.Timeout:
            raise DeliveryUnavailable(f"the ruler at {self.url} did not answer {method} in {self.timeout:g} s") \
                from None
        if response.status_code in (401, 403):
            who = f"tenant {self.tenant!r}" if self.tenant else "no tenant (X-Scope-OrgID)"
            raise RulerRefused(f"the ruler refused {method} {self.api_path_of(path)} with {response.status_code} "
                               f"({_error_text(response)}) for {who}: check --tenant and RULER_TOKEN, or "
                               "RULER_USER and RULER_PASSWORD", response.status_code)
        return response

    def api_path_of(self, path: str) -> str:
        return self.api[len(self.url):] + path

    def live(self) -> dict[str, dict]:
        """The namespace's groups on the ruler, by name (empty when it has none)."""
        response = self._request("GET", self._path())
        if response.status_code == 404:
            if "no rule groups found" in response.text:
                return {}
            raise DeliveryError(f"GET {self.api_path_of(self._path())} answered 404 ({_error_text(response)}): "
                                "is the ruler API at this URL (see --rules-api-path)?")
        if response.status_code != 200:
            raise RulerRefused(f"GET {self.api_path_of(self._path())} answered {response.status_code}: "
                               f"{_error_text(response)}", response.status_code)
        try:
            data = yamlload.safe_load(response.text) or {}
        except yaml.YAMLError:
            raise DeliveryError(f"the ruler's answer to GET {self.api_path_of(self._path())} is not YAML") from None
        if not isinstance(data, dict):
            raise DeliveryError(f"the ruler's answer to GET {self.api_path_of(self._path())} is not a map of "
                                "namespaces")
        groups = data.get(self.namespace) or []
        return {str(g.get("name")): g for g in groups if isinstance(g, dict)}

    def set_group(self, data: dict) -> None:
        body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1 << 16).encode()
        response = self._request("POST", self._path(), body=body)
        if response.status_code not in (200, 201, 202):
            raise RulerRefused(f"the ruler refused group {data.get('name')!r} of namespace {self.namespace!r} "
                               f"({response.status_code}): {_error_text(response)}", response.status_code)

    def delete_group(self, name: str) -> None:
        response = self._request("DELETE", self._path(name))
        if response.status_code not in (200, 202, 204):
            raise RulerRefused(f"the ruler refused to delete group {name!r} of namespace {self.namespace!r} "
                               f"({response.status_code}): {_error_text(response)}", response.status_code)

    # -- sync --------------------------------------------------------------------------------------------------

    def plan(self, groups: list[Group], *, prune: bool) -> list[Change]:
        live = self.live()
        changes = []
        for group in groups:
            other = live.get(group.name)
            if other is None:
                changes.append(Change(group.name, CREATED, [f"{len(group.data.get('rules') or [])} rule(s)"],
                                      group.data))
                continue
            details = differences(group.data, other)
            changes.append(Change(group.name, UPDATED if details else UNCHANGED, details,
                                  group.data if details else None))
        declared = {g.name for g in groups}
        leftovers = sorted(set(live) - declared)
        if prune:
            changes.extend(Change(name, DELETED, ["not declared by the code"]) for name in leftovers)
        else:
            self.leftovers = leftovers
        return changes

    def sync(self, groups: list[Group], *, prune: bool = False, dry_run: bool = False) -> list[Change]:
        self.leftovers: list[str] = []
        changes = self.plan(groups, prune=prune)
        if dry_run:
            return changes
        for change in changes:
            if change.action in (CREATED, UPDATED):
                self.set_group(change.data)
            elif change.action == DELETED:
                self.delete_group(change.group)
        return changes
