"""The import in a repository and from Grafana: the modules it writes are what the build compiles.

A copy of this repository whose dashboard modules are replaced by the import of its own generated JSON builds
`generated/` unchanged (`check` passes); dashboards pushed to the stand-in Grafana import by uid and by folder.
"""

from __future__ import annotations

import glob
import os

from conftest import run_cli

from generator import exitcodes
from tests.grafana_support import cli, push


def _modules_of_generated(project) -> list[str]:
    """The module names `import` gives the generated dashboards: ai-overview.json -> ai_overview.py."""
    return sorted(f.removesuffix(".json").replace("-", "_") + ".py"
                  for f in os.listdir(project / "generated" / "dashboards"))


def _replace_modules_by_import(project) -> None:
    dashboards = project / "dashboards"
    for path in glob.glob(str(dashboards / "*.py")):
        if not os.path.basename(path).startswith("_"):
            os.remove(path)
    files = sorted(glob.glob(str(project / "generated" / "dashboards" / "*.json")))
    result = run_cli("import", *files, cwd=str(project))  # default --out: the project's dashboards folder
    assert result.returncode == exitcodes.OK, result.stdout + result.stderr


def test_imported_modules_build_the_same_generated_bytes(project_copy):
    _replace_modules_by_import(project_copy)
    assert sorted(os.listdir(project_copy / "dashboards")) == [
        "_common.py", *_modules_of_generated(project_copy)]
    check = run_cli("check", cwd=str(project_copy))
    assert check.returncode == exitcodes.OK, check.stdout + check.stderr


def test_import_from_grafana_by_uid_and_by_folder(project_copy, grafana, tmp_path):
    assert push(project_copy, grafana).returncode == exitcodes.OK
    out = tmp_path / "imported"
    one = cli("import", project_copy, grafana.url, "--uid", "ai-overview", "--out", str(out))
    assert one.returncode == exitcodes.OK, one.stderr
    assert os.listdir(out) == ["ai_overview.py"] and "P.timeseries(" in (out / "ai_overview.py").read_text()
    every = cli("import", project_copy, grafana.url, "--folder", "AI/Service", "--out", str(out), "--force")
    assert every.returncode == exitcodes.OK, every.stderr
    assert sorted(os.listdir(out)) == _modules_of_generated(project_copy)
    missing = cli("import", project_copy, grafana.url, "--uid", "nope", "--out", str(out))
    assert missing.returncode == exitcodes.PROBLEMS and "'nope' not found in Grafana" in missing.stderr
