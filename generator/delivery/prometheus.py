"""Deliver rule files to a Prometheus: write them into the folder it loads, reload it, and check what it loaded.

1. Each generated file whose bytes differ from the folder's copy is written atomically (a hidden temporary file in
   the same folder, fsync, rename), so Prometheus never reads half a file. Nothing differs: nothing is written.
2. ``POST /-/reload`` (Prometheus must run with ``--web.enable-lifecycle``). A refused reload (a rule that does not
   parse) leaves Prometheus on its old rules; the previous files are put back and Prometheus reloaded again.
3. ``GET /api/v1/rules`` until every group of every file is loaded with the same expressions, ``for``, labels and
   annotations (compared after normalisation, see :mod:`.groups`), or a bounded wait ends: then the previous files
   are put back too, and the error says what differs.

Files of the folder that this repository did not generate are never touched.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field

import requests

from .groups import DeliveryError, DeliveryUnavailable, differences, groups_of


class ReloadRefused(DeliveryError):
    """Prometheus answered the reload with an error: it keeps the rules it had."""


def promtool_detail(files: dict[str, bytes]) -> str:
    """What ``promtool check rules`` says of ``files`` (the reason Prometheus gives only in its log), or "": the
    promtool of Prometheus 3 when installed, else 2's (generator.tools)."""
    import subprocess

    from .. import tools

    found = tools.available("promtool")
    promtool = found[-1].path if found else None
    if not promtool or not files:
        return ""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, content in files.items():
            paths.append(os.path.join(tmp, name))
            with open(paths[-1], "wb") as fh:
                fh.write(content)
        try:
            got = subprocess.run([promtool, "check", "rules", *paths], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return ""
    if got.returncode == 0:
        return ""
    return (got.stdout + got.stderr).replace(tmp + os.sep, "").strip()


@dataclass
class PrometheusReport:
    written: list[str] = field(default_factory=list)  # files created or replaced
    unchanged: list[str] = field(default_factory=list)
    reloaded: bool = False
    groups: int = 0  # groups confirmed loaded
    dry_run: bool = False


def _atomic_write(path: str, content: bytes | None) -> None:
    """Replace ``path`` by ``content`` in one rename (``None`` removes it)."""
    if content is None:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        return
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except FileNotFoundError:
            pass
        raise


def _rules_api_groups(data: dict) -> list[dict]:
    """The groups of an ``/api/v1/rules`` answer as rule-file YAML would declare them (durations in seconds)."""
    out = []
    for g in data.get("data", {}).get("groups", []):
        rules = []
        for r in g.get("rules", []):
            rule = {"alert" if r.get("type") == "alerting" else "record": r.get("name"), "expr": r.get("query"),
                    "labels": r.get("labels") or {}}
            if r.get("type") == "alerting":
                rule["for"] = r.get("duration")
                rule["keep_firing_for"] = r.get("keepFiringFor")
                rule["annotations"] = r.get("annotations") or {}
            rules.append(rule)
        out.append({"file": os.path.basename(g.get("file", "")), "name": g.get("name"),
                    "interval": g.get("interval"), "rules": rules})
    return out


class PrometheusTarget:
    """A Prometheus at ``url`` that loads the rule files of ``rules_dir`` (a folder this process can write)."""

    def __init__(self, url: str, rules_dir: str, *, timeout: float = 10.0, wait: float = 30.0,
                 session: requests.Session | None = None):
        self.url = url.rstrip("/")
        self.rules_dir = rules_dir
        self.timeout = timeout
        self.wait = wait
        self.session = session or requests.Session()

    # -- HTTP --------------------------------------------------------------------------------------------------

    def _request(self, method: str, path: str) -> requests.Response:
        try:
            return self.session.request(method, self.url + path, timeout=self.timeout)
        except requests.ConnectionError as e:
            raise DeliveryUnavailable(f"cannot reach Prometheus at {self.url} ({type(e).__name__}: connection refused "
                                "or unreachable); is it running?") from None
        except requests.Timeout:
            raise DeliveryUnavailable(f"Prometheus at {self.url} did not answer {method} {path} in "
                                      f"{self.timeout:g} s") from None

    def reload(self) -> None:
        response = self._request("POST", "/-/reload")
        if response.status_code == 403 or "lifecycle" in response.text.lower():
            raise DeliveryError(f"Prometheus refused POST /-/reload ({response.status_code}: "
                                f"{response.text.strip()}); start it with --web.enable-lifecycle")
        if response.status_code != 200:
            raise ReloadRefused(f"Prometheus refused the new rules (POST /-/reload answered {response.status_code}):"
                                f" {response.text.strip()}")

    def loaded(self) -> list[dict]:
        response = self._request("GET", "/api/v1/rules")
        if response.status_code != 200:
            raise DeliveryError(f"GET /api/v1/rules answered {response.status_code}: {response.text.strip()[:300]}")
        try:
            return _rules_api_groups(response.json())
        except ValueError:
            raise DeliveryError("GET /api/v1/rules did not answer JSON; is this a Prometheus?") from None

    # -- comparison --------------------------------------------------------------------------------------------

    def mismatches(self, files: dict[str, bytes]) -> list[str]:
        """What is not loaded as ``files`` declare it (empty when every group is)."""
        live = {(g["file"], g["name"]): g for g in self.loaded()}
        out = []
        for group in groups_of(files):
            other = live.get((group.file, group.name))
            if other is None:
                out.append(f"{group.file}: group {group.name!r} is not loaded")
                continue
            drop = {"file"} if "interval" in group.data else {"file", "interval"}
            other = {k: v for k, v in other.items() if k not in drop}
            out.extend(f"{group.file}: group {group.name!r}: {d}" for d in differences(group.data, other))
        return out

    def wait_loaded(self, files: dict[str, bytes]) -> list[str]:
        deadline = time.monotonic() + self.wait
        while True:
            problems = self.mismatches(files)
            if not problems or time.monotonic() >= deadline:
                return problems
            time.sleep(0.2)

    # -- delivery ----------------------------------------------------------------------------------------------

    def plan(self, files: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, bytes | None]]:
        """(files to write, the previous content of each: None when new)."""
        changed, previous = {}, {}
        for name, content in files.items():
            path = os.path.join(self.rules_dir, name)
            try:
                with open(path, "rb") as fh:
                    old = fh.read()
            except FileNotFoundError:
                old = None
            if old != content:
                changed[name], previous[name] = content, old
        return changed, previous

    def push(self, files: dict[str, bytes], *, dry_run: bool = False) -> PrometheusReport:
        if not os.path.isdir(self.rules_dir):
            raise DeliveryError(f"rules folder {self.rules_dir} does not exist (it must be the folder the "
                                "Prometheus's rule_files load)")
        groups_of(files)  # refuse a malformed file before touching anything
        changed, previous = self.plan(files)
        report = PrometheusReport(unchanged=sorted(set(files) - set(changed)), dry_run=dry_run)
        if dry_run:
            report.written = sorted(changed)
            return report
        if not changed:
            problems = self.mismatches(files)
            if problems:  # files in place but not (yet) loaded: a reload, writing nothing
                self.reload()
                report.reloaded = True
                problems = self.wait_loaded(files)
            if problems:
                raise DeliveryError("the rule files are in place but Prometheus does not load them as written (is "
                                    f"{self.rules_dir} in its rule_files?):\n  " + "\n  ".join(problems))
            report.groups = len(groups_of(files))
            return report
        self.loaded()  # reachable, and a Prometheus, before anything is written
        for name, content in sorted(changed.items()):
            _atomic_write(os.path.join(self.rules_dir, name), content)
        report.written = sorted(changed)
        try:
            self.reload()
            report.reloaded = True
            problems = self.wait_loaded(files)
            if problems:
                raise DeliveryError(f"after {self.wait:g} s Prometheus has not loaded the rules as written (is "
                                    f"{self.rules_dir} in its rule_files?):\n  " + "\n  ".join(problems))
        except DeliveryError as e:
            self._restore(previous)
            detail = promtool_detail(changed) if isinstance(e, ReloadRefused) else ""
            detail = "\npromtool check rules says:\n  " + detail.replace("\n", "\n  ") if detail else ""
            raise DeliveryError(f"{e}{detail}\nthe previous rule files were put back "
                                f"({', '.join(sorted(previous))}) and Prometheus reloaded") from None
        report.groups = len(groups_of(files))
        return report

    def _restore(self, previous: dict[str, bytes | None]) -> None:
        for name, content in previous.items():
            _atomic_write(os.path.join(self.rules_dir, name), content)
        try:
            self.reload()
        except DeliveryError:
            pass  # Prometheus kept its previous rules when it refused the new ones; the files match them again
