"""`make test`: every suite, in three parts that run side by side, each at its own priority.

- *Alerts* (pytest markers ``live`` and ``realtime``: tests/test_live_alerts.py): time-compressed stacks whose
  delays from a fault to the webhook are measured. They mostly wait (a compressed ``for``, a notification) but need
  CPU at once: normal priority, one test at a time.
- *Stacks* (``live`` but not ``realtime``): stacks and workloads that must answer, but where nothing is timed to
  the second: validate over a written history, the preview, OTLP pushes, the workload, the exporter. Writing a
  GenAI history is minutes of CPU; at ``nice 10`` it takes what the alerts leave (a CPU the two want goes to the
  alerts nine times in ten), so it never delays a scrape, an evaluation or a notification of theirs.
- *The rest*: CPU-bound (promtool over every scenario and mutant, builds, lint over the corpus), on TEST_WORKERS
  pytest-xdist workers (whole files per worker) at the lowest priority (``nice 19``).

The two live parts' output goes to logs (``.test-live.log``, ``.test-stacks.log``), printed whole when every part
is done, so that none interleave; the exit status is the worst of the three. ``TEST_OVERLAP=0`` runs the parts
one after the other (the rest first), as `make test` did before it was measured safe: see
docs/internals/testing.md.

Usage: ``python tests/run_suites.py [pytest arguments]`` (the Makefile passes ``ARGS``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NO_TESTS = 5  # pytest's exit status when the selection holds no test


@dataclass
class Part:
    name: str
    command: list[str]
    nice: int
    log: str | None  # None: its output goes to the terminal as it runs


def parts(args: list[str]) -> list[Part]:
    pytest = [sys.executable, "-m", "pytest"]
    workers = os.environ.get("TEST_WORKERS", "2")
    xdist = ["-n", workers, "--dist", "loadfile"] if workers != "0" else []
    return [
        Part("the suites without live stacks", pytest + ["-m", "not live"] + xdist + args, 19, None),
        Part("the timed alerts", pytest + ["-m", "live and realtime"] + args, 0, os.path.join(ROOT, ".test-live.log")),
        Part("the other live stacks", pytest + ["-m", "live and not realtime"] + args, 10,
             os.path.join(ROOT, ".test-stacks.log")),
    ]


def _niced(command: list[str], level: int) -> list[str]:
    nice = shutil.which("nice")
    return [nice, "-n", str(level), *command] if nice and level else command


def _status(*codes: int) -> int:
    """The worst of the parts' statuses; a part whose selection (``ARGS``) holds no test is no failure while
    another ran some."""
    ran = [c for c in codes if c != NO_TESTS]
    if not ran:
        return NO_TESTS
    return max(ran, key=lambda c: (c != 0, c))


def main(args: list[str]) -> int:
    every = parts(args)
    began = time.monotonic()
    if os.environ.get("TEST_OVERLAP", "1") == "0":
        print("TEST_OVERLAP=0: the parts one after the other", flush=True)
        return _status(*(subprocess.call(p.command, cwd=ROOT) for p in every))
    foreground, background = every[0], every[1:]
    print("beside them, at higher priorities: " + ", ".join(
        f"{p.name} (output: {os.path.relpath(p.log, ROOT)}, printed at the end)" for p in background), flush=True)
    logs, running = [], []
    try:
        for part in background:
            logs.append(open(part.log, "w", encoding="utf-8"))  # closed below
            running.append(subprocess.Popen(_niced(part.command, part.nice), cwd=ROOT, stdout=logs[-1],
                                            stderr=subprocess.STDOUT))
        first = subprocess.call(_niced(foreground.command, foreground.nice), cwd=ROOT)
        if any(p.poll() is None for p in running):
            print(f"\nwaiting for the live parts ({time.monotonic() - began:.0f} s so far; tail -f "
                  + " ".join(os.path.relpath(p.log, ROOT) for p in background) + ")", flush=True)
        codes = [p.wait() for p in running]
    except KeyboardInterrupt:  # Ctrl-C reached every part (one process group): the live ones tear their stacks down
        for p in running:
            p.wait()
        return 130
    finally:
        for fh in logs:
            fh.close()
    for part in background:
        print("\n" + "=" * 30 + f" {part.name} " + "=" * 30, flush=True)
        with open(part.log, encoding="utf-8") as fh:
            sys.stdout.write(fh.read())
    status = _status(first, *codes)
    print(f"\nmake test: {', '.join(f'{p.name} exited {c}' for p, c in zip(every, [first, *codes], strict=True))}; "
          f"in {time.monotonic() - began:.0f} s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
