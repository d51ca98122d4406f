"""Every check, table-driven: each has inputs that must fail (reported under its name) and pass (not reported).

A case is (check, failing input, passing input); inputs are dashboards (dicts with `panels`) or rule files (dicts
with `groups`). One runner lints each and looks for the check's name.
"""

from __future__ import annotations

import pytest

from generator.lint.registry import CHECKS
from tests.lint.helpers import alert, dashboard, lint_data, panel, rules

R = "[$__rate_interval]"


def q(expr, legend=""):
    """A dashboard with one time series panel running ``expr``."""
    return dashboard(panel(expr, legend))


CASES = [
    # promql
    ("promql/syntax-error", q(f"sum(rate(ai_requests_total{R})"), q(f"sum(rate(ai_requests_total{R}))")),
    ("promql/syntax-error", rules(alert("sum(rate(ai_errors_total[5m]) > 1")), rules(alert())),
    ("promql/experimental-syntax", rules(alert("sum(rate(ai_errors_total[5m] smoothed)) > 1")), rules(alert())),
    ("promql/unknown-metric", q(f"sum(rate(ai_cost_dollars{R}))"), q(f"sum(rate(ai_cost_dollars_total{R}))")),
    ("promql/unknown-metric", rules(alert("histogram_quantile(0.9, sum by (le) (rate(ai_request_duration[5m]))) > 1")),
     rules(alert("histogram_quantile(0.9, sum by (le) (rate(ai_request_duration_seconds_bucket[5m]))) > 1"))),
    ("promql/unknown-metric", q("feature:ai_requests:rate1m"),
     rules({"record": "feature:ai_requests:rate1m", "expr": "sum by (feature) (rate(ai_requests_total[1m]))"})),
    ("promql/unknown-label", q(f"sum by (modle) (rate(ai_requests_total{R}))"),
     q(f"sum by (model) (rate(ai_requests_total{R}))")),
    ("promql/unknown-label", q(f'sum(rate(ai_tool_calls_total{{feature="chat"}}{R}))'),
     q(f'sum(rate(ai_tool_calls_total{{agent="support_agent"}}{R}))')),
    ("promql/unknown-label", q(f"sum by (feature) (rate(ai_requests_total{R})) / on (tool) "
                               f"sum by (feature) (rate(ai_errors_total{R}))"),
     q(f"sum by (feature) (rate(ai_requests_total{R})) / on (feature) sum by (feature) (rate(ai_errors_total{R}))")),
    ("promql/unknown-label-value", q(f'sum(rate(ai_requests_total{{status="failed"}}{R}))'),
     q(f'sum(rate(ai_requests_total{{status="error", feature=~"$feature"}}{R}))')),
    ("promql/unknown-label-value", q(f'sum(rate(ai_requests_total{{model=~"gpt-5.*"}}{R}))'),
     q(f'sum(rate(ai_requests_total{{model=~"gpt-4o.*"}}{R}))')),
    ("promql/rate-on-gauge", q(f"sum(rate(ai_active_requests{R}))"), q("sum(ai_active_requests)")),
    ("promql/rate-on-gauge", rules({"record": "feature:ai_requests:rate5m",
                                    "expr": "sum by (feature) (rate(ai_requests_total[5m]))"},
                                   alert("sum by (feature) (rate(feature:ai_requests:rate5m[5m])) > 1")),
     rules({"record": "feature:ai_requests:rate5m", "expr": "sum by (feature) (rate(ai_requests_total[5m]))"},
           alert("feature:ai_requests:rate5m > 1"))),
    ("promql/raw-counter", q("sum by (feature) (ai_requests_total)"),
     q(f"sum by (feature) (rate(ai_requests_total{R}))")),
    ("promql/raw-counter", rules(alert("sum by (feature) (ai_errors_total) > 10")),
     rules(alert("sum by (feature) (increase(ai_errors_total[10m])) > 10"))),
    ("promql/histogram-quantile-without-le",
     q(f"histogram_quantile(0.95, sum by (feature) (rate(ai_request_duration_seconds_bucket{R})))", "{{feature}}"),
     q(f"histogram_quantile(0.95, sum by (feature, le) (rate(ai_request_duration_seconds_bucket{R})))", "{{feature}}")),
    ("promql/histogram-quantile-not-bucket",
     q(f"histogram_quantile(0.95, sum by (le) (rate(ai_request_duration_seconds_count{R})))"),
     q(f"histogram_quantile(0.95, sum by (le) (rate(ai_request_duration_seconds_bucket{R})))")),
    ("promql/rate-of-sum", q("rate(sum by (feature) (ai_requests_total)[5m:])"),
     q(f"sum by (feature) (rate(ai_requests_total{R}))")),
    ("promql/legend-label-dropped", q(f"sum by (model) (rate(ai_requests_total{R}))", "{{feature}}"),
     q(f"sum by (model) (rate(ai_requests_total{R}))", "{{model}}")),
    ("promql/legend-label-dropped",
     q(f"sum by (direction) (rate(ai_tokens_total{R})) / ignoring (direction) group_left "
       f"sum(rate(ai_requests_total{R}))", "{{feature}}"),
     q(f"sum by (direction) (rate(ai_tokens_total{R})) / ignoring (direction) group_left "
       f"sum(rate(ai_requests_total{R}))", "{{direction}}")),
    ("promql/range-too-short", q("sum(rate(ai_requests_total[30s]))"), q("sum(rate(ai_requests_total[2m]))")),
    ("promql/range-too-short", q("sum(rate(ai_requests_total[$__interval]))"), q(f"sum(rate(ai_requests_total{R}))")),
    ("promql/group-by-forbidden-label", q(f"sum by (user_id) (rate(ai_requests_total{R}))"),
     q(f"sum by (tier) (rate(ai_requests_total{R}))")),
    ("promql/threshold-above-largest-bucket",
     rules(alert("histogram_quantile(0.95, sum by (feature, le) "
                 "(rate(ai_request_duration_seconds_bucket[5m]))) > 300")),
     rules(alert("histogram_quantile(0.95, sum by (feature, le) (rate(ai_request_duration_seconds_bucket[5m]))) > 5"))),
    ("promql/threshold-above-largest-bucket",
     rules({"record": "feature:ai_request_duration_seconds:p95_5m",
            "expr": "histogram_quantile(0.95, sum by (feature, le) (rate(ai_request_duration_seconds_bucket[5m])))"},
           alert("feature:ai_request_duration_seconds:p95_5m > 120")),
     rules({"record": "feature:ai_request_duration_seconds:p95_5m",
            "expr": "histogram_quantile(0.95, sum by (feature, le) (rate(ai_request_duration_seconds_bucket[5m])))"},
           alert("feature:ai_request_duration_seconds:p95_5m > 10"))),
    # dashboard
    ("dashboard/invalid-structure", {"uid": "x", "title": "X", "panels": {"id": 1}}, dashboard()),
    ("dashboard/datasource-not-templated", dashboard(panel(datasource={"type": "prometheus", "uid": "P1809F7CD0C75"})),
     dashboard(panel())),
    ("dashboard/panel-without-title", dashboard(panel(title="")), dashboard(panel())),
    ("dashboard/panel-without-description", dashboard(panel(description="")), dashboard(panel())),
    ("dashboard/panel-without-unit", dashboard(panel(fieldConfig={"defaults": {}})), dashboard(panel())),
    ("dashboard/panel-without-targets", dashboard(panel(targets=[])), dashboard(panel())),
    ("dashboard/duplicate-panel-id", dashboard(panel(), panel(gridPos={"x": 12, "y": 0, "w": 12, "h": 8})),
     dashboard(panel(), panel(id=3, gridPos={"x": 12, "y": 0, "w": 12, "h": 8}))),
    ("dashboard/overlapping-panels", dashboard(panel(), panel(id=3, gridPos={"x": 6, "y": 4, "w": 12, "h": 8})),
     dashboard(panel(), panel(id=3, gridPos={"x": 12, "y": 0, "w": 12, "h": 8}))),
    ("dashboard/panel-off-grid", dashboard(panel(gridPos={"x": 18, "y": 0, "w": 12, "h": 8})),
     dashboard(panel(gridPos={"x": 12, "y": 0, "w": 12, "h": 8}))),
    ("dashboard/undefined-variable", q(f'sum(rate(ai_requests_total{{feature=~"$featur"}}{R}))'),
     q(f'sum(rate(ai_requests_total{{feature=~"${{feature:regex}}"}}{R}))')),
    ("dashboard/unknown-link-uid", dashboard(links=[{"title": "Other", "type": "link", "url": "/d/no-such-uid"}]),
     dashboard(links=[{"title": "Self", "type": "link", "url": "/d/test-dash"}])),
    # alert
    ("alert/invalid-rule", rules({"alert": "X", "for": "5m"}), rules(alert())),
    ("alert/invalid-rule", {"groups": {"name": "x"}}, rules(alert())),
    ("alert/missing-severity", rules(alert(labels={"team": "ai"})), rules(alert())),
    ("alert/missing-annotation", rules(alert(annotations={"summary": "x"})), rules(alert())),
    ("alert/template-syntax-error",
     rules(alert(annotations={**alert()["annotations"], "summary": "{{ $labels.feature }: {{ $value | humanise }}"})),
     rules(alert(annotations={**alert()["annotations"],
                              "summary": "{{ $labels.feature }}: {{ $value | humanizePercentage }}"}))),
    ("alert/template-label-dropped", rules(alert("sum(rate(ai_errors_total[5m])) > 1")), rules(alert())),
    ("alert/no-comparison", rules(alert("sum by (feature) (rate(ai_errors_total[5m]))")), rules(alert())),
    ("alert/missing-for", rules(alert(**{"for": None})), rules(alert())),
    ("alert/for-too-short", rules(alert(**{"for": "15s"})), rules(alert())),
    ("alert/unguarded-division",
     rules(alert('sum by (feature) (rate(ai_requests_total{status="error"}[5m])) '
                 '/ sum by (feature) (rate(ai_requests_total[5m])) > 0.05')),
     rules(alert('sum by (feature) (rate(ai_requests_total{status="error"}[5m])) '
                 '/ sum by (feature) (rate(ai_requests_total[5m])) > 0.05 '
                 'and sum by (feature) (rate(ai_requests_total[5m])) >= 0.05'))),
    ("alert/duplicate-name", rules(alert(), alert()), rules(alert(), alert(alert="OtherAlert"))),
]


@pytest.mark.parametrize("check, failing, passing", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_check(tmp_path, check, failing, passing):
    bad = lint_data(tmp_path, failing)
    assert check in {p.check for p in bad.problems}, [f"{p.check}: {p.message}" for p in bad.problems]
    good = lint_data(tmp_path, passing)
    assert check not in {p.check for p in good.problems}, [f"{p.check}: {p.message}" for p in good.problems]
    assert not [p for p in bad.problems + good.problems if p.check == "lint/internal-error"]


def test_every_check_has_cases():
    covered = {c[0] for c in CASES} | {"catalog/counter-without-total", "catalog/missing-unit-suffix",
                                       "catalog/series-budget"}  # see test_catalog_checks.py
    assert {c.NAME for c in CHECKS} - covered == set()
