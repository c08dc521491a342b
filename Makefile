# One command per job. Each target sets up .venv first, so every one works on a
# fresh clone. `make book` and `make test` are the two commands in the README.

VENV      ?= .venv
BIN       := $(VENV)/bin
# The set-up has two stages, each with a stamp per Python named (naming another
# one re-runs it): the book's own packages (requirements-book.txt, enough for
# `make book`), then everything else (requirements.txt and the d2l package).
STAMP_FOR := $(if $(PYTHON),-$(subst /,_,$(PYTHON)))
BOOK_STAMP:= $(VENV)/.installed-book$(STAMP_FOR)
STAMP     := $(VENV)/.installed$(STAMP_FOR)
BOOK_HTML := _build/html
SHELL     := /bin/bash
UV        := uv==0.13.9

# Figures must display inline in the notebooks' kernels; MPLBACKEND=Agg (set
# by some CI images) would silently turn them off.
unexport MPLBACKEND

# Pythons the lock in requirements.txt pins, best first: 3.11 runs MXNet 1.9.1
# with the numpy it was released for; 3.12 and 3.13 need d2l_compat; on 3.10
# the book's theme is older (see the README). Name one with PYTHON=python3.12.
ACCEPTED  := 3.11 3.12 3.13 3.10
CANDIDATES = $(or $(PYTHON),$(foreach v,$(ACCEPTED),python$(v)) python3 python \
	$(sort $(wildcard $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions/3.1[0-3]*/bin/python3)))
# Prints "X.Y" for an interpreter that runs; exits non-zero unless accepted.
PY_VERSION := import sys; v = "%d.%d" % sys.version_info[:2]; print(v); \
	sys.exit(v not in "$(ACCEPTED)".split())

.PHONY: help setup lock book slides pdf pdf-tools test test-built test-browser test-site-other test-unit test-notebooks-training test-notebooks-other unit notebooks lint lint-js outputs bench browser clean download-check

help:
	@echo "make book       build the HTML book into $(BOOK_HTML) (sets up only what that needs)"
	@echo "make slides     build the lecture slides, one deck per section, into $(SLIDES)"
	@echo "make pdf        build the whole book as one PDF, $(PDF_FILE), and test it"
	@echo "make setup      set up everything: MXNet, the d2l package, JupyterLab, the test tools"
	@echo "make test       lint, build the book (warnings are errors) and the slides, unit tests, nbval, browser tests"
	@echo "make lint       ruff (lint and format) over d2l/, tests/ and, through nbqa, the notebooks"
	@echo "make outputs    re-run every notebook top to bottom and store its outputs"
	@echo "make bench      time the package's helpers against MXNet's operators"
	@echo "make download-check  run every notebook from the book's zip in a fresh venv (CI runs it)"
	@echo "make clean      remove _build/ (keeps .venv)"

setup: $(STAMP)

# MXNet 1.9.1 still says numpy<2, which no numpy for Python 3.13 meets;
# d2l_compat makes it work, so that is the one conflict allowed.
define CHECK_CONSISTENT
@out=$$($(BIN)/uv pip check --python $(BIN)/python 2>&1) || { \
		conflicts=$$(echo "$$out" | grep '^The package'); \
		if [ -z "$$conflicts" ] || echo "$$conflicts" | grep -qv '`mxnet` requires `numpy>1.16.0,<2.0.0`'; then \
			echo "$$out"; exit 1; fi; }
endef

# Stage 1, all that `make book` needs: creates $(VENV) with the first accepted
# Python (or recreates it when it holds another one than PYTHON names),
# installs uv pinned from PyPI, then the book's lock with it. The book is
# built from the outputs stored in the notebooks, so this stage installs no
# MXNet, no d2l and no JupyterLab: 105 of the lock's 186 packages, a third of
# its megabytes, and without jupyter-events' rfc3987-syntax, whose grammars
# jsonschema would otherwise compile at every start of the build (5 s).
# The venv starts without pip: ensurepip (pip, and setuptools up to 3.11)
# costs 5 to 9 s of CPU here. The pinned uv is installed by whichever comes
# first: a uv already on PATH (any version; 0.3 s), that Python's own pip if
# it is recent enough for --python (22.3; 5 s), or the venv's own pip after
# ensurepip (12 s). The lock then installs pip for the reader.
$(BOOK_STAMP): requirements-book.txt
	@want="$(PYTHON)"; have=""; py=""; \
	if [ -x $(BIN)/python ]; then have=$$($(BIN)/python -c '$(PY_VERSION)' 2>/dev/null) || have=""; fi; \
	if [ -n "$$have" ] && [ -n "$$want" ] && [ "$$($$want -c '$(PY_VERSION)' 2>/dev/null)" != "$$have" ]; then have=""; fi; \
	if [ -z "$$have" ]; then \
		py=""; found=""; \
		for c in $(CANDIDATES); do \
			v=$$($$c -c '$(PY_VERSION)' 2>/dev/null); ok=$$?; \
			[ -n "$$v" ] && found="$$found $$c ($$v)"; \
			if [ $$ok -eq 0 ]; then py=$$c; break; fi; done; \
		if [ -z "$$py" ]; then \
			echo "No usable Python: this book needs Python 3.10 to 3.13 (found:$${found:- none}); install one (the python3-venv package on Ubuntu 22.04/24.04 and Debian 12/13, from python.org, or with 'uv python install 3.12') and run make again, naming it if it is not on PATH: make book PYTHON=/path/to/python3.12"; \
			exit 1; fi; \
		rm -rf $(VENV); echo "Creating $(VENV) with $$py ($$($$py -c '$(PY_VERSION)'))"; \
		$$py -m venv --without-pip $(VENV) || { rm -rf $(VENV); \
			echo "$$py could not create a virtual environment; on Debian/Ubuntu: sudo apt-get install python$$($$py -c '$(PY_VERSION)')-venv"; exit 1; }; \
	fi; \
	[[ "$$($(BIN)/uv --version 2>/dev/null)" == "uv $(subst uv==,,$(UV))"* ]] || \
	{ command -v uv >/dev/null 2>&1 && uv pip install --quiet --python $(BIN)/python $(UV) >/dev/null 2>&1; } || \
	{ [ -n "$$py" ] && $$py -m pip --python $(BIN)/python install --quiet --disable-pip-version-check $(UV) >/dev/null 2>&1; } || { \
		$(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip >/dev/null || { \
			echo "$(BIN)/python has no pip to install uv with; on Debian/Ubuntu: sudo apt-get install python$$($(BIN)/python -c '$(PY_VERSION)')-venv"; exit 1; }; \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check $(UV); }
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -r requirements-book.txt
	$(CHECK_CONSISTENT)
	@touch $@

# Stage 2, for the tests and the notebooks: the whole lock (the book's pins
# are the same ones) and the package, editable. Nothing runs again until one
# of these files changes.
$(STAMP): $(BOOK_STAMP) requirements.txt pyproject.toml d2l_compat.py d2l_compat.pth
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	$(CHECK_CONSISTENT)
	@touch $@

# Re-resolve requirements.txt from requirements.in (for Python 3.10 to 3.13),
# then requirements-book.txt from requirements-book.in, constrained to the
# pins just written, so that both locks agree on every package they share.
lock: $(BOOK_STAMP)
	$(BIN)/uv pip compile requirements.in --universal --python-version 3.10 \
		--override requirements-overrides.txt --custom-compile-command "make lock" \
		-o requirements.txt
	$(BIN)/uv pip compile requirements-book.in --universal --python-version 3.10 \
		--custom-compile-command "make lock" -o requirements-book.txt

# What the book is built from (the explorers' modules and the LeNet explorer's
# network too: the build puts them in the pages). Sphinx runs only when one of these, or the
# set-up, is newer than the last build that passed: with nothing changed,
# `make book` does not spend the 7 to 15 s that Jupyter Book takes to start
# and find that nothing is out of date.
BOOK_SOURCES := _config.yml _toc.yml $(shell find chapters -type f \
	! -path '*/.ipynb_checkpoints/*' ! -path '*/__pycache__/*' \
	! -path 'chapters/_site/slides/*' 2>/dev/null) \
	$(wildcard d2l/explorers/*.js d2l/explorers/weights/*)
BOOK_BUILT   := _build/.book-built

# PYTHONDONTWRITEBYTECODE (set in many container images) would make every
# rebuild compile its 1,200 modules again, half of the 15 s of CPU that a
# one-page rebuild takes; .venv is ours to write byte code into.
$(BOOK_BUILT): $(BOOK_STAMP) $(BOOK_SOURCES)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/jupyter-book build . --warningiserror --keep-going
	@touch $@

book: $(BOOK_BUILT)
	@echo "Open $(CURDIR)/$(BOOK_HTML)/index.html"

lint: $(STAMP) lint-js
	$(BIN)/ruff check d2l tests d2l_compat.py conftest.py
	$(BIN)/ruff format --check d2l tests d2l_compat.py conftest.py
	$(BIN)/nbqa ruff chapters
	$(BIN)/nbqa "ruff format" --check chapters

# The explorers' and the slides' JavaScript is linted like the Python: eslint,
# pinned, from npm.
ESLINT := .cache/eslint/node_modules/.bin/eslint
$(ESLINT):
	npm install --silent --prefix .cache/eslint --cache .cache/npm --no-audit --no-fund \
		eslint@9.39.1 @eslint/js@9.39.1 globals@16.5.0

lint-js: $(ESLINT)
	ESLINT_HOME=.cache/eslint $(ESLINT) --config d2l/explorers/eslint.config.mjs d2l/explorers \
		chapters/_site/slides

# Lecture slides: one reveal.js deck per section whose notebook marks slides
# (the README describes the marks), from the outputs stored in the notebooks,
# so it needs only the book's set-up and reveal.js, pinned, from npm. The
# decks are rebuilt whenever a page, the slides' own files or the pin changes.
SLIDES         := _build/slides
REVEAL_VERSION := 6.0.2
REVEAL_STAMP   := .cache/reveal/.installed-$(REVEAL_VERSION)
SLIDES_BUILT   := $(SLIDES)/.built
$(REVEAL_STAMP):
	rm -rf .cache/reveal
	npm install --silent --prefix .cache/reveal --cache .cache/npm --no-audit --no-fund \
		reveal.js@$(REVEAL_VERSION)
	@touch $@

$(SLIDES_BUILT): $(BOOK_STAMP) $(REVEAL_STAMP) $(BOOK_SOURCES) \
		$(wildcard chapters/_site/slides/* d2l/explorers/*.js)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python chapters/_site/slides/build.py \
		--reveal .cache/reveal/node_modules/reveal.js --out $(SLIDES)
	@touch $@

slides: $(SLIDES_BUILT)
	@echo "Open $(CURDIR)/$(SLIDES)/index.html"

# Chromium drives the browser test; Debian's package is the one that works here.
# axe-core, which the browser tests put into each page, is pinned from npm
# (the one PyPI packages such as axe-playwright-python bundle is older).
AXE_VERSION := 4.14.1
AXE_STAMP   := .cache/axe/.installed-$(AXE_VERSION)
$(AXE_STAMP):
	rm -rf .cache/axe
	npm install --silent --prefix .cache/axe --cache .cache/npm --no-audit --no-fund \
		axe-core@$(AXE_VERSION)
	@touch $@

browser: $(AXE_STAMP)
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The whole book as one PDF (chapters/_site/pdf/build.py): Chromium prints the
# built HTML, offline; poppler-utils (pdfinfo gives the contents their page
# numbers; the test reads the PDF with it) and qpdf (which packs the PDF to a
# third of its size) come from Debian, as Chromium does. About a minute.
PDF_FILE  := _build/pdf/d2l-conv-book.pdf
PDF_BUILD := $(BIN)/python chapters/_site/pdf/build.py --html $(BOOK_HTML) --out $(dir $(PDF_FILE))

pdf-tools:
	@command -v pdftotext >/dev/null 2>&1 && command -v qpdf >/dev/null 2>&1 || { \
		echo "Installing Debian's poppler-utils and qpdf for the PDF"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			poppler-utils qpdf >/dev/null; }

pdf: $(STAMP) browser pdf-tools $(BOOK_BUILT)
	$(PDF_BUILD)
	D2L_BOOK_PDF=$(PDF_FILE) $(BIN)/pytest -q tests/test_print.py -k test_pdf
	@echo "Open $(CURDIR)/$(PDF_FILE)"

# The tests that read the built book, the slides or the PDF; every other
# test, and nbval over the notebooks, needs no build. The browser test is
# half of their time, so it runs beside the others.
SITE_TESTS    := $(wildcard $(addprefix tests/,test_browser.py test_downloads.py \
	test_lenet_explorer.py test_print.py test_site_assets.py test_slides.py))
BROWSER_TESTS := $(filter tests/test_browser.py,$(SITE_TESTS))
OTHER_SITE_TESTS := $(filter-out $(BROWSER_TESTS),$(SITE_TESTS))

# Notebooks for nbval in two groups of about equal time: the two that train
# networks for minutes, and the rest.
NB_TRAINING := chapters/06_putting_it_together.ipynb chapters/11_running_d2l_code.ipynb
NB_OTHER    := $(filter-out $(NB_TRAINING),$(wildcard chapters/*.ipynb))

# One after the other these steps took 13 minutes on 2 cores; as five jobs
# they keep both cores busy until the end. The unit tests and the two groups
# of notebooks start at once, at a lower priority (nice): the build, slides
# and PDF, then the browser test and the other site tests, which wait on each
# other and on Chromium, get a core when they need one, and the rest fill the
# time between. Each job's output is printed whole when it ends.
# MXNet computes on one thread in every job (OMP_NUM_THREADS=1): with five
# jobs on two cores, a second OpenMP thread spins waiting for a core that is
# busy elsewhere (sections 1-5, 7 and 8 under nbval on an idle machine: 98
# CPU seconds with one thread, 113 with two). The notebooks' outputs are the
# same with one thread or more (CI's other runs use the default).
test: $(STAMP) browser
	$(MAKE) --no-print-directory lint
	OMP_NUM_THREADS=1 $(MAKE) --no-print-directory -j5 --output-sync=target \
		test-notebooks-training test-notebooks-other test-unit test-browser test-site-other

test-built: $(STAMP) browser pdf-tools
	$(BIN)/jupyter-book build . --all --warningiserror --keep-going
	$(MAKE) --no-print-directory slides
	$(PDF_BUILD)

test-browser: test-built
	$(BIN)/pytest $(BROWSER_TESTS)

test-site-other: test-built
	D2L_BOOK_PDF=$(PDF_FILE) $(BIN)/pytest $(OTHER_SITE_TESTS)

test-unit: $(STAMP)
	nice -n 10 $(BIN)/pytest tests $(addprefix --ignore=,$(SITE_TESTS))

test-notebooks-training: $(STAMP)
	nice -n 10 $(BIN)/pytest --nbval $(NB_TRAINING)

test-notebooks-other: $(STAMP)
	nice -n 10 $(BIN)/pytest --nbval $(NB_OTHER)

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

# The landing page's zip of notebooks, package and lock, tried as a reader
# with only the zip would: a fresh venv made by its HOW-TO-RUN.txt with the
# Python of .venv, then nbval over every notebook in it.
download-check: $(BOOK_BUILT)
	$(BIN)/python tests/download_check.py \
		--python "$$($(BIN)/python -c 'import sys; print(sys._base_executable)')"

clean:
	rm -rf _build
