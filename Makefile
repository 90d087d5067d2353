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
# The lock is for every platform and Python >= 3.11 (uv's universal resolution), from PyPI.
LOCK_ARGS ?= --universal --python-version 3.11 --extra test --extra postgres \
	--index-url https://pypi.org/simple

.PHONY: run test bench lint lock clean

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run streamlit_app.py --server.port $(PORT)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,bench]'
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
