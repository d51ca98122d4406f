"""Holding schema v2 output against Grafana's own models: the Grafana Foundation SDK's ``dashboardv2beta1``
(pinned in pyproject.toml's test extra), with its panel-option and data-query models registered.

:func:`unknown_keys` decodes a v2 dashboard spec with the SDK's classes and encodes it again: a key the models do
not know does not survive that, nor does a value of the wrong shape; each is reported by its JSON pointer. The
panels' ``vizConfig`` is decoded with its own classes (``VizConfigSpec``, the panel plugin's ``Options`` and
``FieldConfig``): ``VizConfigKind.from_json`` of this SDK build reads ``group``/``version`` into sets and looks the
options' model up by ``kind``, so it cannot be used as it is.
"""

from __future__ import annotations

import json

import pytest

sdk = pytest.importorskip("grafana_foundation_sdk", reason="the Grafana Foundation SDK is a test dependency "
                          "(pip install -e '.[test]')")

from grafana_foundation_sdk.cog import plugins, runtime  # noqa: E402
from grafana_foundation_sdk.cog.encoder import JSONEncoder  # noqa: E402
from grafana_foundation_sdk.models import dashboardv2beta1 as v2  # noqa: E402

plugins.register_default_plugins()

# Grafana keeps a variable query that is a string (Prometheus' `label_values(...)`) as {"__legacyStringValue": q}
# in the DataQuery spec (LEGACY_STRING_VALUE_KEY, apps/dashboard/pkg/migration/conversion/v1beta1_to_v2alpha1.go);
# the SDK decodes every Prometheus DataQuery spec with its panel-query model, which has no such key.
VARIABLE_QUERY_STRING = "__legacyStringValue"


def plain(obj) -> object:
    """An SDK object (or builder's product) as plain JSON data."""
    return json.loads(json.dumps(obj, cls=JSONEncoder))


def decoded(spec: dict) -> dict:
    """``spec`` decoded by the SDK's models and encoded again."""
    spec = json.loads(json.dumps(spec))
    vizs = {}
    for name, element in (spec.get("elements") or {}).items():
        if element.get("kind") == "Panel" and "vizConfig" in element.get("spec", {}):
            vizs[name] = element["spec"].pop("vizConfig")
    out = plain(v2.Dashboard.from_json(spec))
    for name, viz in vizs.items():
        group, viz_spec = viz.get("group", ""), viz.get("spec") or {}
        field_config = dict(viz_spec.get("fieldConfig") or {})
        defaults = dict(field_config.get("defaults") or {})
        if "custom" in defaults:
            defaults["custom"] = runtime.panelcfg_field_config_from_json(defaults["custom"], group)
        kind = v2.VizConfigKind(group=group, version=viz.get("version", ""), spec=v2.VizConfigSpec(
            options=None if viz_spec.get("options") is None else
            runtime.panelcfg_options_from_json(viz_spec["options"], group),
            field_config=v2.FieldConfigSource.from_json({**field_config, "defaults": defaults})))
        out["elements"][name]["spec"]["vizConfig"] = plain(kind)
    return out


def unknown_keys(spec: dict, allow=(VARIABLE_QUERY_STRING,)) -> list[str]:
    """JSON pointers (under the spec) of what the SDK's models do not know or read differently; keys named in
    ``allow`` are Grafana's own that the SDK does not model (see VARIABLE_QUERY_STRING)."""
    return [f"{path}: {why}" for path, why in _lost(spec, decoded(spec), "") if path.rsplit("/", 1)[-1] not in allow]


def _lost(a, b, path: str):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            yield path, f"an object where the model has {type(b).__name__}"
            return
        for key, value in a.items():
            if key not in b:
                yield f"{path}/{key}", "unknown key"
            else:
                yield from _lost(value, b[key], f"{path}/{key}")
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            yield path, "a list the model reads differently"
            return
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _lost(x, y, f"{path}/{index}")
    elif a != b:
        yield path, f"{a!r} read as {b!r}"
