# Entry points named in the README. Each target creates .venv when it is missing and installs what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Django 6 needs Python >= 3.12: take the first interpreter on this machine that is new enough.
PY_CANDIDATES := $(PYTHON) python3.14 python3.13 python3.12 \
	$(sort $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)) \
	$(sort $(wildcard /usr/local/bin/python3.1[2-9])) python3
FOUND_PYTHON := $(shell for p in $(PY_CANDIDATES); do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/python:
	@if [ -z "$(FOUND_PYTHON)" ]; then \
		echo "openhouse needs Python 3.12 or newer: install it (for example 'pyenv install 3.12') and run make again."; exit 1; fi
	$(FOUND_PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $@

.PHONY: install run test test-fast browser-deps lint bench screenshots clean
install: $(VENV)/.installed

## make run: migrate, load the demo, serve on http://127.0.0.1:8000 (SQLite, local media, tasks in-process)
run: install
	$(BIN)/openhouse demo
	$(BIN)/openhouse serve

# Browser tests drive Debian's chromium; install it when we may (root with apt), otherwise they say why they skip.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; fi

## make test: the whole suite (SQLite unless OPENHOUSE_TEST_DATABASE_URL / OPENHOUSE_TEST_REDIS_URL are set)
test: install browser-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

## make test-fast: everything but the browser journeys
test-fast: install
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check openhouse tests bench
	$(BIN)/ruff format --check openhouse tests bench
	$(BIN)/lint-imports
	OPENHOUSE_SECRET_KEY=type-check-only $(BIN)/mypy openhouse/*/services.py openhouse/*/queries.py openhouse/*/access.py openhouse/core
	$(BIN)/openhouse manage check

## make bench: the photo pipeline (bench.media), the pre-publication report (bench.report), the launch-day load (bench.launch; BENCH_SCALE=small for a quick run), then the API (bench.api)
bench: $(VENV)/.bench-installed
	$(BIN)/python -m bench.media
	$(BIN)/python -m bench.report
	$(BIN)/python -m bench.launch
	$(BIN)/python -m bench.api

## make screenshots: profile and post pages at phone and desktop widths, into ./screenshots
screenshots: install browser-deps
	$(BIN)/python -m bench.screenshots

clean:
	rm -rf $(VENV) var
