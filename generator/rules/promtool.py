"""Running Prometheus' own ``promtool``: found once, with a clear message when it is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from ..errors import GeneratorError

INSTALL_HINT = ("promtool not found: run `make tools` (it installs Debian's `prometheus` package, which provides "
                "promtool), or `sudo apt-get install prometheus`; or set PROMTOOL to its path")
TIMEOUT_SECONDS = 600


@dataclass
class Run:
    ok: bool
    output: str  # stdout and stderr, as promtool printed them


def find_promtool() -> str:
    """The path of promtool: $PROMTOOL when set, else the one on PATH. Raises GeneratorError saying how to install."""
    configured = os.environ.get("PROMTOOL")
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise GeneratorError(f"PROMTOOL={configured} is not an executable file; {INSTALL_HINT}")
    found = shutil.which("promtool")
    if found is None:
        raise GeneratorError(INSTALL_HINT)
    return found


def run(promtool: str, *args: str, cwd: str | None = None) -> Run:
    try:
        result = subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired as e:
        raise GeneratorError(f"promtool {' '.join(args)} took more than {TIMEOUT_SECONDS}s") from e
    except OSError as e:
        raise GeneratorError(f"cannot run {promtool}: {e}") from e
    return Run(result.returncode == 0, (result.stdout + result.stderr).strip())


def check_rules(promtool: str, path: str) -> Run:
    return run(promtool, "check", "rules", path)


def test_rules(promtool: str, path: str) -> Run:
    """``promtool test rules PATH`` from PATH's directory (its ``rule_files`` are relative to it)."""
    return run(promtool, "test", "rules", os.path.basename(path), cwd=os.path.dirname(path) or ".")
