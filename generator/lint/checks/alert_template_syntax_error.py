"""alert/template-syntax-error: an annotation or label template that Prometheus cannot expand.

What it catches:
    Go template mistakes in an alert's annotations and labels: an unclosed ``{{``, an unknown function
    (``humanise`` for ``humanize``), an undefined variable (``$label.x`` for ``$labels.x``), unbalanced
    parentheses, ``if``/``range`` without ``end``, ``break`` outside ``range``, and fields the data does not have
    (``.Labels`` of a whole query result instead of one of its samples, ``.Lables`` of the alert).

Why it matters:
    Prometheus sends the template error text instead of the message: the notification says nothing useful
    at the moment it matters.

Failing example:
    summary: "{{ $labels.handler }: {{ $value | humanise }}"

Passing example:
    summary: "{{ $labels.handler }}: {{ $value | humanizePercentage }}"
"""

from ..alerttemplate import analyse, templates

NAME = "alert/template-syntax-error"
SEVERITY = "error"
ENTRY = "rule"


def check(rule, ctx):
    for kind, key, text in templates(rule):
        for error in dict.fromkeys(analyse(text).errors):
            yield f"{kind[:-1]} `{key}`: {error}"
