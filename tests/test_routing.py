"""Routing: graph, shortest paths, optimal order (against brute force), windows, budget,
step-free profile and schedule arithmetic."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random

import pytest
from conftest import DEFAULT_DATA, MINI, edit_yaml, exhibit

from dashboard import catalog as cat
from dashboard import routing as r

DAY = dt.date(2019, 6, 1)


@pytest.fixture(scope="module")
def mini():
    return cat.load(MINI)


@pytest.fixture(scope="module")
def buga():
    return cat.load(DEFAULT_DATA)


@pytest.fixture(scope="module")
def buga_net(buga):
    return r.WalkingNetwork.build(buga)


def brute_force(walk, start, end, nodes):
    best = math.inf
    for perm in itertools.permutations(nodes):
        best = min(best, r.tour_length(walk, [start, *perm, end]))
    return best


def random_matrix(n, seed):
    rng = random.Random(seed)
    pts = [(rng.uniform(0, 1000), rng.uniform(0, 1000)) for _ in range(n)]
    return [[round(math.dist(a, b) * rng.uniform(1.0, 1.4)) if a != b else 0 for b in pts]
            for a in pts]


# --------------------------------------------------------------------------- ordering


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("stops", [4, 7, 9])
def test_solver_order_is_optimal_up_to_nine_stops(seed, stops):
    round_trip = seed % 2 == 0
    n = stops + (1 if round_trip else 2)
    walk = random_matrix(n, seed * 31 + stops)  # asymmetric detours on purpose
    end = 0 if round_trip else n - 1
    order, dropped = r.solve_order(r.OrderProblem(walk, [0] * n, 0, end))
    inner = [k for k in range(n) if k not in (0, end)]
    assert dropped == []
    assert order[0] == 0 and order[-1] == end and sorted(order[1:-1]) == inner
    assert r.tour_length(walk, order) == brute_force(walk, 0, end, inner)


def symmetric_matrix(n, seed, scale=1000):
    rng = random.Random(seed)
    pts = [(rng.uniform(0, scale), rng.uniform(0, scale)) for _ in range(n)]
    return [[round(math.dist(a, b)) for b in pts] for a in pts]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("stops", [3, 5, 8])
def test_pure_order_on_walking_times_is_optimal_open_and_round(seed, stops):
    # Walking times are symmetric: this is the case HGS solves (the open tour through the
    # zero-cost end-start edge), checked against brute force like OR-Tools above.
    round_trip = seed % 2 == 0
    n = stops + (1 if round_trip else 2)
    walk = symmetric_matrix(n, seed * 17 + stops)
    start, end = (2, 2) if round_trip else (n - 1, 1)  # not always node 0 or the last
    order, dropped = r.solve_order(r.OrderProblem(walk, [0] * n, start, end))
    inner = [k for k in range(n) if k not in (start, end)]
    assert dropped == []
    assert order[0] == start and order[-1] == end and sorted(order[1:-1]) == inner
    assert r.tour_length(walk, order) == brute_force(walk, start, end, inner)


@pytest.mark.parametrize("scale", [0.001, 1e9])
def test_pure_order_with_tiny_or_huge_times_still_visits_everything(scale):
    walk = symmetric_matrix(12, 3, scale)
    order, _ = r.solve_order(r.OrderProblem(walk, [0] * 12, 0, 11))
    assert order[0] == 0 and order[-1] == 11 and sorted(order) == list(range(12))
    zero = [[0] * 6 for _ in range(6)]
    assert sorted(r.solve_order(r.OrderProblem(zero, [0] * 6, 0, 0))[0][:-1]) == list(range(6))


def test_pure_order_at_scale_is_no_longer_than_or_tools():
    walk = symmetric_matrix(61, 5)
    problem = r.OrderProblem(walk, [0] * 61, 0, 60)
    ours, _ = r.solve_order(problem)
    reference, _ = r._order_ortools(problem, 1.0)
    assert sorted(ours) == list(range(61)) and (ours[0], ours[-1]) == (0, 60)
    assert r.tour_length(walk, ours) <= r.tour_length(walk, reference)
    assert ours == r.solve_order(problem)[0]  # the same matrix gives the same tour


def test_windows_and_budget_that_the_shortest_order_keeps_do_not_change_it():
    walk = symmetric_matrix(9, 11)
    pure, _ = r.solve_order(r.OrderProblem(walk, [60] * 9, 0, 0))
    length = r.tour_length(walk, pure)
    wide = {k: [(0, 10**6)] for k in range(1, 9)}
    budget = length + 60 * 9
    optional = dict.fromkeys(range(1, 9), 10**6)
    for problem in (r.OrderProblem(walk, [60] * 9, 0, 0, wide),
                    r.OrderProblem(walk, [60] * 9, 0, 0, {}, budget, optional)):
        order, dropped = r.solve_order(problem)
        assert dropped == [] and r.tour_length(walk, order) == length
    # One second less and a stop has to go: OR-Tools decides which.
    tight = r.OrderProblem(walk, [60] * 9, 0, 0, {}, budget - 1, optional)
    assert not r._keeps_times(tight, pure)
    assert len(r.solve_order(tight)[1]) >= 1


def test_keeps_times_waits_for_a_window_and_fails_when_it_has_passed():
    walk = [[0, 10, 10], [10, 0, 10], [10, 10, 0]]
    problem = r.OrderProblem(walk, [5, 5, 5], 0, 0, {1: [(100, 100)], 2: [(0, 50)]})
    assert r._keeps_times(problem, [0, 2, 1, 0])  # at 2 by 10, waits at 1 for 100
    assert not r._keeps_times(problem, [0, 1, 2, 0])  # at 2 only after 115
    # Open tour: 5 + 10 + 5 + 10 to reach the end, whose own visit counts too: 35 s.
    assert r._keeps_times(r.OrderProblem(walk, [5, 5, 5], 0, 2, {}, 35), [0, 1, 2])
    assert not r._keeps_times(r.OrderProblem(walk, [5, 5, 5], 0, 2, {}, 34), [0, 1, 2])


def test_plan_on_the_bundled_site_is_optimal_against_brute_force(buga, buga_net):
    stops = ("holzpavillon", "skaio", "buga-log", "faserpavillon", "karlssee-wassershow",
             "flosshafen", "smart-parking", "wlan-glasfaser")
    plan = r.plan_tour(buga, r.TourRequest(stops=stops, start="eingang-campuspark",
                                           end="eingang-wohlgelegen", date=DAY), buga_net)
    ids = ["eingang-campuspark", *stops, "eingang-wohlgelegen"]
    legs = r.shortest_legs(buga_net, ids, step_free=False)
    best = brute_force(legs.distance, 0, len(ids) - 1, range(1, len(ids) - 1))
    assert sorted(plan.stop_ids) == sorted(stops)
    # The solver works in whole seconds of walking: allow that rounding, nothing more.
    assert plan.distance_m == pytest.approx(best, abs=len(ids) * 1.2)


def test_manual_order_is_kept(mini):
    plan = r.plan_tour(mini, r.TourRequest(stops=("fountain", "solar-roof", "rain-garden"),
                                           optimize=False, date=DAY))
    assert plan.stop_ids == ["fountain", "solar-roof", "rain-garden"]
    assert [v.place.id for v in (plan.visits[0], plan.visits[-1])] == ["gate", "gate"]


# --------------------------------------------------------------------------- paths


def test_legs_follow_the_paths_and_distances_add_up(mini):
    net = r.WalkingNetwork.build(mini)
    legs = r.shortest_legs(net, ["gate", "solar-roof", "fountain"], step_free=False)
    # gate (9.0020, 49.0002) -> up the gate link to the south link, west, north on the west
    # axis: about 33 + 73 + 56 m; never the straight line through the lawn.
    assert legs.distance[0][1] == pytest.approx(33.4 + 73.1 + 55.6, rel=0.01)
    coords = legs.coords(0, 1)
    assert coords[0] == pytest.approx((49.0002, 9.0020), abs=1e-6)
    assert coords[-1] == pytest.approx((49.0010, 9.0010), abs=1e-6)
    assert (49.0005, 9.0010) in [(round(a, 6), round(b, 6)) for a, b in coords]  # the corner
    assert legs.distance[1][2] == legs.distance[2][1]


def test_step_free_profile_avoids_stairs_and_names_unreachable_stops(mini_dir, monkeypatch):
    # Without the south link, the only way from west to east is the north stairs.
    # validate refuses such data (fountain is marked step-free); the planner must cope anyway.
    from dashboard import validate

    monkeypatch.setattr(validate, "_step_free_reachable", lambda parts, site: [])
    doc = json.loads((mini_dir / "geo" / "paths.geojson").read_text())
    doc["features"] = [f for f in doc["features"] if f["properties"]["id"] != "south-link"]
    for f in doc["features"]:
        if f["properties"]["id"] == "gate-link":  # the gate now joins the west axis
            f["geometry"]["coordinates"] = [[9.0020, 49.0002], [9.0010, 49.0005]]
    (mini_dir / "geo" / "paths.geojson").write_text(json.dumps(doc))
    catalog = cat.load(mini_dir)
    request = r.TourRequest(stops=("solar-roof", "fountain", "rain-garden"), date=DAY)
    walking = r.plan_tour(catalog, request)
    assert sorted(walking.stop_ids) == ["fountain", "rain-garden", "solar-roof"]
    step_free = r.plan_tour(catalog, r.TourRequest(**{**request.__dict__, "step_free": True}))
    assert step_free.stop_ids == ["solar-roof"]
    # rain-garden is not step-free itself; fountain lies behind the stairs.
    assert set(step_free.unreachable) == {"fountain", "rain-garden"}
    assert {(n.code, n.place_id) for n in step_free.notices} >= {
        ("not_step_free", "rain-garden"), ("unreachable", "fountain")}
    with pytest.raises(r.UnreachableError, match="fountain"):
        r.plan_tour(catalog, r.TourRequest(stops=("fountain",), step_free=True), strict=True)


def test_no_path_network_uses_estimates(mini_dir):
    (mini_dir / "geo" / "paths.geojson").unlink()
    catalog = cat.load(mini_dir)
    plan = r.plan_tour(catalog, r.TourRequest(stops=("solar-roof",), date=DAY))
    assert plan.estimated and ("estimated", None) in {(n.code, n.place_id) for n in plan.notices}
    net = r.WalkingNetwork.build(catalog)
    straight = net.straight_m(net.places["gate"], net.places["solar-roof"])
    assert plan.legs[0].distance_m == pytest.approx(straight * r.DETOUR_FACTOR)
    assert len(plan.legs[0].coords) == 2


# --------------------------------------------------------------------------- schedule


def test_schedule_arithmetic(mini):
    request = r.TourRequest(stops=("solar-roof",), start_time=dt.time(9, 30), speed_kmh=3.6,
                            optimize=False, date=DAY)
    plan = r.plan_tour(mini, request)
    start, stop, end = plan.visits
    walk_s = plan.legs[0].distance_m / 1.0  # 3.6 km/h = 1 m/s
    assert (stop.arrival - start.departure).total_seconds() == pytest.approx(walk_s, abs=1)
    assert stop.departure - stop.begin == dt.timedelta(minutes=10)
    assert end.departure == end.arrival
    assert plan.total_minutes == pytest.approx(10 + 2 * walk_s / 60, abs=0.05)
    assert plan.walking_minutes == pytest.approx(2 * walk_s / 60, abs=0.05)
    assert start.arrival.tzinfo is not None and start.arrival.utcoffset() == dt.timedelta(hours=2)
    assert [v.number for v in plan.visits] == [0, 1, 2]


def test_show_time_makes_the_group_wait_and_windows_steer_the_order(mini):
    # The fountain's shows are at 11:00 and 15:00. Starting at 10:40 the tour must be ordered
    # so that the group is at the fountain for 11:00, not left waiting for 15:00.
    plan = r.plan_tour(mini, r.TourRequest(stops=("solar-roof", "rain-garden", "fountain"),
                                           start_time=dt.time(10, 40), date=DAY))
    fountain = next(v for v in plan.stops if v.place.id == "fountain")
    assert fountain.begin.time() == dt.time(11, 0)
    assert fountain.wait_minutes > 0
    assert plan.total_minutes < 70  # not waiting for the 15:00 show
    assert not any(n.code == "missed_show" for n in plan.notices)


def test_closed_at_arrival_is_a_warning(mini):
    plan = r.plan_tour(mini, r.TourRequest(stops=("solar-roof",), start_time=dt.time(17, 58),
                                           optimize=False, date=DAY))
    assert ("closed_at_arrival", "solar-roof") in {(n.code, n.place_id) for n in plan.notices}
    early = r.plan_tour(mini, r.TourRequest(stops=("solar-roof",), start_time=dt.time(8, 0),
                                            optimize=False, date=DAY))
    assert early.stops[0].begin.time() == dt.time(9, 0)  # waits for the opening


def test_missed_show_is_a_warning(mini):
    plan = r.plan_tour(mini, r.TourRequest(stops=("fountain",), start_time=dt.time(16, 0),
                                           optimize=False, date=DAY))
    assert ("missed_show", "fountain") in {(n.code, n.place_id) for n in plan.notices}


# --------------------------------------------------------------------------- budget


def test_budget_drops_the_least_important_stops(buga, buga_net):
    stops = ("holzpavillon", "skaio", "karlssee-wassershow", "buga-log", "faserpavillon")
    full = r.plan_tour(buga, r.TourRequest(stops=stops, date=DAY), buga_net)
    budget = int(full.total_minutes) - 10
    plan = r.plan_tour(buga, r.TourRequest(stops=stops, budget_minutes=budget, date=DAY),
                       buga_net)
    assert plan.dropped and plan.total_minutes <= budget
    kept = [buga.exhibit(s).priority for s in plan.stop_ids]
    for gone in plan.dropped:
        assert buga.exhibit(gone).priority <= min(kept)
    assert {n.place_id for n in plan.notices if n.code == "dropped"} == set(plan.dropped)


def test_budget_with_the_guides_ranking_drops_from_the_end_of_the_list(mini):
    request = r.TourRequest(stops=("rain-garden", "solar-roof", "fountain"), rank_by="order",
                            budget_minutes=25, date=DAY, start_time=dt.time(12, 0))
    plan = r.plan_tour(mini, request)
    assert plan.total_minutes <= 25
    assert "rain-garden" in plan.stop_ids  # first in the guide's list
    assert plan.dropped  # 30 min of visits do not fit in 25


def test_impossible_budget(mini):
    with pytest.raises(r.ImpossibleBudgetError):
        r.plan_tour(mini, r.TourRequest(stops=("solar-roof",), start="gate",
                                        end="fountain", budget_minutes=1, date=DAY))
    with pytest.raises(r.ImpossibleBudgetError, match="any of the stops"):
        r.plan_tour(mini, r.TourRequest(stops=("fountain",), budget_minutes=5, date=DAY),
                    strict=True)


def test_drop_penalties_are_lexicographic():
    penalties = r.drop_penalties([1, 1, 1, 2, 3], big=100)
    assert penalties[3] > sum(penalties[:3])
    assert penalties[4] > sum(penalties[:4])


# --------------------------------------------------------------------------- requests


def test_unknown_ids(mini):
    with pytest.raises(r.UnknownPlaceError, match="'nowhere'"):
        r.plan_tour(mini, r.TourRequest(stops=("solar-roof",), start="nowhere"))
    with pytest.raises(r.UnknownPlaceError, match="'gone'"):
        r.plan_tour(mini, r.TourRequest(stops=("gone",)), strict=True)
    lenient = r.plan_tour(mini, r.TourRequest(stops=("gone", "fountain"), date=DAY))
    assert lenient.missing == ("gone",) and lenient.stop_ids == ["fountain"]


def test_exhibit_as_start_and_end(mini):
    plan = r.plan_tour(mini, r.TourRequest(stops=("fountain", "rain-garden"),
                                           start="solar-roof", end="fountain", date=DAY))
    assert [v.place.id for v in plan.visits] == ["solar-roof", "rain-garden", "fountain"]


def test_request_round_trips_through_a_dict():
    request = r.TourRequest(stops=("a", "b"), start="gate", budget_minutes=60,
                            start_time=dt.time(9, 15), date=DAY, step_free=True, title="Tür")
    data = json.loads(json.dumps(request.to_dict()))
    assert r.TourRequest.from_dict(data) == request


def test_suggest_stops(buga):
    pavilions = r.suggest_stops(buga, category="pavilions")
    assert set(pavilions) == {"holzpavillon", "faserpavillon"}
    it = r.suggest_stops(buga, department="it")
    assert it and all("it" in buga.exhibit(s).departments for s in it)
    priorities = [buga.exhibit(s).priority for s in it]
    assert priorities == sorted(priorities, reverse=True)


def test_a_dated_exhibit_is_left_out_on_other_days_with_a_notice(mini_dir):
    edit_yaml(mini_dir / "exhibits.yaml", lambda d: exhibit(d, "fountain").update(
        on_show={"first": "2019-08-15", "last": "2019-08-25"}))
    catalog = cat.load(mini_dir)
    stops = ("solar-roof", "fountain")
    off = r.plan_tour(catalog, r.TourRequest(stops=stops, date=DAY))
    assert off.stop_ids == ["solar-roof"]
    assert [(n.code, n.place_id, n.detail) for n in off.notices
            if n.code == "not_on_show"] == [("not_on_show", "fountain",
                                             "2019-08-15 – 2019-08-25")]
    on = r.plan_tour(catalog, r.TourRequest(stops=stops, date=dt.date(2019, 8, 20)))
    assert set(on.stop_ids) == set(stops)
    assert not any(n.code == "not_on_show" for n in on.notices)
    assert "fountain" not in r.suggest_stops(catalog, category="water", day=DAY)
    assert "fountain" in r.suggest_stops(catalog, category="water", day=dt.date(2019, 8, 20))
    assert "fountain" in r.suggest_stops(catalog, category="water")  # no day: all


def test_the_bundled_dated_exhibitions_join_a_tour_only_in_august(buga, buga_net):
    dated = [e.id for e in buga.exhibits.values() if e.on_show]
    assert {"daten-zum-anfassen", "triple-wood", "biooekonomie"} <= set(dated)
    june = r.plan_tour(buga, r.TourRequest(stops=tuple(dated), date=DAY), buga_net)
    assert june.stop_ids == []
    august = r.plan_tour(buga, r.TourRequest(stops=tuple(dated), date=dt.date(2019, 8, 20)),
                         buga_net)
    assert set(august.stop_ids) == set(dated)
