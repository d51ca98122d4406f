"""`make test`: every suite, in three parts that run side by side, each at its own priority.

- The timed alerts (pytest markers ``live`` and ``timed``: tests/test_live_alerts.py): stacks whose alerts must
  reach the webhook within their (compressed) ``for``. They mostly wait, but need CPU at once: normal priority.
- The other live suites (``live``, not ``timed``): stacks that are only read (validate, preview) and workloads.
  Most of their time is writing histories, which is CPU work that can wait: at niceness 10, so that the timed
  alerts' stacks keep their pace beside them.
- Everything else: CPU-bound (promtool over every scenario and mutant, builds, lint over the corpus). It runs on
  TEST_WORKERS pytest-xdist workers (whole files per worker) at the lowest priority (``nice 19``), so it takes
  what the live parts leave and never delays a scrape, an evaluation or a notification.

Each part is a session of its own, and so is each process of a stack: under Linux's autogroup scheduling every
session is a scheduling group that shares the CPU by its own niceness, ignoring its processes'. Each part's group
gets the part's niceness (procs.group_niceness), and a stack's processes their starter's (procs.spawn).

The live parts' output goes to logs (``.test-live-timed.log``, ``.test-live.log``), printed whole when every part
is done, so that they never interleave; the exit status is the worst of the three. ``TEST_OVERLAP=0`` runs the
parts one after the other: see docs/internals/testing.md.

Usage: ``python tests/run_suites.py [pytest arguments]`` (the Makefile passes ``ARGS``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from generator.live.procs import group_niceness  # the installed engine (make venv)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NO_TESTS = 5  # pytest's exit status when the selection holds no test
# (title, marker expression, niceness, log) of the live parts
LIVE = [("the timed alerts", "live and timed", 0, ".test-live-timed.log"),
        ("the other live suites", "live and not timed", 10, ".test-live.log")]


def _pytest(marks: str, args: list[str], niceness: int = 0, workers: str = "0") -> list[str]:
    nice = shutil.which("nice")
    prefix = [nice, "-n", str(niceness)] if niceness and nice else []
    spread = ["-n", workers, "--dist", "loadfile"] if workers != "0" else []
    return prefix + [sys.executable, "-m", "pytest", "-m", marks] + spread + args


def _status(*codes: int) -> int:
    """The worst of the parts' statuses; a part whose selection (``ARGS``) holds no test is no failure while another
    ran some."""
    ran = [c for c in codes if c != NO_TESTS]
    if not ran:
        return NO_TESTS
    return max(ran, key=lambda c: (c != 0, c))


def _start(command: list[str], niceness: int, log: str | None = None) -> subprocess.Popen:
    """``command`` in a session of its own whose scheduling group has ``niceness`` (procs.group_niceness: under
    Linux's autogroups the groups share the CPU by their own niceness, not their processes')."""
    out = open(os.path.join(ROOT, log), "w", encoding="utf-8") if log else None
    try:
        proc = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT if out else None,
                                start_new_session=True)
    finally:
        if out:
            out.close()
    group_niceness(proc.pid, niceness)
    return proc


def _interrupted(signum, frame):
    raise KeyboardInterrupt  # a SIGTERM (a CI job cancelled) is passed on as Ctrl-C is


def main(args: list[str]) -> int:
    signal.signal(signal.SIGTERM, _interrupted)
    rest = _pytest("not live", args, 19, os.environ.get("TEST_WORKERS", "2"))
    live = [(title, _pytest(marks, args, niceness), niceness, log) for title, marks, niceness, log in LIVE]
    if os.environ.get("TEST_OVERLAP", "1") == "0":
        print("TEST_OVERLAP=0: the suites without live stacks first, then the live ones", flush=True)
        return _status(subprocess.call(rest, cwd=ROOT), *(subprocess.call(c, cwd=ROOT) for _, c, _, _ in live))
    began = time.monotonic()
    procs = []
    try:
        for title, command, niceness, log in live:
            procs.append(_start(command, niceness, log))
            print(f"{title} run alongside; their output: {log} (printed at the end)", flush=True)
        rest_proc = _start(rest, 19)
        procs.append(rest_proc)
        first = rest_proc.wait()
        if any(p.poll() is None for p in procs):
            print(f"\nwaiting for the live suites ({time.monotonic() - began:.0f} s so far; "
                  f"tail -f {' '.join(log for *_, log in live)})", flush=True)
        codes = [p.wait() for p in procs[:-1]]
    except KeyboardInterrupt:  # each part is a session of its own: pass Ctrl-C on; the live ones stop their stacks
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGINT)
        for p in procs:
            p.wait()
        return 130
    for title, _, _, log in live:
        print("\n" + "=" * 30 + f" {title} " + "=" * 30, flush=True)
        with open(os.path.join(ROOT, log), encoding="utf-8") as fh:
            sys.stdout.write(fh.read())
    done = ", ".join(f"{title} {code}" for (title, *_), code in zip(live, codes, strict=True))
    print(f"\nmake test: the suites without live stacks exited {first}, {done}, in {time.monotonic() - began:.0f} s",
          flush=True)
    return _status(first, *codes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
