"""`make test`: every suite, in two parts that run side by side.

- The live suites (pytest marker ``live``): stacks and workloads that must answer in real time. They spend most of
  their time waiting for alerts' (compressed) ``for``, for notifications and for histories to be written, and need
  CPU at once: they run at normal priority, one at a time (LIVE_WORKERS=2: on two xdist workers, whole files per
  worker; measured unsafe: two GenAI workloads at once left one unanswering for 10 s).
- Everything else: CPU-bound (promtool over every scenario and mutant, builds, lint over the corpus). It runs on
  TEST_WORKERS pytest-xdist workers (whole files per worker) at the lowest priority (``nice 19``), so it takes
  what the live part leaves and never delays a scrape, an evaluation or a notification.

The live part's output goes to a log (``.test-live.log``) and is printed whole when both parts are done, so the
two never interleave; the exit status is the worse of the two. ``TEST_OVERLAP=0`` runs the parts one after the
other (the live part last), as `make test` did before it was measured safe: see docs/internals/testing.md.

Usage: ``python tests/run_suites.py [pytest arguments]`` (the Makefile passes ``ARGS``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIVE_LOG = os.path.join(ROOT, ".test-live.log")
NO_TESTS = 5  # pytest's exit status when the selection holds no test


def _commands(args: list[str]) -> tuple[list[str], list[str]]:
    workers = os.environ.get("TEST_WORKERS", "2")
    pytest = [sys.executable, "-m", "pytest"]
    rest = pytest + ["-m", "not live"] + (["-n", workers, "--dist", "loadfile"] if workers != "0" else []) + args
    live_workers = os.environ.get("LIVE_WORKERS", "2")
    # Whole groups per worker (tests/conftest.py LIVE_GROUPS): the timed alerts on one, the other live suites,
    # whose stacks are only read, on the other; the tests of a group run in order and share its stacks
    live = pytest + ["-m", "live"] + (["-n", live_workers, "--dist", "loadgroup"] if live_workers != "0" else []) + args
    return rest, live


def _niced(command: list[str]) -> list[str]:
    nice = shutil.which("nice")
    return [nice, "-n", "19", *command] if nice else command


def _status(*codes: int) -> int:
    """The worse of the parts' statuses; a part whose selection (``ARGS``) holds no test is no failure while the
    other ran some."""
    ran = [c for c in codes if c != NO_TESTS]
    if not ran:
        return NO_TESTS
    return max(ran, key=lambda c: (c != 0, c))


def main(args: list[str]) -> int:
    rest, live = _commands(args)
    if os.environ.get("TEST_OVERLAP", "1") == "0":
        print("TEST_OVERLAP=0: the suites without live stacks first, then the live ones", flush=True)
        first = subprocess.call(rest, cwd=ROOT)
        return _status(first, subprocess.call(live, cwd=ROOT))
    began = time.monotonic()
    with open(LIVE_LOG, "w", encoding="utf-8") as log:
        print(f"the live suites run alongside, at normal priority; their output: {os.path.relpath(LIVE_LOG)} "
              "(printed at the end)", flush=True)
        live_proc = subprocess.Popen(live, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            first = subprocess.call(_niced(rest), cwd=ROOT)
            if live_proc.poll() is None:
                print(f"\nwaiting for the live suites ({time.monotonic() - began:.0f} s so far; "
                      f"tail -f {os.path.relpath(LIVE_LOG)})", flush=True)
            second = live_proc.wait()
        except KeyboardInterrupt:  # Ctrl-C reached both parts (one process group): the live one tears its stacks down
            live_proc.wait()
            return 130
    print("\n" + "=" * 30 + " the live suites " + "=" * 30, flush=True)
    with open(LIVE_LOG, encoding="utf-8") as fh:
        sys.stdout.write(fh.read())
    status = _status(first, second)
    print(f"\nmake test: the suites without live stacks exited {first}, the live suites {second}, "
          f"in {time.monotonic() - began:.0f} s", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
