"""The workload recording through the real OpenTelemetry SDK, served by its real Prometheus exporter.

When the traffic file has an ``otel:`` section (:mod:`.otel_yaml`), the simulation of :mod:`.workload` runs as
usual, and every step's change of each catalog metric becomes calls on an OpenTelemetry instrument: a counter's
increase is ``add``, a gauge's value is ``set``, and each new histogram observation is one ``record`` of a value
inside its bucket. The instruments' names, units and attributes come from the traffic file; the names Prometheus
scrapes (``_seconds``, ``_total``, ``otel_scope_*``, ``target_info``) are the exporter's doing, so the catalog
is proven against what the exporter really writes, not against names typed here.

Histogram buckets are the catalog's, passed as the instrument's advisory boundaries (as instrumentations that
follow the semantic conventions do). The exporter serves prometheus-client's default registry, as
``start_http_server`` of an instrumented service would.

With an OTLP endpoint (a naming pushed over OTLP), the real OTLP/HTTP exporter pushes instead, cumulative, once per
push interval (:meth:`OtelWorkload.push_every`), and Prometheus' receiver names the series by its translation
strategy; the resource carries ``service.instance.id`` (the receiver's ``instance``) so that the backfilled
history and the pushes are the same series.
"""

from __future__ import annotations

import math
import random
import threading
import time
import zlib

import requests
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from prometheus_client import REGISTRY

from .workload import Family, Workload


def representative(bounds: tuple[float, ...], bucket: int) -> float:
    """A value inside bucket ``bucket`` (``(bounds[b-1], bounds[b]]``; the last one is above every bound)."""
    if bucket >= len(bounds):
        return bounds[-1] * 1.5 if bounds else 1.0
    low = bounds[bucket - 1] if bucket > 0 else 0.0
    return (low + bounds[bucket]) / 2


class OtelWorkload(Workload):
    """A :class:`Workload` whose metrics reach Prometheus through OpenTelemetry instruments and exporter."""

    registry = REGISTRY  # what `serve` exposes: where PrometheusMetricReader registers its collector
    # False while history is simulated (backfilled as the catalog's series, not recorded): live counters then
    # start at 0, which Prometheus reads as a restart.
    recording = True

    def __init__(self, catalog, traffic, *, otlp_endpoint: str | None = None, instance: str = "", **kwargs):
        super().__init__(catalog, traffic, **kwargs)
        otel = traffic.otel
        self.attributes = otel.attributes
        self.endpoint = otlp_endpoint
        attributes = dict(otel.resource)
        if otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
            from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

            # No periodic thread of the SDK's (an infinite interval): push_every advances the simulation, then
            # pushes, so every push holds the traffic up to its moment.
            self.reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=otlp_endpoint, timeout=10),
                                                        export_interval_millis=math.inf)
            if instance:
                attributes.setdefault("service.instance.id", instance)
        else:
            self.reader = PrometheusMetricReader()
        resource = Resource.create(attributes)
        self.resource = resource
        self.provider = MeterProvider(resource=resource, metric_readers=[self.reader])
        meter = self.provider.get_meter(otel.meter.get("name", "workload"), otel.meter.get("version"),
                                        schema_url=otel.meter.get("schema_url"))
        self.instruments = {}
        for fam in self.families.values():
            self._stagger(fam)
        for name, fam in list(self.families.items()):
            if name not in otel.instruments or name in otel.unrecorded:
                del self.families[name]  # not an instrument: the exporter writes it (target_info) or nobody does
                continue
            instrument, unit = otel.instruments[name]
            kind = fam.metric.type
            if kind == "counter":
                self.instruments[name] = meter.create_counter(instrument, unit=unit, description=fam.metric.help)
            elif kind == "gauge":
                self.instruments[name] = meter.create_gauge(instrument, unit=unit, description=fam.metric.help)
            else:
                self.instruments[name] = meter.create_histogram(
                    instrument, unit=unit, description=fam.metric.help,
                    explicit_bucket_boundaries_advisory=list(fam.bounds) or None)

    def _stagger(self, fam: Family) -> None:
        """Start each histogram series' carried fractions at a seeded random point. From 0, series with the same
        expected rate (a label spread evenly, an error type on every model) reach a whole observation in the
        same step, so a rare operation's failures arrive in bursts; an instrumented service sees them apart."""
        if fam.metric.type != "histogram":
            return
        for labels, value in fam.values.items():
            rng = random.Random(zlib.crc32(repr((self.seed, fam.metric.name, labels)).encode()))
            value[2] = [rng.random() for _ in value[2]]

    def push_every(self, interval: float, log=print) -> threading.Thread:
        """Push to the OTLP endpoint every ``interval`` wall seconds from a daemon thread, but in a silent scenario
        (the service stops reporting); pushes wait until the receiver answers (the stack starts it after us)."""
        ready = self.endpoint.split("/api/v1/otlp", 1)[0] + "/-/ready"

        def loop():
            answered = False
            while True:
                time.sleep(interval)
                if not answered:
                    try:
                        answered = requests.get(ready, timeout=2).ok
                    except requests.RequestException:
                        continue
                    if answered:
                        log(f"workload: pushing over OTLP to {self.endpoint} every {interval:g} s")
                self.advance_to(time.time())
                if not self.scenario.silent:
                    self.reader.force_flush(timeout_millis=int(max(interval, 10) * 1000))

        thread = threading.Thread(target=loop, name="otlp-push", daemon=True)
        thread.start()
        return thread

    def resource_labels(self) -> dict[str, str]:
        """The resource attributes the receiver writes on ``target_info`` (not those that become job and
        instance), by the names of the catalog's labels."""
        from ..otlp import TARGET_ATTRIBUTES

        label_of = {attribute: label for label, attribute in self.attributes.items()}
        return {label_of[a]: str(v) for a, v in self.resource.attributes.items()
                if a in label_of and a not in TARGET_ATTRIBUTES}

    def close(self) -> None:
        """Shut the SDK down; the reader takes its collector out of the registry."""
        self.provider.shutdown()

    def _attrs(self, labels) -> tuple[tuple[str, str], ...]:
        return tuple((self.attributes[k], v) for k, v in labels if k in self.attributes)

    def _apply(self, fam: Family, flows: list, dt: float) -> None:
        if not self.recording:
            super()._apply(fam, flows, dt)
            return
        before = {k: ([*v[0]] if isinstance(v, list) else v) for k, v in fam.values.items()}
        super()._apply(fam, flows, dt)
        instrument, kind = self.instruments[fam.metric.name], fam.metric.type
        merged: dict = {}  # catalog series collapse when a label is not an attribute
        for labels, value in fam.values.items():
            attrs = self._attrs(labels)
            if kind == "histogram":
                delta = [a - b for a, b in zip(value[0], before[labels], strict=True)]
                acc = merged.setdefault(attrs, [0] * len(delta))
                merged[attrs] = [a + d for a, d in zip(acc, delta, strict=True)]
            elif kind == "counter":
                merged[attrs] = merged.get(attrs, 0.0) + value - before[labels]
            else:
                merged[attrs] = merged.get(attrs, 0.0) + (self._health(labels) if fam.signal.kind == "health"
                                                          else float(round(value))) or 0.0
        for attrs, delta in merged.items():
            attributes = dict(attrs)  # one dict per series: the SDK reads it, and a new one per call costs
            if kind == "histogram":
                record = instrument.record
                for bucket, count in enumerate(delta):
                    if count >= 1:
                        value = representative(fam.bounds, bucket)
                        for _ in range(int(count)):
                            record(value, attributes)
            elif kind == "counter":
                if delta > 0:
                    instrument.add(delta, attributes)
            else:
                instrument.set(delta, attributes)
