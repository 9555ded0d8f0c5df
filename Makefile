# Signoff developer tasks. `make test` is what CI runs (through .ci/run).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install; pip runs again whenever pyproject.toml changes.
STAMP := $(VENV)/.signoff-installed

.PHONY: venv system-deps test run bench lint

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

# Debian packages the test suite needs: Chromium (browser tests) and the PostgreSQL server
# binaries (the suite runs its own throwaway cluster). apt runs only if something is missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	{ command -v initdb || compgen -G '/usr/lib/postgresql/*/bin/initdb'; } >/dev/null \
		|| missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then echo "system-deps: chromium and PostgreSQL present"; exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
		echo "system-deps: missing:$$missing; run 'make system-deps' as root" >&2; exit 1; \
	fi; \
	echo "system-deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update && apt-get install -y --no-install-recommends $$missing

test: venv system-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/ruff check .

run: venv
	$(BIN)/signoff db upgrade
	$(BIN)/signoff demo load
	$(BIN)/signoff run

bench: venv
	$(BIN)/python -m benchmarks.contract

lint: venv
	$(BIN)/ruff check .
