"""The engine's optional parts and the ``pip`` extra that brings each: a command that needs one says which to
install instead of failing on an import."""

from __future__ import annotations

import importlib

from .errors import UsageError

DISTRIBUTION = "ai-monitoring-as-code"

# extra -> (the modules it provides, what needs it)
EXTRAS = {
    "preview": (("matplotlib",), "`preview` and `review --preview` (dashboards drawn as PNG)"),
    "otel": (("opentelemetry.sdk.metrics", "opentelemetry.exporter.prometheus"),
             "the workload of a naming recorded through OpenTelemetry (a traffic file with an `otel:` section)"),
}


class MissingExtra(UsageError):
    """An optional dependency is not installed."""


def require(extra: str) -> None:
    """Raise :class:`MissingExtra` naming the ``pip install`` that provides ``extra`` when it is missing."""
    modules, needed_by = EXTRAS[extra]
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            raise MissingExtra(
                f"{needed_by} needs the `{extra}` extra ({e.name or module} is not installed): "
                f"pip install '{DISTRIBUTION}[{extra}]'") from e
