"""Reading and checking a ``traffic.yml`` against the catalog: every problem at once, each with file, line and key.

The YAML is composed into nodes (PyYAML keeps their line), walked section by section and turned into the objects
of :mod:`.traffic`. Label names must be catalog labels, label values must be among the label's catalog values
(when it lists any), metric names must be metrics the service exposes, and each signal must suit the metric's
type; :class:`TrafficError` carries every problem found, one per line.
"""

from __future__ import annotations

import os

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from ..errors import GeneratorError
from .generation_yaml import read_generation
from .otel_yaml import read_otel
from .traffic import (
    NORMAL,
    SIGNALS,
    SIGNALS_BY_TYPE,
    Dimension,
    Event,
    EventValue,
    Outcome,
    Reason,
    Scenario,
    Shape,
    Signal,
    Source,
    Traffic,
    Value,
    default_traffic,
)
from .yaml_nodes import NodeReader

SECTIONS = ("requests", "dimensions", "tokens", "failures", "events", "labels", "metrics", "scenarios", "alertmanager",
            "otel", "generation")
_SHAPE_KEYS = {"daily_swing": "daily_swing", "jitter": "jitter", "jitter_seconds": "jitter_seconds"}
_LATENCY_KEYS = {"median": "median_seconds", "sigma": "sigma", "tail_share": "tail_share",
                 "tail_factor": "tail_factor", "tail_sigma": "tail_sigma"}
_SCENARIO_FACTORS = ("latency", "in_flight", "rate", "first_token")


class TrafficError(GeneratorError):
    """The traffic file is malformed; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the traffic file:\n  "
                         + "\n  ".join(problems))
        self.problems = problems


def load_traffic(path: str, catalog) -> Traffic:
    """The traffic ``path`` describes, checked against ``catalog``; the generic default when ``path`` is ""."""
    if not path:
        return default_traffic()
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else path
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as e:
        raise TrafficError([f"{shown}: cannot read ([tool.generator] traffic): {e.strerror}"]) from e
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise TrafficError([f"{shown}{line}: not YAML: {getattr(e, 'problem', None) or e}"]) from e
    reader = _Reader(shown, catalog)
    traffic = reader.read(root)
    if reader.problems:
        raise TrafficError(reader.problems)
    return traffic


class _Reader(NodeReader):
    """Reads the sections of a traffic file, checking names against the catalog."""

    def __init__(self, file: str, catalog):
        super().__init__(file)
        self.catalog = catalog

    # -- catalog names ------------------------------------------------------------------------------------------

    def label(self, name: str, node: Node, key: str) -> bool:
        if name not in self.catalog.labels:
            self.error(node, key, f"label {name!r} is not in the catalog")
            return False
        return True

    def value(self, label: str, value: str, node: Node, key: str) -> bool:
        known = self.catalog.labels[label].values
        if known and value not in known:
            self.error(node, key, f"{value!r} is not a catalog value of label {label!r} ({', '.join(known)})")
            return False
        return True

    def label_values(self, node: Node, key: str, many: bool) -> dict:
        """``{label: value}`` (or ``{label: [values]}`` when ``many``), every name and value checked."""
        out = {}
        for name, knode, vnode in self.mapping(node, key):
            if not self.label(name, knode, f"{key}.{name}"):
                continue
            values = [(v, n) for v, n in self.strings(vnode, f"{key}.{name}")
                      if self.value(name, v, n, f"{key}.{name}")]
            if many:
                out[name] = tuple(v for v, _ in values)
            elif isinstance(vnode, SequenceNode):
                self.error(vnode, f"{key}.{name}", "must be one value")
            elif values:
                out[name] = values[0][0]
        return out

    def kinds(self, node: Node, key: str, kind_label: str) -> dict[str, float]:
        """``{token kind: number}``; the kinds are values of the tokens label."""
        out = {}
        for name, knode, vnode in self.mapping(node, key):
            if not kind_label:
                self.error(knode, f"{key}.{name}", "token kinds need `tokens: label:` first")
            elif self.value(kind_label, name, knode, f"{key}.{name}") and (n := self.number(vnode, f"{key}.{name}")) \
                    is not None:
                out[name] = n
        return out

    # -- sections -----------------------------------------------------------------------------------------------

    def read(self, root: Node | None) -> Traffic:
        sections = {name: v for name, _, v in self.mapping(root, "", SECTIONS)}
        shape, rate = self.requests(sections.get("requests"))
        tokens = {k: v for k, _, v in self.mapping(sections.get("tokens"), "tokens", ("label", "per_request", "price"))}
        token_label = ""
        if "label" in tokens and (name := self.string(tokens["label"], "tokens.label")) \
                and self.label(name, tokens["label"], "tokens.label"):
            token_label = name
        self.token_label = token_label
        failure_label, outcome, reasons = self.failures(sections.get("failures"))
        self.failure_label, self.reasons = failure_label, reasons
        dimensions = self.dimensions(sections.get("dimensions"))
        self.cell_labels = {d.label for d in dimensions} | {k for d in dimensions for v in d.values.values()
                                                            for k in v.labels}
        events = {name: self.event(name, v, knode) for name, knode, v in self.mapping(sections.get("events"), "events")}
        group_by = ("alertname",)
        for _, _, v in self.mapping(sections.get("alertmanager"), "alertmanager", ("group_by",)):
            group_by = tuple(s for s, n in self.strings(v, "alertmanager.group_by")
                             if s == "alertname" or self.label(s, n, "alertmanager.group_by"))
        return Traffic(
            rate=rate, shape=shape, dimensions=tuple(dimensions), token_label=token_label,
            tokens=self.kinds(tokens.get("per_request"), "tokens.per_request", token_label),
            price=self.kinds(tokens.get("price"), "tokens.price", token_label),
            failure_label=failure_label, reasons=reasons, outcome=outcome, events=events,
            labels=self.label_values(sections.get("labels"), "labels", many=False),
            signals=self.signals(sections.get("metrics"), events), scenarios=self.scenarios(sections.get("scenarios")),
            group_by=group_by, path=self.file, otel=read_otel(self, sections.get("otel")),
            generation=read_generation(self, sections.get("generation")))

    def requests(self, node: Node | None) -> tuple[Shape, float]:
        changes, rate = {}, 1.0
        for name, _, v in self.mapping(node, "requests", ("rate", "latency", *_SHAPE_KEYS)):
            if name == "rate":
                rate = self.number(v, "requests.rate", positive=True) or rate
            elif name == "latency":
                for key, _, lv in self.mapping(v, "requests.latency", tuple(_LATENCY_KEYS)):
                    n = self.number(lv, f"requests.latency.{key}", positive=key != "tail_share",
                                    at_most=1.0 if key == "tail_share" else None)
                    if n is not None:
                        changes[_LATENCY_KEYS[key]] = n
            elif (n := self.number(v, f"requests.{name}", positive=name == "jitter_seconds",
                                   at_most=None if name == "jitter_seconds" else 0.99)) is not None:
                changes[_SHAPE_KEYS[name]] = n
        return Shape(**changes), rate

    def dimensions(self, node: Node | None) -> list[Dimension]:
        out = []
        for label, knode, vnode in self.mapping(node, "dimensions"):
            if not self.label(label, knode, f"dimensions.{label}"):
                continue
            values = {}
            for value, vk, spec in self.mapping(vnode, f"dimensions.{label}"):
                key = f"dimensions.{label}.{value}"
                if self.value(label, value, vk, key):
                    values[value] = self.dimension_value(spec, key)
            out.append(Dimension(label, values))
        return out

    def dimension_value(self, node: Node, key: str) -> Value:
        if isinstance(node, ScalarNode):  # shorthand: the weight
            return Value(weight=self.number(node, f"{key}.weight") or 0.0)
        fields = {}
        for name, _, v in self.mapping(node, key, ("weight", "latency", "tokens", "price", "labels")):
            if name in ("weight", "latency"):
                fields[name] = self.number(v, f"{key}.{name}", positive=name == "latency") or fields.get(name, 1.0)
            elif name in ("tokens", "price"):
                fields[name] = self.kinds(v, f"{key}.{name}", self.token_label)
            else:
                fields[name] = self.label_values(v, f"{key}.labels", many=False)
        return Value(**fields)

    def failures(self, node: Node | None) -> tuple[str, Outcome | None, dict[str, Reason]]:
        label, outcome, reasons = "", None, {}
        items = {k: (kn, v) for k, kn, v in self.mapping(node, "failures",
                                                         ("label", "outcome", "reasons", "share", "seconds"))}
        if "label" in items and (name := self.string(items["label"][1], "failures.label")) \
                and self.label(name, items["label"][1], "failures.label"):
            label = name
        if "outcome" in items:
            spec = {k: (kn, v) for k, kn, v in self.mapping(items["outcome"][1], "failures.outcome",
                                                            ("label", "ok", "failed"))}
            missing = [k for k in ("label", "ok", "failed") if k not in spec]
            if missing:
                self.error(items["outcome"][1], "failures.outcome", f"needs {', '.join(missing)}")
            elif (name := self.string(spec["label"][1], "failures.outcome.label")) \
                    and self.label(name, spec["label"][1], "failures.outcome.label"):
                # ok: "" is a success without the label (the OpenTelemetry exporter writes error_type="", which
                # Prometheus stores as no label)
                empty = isinstance(spec["ok"][1], ScalarNode) and spec["ok"][1].value == ""
                ok = "" if empty else self.string(spec["ok"][1], "failures.outcome.ok")
                failed = self.string(spec["failed"][1], "failures.outcome.failed")
                if ok is not None and failed and (empty or self.value(name, ok, spec["ok"][1], "failures.outcome.ok")) \
                        and self.value(name, failed, spec["failed"][1], "failures.outcome.failed"):
                    outcome = Outcome(name, ok, failed)
        for reason, knode, spec in self.mapping(items.get("reasons", (None, None))[1], "failures.reasons"):
            key = f"failures.reasons.{reason}"
            if not label:
                self.error(knode, key, "reasons need `failures: label:`")
                continue
            if not self.value(label, reason, knode, key):
                continue
            if isinstance(spec, ScalarNode):
                reasons[reason] = Reason(self.number(spec, f"{key}.share", at_most=1.0) or 0.0)
                continue
            fields = {k: v for k, _, v in self.mapping(spec, key, ("share", "seconds"))}
            share = self.number(fields["share"], f"{key}.share", at_most=1.0) if "share" in fields else 0.0
            seconds = self.number(fields["seconds"], f"{key}.seconds", positive=True) if "seconds" in fields else None
            reasons[reason] = Reason(share or 0.0, seconds)
        if "share" in items or "seconds" in items:  # failures without a reason label: one anonymous reason
            if "reasons" in items:
                self.error(items["reasons"][0], "failures", "give either `reasons:` or `share:`/`seconds:`")
            else:
                share = self.number(items["share"][1], "failures.share", at_most=1.0) if "share" in items else 0.0
                seconds = self.number(items["seconds"][1], "failures.seconds", positive=True) \
                    if "seconds" in items else None
                reasons[""] = Reason(share or 0.0, seconds)
        total = sum(r.share for r in reasons.values())
        if total > 1:
            self.error(node, "failures.reasons", f"shares add up to {total:g}, more than 1")
        return label, outcome, reasons

    def event(self, name: str, node: Node, knode: Node) -> Event:
        key = f"events.{name}"
        fields = {k: v for k, _, v in self.mapping(node, key, ("sources", "dimensions"))}
        sources = []
        src_nodes = fields.get("sources")
        if src_nodes is None or not isinstance(src_nodes, SequenceNode) or not src_nodes.value:
            self.error(src_nodes or knode, f"{key}.sources", "needs a list of sources (per_request, per_failure)")
        else:
            for i, spec in enumerate(src_nodes.value):
                sources.append(self.source(spec, f"{key}.sources[{i}]"))
        dimensions = {}
        for label, lk, values in self.mapping(fields.get("dimensions"), f"{key}.dimensions"):
            if not self.label(label, lk, f"{key}.dimensions.{label}"):
                continue
            dimensions[label] = {}
            for value, vk, spec in self.mapping(values, f"{key}.dimensions.{label}"):
                vkey = f"{key}.dimensions.{label}.{value}"
                if not self.value(label, value, vk, vkey):
                    continue
                if isinstance(spec, ScalarNode):
                    dimensions[label][value] = EventValue(self.number(spec, vkey) or 0.0)
                    continue
                f = {k: v for k, _, v in self.mapping(spec, vkey, ("weight", "failure"))}
                dimensions[label][value] = EventValue(
                    (self.number(f["weight"], f"{vkey}.weight") or 0.0) if "weight" in f else 1.0,
                    (self.number(f["failure"], f"{vkey}.failure", at_most=1.0) or 0.0) if "failure" in f else 0.0)
        return Event(name, tuple(sources), dimensions)

    def source(self, node: Node, key: str) -> Source:
        fields = {k: (kn, v) for k, kn, v in self.mapping(node, key, ("per_request", "per_failure", "only", "labels"))}
        per_request = self.number(fields["per_request"][1], f"{key}.per_request") if "per_request" in fields else 0.0
        per_failure = {}
        pf = fields.get("per_failure", (None, None))[1]
        if isinstance(pf, ScalarNode) and not pf.tag.endswith(":null"):  # per failed request, whatever the reason
            per_failure = {r: n for r in self.reasons if (n := self.number(pf, f"{key}.per_failure")) is not None}
            pf = None
        for reason, rk, v in self.mapping(pf, f"{key}.per_failure"):
            if reason not in self.reasons:
                self.error(rk, f"{key}.per_failure.{reason}", "is not a reason under `failures: reasons:`")
            elif (n := self.number(v, f"{key}.per_failure.{reason}")) is not None:
                per_failure[reason] = n
        only = self.label_values(fields.get("only", (None, None))[1], f"{key}.only", many=True)
        for label in only:
            if label not in self.cell_labels:
                self.error(fields["only"][1], f"{key}.only.{label}", "only a label of `dimensions` can select requests")
        return Source(per_request or 0.0, per_failure, only,
                      self.label_values(fields.get("labels", (None, None))[1], f"{key}.labels", many=False))

    def signals(self, node: Node | None, events: dict[str, Event]) -> dict[str, Signal]:
        out = {}
        for name, knode, spec in self.mapping(node, "metrics"):
            key = f"metrics.{name}"
            metric = self.catalog.metrics.get(name)
            if metric is None or metric.source != "service":
                self.error(knode, key, "is not a metric of the service in the catalog")
                continue
            fields = {"signal": spec} if isinstance(spec, ScalarNode) else \
                {k: v for k, _, v in self.mapping(spec, key, ("signal", "events", "kind"))}
            kind = self.string(fields["signal"], f"{key}.signal") if "signal" in fields else None
            if kind is None:
                if "signal" not in fields:
                    self.error(spec, key, f"needs a signal ({', '.join(SIGNALS)})")
                continue
            if kind not in SIGNALS:
                self.error(fields["signal"], f"{key}.signal", f"unknown signal {kind!r}; known: {', '.join(SIGNALS)}")
                continue
            names = [(s, n) for s, n in self.strings(fields["events"], f"{key}.events")] if "events" in fields else []
            for event, n in names:
                if event not in events:
                    self.error(n, f"{key}.events", f"no event {event!r} under `events:`")
            if kind not in SIGNALS_BY_TYPE[metric.type]:
                self.error(fields["signal"], f"{key}.signal", f"a {metric.type} cannot show {kind}; it can show "
                                                              f"{', '.join(SIGNALS_BY_TYPE[metric.type])}")
                continue
            if (kind == "event") != bool(names):
                self.error(spec, key, "the event signal needs `events: [...]`, and only it takes them")
                continue
            token_kind = ""
            if "kind" in fields and (token_kind := self.string(fields["kind"], f"{key}.kind") or "") and (
                    kind != "tokens" or not self.value(self.token_label, token_kind, fields["kind"], f"{key}.kind")):
                if kind != "tokens":
                    self.error(fields["kind"], f"{key}.kind", "only the tokens signal takes a token kind")
                continue
            out[name] = Signal(kind, tuple(e for e, _ in names if e in events), token_kind)
        return out

    def scenarios(self, node: Node | None) -> dict[str, Scenario]:
        out = {"normal": NORMAL}
        allowed = ("help", "alert", "failures", "tokens", "down", "unreported", "silent", *_SCENARIO_FACTORS)
        for name, _, spec in self.mapping(node, "scenarios"):
            key = f"scenarios.{name}"
            fields = {"name": name}
            for field, _, v in self.mapping(spec, key, allowed):
                where = f"{key}.{field}"
                if field in ("help", "alert"):
                    fields[field] = self.string(v, where) or ""
                elif field in _SCENARIO_FACTORS:
                    n = self.number(v, where)
                    fields[field] = 1.0 if n is None else n
                elif field == "tokens":
                    fields[field] = self.kinds(v, where, self.token_label)
                elif field in ("down", "unreported"):
                    fields[field] = self.label_values(v, where, many=True)
                elif field == "silent":
                    value = self.scalar(v) if isinstance(v, ScalarNode) else None
                    if not isinstance(value, bool):
                        self.error(v, where, "must be true or false")
                    fields[field] = value is True
                elif isinstance(v, ScalarNode):  # failures without a reason label: the anonymous reason
                    n = self.number(v, where, at_most=1.0)
                    fields[field] = {"": n} if n is not None and self.failure_reason("", v, where) else {}
                else:  # failures: reason → added share
                    fields[field] = {}
                    for reason, rk, rv in self.mapping(v, where):
                        if not self.failure_reason(reason, rk, f"{where}.{reason}"):
                            continue
                        if (n := self.number(rv, f"{where}.{reason}", at_most=1.0)) is not None:
                            fields[field][reason] = n
            out[name] = Scenario(**fields)
        return out

    def failure_reason(self, reason: str, node: Node, key: str) -> bool:
        label = self.failure_label
        if reason in self.reasons or (label and reason in self.catalog.labels[label].values):
            return True
        self.error(node, key, "is not a failure reason (list it under `failures: reasons:`)")
        return False
