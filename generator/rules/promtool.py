"""Running Prometheus' own ``promtool``, of Prometheus 2 or 3 (found by generator.tools, with a clear message
when it is missing)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from .. import tools
from ..errors import GeneratorError

TIMEOUT_SECONDS = 600


@dataclass
class Run:
    ok: bool
    output: str  # stdout and stderr, as promtool printed them


def find_promtool(tier: str = "2") -> str:
    """The path of Prometheus ``tier``'s promtool (generator.tools); raises GeneratorError saying how to get it."""
    return tools.find("promtool", tier).path


def promtools(tiers: list[str] | None = None) -> tuple[list[tools.Tool], list[str]]:
    """The promtool of each of ``tiers`` (default: 2 and 3) that is there, and why each other is not. Raises
    GeneratorError when none is."""
    found, missing = [], []
    for tier in tiers or list(tools.TIERS):
        try:
            found.append(tools.find("promtool", tier))
        except tools.ToolMissing as e:
            missing.append(str(e))
    if not found:
        raise GeneratorError("; ".join(missing))
    return found, missing


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
