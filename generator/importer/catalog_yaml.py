"""The catalog draft as YAML text (:func:`render`), and the merge into a catalog a person wrote (:func:`merge`),
which adds entries by inserting text so that every existing line and comment stays."""

from __future__ import annotations

import json
import math
import re

from .. import yamlload
from .catalog import EMAIL, MAX_VALUES, TARGET_LABELS, UNBOUNDED_NAME, UUID, Seen

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def scalar(value: str) -> str:
    return value if PLAIN.match(value) and value.lower() not in YAML_WORDS else json.dumps(value)


def number(value: float) -> str:
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)


def _nice_bound(observed: int) -> int:
    want = max(10, observed * 2)
    exp = 10 ** math.floor(math.log10(want))
    return next(m * exp for m in (1, 2, 5, 10) if m * exp >= want)


def unbounded_reason(name: str, values: set[str]) -> str:
    if UNBOUNDED_NAME.search(name):
        return f"its name ({name}) looks like an id, an email, a prompt or a path"
    if any(UUID.match(v) for v in values):
        return "its values are uuids"
    if any(EMAIL.match(v) for v in values):
        return "its values are email addresses"
    if any(len(v) > 80 for v in values):
        return "its values are long free text"
    return ""


def inline_value(values: set[str]) -> str:
    text = json.dumps(next(iter(values)))
    return text if len(text) <= 40 else text[:39] + "…"


def label_lines(name: str, values: set[str], users: int) -> list[str]:
    reason = unbounded_reason(name, values)
    lines = [f"  {name}:"]
    if reason:
        lines.append(f"    # warning: looks unbounded: {reason}; {len(values)} values seen")
        lines.append("    # drop it from the metrics, or keep the bound")
    elif len(values) > MAX_VALUES:
        lines.append(f"    # {len(values)} values seen (more than {MAX_VALUES}): bounded rather than listed")
    elif len(values) == 1:
        lines.append(f"    # one value seen ({inline_value(values)}): a property of this target (a version, a host)")
        lines.append("    # rather than a list of categories, so bounded; list the values if it is one")
    lines.append(f"    help: {json.dumps('TODO: say what ' + name + ' is (on ' + str(users) + ' metrics)')}")
    if reason or len(values) > MAX_VALUES or len(values) < 2:
        lines.append(f"    bound: {_nice_bound(len(values))}")
    else:
        lines.append("    values: [" + ", ".join(scalar(v) for v in sorted(values)) + "]")
    return lines


def metric_lines(m: Seen, labels: list[str], skipped: list[str]) -> list[str]:
    notes = [f"{m.series} series"] + ([m.note] if m.note and m.note != "prometheus" else [])
    lines = [f"  {m.name}:", "    # " + "; ".join(notes)]
    if skipped:
        lines.append(f"    # not listed (forbidden or added by Prometheus): {', '.join(skipped)}")
    lines += [f"    type: {m.type}", f"    unit: {json.dumps(m.unit)}",
              f"    help: {json.dumps(m.help.strip() or 'TODO: the exporter gives no help; say what it measures')}",
              "    labels: [" + ", ".join(labels) + "]"]
    if m.type == "histogram":
        finite = sorted(b for b in m.buckets if math.isfinite(b))
        lines.append("    buckets: [" + ", ".join(number(b) for b in finite or [1.0]) + "]")
    if m.type == "counter" and not m.total_suffix:
        lines.append("    total_suffix: false")
    if m.series and m.note != "prometheus":  # a scrape's count is per target; Prometheus' is the job's
        lines.append(f"    series: {m.series}  # per target, as scraped: what catalog/series-budget reads")
    return lines


def _values(seen: dict[str, Seen]) -> tuple[dict[str, set[str]], dict[str, int]]:
    values: dict[str, set[str]] = {}
    users: dict[str, int] = {}
    for m in seen.values():
        for k, v in m.labels.items():
            values.setdefault(k, set()).update(v)
            users[k] = users.get(k, 0) + 1
    return values, users


def _series_names(name: str, kind: str) -> set[str]:
    if kind == "histogram":
        return {name + s for s in ("_bucket", "_sum", "_count")}
    if kind == "summary":
        return {name, name + "_sum", name + "_count"}
    return {name}


def render(seen: dict[str, Seen], source: str, job: str = "", target_labels: tuple[str, ...] = ()) -> str:
    """A fresh catalog. ``target_labels`` are labels Prometheus adds besides job and instance (``cluster``...)."""
    values, users = _values(seen)
    target = list(TARGET_LABELS) + [t for t in target_labels if t not in TARGET_LABELS]
    out = [f"# Metric catalog draft from {source}, written by `python -m generator catalog-import`.",
           "# Review it: say what each label and metric means (TODO), and bound or drop what the warnings name.",
           "", "scrape_interval: 15s"]
    if job:
        out.append(f"job: {scalar(job)}")
    out += ["", "# Labels Prometheus attaches to every scraped series.", f"target_labels: [{', '.join(target)}]", "",
            "labels:",
            "  job:", "    help: Scrape job (Prometheus target label).", "    bound: 20",
            "  instance:", "    help: Scraped host:port (Prometheus target label).", "    bound: 200"]
    for name in target[2:]:
        out += [f"  {name}:", f"    help: {json.dumps(name + ' (a label Prometheus attaches)')}", "    bound: 100"]
    for name in sorted(values):
        if name not in target:
            out += label_lines(name, values[name], users[name])
    out += ["", "metrics:"]
    for i, name in enumerate(sorted(seen)):
        m = seen[name]
        out += ([""] if i else []) + metric_lines(m, sorted(k for k in m.labels if k not in target),
                                                  sorted(k for k in m.labels if k in target))
    return "\n".join(out) + "\n"


def merge(text: str, seen: dict[str, Seen]) -> tuple[str, list[str]]:
    """``text`` (an existing catalog file) with the labels and metrics it lacks added; and what the service says
    differently of the entries it has (reported, not written)."""
    doc = yamlload.safe_load(text) or {}
    if not isinstance(doc, dict):
        raise ValueError("the existing catalog is not a mapping")
    labels = doc.get("labels") or {}
    metrics = doc.get("metrics") or {}
    forbidden = set(doc.get("forbidden_labels") or ())
    target = set(doc.get("target_labels") or TARGET_LABELS)
    taken = {s: n for n, spec in metrics.items() if isinstance(spec, dict)
             for s in _series_names(n, spec.get("type", ""))}
    report: list[str] = []
    new_metrics: list[str] = []
    used: dict[str, set[str]] = {}
    for name in sorted(seen):
        m = seen[name]
        if name in metrics:
            report += _compare(name, metrics[name], m)
            continue
        clash = sorted(_series_names(name, m.type) & set(taken))
        if clash:
            report.append(f"metric {name}: not added, its series {', '.join(clash)} belong to {taken[clash[0]]}")
            continue
        keep = sorted(k for k in m.labels if k not in forbidden and k not in target)
        skipped = sorted(k for k in m.labels if k in forbidden or k in target)
        for k in keep:
            used.setdefault(k, set()).update(m.labels[k])
        new_metrics += [""] + metric_lines(m, keep, skipped)
        report.append(f"metric {name}: added")
    new_labels: list[str] = []
    observed = _values(seen)[0]
    for name in sorted(set(used) | (set(observed) & set(labels))):
        spec = labels.get(name)
        if spec is None:
            new_labels += label_lines(name, used[name], 1)
            report.append(f"label {name}: added")
        elif isinstance(spec, dict) and spec.get("values"):
            extra = sorted(observed[name] - {str(v) for v in spec["values"]})
            if extra:
                report.append(f"label {name}: values seen that the catalog does not list (kept as written): "
                              + ", ".join(extra[:10]) + (" …" if len(extra) > 10 else ""))
    lines = text.splitlines()
    lines = _insert(lines, "labels", new_labels)
    lines = _insert(lines, "metrics", new_metrics[1:] if not metrics else new_metrics)
    return "\n".join(lines) + "\n", report


def _compare(name: str, spec, m: Seen) -> list[str]:
    if not isinstance(spec, dict):
        return []
    out = []
    if spec.get("type") != m.type:
        out.append(f"metric {name}: the service says {m.type}, the catalog {spec.get('type')} (kept)")
    missing = sorted(set(m.labels) - set(spec.get("labels") or ()) - set(TARGET_LABELS))
    if missing:
        out.append(f"metric {name}: labels seen that the catalog does not list (kept as written): {', '.join(missing)}")
    return out


def _insert(lines: list[str], section: str, new: list[str]) -> list[str]:
    if not new:
        return lines
    start = next((i for i, line in enumerate(lines) if re.match(rf"^{section}:\s*(#.*)?$", line)), None)
    if start is None:
        if any(re.match(rf"^{section}:", line) for line in lines):
            raise ValueError(f"`{section}:` is written inline; write it as a block to merge into it")
        return lines + ["", f"{section}:"] + [x for x in new if x or section == "metrics"]
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^[A-Za-z_]", lines[i])), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return lines[:end] + new + lines[end:]
