"""The files of a new content tree: the templates of ``templates/`` with the service's names filled in.

A template names what varies with ``@WORD@`` placeholders (in file names too), never with ``{}`` or ``$``, which
Python, PromQL and Go templates all use: ``@SERVICE@`` (the folder's name, ``checkout-api``), ``@PREFIX@`` (the
metric prefix, ``checkout_api``), ``@CAMEL@`` (alert names, ``CheckoutApi``), ``@TITLE@`` (``Checkout Api``),
``@JOB@``, ``@TOOL@`` and ``@VERSION@``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .. import __version__
from ..errors import UsageError

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
# Template files whose name cannot be their own: package data and git ignore dot-files.
RENAMED = {"gitignore": ".gitignore", "dot-github": ".github"}
# Files written only by the scaffold of example metrics (a tree drafted from real metrics has its own).
EXAMPLE_ONLY = ("catalog/metrics.yml", "dashboards/overview.py", "traffic.yml",
                "docs/runbooks/@CAMEL@ErrorsHigh.md")
# Inside a file, the lines between `# @EXAMPLE@ begin` and `# @EXAMPLE@ end` are the example's (those between
# `# @EXAMPLE@ else` and the end are their replacement in a tree drafted from real metrics).
MARKER = re.compile(r"^\s*# @EXAMPLE@ (begin|else|end)\s*$")


@dataclass(frozen=True)
class Names:
    service: str
    job: str

    @property
    def prefix(self) -> str:
        return re.sub(r"[^a-z0-9]+", "_", self.service.lower()).strip("_")

    @property
    def camel(self) -> str:
        return "".join(w.capitalize() for w in self.prefix.split("_"))

    @property
    def title(self) -> str:
        return " ".join(w.capitalize() for w in self.prefix.split("_"))

    def fill(self, text: str) -> str:
        for key, value in (("@SERVICE@", self.service), ("@PREFIX@", self.prefix), ("@CAMEL@", self.camel),
                           ("@TITLE@", self.title), ("@JOB@", self.job), ("@TOOL@", "ai-monitoring-as-code"),
                           ("@VERSION@", __version__)):
            text = text.replace(key, value)
        return text


def names(folder: str, service: str | None, job: str | None) -> Names:
    service = service or os.path.basename(os.path.abspath(folder))
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", service):
        raise UsageError(f"service name {service!r}: use letters, digits, - and _, starting with a letter "
                         "(--name NAME)")
    return Names(service.lower(), job or service.lower())


def check_empty(folder: str) -> None:
    """Refuse a folder holding anything but a git repository: init writes a tree, it does not merge into one."""
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise UsageError(f"{folder} is a file; init needs an empty folder")
    present = sorted(f for f in os.listdir(folder) if f != ".git") if os.path.isdir(folder) else []
    if present:
        raise UsageError(f"{folder} is not empty ({', '.join(present[:5])}{', ...' if len(present) > 5 else ''}); "
                         "init writes a new content tree into an empty folder")


def template_files(n: Names, *, example: bool) -> dict[str, str]:
    """Relative path -> text of every template file, filled in (``example=False``: without the example content)."""
    out = {}
    for base, _, files in os.walk(TEMPLATES):
        for f in sorted(files):
            if f.endswith((".pyc", ".pyo")):
                continue
            rel = os.path.relpath(os.path.join(base, f), TEMPLATES).replace(os.sep, "/")
            if not example and rel in EXAMPLE_ONLY:
                continue
            with open(os.path.join(TEMPLATES, rel), encoding="utf-8") as fh:
                text = fh.read()
            parts = [RENAMED.get(p, p) for p in rel.split("/")]
            out[n.fill("/".join(parts))] = n.fill(_example_parts(text, example))
    return out


def _example_parts(text: str, example: bool) -> str:
    keep, lines = True, []
    for line in text.splitlines(keepends=True):
        m = MARKER.match(line)
        if m:
            keep = {"begin": example, "else": not example, "end": True}[m.group(1)]
        elif keep:
            lines.append(line)
    return "".join(lines)


def write_tree(folder: str, files: dict[str, str]) -> list[str]:
    written = []
    for rel in sorted(files):
        path = os.path.join(folder, rel)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(files[rel])
        written.append(rel)
    return written
