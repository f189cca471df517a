# Two commands for a new user: `make serve` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1
# mkdocs-redirects pulls in properdocs, which prints its own banner about MkDocs 2.
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: help install serve build test lint browser lock bench mutate spec-check clean

help:
	@echo "make serve   set up, then serve the site on http://127.0.0.1:8000 with live reload"
	@echo "make test    set up, then run every test (strict site build and browser tests included)"
	@echo "make bench   set up, then print build, page-weight, Lighthouse and doctor figures"
	@echo "make lock    re-pin every dependency in requirements.lock"
	@echo "make mutate  mutation testing (mutmut) of the catalog, links, doctor and mock; slow"
	@echo "make mutate SAMPLE=400   the kill rate from a random sample of 400 mutants"
	@echo "make spec-check SPEC=<folder or URL of spot-rest>   catalog vs Kraken's spec"

# uv installs the hashed lock in seconds; it is pinned and comes from the registry like the rest.
UV_VERSION := 0.13.9
UV := $(BIN)/uv

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000 --livereload

build: $(STAMP)
	$(BIN)/mkdocs build --strict

lint: $(STAMP)
	$(BIN)/ruff check src tests snippets tools overrides/hooks
	$(BIN)/ruff format --check src tests snippets tools overrides/hooks
	@$(BIN)/lint-imports --no-cache > $(VENV)/lint-imports.log \
	  && grep "^Contracts:" $(VENV)/lint-imports.log \
	  || { cat $(VENV)/lint-imports.log; exit 1; }

# Debian's chromium drives the browser tests (Playwright's own download cannot run here);
# CI starts without it, so install it, with fonts for the text it renders, as root or via sudo.
# Where there is no apt-get (macOS, other Linux), say how to point the tests at a chromium.
KD_CHROMIUM ?= /usr/bin/chromium
export KD_CHROMIUM
browser:
	@test -x "$(KD_CHROMIUM)" || { \
	  command -v apt-get >/dev/null || { \
	    echo "No chromium at $(KD_CHROMIUM), and no apt-get to install one. Install Chromium or"; \
	    echo "Google Chrome, then run: make test KD_CHROMIUM=/path/to/chromium"; exit 1; }; \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium fonts-liberation fonts-dejavu-core fonts-noto-color-emoji >/dev/null; }

# The suite builds the site once (tests/sitebuild.py), strictly, for all its workers. Four
# workers on two cores: some tests wait on ccxt's own rate limiter, not on the CPU. The lines
# of snippets/ are measured where snippets run (pyproject.toml's [tool.coverage]): 100 % or fail.
test: $(STAMP) browser lint
	@rm -f .coverage .coverage.*
	KD_SNIPPET_COVERAGE=$(CURDIR)/pyproject.toml $(BIN)/python -m pytest -n 4 --dist worksteal
	@$(BIN)/coverage combine -q
	$(BIN)/coverage report

# Lighthouse comes from npm (tools/bench/package-lock.json) and runs Debian's chromium.
BENCH_NPM := tools/bench/node_modules/.package-lock.json
$(BENCH_NPM): tools/bench/package.json tools/bench/package-lock.json
	npm ci --prefix tools/bench --ignore-scripts --no-audit --no-fund --loglevel=error

bench: $(STAMP) browser $(BENCH_NPM)
	CHROME_PATH=$(KD_CHROMIUM) PYTHONPATH=tools:overrides/hooks $(BIN)/python -m bench

# The catalog's endpoint rules against Kraken's Spot REST spec: a spot-rest folder or its URL
# (default: $$KRAKEN_SPEC_DIR, else the pinned copy in ../shared). Exit 1 on drift; the first
# line of output says what changed, in the catalog's terms.
SPEC ?=
spec-check: $(STAMP)
	@$(BIN)/python tools/spec_check.py $(SPEC)

# The lock holds every package of the docs and dev groups with hashes, and no index or path of
# this machine, so pip and uv install it the same way anywhere.
lock: | $(UV)
	$(UV) pip compile --quiet pyproject.toml --group pyproject.toml:docs --group pyproject.toml:dev \
	  --generate-hashes --python-version 3.11.7 -o requirements.lock

# mutmut runs the tests on mutated copies in mutants/; the package must be imported from there,
# not from the editable install, so mutants/src leads the path (created first: Python skips a
# path entry that did not exist when it started). The tests run from mutants/, so Kraken's spec
# is named by its absolute path. ONLY='"kraken_doctor.doctor.hygiene*"' narrows the run;
# SAMPLE=400 checks a random sample and prints the kill rate with its margin (bench/mutation.py).
SAMPLE ?=
MUTATE_ENV = PYTHONPATH=$(CURDIR)/mutants/src \
  KRAKEN_SPEC_DIR=$${KRAKEN_SPEC_DIR:-$(abspath ../shared/kraken-spec/spot-rest)}
mutate: $(STAMP)
	rm -rf mutants && mkdir -p mutants/src
ifdef SAMPLE
	$(MUTATE_ENV) $(BIN)/python tools/bench/mutation.py $(SAMPLE)
else
	$(MUTATE_ENV) $(BIN)/mutmut run --max-children 2 $(ONLY)
	$(BIN)/mutmut export-cicd-stats
	@cat mutants/mutmut-cicd-stats.json
endif

clean:
	rm -rf $(VENV) site .cache .pytest_cache .ruff_cache mutants
