# Signoff developer tasks. `make test` is what CI runs (through .ci/run).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# Touched after a successful install; the venv is synced again whenever the lock or
# pyproject.toml changes.
STAMP := $(VENV)/.signoff-installed
# uv never downloads a Python of its own: the venv uses $(PYTHON).
export UV_PYTHON_DOWNLOADS := never

.PHONY: venv lock upgrade-deps system-deps test chaos run bench bench-trail bench-mail bench-idle bench-parse lint \
	bench-campaign bench-scale test-full \
	security audit-deps screenshots

# Every Python package comes from uv.lock, hash-checked: pip installs only the locked uv
# (bootstrap), and uv installs exactly the lock (removing anything else). A lock that no longer
# matches pyproject.toml stops here, with nothing installed.
venv: $(STAMP)

$(STAMP): pyproject.toml uv.lock | $(UV)
	@$(UV) lock --check --offline --quiet 2>/dev/null || { \
		echo "make: uv.lock does not match pyproject.toml; run 'make lock' and commit uv.lock (nothing was installed)" >&2; \
		exit 1; }
	$(UV) sync --locked --no-install-project --quiet
	$(UV) sync --locked --quiet
	touch $@

# The first time only: an empty venv with the locked uv in it, installed by a throwaway copy of
# that same uv that pip fetched, hash-checked (later the lock's own uv upgrades itself).
BOOT := $(VENV).bootstrap
$(UV):
	rm -rf $(BOOT) && mkdir -p $(BOOT)
	$(PYTHON) -m signoff.lockfile uv-requirement > $(BOOT)/uv.txt
	$(PYTHON) -m pip install --quiet --root-user-action=ignore --no-deps --require-hashes --target $(BOOT) -r $(BOOT)/uv.txt
	$(BOOT)/bin/uv venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(BOOT)/bin/uv pip install --quiet --python $(BIN)/python --no-deps --require-hashes \
		-r $(BOOT)/uv.txt
	rm -rf $(BOOT)

# After editing pyproject.toml's dependencies: the smallest change to the lock that fits.
lock: | $(UV)
	$(UV) lock

# How dependencies move forward, one reviewed commit at a time: the newest versions the bounds
# in pyproject.toml allow, then the whole suite, listing every warning a library raised (a
# third-party warning is shown, not fatal, in this run; Signoff's own still fail).
upgrade-deps: | $(UV)
	$(UV) lock --upgrade
	$(MAKE) venv system-deps
	SIGNOFF_REQUIRE_PREFLIGHT=1 SIGNOFF_WARNINGS=report $(BIN)/python -m pytest -q \
		-p no:cacheprovider
	$(BIN)/ruff check .
	@echo "upgrade-deps: review 'git diff uv.lock' and the warnings above, then commit uv.lock alone"

# Debian packages the test suite needs: Chromium (browser tests), the PostgreSQL server
# binaries (the suite runs its own throwaway cluster), Pango (WeasyPrint renders the trail
# PDFs with it), poppler-utils (pdfsig and pdftotext check the trails independently),
# dovecot-imapd (the IMAP reader is tested against a throwaway Dovecot), and Java with Apache
# PDFBox Preflight (default-jre-headless, libpdfbox2-java, and libjaxb-api-java for the
# javax.xml.bind and javax.activation APIs it needs on Java 11+): the trails' PDF/A check.
# apt runs only if something is missing.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	{ command -v initdb || compgen -G '/usr/lib/postgresql/*/bin/initdb'; } >/dev/null \
		|| missing="$$missing postgresql"; \
	for lib in libpango-1.0-0:libpango-1.0.so.0 libpangoft2-1.0-0:libpangoft2-1.0.so.0; do \
		/sbin/ldconfig -p | grep -q "$${lib#*:}" || missing="$$missing $${lib%%:*}"; \
	done; \
	{ command -v pdfsig && command -v pdftotext; } >/dev/null || missing="$$missing poppler-utils"; \
	{ command -v dovecot || test -x /usr/sbin/dovecot; } >/dev/null \
		|| missing="$$missing dovecot-imapd"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	for jar in libpdfbox2-java:preflight.jar libjaxb-api-java:jaxb-api.jar; do \
		test -f "/usr/share/java/$${jar#*:}" || missing="$$missing $${jar%%:*}"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "system-deps: chromium, PostgreSQL, Pango, poppler-utils, Dovecot and Preflight present"; \
		exit 0; \
	fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
		echo "system-deps: missing:$$missing; run 'make system-deps' as root" >&2; exit 1; \
	fi; \
	echo "system-deps: installing$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update && apt-get install -y --no-install-recommends $$missing

# `make test` leaves out the tests marked `slow` (tests/slow.py: PostgreSQL twins whose SQL is
# the SQLite case's, the long fault and load scenarios, the full schemathesis run); `make
# test-full` runs them too (SIGNOFF_TESTS=full) — before a release, and after a change to the
# store, the migrations, the SQL or delivery. See README, "Tests".
test: venv system-deps
	$(BIN)/lint-imports
	SIGNOFF_REQUIRE_PREFLIGHT=1 $(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory security

test-full: venv system-deps
	$(BIN)/lint-imports
	SIGNOFF_TESTS=full SIGNOFF_REQUIRE_PREFLIGHT=1 $(BIN)/python -m pytest -q -p no:cacheprovider
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory security

# The chaos suite (tests/chaos): every fault scenario against real processes (web, worker,
# scheduler, smtp, Redis; SQLite and PostgreSQL), the long outages at full length — about 65
# minutes one after another, ~18 with CHAOS_JOBS=4 (each scenario its own installation). Plain
# `pytest` (and so `make test`) runs only its quick subset. Ends with the table: scenario →
# acknowledged / transitions / mails (duplicates) / verdict. CHAOS_TESTS picks scenarios.
CHAOS_RESULTS ?= var/chaos-results.jsonl
CHAOS_TESTS ?= tests/chaos
CHAOS_JOBS ?= 1
chaos: venv system-deps
	$(BIN)/python -m tests.chaos.run --results $(CHAOS_RESULTS) --jobs $(CHAOS_JOBS) \
		$(CHAOS_TESTS) $(CHAOS_ARGS)

# The screenshots in docs/screenshots/ (the README and the issues' closing notes show them),
# taken again by the browser tests that make them; any other run writes them to a temporary
# folder, so `make test` never changes a file of the checkout.
SCREENSHOT_TESTS := tests/e2e/test_browser_lists.py tests/e2e/test_browser_documents.py \
	tests/e2e/test_browser_reports.py
screenshots: venv system-deps
	SIGNOFF_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider \
		$(SCREENSHOT_TESTS)

# Signoff's own code read for risky patterns: every finding is fixed, or explained where it
# is (`# nosec BXXX  # why`), so a new one fails the build.
SOURCES := accounting approvals hr mail signoff web workers
security: venv
	$(BIN)/bandit -q -r $(SOURCES)

# Known vulnerabilities of every locked package (pip-audit asks PyPI's JSON API for each
# version). Needs that API: on a machine that reaches only the package index it cannot run.
audit-deps: venv
	$(BIN)/pip-audit --strict --skip-editable --vulnerability-service pypi

# The demo company's bank details: the payer of the payment orders the accountants' queue
# exports for the bank client (approvals/config/company.py). Only `make run` sets them, and only
# those the environment does not: a real installation sets its own SIGNOFF_COMPANY_*.
run: export SIGNOFF_COMPANY_NAME ?= ООО "Демо"
run: export SIGNOFF_COMPANY_INN ?= 7701234560
run: export SIGNOFF_COMPANY_KPP ?= 770101001
run: export SIGNOFF_COMPANY_ACCOUNT ?= 40702810238000001234
run: export SIGNOFF_COMPANY_BANK ?= ПАО Сбербанк
run: export SIGNOFF_COMPANY_BIK ?= 044525225
run: export SIGNOFF_COMPANY_CORR_ACCOUNT ?= 30101810400000000225

# The worker signs trails and will not start without the organisation's keys: they are made on
# the first run (`keys show` fails only when they are missing or broken; `keys init` never
# overwrites, so broken keys stop here with the file named).
run: venv
	$(BIN)/signoff db upgrade
	$(BIN)/signoff demo load
	$(BIN)/signoff keys show >/dev/null 2>&1 || $(BIN)/signoff keys init
	$(BIN)/signoff run

# Every figure of the performance goals in one run (about 20 minutes on the 2-core machine):
# contract approvals in every mode (service-alone, then the SpiffWorkflow peer, service, api) on
# SQLite and on a throwaway PostgreSQL with 1 and 2 worker processes (1,000 instances a mode, 300
# through the API), email replies with 1 and 2 worker processes, 3 runs of the signed trail, the
# campaign; then one Markdown table (date, commit, figures, goals) printed and written to
# var/bench/summary-<date>.md for the README's history.
BENCH_RECORD := var/bench/run.jsonl
bench: venv system-deps
	@mkdir -p $(dir $(BENCH_RECORD)) && rm -f $(BENCH_RECORD)
	$(BIN)/python -m benchmarks.contract --instances 1000 --api-instances 300 --db both \
		--worker-processes 1 2 --record $(BENCH_RECORD)
	$(BIN)/python -m benchmarks.mail --worker-processes 1 2 --record $(BENCH_RECORD)
	$(BIN)/python -m benchmarks.trail --runs 3 --record $(BENCH_RECORD)
	$(MAKE) --no-print-directory bench-campaign
	$(BIN)/python -m benchmarks.summary $(BENCH_RECORD)

# A read-and-acknowledge campaign to 500 people: seconds from its start until all 500 task
# mails are in the catcher; then 500 acknowledgements by email reply while a reader loads the
# campaign's live page (its p50/p95 ms).
bench-campaign: venv
	$(BIN)/python -m benchmarks.campaign

# A year of data: 100,000 instances (~1,000,000 audit events, 200 people) seeded into SQLite and
# a throwaway PostgreSQL, then the inbox, "done by me", the accountants' queue, the instance page,
# a month's audit search, a decision and an email reply (p50/p95 ms) under a light load, the size
# per 1,000 instances and the query plans. Long (not part of `make bench`); SCALE_ARGS, e.g.
# `--instances 10000 --db sqlite`, for a quick run.
SCALE_ARGS ?= --explain
bench-scale: venv system-deps
	$(BIN)/python -m benchmarks.scale $(SCALE_ARGS)

# Render and sign one trail (40 events, 3 documents), warm: p50/p95 ms and peak memory, in 5 runs
# (fresh processes) with the min/median/max of the runs.
bench-trail: venv system-deps
	$(BIN)/python -m benchmarks.trail

# Replies by email: inbound replies processed per second, and the latency from a reply's SMTP
# 250 to the next approver's mail at 10 replies/s (p50/p99).
bench-mail: venv
	$(BIN)/python -m benchmarks.mail

# Reading a large reply (HTML, and plain text with many quoted lines) at 1, 4 and 16 MB: seconds
# as the worker reads it (cut at the limits) and for the converters on the whole body (linear).
bench-parse: venv
	$(BIN)/python -m benchmarks.parse

# What an idle `make run` costs: CPU per role and Redis's file sizes over MINUTES (default 10).
MINUTES ?= 10
bench-idle: venv
	$(BIN)/python -m benchmarks.idle --minutes $(MINUTES)

lint: venv
	$(BIN)/lint-imports
	$(BIN)/ruff check .
