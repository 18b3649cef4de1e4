# The README's two commands: `make serve` and `make test`. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/gloact.duckdb
PORT ?= 8866

.PHONY: install db serve test test-fast bench lab chromium postgres lint schema screenshots clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

# The benchmark baselines need more (matplotlib and mapclassify for geopandas' explore()).
$(BIN)/.installed-bench: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $@

install: $(BIN)/.installed

# Built from data/ when missing; `gloact build-db --force` rebuilds it.
$(DB): | $(BIN)/.installed
	$(BIN)/gloact build-db --db $(DB)

db: $(DB)

serve: install db
	$(BIN)/gloact serve --db $(DB) --port $(PORT)

# What officials see, for docs/screenshots/ (landing, dashboards EN/FR, presenter slides, briefing pages).
screenshots: install chromium db
	$(BIN)/python scripts/screenshots.py --db $(DB)

# Debian's Chromium for the browser tests (never a browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium poppler-utils; }
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q poppler-utils; }

# Debian's PostgreSQL server for the shared-workbook tests (they start a throwaway cluster of their own).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }

lint: install
	$(BIN)/ruff check gloact_lib tests benchmarks scripts

test: install chromium postgres lint db
	$(BIN)/python -m pytest --nbval-lax --doctest-modules gloact_lib tests notebooks

test-fast: install postgres db
	$(BIN)/python -m pytest -m "not slow and not browser" --nbval-lax --doctest-modules gloact_lib tests notebooks

bench: $(BIN)/.installed-bench chromium postgres db
	$(BIN)/python benchmarks/run.py

lab: install db
	$(BIN)/jupyter lab --notebook-dir=notebooks

schema: install
	$(BIN)/gloact schema --out data/SCHEMA.md

clean:
	rm -rf $(VENV) .pytest_cache tests/artifacts maps/reports
