"""A small Grafana HTTP API client: one ``requests`` session, clear errors, retries only where they are safe.

Retry policy (nothing else is retried; each case says why it is safe):

- **The request never left**: connection refused, connect timeout. The server saw nothing, so any request may be
  sent again, POST included.
- **429 Too Many Requests**: the server refused the request without acting on it. Any request may be sent again,
  after ``Retry-After`` when the server gives one (capped at :data:`MAX_RETRY_AFTER`; longer and we give up).
- **502/503/504, a dropped connection or a read timeout**: the request may or may not have been applied. Only
  requests that are safe to *replay* are retried: GET and DELETE (idempotent), and the two writes whose callers
  declare them replay-safe:

  * ``POST /api/dashboards/db`` is a conditional write: without ``overwrite`` it carries the ``version`` read
    just before (or none, for a dashboard that does not exist yet) and Grafana refuses it with 412 when the
    stored version differs. If the first attempt was applied, the replay gets 412 instead of writing twice; the
    caller then reads the dashboard back and recognises its own write by the content hash it carries (see
    :mod:`.push`), so a lost answer is never mistaken for a conflict. With ``overwrite`` the replay writes the
    same content again: one extra version in Grafana's history, no lost edit (force already chose to replace).
  * ``POST /api/folders`` with a uid, or a title under a parent, cannot create a second folder: a replay after
    a lost answer gets 409, and the caller looks the folder up again.
  * On the ``/apis`` (see :mod:`.resources`): a create names its object (``metadata.name``), so a replay gets 409
    ``AlreadyExists``; an update and a delete carry the ``resourceVersion`` read before, so a replay gets 409
    ``Conflict`` (or 404 for a delete already done). The caller reads the object back and recognises its own write.

  A 500 is not retried: it is usually a bug or bad input that the same request will hit again.

Errors never contain the credentials: messages are built from the method, the path and the answer's body.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from typing import Any
from urllib.parse import quote

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth

from .config import GrafanaSettings
from .errors import (
    GrafanaError,
    GrafanaNotFound,
    GrafanaNotJSON,
    GrafanaTimeout,
    GrafanaTooManyRequests,
    GrafanaTransportError,
    error_for_status,
)

log = logging.getLogger("generator.grafana")

MAX_RETRY_AFTER = 60.0  # seconds; a server asking for longer is not waited for
MAX_BACKOFF = 10.0
RETRY_GATEWAY = {502, 503, 504}
PAGE_SIZE = 1000


class _BearerAuth(AuthBase):
    """``Authorization: Bearer`` as an auth object, so that requests never swaps in ~/.netrc credentials."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "_BearerAuth(***)"


class _MaskedBasicAuth(HTTPBasicAuth):
    def __repr__(self) -> str:
        return f"_MaskedBasicAuth({self.username!r}, ***)"


class GrafanaClient:
    """Grafana's HTTP API as plain methods returning decoded JSON, raising :mod:`.errors` on failure."""

    def __init__(self, settings: GrafanaSettings, *, pool_size: int = 10, sleep=time.sleep,
                 user_agent: str = "ai-monitoring-as-code generator"):
        self.settings = settings
        self._sleep = sleep
        self._lock = threading.Lock()
        self.requests_sent = 0
        self.writes_sent = 0  # POST/PUT/DELETE requests, retries included
        self.retries_done = 0
        s = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=max(pool_size, 2), max_retries=0)
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        creds = settings.credentials
        s.auth = _BearerAuth(creds.token) if creds.token else _MaskedBasicAuth(creds.user or "", creds.password or "")
        s.headers["User-Agent"] = user_agent
        s.headers["Accept"] = "application/json"
        if settings.org_id is not None:
            s.headers["X-Grafana-Org-Id"] = str(settings.org_id)
        self.session = s
        if settings.verify is False:
            # the command warns once, in its own words; urllib3 would warn on every request
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    def __repr__(self) -> str:
        return f"GrafanaClient({self.settings.url!r}, {self.settings.credentials!r})"

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -----------------------------------------------------------------------------------------------------------
    # The one place requests are sent

    def request(self, method: str, path: str, *, params=None, body: Any = None,
                replay_safe: bool | None = None) -> Any:
        """Send, retry per the module's policy, and return the decoded JSON body (``None`` when empty)."""
        if replay_safe is None:
            replay_safe = method in ("GET", "HEAD", "DELETE")
        url = self.settings.url + path
        attempts = 1 + self.settings.retries
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            started = time.monotonic()
            try:
                with self._lock:
                    self.requests_sent += 1
                    self.writes_sent += method in ("POST", "PUT", "PATCH", "DELETE")
                resp = self.session.request(
                    method, url, params=params, json=body, allow_redirects=False, verify=self.settings.verify,
                    timeout=(self.settings.connect_timeout, self.settings.read_timeout))
            except requests.exceptions.RequestException as e:
                error = self._transport_error(method, path, e, attempt)
                log.debug("%s %s: %s (attempt %d)", method, path, error, attempt)
                retryable = not error.sent or (replay_safe and _ambiguous(e))
                if last or not retryable:
                    raise error from None
                self._wait(self._backoff(attempt))
                continue
            elapsed = (time.monotonic() - started) * 1000
            log.debug("%s %s -> %d (%.0f ms, attempt %d)", method, path, resp.status_code, elapsed, attempt)
            code = resp.status_code
            if code == 429 or (code in RETRY_GATEWAY and replay_safe):
                delay = _retry_after(resp)
                if code == 429 and delay is not None and delay > MAX_RETRY_AFTER:
                    raise GrafanaTooManyRequests(method, path, 429, f"rate-limited; Grafana asks to wait "
                                                 f"{delay:.0f} s, more than {MAX_RETRY_AFTER:.0f} s",
                                                 attempts=attempt)
                if not last:
                    self._wait(min(delay, MAX_RETRY_AFTER) if delay is not None else self._backoff(attempt))
                    continue
            return self._decode(method, path, resp, attempt)
        raise AssertionError("unreachable")

    def _wait(self, seconds: float) -> None:
        with self._lock:
            self.retries_done += 1
        self._sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        return min(MAX_BACKOFF, self.settings.backoff * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)

    def _transport_error(self, method: str, path: str, e: Exception, attempt: int) -> GrafanaTransportError:
        where = f"{method} {self.settings.url}{path}"
        reason = _root_reason(e)
        if isinstance(e, requests.exceptions.ConnectTimeout):
            return GrafanaTimeout(f"{where}: could not connect within {self.settings.connect_timeout:g} s "
                                  f"(after {attempt} attempts)", sent=False, attempts=attempt)
        if isinstance(e, requests.exceptions.ReadTimeout):
            return GrafanaTimeout(f"{where}: no answer within {self.settings.read_timeout:g} s "
                                  f"(after {attempt} attempts)", sent=True, attempts=attempt)
        if isinstance(e, requests.exceptions.SSLError):
            return GrafanaTransportError(f"{where}: TLS failed ({reason}); pass --ca-bundle with your CA's "
                                         "certificates", sent=False, attempts=attempt)
        if isinstance(e, requests.exceptions.ConnectionError):
            inner = e.args[0] if e.args else None
            inner = getattr(inner, "reason", inner)
            if isinstance(inner, urllib3.exceptions.NameResolutionError):
                return GrafanaTransportError(f"{where}: cannot resolve host {self.settings.host}",
                                             sent=False, attempts=attempt)
            if isinstance(inner, urllib3.exceptions.NewConnectionError):
                return GrafanaTransportError(f"{where}: cannot connect ({reason}) after {attempt} attempts; "
                                             "is Grafana running at that address?", sent=False, attempts=attempt)
            return GrafanaTransportError(f"{where}: connection lost before an answer ({reason}) after "
                                         f"{attempt} attempts", sent=True, attempts=attempt)
        return GrafanaTransportError(f"{where}: {type(e).__name__}: {reason}", sent=True, attempts=attempt)

    def _decode(self, method: str, path: str, resp: requests.Response, attempt: int) -> Any:
        code = resp.status_code
        if 300 <= code < 400:
            raise GrafanaError(f"Grafana redirected {method} {path} to {resp.headers.get('Location', '?')}; "
                               "check --grafana-url (scheme, host, sub-path)")
        data = None
        if resp.content:
            try:
                data = resp.json()
            except ValueError:
                data = None
                if code < 300:
                    raise GrafanaNotJSON(f"{method} {path} answered {code} with something other than JSON; "
                                         "is --grafana-url the address of Grafana?") from None
        if code < 300:
            return data
        message, status = "", ""
        if isinstance(data, dict) and data.get("kind") == "Status":  # a Kubernetes Status, from the /apis
            message, status = _status_message(data), str(data.get("reason") or "")
        elif isinstance(data, dict):
            message = str(data.get("message") or data.get("error") or "")
            status = str(data.get("status") or "")
        elif resp.text:
            message = " ".join(resp.text.split())[:160]
        raise error_for_status(code)(method, path, code, message, status, attempts=attempt)

    # -----------------------------------------------------------------------------------------------------------
    # The API, as used here

    def health(self) -> dict:
        return self.request("GET", "/api/health")

    def get_folder(self, uid: str) -> dict | None:
        try:
            return self.request("GET", f"/api/folders/{_seg(uid)}")
        except GrafanaNotFound:
            return None

    def list_folders(self, parent_uid: str | None = None) -> list[dict]:
        params = {"parentUid": parent_uid} if parent_uid else {}
        return self._pages("/api/folders", params)

    def create_folder(self, title: str, *, uid: str | None = None, parent_uid: str | None = None) -> dict:
        body = {"title": title}
        if uid:
            body["uid"] = uid
        if parent_uid:
            body["parentUid"] = parent_uid
        # replay-safe: a replayed create gets 409 (same uid or same title under the parent); see the module doc
        return self.request("POST", "/api/folders", body=body, replay_safe=True)

    def get_dashboard(self, uid: str) -> dict | None:
        """``{"dashboard": …, "meta": …}``, or None when no dashboard has this uid."""
        try:
            return self.request("GET", f"/api/dashboards/uid/{_seg(uid)}")
        except GrafanaNotFound:
            return None

    def save_dashboard(self, dashboard: dict, *, folder_uid: str, overwrite: bool, message: str) -> dict:
        body = {"dashboard": dashboard, "folderUid": folder_uid, "overwrite": overwrite, "message": message}
        # replay-safe: conditional on `version` (or overwrite with identical content); see the module doc
        return self.request("POST", "/api/dashboards/db", body=body, replay_safe=True)

    def delete_dashboard(self, uid: str) -> bool:
        """True when deleted, False when it was already gone (a replayed DELETE lands here too)."""
        try:
            self.request("DELETE", f"/api/dashboards/uid/{_seg(uid)}")
            return True
        except GrafanaNotFound:
            return False

    def search(self, *, type: str | None = None, folder_uids=(), tags=(), query: str | None = None,
               dashboard_uids=()) -> list[dict]:
        params: list[tuple[str, str]] = []
        if type:
            params.append(("type", type))
        params += [("folderUIDs", u) for u in folder_uids]
        params += [("tag", t) for t in tags]
        params += [("dashboardUIDs", u) for u in dashboard_uids]
        if query:
            params.append(("query", query))
        return self._pages("/api/search", params)

    def _pages(self, path: str, params) -> list[dict]:
        items = list(params.items()) if isinstance(params, dict) else list(params)
        out: list[dict] = []
        page = 1
        while True:
            got = self.request("GET", path, params=items + [("limit", str(PAGE_SIZE)), ("page", str(page))])
            if not isinstance(got, list):
                raise GrafanaError(f"GET {path} answered something other than a list")
            out += got
            if len(got) < PAGE_SIZE:
                return out
            page += 1


def _status_message(status: dict) -> str:
    """A Kubernetes ``Status``'s message, with the causes of an ``Invalid`` one (which field, what is wrong)."""
    message = str(status.get("message") or "")
    details = status.get("details") if isinstance(status.get("details"), dict) else {}
    causes = [c for c in details.get("causes") or [] if isinstance(c, dict)]
    said = [f"{c.get('field')}: {c.get('message')}" if c.get("field") else str(c.get("message") or "")
            for c in causes[:5]]
    said = [s for s in said if s and s not in message]
    return message + (f" ({'; '.join(said)})" if said else "")


def _seg(value: str) -> str:
    return quote(value, safe="")


def _ambiguous(e: Exception) -> bool:
    """Sent, but the answer was lost: a dropped connection or a read timeout (not a TLS or protocol misuse)."""
    return isinstance(e, (requests.exceptions.ConnectionError, requests.exceptions.ReadTimeout)) and \
        not isinstance(e, requests.exceptions.SSLError)


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _root_reason(e: BaseException) -> str:
    """The innermost cause in a few words (e.g. "Connection refused"), without URLs or headers."""
    seen = set()
    cur: BaseException | None = e
    text = str(e)
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ConnectionRefusedError) or "Connection refused" in str(cur):
            return "connection refused"
        if isinstance(cur, ConnectionResetError):
            return "connection reset by peer"
        nxt = getattr(cur, "reason", None) or cur.__cause__ or cur.__context__
        if nxt is None and cur.args and isinstance(cur.args[0], BaseException):
            nxt = cur.args[0]
        if nxt is None and len(cur.args) > 1 and isinstance(cur.args[1], BaseException):
            nxt = cur.args[1]
        cur = nxt if isinstance(nxt, BaseException) else None
        if cur is not None:
            text = str(cur)
    if "RemoteDisconnected" in text or "without response" in text:
        return "server closed the connection without an answer"
    return text.split(": ", 1)[-1][:160]

