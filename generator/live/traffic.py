"""The synthetic traffic a content tree describes (its ``traffic.yml``), as plain objects the workload runs.

Nothing here names a service: the requests, their label dimensions, failure reasons, events, fault scenarios
and which catalog metric shows which signal all come from the data (:mod:`.traffic_yaml` reads and checks it).
A repository without a traffic file gets :func:`default_traffic`: one request per second spread evenly over
every label, and every catalog metric emitted with the generic signal of its type (:func:`fallback_signal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# What a catalog metric can show: requests counted (split by outcome when the metric has the outcome label),
# failed requests (split by reason), observed durations, tokens, their cost, requests in flight (Little's law),
# the health of things the service depends on, and events that ride on requests.
# Streaming and caching (the `generation:` section): time to the first token, per output token after it, in a
# server's queue; input tokens served from the prompt cache and what that saved; answers by finish reason.
SIGNALS = ("requests", "failures", "duration", "tokens", "cost", "in_flight", "health", "event",
           "first_token", "output_token", "queue", "cached_tokens", "cache_savings", "finishes")
# Which signals suit which metric type (a summary is emitted as its count and sum, like a histogram).
SIGNALS_BY_TYPE = {
    "counter": ("requests", "failures", "tokens", "cost", "event", "cached_tokens", "cache_savings", "finishes"),
    "gauge": ("in_flight", "health"),
    "histogram": ("duration", "tokens", "first_token", "output_token", "queue"),  # tokens: per request (OTel)
    "summary": ("duration",),
}


def fallback_signal(metric_type: str) -> str:
    """The signal of a catalog metric ``metrics:`` does not map: counters tick with the requests, histograms and
    summaries observe their durations, gauges follow the requests in flight."""
    return {"counter": "requests", "histogram": "duration", "summary": "duration"}.get(metric_type, "in_flight")


@dataclass(frozen=True)
class Value:
    """One value of a request dimension: its share of the traffic and how it changes each request."""

    weight: float = 1.0
    latency: float = 1.0  # multiplies the median latency
    tokens: dict[str, float] = field(default_factory=dict)  # token kind → multiplier of tokens per request
    price: dict[str, float] = field(default_factory=dict)  # token kind → multiplier of the price per token
    labels: dict[str, str] = field(default_factory=dict)  # labels that go with this value (a model's provider)


@dataclass(frozen=True)
class Dimension:
    """A label requests are spread over. Catalog values the file does not list get the listed values' mean
    weight and no multipliers."""

    label: str
    values: dict[str, Value]


@dataclass(frozen=True)
class Reason:
    """Why a request fails: its share of all requests in normal operation, and how long such a request takes
    (``None``: as long as a successful one)."""

    share: float
    seconds: float | None = None


@dataclass(frozen=True)
class Outcome:
    """The label that tells successful from failed requests (and events), and its two values."""

    label: str
    ok: str
    failed: str


@dataclass(frozen=True)
class Source:
    """What makes events happen: ``per_request`` events per request (only requests whose labels match ``only``),
    plus ``per_failure`` events per failed request of each reason; ``labels`` go on every such event."""

    per_request: float = 0.0
    per_failure: dict[str, float] = field(default_factory=dict)
    only: dict[str, tuple[str, ...]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventValue:
    weight: float = 1.0
    failure: float = 0.0  # share of these events that fail (outcome label)


@dataclass(frozen=True)
class Event:
    """Events riding on requests (a tool call, a guard's rejection), spread over their own dimensions."""

    name: str
    sources: tuple[Source, ...]
    dimensions: dict[str, dict[str, EventValue]] = field(default_factory=dict)


@dataclass(frozen=True)
class Signal:
    """What one catalog metric shows; ``events`` for the ``event`` signal."""

    kind: str
    events: tuple[str, ...] = ()
    token_kind: str = ""  # tokens: only this kind (a counter per kind, as the next GenAI conventions have)


@dataclass(frozen=True)
class Scenario:
    """A fault (or the lack of one), switchable while the workload runs, and the alert it should raise."""

    name: str
    help: str = ""
    alert: str = ""
    failures: dict[str, float] = field(default_factory=dict)  # reason → share of requests added
    latency: float = 1.0
    tokens: dict[str, float] = field(default_factory=dict)  # token kind → multiplier
    in_flight: float = 1.0
    rate: float = 1.0
    first_token: float = 1.0  # multiplies the time to the first token, not the request's duration
    down: dict[str, tuple[str, ...]] = field(default_factory=dict)  # health series matching these report 0
    unreported: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ... disappear
    silent: bool = False  # /metrics answers 503


NORMAL = Scenario("normal", "the traffic as described, no fault")


@dataclass(frozen=True)
class Shape:
    """The generic shape of the traffic: daily curve, jitter and the latency distribution around a median
    (a log-normal body and a slow tail of retries and long generations)."""

    daily_swing: float = 0.3
    jitter: float = 0.08
    jitter_seconds: float = 300.0
    median_seconds: float = 1.0
    sigma: float = 0.5
    tail_share: float = 0.03
    tail_factor: float = 4.0
    tail_sigma: float = 0.6


@dataclass(frozen=True)
class Generation:
    """How answers stream and what the prompt cache serves (the ``generation:`` section). Medians: the first token
    after ``first_token`` times a request's median duration; ``output_token`` and ``queue`` seconds, times the
    request's latency multipliers. ``cached`` of the ``cached_kind`` tokens come from the cache, which saves
    ``discount`` of their price; ``truncated`` of the successful answers are cut at the output-token limit."""

    first_token: float = 0.25
    output_token: float = 0.02
    queue: float = 0.03
    cached_kind: str = ""
    cached: float = 0.0
    discount: float = 0.9
    finish_label: str = ""
    finish_ok: str = ""  # the finish label's value for an answer that ended by itself
    finish_cut: str = ""  # ... and for one cut at the output-token limit
    truncated: float = 0.0
    streamed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # requests that stream (label -> values)


@dataclass(frozen=True)
class Otel:
    """The service records through the OpenTelemetry SDK and serves its Prometheus exporter (see :mod:`.otel`):
    which instrument (name, unit) shows each catalog metric, which attribute sets each label (labels not listed
    are left to the exporter, or dropped), the meter's scope and the resource."""

    instruments: dict[str, tuple[str, str]]  # catalog metric -> (instrument name, unit)
    attributes: dict[str, str]  # catalog label -> attribute
    meter: dict[str, str] = field(default_factory=dict)  # name, version, schema_url
    resource: dict[str, str] = field(default_factory=dict)
    unrecorded: tuple[str, ...] = ()  # instruments named (their stored names derived) but not recorded


@dataclass(frozen=True)
class Traffic:
    """Everything the workload needs to know about the service beyond its catalog."""

    rate: float = 1.0  # requests per second at the daily mean
    shape: Shape = Shape()
    dimensions: tuple[Dimension, ...] = ()
    token_label: str = ""  # the label that tells token kinds apart (its values are the kinds)
    tokens: dict[str, float] = field(default_factory=dict)  # token kind → tokens per request
    price: dict[str, float] = field(default_factory=dict)  # token kind → price per token
    failure_label: str = ""
    reasons: dict[str, Reason] = field(default_factory=dict)
    outcome: Outcome | None = None
    events: dict[str, Event] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # fixed labels
    signals: dict[str, Signal] = field(default_factory=dict)  # metric → signal, as mapped in the file
    scenarios: dict[str, Scenario] = field(default_factory=lambda: {"normal": NORMAL})
    group_by: tuple[str, ...] = ("alertname",)
    path: str = ""
    otel: Otel | None = None  # set: the workload records through the OpenTelemetry SDK
    generation: Generation = Generation()

    def signal(self, metric) -> Signal:
        """The signal of a catalog metric: as mapped, or the generic one of its type."""
        return self.signals.get(metric.name) or Signal(fallback_signal(metric.type))

    @property
    def faults(self) -> list[tuple[str, str]]:
        """(scenario, the alert it should raise) for every scenario that names one."""
        return [(s.name, s.alert) for s in self.scenarios.values() if s.alert]


def default_traffic() -> Traffic:
    """The traffic of a repository without a traffic file."""
    return Traffic()
