# CivicDesk: `make run` sets up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test lint bench messages system-deps clean-demo

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) && [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

## Set up (venv, install, migrate SQLite in var/, demo county, demo users) and serve.
run: install
	@scripts/system-deps run
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_roles
	$(PY) manage.py demo_data --if-empty
	@scripts/serve-demo $(HOST) $(PORT)

## The whole suite on SQLite, then on PostgreSQL when it is reachable (CI requires it).
test: install
	@scripts/system-deps test
	@scripts/run-tests

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy civicdesk core workflow hazards complaints reports demo testing bench tests
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache --no-logo

## Benchmarks: BENCH_SCALE (default 1000000 premises) and BENCH_DB (sqlite, postgresql, both).
bench: install
	$(PY) -m bench.run

## Re-extract and compile the translation catalogs (zh-Hans, zh-Hant, en).
messages: install
	$(PY) manage.py makemessages --all --ignore='.venv/*' --ignore='var/*' --no-obsolete
	$(PY) scripts/hant_from_hans.py
	$(PY) manage.py compilemessages --ignore='.venv/*'

system-deps:
	@scripts/system-deps test
