"""Benchmarks: ``make bench`` (or ``python bench/run.py``) prints a table of medians and ratios.

Every figure is the median of several runs and is set against a reference measured in the same command, run
for run, in alternating order, so that a noisy machine moves both sides alike:

- build: our normalisation and serialisation of N grafanalib dashboards against grafanalib's own
  ``json.dumps(dashboard.to_json_data(), sort_keys=True, indent=2)`` of the same objects (in one process);
- start-up: ``python -m generator --help`` against a bare ``python -c pass``.

Peak memory is the maximum resident set size of the process (or command) that ran the figure.
Sizes grow 1x, 4x, 16x so that the table shows whether cost grows linearly.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------------------------------------------------------
# Measurements made in a child process (one per run), so that each has its own peak memory


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_build(size: int, order: str) -> dict:
    from grafanalib._gen import DashboardEncoder

    from generator.build import dump_json, render_dashboard
    from generator.catalog import load_catalog

    from inputs import dashboards

    objects = dashboards(load_catalog(os.path.join(ROOT, "catalog")), size)

    def reference():
        for d in objects:
            json.dumps(d.to_json_data(), sort_keys=True, indent=2, cls=DashboardEncoder)

    def ours():
        for d in objects:
            dump_json(render_dashboard(d))

    times = {}
    for name in (("reference", "ours") if order == "ref-first" else ("ours", "reference")):
        start = time.perf_counter()
        (reference if name == "reference" else ours)()
        times[name] = time.perf_counter() - start
    return {**times, "peak_mib": _peak_mib()}


def run_child(kind: str, size: int, order: str) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, str(size), order]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": HERE})
    if out.returncode != 0:
        raise SystemExit(f"benchmark {kind} {size} failed:\n{out.stderr}")
    return json.loads(out.stdout)


def run_command(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return elapsed, usage.ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------------------------
# Figures


class Table:
    def __init__(self):
        self.rows = []

    def add(self, figure, size, ours, ours_mib, ref_name="", ref=None, ref_mib=None, note=""):
        ratio = f"{ours / ref:.2f}" if ref else ""
        self.rows.append([figure, size, f"{ours:.3f}", f"{ours_mib:.0f}", ref_name,
                          f"{ref:.3f}" if ref is not None else "", f"{ref_mib:.0f}" if ref_mib else "", ratio, note])
        print("  " + " | ".join(str(c) for c in self.rows[-1]), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        head = ["figure", "size", "ours (s)", "ours peak MiB", "reference", "ref (s)", "ref peak MiB", "ratio",
                "note"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        return "\n".join(lines)


def bench_build(table: Table, sizes: list[int], runs: int) -> None:
    for size in sizes:
        results = [run_child("build", size, "ref-first" if i % 2 == 0 else "ours-first") for i in range(runs)]
        ours = statistics.median(r["ours"] for r in results)
        ref = statistics.median(r["reference"] for r in results)
        peak = max(r["peak_mib"] for r in results)
        table.add("build dashboards (20 panels)", size, ours, peak, "grafanalib json.dumps", ref, peak,
                  "one process")


def bench_startup(table: Table, runs: int) -> None:
    ours, ref = [], []
    for i in range(runs):
        pair = [([sys.executable, "-m", "generator", "--help"], ours), ([sys.executable, "-c", "pass"], ref)]
        for cmd, sink in (pair if i % 2 == 0 else reversed(pair)):
            sink.append(run_command(cmd))
    table.add("start-up: --help", 1, statistics.median(t for t, _ in ours), max(m for _, m in ours),
              "python -c pass", statistics.median(t for t, _ in ref), max(m for _, m in ref))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure; the median is reported (default 5)")
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 runs, to try the runner out")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, size, order = args.child
        print(json.dumps(measure_build(int(size), order)))
        return 0
    runs = 3 if args.quick else args.runs
    scale = [10, 40, 160] if args.quick else [250, 1000, 4000]
    table = Table()
    print(f"benchmarks ({runs} runs each, medians; python {sys.version.split()[0]}, {os.cpu_count()} cpus)",
          file=sys.stderr)
    bench_startup(table, runs)
    bench_build(table, scale, runs)
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
