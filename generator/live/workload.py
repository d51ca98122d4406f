"""A synthetic service: every metric of the catalog, shaped by the traffic file, with switchable fault scenarios.

The simulation is driven by expected rates, not by random draws per request: every step adds the expected number
of requests, failures, tokens, events and latency observations for the time that passed, and integer counters
carry their fractional remainder to the next step. Shapes therefore stay exact over short windows (a normal error
ratio never crosses a threshold by bad luck) while traffic still varies: a daily curve plus a jitter that changes
every few simulated minutes, seeded so that history and live data agree.

What the service exposes comes from the catalog (metric names, labels, buckets); what its traffic looks like comes
from the traffic file (:mod:`.traffic`): this module names neither. Each catalog metric shows one signal (requests,
failures, duration, tokens, cost, in_flight, health or event); a metric the file does not map shows the generic
signal of its type, so the workload never lags behind the catalog.

Time: ``speed`` simulated seconds pass per wall-clock second (1 for a real stack, 60 for the compressed profile of
the end-to-end tests); timestamps stay wall-clock, since that is what Prometheus stores.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from prometheus_client.utils import floatToGoString

from ..catalog import Catalog, Metric
from .series import Labels, Router, cells, event_parts, label_values, outcome_labels
from .shapes import busyness, latency_fractions, point_fractions
from .traffic import Scenario, Signal, Traffic, default_traffic

# The simulated clock advances in chunks no longer than this, so the daily curve and the jitter stay smooth.
MAX_CHUNK_SECONDS = 60.0
# Tokens per request and dollars per token of a token kind the traffic file gives no number for.
DEFAULT_TOKENS, DEFAULT_PRICE = 100.0, 1e-6


@dataclass
class Family:
    """One catalog metric, the signal it shows, where each part of the traffic lands, and its series' values."""

    metric: Metric
    signal: Signal
    router: Router
    # counter/gauge: labels → value; histogram/summary: labels → [per-bucket counts (not cumulative), sum, carries]
    values: dict = field(default_factory=dict)
    bucket_labels: dict = field(default_factory=dict)
    ok: list = field(default_factory=list)  # per cell: route of its successful requests
    failed: list = field(default_factory=list)  # per cell: reason → route of its failed requests
    kinds: list = field(default_factory=list)  # per cell: token kind → route
    events: list = field(default_factory=list)  # (source, [(cell index, [(route, share, failed)])])

    @property
    def bounds(self) -> tuple[float, ...]:
        return tuple(self.metric.buckets) if self.metric.type == "histogram" else ()


class Workload:
    """The service's state; thread-safe. ``advance_to`` moves it along the wall clock, ``samples`` reads it."""

    def __init__(self, catalog: Catalog, traffic: Traffic | None = None, *, scenario: str = "normal",
                 speed: float = 1.0, seed: int = 1, start: float | None = None):
        self.traffic = traffic or default_traffic()
        self.scenarios = self.traffic.scenarios
        if scenario not in self.scenarios:
            raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(self.scenarios)}")
        self.catalog = catalog
        self.speed = float(speed)
        self.seed = seed
        self.scenario: Scenario = self.scenarios[scenario]
        self.scenario_since = time.time()
        self.lock = threading.Lock()
        self.wall = time.time() if start is None else start
        self.anchor = self.wall  # wall time where simulated time equals wall time
        self._carry: dict = {}
        self.cells = cells(self.traffic, catalog)
        t = self.traffic
        self.reasons = tuple(dict.fromkeys(
            (label_values(catalog, t.failure_label) if t.failure_label and catalog.labels[t.failure_label].values
             else ()) + tuple(t.reasons)))
        self.kinds = tuple(dict.fromkeys(
            (label_values(catalog, t.token_label) if t.token_label and catalog.labels[t.token_label].values
             else ()) + tuple(t.tokens))) or ("",)
        self.families: dict[str, Family] = {}
        for name, metric in catalog.metrics.items():
            if metric.source == "service":
                self.families[name] = self._plan(Family(metric, t.signal(metric), Router(metric, t, catalog)))

    # -- plan ---------------------------------------------------------------------------------------------------

    def _plan(self, fam: Family) -> Family:
        """Every route of the family's signal, and every series they reach, created at 0."""
        t, route, kind = self.traffic, fam.router.route, fam.signal.kind
        ok = outcome_labels(t, False)
        routes = []
        if kind == "health":
            routes.append(fam.router.everything())
        for cell in self.cells:
            if kind in ("requests", "duration", "in_flight"):
                fam.ok.append(route(cell.labels, ok))
                routes.append(fam.ok[-1])
            if kind in ("requests", "duration", "failures"):
                fam.failed.append({r: route(cell.labels, outcome_labels(t, True, r)) for r in self.reasons})
                routes += fam.failed[-1].values()
            if kind in ("tokens", "cost"):
                fam.kinds.append({k: route(cell.labels, ok, {t.token_label: k} if k else {}) for k in self.kinds
                                  if not fam.signal.token_kind or k == fam.signal.token_kind})
                routes += fam.kinds[-1].values()
            if kind in ("first_token", "output_token", "queue", "cached_tokens", "cache_savings"):
                streams = all(cell.labels.get(k) in v for k, v in t.generation.streamed.items())
                fam.ok.append(route(cell.labels, ok) if streams or kind not in ("first_token", "output_token") else [])
                routes.append(fam.ok[-1])
            if kind == "finishes":
                g = t.generation
                fam.kinds.append({v: route(cell.labels, ok, {g.finish_label: v}) for v in (g.finish_ok, g.finish_cut)})
                routes += fam.kinds[-1].values()
        for name in fam.signal.events:
            event = t.events[name]
            parts = event_parts(event, self.catalog)
            for source in event.sources:
                per_cell = []
                for i, cell in enumerate(self.cells):
                    if all(cell.labels.get(k) in v for k, v in source.only.items()):
                        legs = []
                        for labels, share, failing in parts:
                            for failed, s in ((False, 1 - failing), (True, failing)):
                                if s > 0 or not failed:
                                    r = route(cell.labels, source.labels, labels, outcome_labels(t, failed))
                                    legs.append((r, share * s))
                                    routes.append(r)
                        per_cell.append((i, legs))
                fam.events.append((source, per_cell))
        n = len(fam.bounds) + 1
        for r in routes:
            for labels, _ in r:
                if labels not in fam.values:
                    fam.values[labels] = [[0.0] * n, 0.0, [0.0] * n] if fam.metric.type in ("histogram", "summary") \
                        else 0.0
        return fam

    # -- scenarios ----------------------------------------------------------------------------------------------

    def set_scenario(self, name: str, now: float | None = None) -> Scenario:
        if name not in self.scenarios:
            raise KeyError(name)
        with self.lock:
            self._advance(time.time() if now is None else now)
            self.scenario = self.scenarios[name]
            self.scenario_since = self.wall
            return self.scenario

    # -- time ---------------------------------------------------------------------------------------------------

    def sim_time(self, wall: float) -> float:
        return self.anchor + (wall - self.anchor) * self.speed

    def advance_to(self, now: float) -> None:
        with self.lock:
            self._advance(now)

    def _advance(self, now: float) -> None:
        while self.wall < now:
            wall_dt = min(now - self.wall, MAX_CHUNK_SECONDS / self.speed)
            self._step(self.sim_time(self.wall), wall_dt * self.speed)
            self.wall += wall_dt

    def _step(self, sim_t: float, dt: float) -> None:
        t, s = self.traffic, self.scenario
        total = t.rate * s.rate * busyness(t.shape, self.seed, sim_t) * dt
        shares = {r: (t.reasons[r].share if r in t.reasons else 0.0) + s.failures.get(r, 0.0) for r in self.reasons}
        failing = sum(shares.values())
        if failing > 1:
            shares = {r: v / failing for r, v in shares.items()}
        flows = []  # per cell: (requests, ok, {reason: failed}, median, ok mean, {reason: seconds}, tokens, cost)
        for cell in self.cells:
            n = total * cell.share
            failed = {r: n * v for r, v in shares.items() if v > 0}
            n_ok = n - sum(failed.values())
            median = t.shape.median_seconds * cell.latency * s.latency
            mean = latency_fractions(t.shape, median, ())[1]
            seconds = {r: (t.reasons[r].seconds if r in t.reasons and t.reasons[r].seconds else median)
                       for r in failed}
            tokens = {k: n_ok * t.tokens.get(k, DEFAULT_TOKENS) * cell.tokens.get(k, 1.0) * s.tokens.get(k, 1.0)
                      for k in self.kinds}
            cost = {k: v * t.price.get(k, DEFAULT_PRICE) * cell.price.get(k, 1.0) for k, v in tokens.items()}
            flows.append((n, n_ok, failed, median, mean, seconds, tokens, cost))
        for fam in self.families.values():
            self._apply(fam, flows, dt)

    def _apply(self, fam: Family, flows: list, dt: float) -> None:
        kind, pending = fam.signal.kind, {}

        def add(route, amount):
            for labels, share in route:
                pending[labels] = pending.get(labels, 0.0) + amount * share

        if kind == "duration":
            self._observe_all(fam, flows)
            return
        if kind == "tokens" and fam.bounds:
            self._observe_tokens(fam, flows)
            return
        if kind in ("first_token", "output_token", "queue"):
            self._observe_generation(fam, flows)
            return
        g = self.traffic.generation
        for i, (_, n_ok, failed, _, mean, seconds, tokens, cost) in enumerate(flows):
            if kind == "requests":
                add(fam.ok[i], n_ok)
            if kind in ("requests", "failures"):
                for r, count in failed.items():
                    add(fam.failed[i][r], count)
            elif kind in ("tokens", "cost"):
                for k, amount in (tokens if kind == "tokens" else cost).items():
                    if k in fam.kinds[i]:
                        add(fam.kinds[i][k], amount)
            elif kind in ("cached_tokens", "cache_savings") and g.cached_kind in tokens:
                add(fam.ok[i], tokens[g.cached_kind] * g.cached if kind == "cached_tokens"
                    else cost[g.cached_kind] * g.cached * g.discount)
            elif kind == "finishes":
                add(fam.kinds[i][g.finish_cut], n_ok * g.truncated)
                add(fam.kinds[i][g.finish_ok], n_ok * (1 - g.truncated))
            elif kind == "in_flight":
                add(fam.ok[i], (n_ok * mean + sum(c * seconds[r] for r, c in failed.items())) / dt)
        for source, per_cell in fam.events:
            for i, legs in per_cell:
                n, failed = flows[i][0], flows[i][2]
                amount = n * source.per_request + sum(failed.get(r, 0.0) * m for r, m in source.per_failure.items())
                for route, share in legs:
                    add(route, amount * share)
        if kind == "in_flight":
            factor = self.scenario.in_flight
            for labels in fam.values:
                fam.values[labels] = pending.get(labels, 0.0) * factor
        elif kind in ("cost", "cache_savings"):
            for labels, amount in pending.items():
                fam.values[labels] += amount
        elif kind != "health":
            for labels, expected in pending.items():
                self._count(fam, labels, expected)

    def _count(self, fam: Family, labels: Labels, expected: float) -> None:
        """Add ``expected`` events to an integer counter, carrying the fraction to the next step."""
        if expected <= 0:
            return
        key = (fam.metric.name, labels)
        total = self._carry.get(key, 0.0) + expected
        whole = math.floor(total)
        self._carry[key] = total - whole
        if whole:
            fam.values[labels] += whole

    def _observe_all(self, fam: Family, flows: list) -> None:
        """Every cell's requests observed: successful ones spread by the latency shape, failed ones at their
        reason's duration. Per series: expected count per bucket, then whole counts with the fraction carried."""
        bounds, shape = fam.bounds, self.traffic.shape
        pending: dict = {}
        for i, (_, n_ok, failed, median, _, seconds, _, _) in enumerate(flows):
            fractions, mean = latency_fractions(shape, median, bounds)
            legs = [(fam.ok[i], n_ok, fractions, mean)]
            legs += [(fam.failed[i][r], c, point_fractions(seconds[r], bounds), seconds[r]) for r, c in failed.items()]
            for route, count, fracs, avg in legs:
                for labels, share in route:
                    acc = pending.get(labels)
                    if acc is None:
                        acc = pending[labels] = [[0.0] * (len(bounds) + 1), 0.0, 0.0]
                    amount = count * share
                    for b, f in fracs:
                        acc[0][b] += amount * f
                    acc[1] += amount * avg
                    acc[2] += amount
        self._add_observations(fam, pending)

    def _observe_tokens(self, fam: Family, flows: list) -> None:
        """A histogram of tokens per request (OpenTelemetry's token usage): each successful request observes its
        tokens of each kind once."""
        bounds, pending = fam.bounds, {}
        for i, (_, n_ok, _, _, _, _, tokens, _) in enumerate(flows):
            if n_ok <= 0:
                continue
            for k, amount in tokens.items():
                per_request = amount / n_ok
                fracs = point_fractions(per_request, bounds)
                for labels, share in fam.kinds[i][k]:
                    acc = pending.setdefault(labels, [[0.0] * (len(bounds) + 1), 0.0, 0.0])
                    for b, f in fracs:
                        acc[0][b] += n_ok * share * f
                    acc[1] += n_ok * share * per_request
                    acc[2] += n_ok * share
        self._add_observations(fam, pending)

    def _observe_generation(self, fam: Family, flows: list) -> None:
        """Each successful request's time to its first token, per output token after it, or in a server's queue:
        the traffic's latency shape around the ``generation:`` section's median for it. The scenario's
        ``first_token`` slows the first token alone: the request's duration (the duration signal) stays."""
        g, t, s, pending = self.traffic.generation, self.traffic, self.scenario, {}
        for i, (_, n_ok, _, median, *_) in enumerate(flows):
            scale = median / t.shape.median_seconds  # the request's latency multipliers, the scenario's included
            seconds = {"first_token": median * g.first_token * s.first_token, "output_token": g.output_token * scale,
                       "queue": g.queue * scale}[fam.signal.kind]
            fractions, mean = latency_fractions(t.shape, seconds, fam.bounds)
            for labels, share in fam.ok[i]:
                acc = pending.setdefault(labels, [[0.0] * (len(fam.bounds) + 1), 0.0, 0.0])
                for b, f in fractions:
                    acc[0][b] += n_ok * share * f
                acc[1] += n_ok * share * mean
                acc[2] += n_ok * share
        self._add_observations(fam, pending)

    def _add_observations(self, fam: Family, pending: dict) -> None:
        """Expected observations per bucket into whole counts, the fraction carried; the sum follows the counts."""
        for labels, (expected, seconds, total) in pending.items():
            if total <= 0:
                continue
            value = fam.values[labels]
            counts, carry = value[0], value[2]
            added = 0
            for b, e in enumerate(expected):
                if e:
                    whole = math.floor(carry[b] + e)
                    carry[b] += e - whole
                    counts[b] += whole
                    added += whole
            value[1] += seconds * added / total

    # -- reading ------------------------------------------------------------------------------------------------

    def _health(self, labels: Labels) -> float | None:
        """1, 0 when the scenario reports it down, None when the scenario stops reporting it."""
        d = dict(labels)

        def matches(selector):
            return bool(selector) and all(d.get(k) in v for k, v in selector.items())
        if matches(self.scenario.unreported):
            return None
        return 0.0 if matches(self.scenario.down) else 1.0

    def samples(self, now: float) -> list[tuple[Metric, list[tuple[str, Labels, float]]]]:
        """Every family's samples at ``now`` as (metric, [(series name, labels, value)]); advance first."""
        with self.lock:
            self._advance(now)
            return [(fam.metric, self._rows(fam)) for fam in self.families.values()]

    def _rows(self, fam: Family) -> list[tuple[str, Labels, float]]:
        metric, rows = fam.metric, []
        for labels, value in fam.values.items():
            if metric.type in ("histogram", "summary"):
                counts, total = value[0], value[1]
                if metric.type == "histogram":
                    bucket_labels = fam.bucket_labels.get(labels)
                    if bucket_labels is None:
                        bucket_labels = fam.bucket_labels[labels] = [
                            labels + (("le", floatToGoString(b)),) for b in list(metric.buckets) + [math.inf]]
                    cumulative = 0.0
                    for series_labels, count in zip(bucket_labels, counts, strict=True):
                        cumulative += count
                        rows.append((metric.name + "_bucket", series_labels, cumulative))
                rows.append((metric.name + "_sum", labels, total))
                rows.append((metric.name + "_count", labels, float(sum(counts))))
            elif fam.signal.kind == "health":
                health = self._health(labels)
                if health is not None:
                    rows.append((metric.name, labels, health))
            elif fam.signal.kind == "in_flight":
                rows.append((metric.name, labels, float(round(value))))
            else:
                rows.append((metric.name, labels, value))
        return rows
