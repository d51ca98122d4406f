"""The metric namings this service can emit, as data: which series carries each signal the dashboards and alerts
read, and which label plays each role. `metrics = "..."` in pyproject.toml's [tool.generator] picks one
(generator.project.current().metrics); the dashboards and rules are declared once and ask ``N`` for their series.

Design (kubernetes-mixin style: one mixin, per-installation selectors):

* **The seam.** The recording rules in rules/ai_service.py turn the chosen naming's raw series into the same
  recorded signals whatever the naming: ``feature:ai_requests:rate5m``, ``feature:ai_request_errors:rate5m``,
  ``feature:ai_request_error_ratio:rate5m``, ``feature_model_le:ai_request_duration_seconds_bucket:rate5m``,
  ``feature:ai_request_duration_seconds:p95_5m`` and ``job:ai_cost_dollars:increase1h``. Their labels are ours
  (feature, model): :meth:`Naming.relabel` copies the naming's label into ours with ``label_replace`` before the
  ``sum by``. Alerts and the panels that draw an alert's line read only the seam, so they are the same text (and
  carry the same labels, annotations and Alertmanager grouping) for every naming.
* **Selectors.** Panels that read raw series (rates over ``$__rate_interval``, breakdowns by model, provider or
  token kind) take the series and label names from ``N``; for the default naming the strings are exactly the ones
  the dashboards were written with, so generated/ does not change.
* **Stand-ins.** Where a naming has no signal, it names what stands in, and says so in ``notes``:
  the GenAI conventions have no in-flight gauge, no customer tier, no tool-call or guard counters and no component
  health. In-flight requests come from Little's law (the rate of the duration histogram's ``_sum`` is the mean
  number of operations in flight); tier becomes provider; tool calls are ``execute_tool`` operations by agent;
  guard rejections are operations failing with ``error_type="guard_rejected"``; component health becomes the
  scrape's ``up`` by instance, and AIComponentDown is not compiled (nothing reports a component).

"feature" is ``gen_ai_operation_name`` in the GenAI naming: the conventions require it on every operation (unlike
``gen_ai_agent_name``), so every panel keeps working for a service that sets only the conventions' attributes.

**Signals users look at first, and conventions that move** (issue 23). ``without`` names the signals a naming
has no series for, and why: the panels and alerts reading them are left out, and the build says so. A naming
states the ``conventions`` release(s) it follows; ``renamed`` holds a signal's series under the next release, and
:meth:`Naming.rate` reads both without counting twice: ``rate(old) or (rate(new) unless on (job, instance)
rate(old))``: an instance sending both (mid-migration) is read once, from the earlier names; an instance sending
only one is read from it. ``deprecated`` labels (``gen_ai_system`` before ``gen_ai_provider_name``) stand in where
their successor is absent (:meth:`Naming.either`), so a fleet mid-migration groups under one provider.

Adding a naming: a catalog (catalog/<name>/metrics.yml), a traffic file, a `[tool.generator.namings.<name>]`
table in pyproject.toml, and one more ``Naming`` in NAMINGS below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from generator import names
from generator.otlp import translation_of
from generator.project import current

DEFAULT = "ai-service"


@dataclass(frozen=True)
class Renamed:
    """A signal's series under a later conventions ``release``: its name, and the labels its name stands for
    (``sets``: the next release splits gen_ai.client.token.usage by gen_ai.token.type into one counter per type)."""

    series: str
    release: str
    sets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Naming:
    name: str
    # signal -> (series name, matchers always applied); see `series`
    signals: dict[str, tuple[str, str]]
    # role -> label of the raw series (roles: feature, model, provider, kind, tier, outcome, agent, tool, guard,
    # component)
    labels: dict[str, str]
    # the matcher that selects failed requests out of `requests`
    failed: str
    # how in-flight requests are read: "gauge" (a gauge of them) or "rate" (Little's law over a duration `_sum`)
    in_flight: str = "gauge"
    truncated: str = ""  # the matcher that selects answers cut at the output-token limit out of `responses`
    nouns: dict[str, str] = field(default_factory=dict)  # role -> the word panel titles use
    # what the naming has no signal for (alerts left out, panels stood in for), for docs and reports
    notes: dict[str, str] = field(default_factory=dict)
    alerts_without_signal: tuple[str, ...] = ()
    # The series that says the service reports at all: the scrape's `up`, or (pushed over OTLP, where nothing is
    # scraped) `target_info`, which the receiver writes from the resource at every push.
    reporting: str = "up"
    ingestion: str = "scrape"  # "otlp": pushed to Prometheus 3's OTLP receiver (no scrape series)
    # the GenAI semantic-conventions release(s) the naming follows, as data (docs/guides/namings.md)
    conventions: tuple[str, ...] = ()
    renamed: dict[str, tuple[Renamed, ...]] = field(default_factory=dict)  # signal -> its next release's series
    without: dict[str, str] = field(default_factory=dict)  # signal -> why the naming has no series for it
    deprecated: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (its predecessor, release)

    def label(self, role: str) -> str:
        """The label playing ``role``, as it is (legends, strings): ``gen_ai.request.model`` when dotted."""
        return self.labels.get(role, role)

    def quoted(self, role: str) -> str:
        """The label playing ``role`` as a matcher writes it: ``"gen_ai.request.model"`` when dotted."""
        return names.label(self.label(role))

    def field_label(self, role: str) -> str:
        """The label playing ``role`` in a Grafana data link: ``${__field.labels.x}``."""
        return names.field_label(self.label(role))

    def stored_as(self, t) -> Naming:
        """This naming as Prometheus' OTLP receiver stores it under translation ``t`` (generator.otlp): series,
        labels and the labels of fixed matchers renamed (the dotted names of NoUTF8EscapingWithSuffixes)."""
        def matcher(m: str) -> str:
            found = re.fullmatch(r"\s*(\w+)\s*(=~|!~|!=|=)(.*)", m)
            return f"{names.label(t.label(found.group(1)))}{found.group(2)}{found.group(3)}" if found else m

        labels = {**{lbl: t.label(lbl) for lbl in t.labels}, **{r: t.label(lbl) for r, lbl in self.labels.items()}}
        return replace(self, signals={s: (t.name(n), matcher(m)) for s, (n, m) in self.signals.items()},
                       labels=labels, failed=matcher(self.failed), truncated=matcher(self.truncated),
                       renamed={s: tuple(replace(r, series=t.name(r.series),
                                                 sets={t.label(k): v for k, v in r.sets.items()}) for r in rs)
                                for s, rs in self.renamed.items()},
                       deprecated={t.label(k): (t.label(old), release)
                                   for k, (old, release) in self.deprecated.items()})

    def legend(self, *roles: str, sep: str = " ") -> str:
        return sep.join("{{" + self.label(r) + "}}" for r in roles)

    def by(self, *roles: str) -> str:
        return names.grouping(self.label(r) for r in roles)

    def noun(self, role: str) -> str:
        return self.nouns.get(role, role)

    def series(self, signal: str, *matchers: str) -> str:
        """The selector of a signal's series: its name, its own matchers, then ``matchers`` (empty ones dropped)."""
        name, own = self.signals[signal]
        return names.selector(name, own, *matchers)

    def active(self, window: str, *matchers: str, seconds: int = 0) -> str:
        """Requests in flight, per series: the gauge, or (Little's law) the rate of the durations' ``_sum``. With
        ``seconds`` (the window's length), written as ``increase(...) / seconds``, which is the same number
        (Prometheus' rate is the increase divided by the range) but stays right in the time-compressed live
        tests, which shorten windows and not the durations observed (generator/live/profile.py)."""
        s = self.series("in_flight", *matchers)
        if self.in_flight == "gauge":
            return s
        return f"increase({s}{window}) / {seconds}" if seconds else f"rate({s}{window})"

    def has(self, signal: str) -> bool:
        return signal in self.signals and signal not in self.without

    def rate(self, signal: str, window: str, *matchers: str, fn: str = "rate") -> str:
        """``fn(series[window])`` of a signal; with a next release's series too, both read without counting an
        instance twice (module docstring)."""
        old = f"{fn}({self.series(signal, *matchers)}{window})"
        renamed = self.renamed.get(signal, ())
        if not renamed:
            return old
        parts = []
        for r in renamed:
            part = f"{fn}({names.selector(r.series, *matchers)}{window})"
            for label, value in r.sets.items():
                part = f'label_replace({part}, "{label}", "{value}", "", "")'
            parts.append(part)
        new = parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"
        return f"({old} or ({new} unless on (job, instance) {old}))"

    def either(self, expr: str, *roles: str) -> str:
        """``expr`` with each role's deprecated label standing in where its successor is absent (a series from
        an instrumentation before the rename); a series with both keeps the successor's value."""
        for role in roles:
            label = self.label(role)
            if label in self.deprecated:
                old, tmp = self.deprecated[label][0], f"{label}_or_{self.deprecated[label][0]}"
                expr = (f'label_replace(label_join({expr}, "{tmp}", ",", "{label}", "{old}"), '
                        f'"{label}", "$1", "{tmp}", ",(.+)")')
        return expr

    def relabel(self, expr: str, *roles: str) -> str:
        """``expr`` with each role's label copied into the seam's label of the same name (no-op when equal)."""
        for role in roles:
            src = self.label(role)
            if src != role:
                expr = f'label_replace({expr}, "{role}", "$1", "{src}", "(.*)")'
        return expr


AI_SERVICE = Naming(
    name="ai-service",
    signals={
        "requests": ("ai_requests_total", ""),
        "errors": ("ai_errors_total", ""),
        "duration_bucket": ("ai_request_duration_seconds_bucket", ""),
        "tokens": ("ai_tokens_total", ""),
        "cost": ("ai_cost_dollars_total", ""),
        "in_flight": ("ai_active_requests", ""),
        "tool_calls": ("ai_tool_calls_total", ""),
        "guards": ("ai_guard_rejections_total", ""),
        "health": ("ai_component_up", ""),
        "first_token_bucket": ("ai_time_to_first_token_seconds_bucket", ""),
        "output_token_bucket": ("ai_time_per_output_token_seconds_bucket", ""),
        "input_tokens": ("ai_tokens_total", 'direction="input"'),
        "cached_tokens": ("ai_cached_tokens_total", ""),
        "cache_savings": ("ai_cache_savings_dollars_total", ""),
        "responses": ("ai_responses_total", ""),
        "queue_bucket": ("ai_queue_time_seconds_bucket", ""),
    },
    labels={"kind": "direction", "outcome": "status"},
    failed='status="error"',
    truncated='finish_reason="length"',
)

_OPERATIONS = "gen_ai_client_operation_duration_seconds"
# The releases the GenAI naming follows: the last one published in open-telemetry/semantic-conventions (its GenAI
# metrics unchanged since v1.37.0 renamed gen_ai.system, but for the streaming metrics of v1.41.0), and the next
# one, in open-telemetry/semantic-conventions-genai (unreleased; its docs/gen-ai/non-normative/migration.md).
_V141 = "semconv v1.41.0"
_NEXT = "semantic-conventions-genai (next, unreleased)"
GENAI_SEMCONV = Naming(
    name="genai-semconv",
    signals={
        "requests": (f"{_OPERATIONS}_count", ""),
        "errors": (f"{_OPERATIONS}_count", 'error_type!=""'),
        "duration_bucket": (f"{_OPERATIONS}_bucket", ""),
        "tokens": ("gen_ai_client_token_usage_sum", ""),
        "cost": ("gen_ai_client_estimated_cost_USD_total", ""),
        "in_flight": (f"{_OPERATIONS}_sum", ""),
        "tool_calls": (f"{_OPERATIONS}_count", 'gen_ai_operation_name="execute_tool"'),
        "guards": (f"{_OPERATIONS}_count", 'error_type="guard_rejected"'),
        "health": ("up", ""),
        "first_token_bucket": ("gen_ai_client_operation_time_to_first_chunk_seconds_bucket", ""),
        "output_token_bucket": ("gen_ai_client_operation_time_per_output_chunk_seconds_bucket", ""),
        "input_tokens": ("gen_ai_client_token_usage_sum", 'gen_ai_token_type="input"'),
        "cached_tokens": ("gen_ai_client_inference_usage_cache_read_input_tokens_total", ""),
        "cache_savings": ("gen_ai_client_estimated_cache_savings_USD_total", ""),
    },
    labels={"feature": "gen_ai_operation_name", "model": "gen_ai_request_model", "provider": "gen_ai_provider_name",
            "kind": "gen_ai_token_type", "tier": "gen_ai_provider_name", "outcome": "error_type",
            "agent": "gen_ai_agent_name", "tool": "error_type", "guard": "error_type", "component": "instance"},
    failed='error_type!=""',
    in_flight="rate",
    nouns={"tier": "provider", "feature": "operation"},
    notes={
        "HighActiveRequests": "no in-flight gauge: the rate of gen_ai_client_operation_duration_seconds_sum over "
                              "5 minutes, the mean number of operations in flight (Little's law), stands in",
        "AIComponentDown": "no component health: not compiled; the Components panel shows `up` by instance",
        "tier": "no customer tier: breakdowns by tier use gen_ai_provider_name",
        "tools": "tool calls are execute_tool operations by gen_ai_agent_name, failures by error_type",
        "guards": "guard rejections are operations failing with error_type=\"guard_rejected\"",
    },
    alerts_without_signal=("AIComponentDown",),
    conventions=(_V141, _NEXT),
    renamed={
        "tokens": (Renamed("gen_ai_client_inference_usage_input_tokens_total", _NEXT, {"gen_ai_token_type": "input"}),
                   Renamed("gen_ai_client_inference_usage_output_tokens_total", _NEXT,
                           {"gen_ai_token_type": "output"})),
        "input_tokens": (Renamed("gen_ai_client_inference_usage_input_tokens_total", _NEXT),),
        "first_token_bucket": (Renamed("gen_ai_client_inference_time_to_first_chunk_seconds_bucket", _NEXT),),
        "output_token_bucket": (Renamed("gen_ai_client_inference_time_per_output_chunk_seconds_bucket", _NEXT),),
    },
    without={
        "responses": "the conventions carry finish reasons (gen_ai.response.finish_reasons) on spans only, on no "
                     "metric: no truncation share",
        "queue_bucket": "the conventions define no queue time (a model server's own metric, as vLLM's "
                        "vllm:request_queue_time_seconds)",
    },
    deprecated={"gen_ai_provider_name": ("gen_ai_system", "semconv v1.37.0")},
)

# The GenAI conventions pushed over OTLP to Prometheus 3's receiver ([tool.generator.namings.genai-otlp*] say the
# ingestion and translation strategy; generator/otlp.py derives the stored names from the genai-semconv catalog and
# the traffic file's instruments): nothing is scraped, so `target_info` (written from the resource at every push)
# says the service reports, where the scrape has `up`. Under NoUTF8EscapingWithSuffixes (genai-otlp-utf8) the
# names keep their dots: `chosen()` renames the series and labels below as the receiver stores them.
_PUSHED = {
    "signals": {**GENAI_SEMCONV.signals, "health": ("target_info", "")},
    "reporting": "target_info",
    "ingestion": "otlp",
    "notes": {**GENAI_SEMCONV.notes,
              "AIComponentDown": "no component health: not compiled; the Components panel shows `target_info` by "
                                 "instance (1 while the instance pushes)",
              "AIServiceNoData": "nothing is scraped: fires when no instance has pushed for 10 minutes "
                                 "(`target_info` absent: a push counts for 5, then the alert's for of 5)"},
}
GENAI_OTLP = replace(GENAI_SEMCONV, name="genai-otlp", **_PUSHED)
GENAI_OTLP_UTF8 = replace(GENAI_SEMCONV, name="genai-otlp-utf8", **_PUSHED)

NAMINGS = {n.name: n for n in (AI_SERVICE, GENAI_SEMCONV, GENAI_OTLP, GENAI_OTLP_UTF8)}


def chosen() -> Naming:
    """The naming `metrics` in pyproject.toml picks ("" for the default)."""
    name = current().metrics or DEFAULT
    if name not in NAMINGS:
        raise ValueError(f"metrics = {name!r} in pyproject.toml: this content knows the namings "
                         f"{', '.join(NAMINGS)} (naming.py)")
    translation = translation_of(current())
    return NAMINGS[name].stored_as(translation) if translation is not None else NAMINGS[name]


N = chosen()
