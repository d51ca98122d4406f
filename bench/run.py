"""Benchmarks: ``make bench`` (or ``python bench/run.py``) prints a table of medians and ratios.

Every figure is the median of several runs and is set against a reference measured in the same command, run
for run, in alternating order, so that a noisy machine moves both sides alike:

- lint of N rules (one file, every check) with ``python -m generator lint`` against ``promtool check rules`` on the
  same file (two commands);
- build: our normalisation and serialisation of N grafanalib dashboards against grafanalib's own
  ``json.dumps(dashboard.to_json_data(), sort_keys=True, indent=2)`` of the same objects (in one process);
- lint of 1,000 dashboards (as files), against building them;
- push of 300 dashboards to the stand-in Grafana with 20 ms latency per request: first push, a push where nothing
  changed, a push with one change; against a naive push that POSTs every dashboard with ``overwrite: true`` one
  after the other, as scripts and always-overwrite tools do;
- start-up: ``python -m generator --help`` against a bare ``python -c pass``;
- real-world input (``../shared/realworld/``, skipped when absent): lint of every rule file in one run against
  ``promtool check rules`` on the same files, and lint ``--no-catalog`` of every dashboard in one run;
- the anchors (bench/anchors.py; built by ``make tools-anchors``, skipped saying so when absent): pint's
  ``--offline lint`` of the real-world rule files against our lint, and what each finds; sloth's rules for the
  repository's objectives against ours: rules, windows read, promtool evaluating both over the same series.

Peak memory is the maximum resident set size of the process (or command) that ran the figure. Inputs are made by
child processes, so that the runner stays small (a child inherits its parent's peak on Linux). Sizes grow 1x,
4x, 16x so that the table shows whether cost grows linearly; the sizes the goals name (10,000 rules, 1,000
dashboards) are in the table too.
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
CATALOG = os.path.join(ROOT, "catalog")
LATENCY = 0.020  # per request to the stand-in Grafana
REALWORLD = os.path.join(ROOT, "..", "shared", "realworld")


# ---------------------------------------------------------------------------------------------------------------
# Work done in child processes (``run.py --child KIND ARGS...``), each printing one JSON object


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _catalog():
    from generator.catalog import load_catalog

    return load_catalog(CATALOG)


def child_rules(size: str, path: str) -> dict:
    import yaml
    from inputs import rule_file

    with open(path, "w") as fh:
        yaml.safe_dump(rule_file(_catalog(), int(size)), fh, sort_keys=False, width=200)
    return {}


def child_dashboards(size: str, directory: str) -> dict:
    """Build the benchmark's dashboards and write them as files; report how long the build took."""
    from inputs import dashboards

    from generator.build import render_dashboard
    from generator.output import dump_json

    objects = dashboards(_catalog(), int(size))
    os.makedirs(directory, exist_ok=True)
    start = time.perf_counter()
    for d in objects:
        with open(os.path.join(directory, f"{d.uid}.json"), "wb") as fh:
            fh.write(dump_json(render_dashboard(d)[0]))
    return {"seconds": time.perf_counter() - start}


def child_build(size: str, runs: str) -> dict:
    """Serialise the same objects both ways, ``runs`` times each, alternating which goes first."""
    from grafanalib._gen import DashboardEncoder
    from inputs import dashboards

    from generator.build import render_dashboard
    from generator.output import dump_json

    objects = dashboards(_catalog(), int(size))

    def reference():
        for d in objects:
            json.dumps(d.to_json_data(), sort_keys=True, indent=2, cls=DashboardEncoder)

    def ours():
        for d in objects:
            dump_json(render_dashboard(d)[0])

    times: dict[str, list[float]] = {"reference": [], "ours": []}
    for i in range(int(runs)):
        for name, fn in ((("reference", reference), ("ours", ours)) if i % 2 == 0
                         else (("ours", ours), ("reference", reference))):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()} | {"peak_mib": _peak_mib()}


def _serve_standin(conn) -> None:
    """The stand-in Grafana in a process of its own, so that its JSON work does not share the pusher's GIL."""
    if ROOT not in sys.path:  # the stand-in is test support (tests/), not part of the installed package
        sys.path.insert(0, ROOT)
    from tests.grafana_standin import StandInGrafana

    with StandInGrafana(latency=LATENCY) as grafana:
        conn.send((grafana.url, grafana.token))
        conn.recv()  # until told to stop


class _StandIn:
    def __enter__(self):
        import multiprocessing

        self.conn, theirs = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(target=_serve_standin, args=(theirs,))
        self.process.start()
        self.url, self.token = self.conn.recv()
        return self

    def __exit__(self, *exc):
        self.conn.send("stop")
        self.process.join(timeout=10)


def child_push(directory: str, order: str) -> dict:
    """Three pushes of the dashboards in ``directory`` (first, unchanged, one change) and the naive reference.

    Requests and writes are counted by the client (no fault is injected, so nothing is retried)."""
    import copy

    import requests

    from generator.grafana import folders
    from generator.grafana.client import GrafanaClient
    from generator.grafana.config import Credentials, GrafanaSettings
    from generator.grafana.push import Pusher, load_dashboards

    dashboards = load_dashboards(directory)
    out = {}

    def ours():
        with _StandIn() as grafana:
            settings = GrafanaSettings(url=grafana.url, credentials=Credentials(token=grafana.token))
            with GrafanaClient(settings, pool_size=4) as client, tempfile.TemporaryDirectory() as conflicts:
                folder = folders.resolve(client, ["Bench"], leaf_uid="bench", create=True)
                pusher = Pusher(client, folder, jobs=4, conflicts_dir=conflicts)
                changed = list(dashboards)
                first = changed[0]
                changed[0] = type(first)(first.uid, {**copy.deepcopy(first.data), "title": "Changed"}, first.source)
                for name, batch in (("first", dashboards), ("unchanged", dashboards), ("one change", changed)):
                    requests_before, writes_before = client.requests_sent, client.writes_sent
                    start = time.perf_counter()
                    report = pusher.push(batch)
                    seconds = time.perf_counter() - start
                    if not report.ok:
                        failed = [o for o in report.outcomes if o.action != "unchanged"]
                        raise SystemExit(f"push {name} failed: {failed}")
                    out[name] = {"seconds": seconds, "requests": client.requests_sent - requests_before,
                                 "writes": client.writes_sent - writes_before}

    def naive():
        with _StandIn() as grafana:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {grafana.token}"
            session.post(f"{grafana.url}/api/folders", json={"uid": "bench", "title": "Bench"}).raise_for_status()
            start = time.perf_counter()
            for d in dashboards:
                session.post(f"{grafana.url}/api/dashboards/db",
                             json={"dashboard": d.data, "folderUid": "bench", "overwrite": True}).raise_for_status()
            out["naive"] = {"seconds": time.perf_counter() - start, "requests": len(dashboards),
                            "writes": len(dashboards)}

    for fn in ((naive, ours) if order == "ref-first" else (ours, naive)):
        fn()
    return out | {"peak_mib": _peak_mib()}


CHILDREN = {"rules": child_rules, "dashboards": child_dashboards, "build": child_build, "push": child_push}


# ---------------------------------------------------------------------------------------------------------------
# The runner


def run_child(kind: str, *args) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--child", kind, *map(str, args)]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": HERE})
    if out.returncode != 0:
        raise SystemExit(f"benchmark step {kind} {args} failed:\n{out.stderr}")
    return json.loads(out.stdout)


# Commands run as on a user's machine: with Python's bytecode cache (a sandbox may set PYTHONDONTWRITEBYTECODE,
# which makes every run compile every module again).
COMMAND_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_command(cmd: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=COMMAND_ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # lint exits 1 when it finds errors; that is a result, not a failure
        raise SystemExit(f"{' '.join(cmd[:4])} ... exited with {code}")
    return elapsed, usage.ru_maxrss / 1024


def alternate(runs: int, ours: list[str], reference: list[str]) -> tuple[list, list]:
    """Both commands ``runs`` times, alternating which goes first."""
    mine, theirs = [], []
    for i in range(runs):
        pair = [(ours, mine), (reference, theirs)]
        for cmd, sink in (pair if i % 2 == 0 else reversed(pair)):
            sink.append(run_command(cmd))
    return mine, theirs


class Table:
    HEAD = ("figure", "size", "ours (s)", "ours peak MiB", "reference", "ref (s)", "ref peak MiB", "ratio", "note")

    def __init__(self):
        self.rows = []

    def add(self, figure, size, ours, ours_mib, ref_name="", ref=None, ref_mib=None, note=""):
        ratio = f"{ours / ref:.2f}" if ref else ""
        row = [figure, f"{size:,}", f"{ours:.3f}", f"{ours_mib:.0f}", ref_name,
               f"{ref:.3f}" if ref is not None else "", f"{ref_mib:.0f}" if ref_mib else "", ratio, note]
        self.rows.append(row)
        print("  " + " | ".join(row), file=sys.stderr, flush=True)

    def markdown(self) -> str:
        lines = ["| " + " | ".join(self.HEAD) + " |", "|" + "---|" * len(self.HEAD)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in self.rows])


def median_of(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(t for t, _ in pairs), max(m for _, m in pairs)


def bench_startup(table: Table, runs: int) -> None:
    ours, ref = alternate(runs, [sys.executable, "-m", "generator", "--help"], [sys.executable, "-c", "pass"])
    table.add("start-up: --help", 1, *median_of(ours), "python -c pass", *median_of(ref))


def bench_lint_rules(table: Table, sizes: list[int], runs: int, tmp: str) -> None:
    promtool = os.environ.get("PROMTOOL", "promtool")
    for size in sizes:
        path = os.path.join(tmp, f"rules-{size}.yml")
        run_child("rules", size, path)
        ours, ref = alternate(runs, [sys.executable, "-m", "generator", "lint", "--catalog", CATALOG, "--format",
                                     "json", path], [promtool, "check", "rules", path])
        table.add("lint rules (all checks)", size, *median_of(ours), "promtool check rules", *median_of(ref))


def _realworld(folder: str, suffixes: tuple[str, ...]) -> list[str]:
    path = os.path.join(REALWORLD, folder)
    return sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(suffixes)) \
        if os.path.isdir(path) else []


def bench_realworld(table: Table, runs: int) -> None:
    rules = _realworld("rules", (".yml", ".yaml"))
    if not rules:
        print(f"skipping the real-world figures: {REALWORLD} is absent", file=sys.stderr)
        return
    promtool = os.environ.get("PROMTOOL", "promtool")
    for flag, label in (([], "lint real-world rules"), (["--no-catalog"], "lint real-world rules, no catalog")):
        catalog = [] if flag else ["--catalog", CATALOG]
        ours, ref = alternate(runs, [sys.executable, "-m", "generator", "lint", *flag, *catalog, "--format", "json",
                                     *rules], [promtool, "check", "rules", *rules])
        table.add(label, len(rules), *median_of(ours), "promtool check rules", *median_of(ref), note="files")
    dashboards = _realworld("dashboards", (".json",))
    ours = [run_command([sys.executable, "-m", "generator", "lint", "--no-catalog", "--format", "json", *dashboards])
            for _ in range(runs)]
    table.add("lint real-world dashboards, no catalog", len(dashboards), *median_of(ours), note="files")


def bench_build(table: Table, sizes: list[int], runs: int) -> None:
    for size in sizes:
        r = run_child("build", size, runs)
        table.add("build dashboards (20 panels)", size, r["ours"], r["peak_mib"], "grafanalib json.dumps",
                  r["reference"], r["peak_mib"], "both in one process")


def bench_lint_dashboards(table: Table, size: int, runs: int, tmp: str) -> str:
    directory = os.path.join(tmp, f"dashboards-{size}")
    built = run_child("dashboards", size, directory)["seconds"]
    paths = sorted(os.path.join(directory, f) for f in os.listdir(directory))
    ours = [run_command([sys.executable, "-m", "generator", "lint", "--catalog", CATALOG, "--format", "json",
                         *paths]) for _ in range(runs)]
    seconds, peak = median_of(ours)
    table.add("lint dashboards (files)", size, seconds, peak, "building them", built, None,
              f"{1000 * seconds / size:.1f} ms per dashboard")
    return directory


def bench_push(table: Table, directory: str, runs: int) -> None:
    results = [run_child("push", directory, "ref-first" if i % 2 == 0 else "ours-first") for i in range(runs)]
    size = len(os.listdir(directory))
    peak = max(r["peak_mib"] for r in results)
    naive = statistics.median(r["naive"]["seconds"] for r in results)
    naive_requests = results[0]["naive"]["requests"]
    for name in ("first", "unchanged", "one change"):
        seconds = statistics.median(r[name]["seconds"] for r in results)
        writes = "/".join(str(w) for w in sorted({r[name]["writes"] for r in results}))
        table.add(f"push ({name})", size, seconds, peak, "naive overwrite push", naive, peak,
                  f"{results[0][name]['requests']} requests, {writes} writes (naive: {naive_requests} requests, "
                  f"{naive_requests} writes); 20 ms per request")


FIGURES = ("startup", "lint-rules", "realworld", "build", "lint-dashboards", "push", "pint", "sloth")


def _push_dir(tmp: str, size: int) -> str:
    directory = os.path.join(tmp, f"push-{size}")
    run_child("dashboards", size, directory)
    return directory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the runner out")
    parser.add_argument("--only", nargs="+", choices=FIGURES, metavar="FIGURE",
                        help=f"only these figures ({', '.join(FIGURES)}; default: all)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        print(json.dumps(CHILDREN[kind](*rest)))
        return 0
    runs = args.runs
    if args.quick:
        rules, dashboards, lint_size, push_size = [250, 1000, 4000], [10, 40, 160], 40, 30
    else:
        rules, dashboards, lint_size, push_size = [2500, 10000, 40000], [100, 400, 1000, 1600], 1000, 300
    table = Table()
    notes: list[str] = []  # what a figure adds below the table (the anchors' findings and counts)
    print(f"benchmarks ({runs} runs each, medians; python {sys.version.split()[0]}, {os.cpu_count()} cpus)",
          file=sys.stderr)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        run_command([sys.executable, "-m", "generator", "lint", "--help"])  # fills the bytecode cache once
        figures = {
            "startup": lambda: bench_startup(table, max(runs, 5)),
            "lint-rules": lambda: bench_lint_rules(table, rules, runs, tmp),
            "realworld": lambda: bench_realworld(table, runs),
            "build": lambda: bench_build(table, dashboards, runs),
            "lint-dashboards": lambda: bench_lint_dashboards(table, lint_size, runs, tmp),
            "push": lambda: bench_push(table, _push_dir(tmp, push_size), runs),
            "pint": lambda: notes.append(anchors.bench_pint(sys.modules[__name__], table, runs,
                                                            _realworld("rules", (".yml", ".yaml")))),
            "sloth": lambda: notes.append(anchors.bench_sloth(sys.modules[__name__], table, runs, tmp)),
        }
        for name in FIGURES:
            if not args.only or name in args.only:
                figures[name]()
    print(table.markdown())
    for note in filter(None, notes):
        print(f"\n{note}")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    import anchors

    sys.exit(main())
