"""Rule groups to the Prometheus rule file a build writes, with the source map of every group and rule.

The objects only hold what the author wrote; rendering adds ``severity`` to the labels and ``runbook_url`` and
``dashboard_url`` to the annotations, in one pass, and records for each rendered group and rule the JSON pointer
(``/groups/0/rules/2``) of its declaration and suppressions (:class:`generator.source.Declaration`).
"""

from __future__ import annotations

from ..source import Declaration, SourceMap
from .model import Alert, RuleGroup


def render_rule_file(project, groups: list[RuleGroup], root: str) -> tuple[dict, SourceMap]:
    """``{"groups": [...]}`` and its source map (locations relative to ``root``)."""
    sources: SourceMap = {}
    rendered = []
    for g_index, group in enumerate(groups):
        pointer = f"/groups/{g_index}"
        sources[pointer] = Declaration.of(_relative(group.declared_at, root))
        rendered.append(render_group(project, group))
        for r_index, rule in enumerate(group.rules):
            sources[f"{pointer}/rules/{r_index}"] = Declaration.of(_relative(rule.declared_at, root), rule.suppress)
    return {"groups": rendered}, sources


def _relative(location, root: str):
    return location.relative_to(root) if location is not None else None


def render_group(project, group: RuleGroup) -> dict:
    rendered: dict = {"name": group.name}
    if group.interval:
        rendered["interval"] = group.interval
    rendered["rules"] = [render_rule(project, r) for r in group.rules]
    return rendered


def render_rule(project, rule) -> dict:
    if not isinstance(rule, Alert):
        out = {"record": rule.record, "expr": rule.expr}
        if rule.labels:
            out["labels"] = dict(sorted(rule.labels.items()))
        return out
    out = {"alert": rule.name, "expr": rule.expr, "for": rule.for_}
    if rule.keep_firing_for:
        out["keep_firing_for"] = rule.keep_firing_for
    out["labels"] = {"severity": rule.severity, **dict(sorted(rule.labels.items()))}
    out["annotations"] = {
        "summary": rule.summary.strip(),
        "description": rule.description.strip(),
        "runbook_url": project.runbook_url_for(rule.runbook_name),
        "dashboard_url": project.dashboard_url_for(rule.dashboard),
        **dict(sorted(rule.annotations.items())),
    }
    return out
