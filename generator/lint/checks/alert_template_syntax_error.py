"""alert/template-syntax-error: an annotation or label template that Prometheus cannot expand.

What it catches:
    Go template mistakes in an alert's annotations and labels: an unclosed ``{{``, an unknown function
    (``humanise`` for ``humanize``), an undefined variable (``$label.x`` for ``$labels.x``), unbalanced
    parentheses, ``if``/``range`` without ``end``.

Why it matters:
    Prometheus sends the template error text instead of the message: the notification says nothing useful
    at the moment it matters.

Failing example:
    summary: "{{ $labels.handler }: {{ $value | humanise }}"

Passing example:
    summary: "{{ $labels.handler }}: {{ $value | humanizePercentage }}"
"""

from ..gotemplate import analyse

NAME = "alert/template-syntax-error"
SEVERITY = "error"
ENTRY = "rule"


def check(rule, ctx):
    if not rule.is_alert:
        return
    for kind in ("annotations", "labels"):
        for key, value in rule.mapping(kind).items():
            if isinstance(value, str):
                for error in dict.fromkeys(analyse(value).errors):
                    yield f"{kind[:-1]} `{key}`: {error}"
