"""`init` writes a content tree that builds, lints clean and passes its rule tests as written; drafted from a
service's real /metrics it comes out lint-clean too; and the installed tool does the same from a fresh virtual
environment outside this repository."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading

import pytest

from tests.conftest import ROOT

GATEWAY_METRICS = os.path.join(ROOT, "tests", "content", "metrics", "llm-gateway.txt")


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    """This worktree's engine, whatever the current directory (a scaffold lives outside the repository)."""
    env = {**os.environ, "PYTHONPATH": ROOT}
    env.pop("GENERATOR_ROOT", None)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=str(cwd), capture_output=True, text=True,
                          env=env, timeout=300)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_init_writes_a_tree_that_builds_lints_clean_and_passes_its_rule_tests(tmp_path, promtool):
    tree = tmp_path / "checkout"
    out = ok(cli("init", str(tree), cwd=tmp_path))
    assert "make dashboards" in out
    for rel in ("pyproject.toml", "catalog/metrics.yml", "settings.py", "dashboards/overview.py", "rules/checkout.py",
                "rules/checkout_tests.py", "docs/runbooks/CheckoutErrorsHigh.md", "docs/runbooks/CheckoutDown.md",
                "traffic.yml", "Makefile", ".github/workflows/monitoring.yml", ".gitignore"):
        assert (tree / rel).is_file(), rel
    assert "[tool.generator]" in (tree / "pyproject.toml").read_text()
    ok(cli("build", cwd=tree))
    assert "lint: 0 errors, 0 warnings, 0 infos" in ok(cli("lint", cwd=tree))
    ok(cli("check", cwd=tree))
    rules = ok(cli("test-rules", cwd=tree))
    assert "5 of 5 scenarios pass" in rules
    assert "traffic.yml: ok" in ok(cli("workload", "--check", cwd=tree))


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = cli("init", cwd=tmp_path)
    assert result.returncode == 2
    assert "is not empty (notes.txt)" in result.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine" and len(os.listdir(tmp_path)) == 1


@pytest.fixture
def metrics_url():
    """The Go gateway's /metrics, served over HTTP as the real service would."""
    with open(GATEWAY_METRICS, "rb") as fh:
        body = fh.read()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()


def test_init_from_metrics_drafts_a_catalog_and_a_lint_clean_starter_dashboard(tmp_path, metrics_url, promtool):
    tree = tmp_path / "gateway"
    ok(cli("init", str(tree), "--name", "llm-gateway", "--from-metrics", metrics_url, cwd=tmp_path))
    catalog = (tree / "catalog" / "metrics.yml").read_text()
    assert "  llm_requests_total:" in catalog and "  up:" in catalog
    module = (tree / "dashboards" / "overview.py").read_text()
    assert module.index('"llm_*"') < module.index('"go_*"')  # the service's own families first
    assert "sum by (model, provider) (rate({sel('llm_requests_total')}[$__rate_interval]))" in module
    assert "histogram_quantile(0.95, sum by (le)" in module
    ok(cli("build", cwd=tree))
    assert "lint: 0 errors, 0 warnings, 0 infos" in ok(cli("lint", cwd=tree))
    assert "2 of 2 scenarios pass" in ok(cli("test-rules", cwd=tree))


def test_the_starter_dashboard_is_left_as_it_is_by_ruff_format(tmp_path):
    ruff = shutil.which("ruff") or os.path.join(os.path.dirname(sys.executable), "ruff")
    if not os.path.exists(ruff):
        pytest.skip("ruff is not installed (test extras)")
    tree = tmp_path / "gateway"
    ok(cli("init", str(tree), "--from-metrics", GATEWAY_METRICS, cwd=tmp_path))
    result = subprocess.run([ruff, "format", "--isolated", "--line-length", "120", "--check", "dashboards"],
                            cwd=tree, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_with_millisecond_buckets_in_seconds_warns_about_them(tmp_path):
    # The OpenTelemetry SDKs' default boundaries (milliseconds) kept by an instrument in seconds.
    scale = {"0.5": "0", "1": "5", "2.5": "10", "5": "25", "10": "5000", "30": "10000"}
    text = re.sub(r'le="([^"]+)"', lambda m: f'le="{scale.get(m.group(1), m.group(1))}"',
                  open(GATEWAY_METRICS, encoding="utf-8").read())
    scrape = tmp_path / "metrics.txt"
    scrape.write_text(text)
    tree = tmp_path / "gateway"
    ok(cli("init", str(tree), "--from-metrics", str(scrape), cwd=tmp_path))
    ok(cli("build", cwd=tree))
    lint = cli("lint", cwd=tree)
    assert lint.returncode == 0  # a warning
    assert "[catalog/bucket-scale-mismatch] metric llm_request_duration_seconds" in lint.stdout


@pytest.mark.slow
def test_the_installed_tool_scaffolds_builds_and_tests_outside_the_repository(tmp_path, promtool):
    """pip install of this repository into a fresh virtual environment (its dependencies borrowed from this one's
    site-packages, so that nothing but the build backend is downloaded), then what a new team runs."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = subprocess.run([str(venv / "bin" / "python"), "-c", purelib], capture_output=True, text=True,
                          check=True).stdout.strip()
    with open(os.path.join(site, "borrowed-dependencies.pth"), "w") as fh:
        fh.write(sysconfig.get_path("purelib") + "\n")
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--no-deps", ROOT],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    tool = str(venv / "bin" / "ai-monitoring-as-code")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GENERATOR_ROOT", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    tree = tmp_path / "service"

    def run(*cmd, cwd=tree):
        result = subprocess.run(list(cmd), cwd=str(cwd), capture_output=True, text=True, env=env, timeout=300)
        assert result.returncode == 0, " ".join(cmd) + "\n" + result.stdout + result.stderr
        return result.stdout + result.stderr

    from generator import __version__

    assert run(tool, "--version", cwd=tmp_path).strip() == f"ai-monitoring-as-code {__version__}"
    assert run(str(venv / "bin" / "aimac"), "--version", cwd=tmp_path).strip().endswith(__version__)
    located = run(str(venv / "bin" / "python"), "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert located.startswith(site), located  # the installed copy, not this checkout
    run(tool, "init", str(tree), cwd=tmp_path)
    assert "lint: 0 errors" in run("make", "dashboards")
    assert "5 of 5 scenarios pass" in run("make", "test")


def test_import_refuses_a_dashboard_whose_uid_the_content_declares(tmp_path):
    tree = tmp_path / "checkout"
    ok(cli("init", str(tree), cwd=tmp_path))
    ok(cli("build", cwd=tree))
    exported = tmp_path / "exported.json"
    exported.write_text((tree / "generated" / "dashboards" / "checkout-overview.json").read_text())
    refused = cli("import", str(exported), cwd=tree)
    assert refused.returncode == 1
    assert "dashboard uid 'checkout-overview' is already declared by dashboards/overview.py" in refused.stderr
    assert sorted(os.listdir(tree / "dashboards")) == ["overview.py"]
    ok(cli("import", str(exported), "--out", str(tmp_path / "elsewhere"), cwd=tree))  # not into the content


def test_coverage_names_the_tests_module_the_scenarios_are_read_from(tmp_path, promtool):
    tree = tmp_path / "checkout"
    ok(cli("init", str(tree), cwd=tmp_path))
    tests = tree / "rules" / "checkout_tests.py"
    tests.write_text(tests.read_text().replace('silent("CheckoutDown"', 'silent("CheckoutErrorsHigh"'))
    result = cli("test-rules", cwd=tree)
    assert result.returncode == 1
    assert "no test where it stays silent; add a RuleTest with silent('CheckoutDown', ...) to `tests` in " \
           "rules/checkout_tests.py" in result.stdout + result.stderr
