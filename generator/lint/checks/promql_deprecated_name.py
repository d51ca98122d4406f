"""promql/deprecated-name: a metric or label name that an OpenTelemetry GenAI conventions release replaced.

What it catches:
    A selector, matcher, grouping or ``on``/``ignoring`` clause naming a metric or label that a release of the
    OpenTelemetry GenAI semantic conventions deprecated or renamed, as the OpenTelemetry Prometheus exporter writes
    it (``gen_ai.system`` is ``gen_ai_system``; the UTF-8 spelling ``"gen_ai.system"`` counts too). The message
    names the replacement and the release. An expression that also names the replacement is left alone: reading
    both is how a dashboard serves a service in the middle of a migration.

Why it matters:
    Instrumentations drop deprecated names on upgrade: ``sum by (gen_ai_system)`` groups everything under one
    empty provider the day the service moves to ``gen_ai.provider.name``, and a panel on the old token histogram
    goes blank when the service sends the token counters instead. Nothing fails; the panel is just wrong.

Failing example:
    sum by (gen_ai_system) (rate(gen_ai_client_operation_duration_seconds_count[5m]))

Passing example:
    sum by (gen_ai_provider_name) (rate(gen_ai_client_operation_duration_seconds_count[5m]))
"""

from ..promql import Aggregate, Binary, Call, Selector

NAME = "promql/deprecated-name"
SEVERITY = "warning"
ENTRY = "query"

_NEXT = "semantic-conventions-genai (the next release, unreleased)"
# Name as the exporter writes it -> (what replaces it, the release that did). Metric names are matched with their
# histogram and counter suffixes; sources: semconv CHANGELOG v1.37.0 (#2046: gen_ai.system renamed
# gen_ai.provider.name), semantic-conventions-genai docs/gen-ai/non-normative/migration.md (#374, #521).
LABELS = {
    "gen_ai_system": ("gen_ai_provider_name", "semconv v1.37.0"),
}
METRICS = {  # name -> (its successors, the replacement in words, the release)
    "gen_ai_client_token_usage": (
        ("gen_ai_client_inference_usage_input_tokens", "gen_ai_client_inference_usage_output_tokens"),
        "the counters gen_ai_client_inference_usage_input_tokens_total and ..._output_tokens_total (the token "
        "type becomes the metric; ..._cache_read_input_tokens_total counts cached input)", _NEXT),
    "gen_ai_client_operation_time_to_first_chunk_seconds": (
        ("gen_ai_client_inference_time_to_first_chunk_seconds",),
        "gen_ai_client_inference_time_to_first_chunk_seconds", _NEXT),
    "gen_ai_client_operation_time_per_output_chunk_seconds": (
        ("gen_ai_client_inference_time_per_output_chunk_seconds",),
        "gen_ai_client_inference_time_per_output_chunk_seconds", _NEXT),
}
_SUFFIXES = ("_bucket", "_sum", "_count", "_total")


def _base(name: str) -> str:
    name = name.replace(".", "_")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and name.removesuffix(suffix) in METRICS:
            return name.removesuffix(suffix)
    return name


def _names(query) -> tuple[list[tuple[str, str]], set[str]]:
    """(kind, name) of every metric and label the expression names, and every name it mentions at all (label
    function arguments included), normalised to the exporter's spelling."""
    named, mentioned = [], set()
    for node in query.nodes:
        if isinstance(node, Selector):
            for m in node.matchers:
                if m.name == "__name__" and m.op == "=":
                    named.append(("metric", _base(m.value)))
                elif m.name != "__name__":
                    named.append(("label", m.name.replace(".", "_")))
            if node.name:
                named.append(("metric", _base(node.name)))
        elif isinstance(node, Aggregate) and node.grouping:
            named += [("label", g.replace(".", "_")) for g in node.grouping]
        elif isinstance(node, Binary):
            named += [("label", g.replace(".", "_")) for g in (*(node.on or ()), *(node.ignoring or ()))]
        elif isinstance(node, Call) and node.func in ("label_replace", "label_join"):
            mentioned |= {str(getattr(a, "value", "")).replace(".", "_") for a in node.args}
    return named, mentioned | {n for _, n in named}


def check(query, ctx):
    if query.node is None:
        return
    named, mentioned = _names(query)
    seen = set()
    for kind, name in named:
        table = METRICS if kind == "metric" else LABELS
        if name not in table or (kind, name) in seen:
            continue
        seen.add((kind, name))
        if kind == "label":
            replacement, release = table[name]
            successors = (replacement,)
        else:
            successors, replacement, release = table[name]
        if any(m.startswith(s) for m in mentioned for s in successors):
            continue  # read beside its successor: a dashboard serving a migration
        yield f"{kind} `{name}` is replaced in {release}: use {replacement}, or read both while services migrate"
