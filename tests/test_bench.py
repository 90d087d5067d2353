"""The `make bench` harness: every benchmark runs (quick, small sites) and the files appear.

No timing assertions: speed is what the benchmarks report, not what the tests check."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from conftest import ROOT


def test_quick_bench_run_writes_rows_and_both_files(tmp_path):
    out = tmp_path / "bench"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--out", str(out),
         "--only", "catalog", "routing"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["quick"] is True and doc["machine"]["cpus"] >= 1
    assert doc["machine"]["libraries"]["ortools"]
    benches = {b["name"]: b for b in doc["benchmarks"]}
    assert set(benches) == {"bench_catalog", "bench_routing"}
    rows = [row for b in benches.values() for row in b["rows"]]
    for row in rows:
        assert {"benchmark", "case", "metric", "value", "unit"} <= set(row)
        assert isinstance(row["value"], int | float) and row["value"] > 0, row
    metrics = {(r["benchmark"], r["metric"]) for r in rows}
    assert ("catalog", "load + validate") in metrics
    assert ("catalog", "peak Python memory") in metrics
    assert ("routing", "plan_tour (whole plan)") in metrics
    assert ("routing", "plan_tour length, median") in metrics
    cases = {r["case"] for r in rows if r["benchmark"] == "routing"}
    assert {"10 stops open", "10 stops round"} <= cases
    table = (out / "RESULTS.md").read_text(encoding="utf-8")
    assert "| case | metric | value | unit | note |" in table
    assert "CPUs" in table and "Python" in table and "load + validate" in table


def test_every_benchmark_module_follows_the_contract():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run_all

        names = run_all.modules()
        assert "bench_catalog" in names and "bench_routing" in names
        for name in names:
            source = (ROOT / "benchmarks" / f"{name}.py").read_text(encoding="utf-8")
            runs = [f for f in ast.parse(source).body
                    if isinstance(f, ast.FunctionDef) and f.name == "run"]
            assert runs, f"{name} has no run()"
            args = runs[0].args
            # run(quick=False, ...): the runner calls run(quick=...); other parameters need
            # defaults.
            assert args.args and args.args[0].arg == "quick", name
            assert len(args.defaults) == len(args.args), name
            assert '__name__ == "__main__"' in source, name
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
