"""History for a fresh Prometheus: the workload's past written as OpenMetrics and turned into TSDB blocks by
``promtool tsdb create-blocks-from openmetrics``, so that rules and panels comparing with yesterday have a
yesterday. Samples carry the ``job`` and ``instance`` labels the live scrape will attach, so history and live
data are the same series."""

from __future__ import annotations

import os
import subprocess
import time

from .workload import Workload

# Series Prometheus itself records for each scrape, written too so that `up` and scrape panels have a past.
SCRAPE_DURATION_SECONDS = 0.004


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _selector(name: str, labels) -> str:
    return name + "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def history_times(start: float, end: float, step: float, recent: float = 0.0,
                  recent_step: float | None = None) -> list[float]:
    """The sample times of a history from ``start`` to ``end`` (wall-clock seconds): every ``step`` seconds, and
    every ``recent_step`` seconds over the last ``recent`` seconds (as often as Prometheus scrapes, so that short
    rate windows have data right after the stack starts)."""
    if step <= 0 or end <= start:
        raise ValueError("history needs start < end and a positive step")
    times, t = [], start
    while t <= end:
        times.append(t)
        t += recent_step if recent_step and t >= end - recent else step
    return times


def write_openmetrics(workload: Workload, path: str, times: list[float], target: dict[str, str]) -> int:
    """Advance ``workload`` through ``times`` (ascending wall-clock seconds), writing every series at each to
    ``path``; return the number of samples. ``target`` holds the job and instance labels."""
    extra = tuple(sorted(target.items()))
    prefixes: dict = {}
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        families = workload.samples(times[0])
        for metric, _ in families:
            family = metric.name[:-len("_total")] if metric.type == "counter" else metric.name
            fh.write(f"# HELP {family} {_escape(metric.help)}\n# TYPE {family} {metric.type}\n")
        fh.write("# HELP up Whether the last scrape succeeded.\n# TYPE up gauge\n"
                 "# HELP scrape_duration_seconds Duration of the scrape.\n# TYPE scrape_duration_seconds gauge\n")
        up = _selector("up", extra) + " 1 "
        duration = _selector("scrape_duration_seconds", extra) + f" {SCRAPE_DURATION_SECONDS} "
        for t in times:
            stamp = f"{t:.3f}\n"
            lines = []
            for _, rows in workload.samples(t):
                for name, labels, value in rows:
                    # The workload hands out the same label tuples every time: their id is a cheap, stable key.
                    key = (name, id(labels))
                    prefix = prefixes.get(key)
                    if prefix is None:
                        prefix = prefixes[key] = _selector(name, labels + extra) + " "
                    lines.append(f"{prefix}{value:.10g} {stamp}")
            lines.append(up + stamp)
            lines.append(duration + stamp)
            fh.write("".join(lines))
            count += len(lines)
        fh.write("# EOF\n")
    return count


def promtool() -> str:
    """The promtool of the Prometheus the history is for: GENERATOR_PROMETHEUS (the stack sets it), else 3 when
    installed, else 2 (generator.tools)."""
    from .. import tools

    try:
        return tools.find("promtool", tools.default_tier()).path
    except tools.ToolMissing as e:
        raise FileNotFoundError(str(e)) from e


# A long history is written in parts, each turned into blocks by its own promtool while the next part is written:
# promtool's parsing costs more than the writing, and two of them use both cores. Parts of at least this many
# sample times (fewer parts for a short history).
PART_TIMES = 200
PARTS = 4


def backfill(workload: Workload, data_dir: str, *, length: float, step: float, target: dict[str, str],
             recent: float = 0.0, recent_step: float | None = None, end: float | None = None, log=print) -> int:
    """Write ``length`` seconds of history ending at ``end`` (now) into the Prometheus data dir ``data_dir``."""
    end = time.time() if end is None else end
    start = end - length
    workload.wall = start  # the service started when its history starts,
    workload.anchor = end  # and its simulated clock meets the wall clock now
    os.makedirs(data_dir, exist_ok=True)
    times = history_times(start, end, step, recent, recent_step)
    size = max(PART_TIMES, -(-len(times) // PARTS))
    parts = [times[i:i + size] for i in range(0, len(times), size)]
    began = time.monotonic()
    samples, running, failures = 0, [], []
    try:
        for index, part in enumerate(parts):
            source = os.path.join(data_dir, f"history-{index}.om")
            try:
                samples += write_openmetrics(workload, source, part, target)
            except BaseException:
                if os.path.exists(source):
                    os.unlink(source)
                raise
            while len(running) >= (os.cpu_count() or 1):
                failures += _finished(running.pop(0))
            # No block may span two parts (their times must not overlap): one block per part, however long.
            running.append((source, subprocess.Popen(
                [promtool(), "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=100h", source,
                 data_dir], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
        while running:
            failures += _finished(running.pop(0))
    finally:
        for source, proc in running:
            proc.kill()
            proc.wait()
            os.unlink(source)
    if failures:
        raise RuntimeError("promtool could not create blocks from the history:\n" + "\n".join(failures))
    log(f"history: {samples} samples over {length / 3600:.1f} h written and turned into blocks in "
        f"{time.monotonic() - began:.1f} s ({len(parts)} parts)")
    return samples


def _finished(item) -> list[str]:
    """Wait for one promtool; remove its input; its output if it failed."""
    source, proc = item
    try:
        output, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return [f"promtool took more than 10 minutes over {source}"]
    finally:
        os.unlink(source)
    return [output.strip() or f"exit status {proc.returncode}"] if proc.returncode != 0 else []
