"""Page benchmark: server time of a guide's actions and of a map-page filter change, beside a
bare page with one folium map and the same exhibits as one GeoJson layer.

Each case is a Streamlit script run in AppTest (no browser: the time the server spends before
the page can update). Every case runs several times after a warm-up; rows give the median.

    .venv/bin/python benchmarks/bench_pages.py            # 7 runs per case
    .venv/bin/python benchmarks/bench_pages.py --quick    # 3 runs per case
    .venv/bin/python benchmarks/bench_pages.py --scale-only  # only the map page at scale

The map page at scale (issue 11): first and repeated script run and the size of the map sent to
the browser (st_folium's arguments) at 25, 500 and 2,000 exhibits of a synthetic site, side by
side with the bare page showing the same points as one GeoJson layer with tooltips.

`run(quick)` returns rows {benchmark, case, metric, value, unit, note} for the runner that
runs every benchmarks/bench_*.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import streamlit as st  # noqa: E402
import streamlit_folium  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from dashboard import catalog as catalog_mod  # noqa: E402
from dashboard.ui.common import step_key  # noqa: E402

SCALE_SIZES = (25, 500, 2000)

BARE_PAGE = '''
import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard import catalog as cat, maps, settings


@st.cache_resource
def load():
    return cat.load(settings.data_dir())


catalog = load()
query = st.text_input("q", key="q")
shown = cat.filter_exhibits(catalog, cat.ExhibitFilter(query=query))
points = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "geometry": {"type": "Point",
     "coordinates": [e.location.lon, e.location.lat]},
     "properties": {"id": e.id, "name": catalog.text(e.name, "de")}}
    for e in shown]}
group = folium.FeatureGroup(name="x")
folium.GeoJson(points, tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False)
               ).add_to(group)
st_folium(maps.base_map(catalog, "de"), key="m", feature_group_to_add=group,
          returned_objects=["last_object_clicked"], height=460, use_container_width=True)
'''


def _median_ms(runs: int, setup: Callable[[], AppTest], act: Callable[[AppTest, int], None]
               ) -> float:
    at = setup()
    act(at, -1)  # warm-up: caches filled, imports done
    times = []
    for i in range(runs):
        start = time.perf_counter()
        act(at, i)
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception}")
    return statistics.median(times)


def _app(script: Path, page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(str(script), default_timeout=120)
    if page:
        at.switch_page(page)
    at.query_params.update(query)
    return at.run()


class _MapBytes:
    """Records the size of what st_folium sends to the browser (script, header, html and the
    feature group): both pages call streamlit_folium's component function."""

    def __init__(self) -> None:
        self.last = 0
        self._inner = streamlit_folium._component_func

    def __call__(self, **kwargs):
        self.last = sum(len((kwargs.get(k) or "").encode())
                        for k in ("script", "header", "html", "feature_group"))
        return self._inner(**kwargs)


def _first_run_ms(runs: int, setup: Callable[[], AppTest]) -> float:
    times = []
    for _ in range(runs):
        st.cache_data.clear()
        st.cache_resource.clear()
        start = time.perf_counter()
        at = setup()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"the page failed: {at.exception}")
    return statistics.median(times)


def run_scale(quick: bool = False, sizes: tuple[int, ...] = SCALE_SIZES) -> list[dict]:
    """The map page at 25/500/2,000 exhibits beside the bare page, in this process."""
    from dashboard import synth

    runs = 3 if quick else 7
    rows: list[dict] = []
    recorder = _MapBytes()
    streamlit_folium._component_func = recorder
    saved_dir = os.environ.get("LERNREISE_DATA_DIR")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["LERNREISE_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            bare = Path(tmp) / "bare_page.py"
            bare.write_text(BARE_PAGE)
            app = ROOT / "streamlit_app.py"
            for n in sizes:
                site = Path(tmp) / f"site{n}"
                synth.generate(site, seed=1, exhibits=n)  # its grid grows with the count
                os.environ["LERNREISE_DATA_DIR"] = str(site)

                def add(case: str, metric: str, value: float, unit: str, note: str,
                        n: int = n) -> None:
                    rows.append({"benchmark": "pages", "case": f"{case} @ {n} exhibits",
                                 "metric": metric, "value": round(value, 1), "unit": unit,
                                 "note": note})

                pages = (("bare one-map page", lambda: _app(bare)),
                         ("map page", lambda: _app(app, lang="de")))
                reruns = {}
                for name, setup in pages:
                    first = _first_run_ms(max(1, runs // 2), setup)
                    add(f"{name}: first run", "server_time_median", first, "ms",
                        f"cold caches, median of {max(1, runs // 2)} runs")
                    reruns[name] = _median_ms(runs, setup, lambda at, i: at.run())
                    size = recorder.last / 1024
                    note = f"median of {runs} runs"
                    if name == "map page":
                        note += f"; {reruns[name] / reruns['bare one-map page']:.2f}x the bare page"
                    add(f"{name}: repeated run", "server_time_median", reruns[name], "ms", note)
                    add(f"{name}: map HTML", "map_html_size", size, "KiB",
                        "st_folium script + header + html + feature group")
    finally:
        streamlit_folium._component_func = recorder._inner
        if saved_dir is None:
            os.environ.pop("LERNREISE_DATA_DIR", None)
        else:
            os.environ["LERNREISE_DATA_DIR"] = saved_dir
    return rows


def run(quick: bool = False, scale: bool = True) -> list[dict]:
    rows = run_actions(quick)
    if scale:
        rows += run_scale(quick)
    return rows


def run_actions(quick: bool = False) -> list[dict]:
    runs = 3 if quick else 7
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("LERNREISE_DATA_DIR", str(ROOT / "data"))
        os.environ["LERNREISE_DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        catalog = catalog_mod.load(os.environ["LERNREISE_DATA_DIR"])
        ids = list(catalog.exhibits)
        n = len(ids)
        words = ["wasser", "licht", "", "solar"]
        bare = Path(tmp) / "bare_page.py"
        bare.write_text(BARE_PAGE)
        app = ROOT / "streamlit_app.py"

        def row(case: str, value: float, note: str) -> None:
            rows.append({"benchmark": "pages", "case": case, "metric": "server_time_median",
                         "value": round(value, 1), "unit": "ms",
                         "note": f"{note}; {n} exhibits, median of {runs} runs"})

        def query(at: AppTest, i: int, key: str) -> None:
            at.text_input(key=key).set_value(words[i % len(words)]).run()

        bare_ms = _median_ms(runs, lambda: _app(bare), lambda at, i: query(at, i, "q"))
        row("bare one-map page: filter change", bare_ms, "st_folium + one GeoJson layer")
        map_ms = _median_ms(runs, lambda: _app(app, lang="de"),
                            lambda at, i: query(at, i, "map.f_query"))
        row("map page: filter change", map_ms, f"{map_ms / bare_ms:.2f}x the bare page")

        def planner() -> AppTest:
            at = _app(app, "app_pages/planner.py", lang="de")
            for exhibit_id in ids[:4]:
                at.selectbox(key="planner.adder").set_value(exhibit_id).run()
            return at

        def add_remove(at: AppTest, i: int) -> None:
            extra = ids[4 + (i + 1) % max(1, n - 4)]
            at.selectbox(key="planner.adder").set_value(extra).run()
            at.button(key=f"planner-rm-{extra}").click().run()

        def move(at: AppTest, i: int) -> None:
            first = at.session_state["planner.stops"][0]
            at.button(key=step_key(f"planner-down-{first}", 0)).click().run()

        def pace(at: AppTest, i: int) -> None:
            at.select_slider(key="planner.speed").set_value(3.0 + (i % 3) * 0.5).run()

        def optimise(at: AppTest, i: int) -> None:
            at.button(key="planner.optimize").click().run()

        for case, act, note in (
            ("planner: add + remove a stop", add_remove, "two script runs"),
            ("planner: move a stop", move, "one script run"),
            ("planner: change the pace", pace, "one script run"),
            ("planner: optimise the order", optimise, "one script run, 4 stops"),
        ):
            row(case, _median_ms(runs, planner, act), note)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs per case instead of 7")
    parser.add_argument("--scale-only", action="store_true",
                        help="only the map page at 25/500/2,000 exhibits")
    parser.add_argument("--actions-only", action="store_true",
                        help="only the planner actions and the filter change")
    args = parser.parse_args()
    if args.scale_only:
        rows = run_scale(args.quick)
    elif args.actions_only:
        rows = run_actions(args.quick)
    else:
        rows = run(args.quick)
    width = max(len(r["case"]) for r in rows)
    for r in rows:
        print(f"{r['case']:<{width}}  {r['value']:>8.1f} {r['unit']}  ({r['note']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
