"""Turning a dashboard or a rule file (already read into Python data) into the entries checks look at.

Used for this repository's compiled output and for files given on the command line alike. Malformed input
(wrong types, missing keys) never raises: it becomes an ``issue`` that the ``*/invalid-*`` checks report.
"""

from __future__ import annotations

from .. import durations
from ..grafana import model
from .documents import Document
from .entries import At as _At
from .entries import Dashboard, Panel, Query, Rule, RuleSet
from .problem import Hit, Place, Scope
from .promql import TooComplex, parse
from .templating import Expansion, expand

# A key Grafana keeps but ignores, on a dashboard, panel or target of a JSON file: {"check/name": "reason"}.
SUPPRESS_KEY = "lintIgnore"


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _kind(value, mapping: str = "an object") -> str:
    """What a JSON or YAML value is, in the file's words (not Python's: a dict, a NoneType)."""
    if isinstance(value, dict):
        return mapping
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "a list"}.get(type(value), "null" if value is None else "a " + type(value).__name__)


def _suppressions(obj) -> dict:
    value = obj.get(SUPPRESS_KEY) if isinstance(obj, dict) else None
    return dict(value) if isinstance(value, dict) else {}


def make_query(kind: str, expr: str, scope: Scope, **kw) -> Query:
    """A query whose expression is parsed on first use, after expanding Grafana variables (dashboards only)."""
    dashboard = kind in ("panel", "variable")
    expansion = expand(expr) if dashboard else Expansion(expr)
    return Query(kind, expr, scope, expansion, parser=_parse_query, **kw)


def _parse_query(query: Query):
    """``(node, error, expansion)``: a parse failure is kept as the error, reported by promql/syntax-error."""
    expansion = query.expansion
    try:
        return parse(expansion.text), None, expansion
    except TooComplex as e:
        return None, str(e), expansion
    except ValueError as e:
        dashboard = query.kind in ("panel", "variable")
        retry = expand(query.expr, numeric_fallback=True) if dashboard and expansion.variables else None
        if retry is not None:
            try:
                return parse(retry.text), None, retry
            except ValueError:
                pass
        return None, str(e).strip() or "does not parse", expansion
    except RecursionError:
        return None, "nests too deeply to lint", expansion


# ---------------------------------------------------------------------------------------------------------------
# Dashboards


def collect_dashboard(doc: Document, order: int = 0) -> Dashboard:
    data = doc.data if isinstance(doc.data, dict) else {}
    uid = _text(data.get("uid")) or "<no uid>"
    title = _text(data.get("title"))
    place = Place(doc.file, doc.line(data), (f"dashboard {uid}" + (f" ({title})" if title else ""),), order=(order,),
                  pointer="")
    dash = Dashboard(data, Scope(place, _suppressions(data)), uid)
    _collect_variables(doc, dash)
    panels = model.panel_list(data)
    legacy = "panels" not in data and isinstance(data.get("rows"), list)  # schema before Grafana 5
    if panels is None:
        dash.issues.append(Hit("dashboard has no `panels` list; add panels (or export it again from Grafana)"))
        panels = []
    if not isinstance(panels, list):
        dash.issues.append(Hit(f"`panels` is {_kind(panels)}, expected a list of panels"))
        panels = []
    for slot, pointer in zip(model.walk_panels(data), _panel_pointers(data), strict=True):
        nested = slot.row is not None
        _collect_panel(doc, dash, slot.panel, slot.row * 1000 + slot.index + 1 if nested else slot.index, nested,
                       pointer=pointer, row=slot.row if nested else -1, legacy=legacy)
    return dash


def _panel_pointers(data: dict) -> list[str]:
    """The JSON pointer of each panel :func:`generator.grafana.model.walk_panels` yields, in the same order."""
    legacy = None
    if "panels" not in data and isinstance(data.get("rows"), list):  # schema before Grafana 5
        legacy = [f"/rows/{r}/panels/{i}" for r, row in enumerate(data["rows"]) if isinstance(row, dict)
                  and isinstance(row.get("panels"), list) for i, _ in enumerate(row["panels"])]
    out = []
    for slot in model.walk_panels(data):
        top = slot.index if slot.row is None else slot.row
        base = legacy[top] if legacy is not None else f"/panels/{top}"
        out.append(base if slot.row is None else f"{base}/panels/{slot.index}")
    return out


def _collect_variables(doc: Document, dash: Dashboard) -> None:
    data = dash.data
    if isinstance(data.get("__inputs"), list):
        dash.inputs = {i.get("name") for i in data["__inputs"]
                       if isinstance(i, dict) and isinstance(i.get("name"), str)}
    templating = data.get("templating")
    variables = templating.get("list") if isinstance(templating, dict) else None
    if templating is not None and not isinstance(variables, list):
        dash.issues.append(Hit("`templating.list` is missing or not a list of variables"))
        return
    named = {v["name"]: v for v in variables or [] if isinstance(v, dict) and isinstance(v.get("name"), str)}
    for index, var in enumerate(variables or []):
        if not isinstance(var, dict) or not isinstance(var.get("name"), str):
            dash.issues.append(Hit(f"variable #{index + 1} is not an object with a `name`"))
            continue
        name = var["name"]
        dash.variables[name] = var
        scope = Scope(dash.place.child(f"variable {name}", line=doc.line(var), order=-1000 + index,
                                       pointer=f"/templating/list/{index}"),
                      _suppressions(var), dash.scope)
        dash.variable_scopes[name] = scope
        if var.get("type", "query") != "query" or model.datasource_type(var.get("datasource"), named) in \
                model.NON_PROMQL_DATASOURCES:
            continue
        parsed = model.parse_variable_query(model.variable_query(var))
        if parsed is None or parsed.expr is None or parsed.kind not in ("label_values", "query_result"):
            continue
        dash.queries.append(make_query("variable", parsed.expr, scope, variable_label=parsed.label))


def _collect_panel(doc: Document, dash: Dashboard, raw, index: int, nested: bool, pointer: str, row: int = -1,
                   legacy: bool = False) -> None:
    if not isinstance(raw, dict):
        dash.issues.append(Hit(f"panel #{index + 1} is {_kind(raw)}, expected an object"))
        return
    title = _text(raw.get("title"))
    pid = raw.get("id")
    label = f'panel "{title}"' if title else "panel <untitled>"
    if isinstance(pid, int) and not isinstance(pid, bool):
        label += f" (id {pid})"
    scope = Scope(dash.place.child(label, line=doc.line(raw), order=index, pointer=pointer), _suppressions(raw),
                  dash.scope)
    panel = Panel(raw, scope, dash, nested, row, legacy)
    dash.panels.append(panel)
    targets = raw.get("targets")
    if targets is None or panel.type == "row":
        return
    if not isinstance(targets, list):
        dash.issues.append(Hit(f"`targets` is {_kind(targets)}, expected a list", at=panel))
        return
    panel_ds = model.datasource_type(raw.get("datasource"), dash.variables)
    for t_index, target in enumerate(targets):
        if not isinstance(target, dict):
            dash.issues.append(Hit(f"target #{t_index + 1} is {_kind(target)}, expected an object",
                                   at=panel))
            continue
        ds = model.datasource_type(target.get("datasource"), dash.variables) or panel_ds
        expr = target.get("expr")
        if ds in model.NON_PROMQL_DATASOURCES or expr is None or (isinstance(expr, str) and not expr.strip()):
            continue  # not Prometheus, or a query left empty (Grafana sends nothing for it)
        ref = _text(target.get("refId")) or chr(ord("A") + t_index % 26)
        tscope = Scope(scope.place.child(f"target {ref}", line=doc.line(target), order=t_index,
                                         pointer=f"{pointer}/targets/{t_index}"),
                       _suppressions(target), scope)
        if not isinstance(expr, str):
            dash.issues.append(Hit(f"`expr` is {_kind(expr)}, expected a PromQL string",
                                   at=_At(tscope)))
            continue
        legend = target.get("legendFormat")
        panel.queries.append(make_query("panel", expr, tscope, legend=legend if isinstance(legend, str) else None,
                                        panel=panel, target=target))


# ---------------------------------------------------------------------------------------------------------------
# Rule files


def collect_rules(doc: Document, order: int = 0) -> tuple[list[Rule], list[Hit]]:
    """The rules of one rule file, and its structural issues (reported by ``alert/invalid-rule``)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    root = Scope(Place(doc.file, doc.line(data), (), order=(order,)))
    issues: list[Hit] = []
    rules: list[Rule] = []
    groups = data.get("groups")
    if not isinstance(groups, list):
        found = "missing or empty" if groups is None else _kind(groups, "a mapping")
        issues.append(Hit(f"`groups` is {found}, expected a list of rule groups", at=_At(root)))
        return rules, issues
    starts = []
    for g_index, group in enumerate(groups):
        gplace = root.place.child(f"group #{g_index + 1}", line=doc.line(group), order=g_index,
                                  pointer=f"/groups/{g_index}")
        if not isinstance(group, dict):
            issues.append(Hit("rule group is not a mapping with `name` and `rules`", at=_At(Scope(gplace))))
            continue
        name = group.get("name")
        if not isinstance(name, str) or not name:
            issues.append(Hit("rule group has no `name`", at=_At(Scope(gplace))))
            name = f"#{g_index + 1}"
        gplace = root.place.child(f"group {name}", line=doc.line(group), order=g_index, pointer=f"/groups/{g_index}")
        interval = group.get("interval")
        if interval is not None and not _is_duration(interval):
            issues.append(Hit(f"`interval: {interval}` of group {name} is not a duration like 30s, 5m or 1h",
                              at=_At(Scope(gplace))))
        items = group.get("rules")
        if items is None:
            items = []  # `rules:` left empty: Prometheus loads the group with no rules
        if not isinstance(items, list):
            issues.append(Hit(f"group {name} has no `rules` list", at=_At(Scope(gplace))))
            continue
        for r_index, raw in enumerate(items):
            rule = _collect_rule(doc, raw, name, gplace, r_index, issues)
            if rule is not None:
                rules.append(rule)
                starts.append((doc.line(raw) or 0, rule))
    _attach_comments(doc, starts, issues, root)
    return rules, issues


def _collect_rule(doc, raw, group: str, gplace: Place, index: int, issues: list[Hit]) -> Rule | None:
    line = doc.line(raw)
    if not isinstance(raw, dict):
        issues.append(Hit(f"rule #{index + 1} of group {group} is not a mapping",
                          at=_At(Scope(gplace.child(f"rule #{index + 1}", order=index,
                                                    pointer=f"{gplace.pointer}/rules/{index}")))))
        return None
    kinds = [k for k in ("alert", "record") if k in raw]
    name = raw.get(kinds[0]) if kinds else None
    label = f"{kinds[0]} {name}" if kinds and isinstance(name, str) else f"rule #{index + 1}"
    scope = Scope(gplace.child(label, line=line, order=index, pointer=f"{gplace.pointer}/rules/{index}"), {}, None)
    if len(kinds) != 1 or not isinstance(name, str) or not name:
        issues.append(Hit("a rule needs exactly one of `alert: Name` or `record: name`", at=_At(scope)))
        return None
    rule = Rule(raw, scope, group)
    expr = raw.get("expr")
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        expr = str(expr)
    if not isinstance(expr, str) or not expr.strip():
        issues.append(Hit(f"{label} has no `expr` (a PromQL string)", at=rule))
    else:
        rule.query = make_query("alert" if kinds[0] == "alert" else "recording", expr, scope, rule=rule)
    for key in ("labels", "annotations"):
        value = raw.get(key)
        if value is not None and not (isinstance(value, dict) and all(isinstance(k, str) for k in value)):
            issues.append(Hit(f"`{key}` of {label} must be a mapping of names to strings", at=rule))
            raw[key] = {}
    return rule


def _attach_comments(doc: Document, starts: list[tuple[int, Rule]], issues: list[Hit], root: Scope) -> None:
    """A ``# lint: ignore`` comment belongs to the rule that starts right below it (only blank or comment lines
    between), else to the rule it sits in (the last one starting at or above it)."""
    if not doc.comments:
        return
    starts.sort(key=lambda s: s[0])
    for line, check, reason in doc.comments:
        below = next(((s, r) for s, r in starts if s > line), None)
        rule = below[1] if below and _only_comments_between(doc, line, below[0]) else None
        if rule is None:
            above = [r for s, r in starts if s <= line]
            rule = above[-1] if above else None
        if rule is None:
            issues.append(Hit(f"`# lint: ignore` at line {line} is not inside or above a rule",
                              at=_At(Scope(root.place.child(f"line {line}", line=line)))))
            continue
        rule.scope.suppress[check] = reason


def _only_comments_between(doc: Document, comment_line: int, start: int) -> bool:
    """True when every line after the comment and before ``start`` is blank or a comment."""
    return all(not t.strip() or t.strip().startswith("#") for t in doc.text_lines[comment_line:start - 1])


def _is_duration(value) -> bool:
    try:
        durations.parse(str(value))
    except ValueError:
        return False
    return True


def rule_set(rules: list[Rule], file: str, issues: list[Hit]) -> RuleSet:
    return RuleSet(rules, Scope(Place(file)), issues)
