"""Which series a workload emits, and where each part of the traffic lands among them.

The traffic is a set of request *cells*: one per combination of the dimensions' values (each with its share of
the requests, latency, token and price multipliers, and the labels that go with its values). A metric's series
take their labels from the cell, from the part of the traffic they show (outcome, failure reason, token kind,
event dimensions) and from the fixed labels; a label none of these gives is spread evenly over its catalog values.
A *route* is where an amount goes: ``[(series labels, share)]``.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from .traffic import Traffic

Labels = tuple[tuple[str, str], ...]
Route = list[tuple[Labels, float]]


def label_values(catalog, name: str) -> tuple[str, ...]:
    """A label's catalog values; a label declared with a bound only gets up to three made-up values."""
    label = catalog.labels.get(name)
    if label is None:
        return (f"{name}_1",)
    return label.values or tuple(f"{name}_{i}" for i in range(1, min(label.bound or 1, 3) + 1))


def weights(listed: dict, catalog, label: str, weight) -> dict[str, float]:
    """Normalised weights of a label's values: its catalog values (those the traffic does not list get the listed
    ones' mean weight), or only the listed ones when the catalog gives the label a bound, not values."""
    declared = catalog.labels[label].values if label in catalog.labels else ()
    everything = declared or (() if listed else label_values(catalog, label))
    names = list(everything) + [v for v in listed if v not in everything]
    given = [weight(listed[v]) for v in listed]
    mean = sum(given) / len(given) if given else 1.0
    raw = {v: weight(listed[v]) if v in listed else mean for v in names}
    total = sum(raw.values())
    return {v: (w / total if total > 0 else 1 / len(raw)) for v, w in raw.items()}


@dataclass(frozen=True)
class Cell:
    labels: dict[str, str]
    share: float  # of all requests
    latency: float  # multiplier
    tokens: dict[str, float]  # kind → multiplier
    price: dict[str, float]  # kind → multiplier


def cells(traffic: Traffic, catalog) -> list[Cell]:
    """Every combination of the dimensions' values, with its share of the requests."""
    axes = []
    for dim in traffic.dimensions:
        shares = weights(dim.values, catalog, dim.label, lambda v: v.weight)
        axes.append([(dim.label, value, share, dim.values.get(value)) for value, share in shares.items()])
    out = []
    for combo in itertools.product(*axes):
        labels, share, latency, tokens, price = {}, 1.0, 1.0, {}, {}
        for label, value, s, spec in combo:
            labels[label] = value
            share *= s
            if spec is None:
                continue
            latency *= spec.latency
            for kind, m in spec.tokens.items():
                tokens[kind] = tokens.get(kind, 1.0) * m
            for kind, m in spec.price.items():
                price[kind] = price.get(kind, 1.0) * m
        for _, _, _, spec in combo:  # a value's own labels never override a dimension's
            for k, v in (spec.labels.items() if spec else ()):
                labels.setdefault(k, v)
        out.append(Cell(labels, share, latency, tokens, price))
    return out


class Router:
    """Routes for the series of one catalog metric."""

    def __init__(self, metric, traffic: Traffic, catalog):
        self.names = tuple(metric.labels)
        self.fixed = {k: v for k, v in traffic.labels.items() if k in self.names}
        self.values = {n: label_values(catalog, n) for n in self.names}
        self._cache: dict = {}

    def route(self, *assigned: dict) -> Route:
        """Where one amount goes, given the labels known for it (later dicts win); the rest spread evenly."""
        known = dict(self.fixed)
        for part in assigned:
            known.update((k, v) for k, v in part.items() if k in self.names)
        key = tuple(sorted(known.items()))
        route = self._cache.get(key)
        if route is None:
            free = [n for n in self.names if n not in known]
            share = 1.0 / math.prod(len(self.values[n]) for n in free) if free else 1.0
            route = []
            for combo in itertools.product(*(self.values[n] for n in free)):
                labels = {**known, **dict(zip(free, combo, strict=True))}
                route.append((tuple((n, labels[n]) for n in self.names), share))
            self._cache[key] = route
        return route

    def everything(self) -> Route:
        return self.route()


def event_parts(event, catalog) -> list[tuple[dict[str, str], float, float]]:
    """(labels, share, failing share) for every combination of an event's dimensions."""
    axes = []
    for label, values in event.dimensions.items():
        shares = weights(values, catalog, label, lambda v: v.weight)
        axes.append([(label, value, share, values[value].failure if value in values else 0.0)
                     for value, share in shares.items()])
    out = []
    for combo in itertools.product(*axes):
        ok = math.prod(1 - f for *_, f in combo)
        out.append(({label: value for label, value, _, _ in combo}, math.prod(s for _, _, s, _ in combo), 1 - ok))
    return out


def outcome_labels(traffic: Traffic, failed: bool, reason: str | None = None) -> dict[str, str]:
    """The labels of the outcome (and failure reason) of a part of the traffic."""
    out = {}
    if traffic.outcome is not None:
        out[traffic.outcome.label] = traffic.outcome.failed if failed else traffic.outcome.ok
    if reason is not None and traffic.failure_label:
        out[traffic.failure_label] = reason
    return out
