"""Metric and label names written into PromQL, Grafana and alert templates, UTF-8 names included.

Prometheus 3 stores any UTF-8 name (OTLP's ``NoUTF8EscapingWithSuffixes`` keeps ``gen_ai.operation.name``); a name
outside ``[A-Za-z_:][A-Za-z0-9_:]*`` is written quoted: a metric inside the braces
(``{"gen_ai.client.token.usage_bucket", "gen_ai.operation.name"="chat"}``), a label in matchers and groupings
(``sum by ("gen_ai.request.model")``). In strings (``label_replace``'s labels) and in Grafana's legends
(``{{gen_ai.request.model}}``) a name is written as it is; Grafana's data links read it as
``${__field.labels["gen_ai.request.model"]}``; Go templates as ``index $labels "gen_ai.request.model"``.
Every helper returns a legacy name exactly as before, so content
written with them reads the same for every naming that has none.
"""

from __future__ import annotations

import re

_LEGACY_METRIC = re.compile(r"^[A-Za-z_:][A-Za-z0-9_:]*$")
_LEGACY_LABEL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def legacy(name: str, *, metric: bool = True) -> bool:
    """Whether PromQL reads ``name`` unquoted."""
    return bool((_LEGACY_METRIC if metric else _LEGACY_LABEL).match(name))


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def label(name: str) -> str:
    """A label name as a matcher or a grouping writes it."""
    return name if legacy(name, metric=False) else quoted(name)


def grouping(names) -> str:
    """``a, "b.c"``: the inside of ``by (...)``."""
    return ", ".join(label(n) for n in names)


def selector(name: str, *matchers: str, sep: str = ", ") -> str:
    """``name{m1, m2}``, or ``{"a.b", m1, m2}`` for a UTF-8 name; empty matchers are dropped."""
    parts = [m.strip() for m in matchers if m and m.strip()]
    if legacy(name):
        return f"{name}{{{sep.join(parts)}}}" if parts else name
    return "{" + sep.join([quoted(name), *parts]) + "}"


def field_label(name: str) -> str:
    """The Grafana data-link variable of a series label (Grafana's buildLabelPath)."""
    return "${__field.labels." + name + "}" if legacy(name, metric=False) else '${__field.labels["' + name + '"]}'


def template_label(name: str) -> str:
    """A label of the alert in a Prometheus template, inside ``{{ }}``."""
    return f"$labels.{name}" if legacy(name, metric=False) else f"index $labels {quoted(name)}"


def series(name: str, labels: dict[str, str]) -> str:
    """A series in promtool's input notation, labels sorted: ``name{a="x",b="y"}`` (braces even when empty), or
    ``{"a.b","c.d"="x"}``."""
    matchers = [f'{label(k)}="{v}"' for k, v in sorted(labels.items())]
    if not name or legacy(name):
        return f"{name}{{{','.join(matchers)}}}"
    return "{" + ",".join([quoted(name), *matchers]) + "}"
