"""History for a fresh Prometheus: the workload's past written as OpenMetrics and turned into TSDB blocks by
``promtool tsdb create-blocks-from openmetrics``, so that rules and panels comparing with yesterday have a
yesterday. Samples carry the ``job`` and ``instance`` labels the live scrape will attach, so history and live
data are the same series."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from .workload import Workload

# Series Prometheus itself records for each scrape, written too so that `up` and scrape panels have a past.
SCRAPE_DURATION_SECONDS = 0.004


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _selector(name: str, labels) -> str:
    return name + "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels) + "}"


def write_openmetrics(workload: Workload, path: str, *, start: float, end: float, step: float,
                      target: dict[str, str], recent: float = 0.0, recent_step: float | None = None) -> int:
    """Advance ``workload`` from ``start`` to ``end`` (wall-clock seconds), writing every series every ``step``
    seconds to ``path``, and every ``recent_step`` seconds over the last ``recent`` seconds (as often as
    Prometheus scrapes, so that short rate windows have data right after the stack starts); return the number
    of samples. ``target`` holds the job and instance labels."""
    if step <= 0 or end <= start:
        raise ValueError("history needs start < end and a positive step")
    extra = tuple(sorted(target.items()))
    prefixes: dict = {}
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        families = workload.samples(start)
        for metric, _ in families:
            family = metric.name[:-len("_total")] if metric.type == "counter" else metric.name
            fh.write(f"# HELP {family} {_escape(metric.help)}\n# TYPE {family} {metric.type}\n")
        fh.write("# HELP up Whether the last scrape succeeded.\n# TYPE up gauge\n"
                 "# HELP scrape_duration_seconds Duration of the scrape.\n# TYPE scrape_duration_seconds gauge\n")
        up = _selector("up", extra) + " 1 "
        duration = _selector("scrape_duration_seconds", extra) + f" {SCRAPE_DURATION_SECONDS} "
        t = start
        while t <= end:
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
            t += recent_step if recent_step and t >= end - recent else step
        fh.write("# EOF\n")
    return count


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        raise FileNotFoundError("promtool is missing: run `make tools` (Debian package prometheus)")
    return path


def backfill(workload: Workload, data_dir: str, *, length: float, step: float, target: dict[str, str],
             recent: float = 0.0, recent_step: float | None = None, end: float | None = None, log=print) -> int:
    """Write ``length`` seconds of history ending at ``end`` (now) into the Prometheus data dir ``data_dir``."""
    end = time.time() if end is None else end
    start = end - length
    workload.wall = start  # the service started when its history starts,
    workload.anchor = end  # and its simulated clock meets the wall clock now
    os.makedirs(data_dir, exist_ok=True)
    source = os.path.join(data_dir, "history.om")
    began = time.monotonic()
    samples = write_openmetrics(workload, source, start=start, end=end, step=step, target=target, recent=recent,
                                recent_step=recent_step)
    written = time.monotonic() - began
    try:
        # One block for the whole history: promtool reads the file once per block.
        result = subprocess.run(
            [promtool(), "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=100h", source, data_dir],
            capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(source)
    if result.returncode != 0:
        raise RuntimeError(f"promtool could not create blocks from the history:\n{result.stderr or result.stdout}")
    log(f"history: {samples} samples over {length / 3600:.1f} h written in {written:.1f} s, "
        f"blocks created in {time.monotonic() - began - written:.1f} s")
    return samples
