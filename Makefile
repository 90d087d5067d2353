# make run | make test | make bench: each creates .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
PORT ?= 8501

.PHONY: run test bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT)

# The suite on parallel workers (pytest-xdist): browser and server tests mostly wait, so the 2
# cores of CI carry 4 workers. --dist loadgroup keeps the tests of one xdist_group("...") on one
# worker (those sharing a module's own server); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 4

test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Lighthouse for bench_weight (pinned in benchmarks/package-lock.json) with Debian's npm;
# without npm, bench_weight says so and skips only Lighthouse.
$(BENCH_STAMP): $(STAMP) benchmarks/package-lock.json
	$(PY) -m pip install --quiet -e '.[test,bench]'
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix benchmarks --no-audit --no-fund --quiet; \
	else echo "npm is missing (apt-get install nodejs npm): bench_weight skips Lighthouse"; fi
	@touch $(BENCH_STAMP)

# Every benchmarks/bench_*.py -> bench/results.json and bench/RESULTS.md.
# BENCH_ARGS=--quick: a smoke run on small sites; --only catalog routing: some of them.
bench: $(BENCH_STAMP)
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
