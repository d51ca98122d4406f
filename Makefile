# The contract: `make dashboards` builds (and lints) everything, `make test` proves it. Run `make help` for the rest.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv tools dashboards build check test clean up down validate

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP) ## create .venv and install the project into it

tools: ## install promtool, prometheus, alertmanager and amtool when missing (Debian packages)
	@./deploy/install-tools.sh

dashboards: $(STAMP) ## compile dashboards/ and rules/ into generated/
	$(PY) -m generator build

build: dashboards

check: $(STAMP) ## fail when generated/ is stale (differs from what a build writes)
	$(PY) -m generator check

test: $(STAMP) tools ## run every test (promtool included)
	$(PY) -m pytest

up: $(STAMP) tools ## start the local stack (workload, Prometheus, Alertmanager, webhook) on loopback, in .stack/
	$(PY) -m generator stack up

down: $(STAMP) ## stop the processes `make up` started
	$(PY) -m generator stack down

validate: $(STAMP) ## run every dashboard query against the stack of `make up`; fail on empty panels
	$(PY) -m generator validate

clean: ## remove the virtual environment and caches
	rm -rf $(VENV) .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
