"""`python -m dashboard synth`: a synthetic exhibition that validates, routes and runs the app."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import catalog as cat
from dashboard import routing, synth


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=dict(os.environ))


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(("exhibits", "seed"), [(1, 1), (25, 2), (200, 3)])
def test_synth_writes_a_folder_that_validate_accepts(tmp_path, exhibits, seed):
    out = tmp_path / "site"
    made = run_cli("synth", "--exhibits", str(exhibits), "--seed", str(seed), "-o", str(out))
    assert made.returncode == 0, made.stderr
    checked = run_cli("validate", str(out))
    assert checked.returncode == 0, checked.stderr
    assert f"{exhibits} exhibits" in checked.stdout
    catalog = cat.load(out)
    assert len(catalog.exhibits) == exhibits
    if exhibits >= len(catalog.categories):  # every category has exhibits
        assert all(catalog.counts_by_category().get(c) for c in catalog.categories)
    doc = yaml.safe_load((out / "exhibits.yaml").read_text(encoding="utf-8"))
    assert all(e["name"]["de"] and e["name"]["en"] for e in doc["exhibits"])


def test_synth_is_deterministic_for_a_seed(tmp_path):
    a = synth.generate(tmp_path / "a", seed=7, exhibits=40)
    b = synth.generate(tmp_path / "b", seed=7, exhibits=40)
    c = synth.generate(tmp_path / "c", seed=8, exhibits=40)
    assert files(a) == files(b) == files(c)
    _, mismatch, errors = filecmp.cmpfiles(a, b, files(a), shallow=False)
    assert mismatch == [] and errors == []
    assert (a / "exhibits.yaml").read_bytes() != (c / "exhibits.yaml").read_bytes()


def test_big_sites_get_a_bigger_grid():
    assert synth.grid_size(64) == 13
    assert synth.grid_size(2000) > 13
    assert 2 * synth.grid_size(2000) * (synth.grid_size(2000) - 1) >= 2000


def test_synth_rejects_what_it_cannot_make(tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        synth.generate(tmp_path / "x", exhibits=0)
    with pytest.raises(ValueError, match="do not fit"):
        synth.generate(tmp_path / "x", exhibits=1000, size=5)
    bad = run_cli("synth", "--exhibits", "many", "-o", str(tmp_path / "y"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_a_tour_on_a_synthetic_site_uses_every_stop(tmp_path):
    catalog = cat.load(synth.generate(tmp_path / "site", seed=4, exhibits=120))
    stops = tuple(sorted(catalog.exhibits)[::4])  # 30 stops
    plan = routing.plan_tour(catalog, routing.TourRequest(stops=stops, optimize=True))
    assert sorted(plan.stop_ids) == sorted(stops) and plan.distance_m > 0
    assert not plan.dropped and not plan.unreachable and not plan.estimated


def test_the_app_runs_on_a_synthetic_site(tmp_path, monkeypatch):
    site = synth.generate(tmp_path / "site", seed=5, exhibits=60)
    monkeypatch.setenv("LERNREISE_DATA_DIR", str(site))
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not at.exception
    at.switch_page("app_pages/planner.py").run()
    assert not at.exception
