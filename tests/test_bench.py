"""The benchmark runner keeps working: its push step on a few dashboards writes what the goals say."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

RUN = os.path.join(ROOT, "bench", "run.py")


def child(*args):
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "bench")}
    out = subprocess.run([sys.executable, RUN, "--child", *args], capture_output=True, text=True, env=env,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_push_step_writes_everything_then_nothing_then_one(tmp_path):
    directory = str(tmp_path / "dashboards")
    child("dashboards", "5", directory)
    assert len(os.listdir(directory)) == 5
    result = child("push", directory, "ours-first")
    assert [result[name]["writes"] for name in ("first", "unchanged", "one change")] == [5, 0, 1]
    assert result["naive"]["writes"] == 5


def test_build_step_measures_both_sides(tmp_path):
    result = child("build", "3", "1")
    assert result["ours"] > 0 and result["reference"] > 0 and result["peak_mib"] > 0


def test_only_runs_the_figures_named():
    out = subprocess.run([sys.executable, RUN, "--quick", "--runs", "1", "--only", "startup"], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    figures = [line.split(" | ")[0].strip("| ") for line in out.stdout.splitlines()[2:] if line.startswith("|")]
    assert figures == ["start-up: --help"]
