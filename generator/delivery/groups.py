"""The rule groups a repository delivers, and how two copies of a group are compared.

The generated rule files (``generated/rules/*.yml``, promtool tests excepted) are what is delivered, byte for byte
to a Prometheus folder and group by group to a ruler. A copy read back from a server is compared after
normalisation: durations as seconds (``2m``, ``120s`` and Prometheus' ``120`` are equal), expressions as the
PromQL parser prints them (Prometheus and rulers may reformat them), empty ``labels``/``annotations`` dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import yaml

from .. import durations, yamlload
from ..errors import GeneratorError, UnavailableError, UsageError


class DeliveryError(GeneratorError):
    """Rules could not be delivered (a refused reload, a ruler error); nothing is left half done."""


class DeliveryUnavailable(DeliveryError, UnavailableError):
    """The Prometheus or the ruler could not be reached, or did not answer in time: exit status 3."""


class DeliveryUsageError(DeliveryError, UsageError):
    """Bad or missing settings (no URL, no credentials, unknown environment): exit status 2."""


def rule_files(directory: str) -> dict[str, bytes]:
    """``{file name: bytes}`` of the rule files in ``directory``: ``*.yml``/``*.yaml`` but not ``*.test.yml``."""
    try:
        names = sorted(os.listdir(directory))
    except FileNotFoundError:
        raise DeliveryError(f"{directory}: no such directory; run `make dashboards` first") from None
    out = {}
    for name in names:
        if name.endswith((".yml", ".yaml")) and not name.endswith((".test.yml", ".test.yaml")):
            with open(os.path.join(directory, name), "rb") as fh:
                out[name] = fh.read()
    return out


@dataclass(frozen=True)
class Group:
    file: str  # the rule file it comes from
    data: dict  # the group as YAML declares it: name, interval, rules…

    @property
    def name(self) -> str:
        return str(self.data.get("name", ""))


def groups_of(files: dict[str, bytes]) -> list[Group]:
    """Every group of ``files``, in file then declaration order; a group name used twice is an error (a ruler
    namespace holds each name once)."""
    groups: list[Group] = []
    seen: dict[str, str] = {}
    for name, content in files.items():
        try:
            doc = yamlload.safe_load(content) or {}
        except yaml.YAMLError as e:
            raise DeliveryError(f"{name}: not valid YAML: {e}") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("groups", []), list):
            raise DeliveryError(f"{name}: not a Prometheus rule file (no list of groups)")
        for data in doc.get("groups") or []:
            if not isinstance(data, dict) or not data.get("name"):
                raise DeliveryError(f"{name}: a group without a name")
            group = Group(name, data)
            if group.name in seen:
                raise DeliveryError(f"{name}: group {group.name!r} is also declared in {seen[group.name]}")
            seen[group.name] = name
            groups.append(group)
    return groups


# -- normalisation -----------------------------------------------------------------------------------------------


def seconds(value) -> float | None:
    """A Prometheus duration (``"1h30m"``, ``"90s"``) or a number of seconds, as seconds; None when absent."""
    if value in (None, "", 0, "0s"):
        return None
    if isinstance(value, (int, float)):
        return float(value) or None
    try:
        return durations.parse(str(value)).total_seconds() or None
    except Exception:  # an unparsable duration is compared as written
        return None


def expression(expr) -> str:
    """``expr`` as the PromQL parser prints it, so that formatting differences do not count."""
    import promql_parser

    text = str(expr or "").strip()
    try:
        return promql_parser.parse(text).prettify()
    except Exception:  # an expression the parser refuses is compared as written
        return " ".join(text.split())


def rule_key(rule: dict) -> str:
    return f"{'alert' if 'alert' in rule else 'record'} {rule.get('alert') or rule.get('record')}"


def normal_rule(rule: dict) -> dict:
    out = {"kind": "alert" if rule.get("alert") else "record", "name": rule.get("alert") or rule.get("record"),
           "expr": expression(rule.get("expr"))}
    for key in ("for", "keep_firing_for"):
        if seconds(rule.get(key)) is not None:
            out[key] = seconds(rule.get(key))
    for key in ("labels", "annotations"):
        if rule.get(key):
            out[key] = {str(k): str(v) for k, v in rule[key].items()}
    return out


def normal_group(group: dict) -> dict:
    out = {"name": group.get("name"), "rules": [normal_rule(r) for r in group.get("rules") or []]}
    if seconds(group.get("interval")) is not None:
        out["interval"] = seconds(group.get("interval"))
    for key, value in group.items():
        if key not in ("name", "rules", "interval") and value not in (None, "", [], {}, 0):
            out[key] = seconds(value) if key == "query_offset" else value
    return out


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:g}s"
    if isinstance(value, str) and "\n" in value:
        return repr(value)
    return str(value)


def differences(ours: dict, theirs: dict) -> list[str]:
    """What differs between two groups, in reviewer's terms (empty when they are the same)."""
    a, b = normal_group(ours), normal_group(theirs)
    out = []
    for key in sorted((set(a) | set(b)) - {"rules", "name"}):
        if a.get(key) != b.get(key):
            out.append(f"{key}: {_show(b.get(key, '(none)'))} -> {_show(a.get(key, '(none)'))}")
    theirs_by = {f"{r['kind']} {r['name']}": r for r in b["rules"]}
    ours_by = {f"{r['kind']} {r['name']}": r for r in a["rules"]}
    for key, rule in ours_by.items():
        other = theirs_by.get(key)
        if other is None:
            out.append(f"{key}: added")
            continue
        for field in sorted((set(rule) | set(other)) - {"kind", "name"}):
            if rule.get(field) != other.get(field):
                if isinstance(rule.get(field), dict) or isinstance(other.get(field), dict):
                    mine, live = rule.get(field) or {}, other.get(field) or {}
                    for k in sorted(set(mine) | set(live)):
                        if mine.get(k) != live.get(k):
                            out.append(f"{key}: {field}.{k}: {_show(live.get(k, '(none)'))} -> "
                                       f"{_show(mine.get(k, '(none)'))}")
                else:
                    out.append(f"{key}: {field}: {_show(other.get(field, '(none)'))} -> "
                               f"{_show(rule.get(field, '(none)'))}")
    for key in theirs_by:
        if key not in ours_by:
            out.append(f"{key}: removed")
    if not out and [f"{r['kind']} {r['name']}" for r in a["rules"]] != [f"{r['kind']} {r['name']}"
                                                                           for r in b["rules"]]:
        out.append("rule order differs")
    return out
