"""Prometheus' own tools (promtool, prometheus, alertmanager, amtool), by major version: the one place the engine
finds them.

Two tiers, named by Prometheus' major version:

- ``"2"``: Debian's packages (Prometheus 2.42), on PATH, as ``make tools`` installs them; ``$PROMTOOL``,
  ``$PROMETHEUS``, ``$ALERTMANAGER``, ``$AMTOOL`` name others;
- ``"3"``: Prometheus 3 and Alertmanager built from source by ``make tools`` (deploy/build-tools.sh) into
  ``.tools/`` at the versions pinned in deploy/tools.env; ``$PROMTOOL3``, ``$PROMETHEUS3``, ``$ALERTMANAGER3``,
  ``$AMTOOL3`` name an install of your own.

A binary's tier is what its ``--version`` says, wherever it was found: a Prometheus 3 on PATH (Homebrew's, say)
serves tier 3, and a variable naming a binary of the other major is an error. ``$GENERATOR_TOOLS_DIR`` moves
``.tools/`` (an empty directory hides the built tier).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from .errors import GeneratorError

TIERS = ("2", "3")
NAMES = ("promtool", "prometheus", "alertmanager", "amtool")
# Where each tool comes from: its tier-3 folder under .tools/ (named by deploy/tools.env) and its names on PATH.
_PROJECT = {"promtool": "prometheus", "prometheus": "prometheus", "alertmanager": "alertmanager",
            "amtool": "alertmanager"}
_ON_PATH = {"alertmanager": ("alertmanager", "prometheus-alertmanager")}  # Debian's name for the daemon
_DEBIAN_PACKAGE = {"promtool": "prometheus", "prometheus": "prometheus", "alertmanager": "prometheus-alertmanager",
                   "amtool": "prometheus-alertmanager"}
ENGINE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository of this engine
PINS_FILE = os.path.join(ENGINE_ROOT, "deploy", "tools.env")


class ToolMissing(GeneratorError):
    pass


@dataclass(frozen=True)
class Tool:
    name: str  # promtool, prometheus, alertmanager or amtool
    tier: str  # "2" or "3"
    path: str
    version: str  # as --version says it: "2.42.0", "3.13.5", "0.35.0"

    @property
    def label(self) -> str:
        """``promtool 3.13.5``: how reports name it."""
        return f"{self.name} {self.version}"


def tools_dir() -> str:
    return os.environ.get("GENERATOR_TOOLS_DIR") or os.path.join(ENGINE_ROOT, ".tools")


@functools.lru_cache(maxsize=1)
def pins() -> dict[str, str]:
    """deploy/tools.env as a dict (empty when this engine is installed without its repository)."""
    out = {}
    try:
        with open(PINS_FILE, encoding="utf-8") as fh:
            for line in fh:
                key, sep, value = line.strip().partition("=")
                if sep and not key.startswith("#"):
                    out[key] = value
    except FileNotFoundError:
        pass
    return out


def release(project: str, module_version: str) -> str:
    """The release a module version is: Prometheus' v0.313.5 is 3.13.5, Alertmanager's v0.35.0 is 0.35.0."""
    major, minor, patch = module_version.lstrip("v").split(".")[:3]
    if project == "prometheus" and major == "0" and int(minor) >= 300:
        return f"{int(minor) // 100}.{int(minor) % 100}.{patch}"
    return f"{major}.{minor}.{patch}"


def pinned() -> dict[str, str]:
    """{"prometheus": "3.13.5", "alertmanager": "0.35.0"}: the tier-3 releases deploy/tools.env pins."""
    found = pins()
    return {p: release(p, found[f"{p.upper()}_MODULE_VERSION"]) for p in ("prometheus", "alertmanager")
            if f"{p.upper()}_MODULE_VERSION" in found}


def built_path(name: str) -> str | None:
    """Where ``make tools`` puts tier 3's ``name`` (whether or not it is there); None without deploy/tools.env."""
    project = _PROJECT[name]
    version = pinned().get(project)
    return os.path.join(tools_dir(), f"{project}-{version}", name) if version else None


@functools.cache
def version_of(path: str) -> str:
    """The version ``path --version`` prints ("3.13.5"); "" when it says none."""
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    found = re.search(r"version (\d+\.\d+\.\d+)", result.stdout + result.stderr)
    return found.group(1) if found else ""


def tier_of(name: str, version: str) -> str:
    """The tier a version of ``name`` belongs to: Alertmanager 0.25 came with Prometheus 2; 0.28 on, with 3."""
    if _PROJECT[name] == "prometheus":
        return version.split(".")[0]
    minor = int(version.split(".")[1]) if version.count(".") >= 1 else 0
    return "3" if minor >= 28 else "2"


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _candidates(name: str, tier: str) -> list[tuple[str, str]]:
    """(path, where it came from) in order of preference; a variable that names no executable raises."""
    out = []
    for variable in (f"{name.upper()}{tier}" if tier != "2" else None, name.upper()):
        value = os.environ.get(variable) if variable else None
        if value:
            if not _executable(value):
                raise ToolMissing(f"{variable}={value} is not an executable file; {hint(name, tier)}")
            out.append((value, f"${variable}"))
    built = built_path(name) if tier == "3" else None
    if built and _executable(built):
        out.append((built, "make tools"))
    for directory in os.environ.get("PATH", "").split(os.pathsep):  # every one: a 3 may come before Debian's 2
        for on_path in _ON_PATH.get(name, (name,)):
            found = os.path.join(directory or ".", on_path)
            if _executable(found) and os.path.realpath(found) not in {os.path.realpath(p) for p, _ in out}:
                out.append((found, "PATH"))
    return out


@functools.cache
def _find(name: str, tier: str, environment: tuple) -> Tool:
    wrong = []
    for path, origin in _candidates(name, tier):
        version = version_of(path)
        if version and tier_of(name, version) == tier:
            return Tool(name, tier, path, version)
        if origin.startswith("$") and origin != f"${name.upper()}":
            raise ToolMissing(f"{origin[1:]}={path} is {name} {version or '(no version)'}, not of Prometheus {tier}")
        wrong.append(f"{path} ({version or 'no version'})")
    raise ToolMissing(hint(name, tier) + (f"; found only {', '.join(wrong)}" if wrong else ""))


def find(name: str, tier: str) -> Tool:
    """Tier ``tier``'s ``name``; raises ToolMissing saying how to get it."""
    if name not in NAMES or tier not in TIERS:
        raise ValueError(f"no tool {name!r} of tier {tier!r}")
    variables = tuple(os.environ.get(v, "") for v in (name.upper(), f"{name.upper()}3", "GENERATOR_TOOLS_DIR",
                                                         "PATH"))
    return _find(name, tier, variables)


def available(name: str) -> list[Tool]:
    """Every tier's ``name`` that is there, 2 first."""
    out = []
    for tier in TIERS:
        try:
            out.append(find(name, tier))
        except ToolMissing:
            pass
    return out


def hint(name: str, tier: str) -> str:
    if tier == "3" and not os.path.isfile(PINS_FILE):  # an installed engine: no make tools to build it
        return (f"{name} of Prometheus 3 not found: set {name.upper()}3 to yours, or put a Prometheus 3 on PATH "
                "(this engine's repository builds one with `make tools`)")
    if tier == "3":
        how = ("run `make tools` (it builds it from source into .tools/)" if go_available() else
               "`make tools` builds it from source, which needs Go (https://go.dev/dl/); without Go only "
               "Prometheus 2 is used")
        return f"{name} of Prometheus 3 not found: {how}; or set {name.upper()}3 to your own"
    how = f"`sudo apt-get install {_DEBIAN_PACKAGE[name]}`"
    return (f"{name} not found: run `make tools` (it installs Debian's `{_DEBIAN_PACKAGE[name]}` package), or "
            f"{how}; or set {name.upper()} to its path")


def go_available() -> bool:
    """Whether this machine can build tier 3 (then its absence is a setup step missed, not a choice)."""
    return shutil.which(os.environ.get("GO") or "go") is not None


def default_tier() -> str:
    """The tier the live stack runs on: $GENERATOR_PROMETHEUS, else 3 when its prometheus is there, else 2."""
    chosen = os.environ.get("GENERATOR_PROMETHEUS", "")
    if chosen:
        if chosen not in TIERS:
            raise GeneratorError(f"GENERATOR_PROMETHEUS={chosen}: say 2 or 3")
        return chosen
    try:
        return find("prometheus", "3").tier
    except ToolMissing:
        return "2"


# Go tools of the repository's own tests and benchmarks, beside the tiers: built by `make tools-ruler` (cortex)
# and `make tools-anchors` (pint, sloth) into .tools/<name>-<release>/<name>, at the pins of deploy/tools.env.
EXTRAS = ("cortex", "pint", "sloth")


def extra(name: str) -> str | None:
    """The path of ``name`` (one of EXTRAS): ``$CORTEX``, ``$PINT``, ``$SLOTH`` when set, else the pinned build
    under .tools/ when it is there; None when neither is (the caller says what it leaves out)."""
    if name not in EXTRAS:
        raise ValueError(f"no extra tool {name!r}")
    value = os.environ.get(name.upper())
    if value:
        if not _executable(value):
            raise ToolMissing(f"{name.upper()}={value} is not an executable file")
        return value
    version = pins().get(f"{name.upper()}_MODULE_VERSION")
    path = os.path.join(tools_dir(), f"{name}-{release(name, version)}", name) if version else None
    return path if path and _executable(path) else None


def extra_hint(name: str) -> str:
    """How to get ``name``: its make target, or a variable."""
    target = "tools-ruler" if name == "cortex" else "tools-anchors"
    version = pins().get(f"{name.upper()}_MODULE_VERSION", "")
    build = (f"`make {target}` builds {name} {version.lstrip('v')} from source into .tools/" if go_available()
             else f"`make {target}` builds it from source, which needs Go (https://go.dev/dl/)")
    return f"{name} not found: {build}, or set {name.upper()} to its path"
