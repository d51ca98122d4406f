"""Alert templates read as Prometheus executes them (generator/lint/alerttemplate.py): the queries a template runs
are linted as queries, placed in the annotation; the scoping itself is covered by the cases of
alert/template-label-dropped and alert/template-syntax-error."""

from __future__ import annotations

import pytest

from generator.lint.alerttemplate import analyse, printf_query
from tests.lint.helpers import alert, lint_data, rules


def _described(description: str, expr: str = "sum by (feature) (rate(ai_errors_total[5m])) > 1") -> dict:
    return rules(alert(expr, annotations={**alert()["annotations"], "description": description}))


def _found(report, check: str) -> list:
    return [p for p in report.problems if p.check == check]


@pytest.mark.parametrize("description, check, message", [
    ('{{ range query "sum by (feature) (rate(ai_errors_total[5m])" }}{{ .Labels.feature }}{{ end }}',
     "promql/syntax-error", "does not parse"),
    ('{{ with query "sum(ai_eror_total)" }}{{ . | first | value }}{{ end }}',
     "promql/unknown-metric", "metric `ai_eror_total`"),
    ('{{ range query "sum by (modle) (ai_active_requests)" }}{{ .Labels.modle }}{{ end }}',
     "promql/unknown-label", "`sum by (modle)`"),
    ('{{ range printf "ai_errors_total{feature=%q, error_typ=\'x\'}" .Labels.feature | query }}{{ end }}',
     "promql/unknown-label", "`ai_errors_total` has no label `error_typ`"),
])
def test_a_template_query_is_linted_as_a_query_placed_in_the_annotation(tmp_path, description, check, message):
    found = _found(lint_data(tmp_path, _described(description)), check)
    assert len(found) == 1 and message in found[0].message, found
    assert found[0].place.path[-2:] == ("annotations.description", "query 1")
    assert found[0].place.line == 4  # the rule's line


def test_a_printf_argument_is_no_label_value_to_check(tmp_path):
    report = lint_data(tmp_path, _described(
        '{{ range printf "sum by (feature) (ai_errors_total{feature=\'%s\'})" .Labels.feature | query }}'
        "{{ .Labels.feature }}{{ end }}"))
    assert not [p for p in report.problems if p.severity == "error"], report.problems


def test_a_query_whose_shape_printf_decides_is_not_linted():
    assert printf_query("sum by (%s) (up)") is None
    assert printf_query("rate(up[%s])") is None
    assert printf_query("up{job=%q} > 100%%") == 'up{job="$printf_arg"} > 100%'
    assert [q.expr for q in analyse('{{ query (printf "topk(%d, up)" 3) }}').queries] == [None]


def test_a_suppression_on_the_rule_covers_its_template_queries(tmp_path):
    text = """groups:
- name: g
  rules:
  # lint: ignore promql/unknown-metric the exporter is added next release
  - alert: A
    expr: sum by (feature) (rate(ai_errors_total[5m])) > 1
    labels: {severity: warning}
    annotations:
      summary: s
      description: '{{ with query "sum(ai_eror_total)" }}{{ . | first | value }}{{ end }}'
"""
    report = lint_data(tmp_path, text)
    assert not _found(report, "promql/unknown-metric")
    assert [p.check for p in report.suppressed] == ["promql/unknown-metric"]
    assert not _found(report, "lint/unused-suppression")
