"""A synthetic AI service: every metric of the catalog, with realistic shapes and switchable fault scenarios.

The simulation is driven by expected rates, not by random draws per request: every step adds the expected number
of requests, errors, tokens and latency observations for the time that passed, and integer counters carry their
fractional remainder to the next step. Shapes therefore stay exact over short windows (a normal error ratio never
crosses a threshold by bad luck) while traffic still varies: a daily curve plus a jitter that changes every five
simulated minutes, seeded so that history and live data agree.

What it knows about *this* service lives in the tables below (the price list, traffic per feature, latency per
model, the scenarios' effects). What the service exposes comes from the catalog: metric names, label values and
histogram buckets are read from it, and a catalog metric this module has no model for is still emitted with a
generic shape, so the workload never lags behind the catalog.

Time: ``speed`` simulated seconds pass per wall-clock second (1 for a real stack, 60 for the compressed profile of
the end-to-end tests); timestamps stay wall-clock, since that is what Prometheus stores.
"""

from __future__ import annotations

import itertools
import math
import random
import threading
import time
from dataclasses import dataclass, field

from prometheus_client.utils import floatToGoString

from ..catalog import Catalog, Metric
from .scenarios import SCENARIOS, Scenario

# ---------------------------------------------------------------------------------------------------------------
# What this service looks like


# USD per million tokens (input, output), and the provider that serves each model.
PRICES: dict[str, tuple[str, float, float]] = {
    "gpt-4o": ("openai", 2.50, 10.00),
    "gpt-4o-mini": ("openai", 0.15, 0.60),
    "claude-sonnet-4": ("anthropic", 3.00, 15.00),
    "claude-haiku-4": ("anthropic", 0.80, 4.00),
    "gemini-2.0-flash": ("google", 0.10, 0.40),
}
DEFAULT_PRICE = (1.00, 4.00)

# Share of each model in every feature's traffic, and its latency: median seconds of the body of the distribution.
MODEL_SHARE = {"gpt-4o": 0.30, "gpt-4o-mini": 0.25, "claude-sonnet-4": 0.20, "claude-haiku-4": 0.15,
               "gemini-2.0-flash": 0.10}
MODEL_MEDIAN_SECONDS = {"gpt-4o": 1.2, "gpt-4o-mini": 0.6, "claude-sonnet-4": 1.4, "claude-haiku-4": 0.5,
                        "gemini-2.0-flash": 0.45}


@dataclass(frozen=True)
class FeatureProfile:
    rate: float  # requests per second at the daily mean
    input_tokens: float  # per request
    output_tokens: float
    latency: float  # multiplies the model's latency (agents make several calls)


FEATURES = {
    "chat": FeatureProfile(6.0, 900, 350, 1.0),
    "search": FeatureProfile(4.0, 1500, 150, 0.7),
    "summarize": FeatureProfile(1.5, 4000, 400, 1.2),
    "support_agent": FeatureProfile(1.5, 3000, 600, 1.1),
}
DEFAULT_FEATURE = FeatureProfile(1.0, 1000, 300, 1.0)
TIER_SHARE = {"free": 0.50, "pro": 0.35, "enterprise": 0.15}

# Share of requests failing with each error type in normal operation (1 % in total: a few of each type).
ERROR_SHARE = {"timeout": 0.002, "rate_limit": 0.003, "provider_error": 0.002, "guard_rejected": 0.002,
               "invalid_request": 0.0005, "context_length_exceeded": 0.0005}
DEFAULT_ERROR_SHARE = 0.001
# How long a failing request takes, in seconds (a timeout waits for the client's 30 s limit).
ERROR_SECONDS = {"timeout": 30.0, "rate_limit": 0.15, "guard_rejected": 0.3, "invalid_request": 0.2}
GUARD_SHARE = {"pii": 0.3, "prompt_injection": 0.3, "toxicity": 0.2, "topic": 0.2}

# Tool calls: which feature's requests drive each agent, calls per request, and each tool's share and failure rate.
AGENTS = {"support_agent": ("support_agent", 2.5), "research_agent": ("search", 0.3)}
TOOLS = {"web_search": (0.35, 0.06), "vector_search": (0.35, 0.02), "ticket_lookup": (0.2, 0.03),
         "calculator": (0.1, 0.01)}

# Latency distribution around a median: a log-normal body and a slow tail (retries, long generations).
BODY_SIGMA, TAIL_SHARE, TAIL_FACTOR, TAIL_SIGMA = 0.5, 0.03, 4.0, 0.6



# The simulated clock advances in chunks no longer than this, so the daily curve and the jitter stay smooth.
MAX_CHUNK_SECONDS = 60.0
JITTER_PERIOD_SECONDS = 300.0


# ---------------------------------------------------------------------------------------------------------------
# The simulation


Labels = tuple[tuple[str, str], ...]


@dataclass
class Family:
    """One catalog metric and the current value of each of its series."""

    metric: Metric
    # counter/gauge: labels → value; histogram: labels → [per-bucket counts (not cumulative), sum, carries]
    values: dict = field(default_factory=dict)
    # histogram: labels → the label sets of its buckets (with ``le``), made once
    bucket_labels: dict = field(default_factory=dict)


class Workload:
    """The service's state; thread-safe. ``advance_to`` moves it along the wall clock, ``families`` reads it."""

    def __init__(self, catalog: Catalog, *, scenario: str = "normal", speed: float = 1.0, seed: int = 1,
                 start: float | None = None):
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
        self.catalog = catalog
        self.speed = float(speed)
        self.seed = seed
        self.scenario = SCENARIOS[scenario]
        self.scenario_since = time.time()
        self.lock = threading.Lock()
        self.wall = time.time() if start is None else start
        self.anchor = self.wall  # wall time where simulated time equals wall time
        self._carry: dict = {}
        self._active: dict[str, float] = {}
        self.families: dict[str, Family] = {}
        self._values = self._labels_from_catalog()
        self.features = self._values.get("feature", ())
        self.models = self._values.get("model", ())
        self.tiers = self._values.get("tier", ())
        self.providers = self._values.get("provider", ())
        for name, metric in catalog.metrics.items():
            if metric.source == "service":
                self.families[name] = Family(metric)
                self._create_series(self.families[name])

    # -- catalog ------------------------------------------------------------------------------------------------

    def _labels_from_catalog(self) -> dict[str, tuple[str, ...]]:
        """Every label's values; a label declared with a bound only gets three made-up values."""
        out = {}
        for name, label in self.catalog.labels.items():
            out[name] = label.values or tuple(f"{name}_{i}" for i in range(1, min(label.bound or 1, 3) + 1))
        return out

    def provider_of(self, model: str) -> str:
        known = PRICES.get(model, (None,))[0]
        if known in self.providers:
            return known
        return self.providers[sum(map(ord, model)) % len(self.providers)] if self.providers else ""

    def _combinations(self, metric: Metric) -> list[Labels]:
        """The label sets a real service would expose: every value combination, a model always with its provider."""
        names = list(metric.labels)
        choices = [self._values[n] if n != "provider" or "model" not in names else (None,) for n in names]
        out = []
        for combo in itertools.product(*choices):
            labels = dict(zip(names, combo))
            if "provider" in labels and labels["provider"] is None:
                labels["provider"] = self.provider_of(labels["model"])
            out.append(tuple((n, labels[n]) for n in names))
        return out

    def _create_series(self, family: Family) -> None:
        """Every series exists from the start (value 0), as with an instrumented service after warm-up."""
        metric = family.metric
        for labels in self._combinations(metric):
            if metric.type == "histogram":  # [per-bucket counts (+Inf last), sum, per-bucket carried fraction]
                n = len(metric.buckets) + 1
                family.values[labels] = [[0.0] * n, 0.0, [0.0] * n]
            elif metric.type == "gauge":
                family.values[labels] = 0.0
            else:  # counter, summary (a summary is emitted as its count and sum only)
                family.values[labels] = 0.0

    # -- scenarios ----------------------------------------------------------------------------------------------

    def set_scenario(self, name: str, now: float | None = None) -> Scenario:
        if name not in SCENARIOS:
            raise KeyError(name)
        with self.lock:
            self._advance(time.time() if now is None else now)
            self.scenario = SCENARIOS[name]
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

    def _traffic(self, sim_t: float) -> float:
        """Daily curve (busiest in the afternoon, UTC) times a jitter that changes every five minutes."""
        day = 1 + 0.3 * math.sin(2 * math.pi * ((sim_t / 86400.0) % 1 - 0.375))
        bucket = int(sim_t // JITTER_PERIOD_SECONDS)
        jitter = random.Random(self.seed * 1_000_003 + bucket).uniform(0.92, 1.08)
        return day * jitter

    def _count(self, family: str, labels: Labels, expected: float) -> None:
        """Add ``expected`` events to an integer counter, carrying the fraction to the next step."""
        fam = self.families.get(family)
        if fam is None or expected <= 0:
            return
        key = (family, labels)
        total = self._carry.get(key, 0.0) + expected
        whole = math.floor(total)
        self._carry[key] = total - whole
        if whole:
            fam.values[labels] = fam.values.get(labels, 0.0) + whole

    def _add(self, family: str, labels: Labels, amount: float) -> None:
        fam = self.families.get(family)
        if fam is not None and amount > 0:
            fam.values[labels] = fam.values.get(labels, 0.0) + amount

    def _observe(self, family: str, labels: Labels, expected: float, fractions: list[tuple[int, float]],
                 mean: float) -> None:
        """``expected`` observations spread over the buckets: ``fractions`` holds (bucket index, share) for the
        buckets that get any (non-cumulative, +Inf last)."""
        fam = self.families.get(family)
        if fam is None or expected <= 0:
            return
        value = fam.values[labels]
        counts, carry = value[0], value[2]
        added = 0
        for i, share in fractions:
            total = carry[i] + expected * share
            whole = math.floor(total)
            carry[i] = total - whole
            counts[i] += whole
            added += whole
        value[1] += added * mean

    def _step(self, sim_t: float, dt: float) -> None:
        s = self.scenario
        traffic = self._traffic(sim_t)
        model_total = sum(MODEL_SHARE.get(m, 0.1) for m in self.models) or 1
        tier_total = sum(TIER_SHARE.get(t, 0.2) for t in self.tiers) or 1
        error_types = self._values.get("error_type", ())
        buckets = self._bucket_bounds()
        feature_requests: dict[str, float] = {}
        for feature in self.features:
            prof = FEATURES.get(feature, DEFAULT_FEATURE)
            feature_requests[feature] = prof.rate * traffic * dt
            active = 0.0
            guard_rejections = 0.0
            for model in self.models:
                provider = self.provider_of(model)
                n = prof.rate * traffic * dt * MODEL_SHARE.get(model, 0.1) / model_total
                errors = {e: n * (ERROR_SHARE.get(e, DEFAULT_ERROR_SHARE) + s.extra_errors.get(e, 0.0))
                          for e in error_types}
                n_err = min(sum(errors.values()), n)
                n_ok = n - n_err
                median = MODEL_MEDIAN_SECONDS.get(model, 1.0) * prof.latency * s.latency_factor
                ok_fractions, ok_mean = latency_fractions(median, buckets)
                active += (n_ok * ok_mean) / dt
                base = (("feature", feature), ("model", model), ("provider", provider))
                self._observe("ai_request_duration_seconds", base + (("status", "success"),), n_ok,
                              ok_fractions, ok_mean)
                for error_type, count in errors.items():
                    self._count("ai_errors_total", base + (("error_type", error_type),), count)
                    seconds = ERROR_SECONDS.get(error_type, median)
                    frac = point_fractions(seconds, buckets)
                    self._observe("ai_request_duration_seconds", base + (("status", "error"),), count, frac, seconds)
                    active += count * seconds / dt
                guard_rejections += errors.get("guard_rejected", 0.0)
                price_in, price_out = PRICES.get(model, (None, *DEFAULT_PRICE))[1:]
                for tier in self.tiers:
                    share = TIER_SHARE.get(tier, 0.2) / tier_total
                    self._count("ai_requests_total", base + (("status", "success"), ("tier", tier)), n_ok * share)
                    self._count("ai_requests_total", base + (("status", "error"), ("tier", tier)), n_err * share)
                    tokens_in = n_ok * share * prof.input_tokens * s.input_token_factor
                    tokens_out = n_ok * share * prof.output_tokens
                    self._count("ai_tokens_total", base + (("direction", "input"), ("tier", tier)), tokens_in)
                    self._count("ai_tokens_total", base + (("direction", "output"), ("tier", tier)), tokens_out)
                    cost = (tokens_in * price_in + tokens_out * price_out) / 1e6
                    self._add("ai_cost_dollars_total", base + (("tier", tier),), cost)
            self._active[feature] = active * s.active_factor
            guards = self._values.get("guard", ())
            guard_total = sum(GUARD_SHARE.get(g, 0.1) for g in guards) or 1
            for guard in guards:
                # Guards reject some inputs outright (counted as errors) and some outputs the request survives.
                self._count("ai_guard_rejections_total", (("guard", guard), ("feature", feature)),
                            (guard_rejections + 0.002 * feature_requests[feature]) * GUARD_SHARE.get(guard, 0.1)
                            / guard_total)
        tools = self._values.get("tool", ())
        tool_total = sum(TOOLS.get(t, (0.1, 0.02))[0] for t in tools) or 1
        for agent in self._values.get("agent", ()):
            driver, per_request = AGENTS.get(agent, (None, 0.2))
            calls = feature_requests.get(driver, traffic * dt) * per_request
            for tool in tools:
                share, failure = TOOLS.get(tool, (0.1, 0.02))
                n = calls * share / tool_total
                self._count("ai_tool_calls_total", (("agent", agent), ("tool", tool), ("status", "success")),
                            n * (1 - failure))
                self._count("ai_tool_calls_total", (("agent", agent), ("tool", tool), ("status", "error")),
                            n * failure)
        self._step_unknown(dt)

    def _step_unknown(self, dt: float) -> None:
        """Catalog metrics this module has no model for: counters tick at 1/s, histograms observe 1 s."""
        for name, fam in self.families.items():
            if name in _MODELLED:
                continue
            for labels in list(fam.values):
                if fam.metric.type == "histogram":
                    self._observe(name, labels, dt, point_fractions(1.0, list(fam.metric.buckets)), 1.0)
                elif fam.metric.type != "gauge":
                    self._count(name, labels, dt)

    def _bucket_bounds(self) -> list[float]:
        fam = self.families.get("ai_request_duration_seconds")
        return list(fam.metric.buckets) if fam else [0.1, 1, 10]

    # -- reading ------------------------------------------------------------------------------------------------

    def gauge_value(self, family: Family, labels: Labels, now: float) -> float:
        name = family.metric.name
        d = dict(labels)
        if name == "ai_active_requests":
            return float(round(self._active.get(d.get("feature", ""), 0.0)))
        if name == "ai_component_up":
            return 0.0 if d.get("component") in self.scenario.down else 1.0
        return 1.0

    def samples(self, now: float) -> list[tuple[Metric, list[tuple[str, Labels, float]]]]:
        """Every family's samples at ``now`` as (metric, [(series name, labels, value)]); advance first."""
        with self.lock:
            self._advance(now)
            out = []
            for fam in self.families.values():
                metric = fam.metric
                rows: list[tuple[str, Labels, float]] = []
                for labels, value in fam.values.items():
                    if metric.name == "ai_component_up" and dict(labels).get("component") in self.scenario.unreported:
                        continue
                    if metric.type == "histogram":
                        counts, total = value[0], value[1]
                        bucket_labels = fam.bucket_labels.get(labels)
                        if bucket_labels is None:
                            bucket_labels = fam.bucket_labels[labels] = [
                                labels + (("le", floatToGoString(b)),) for b in list(metric.buckets) + [math.inf]]
                        cumulative = 0.0
                        bucket = metric.name + "_bucket"
                        for series_labels, count in zip(bucket_labels, counts):
                            cumulative += count
                            rows.append((bucket, series_labels, cumulative))
                        rows.append((metric.name + "_sum", labels, total))
                        rows.append((metric.name + "_count", labels, cumulative))
                    elif metric.type == "gauge":
                        rows.append((metric.name, labels, self.gauge_value(fam, labels, now)))
                    elif metric.type == "summary":
                        rows.append((metric.name + "_sum", labels, value))
                        rows.append((metric.name + "_count", labels, value))
                    else:
                        rows.append((metric.name, labels, value))
                out.append((metric, rows))
            return out


_MODELLED = {"ai_requests_total", "ai_request_duration_seconds", "ai_tokens_total", "ai_errors_total",
             "ai_active_requests", "ai_cost_dollars_total", "ai_tool_calls_total", "ai_guard_rejections_total",
             "ai_component_up"}


# ---------------------------------------------------------------------------------------------------------------
# Latency shapes


def _lognormal_cdf(x: float, median: float, sigma: float) -> float:
    if x <= 0:
        return 0.0
    return 0.5 * (1 + math.erf(math.log(x / median) / (sigma * math.sqrt(2))))


_FRACTIONS_CACHE: dict = {}


def latency_fractions(median: float, bounds: list[float]) -> tuple[list[tuple[int, float]], float]:
    """(bucket index, share of requests) for each bucket (non-cumulative, +Inf last) and the mean duration, for
    a log-normal body around ``median`` with a slow tail."""
    key = (round(median, 6), tuple(bounds))
    if key not in _FRACTIONS_CACHE:
        def cdf(x):
            return ((1 - TAIL_SHARE) * _lognormal_cdf(x, median, BODY_SIGMA)
                    + TAIL_SHARE * _lognormal_cdf(x, median * TAIL_FACTOR, TAIL_SIGMA))
        previous, fractions = 0.0, []
        for bound in bounds:
            value = cdf(bound)
            fractions.append(value - previous)
            previous = value
        fractions.append(1 - previous)
        fractions = [(i, f) for i, f in enumerate(fractions) if f > 1e-12]
        mean = ((1 - TAIL_SHARE) * median * math.exp(BODY_SIGMA ** 2 / 2)
                + TAIL_SHARE * median * TAIL_FACTOR * math.exp(TAIL_SIGMA ** 2 / 2))
        _FRACTIONS_CACHE[key] = (fractions, mean)
    return _FRACTIONS_CACHE[key]


def point_fractions(seconds: float, bounds: list[float]) -> list[tuple[int, float]]:
    """Every observation in the bucket that holds ``seconds``."""
    return [(next((i for i, b in enumerate(bounds) if seconds <= b), len(bounds)), 1.0)]
