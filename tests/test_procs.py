"""Processes of a stack (generator/live/procs.py): started in a session of their own, at the niceness they were
started with."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SPAWN = """
from generator.live.procs import spawn, stop
proc = spawn("sleep", ["sleep", "30"], {log!r})
with open(f"/proc/{{proc.pid}}/autogroup") as fh:
    print(os.getsid(proc.pid) == proc.pid, fh.read().split()[-1])
stop(proc)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/autogroup"), reason="no autogroup scheduling on this kernel")
@pytest.mark.parametrize("niceness", [0, 7])
def test_a_new_session_keeps_the_niceness_it_was_started_at(tmp_path, niceness):
    """Under autogroup scheduling a session's share of the CPU ignores its processes' niceness: a stack started at
    niceness 7 gives its session's group niceness 7 too (one started at 0 leaves it alone). `nice -n` adds to the
    niceness this test runs at (19 under `make test`)."""
    expected = min(19, os.getpriority(os.PRIO_PROCESS, 0) + niceness)
    code = "import os\n" + SPAWN.format(log=str(tmp_path / "sleep.log"))
    out = subprocess.run(["nice", "-n", str(niceness), sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", str(expected)]
