# Two commands on a fresh machine: `make run` and `make test`.
# Both install from the lock files in requirements/ (pins CI tested); `make lock` renews them.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_STAMP := $(VENV)/.test-installed
# pytest-xdist workers: one per core (`make test WORKERS=0` runs in one process). The default
# distribution on purpose: loadscope and loadgroup queue tests by node id, and schemathesis
# gives its 33 generated tests one node id, so those modes would run one of them and drop 32.
WORKERS ?= auto
PYTEST := $(BIN)/pytest -p no:cacheprovider -n $(WORKERS)
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet

# pytest rewrites the asserts of every plugin's package (schemathesis, hypothesis, ...); with
# bytecode writing off it recompiles them all in every process, seconds per xdist worker.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install install-test migrate run test test-fast test-security lint lock bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Runtime dependencies only: what `make run` serves with.
$(RUNTIME_STAMP): pyproject.toml requirements/runtime.lock | $(BIN)/python
	$(BIN)/pip install --quiet --constraint requirements/runtime.lock --editable .
	touch $@

# The test extras too (pytest, xdist, httpx2, schemathesis, playwright, ruff, mypy, ...).
$(TEST_STAMP): pyproject.toml requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --constraint requirements/test.lock --editable '.[dev]'
	touch $@

install: $(RUNTIME_STAMP)

install-test: $(TEST_STAMP)

migrate: install
	$(BIN)/gridconnect db upgrade

run: migrate
	$(BIN)/gridconnect serve

# The tests make their own databases; ./gridconnect.db is left alone.
test: install-test
	$(PYTEST)

# Unit and integration tests, no HTTP, no browser and none marked slow: the loop to run while
# editing. `make test` runs them all.
test-fast: install-test
	$(PYTEST) -m "not browser and not slow" tests/unit tests/integration

# The attack suite at full strength: tests/security and about a hundred generated requests per
# API operation as every role (a nightly-sized run; `make test` runs a few per operation).
test-security: install-test
	GRIDCONNECT_SCHEMATHESIS_EXAMPLES=100 $(PYTEST) tests/security tests/e2e/test_api_schemathesis.py

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# Renew the lock files after changing dependencies in pyproject.toml, then commit them.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet 'uv>=0.5'
	$(LOCK) --output-file requirements/runtime.lock
	$(LOCK) --extra dev --output-file requirements/test.lock

bench: install-test
	$(BIN)/python bench/bench_calendar.py
	$(BIN)/python bench/bench_scan.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_reports.py

clean:
	rm -rf $(VENV) gridconnect.db files .pytest_cache

# govlink: the simulated government platform on :8900 (docs/gov-platform.md). Serve gridconnect
# with GRIDCONNECT_GOV_PLATFORM_URL=http://127.0.0.1:8900 and the same
# GRIDCONNECT_GOV_PLATFORM_SECRET to use it.
govsim: install-test
	$(BIN)/python -m tools.govsim
