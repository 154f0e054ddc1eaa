# permitdb: every task starts here. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
STAMP := $(VENV)/.synced-$(shell cat requirements/dev.txt pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
LOCK_FLAGS := --generate-hashes --python-version 3.11 --quiet --custom-compile-command "make lock"
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help
help: ## list the tasks
	@grep -hE '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-10s\033[0m %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) requirements/dev.txt pyproject.toml
	$(UV) pip sync --python $(BIN)/python --quiet requirements/dev.txt
	$(UV) pip install --python $(BIN)/python --quiet --no-deps -e .
	@rm -f $(VENV)/.synced-* && touch $@

.PHONY: venv
venv: $(STAMP) ## create or refresh the virtual environment from the hash-locked requirements

.PHONY: lock
lock: $(UV) ## re-pin requirements/*.txt from pyproject.toml (hash-locked)
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) -o requirements/main.txt
	$(UV) pip compile pyproject.toml --group dev $(LOCK_FLAGS) -o requirements/dev.txt

.PHONY: lint
lint: $(STAMP) ## ruff, formatting, import layers, lock freshness
	$(BIN)/ruff check src tests bench evaluation
	$(BIN)/ruff format --check src tests bench evaluation
	$(BIN)/lint-imports
	@tmp=$$(mktemp -d) && cp requirements/*.txt $$tmp/ && \
	  $(UV) pip compile pyproject.toml $(LOCK_FLAGS) -o $$tmp/main.txt && \
	  $(UV) pip compile pyproject.toml --group dev $(LOCK_FLAGS) -o $$tmp/dev.txt && \
	  diff -q requirements/main.txt $$tmp/main.txt && diff -q requirements/dev.txt $$tmp/dev.txt \
	  || { echo "requirements/*.txt do not match pyproject.toml: run 'make lock' and commit"; exit 1; }

.PHONY: typecheck
typecheck: $(STAMP) ## mypy --strict on src/
	$(BIN)/mypy

.PHONY: fmt
fmt: $(STAMP) ## format and autofix
	$(BIN)/ruff format src tests bench evaluation
	$(BIN)/ruff check --fix src tests bench evaluation

# The API explorer test drives Debian's Chromium (never a browser download): install it once.
CHROMIUM := /usr/bin/chromium

.PHONY: system-packages
system-packages: ## install the Debian packages the tests need (Chromium, pg_dump), only when missing
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@# the PostgreSQL backup round trip runs pg_dump/pg_restore (only with PERMITDB_TEST_POSTGRES_URL)
	@test -z "$$PERMITDB_TEST_POSTGRES_URL" || command -v pg_dump >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }

.PHONY: test
test: system-packages lint typecheck ## the whole suite: lint, types, tests (PostgreSQL too when PERMITDB_TEST_POSTGRES_URL is set)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

.PHONY: demo
demo: $(STAMP) ## ingest the bundled recordings into ./data/demo.sqlite (never the live database) and serve them on 127.0.0.1:8000
	$(BIN)/permitdb demo --host $(HOST) --port $(PORT)

.PHONY: bench
bench: $(STAMP) ## measure ingest rows/s, peak memory and API latency; writes docs/benchmarks.md
	$(BIN)/python -m bench.run

.PHONY: eval
eval: $(STAMP) ## score normalization and contractor resolution against the labelled sets
	$(BIN)/python -m evaluation

# Only the demo's files: data/ also holds the live database (data/permitdb.sqlite).
DEMO_FILES := $(addprefix data/demo,.sqlite .sqlite-wal .sqlite-shm .lock)

.PHONY: clean
clean: ## remove the environment, caches and the demo database (never the live database)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
	rm -f $(DEMO_FILES)
