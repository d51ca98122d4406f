"""The dashboard shapes Grafana reads and writes, and one way to read them all.

- **classic**: the dashboard JSON model of ``/api/dashboards`` (``panels``, ``templating``, ``schemaVersion``);
  this is what every tool of the engine reads (lint, diff, review, validate, preview, import);
- **v1 resource**: ``{"apiVersion": "dashboard.grafana.app/v0alpha1|v1beta1|v1", "kind": "Dashboard", "metadata":
  {"name": uid}, "spec": <classic JSON>}``, what ``/apis`` serves for a classic dashboard;
- **v2 resource**: ``{"apiVersion": "dashboard.grafana.app/v2alpha1|v2beta1|v2", "kind": "Dashboard", ..., "spec":
  {"elements", "layout", "variables", ...}}``, schema v2, Grafana 13's default.

:func:`read` turns any of them into the classic form with where each object came from; :func:`to_classic` is
its short form; :func:`to_v2` writes the v2 resource of a classic dashboard (``dashboard_schema = "v2"``).
"""

from __future__ import annotations

import copy

from .enums import GROUP, SCHEMAS, V2_API_VERSION
from .v2_read import Reading
from .v2_read import read as read_v2
from .v2_write import NotInV2, resource

__all__ = ["GROUP", "SCHEMAS", "V2_API_VERSION", "NotInV2", "Reading", "is_resource", "kind_of",
           "read", "to_classic", "to_v2"]


def kind_of(data) -> str | None:
    """``"classic"``, ``"v1"`` (a resource holding classic JSON), ``"v2"`` (a v2 resource or a bare v2 spec) or
    None when ``data`` is no dashboard of these shapes."""
    if not isinstance(data, dict):
        return None
    if is_resource(data):
        version = str(data.get("apiVersion")).rsplit("/", 1)[-1]
        spec = data.get("spec")
        if version.startswith("v2") or (isinstance(spec, dict) and "elements" in spec and "layout" in spec):
            return "v2"
        return "v1"
    if "elements" in data and "layout" in data and "panels" not in data:
        return "v2"
    return "classic"


def is_resource(data) -> bool:
    """A Kubernetes-style dashboard resource of ``dashboard.grafana.app`` (any version)."""
    return (isinstance(data, dict) and isinstance(data.get("apiVersion"), str)
            and data["apiVersion"].startswith(GROUP + "/") and data.get("kind") == "Dashboard"
            and isinstance(data.get("spec"), dict))


def read(data) -> Reading:
    """The classic form of a dashboard in any shape. ``origins`` pairs each classic object with the one it came
    from; ``pointers`` maps the classic JSON pointers of the dashboard, its panels, targets and variables to their
    place in ``data``. Classic JSON is returned as it is (the same object)."""
    kind = kind_of(data)
    if kind == "v2":
        return read_v2(data)
    if kind == "v1":
        spec = data["spec"]
        classic = spec.get("dashboard") if isinstance(spec.get("dashboard"), dict) else spec
        prefix = "/spec/dashboard" if classic is not spec else "/spec"
        if not classic.get("uid") and (data.get("metadata") or {}).get("name"):
            classic = {**classic, "uid": data["metadata"]["name"]}
        return Reading(classic, [(classic, spec)], prefix=prefix)
    return Reading(data, [], {})


def to_classic(data):
    """:func:`read`'s classic dashboard alone (anything else is handed back as it is)."""
    return read(data).classic if kind_of(data) in ("v1", "v2") else data


def to_v2(classic: dict) -> dict:
    """The ``dashboard.grafana.app/v2beta1`` resource of a classic dashboard (``classic`` is not changed).
    Raises :class:`NotInV2` for what schema v2 cannot hold."""
    return resource(copy.deepcopy(classic))
