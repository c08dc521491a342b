# One command per job. Each target sets up .venv first, so every one works on a
# fresh clone. `make book` and `make test` are the two commands in the README.

VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
BOOK_HTML := _build/html
SHELL     := /bin/bash

# MXNet 1.9.1 needs numpy < 1.24, which has no wheels past Python 3.11, and
# requirements.txt pins releases resolved for Python 3.11.
PY_OK := import sys; sys.exit(sys.version_info[:2] != (3, 11))
find_python = $(firstword $(foreach p,python3.11 python3,\
	$(shell command -v $(p) >/dev/null 2>&1 && $(p) -c '$(PY_OK)' 2>/dev/null && echo $(p))))

.PHONY: help setup book test unit notebooks lint outputs bench browser clean

help:
	@echo "make book       build the HTML book into $(BOOK_HTML)"
	@echo "make test       lint, build the book (warnings are errors), unit tests, nbval, browser test"
	@echo "make lint       ruff (lint and format) over d2l/, tests/ and, through nbqa, the notebooks"
	@echo "make outputs    re-run every notebook top to bottom and store its outputs"
	@echo "make bench      time the package's helpers against MXNet's operators"
	@echo "make clean      remove _build/ (keeps .venv)"

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c '$(PY_OK)' 2>/dev/null; then \
		echo "$(VENV) uses an unsupported Python; removing it."; rm -rf $(VENV); fi
	@if [ ! -x $(BIN)/python ]; then \
		py="$(call find_python)"; \
		if [ -z "$$py" ]; then \
			echo "No Python 3.11 found: MXNet 1.9.1 needs numpy < 1.24, which has no wheels past Python 3.11, so install Python 3.11 (e.g. apt-get install python3.11-venv) and run make again."; \
			exit 1; fi; \
		echo "Creating $(VENV) with $$py"; \
		$$py -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@echo "Open $(CURDIR)/$(BOOK_HTML)/index.html"

lint: $(STAMP)
	$(BIN)/ruff check d2l tests
	$(BIN)/ruff format --check d2l tests
	$(BIN)/nbqa ruff chapters
	$(BIN)/nbqa "ruff format" --check chapters

# Chromium drives the browser test; Debian's package is the one that works here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) browser
	$(MAKE) --no-print-directory lint
	$(BIN)/jupyter-book build . --all --warningiserror --keep-going
	$(BIN)/pytest --nbval

unit: $(STAMP)
	$(BIN)/pytest tests

notebooks: $(STAMP)
	$(BIN)/pytest --nbval chapters

outputs: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=600 \
		chapters/*.ipynb

bench: $(STAMP)
	$(BIN)/python -m d2l.bench

clean:
	rm -rf _build
