"""dashboard/unknown-link-uid: a link to a dashboard uid that does not exist.

What it catches:
    Dashboard links, panel links and data links whose URL points at ``/d/<uid>`` when no dashboard being linted
    has that uid. When files are given on the command line, only those dashboards are known, so the problem is a
    warning there (lint every dashboard together to be sure); for this repository it is an error.

Why it matters:
    The operator who follows "open Checkout" from an alert or a panel lands on "Dashboard not found" in
    the middle of an incident.

Failing example:
    "links": [{"title": "Checkout", "url": "/d/checkuot"}]

Passing example:
    "links": [{"title": "Checkout", "url": "/d/checkout"}]

    When a dashboard with uid checkout is linted along.
"""

import re

from ...grafana.model import dashboard_links, panel_links
from ..problem import Hit

NAME = "dashboard/unknown-link-uid"
SEVERITY = "error"
ENTRY = "dashboard"

DASHBOARD_URL = re.compile(r"(?:^|[^\w.-])/d/([A-Za-z0-9_-]+)")


def _uids(url) -> list[str]:
    return DASHBOARD_URL.findall(url) if isinstance(url, str) else []


def check(dashboard, ctx):
    known = ctx.dashboard_uids
    severity = None if ctx.uids_complete else "warning"
    note = "" if ctx.uids_complete else " among the dashboards linted (lint all dashboards together to be sure)"

    def message(uid, what):
        return f"{what} points at dashboard uid {uid!r}, which does not exist{note}; fix the uid"

    for link in dashboard_links(dashboard.data):
        for uid in _uids(link.get("url")):
            if uid not in known:
                yield Hit(message(uid, f"dashboard link {link.get('title', '')!r}"), severity=severity)
    for panel in dashboard.panels:
        for link in panel_links(panel.data):
            for uid in _uids(link.get("url")):
                if uid not in known:
                    yield Hit(message(uid, f"link {link.get('title', '')!r}"), at=panel, severity=severity)
