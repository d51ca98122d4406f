"""History for a fresh Prometheus: the workload's past written as OpenMetrics and turned into TSDB blocks by
``promtool tsdb create-blocks-from openmetrics``, so that rules and panels comparing with yesterday have a
yesterday. Samples carry the ``job`` and ``instance`` labels the live scrape will attach, so history and live
data are the same series.

A naming pushed over OTLP (:class:`Spelling`) has its history written as the receiver stores the pushes: the
translation's names (dotted under ``NoUTF8EscapingWithSuffixes``, in OpenMetrics' quoted form), without the
labels the receiver does not write (``otel_scope_*``), ``le`` as a plain decimal (``le="1"``, where a scrape of
Prometheus 3 stores ``1.0``; without a ``# TYPE`` line, so that promtool keeps the spelling), and
``target_info`` instead of the scrape's ``up`` and duration."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from .. import bounds, names
from ..otlp import Translation, settings, translation_of
from .workload import Workload


@dataclass(frozen=True)
class Spelling:
    """How Prometheus stores the workload's series: scraped (the catalog's names), or pushed over OTLP."""

    otlp: bool = False
    translation: Translation | None = None  # the receiver's names (None: the catalog's)
    resource: dict[str, str] = field(default_factory=dict)  # target_info's labels (catalog names)

    @classmethod
    def of(cls, project, catalog) -> Spelling:
        if settings(project)[0] != "otlp":
            return cls()
        return cls(True, translation_of(project, catalog))

    def series(self, metric: str, name: str, labels) -> tuple[str, tuple]:
        """(stored name, stored labels) of a series of catalog metric ``metric``."""
        if not self.otlp:
            return name, labels
        t = self.translation
        out = []
        for k, v in labels:
            if t is not None and not t.keeps(metric, k):
                continue
            out.append((t.label(k) if t is not None else k, bounds.otlp(float(v)) if k == "le" else v))
        return (t.name(name) if t is not None else name), tuple(out)

    def label(self, name: str) -> str:
        return self.translation.label(name) if self.translation is not None else name

# Series Prometheus itself records for each scrape, written too so that `up` and scrape panels have a past.
SCRAPE_DURATION_SECONDS = 0.004


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _selector(name: str, labels) -> str:
    inner = ",".join(f'{names.label(k)}="{_escape(v)}"' for k, v in labels)
    if names.legacy(name):
        return name + "{" + inner + "}"
    return "{" + names.quoted(name) + ("," + inner if inner else "") + "}"  # OpenMetrics' quoted UTF-8 name


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


def write_openmetrics(workload: Workload, path: str, times: list[float], target: dict[str, str],
                      spelling: Spelling | None = None, keep: set[str] | None = None) -> int:
    """Advance ``workload`` through ``times`` (ascending wall-clock seconds), writing every series at each to
    ``path`` as Prometheus stores it (``spelling``: scraped by default); return the number of samples. ``target``
    holds the job and instance labels; ``keep``, when given, the stored names to write (the scrape's or the
    receiver's own series are always written)."""
    spelling = spelling or Spelling()
    extra = tuple(sorted(target.items()))
    prefixes: dict = {}
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        families = workload.samples(times[0])
        if spelling.otlp:  # no TYPE: promtool would write a histogram's le="1" as "1.0", which OTLP does not
            resource = getattr(workload, "resource_labels", dict)()
            reporting = [_selector("target_info", tuple(sorted(
                extra + tuple((spelling.label(k), v) for k, v in resource.items())))) + " 1 "]
        else:
            for metric, _ in families:
                family = metric.name[:-len("_total")] if metric.type == "counter" else metric.name
                fh.write(f"# HELP {family} {_escape(metric.help)}\n# TYPE {family} {metric.type}\n")
            fh.write("# HELP up Whether the last scrape succeeded.\n# TYPE up gauge\n"
                     "# HELP scrape_duration_seconds Duration of the scrape.\n# TYPE scrape_duration_seconds gauge\n")
            reporting = [_selector("up", extra) + " 1 ",
                         _selector("scrape_duration_seconds", extra) + f" {SCRAPE_DURATION_SECONDS} "]
        for t in times:
            stamp = f"{t:.3f}\n"
            lines = []
            for metric, rows in workload.samples(t):
                for name, labels, value in rows:
                    # The workload hands out the same label tuples every time: their id is a cheap, stable key.
                    key = (name, id(labels))
                    prefix = prefixes.get(key)
                    if prefix is None:
                        stored, stored_labels = spelling.series(metric.name, name, labels)
                        written = keep is None or stored in keep
                        prefix = prefixes[key] = _selector(stored, stored_labels + extra) + " " if written else ""
                    if prefix:
                        lines.append(f"{prefix}{value:.10g} {stamp}")
            lines += [r + stamp for r in reporting]
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
# The parts are text, ten times the blocks they become (the GenAI naming's 26 hours: 5.8 GB): written to memory
# (tmpfs) when it has room for the parts alive at once, twice over, so that writing them never makes the disk
# of a machine running live stacks wait (a Prometheus' write-ahead log, a scrape).
MEMORY = "/dev/shm"


def _estimated_bytes(workload: Workload, at: float, target: dict[str, str]) -> int:
    """About how many bytes one sample time of the history takes as OpenMetrics."""
    extra = sum(len(k) + len(v) + 4 for k, v in target.items())
    return sum(len(name) + sum(len(k) + len(str(v)) + 4 for k, v in labels) + extra + 32
               for _, rows in workload.samples(at) for name, labels, _ in rows)


def _scratch(data_dir: str, part_bytes: int, alive: int) -> str:
    """A new directory for the parts: in memory when there is room for ``alive`` parts twice over, else beside
    the blocks."""
    try:
        room = shutil.disk_usage(MEMORY).free
    except OSError:
        room = 0
    return tempfile.mkdtemp(prefix="history.", dir=MEMORY if room > 2 * alive * part_bytes else data_dir)


def backfill(workload: Workload, data_dir: str, *, length: float, step: float, target: dict[str, str],
             recent: float = 0.0, recent_step: float | None = None, end: float | None = None,
             spelling: Spelling | None = None, keep: set[str] | None = None, log=print) -> int:
    """Write ``length`` seconds of history ending at ``end`` (now) into the Prometheus data dir ``data_dir``: every
    series, or those whose stored name is in ``keep``."""
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
    parallel = os.cpu_count() or 1
    scratch = _scratch(data_dir, _estimated_bytes(workload, times[0], target) * size, parallel + 1)
    try:
        for index, part in enumerate(parts):
            source = os.path.join(scratch, f"history-{index}.om")
            try:
                samples += write_openmetrics(workload, source, part, target, spelling, keep)
            except BaseException:
                if os.path.exists(source):
                    os.unlink(source)
                raise
            while len(running) >= parallel:
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
        shutil.rmtree(scratch, ignore_errors=True)
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
