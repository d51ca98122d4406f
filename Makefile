# The contract: `make dashboards` builds (and lints) everything, `make test` proves it. Run `make help` for the rest.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv tools dashboards build lint check test test-quick test-rules clean push diff test-grafana push-rules \
	diff-rules test-ruler tools-ruler tools-anchors up down validate bench review preview

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP) ## create .venv and install the project into it

tools: ## promtool, prometheus, alertmanager, amtool: Debian's 2.x when missing, 3.x built from source into .tools/ (Go)
	@./deploy/install-tools.sh

tools-ruler: ## Cortex (a ruler with the Mimir ruler API) built from source into .tools/, for test_ruler_cortex.py
	@./deploy/build-tools.sh ruler

tools-anchors: ## pint and sloth built from source into .tools/, the anchors `make bench` compares with
	@./deploy/build-tools.sh anchors

dashboards: $(STAMP) ## compile the content (dashboards/, rules/, catalog/) into generated/, then lint it
	$(PY) -m generator build
	$(PY) -m generator lint

lint: $(STAMP) ## ruff on the Python, then lint dashboards, rules and the catalog against the catalog
	$(VENV)/bin/ruff check .
	$(PY) -m generator lint

build: dashboards

check: $(STAMP) ## fail when generated/ is stale (differs from what a build writes)
	$(PY) -m generator check

# Three parts side by side (tests/run_suites.py): the timed alerts (marked `timed`) at normal priority, the other
# live suites (marked `live`: stacks that must answer in real time) at niceness 10, the rest at the lowest priority
# on TEST_WORKERS workers (pytest-xdist, whole files per worker). TEST_OVERLAP=0 runs them one after the other.
export TEST_WORKERS ?= 2

test: $(STAMP) tools ## run every test (promtool's unit tests of the rules included); ARGS go to pytest
	$(PY) tests/run_suites.py $(ARGS)

test-quick: $(STAMP) tools ## the inner loop: every test but the live stacks and the slow promtool proofs
	$(PY) -m pytest -m "not live and not slow" -n $(TEST_WORKERS) --dist loadfile $(ARGS)

push: $(STAMP) ## push generated/ dashboards to Grafana (GRAFANA_URL, GRAFANA_TOKEN; ARGS="--dry-run" and so on)
	$(PY) -m generator push $(ARGS)

diff: $(STAMP) ## show what `make push` would change in Grafana
	$(PY) -m generator diff $(ARGS)

push-rules: $(STAMP) ## deliver generated/ rules: ARGS="--prometheus-url URL --rules-dir DIR", "--ruler-url URL", "--env NAME"
	$(PY) -m generator push-rules $(ARGS)

diff-rules: $(STAMP) ## show what `make push-rules` would change (same ARGS)
	$(PY) -m generator diff-rules $(ARGS)

test-ruler: $(STAMP) ## run the push-rules suite against the real ruler at RULER_URL (RULER_TENANT, RULER_TOKEN)
	$(PY) -m pytest tests/test_ruler_real.py -rs $(ARGS)

test-grafana: $(STAMP) ## run the push/diff/prune suite against the real Grafana at GRAFANA_URL
	$(PY) -m pytest tests/test_grafana_real.py -rs $(ARGS)

test-rules: $(STAMP) tools ## prove the alerts with promtool: check rules, then every unit-test scenario
	$(PY) -m generator test-rules $(ARGS)

up: $(STAMP) tools ## start the local stack (workload, Prometheus, Alertmanager, webhook) on loopback, in .stack/
	$(PY) -m generator stack up

down: $(STAMP) ## stop the processes `make up` started
	$(PY) -m generator stack down

validate: $(STAMP) ## run every dashboard query against the stack of `make up`; fail on empty panels
	$(PY) -m generator validate

review: $(STAMP) ## what this branch changes in dashboards, rules and lint against BASE (default main; ARGS="--format markdown --preview")
	$(PY) -m generator review --base $(or $(BASE),main) $(ARGS)

preview: $(STAMP) ## draw every dashboard as a PNG into preview/ with the data of the stack of `make up` (ARGS="--prometheus URL")
	$(PY) -m generator preview $(ARGS)

bench: $(STAMP) tools tools-anchors ## run the benchmarks (about 4 minutes) and print the table of medians and ratios
	$(PY) bench/run.py

clean: ## remove the virtual environment and caches (not .tools/: `rm -rf .tools` to rebuild the Prometheus 3 tier)
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# Any content tree, not only this repository's: `make dashboards ROOT=../my-service` (the engine reads
# GENERATOR_ROOT as its --root).
ifdef ROOT
export GENERATOR_ROOT := $(abspath $(ROOT))
endif
