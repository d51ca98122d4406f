"""promql/syntax-error: an expression that PromQL cannot parse.

What it catches:
    Panel targets, variable queries (``label_values(expr, label)``, ``query_result(expr)``), alerts and recording
    rules whose expression does not parse once Grafana's variables are expanded, or that nests too deeply to lint.
    Syntax behind a feature flag is promql/experimental-syntax instead.

Why it matters:
    Prometheus refuses a rule file with a broken expression, and Grafana shows an error instead of the panel.

Failing example:
    sum by (handler) (rate(http_requests_total[5m])

Passing example:
    sum by (handler) (rate(http_requests_total[5m]))
"""

from ..promql_lex import experimental_feature

NAME = "promql/syntax-error"
SEVERITY = "error"
ENTRY = "query"


def check(query, ctx):
    if query.error is not None and experimental_feature(query.expansion.text) is None:
        shown = query.expr if len(query.expr) <= 120 else query.expr[:117] + "..."
        yield f"does not parse: {query.error}; expression: {shown}"
