"""Processes a stack starts, and nothing else: each is recorded with its pid and kernel start time, and is
signalled only while that pid still belongs to the process that was started (a reused pid is left alone)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import asdict, dataclass

import requests


class StackError(RuntimeError):
    pass


HOST = "127.0.0.1"  # every process of a stack listens on loopback only


def free_port() -> int:
    """A port of HOST no process listens on now (another may take it before ours binds it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Proc:
    name: str
    pid: int
    started: int  # field 22 of /proc/<pid>/stat: start time in clock ticks since boot
    argv: list[str]
    log: str
    url: str = ""

    def to_json(self) -> dict:
        return asdict(self)


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, start time) of ``pid``, or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            data = fh.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    rest = data[data.rindex(")") + 2:].split()  # the command name may contain spaces and parentheses
    return rest[0], int(rest[19])


def is_ours(proc: Proc) -> bool:
    """True while ``proc.pid`` runs the very process we started (same start time) and has not exited."""
    stat = _stat(proc.pid)
    return stat is not None and stat[1] == proc.started and stat[0] != "Z"


def binary(name: str, tier: str = "2") -> str:
    """The path of Prometheus ``tier``'s ``name`` (prometheus, alertmanager, promtool, amtool: generator.tools);
    StackError saying how to get it when it is missing."""
    from .. import tools

    try:
        return tools.find(name, tier).path
    except tools.ToolMissing as e:
        raise StackError(str(e)) from e


_CHILDREN: dict[int, subprocess.Popen] = {}


def spawn(name: str, argv: list[str], log: str, *, cwd: str | None = None, env: dict | None = None,
          url: str = "") -> Proc:
    """Start ``argv`` in its own session (a Ctrl-C of the caller does not reach it), output to ``log``."""
    with open(log, "ab") as out:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                 env=env, start_new_session=True)
    _CHILDREN[child.pid] = child
    group_niceness(child.pid, os.getpriority(os.PRIO_PROCESS, 0))  # its session keeps the caller's niceness
    stat = _stat(child.pid)
    if stat is None:
        child.wait()
        raise StackError(f"{name} exited at once; see {log}")
    return Proc(name, child.pid, stat[1], list(argv), log, url)


def group_niceness(pid: int, niceness: int) -> None:
    """Give ``niceness`` to the scheduling group of the session ``pid`` leads. Under Linux's autogroup scheduling
    (``/proc/sys/kernel/sched_autogroup_enabled``), each session is a group whose share of the CPU ignores the
    niceness of its processes: a stack started at a niceness (``nice make up``, or beside timed tests) would
    otherwise take as much CPU as the whole session that started it. Nothing to do without autogroups."""
    if niceness <= 0:
        return
    try:
        with open(f"/proc/{pid}/autogroup", "w", encoding="ascii") as fh:
            fh.write(str(niceness))
    except OSError:
        pass


def _reap(pid: int) -> None:
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        try:
            child.wait(timeout=0)
        except subprocess.TimeoutExpired:
            _CHILDREN[pid] = child


def stop(proc: Proc, timeout: float = 15.0) -> str:
    """SIGTERM, then SIGKILL after ``timeout``; returns what happened. Never signals a pid that is not ours."""
    if not is_ours(proc):
        _reap(proc.pid)
        return "not running"
    os.kill(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(proc.pid)
        if not is_ours(proc):
            return "stopped"
        time.sleep(0.05)
    if is_ours(proc):
        os.kill(proc.pid, signal.SIGKILL)
        _reap(proc.pid)
        return "killed"
    return "stopped"


def tail(path: str, lines: int = 20) -> str:
    try:
        with open(path, errors="replace") as fh:
            return "".join(fh.readlines()[-lines:])
    except FileNotFoundError:
        return ""


def wait_ready(proc: Proc, url: str, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail early, with the log's tail, when the process dies."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while True:
        if not is_ours(proc):
            _reap(proc.pid)
            raise StackError(f"{proc.name} exited while starting; last lines of {proc.log}:\n{tail(proc.log)}")
        try:
            response = requests.get(url, timeout=2)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        except requests.RequestException as e:
            last = type(e).__name__
        if time.monotonic() > deadline:
            raise StackError(f"{proc.name} not ready at {url} after {timeout:.0f} s ({last}); "
                             f"last lines of {proc.log}:\n{tail(proc.log)}")
        time.sleep(0.1)
