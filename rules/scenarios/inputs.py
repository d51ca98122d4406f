"""The inputs of the scenarios of ai_service.py, in the names of whichever naming ``N`` is active (naming.py), and
what the recording rules read from them where that depends on the naming's catalog.

A scenario says what happens in roles (requests of feature "chat" that fail, durations of 4 s, 60 requests in
flight) and these builders write the series the naming stores for it: the signal's series (``N.signals``), each
role's label (``N.labels``), failures as the naming marks them (``N.failed``), in-flight requests as a gauge or as
the rate of the durations' ``_sum`` (``N.in_flight``, Little's law), histogram buckets from the naming's catalog.
So every scenario is written once and holds for every naming; one that needs what a naming lacks is left out by
:func:`where` (or, for an alert the naming does not compile, by ai_service_tests.py), from that data.
"""

from __future__ import annotations

import math
import re

from generator import names
from generator.durations import parse as parse_duration
from generator.otlp import catalog_of
from generator.project import current
from generator.rules import histogram, series

from ...naming import N
from ...settings import JOB

A1, A2 = "ai-1:8000", "ai-2:8000"  # two instances of the service
CALL = (("model", "gpt-4o"), ("provider", "openai"))  # the model and provider every input calls
TIER = ("tier", "pro")
OK = "success"  # the outcome of a request that succeeds
FAILED = "provider_error"  # the outcome of a request that fails, unless a scenario names another error type
GAUGE = N.in_flight == "gauge"  # in-flight requests read from a gauge (else over 5m by Little's law)
WINDOW = 300  # seconds: the window of the recording rules and of HighActiveRequests


def where(condition: bool, *tests) -> list:
    """``tests`` where the naming has what they need (``condition``, from its data: `GAUGE`, a bucket bound),
    none elsewhere."""
    return list(tests) if condition else []


# ---------------------------------------------------------------------------------------------------------------
# Series


def _selector(name: str, labels: dict[str, str]) -> str:
    if names.legacy(name) and all(names.legacy(k, metric=False) for k in labels):
        return name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    return names.series(name, labels)  # UTF-8 names, quoted (promtool 3 reads them)


def _labels(instance: str, *roles: tuple[str, str] | dict[str, str]) -> dict[str, str]:
    """Target labels, then each role's label with its value; a role whose label another role already set (the
    GenAI naming's tier is its provider) keeps the first value. A dict adds labels as they are."""
    labels = {"job": JOB, "instance": instance}
    for role in roles:
        for label, value in (role.items() if isinstance(role, dict) else [(N.label(role[0]), role[1])]):
            labels.setdefault(label, value)
    return labels


_FAILED = re.fullmatch(r'(\w+|"[^"]+")(=|!=)"([^"]*)"', N.failed)
if _FAILED is None or (_FAILED.group(2) == "!=" and _FAILED.group(3)):
    raise ValueError(f'naming {N.name}: the inputs read a failed matcher label="value" or label!="", not {N.failed}')


def _outcome(outcome: str) -> dict[str, str]:
    """The label of an outcome: where failures carry one value (status="error"), successes carry OK; where they
    carry their error type (error_type!=""), successes carry no such label."""
    label, op, value = _FAILED.groups()
    label = label.strip('"')
    if op == "=":
        return {label: OK if outcome == OK else value}
    return {} if outcome == OK else {label: outcome}


def _name(signal: str) -> str:
    return N.signals[signal][0]


def requests(feature: str, outcome: str, values: str, instance: str = A1):
    """The requests counter of ``feature`` with ``outcome`` (OK, or an error type) on ``instance``."""
    return series(_selector(_name("requests"), _labels(instance, ("feature", feature), *CALL, _outcome(outcome),
                                                       TIER)), values)


def _duration_labels(feature: str, instance: str = A1) -> dict[str, str]:
    return _labels(instance, ("feature", feature), *CALL, _outcome(OK))


def durations(feature: str, *phases):
    """The durations histogram of ``feature``'s successful requests: ``(steps, {seconds: requests per step})``
    phases, written for the bucket bounds of the naming's catalog (generator.rules.histogram)."""
    return histogram(_name("duration_bucket").removesuffix("_bucket"), _duration_labels(feature), *phases)


def first_tokens(feature: str, *phases, instance: str = A1, release: int = 0):
    """The time to the first token of ``feature``'s successful requests, as :func:`durations` (``phases``), under
    the naming's own name or (``release=1``) its next release's (naming.py ``renamed``), for the first-token
    buckets of the catalog."""
    renamed = N.renamed.get("first_token_bucket", ())
    name = renamed[release - 1].series if release and renamed else _name("first_token_bucket")
    return histogram(name.removesuffix("_bucket"), _labels(instance, ("feature", feature), *CALL), *phases)


def first_token_count(instance: str, labels: dict[str, str], values: str):
    """The count of first tokens on ``instance`` with the call's labels as given (``labels``: label -> value;
    "" drops the label), to prove how a label renamed between releases is read."""
    chosen = {k: v for k, v in {**_labels(instance, ("feature", "chat"), *CALL), **labels}.items() if v}
    return series(_selector(_name("first_token_bucket").removesuffix("_bucket") + "_count", chosen), values)


def in_flight(instance: str, *levels: tuple[int, float], then: str = "", interval: int = 15):
    """Requests in flight on ``instance``: ``(samples, requests)`` levels, one sample each ``interval`` seconds.
    A gauge reads each level at once; Little's law reads the rate of the durations' ``_sum``, which grows by the
    requests in flight every second, over the last 5 minutes (see `read`). ``then``: what follows ("stale")."""
    if GAUGE:
        values = [f"{_number(level)}x{count - 1}" for count, level in levels]
        labels = _labels(instance, ("feature", "chat"))
    else:  # the sum grows between two samples by the seconds spent by the requests in flight at the first
        steps = [(count, level * interval) for count, level in levels]
        steps[-1] = (steps[-1][0] - 1, steps[-1][1])
        values, total = [], 0.0
        for index, (count, step) in enumerate(steps):
            start = total if index == 0 else total + step
            values.append(f"{_number(start)}+{_number(step)}x{count if index == 0 else count - 1}")
            total += count * step
        labels = _duration_labels("chat", instance)
    return series(_selector(_name("in_flight"), labels), " ".join([*values, then]).strip())


def read(at: str) -> int:
    """When HighActiveRequests reads a level of :func:`in_flight` that starts at ``at`` in full: at once from a
    gauge, a window later by Little's law (in seconds, as the checks take them)."""
    return int(parse_duration(at).total_seconds()) + (0 if GAUGE else WINDOW)


def cost(values: str, instance: str = A1):
    """The cost counter, in dollars, of the requests of feature chat (on ``instance``)."""
    return series(_selector(_name("cost"), _labels(instance, ("feature", "chat"), *CALL, TIER)), values)


COST_YESTERDAY = f"increase({N.series('cost')}[1h] offset 1d)"


def up(instance: str, values: str):
    """The series that says ``instance`` reports (N.reporting): the scrape's `up`, or over OTLP `target_info`."""
    return series(_selector(N.reporting, _labels(instance)), values)


def component(name: str, values: str, instance: str = A1):
    """The health a service instance reports of its dependency ``name`` (1 up, 0 down)."""
    return series(_selector(_name("health"), _labels(instance, ("component", name))), values)


# ---------------------------------------------------------------------------------------------------------------
# What the latency records read: histogram_quantile over the naming's buckets, as Prometheus 2 computes it in
# float64 (rate over a whole 5m window on a sample: the increase times (300 / 300) / 300), so that a scenario
# checks the value promtool reads for whichever buckets the catalog has. Prometheus 3's left-open window reads one
# sample fewer and extrapolates, a bit apart: the checks compare to 1e-9 (generator.rules.rounded).

_CATALOG = catalog_of(current())
BOUNDS = _CATALOG.metrics[_name("duration_bucket").removesuffix("_bucket")].buckets
FIRST_TOKEN_BOUNDS = _CATALOG.metrics[_name("first_token_bucket").removesuffix("_bucket")].buckets \
    if N.has("first_token_bucket") else BOUNDS


def bucket_of(seconds: float, bounds=None) -> tuple[float, float]:
    """The bounds of the bucket ``seconds`` falls in: (largest bound under it or 0, smallest bound from it)."""
    bounds = bounds or BOUNDS
    upper = next(b for b in bounds if b >= seconds)
    return max((b for b in bounds if b < seconds), default=0.0), upper


def le(bound: float) -> str:
    """A bound as its ``le`` label (as generator.rules.histogram writes it)."""
    return "+Inf" if math.isinf(bound) else _number(bound)


def bucket_rates(at: str, *phases, interval: str = "15s", bounds=None) -> dict[float, float]:
    """rate(bucket[5m]) at ``at`` of each bound (``inf`` too) of :func:`durations` with ``phases``."""
    step = parse_duration(interval).total_seconds()
    sample, window = parse_duration(at).total_seconds() / step, WINDOW / step
    if not sample.is_integer() or not window.is_integer() or sample < window or sample > sum(n for n, _ in phases):
        raise ValueError(f"{at}: the readings are computed on a sample with a whole 5m window of inputs")

    def counter(bound: float, k: int) -> float:
        value = 0.0
        for count, observed in phases:
            value += min(count, k) * sum(n for seconds, n in observed.items() if seconds <= bound)
            k -= min(count, k)
        return value

    factor = WINDOW / WINDOW / WINDOW
    return {b: _plain((counter(b, int(sample)) - counter(b, int(sample - window))) * factor)
            for b in (*(bounds or BOUNDS), math.inf)}


def p95(at: str, *phases, interval: str = "15s", bounds=None) -> float:
    """What feature:ai_request_duration_seconds:p95_5m reads at ``at`` (histogram_quantile's interpolation);
    ``bounds``: another histogram's (the first tokens')."""
    rates = list(bucket_rates(at, *phases, interval=interval, bounds=bounds).items())
    if rates[-1][1] == 0:  # no request: no quantile
        return math.nan
    rank = 0.95 * rates[-1][1]
    b = next((i for i, (_, count) in enumerate(rates[:-1]) if count >= rank), len(rates) - 1)
    if b == len(rates) - 1:  # beyond the largest finite bound: that bound
        return _plain(rates[-2][0])
    start, end, count = 0.0, rates[b][0], rates[b][1]
    if b > 0:
        start, count, rank = rates[b - 1][0], count - rates[b - 1][1], rank - rates[b - 1][1]
    return _plain(start + (end - start) * (rank / count))


def _plain(value: float) -> float:
    return int(value) if value.is_integer() else value


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def humanize_duration(seconds: float) -> str:
    """Prometheus' humanizeDuration, for one second and more: ``5.049s``, ``2m 0s``."""
    if seconds < 1:
        raise ValueError(f"{seconds}: humanize_duration writes durations of a second and more")
    whole = int(seconds)
    minutes, hours, days = whole // 60 % 60, whole // 3600 % 24, whole // 86400
    if days:
        return f"{days}d {hours}h {minutes}m {whole % 60}s"
    if hours:
        return f"{hours}h {minutes}m {whole % 60}s"
    if minutes:
        return f"{minutes}m {whole % 60}s"
    return f"{seconds:.4g}s"
