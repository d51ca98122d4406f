"""Rules and lint results of two builds compared: each alert's expression, threshold, ``for``, severity, labels and
annotations old -> new; recording rules; the lint problems a change introduces or fixes."""

from __future__ import annotations

import re

import promql_parser

from .. import yamlload
from .model import ADDED, CHANGED, REMOVED, Field, Item

COMPARISONS = (">", "<", ">=", "<=", "==", "!=")
_PLACEHOLDER = re.compile(r"\$\{?(\w+)(?::\w+)?\}?")


def pretty_promql(expr) -> str | None:
    """The expression as promql_parser prettifies it (lines broken when long); Grafana variables kept as written."""
    if expr is None:
        return None
    text = str(expr).strip()
    names: list[str] = []

    def hide(m: re.Match) -> str:  # `$__rate_interval` is no PromQL: park each variable as a unique duration
        names.append(m.group(0))
        return f"{len(names) + 7000}y" if _in_range(text, m.start()) else f"__gv{len(names)}__"

    hidden = _PLACEHOLDER.sub(hide, text)
    try:
        pretty = promql_parser.parse(hidden).prettify()
    except (ValueError, TypeError, RuntimeError):
        return text
    for i, name in enumerate(names, start=1):
        pretty = re.sub(rf"\b{i + 7000}y\b|\b__gv{i}__\b", lambda _m, n=name: n, pretty, count=1)
    return pretty if "__gv" not in pretty and not re.search(r"\b7\d\d\dy\b", pretty) else text


def _in_range(text: str, at: int) -> bool:
    before = text[:at]
    return before.rfind("[") > before.rfind("]")


def thresholds(expr) -> list[str]:
    """The comparisons against a number in ``expr``: ``["> 0.05", ">= 0.05"]``, in order of appearance."""
    try:
        tree = promql_parser.parse(str(expr))
    except (ValueError, TypeError, RuntimeError):
        return []
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, promql_parser.BinaryExpr):
            op = str(node.op)
            walk(node.lhs)
            if op in COMPARISONS:
                for side, flip in ((node.rhs, False), (node.lhs, True)):
                    if isinstance(side, promql_parser.NumberLiteral):
                        found.append(f"{_flip(op) if flip else op} {side.val:g}")
            walk(node.rhs)
        elif isinstance(node, promql_parser.ParenExpr):
            walk(node.expr)

    walk(tree)
    return found


def _flip(op: str) -> str:
    return {">": "<", "<": ">", ">=": "<=", "<=": ">="}.get(op, op)


# ---------------------------------------------------------------------------------------------------------------
# Rules


def rule_files(files: dict[str, bytes]) -> dict[str, dict]:
    """Rule files (not promtool test files) of a build, parsed."""
    out = {}
    for path, content in files.items():
        if path.startswith("rules/") and path.endswith((".yml", ".yaml")) and ".test." not in path \
                and not path.endswith(".test.yml"):
            out[path] = yamlload.safe_load(content) or {}
    return out


def _rules(files: dict[str, dict]) -> dict[tuple[str, str], dict]:
    out = {}
    for path, data in sorted(files.items()):
        for group in data.get("groups") or []:
            for rule in group.get("rules") or []:
                kind = "alert" if "alert" in rule else "recording rule"
                name = rule.get("alert") or rule.get("record") or "?"
                key, n = (kind, name), 2
                while key in out:
                    key, n = (kind, f"{name} #{n}"), n + 1
                out[key] = {**rule, "_group": group.get("name"), "_file": path, "_interval": group.get("interval")}
    return out


def compare_rules(old_files: dict[str, bytes], new_files: dict[str, bytes]) -> list[Item]:
    a, b = _rules(rule_files(old_files)), _rules(rule_files(new_files))
    items = []
    for key in sorted(set(a) | set(b)):
        kind, name = key
        ra, rb = a.get(key), b.get(key)
        if ra == rb:
            continue
        where = f'group "{(rb or ra)["_group"]}" in {(rb or ra)["_file"]}'
        if ra is None or rb is None:
            rule = rb or ra
            fields = [Field("expr", None if ra is None else pretty_promql(rule.get("expr")),
                            pretty_promql(rule.get("expr")) if ra is None else None, code=True)]
            if kind == "alert":
                fields += [Field(k, *((None, v) if ra is None else (v, None))) for k, v in _alert_fields(rule)
                           if k not in ("expr",)]
            items.append(Item(kind, name, ADDED if ra is None else REMOVED, fields, [where]))
            continue
        item = Item(kind, name, CHANGED)
        if ra["_group"] != rb["_group"] or ra["_file"] != rb["_file"]:
            item.notes.append(f'moved from group "{ra["_group"]}" ({ra["_file"]}) to {where}')
        if ra["_interval"] != rb["_interval"]:
            item.fields.append(Field("group interval", ra["_interval"], rb["_interval"]))
        if ra.get("expr") != rb.get("expr"):
            ta, tb = thresholds(ra.get("expr")), thresholds(rb.get("expr"))
            if ta != tb:
                item.fields.append(Field("threshold", ", ".join(ta) or None, ", ".join(tb) or None))
            item.fields.append(Field("expr", pretty_promql(ra.get("expr")), pretty_promql(rb.get("expr")), code=True))
        fa, fb = dict(_alert_fields(ra)), dict(_alert_fields(rb))
        for k in list(fa) + [k for k in fb if k not in fa]:
            if k != "expr" and fa.get(k) != fb.get(k):
                item.fields.append(Field(k, fa.get(k), fb.get(k)))
        if item.fields or item.notes:
            items.append(item)
    return items


def _alert_fields(rule: dict) -> list[tuple[str, str]]:
    """(name, value) of a rule's properties a reviewer checks, labels and annotations one by one."""
    out = [("expr", str(rule.get("expr")))]
    for key in ("for", "keep_firing_for"):
        if rule.get(key) is not None:
            out.append((key, str(rule[key])))
    labels = dict(rule.get("labels") or {})
    if "severity" in labels:
        out.append(("severity", str(labels.pop("severity"))))
    out += [(f"label {k}", str(v)) for k, v in sorted(labels.items())]
    out += [(f"annotation {k}", str(v)) for k, v in sorted((rule.get("annotations") or {}).items())]
    return out


# ---------------------------------------------------------------------------------------------------------------
# Lint


def _lint_key(problem: dict) -> tuple:
    """A problem without its line numbers: the same problem at a moved line is the same problem."""
    return (problem.get("check"), problem.get("severity"), problem.get("file"), problem.get("where"),
            problem.get("message"))


def compare_lint(old: list[dict], new: list[dict]) -> tuple[list[dict], list[dict]]:
    """(introduced, fixed): problems only in ``new``, and only in ``old``, as each side reports them."""
    ka = {}
    for p in old:
        ka.setdefault(_lint_key(p), p)
    kb = {}
    for p in new:
        kb.setdefault(_lint_key(p), p)
    return [p for k, p in kb.items() if k not in ka], [p for k, p in ka.items() if k not in kb]
