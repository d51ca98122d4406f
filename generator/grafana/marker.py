"""The marker a pushed dashboard carries: a tag ``generator-sha256:<hash of its content>``.

How edits made in Grafana are detected, without any local state file: when a dashboard is pushed, the hash of its
content is added to its tags. Later, the live dashboard's content is hashed again the same way and compared with
the hash in its tag:

- equal: nobody changed it in Grafana since it was pushed, so a push may replace it;
- different: someone edited it in Grafana (or saved a copy of it under another uid): a push reports a conflict;
- no marker: the dashboard was not pushed by this tool, and neither push nor prune touch it without ``--force``.

Why a tag: Grafana keeps tags through every way of saving (the UI, the HTTP API, provisioning, the newer
Kubernetes-style API), and the search API returns them, so prune can tell managed dashboards from a listing
alone. An unknown top-level key would be simpler but is not valid against the dashboard JSON schema
(``additionalProperties: false``), so a Grafana validating dashboards could drop or refuse it. Grafana stores a tag
in at most 50 characters, hence 128 bits of SHA-256 in hex (49 characters in all), which is plenty to tell
contents apart. The cost: the tag is visible in Grafana's dashboard list (documented in the README).

The hash covers everything in the dashboard JSON except what Grafana assigns on save (``id``, ``version``) and the
marker itself, serialised canonically (sorted keys, no whitespace), so the key order Grafana writes back does not
matter. ``uid`` and ``title`` are covered: a copy saved under another uid is "edited", never "ours".
"""

from __future__ import annotations

import hashlib
import json

PREFIX = "generator-sha256:"
HEX_CHARS = 32
ASSIGNED_BY_GRAFANA = ("id", "version")


def is_marker(tag) -> bool:
    return isinstance(tag, str) and tag.startswith(PREFIX)


def marker_of(dashboard: dict) -> str | None:
    """The hash the dashboard's marker tag records, or None when it carries none (not pushed by this tool)."""
    for tag in dashboard.get("tags") or []:
        if is_marker(tag):
            return tag[len(PREFIX):]
    return None


def tags_have_marker(tags) -> bool:
    return any(is_marker(t) for t in tags or [])


def content(dashboard: dict) -> dict:
    """The dashboard as code declares it: without what Grafana assigns and without the marker."""
    out = {k: v for k, v in dashboard.items() if k not in ASSIGNED_BY_GRAFANA}
    if "tags" in out and isinstance(out["tags"], list):
        out["tags"] = [t for t in out["tags"] if not is_marker(t)]
    return out


def content_hash(dashboard: dict) -> str:
    canonical = json.dumps(content(dashboard), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:HEX_CHARS]


def with_marker(dashboard: dict, digest: str | None = None) -> dict:
    """``dashboard`` (from generated/) carrying the marker of its own content (``digest``, computed when not
    given); ready to send. A new top-level mapping and tag list: the nested parts are shared, never modified."""
    out = content(dashboard)
    out["tags"] = list(out.get("tags") or []) + [PREFIX + (digest or content_hash(dashboard))]
    return out


def edited_since_push(live: dict) -> bool:
    """True when a dashboard carrying a marker no longer has the content the marker records."""
    recorded = marker_of(live)
    return recorded is not None and recorded != content_hash(live)
