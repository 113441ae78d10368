# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install migrate run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/gridconnect db upgrade

run: migrate
	$(BIN)/gridconnect serve

test: migrate
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/bench_calendar.py
	$(BIN)/python bench/bench_scan.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_reports.py

clean:
	rm -rf $(VENV) gridconnect.db files .pytest_cache
