"""The tree passes the ruff configuration of pyproject.toml (the same run as `make lint`)."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _ruff() -> list[str] | None:
    beside = os.path.join(os.path.dirname(sys.executable), "ruff")
    found = beside if os.path.exists(beside) else shutil.which("ruff")
    return [found] if found else None


def test_the_tree_passes_ruff():
    ruff = _ruff()
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the test extras: pip install -e '.[test]')")
    result = subprocess.run([*ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
