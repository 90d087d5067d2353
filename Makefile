# make run | make test | make bench: each creates .venv on first use, with the versions of
# requirements.lock (what was tested), then the project itself without resolving again.
# make lock: regenerate requirements.lock from pyproject.toml (after adding a dependency).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
LOCK := requirements.lock
PORT ?= 8501
# The lock is for every platform and Python >= 3.11 (uv's universal resolution), from the default package index.
LOCK_ARGS ?= --universal --python-version 3.11 --extra test --extra postgres

.PHONY: run test bench lint lock clean

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT)

# The suite on parallel workers (pytest-xdist): browser and server tests mostly wait, so the 2
# cores of CI carry 4 workers. --dist loadgroup keeps the tests of one xdist_group("...") on one
# worker (those sharing a module's own server); PYTEST_WORKERS=0 runs it in one process.
# --durations=30: the slowest tests in every log, where the suite's time goes.
PYTEST_WORKERS ?= 4

test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=30 $(PYTEST_ARGS)

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

# Pins that are already in the lock stay (uv prefers them); new dependencies get the newest
# version inside pyproject.toml's bounds. LOCK_UPGRADE=1 moves every pin to the newest.
lock:
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml $(LOCK_ARGS) $(if $(LOCK_UPGRADE),--upgrade) \
		--output-file $(LOCK) --custom-compile-command 'make lock'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
