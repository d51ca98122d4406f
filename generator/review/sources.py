"""The two sides of a review: what the sources at a git ref compile to, and what the working tree compiles to.

The base is checked out with ``git worktree add --detach`` into a temporary directory and built there by its own
engine, in a child interpreter (``python -m generator build`` and ``lint --format json``), so the modules of the
two trees never meet in one process; the worktree is removed afterwards. The working tree is compiled in memory:
its ``generated/`` is left as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from ..errors import GeneratorError
from ..project import Project

BUILD_TIMEOUT = 600


class BaseError(GeneratorError):
    """The base could not be checked out or built: no comparison can be made."""


@dataclass
class Side:
    """One side of the comparison: the generated files (path relative to generated/ -> bytes) and lint problems."""

    label: str
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)  # Problem.to_dict() of each lint problem
    root: str = ""  # where the side's sources are (the temporary worktree of the base while it exists)

    def dashboards(self) -> dict[str, dict]:
        """uid -> the dashboard as classic JSON, whichever schema the side's build wrote (classic or v2)."""
        from ..dashboard_schema import to_classic

        out = {}
        for path, content in sorted(self.files.items()):
            if path.startswith("dashboards/") and path.endswith(".json"):
                data = to_classic(json.loads(content))
                out[data.get("uid") or path] = data
        return out


def _git(root: str, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, timeout=120)
    except FileNotFoundError as e:
        raise BaseError("git not found: review needs git to check out the base") from e
    if done.returncode != 0:
        raise BaseError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _read_tree(directory: str) -> dict[str, bytes]:
    files = {}
    for base, dirs, names in os.walk(directory):
        dirs.sort()
        for name in sorted(names):
            full = os.path.join(base, name)
            with open(full, "rb") as fh:
                files[os.path.relpath(full, directory).replace(os.sep, "/")] = fh.read()
    return files


class BaseCheckout:
    """``with BaseCheckout(project, ref) as side:`` the base built in a temporary worktree, removed on exit."""

    def __init__(self, project: Project, ref: str):
        self.project, self.ref = project, ref
        try:
            self.top = _git(project.root, "rev-parse", "--show-toplevel").strip()
        except BaseError as e:
            raise BaseError(f"{project.root} is not in a git repository: review compares the working tree with a "
                            f"commit of its repository ({e})") from e
        try:
            self.commit = _git(project.root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except BaseError as e:
            raise BaseError(f"no commit {ref!r} in {self.top}: --base takes a branch, a tag or a commit "
                            "(for instance main, origin/main or HEAD~1)") from e
        self.parent = ""
        self.path = ""

    def __enter__(self) -> Side:
        self.parent = tempfile.mkdtemp(prefix="generator-review.")
        self.path = os.path.join(self.parent, "base")
        _git(self.top, "worktree", "add", "--detach", "--quiet", self.path, self.commit)
        try:
            return self._build()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *exc) -> None:
        if self.path and os.path.isdir(self.path):
            subprocess.run(["git", "-C", self.top, "worktree", "remove", "--force", self.path], capture_output=True)
        if self.parent:
            shutil.rmtree(self.parent, ignore_errors=True)
        subprocess.run(["git", "-C", self.top, "worktree", "prune"], capture_output=True)

    def _root(self) -> str:
        """The base's project root: the same place relative to the top of the repository as in the working tree."""
        return os.path.join(self.path, os.path.relpath(self.project.root, self.top))

    def _run(self, root: str, *args: str) -> subprocess.CompletedProcess:
        # cwd first on sys.path: the child imports the base's own engine and content, never the working tree's.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return subprocess.run([sys.executable, "-m", "generator", "--root", root, *args], cwd=root,
                              capture_output=True, text=True, env=env, timeout=BUILD_TIMEOUT)

    def _build(self) -> Side:
        root = self._root()
        label = f"{self.ref} ({self.commit[:12]})"
        if not os.path.isfile(os.path.join(root, "pyproject.toml")):
            raise BaseError(f"{self.ref}: no pyproject.toml at {os.path.relpath(self.project.root, self.top)}/")
        base_project = Project.find(root)
        built = self._run(root, "build")
        if built.returncode != 0:
            raise BaseError(f"the base {label} does not build:\n{(built.stderr or built.stdout).strip()}")
        side = Side(label, _read_tree(base_project.generated), root=root)
        linted = self._run(root, "lint", "--format", "json")
        try:
            found = json.loads(linted.stdout)
            side.problems = found if isinstance(found, list) else found.get("problems", [])
        except (ValueError, AttributeError):
            side.problems = []  # an engine without `lint --format json`: its problems are not compared
        return side


def working_side(project: Project) -> Side:
    """What the working tree compiles to, and its lint problems, without touching ``generated/``."""
    from ..build import compile_project
    from ..lint import lint_project

    output = compile_project(project)
    report = lint_project(project, output.catalog)
    return Side("working tree", dict(output.files), [p.to_dict() for p in report.problems], root=project.root)
