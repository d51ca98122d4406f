"""Synthetic but realistic inputs for the benchmarks, generated from the metric catalog.

Deterministic (seeded): the same size always gives the same dashboards and rules, so runs compare.
"""

from __future__ import annotations

import random

from generator import panels as P
from generator.catalog import Catalog

AGGREGATIONS = ("sum", "max", "avg")
QUANTILES = (0.5, 0.9, 0.95, 0.99)


def _selector(rng: random.Random, catalog: Catalog, metric, *, variables: bool) -> str:
    matchers = []
    for label in rng.sample(metric.labels, k=min(len(metric.labels), rng.randint(0, 2))):
        values = catalog.labels[label].values
        if variables and rng.random() < 0.5:
            matchers.append(f'{label}=~"${label}"')
        elif values:
            matchers.append(f'{label}="{rng.choice(values)}"')
    return "{" + ", ".join(matchers) + "}" if matchers else ""


def expression(rng: random.Random, catalog: Catalog, *, window: str, variables: bool = False) -> tuple[str, str]:
    """A PromQL expression over a catalog metric, and the label it groups by (for legends and templates)."""
    metric = rng.choice([m for m in catalog.metrics.values() if m.source == "service"])
    by = rng.choice(metric.labels) if metric.labels else "job"
    sel = _selector(rng, catalog, metric, variables=variables)
    agg = rng.choice(AGGREGATIONS)
    if metric.type == "histogram":
        q = rng.choice(QUANTILES)
        return (f"histogram_quantile({q}, sum by ({by}, le) (rate({metric.name}_bucket{sel}[{window}])))", by)
    if metric.type == "counter":
        if rng.random() < 0.3 and "status" in metric.labels:
            return (f'sum by ({by}) (rate({metric.name}{{status="error"}}[{window}]))'
                    f" / sum by ({by}) (rate({metric.name}{sel}[{window}]))", by)
        return f"{agg} by ({by}) (rate({metric.name}{sel}[{window}]))", by
    return f"{agg} by ({by}) ({metric.name}{sel})", by


def dashboards(catalog: Catalog, count: int, panels: int = 20, seed: int = 1):
    """``count`` grafanalib dashboards of ``panels`` panels each (rows of four), built with the house helpers."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        made = []
        for j in range(panels):
            expr, by = expression(rng, catalog, window="$__rate_interval", variables=True)
            kind = rng.random()
            if kind < 0.7:
                target = P.target(expr, f"{{{{{by}}}}}")
                made.append(P.timeseries(f"Panel {j}", f"Synthetic panel {j}.", "short", target))
            elif kind < 0.9:
                made.append(P.stat(f"Panel {j}", f"Synthetic stat {j}.", "short", expr))
            else:
                made.append(P.table(f"Panel {j}", f"Synthetic table {j}.", "short", expr))
        rows = [P.row(f"Row {r}", *made[r * 4:(r + 1) * 4]) for r in range((panels + 3) // 4)]
        variables = [P.query_variable(label, label.title(), f"label_values(ai_requests_total, {label})")
                     for label in ("feature", "model", "provider", "tier")]
        out.append(P.dashboard(f"bench-{i:05d}", f"Bench {i}", "Synthetic dashboard.", rows, variables=variables))
    return out


def rule_file(catalog: Catalog, count: int, seed: int = 2) -> dict:
    """A Prometheus rule file with ``count`` rules: a third recording rules, the rest alerts, in groups of 50."""
    rng = random.Random(seed)
    groups, rules = [], []
    for i in range(count):
        expr, by = expression(rng, catalog, window=rng.choice(["5m", "10m", "1h"]))
        if i % 3 == 0:
            rules.append({"record": f"{by}:bench_{i}:rate5m", "expr": expr})
        else:
            op = rng.choice([">", ">=", "<"])
            rules.append({
                "alert": f"BenchAlert{i}",
                "expr": f"{expr} {op} {rng.choice([0.05, 1, 5, 100])}",
                "for": rng.choice(["2m", "5m", "15m"]),
                "labels": {"severity": rng.choice(["critical", "warning"])},
                "annotations": {
                    "summary": f"{{{{ $labels.{by} }}}}: value {{{{ $value | humanize }}}}",
                    "description": f"Synthetic alert {i} on {{{{ $labels.{by} }}}}.",
                    "runbook_url": f"https://example.com/runbooks/BenchAlert{i}.md",
                    "dashboard_url": "https://grafana.example.com/d/ai-overview",
                },
            })
        if len(rules) == 50:
            groups.append({"name": f"bench-{len(groups)}", "rules": rules})
            rules = []
    if rules:
        groups.append({"name": f"bench-{len(groups)}", "rules": rules})
    return {"groups": groups}
