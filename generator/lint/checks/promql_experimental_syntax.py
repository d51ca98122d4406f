"""promql/experimental-syntax: an expression that only parses with a Prometheus feature flag.

What it catches:
    Duration expressions (``rate(x[5m+1m])``, ``offset step()``), the ``anchored``/``smoothed`` range modifiers,
    experimental functions whose arguments the parser refuses (``info(x, {data=~".*"})``) and the native-histogram
    trim operators (``</``, ``>/``): syntax that Prometheus accepts only with ``--enable-feature=<flag>``, or only
    in releases newer than the PromQL this linter reads. The rest of such an expression is not linted.

Why it matters:
    Prometheus without the flag refuses the rule file, and Grafana shows an error instead of the panel; where
    the flag is on, the expression is fine and this check can be turned off for the repository.

Failing example:
    rate(http_requests_total[5m] smoothed)

Passing example:
    rate(http_requests_total[5m])
"""

from ..promql_lex import experimental_feature

NAME = "promql/experimental-syntax"
SEVERITY = "warning"
ENTRY = "query"


def check(query, ctx):
    if query.error is None:
        return
    found = experimental_feature(query.expansion.text)
    if found is not None:
        flag, what = found
        needs = f"Prometheus' --enable-feature={flag}" if flag else "a newer Prometheus than the PromQL linted here"
        yield f"uses {what}, which needs {needs}; the rest of the expression is not linted"
