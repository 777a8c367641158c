# Kedai — every command CI runs is a target here, so green locally means green in CI.
SHELL := /bin/bash
CARGO ?= cargo
PG_URL_DEFAULT := postgres://postgres@127.0.0.1:5432/postgres
DOMAIN_CRATES := kedai-core kedai-catalog kedai-orders kedai-inventory kedai-identity kedai-loyalty kedai-webhooks
NEXTEST := $(shell $(CARGO) nextest --version >/dev/null 2>&1 && echo yes)
NEXTEST_PROFILE ?= default

.PHONY: run test test-sqlite test-postgres lint fmt fmt-check clippy docs purity openapi openapi-check ci build bench

## First run on a fresh machine: builds, migrates, seeds the demo merchant and serves.
run:
	$(CARGO) run -p kedai -- serve --demo

build:
	$(CARGO) build --workspace --all-targets

## The whole test suite on SQLite; with KEDAI_TEST_POSTGRES_URL set, on PostgreSQL too. The
## domain crates' usage examples run as doctests (nextest does not run those).
test:
ifeq ($(NEXTEST),yes)
	@if [ -n "$$KEDAI_TEST_POSTGRES_URL" ]; then \
		$(CARGO) nextest run --workspace --profile $(NEXTEST_PROFILE); \
	else \
		echo "KEDAI_TEST_POSTGRES_URL is not set: running the SQLite tests only (make test-postgres runs the rest)"; \
		$(CARGO) nextest run --workspace --profile $(NEXTEST_PROFILE) -E 'not test(/(^|::)postgres::/)'; \
	fi
	$(CARGO) test --doc --workspace
else
	@if [ -n "$$KEDAI_TEST_POSTGRES_URL" ]; then \
		$(CARGO) test --workspace; \
	else \
		echo "KEDAI_TEST_POSTGRES_URL is not set: running the SQLite tests only (make test-postgres runs the rest)"; \
		$(CARGO) test --workspace -- --skip postgres::; \
	fi
endif

## Only the PostgreSQL half of the database tests (needs a server; defaults to the local one).
test-postgres:
	KEDAI_TEST_POSTGRES_URL=$${KEDAI_TEST_POSTGRES_URL:-$(PG_URL_DEFAULT)} \
		$(CARGO) nextest run -p kedai-tests --profile $(NEXTEST_PROFILE) -E 'test(/(^|::)postgres::/)'

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

## API documentation builds without broken links or links from public items to private ones.
docs:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps

lint: fmt-check clippy docs

## Domain crates stay pure: no diesel, actix, utoipa or tokio among their dependencies.
purity:
	@for c in $(DOMAIN_CRATES); do \
		for dep in diesel actix-web utoipa tokio; do \
			if $(CARGO) tree -p $$c -e normal -i $$dep >/dev/null 2>&1; then \
				echo "$$c depends on $$dep"; exit 1; \
			fi; \
		done; \
	done; echo "domain crates are pure"

## Regenerate the committed OpenAPI document.
openapi:
	$(CARGO) run -q -p kedai -- openapi --out openapi

## Fail when the committed OpenAPI document differs from what the code generates.
openapi-check:
	@tmp=$$(mktemp -d); \
	$(CARGO) run -q -p kedai -- openapi --out $$tmp && \
	diff -u openapi/openapi.json $$tmp/openapi.json && echo "openapi/ is current"; \
	status=$$?; rm -rf $$tmp; exit $$status

## What CI runs: lint, purity, the whole suite on SQLite and PostgreSQL, OpenAPI drift.
ci: lint purity
	$(MAKE) test NEXTEST_PROFILE=ci
	$(MAKE) openapi-check

## Benchmarks: order creation, reads and analytics against their SQL baselines, micro benchmarks;
## rewrites BENCHMARKS.md and bench/throughput.png (installs wrk, pgbench and matplotlib if missing).
bench:
	bash bench/run.sh

## API fuzzing: schemathesis (PyPI, in a venv under target/) against a demo server, as the demo
## owner and as low roles; fails on any 5xx, undocumented status or schema mismatch, and on a
## documented status nothing answers. FUZZ_MAX_EXAMPLES bounds it (CI: see .ci/run).
.PHONY: fuzz-api
fuzz-api:
	bash tools/fuzz-api/run.sh

## SDK generators accept the OpenAPI document: validate it, generate a TypeScript client
## (openapi-typescript + openapi-fetch, tsc --strict) and a Python one (openapi-python-client),
## and make one real call with each against a demo server (tools under target/sdk-check).
.PHONY: sdk-check
sdk-check:
	bash tools/sdk-check/run.sh

## Fault tests on private databases (a throwaway PostgreSQL cluster per test, and SQLite): kill -9
## under load, PostgreSQL stopped and restarted under load, and a soak (10 minutes per backend
## here; FAULTS_SOAK_SECS changes it). They fail, never skip, without PostgreSQL's binaries.
FAULTS_SOAK_SECS ?= 600
FAULTS_BIN = $${CARGO_TARGET_DIR:-$(CURDIR)/target}/debug/kedai
.PHONY: faults faults-ci
faults:
	$(CARGO) build -p kedai
ifeq ($(NEXTEST),yes)
	KEDAI_BIN=$(FAULTS_BIN) KEDAI_SOAK_SECS=$(FAULTS_SOAK_SECS) \
		$(CARGO) nextest run -p kedai-tests --test faults --profile faults --run-ignored only --no-capture
else
	KEDAI_BIN=$(FAULTS_BIN) KEDAI_SOAK_SECS=$(FAULTS_SOAK_SECS) \
		$(CARGO) test -p kedai-tests --test faults -- --ignored --test-threads 1 --nocapture
endif

## The bounded fault run CI does: the same tests with a 45-second soak per backend.
faults-ci:
	$(MAKE) faults FAULTS_SOAK_SECS=45
