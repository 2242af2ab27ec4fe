# GeM UP onboarding kit. `make help` lists the targets.
# Two commands on a fresh machine (Debian, Python >= 3.10, make):
#   make reports   # creates .venv, installs the kit, builds every phase's reports
#   make test      # the same set-up, then the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help setup reports reports-all test test-fast lab demo-data validate bench clean clean-reports

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed: set PYTHON=python3.x")'
	$(PYTHON) -m venv $(VENV)
	@# uv (from PyPI) installs the same packages several times faster than pip (docs/benchmarks.md);
	@# where it cannot be installed, pip does the work as before.
	@# --compile-bytecode: uv, unlike pip, writes no .pyc by default, and where PYTHONDONTWRITEBYTECODE
	@# is set (as in the container CI runs in) every kernel and command would compile pandas and matplotlib from source.
	@if $(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv>=0.4,<1' 2>/dev/null; then \
		$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'; \
	else \
		$(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e '.[dev]'; \
	fi
	@# the kit's own code is installed editable, so neither installer compiles it
	$(BIN)/python -m compileall -q src
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (GeM kit)" >/dev/null
	@# axe-core for the accessibility checks of the browser tests (package.json, pinned in package-lock.json)
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the browser tests' accessibility check needs it (apt-get install npm)"; fi
	@git config filter.nbstripout.clean "$(abspath $(BIN))/nbstripout" 2>/dev/null || true
	@git config filter.nbstripout.smudge cat 2>/dev/null || true
	@git config filter.nbstripout.required true 2>/dev/null || true
	@touch $(STAMP)

setup: $(STAMP) ## create .venv and install the kit with its dependencies

reports: $(STAMP) ## build every phase's reports, English and Hindi, into reports/ (ARGS="--phase 1" ...)
	$(BIN)/gem-reports build --lang all $(ARGS)

reports-all: $(STAMP) ## as reports, with a district brief for every one of the 75 districts
	$(BIN)/gem-reports build --lang all --districts all $(ARGS)

# pytest-xdist: one worker per core, each test file on one worker (its module fixtures built once),
# the longest files first (longest_test_files_first in pyproject.toml);
# the session's full build is made once and shared (tests/conftest.py). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: $(STAMP) ## run the whole test suite (notebooks, browser and CLI tests included)
	$(PYTEST) $(ARGS)

test-fast: $(STAMP) ## run the unit tests only (no notebook execution, no browser)
	$(PYTEST) -m "not notebooks and not browser" $(ARGS)

lab: $(STAMP) ## open JupyterLab on the notebooks with the kit's environment
	$(BIN)/jupyter lab --notebook-dir=notebooks

demo-data: $(STAMP) ## regenerate the synthetic demo registration sheets
	$(BIN)/gem-reports demo-data

validate: $(STAMP) ## check the registration sheets in data/raw/registrations (or ARGS=path...)
	$(BIN)/gem-reports validate $(or $(ARGS),data/raw/registrations)

bench: $(STAMP) ## benchmark the build against its floor and the plain papermill loop, sheets, breadth, page weights (docs/benchmarks.md)
	$(BIN)/python bench/run_bench.py $(ARGS)

clean-reports: ## delete generated reports and processed data
	find reports data/processed -mindepth 1 ! -name .gitkeep -exec rm -rf {} + 2>/dev/null || true

clean: clean-reports ## delete generated files and the virtual environment
	rm -rf $(VENV) .pytest_cache .hypothesis tests/artifacts
