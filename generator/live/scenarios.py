"""The workload's scenarios: a fault (or none) each, switchable while it runs.

Kept apart from the workload so that the command line can list them without importing prometheus-client.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    """A fault (or the lack of one): how it changes the service."""

    name: str
    help: str
    extra_errors: dict[str, float] = field(default_factory=dict)  # error type → added share of requests
    latency_factor: float = 1.0
    input_token_factor: float = 1.0
    active_factor: float = 1.0
    down: tuple[str, ...] = ()  # components reported as 0
    unreported: tuple[str, ...] = ()  # components whose series disappear
    silent: bool = False  # /metrics answers 503


SCENARIOS = {s.name: s for s in (
    Scenario("normal", "healthy traffic: a few errors of each type, tool failures, guard rejections"),
    Scenario("error_spike", "a provider fails 20% of requests fast (HighErrorRate)",
             extra_errors={"provider_error": 0.20}),
    Scenario("latency_spike", "providers answer 5x slower (HighLatency)", latency_factor=5.0),
    Scenario("cost_spike", "a prompt bug sends 6x the input tokens (CostSpike)", input_token_factor=6.0),
    Scenario("overload", "requests pile up in flight (HighActiveRequests)", active_factor=20.0),
    Scenario("component_down", "the vector store reports itself down (AIComponentDown)", down=("vectorstore",)),
    Scenario("silence_component", "the vector store's health stops being reported (AIComponentDown)",
             unreported=("vectorstore",)),
    Scenario("silence", "the service stops answering scrapes: /metrics returns 503 (AIServiceNoData)",
             silent=True),
)}
