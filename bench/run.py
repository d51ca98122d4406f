"""Benchmarks: ``make bench`` (or ``python bench/run.py``) prints a table of medians and ratios.

Every figure is the median of several runs and is set against a reference measured in the same command, run
for run, in alternating order, so that a noisy machine moves both sides alike:

- lint of N rules (one file, every check) with ``python -m generator lint`` against ``promtool check rules`` on the
  same file (two commands);
- build: our normalisation and serialisation of N grafanalib dashboards against grafanalib's own
  ``json.dumps(dashboard.to_json_data(), sort_keys=True, indent=2)`` of the same objects (in one process);
- lint of the same N dashboards (as files), against their build;
- push of 300 dashboards to the stand-in Grafana with 20 ms latency per request: first push, a push where nothing
  changed, a push with one change; against a naive push that POSTs every dashboard with ``overwrite: true`` one
  after the other, as scripts and always-overwrite tools do;
- start-up: ``python -m generator --help`` against a bare ``python -c pass``.

Peak memory is the maximum resident set size of the process (or command) that ran the figure.
Sizes grow 1x, 4x, 16x (the 4x size is the one the goals name) so that the table shows whether cost grows
linearly.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
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


def write_dashboards(size: int, directory: str) -> list[str]:
    """The benchmark's N dashboards, built and written as files (for the lint figure)."""
    from generator.build import dump_json, render_dashboard
    from generator.catalog import load_catalog

    from inputs import dashboards

    os.makedirs(directory, exist_ok=True)
    paths = []
    for d in dashboards(load_catalog(os.path.join(ROOT, "catalog")), size):
        path = os.path.join(directory, f"{d.uid}.json")
        with open(path, "wb") as fh:
            fh.write(dump_json(render_dashboard(d)))
        paths.append(path)
    return paths


def measure_push(size: int, order: str) -> dict:
    """Three pushes of ``size`` dashboards (first, unchanged, one change) and the naive reference."""
    import copy

    import requests

    from generator.grafana import folders
    from generator.grafana.client import GrafanaClient
    from generator.grafana.config import Credentials, GrafanaSettings
    from generator.grafana.push import Dashboard, Pusher
    from generator.grafana.standin import StandInGrafana

    paths = write_dashboards(size, os.path.join(os.environ["BENCH_TMP"], f"push-{size}"))
    dashboards = []
    for path in paths:
        with open(path) as fh:
            data = json.load(fh)
        dashboards.append(Dashboard(data["uid"], data, path))
    out = {}

    def ours():
        with StandInGrafana(latency=LATENCY) as grafana:
            settings = GrafanaSettings(url=grafana.url, credentials=Credentials(token=grafana.token))
            with GrafanaClient(settings, pool_size=4) as client:
                folder = folders.resolve(client, ["Bench"], leaf_uid="bench", create=True)
                pusher = Pusher(client, folder, jobs=4, conflicts_dir=os.environ["BENCH_TMP"])
                changed = list(dashboards)
                changed[0] = Dashboard(changed[0].uid, {**copy.deepcopy(changed[0].data), "title": "Changed"})
                for name, batch in (("first", dashboards), ("unchanged", dashboards), ("one change", changed)):
                    grafana.reset_counters()
                    start = time.perf_counter()
                    report = pusher.push(batch)
                    assert report.ok, [o for o in report.outcomes if o.action in ("conflict", "failed")]
                    out[name] = {"seconds": time.perf_counter() - start, "requests": grafana.total_requests,
                                 "writes": grafana.applied_writes}

    def naive():
        with StandInGrafana(latency=LATENCY) as grafana:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {grafana.token}"
            session.post(f"{grafana.url}/api/folders", json={"uid": "bench", "title": "Bench"}).raise_for_status()
            grafana.reset_counters()
            start = time.perf_counter()
            for d in dashboards:
                session.post(f"{grafana.url}/api/dashboards/db",
                             json={"dashboard": d.data, "folderUid": "bench", "overwrite": True}).raise_for_status()
            out["naive"] = {"seconds": time.perf_counter() - start, "requests": grafana.total_requests,
                            "writes": grafana.applied_writes}

    for fn in ((naive, ours) if order == "ref-first" else (ours, naive)):
        fn()
    return {**out, "peak_mib": _peak_mib()}


LATENCY = 0.020


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


def bench_lint_rules(table: Table, sizes: list[int], runs: int, tmp: str) -> None:
    import yaml

    from generator.catalog import load_catalog

    from inputs import rule_file

    catalog = load_catalog(os.path.join(ROOT, "catalog"))
    promtool = os.environ.get("PROMTOOL", "promtool")
    for size in sizes:
        path = os.path.join(tmp, f"rules-{size}.yml")
        with open(path, "w") as fh:
            yaml.safe_dump(rule_file(catalog, size), fh, sort_keys=False, width=200)
        ours, ref = [], []
        pair = [([sys.executable, "-m", "generator", "lint", "--catalog", os.path.join(ROOT, "catalog"),
                  "--format", "json", path], ours), ([promtool, "check", "rules", path], ref)]
        for i in range(runs):
            for cmd, sink in (pair if i % 2 == 0 else reversed(pair)):
                sink.append(run_command(cmd))
        table.add("lint rules (all checks)", size, statistics.median(t for t, _ in ours), max(m for _, m in ours),
                  "promtool check rules", statistics.median(t for t, _ in ref), max(m for _, m in ref))


def bench_lint_dashboards(table: Table, sizes: list[int], runs: int, tmp: str) -> None:
    for size in sizes:
        directory = os.path.join(tmp, f"dashboards-{size}")
        start = time.perf_counter()
        paths = write_dashboards(size, directory)
        build = time.perf_counter() - start
        ours = [run_command([sys.executable, "-m", "generator", "lint", "--catalog", os.path.join(ROOT, "catalog"),
                             "--format", "json", *paths]) for _ in range(runs)]
        table.add("lint dashboards (files)", size, statistics.median(t for t, _ in ours), max(m for _, m in ours),
                  "their build (in process)", build, None, "lint per dashboard: "
                  f"{1000 * statistics.median(t for t, _ in ours) / size:.1f} ms")


def bench_push(table: Table, size: int, runs: int) -> None:
    results = [run_child("push", size, "ref-first" if i % 2 == 0 else "ours-first") for i in range(runs)]
    peak = max(r["peak_mib"] for r in results)
    naive = statistics.median(r["naive"]["seconds"] for r in results)
    naive_requests = results[0]["naive"]["requests"]
    for name in ("first", "unchanged", "one change"):
        seconds = statistics.median(r[name]["seconds"] for r in results)
        requests = results[0][name]["requests"]
        writes = sorted({r[name]["writes"] for r in results})
        table.add(f"push ({name})", size, seconds, peak, "naive overwrite push", naive, peak,
                  f"{requests} requests, writes: {'/'.join(map(str, writes))} "
                  f"(naive: {naive_requests} requests, {naive_requests} writes); 20 ms per request")


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
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 runs, to try the runner out")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, size, order = args.child
        measure = {"build": measure_build, "push": measure_push}[kind]
        print(json.dumps(measure(int(size), order)))
        return 0
    runs = 3 if args.quick else args.runs
    dashboards = [10, 40, 160] if args.quick else [250, 1000, 4000]
    rules = [250, 1000, 4000] if args.quick else [2500, 10000, 40000]
    table = Table()
    print(f"benchmarks ({runs} runs each, medians; python {sys.version.split()[0]}, {os.cpu_count()} cpus)",
          file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        os.environ["BENCH_TMP"] = tmp
        bench_startup(table, runs)
        bench_lint_rules(table, rules, runs, tmp)
        bench_build(table, dashboards, runs)
        bench_lint_dashboards(table, dashboards, runs, tmp)
        bench_push(table, 30 if args.quick else 300, runs)
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    sys.exit(main())
