"""The ``otel:`` section of a traffic file: the service records through the OpenTelemetry SDK (see :mod:`.otel`).

    otel:
      meter: {name: my-instrumentation, version: "1.0", schema_url: https://opentelemetry.io/schemas/1.37.0}
      resource: {service.name: my-service}
      instruments:                      # catalog metric: the instrument that shows it
        http_server_duration_seconds: {name: http.server.duration, unit: s}
      attributes:                       # catalog label: the attribute that sets it
        http_route: http.route
      unrecorded: [http_server_duration_seconds]   # instruments the service has that this workload does not record

Catalog metrics without an instrument are not served (the exporter writes its own, such as ``target_info``);
labels without an attribute are left to the exporter (``otel_scope_*``) or not set.
"""

from __future__ import annotations

from yaml.nodes import Node

from .traffic import Otel


def read_otel(reader, node: Node | None) -> Otel | None:
    """The section, checked against the catalog (``reader``: the traffic file's reader); None when absent."""
    if node is None:
        return None
    items = {k: v for k, _, v in reader.mapping(node, "otel", ("meter", "resource", "instruments", "attributes",
                                                                "unrecorded"))}
    meter = _strings(reader, items.get("meter"), "otel.meter", ("name", "version", "schema_url"))
    resource = _strings(reader, items.get("resource"), "otel.resource", None)
    instruments = {}
    for metric, knode, spec in reader.mapping(items.get("instruments"), "otel.instruments"):
        key = f"otel.instruments.{metric}"
        if metric not in reader.catalog.metrics:
            reader.error(knode, key, "is not a metric of the catalog")
            continue
        fields = _strings(reader, spec, key, ("name", "unit"))
        if "name" not in fields:
            reader.error(spec, key, "needs the instrument's `name`")
            continue
        instruments[metric] = (fields["name"], fields.get("unit", ""))
    attributes = {}
    for label, knode, vnode in reader.mapping(items.get("attributes"), "otel.attributes"):
        if reader.label(label, knode, f"otel.attributes.{label}") \
                and (attribute := reader.string(vnode, f"otel.attributes.{label}")):
            attributes[label] = attribute
    if not instruments:
        reader.error(node, "otel", "needs `instruments:` (catalog metric: {name, unit})")
    unrecorded = tuple(m for m, n in reader.strings(items["unrecorded"], "otel.unrecorded")
                       if m in instruments or reader.error(n, "otel.unrecorded", f"{m!r} is not under instruments")) \
        if "unrecorded" in items else ()
    return Otel(instruments=instruments, attributes=attributes, meter=meter, resource=resource, unrecorded=unrecorded)


def _strings(reader, node: Node | None, key: str, allowed) -> dict[str, str]:
    return {k: s for k, _, v in reader.mapping(node, key, allowed) if (s := reader.string(v, f"{key}.{k}"))}
