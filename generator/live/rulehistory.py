"""History of the recording rules: the series Prometheus would have recorded over the backfilled raw history, so
that every panel and rule reading a recorded series (error ratios, latency percentiles, SLO burn rates, spend) has a
past as long as the raw one.

``promtool tsdb create-blocks-from rules`` (Prometheus 2 and 3 alike) evaluates rule files against a running
Prometheus' API (``--url``) as range queries from ``--start`` to ``--end``, each rule at its group's interval
(``--eval-interval`` for a group that sets none), aligned as that group's evaluations are, and writes TSDB blocks to
``--output-dir``. It evaluates against what the Prometheus holds *now*, so a rule that reads another recording rule
finds nothing unless that rule's blocks are already loaded: Prometheus' documentation says to backfill the
dependencies first. :func:`levels` orders the rules (level 0 reads only raw series; level n reads a rule of level
n - 1), and :func:`backfill_rules` evaluates them level by level against a Prometheus of its own on the stack's data
directory, with no scrapes and no rules: after each level its blocks are moved into the data directory and that
Prometheus is restarted, because a running Prometheus (2.42 and 3.13 alike) looks for new blocks on disk only in
its periodic reload, once a minute; a restart opens them at once (about a second here).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time

import promql_parser
import requests
import yaml

from .. import durations
from .procs import HOST, Proc, StackError, free_port, is_ours, spawn, stop, wait_ready


def _read(files: list[str]) -> list[tuple[str, dict]]:
    out = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        out += [(path, g) for g in data.get("groups") or []]
    return out


def _reads(expr: str) -> set[str]:
    """The metric names ``expr`` selects."""
    names: set[str] = set()

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def shortest_window(files: list[str]) -> tuple[float, str] | None:
    """(seconds, record name) of the shortest range window a recording rule of ``files`` reads, or None. Over a
    history sampled every ``step`` seconds, ``rate(x[w])`` needs ``w > 2 × step`` to hold two samples in every
    (left-open) window; with fewer the recorded series has no history there."""
    found = None
    for _, group in _read(files):
        for rule in group.get("rules") or []:
            if "record" not in rule:
                continue

            def visit(node, name=rule["record"]):
                nonlocal found
                if isinstance(node, promql_parser.MatrixSelector):
                    seconds = node.range.total_seconds()
                    if found is None or seconds < found[0]:
                        found = (seconds, name)

            promql_parser.walk(promql_parser.parse(str(rule["expr"])), visit)
    return found


def levels(files: list[str]) -> list[list[dict]]:
    """The recording rules of ``files`` as levels of rule groups: level 0 reads raw series only, level n reads a
    recorded series of level n - 1 at most. Each group keeps its name and interval; alerts are left out (promtool
    does not evaluate them). A cycle of recording rules is an error (Prometheus would never fill it either)."""
    groups = _read(files)
    recorded: dict[str, set[str]] = {}  # record name -> names its rules read
    for _, group in groups:
        for rule in group.get("rules") or []:
            if "record" in rule:
                recorded.setdefault(rule["record"], set()).update(_reads(str(rule["expr"])))
    level: dict[str, int] = {}

    def depth(name: str, seen: tuple[str, ...]) -> int:
        if name in seen:
            raise StackError(f"recording rules read each other in a circle: {' -> '.join(seen + (name,))}")
        if name not in level:
            inputs = [n for n in recorded[name] if n in recorded and n != name]
            level[name] = 1 + max((depth(n, seen + (name,)) for n in inputs), default=-1)
        return level[name]

    for name in recorded:
        depth(name, ())
    out: list[list[dict]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for n in range(len(out)):
        for _, group in groups:
            rules = [r for r in group.get("rules") or [] if "record" in r and level[r["record"]] == n]
            if rules:
                out[n].append({**{k: v for k, v in group.items() if k != "rules"}, "rules": rules})
    return out


def _move_blocks(source: str, data_dir: str) -> int:
    moved = 0
    for name in sorted(os.listdir(source)):
        if os.path.isfile(os.path.join(source, name, "meta.json")):
            shutil.move(os.path.join(source, name), os.path.join(data_dir, name))
            moved += 1
    return moved


def not_ours(url: str, data_dir: str) -> str | None:
    """None when the Prometheus answering at ``url`` stores its data in ``data_dir``; else what answers there. A
    free port is free only when it is picked: another process may take it before our Prometheus binds it, and
    promtool would then evaluate the rules against someone else's series."""
    try:
        flags = requests.get(url + "/api/v1/status/flags", timeout=10).json()["data"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as e:
        return f"no Prometheus flags ({type(e).__name__})"
    path = flags.get("storage.tsdb.path", "")
    if os.path.realpath(path) != os.path.realpath(data_dir):
        return f"a Prometheus of {path or 'no data directory'}"
    return None


def _records(groups: list[dict]) -> list[str]:
    """The names the recording rules of ``groups`` record, sorted."""
    return sorted({r["record"] for g in groups for r in g["rules"]})


def recorded_names(files: list[str]) -> list[str]:
    """The names the recording rules of ``files`` record, sorted."""
    return _records([g for tier in levels(files) for g in tier])


def history_bounds(data_dir: str) -> tuple[float, float] | None:
    """(start, end) in seconds of the blocks in ``data_dir`` (the raw history), or None when it holds none."""
    times = []
    for name in os.listdir(data_dir) if os.path.isdir(data_dir) else ():
        try:
            with open(os.path.join(data_dir, name, "meta.json"), encoding="utf-8") as fh:
                meta = json.load(fh)
        except (OSError, ValueError):
            continue
        times.append((meta["minTime"] / 1000, meta["maxTime"] / 1000))
    if not times:
        return None
    return min(t[0] for t in times), max(t[1] for t in times)


def _split(groups: list[dict], parts: int) -> list[list[dict]]:
    """The rules of ``groups`` dealt into ``parts`` lists of groups (each group keeps its name and interval), so that
    as many promtools evaluate them side by side."""
    dealt: list[list[dict]] = [[] for _ in range(parts)]
    rules = [(g, r) for g in groups for r in g["rules"]]
    for i, (group, rule) in enumerate(rules):
        part = dealt[i % parts]
        if not part or part[-1]["name"] != group["name"]:
            part.append({**{k: v for k, v in group.items() if k != "rules"}, "rules": []})
        part[-1]["rules"].append(rule)
    return [d for d in dealt if d]


def _passes(groups: list[dict], start: float, end: float, eval_interval: str, step: float | None,
            recent: float) -> list[tuple[float, float, list[dict]]]:
    """(start, end, groups) of each promtool pass, as the raw history is sampled: before its last ``recent`` seconds
    every ``step`` seconds (a group evaluated at its interval or ``step``, whichever is longer: more often would
    repeat the same inputs), over the last ``recent`` seconds at the groups' own intervals (none: 0)."""
    if not step or end - recent <= start:
        return [(start, end, groups)]
    default = durations.seconds(eval_interval)
    coarse = [{**g, "interval": durations.format_seconds(max(step, durations.seconds(str(g.get("interval")))
                                                                 if g.get("interval") else max(step, default)))}
              for g in groups]
    if recent <= 0:
        return [(start, end, coarse)]
    return [(start, end - recent, coarse), (end - recent, end, groups)]


def _start_own(prometheus: str, config: str, data_dir: str, log_file: str, attempts: int = 3) -> tuple[Proc, str]:
    """A Prometheus on ``data_dir`` with no scrapes and no rules, on a free port: (its process, its URL). A port
    is free only when it is picked; when another server took it before ours bound it, ours exits and the other
    answers: then another port, ``attempts`` times in all."""
    other = ""
    for _ in range(attempts):
        url = f"http://{HOST}:{free_port()}"
        proc = spawn("prometheus (rule history)", [
            prometheus, f"--config.file={config}", f"--storage.tsdb.path={data_dir}", f"--web.listen-address={url[7:]}",
            "--storage.tsdb.retention.time=3650d"], log_file)
        try:
            wait_ready(proc, url + "/-/ready", 120)
        except StackError as e:
            if is_ours(proc) or "address already in use" not in str(e):
                stop(proc)
                raise
            other = "ours could not bind it"
            continue
        other = not_ours(url, data_dir)
        if other is None:
            return proc, url
        stop(proc)
    raise StackError(f"no free port for the rule history's Prometheus after {attempts} tries (last: {other} at "
                     f"{url}); see {log_file}")


def names_without_past(url: str, names: list[str], at: float) -> list[str]:
    """The recorded ``names`` that have no series at ``at`` (seconds since the epoch) in the Prometheus at ``url``."""
    selector = "{__name__=~\"" + "|".join(n.replace(".", "\\\\.") for n in names) + "\"}"
    response = requests.get(url + "/api/v1/query", params={"query": f"count by (__name__) ({selector})", "time": at},
                            timeout=30)
    response.raise_for_status()
    found = {r["metric"]["__name__"] for r in response.json()["data"]["result"]}
    return [n for n in names if n not in found]


def backfill_rules(files: list[str], data_dir: str, *, prometheus: str, promtool: str, start: float, end: float,
                   eval_interval: str, logs: str, step: float | None = None, recent: float = 0.0, log=print,
                   timeout: float = 600.0, parallel: int | None = None) -> dict:
    """Evaluate every recording rule of ``files`` from ``start`` to ``end`` (seconds since the epoch) over the
    history in ``data_dir``, level by level, into blocks in ``data_dir``. The raw history is sampled every ``step``
    seconds but for its last ``recent`` seconds (as often as Prometheus scrapes): the rules are evaluated every
    ``step`` before that and at their groups' intervals (``eval_interval`` for a group without one: the stack's
    evaluation interval) over the last ``recent`` seconds. ``parallel`` promtools per pass (default: one per CPU).

    Each level is checked once the next Prometheus has opened its blocks: a name with no series halfway through the
    history (seen on a loaded machine: one of a level's two promtools left nothing, and exited 0) has its level's
    rules evaluated again, by one promtool; still none is an error. Returns what was done: levels, rules, blocks,
    seconds (in all and per level), and ``again``: the names evaluated again."""
    tiers = levels(files)
    if not tiers:
        return {"levels": 0, "rules": 0, "blocks": 0, "seconds": 0.0, "per_level": [], "again": []}
    parallel = parallel or os.cpu_count() or 1
    began = time.monotonic()
    work = tempfile.mkdtemp(prefix="rule-history-", dir=os.path.dirname(os.path.abspath(data_dir)))
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w", encoding="utf-8") as fh:
        yaml.safe_dump({"global": {"evaluation_interval": eval_interval}}, fh)
    log_file = os.path.join(logs, "prometheus-rule-history.log")
    middle = (start + end) / 2
    proc: Proc | None = None
    blocks = 0
    again: list[str] = []

    def restart() -> str:
        """A fresh Prometheus on ``data_dir``: a fresh start opens the blocks moved in (a running one would see them
        within a minute)."""
        nonlocal proc
        if proc is not None:
            stop(proc)
        proc, url = _start_own(prometheus, config, data_dir, log_file)
        return url

    def evaluate(url: str, groups: list[dict], label: str, parts: int) -> None:
        """``groups`` evaluated by ``parts`` promtools against ``url``; their blocks moved into ``data_dir``."""
        nonlocal blocks
        running = []
        try:
            tasks = [(a, b, part) for a, b, chosen in _passes(groups, start, end, eval_interval, step, recent)
                     for part in _split(chosen, parts)]
            for k, (a, b, part) in enumerate(tasks):
                path, out = os.path.join(work, f"{label}.{k}.yml"), os.path.join(work, f"{label}.{k}")
                with open(path, "w", encoding="utf-8") as fh:
                    yaml.safe_dump({"groups": part}, fh, sort_keys=False)
                os.makedirs(out)
                running.append((out, subprocess.Popen(
                    [promtool, "tsdb", "create-blocks-from", "rules", f"--url={url}", f"--start={a:.3f}",
                     f"--end={b:.3f}", f"--eval-interval={eval_interval}", f"--output-dir={out}", "--quiet", path],
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
            failures = []
            for _, child in running:
                output, _ = child.communicate(timeout=timeout)
                if child.returncode != 0:
                    failures.append(output.strip()[-2000:] or f"exit status {child.returncode}")
            if failures:
                raise StackError(f"promtool could not backfill the recording rules of {label}:\n" + "\n".join(failures))
            blocks += sum(_move_blocks(out, data_dir) for out, _ in running)
            running = []
        finally:
            for _, child in running:
                child.kill()
                child.wait()

    def checked(url: str, n: int) -> str:
        """Level ``n`` as the Prometheus at ``url`` serves it: its names without a past evaluated again, once."""
        missing = names_without_past(url, _records(tiers[n]), middle)
        if not missing:
            return url
        log(f"rule history: {len(missing)} names of level {n} have no past ({', '.join(missing)}); evaluating "
            "their rules again")
        again.extend(missing)
        groups = [{**g, "rules": [r for r in g["rules"] if r["record"] in missing]} for g in tiers[n]]
        evaluate(url, [g for g in groups if g["rules"]], f"level-{n}-again", 1)
        url = restart()
        still = names_without_past(url, missing, middle)
        if still:
            raise StackError(f"the rule history has no past for {', '.join(still)} (level {n}), evaluated twice; "
                             f"see {log_file}")
        return url

    rules = 0
    spent = []
    try:
        for n, groups in enumerate(tiers):
            level_began = time.monotonic()
            url = restart()
            if n:
                url = checked(url, n - 1)
            evaluate(url, groups, f"level-{n}", parallel)
            rules += sum(len(g["rules"]) for g in groups)
            spent.append(round(time.monotonic() - level_began, 1))
        checked(restart(), len(tiers) - 1)
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.monotonic() - began
    log(f"rule history: {rules} recording rules in {len(tiers)} levels evaluated over "
        f"{(end - start) / 3600:.1f} h into {blocks} blocks in {seconds:.1f} s (levels: "
        + ", ".join(f"{s:g} s" for s in spent) + ")")
    return {"levels": len(tiers), "rules": rules, "blocks": blocks, "seconds": round(seconds, 1), "per_level": spent,
            "again": again}
