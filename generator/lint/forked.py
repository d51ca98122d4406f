"""Two processes for big lint runs: a forked child does half of the work while this process does the other half.

The child shares what this process holds at the fork without copying it, and sends back its result pickled. Fork
only where it is safe (no threads running) and pays (two cores, enough work); ``GENERATOR_LINT_JOBS=1`` or ``2``
forces one or two processes. If the child dies (out of memory, killed), its half is done here.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

Mine = TypeVar("Mine")
Theirs = TypeVar("Theirs")


def worth_it(work: int, minimum: int) -> bool:
    jobs = os.environ.get("GENERATOR_LINT_JOBS", "")
    if jobs == "1" or not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    return jobs == "2" or ((os.cpu_count() or 1) > 1 and work >= minimum)


def in_two(mine: Callable[[], Mine], theirs: Callable[[], Theirs]) -> tuple[Mine, Theirs]:
    """``(mine(), theirs())``, ``theirs`` computed in a forked child while this process computes ``mine``."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the caller's code
        status = 1
        try:
            os.close(read_end)
            result = theirs()
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        own = mine()
    finally:
        with os.fdopen(read_end, "rb") as inp:
            data = inp.read()
        os.waitpid(pid, 0)
    try:
        return own, pickle.loads(data)
    except Exception:  # the child died before it could answer
        return own, theirs()
