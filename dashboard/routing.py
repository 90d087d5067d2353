"""Walking routes: the footpath graph, shortest paths, visiting order and the timed schedule.

- The graph is built from data/geo/paths.geojson in metres; every exhibit and entrance knows
  where it joins its nearest path (an offset along an edge), and only the places of one tour
  are added to the graph for its shortest paths, so the graph stays as small as the path
  network however many exhibits there are. Without a path network, straight lines times a
  detour factor stand in, and the plan says that its distances are estimates.
- Shortest paths: one Dijkstra per stop of the tour (scipy's compiled csgraph), never all
  pairs over the whole graph.
- Visiting order: the pure shortest order (no time windows, no budget) with HGS, the hybrid
  genetic search of Vidal (hygese, MIT licence), which finds the tours LKH-3 finds in a
  fraction of a second; everything else with OR-Tools routing and a time limit. OR-Tools
  handles a fixed start and end, time per stop, opening hours and show times as time windows,
  and a time budget in one model: stops are optional with a penalty that grows with their
  importance, so when they do not all fit the least important ones are dropped.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

import networkx as nx
import numpy as np
import shapely
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, MultiPoint, Point
from shapely.ops import substring

from dashboard import geo
from dashboard.catalog import Catalog, Localized, OpeningHours

DEFAULT_SPEED_KMH = 4.0
# The accepted walking pace, the one definition for the command line, the planner's slider and
# saved tours: a slow group with wheelchairs to a brisk walk.
MIN_SPEED_KMH = 1.0
MAX_SPEED_KMH = 7.0
DETOUR_FACTOR = 1.3  # straight line -> walking distance, when the data has no paths
DAY_S = 24 * 3600
# Measured with `make bench` (benchmarks/README.md): parallel cheapest insertion gives guided
# local search the best start on 30-60 stops (path-cheapest-arc ended 3.5-4 % above the best
# known tour at 60 stops; this one within 1 %).
GLS_LAMBDA = 0.8
FIRST_SOLUTION = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
# The pure visiting order (no windows, no budget) goes to HGS (hygese, MIT): on the synthetic
# 2,000-exhibit site it matched LKH-3's tours at 30-100 stops (make bench) in about LKH's time
# (1,000 iterations: no better tour in 6 runs of 100 stops, 1.6x the time). It stops after this
# many iterations without improvement, so the same matrix gives the same tour.
HGS_MIN_NODES = 5
HGS_ITERATIONS = 500
HGS_SCALE = 10_000.0  # largest matrix entry handed to HGS
# Moves consider each node's 10 nearest (HGS's default is 20): 100 stops 25 % faster, the same
# tours in 10 runs at 100 stops.
HGS_NEIGHBOURS = 10
HGS_UNCAPPED = 150  # nodes; above, HGS gets a time limit (0.01 s per node)


class TourError(ValueError):
    """A tour that cannot be planned as asked; the message says why."""


class UnknownPlaceError(TourError):
    def __init__(self, ids: Sequence[str]):
        self.ids = tuple(dict.fromkeys(ids))  # --start x, and the end that defaults to it: once
        super().__init__("unknown exhibit or entrance id(s): " + ", ".join(map(repr, self.ids)))


class UnreachableError(TourError):
    def __init__(self, ids: Sequence[str], step_free: bool):
        self.ids = tuple(ids)
        how = "step-free from the start" if step_free else "on foot from the start"
        super().__init__(f"cannot be reached {how}: " + ", ".join(map(repr, ids)))


class ImpossibleBudgetError(TourError):
    pass


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    """Somewhere a tour can start, stop or end: an exhibit or an entrance."""

    id: str
    kind: Literal["exhibit", "entrance"]
    name: Localized
    lat: float
    lon: float
    visit_minutes: int
    step_free: bool
    priority: int
    opening_hours: OpeningHours | None = None
    show_times: tuple[dt.time, ...] = ()


def places(catalog: Catalog) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for e in catalog.entrances.values():
        out[e.id] = Place(e.id, "entrance", e.name, e.location.lat, e.location.lon, 0,
                          e.step_free, 5)
    for x in catalog.exhibits.values():
        hours = x.opening_hours or catalog.exhibition.opening_hours
        out[x.id] = Place(x.id, "exhibit", x.name, x.location.lat, x.location.lon,
                          x.visit_minutes, x.step_free, x.priority, hours, tuple(x.show_times))
    return out


# --------------------------------------------------------------------------- graph

Node = tuple[float, float]  # a path vertex: (x, y) rounded metres


def _node(xy: Sequence[float]) -> Node:
    return (round(xy[0], 2), round(xy[1], 2))


@dataclass(frozen=True)
class Attachment:
    """Where a place joins the path network: the foot of the perpendicular on its nearest edge.

    The graph itself holds only the path network; the places of one tour are added per query
    (shortest_legs), so the graph stays as small as the paths however many exhibits there are.
    """

    u: Node  # the edge's start (its coords run from u to v)
    v: Node
    along: float  # metres from u to the foot
    connector: float  # metres from the place to the foot
    xy: tuple[float, float]  # the place, in metres
    foot: tuple[float, float]


@dataclass
class WalkingNetwork:
    """The footpath graph in metres and where each place joins it. Build once per catalogue."""

    crs: str
    graph: nx.Graph
    places: dict[str, Place]
    has_paths: bool
    attachments: dict[str, Attachment] = field(default_factory=dict)
    _to_wgs84: Any = field(repr=False, default=None)
    _nodes: list[Node] = field(repr=False, default_factory=list)  # csgraph index -> node
    _index: dict[Node, int] = field(repr=False, default_factory=dict)
    _csr_parts: dict[bool, tuple[Any, Any, Any]] = field(repr=False, default_factory=dict)

    @classmethod
    def build(cls, catalog: Catalog) -> WalkingNetwork:
        site = catalog.site
        graph = nx.Graph()
        all_places = places(catalog)
        paths = site.layer("paths")
        net = cls(site.crs, graph, all_places, not paths.empty)
        if paths.empty:
            return net
        step_free = list(paths["step_free"])
        for source, seg in geo.noded_segments(list(paths.geometry)):
            seg_m = geo.to_metres(seg, site.crs)
            a, b = _node(seg_m.coords[0]), _node(seg_m.coords[-1])
            if a == b:
                continue
            if graph.has_edge(a, b) and graph[a][b]["length"] <= seg_m.length:
                continue  # parallel pieces: the shorter one is the one anyone walks
            graph.add_edge(a, b, length=seg_m.length, step_free=bool(step_free[source]),
                           start=a, coords=tuple(seg_m.coords))
        if graph.number_of_edges() == 0:
            net.has_paths = False
            return net
        net._attach_places()
        net._nodes = list(graph.nodes)
        net._index = {n: k for k, n in enumerate(net._nodes)}
        return net

    def _attach_places(self) -> None:
        """Find each place's nearest path edge and the foot of the perpendicular on it."""
        if not self.places:
            return
        edges = list(self.graph.edges(data=True))
        lines = [LineString(d["coords"]) for _, _, d in edges]
        tree = shapely.STRtree(lines)
        ids = list(self.places)
        where = geo.to_metres(MultiPoint([(self.places[i].lon, self.places[i].lat) for i in ids]),
                              self.crs)
        pts = np.asarray(where.geoms)
        nearest = tree.nearest(pts)
        chosen = [lines[k] for k in nearest]
        along = shapely.line_locate_point(chosen, pts)
        feet = shapely.line_interpolate_point(chosen, along)
        connector = shapely.distance(pts, feet)
        for k, pid in enumerate(ids):
            u, v, data = edges[int(nearest[k])]
            start = data["start"]
            end = v if start == u else u
            p, f = pts[k], feet[k]
            self.attachments[pid] = Attachment(start, end, float(along[k]), float(connector[k]),
                                               (p.x, p.y), (f.x, f.y))

    def _base_edges(self, step_free: bool) -> tuple[Any, Any, Any]:
        """Rows, columns and lengths of the path edges walkable in the profile (cached)."""
        if step_free not in self._csr_parts:
            rows, cols, lengths = [], [], []
            for a, b, d in self.graph.edges(data=True):
                if d["step_free"] or not step_free:
                    rows.append(self._index[a])
                    cols.append(self._index[b])
                    lengths.append(d["length"])
            self._csr_parts[step_free] = (np.array(rows, dtype=np.int64),
                                          np.array(cols, dtype=np.int64),
                                          np.array(lengths, dtype=float))
        return self._csr_parts[step_free]

    def to_latlon(self, coords: Iterable[Sequence[float]]) -> list[tuple[float, float]]:
        if self._to_wgs84 is None:
            from pyproj import Transformer

            self._to_wgs84 = Transformer.from_crs(self.crs, geo.WGS84, always_xy=True)
        xs, ys = zip(*coords, strict=True)
        lons, lats = self._to_wgs84.transform(xs, ys)
        return [(round(la, 7), round(lo, 7)) for la, lo in zip(lats, lons, strict=True)]

    def straight_m(self, a: Place, b: Place) -> float:
        pa = geo.to_metres(Point(a.lon, a.lat), self.crs)
        pb = geo.to_metres(Point(b.lon, b.lat), self.crs)
        return pa.distance(pb)


class _Piece(NamedTuple):
    """The stretch lo..hi metres along the path edge u-v (coords from u), forward: lo to hi."""

    u: Node
    v: Node
    lo: float
    hi: float
    forward: bool


@dataclass(frozen=True)
class _Routes:
    """Shortest-path trees from each place of one query, for the walked geometry of any leg."""

    predecessors: Any  # numpy (places, nodes): scipy's predecessor matrix, -9999 = none
    node: list[int]  # graph node of each place (row k of predecessors starts there)
    coords: dict[tuple[int, int], tuple | _Piece]  # added edges (a < b), from a to b


@dataclass(frozen=True)
class Legs:
    """Distances (m) and walked geometry between the stops of one tour."""

    ids: list[str]
    distance: list[list[float]]  # math.inf where unreachable
    network: WalkingNetwork
    step_free: bool
    _routes: _Routes | None = None
    _rows: tuple[int, ...] = ()  # row in _routes of each id

    def subset(self, keep: Sequence[int]) -> Legs:
        """The same legs for the places at the indices in keep (renumbered in that order)."""
        return Legs([self.ids[k] for k in keep],
                    [[self.distance[a][b] for b in keep] for a in keep],
                    self.network, self.step_free, self._routes,
                    tuple(self._rows[k] for k in keep) if self._rows else ())

    def coords(self, i: int, j: int) -> list[tuple[float, float]]:
        """(lat, lon) along the walk from stop i to stop j."""
        a, b = self.network.places[self.ids[i]], self.network.places[self.ids[j]]
        routes = self._routes
        if routes is None or i == j or self.distance[i][j] == math.inf:
            return [(a.lat, a.lon), (b.lat, b.lon)]
        ri, rj = self._rows[i], self._rows[j]
        pred = routes.predecessors[ri]
        nodes = [routes.node[rj]]
        while nodes[-1] != routes.node[ri]:
            nodes.append(int(pred[nodes[-1]]))
        nodes.reverse()
        xy: list[Sequence[float]] = []
        for u, v in itertools.pairwise(nodes):
            xy.extend(self._edge_coords(u, v) if not xy else self._edge_coords(u, v)[1:])
        return self.network.to_latlon(xy)

    def _edge_coords(self, a: int, b: int) -> Sequence[Sequence[float]]:
        """Metres along the edge between graph nodes a and b, from a to b."""
        assert self._routes is not None
        added = self._routes.coords
        key = (a, b) if a < b else (b, a)
        if key in added:
            xy = added[key]
            if isinstance(xy, _Piece):  # a stretch of a path edge, cut when first walked
                data = self.network.graph[xy.u][xy.v]
                xy = tuple(substring(LineString(data["coords"]), xy.lo, xy.hi).coords)
                if not added[key].forward:
                    xy = xy[::-1]
            return xy if key == (a, b) else xy[::-1]
        u, v = self.network._nodes[a], self.network._nodes[b]  # a path edge
        data = self.network.graph[u][v]
        return data["coords"] if data["start"] == u else data["coords"][::-1]


def shortest_legs(network: WalkingNetwork, ids: Sequence[str], step_free: bool) -> Legs:
    """Distances between every pair of the tour's places, and the routes between them.

    Only these places join the path graph, each at the foot of its perpendicular on its
    nearest edge (several on one edge in the order they lie along it); then one Dijkstra per
    place, all in one call to scipy's compiled csgraph. Distances are exact: connector + the
    part of the edge + the shortest walk over the network + the other end.
    """
    ids = list(ids)
    n = len(ids)
    if not network.has_paths:
        distance = [[0.0 if i == j else math.inf for j in range(n)] for i in range(n)]
        for i, j in itertools.permutations(range(n), 2):
            a, b = network.places[ids[i]], network.places[ids[j]]
            distance[i][j] = network.straight_m(a, b) * DETOUR_FACTOR
        return Legs(ids, distance, network, step_free)
    graph, index = network.graph, network._index
    base_rows, base_cols, base_len = network._base_edges(step_free)
    n_base = size = len(index)
    rows: list[int] = []
    cols: list[int] = []
    lengths: list[float] = []
    coords: dict[tuple[int, int], tuple | _Piece] = {}

    def add(a: int, b: int, length: float, xy: tuple | _Piece) -> None:
        if a == b:
            return
        if a > b:
            a, b = b, a
            xy = xy._replace(forward=not xy.forward) if isinstance(xy, _Piece) else xy[::-1]
        rows.append(a)
        cols.append(b)
        lengths.append(max(length, 1e-9))  # csgraph: no zero-length edges
        coords[(a, b)] = xy

    # Each distinct place once (a round trip names its start twice), grouped by edge.
    unique = list(dict.fromkeys(ids))
    on_edge: dict[tuple[Node, Node], list[str]] = {}
    for pid in unique:
        att = network.attachments[pid]
        on_edge.setdefault((att.u, att.v), []).append(pid)
    place_node: dict[str, int] = {}
    for (u, v), pids in on_edge.items():
        data = graph[u][v]
        walkable = data["step_free"] or not step_free
        total = data["length"]
        chain = [(0.0, index[u], tuple(data["coords"][0]))]
        for pid in sorted(pids, key=lambda p: network.attachments[p].along):
            att = network.attachments[pid]
            if att.along <= 1e-6:
                foot = index[u]
            elif att.along >= total - 1e-6:
                foot = index[v]
            elif chain[-1][0] >= att.along - 1e-6 and chain[-1][1] >= n_base:
                foot = chain[-1][1]  # the same foot as the previous place
            else:
                foot = size
                size += 1
                chain.append((att.along, foot, att.foot))
            place_node[pid] = size
            size += 1
            if walkable:
                add(place_node[pid], foot, att.connector, (att.xy, att.foot))
        chain.append((total, index[v], tuple(data["coords"][-1])))
        if walkable:
            for (lo, a, _), (hi, b, _) in itertools.pairwise(chain):
                if hi - lo > 1e-6 and (a >= n_base or b >= n_base):  # not the edge itself
                    add(a, b, hi - lo, _Piece(u, v, lo, hi, True))
    sources = [place_node[pid] for pid in unique]
    matrix = coo_matrix(
        (np.concatenate([base_len, lengths]),
         (np.concatenate([base_rows, np.array(rows, dtype=np.int64)]),
          np.concatenate([base_cols, np.array(cols, dtype=np.int64)]))),
        shape=(size, size)).tocsr()
    dist, pred = dijkstra(matrix, directed=False, indices=sources, return_predecessors=True)
    row_of = {pid: k for k, pid in enumerate(unique)}
    distance = dist[np.ix_([row_of[p] for p in ids], [place_node[p] for p in ids])].tolist()
    routes = _Routes(pred, sources, coords)
    return Legs(ids, distance, network, step_free, routes, tuple(row_of[p] for p in ids))


# --------------------------------------------------------------------------- ordering


def _time_limit(n: int) -> float:
    """Seconds of guided local search for n nodes (stops plus start and end): enough to be
    optimal on small tours (tested against brute force) and within the benchmark targets on
    large ones (make bench)."""
    if n <= 10:
        return 0.2
    if n <= 32:
        return 0.3
    return 1.5


def drop_penalties(importance: Sequence[int], big: int) -> list[int]:
    """Penalty per optional stop such that dropping one stop of a higher importance level
    costs more than dropping every stop of all lower levels (lexicographic), when the numbers
    fit in 64 bits; otherwise levels are merged into five tiers first."""
    n = len(importance)
    levels = sorted(set(importance))
    if len(levels) > 5 and (n + 1) ** len(levels) * big >= 2**62:
        lo, hi = levels[0], levels[-1]
        importance = [1 + (4 * (v - lo)) // max(1, hi - lo) for v in importance]
        levels = sorted(set(importance))
    rank = {v: k for k, v in enumerate(levels)}
    return [big * (n + 1) ** rank[v] for v in importance]


@dataclass(frozen=True)
class OrderProblem:
    """Node 0..n-1; start and end are node indices (equal for a round trip)."""

    walk_s: list[list[int]]
    service_s: list[int]
    start: int
    end: int
    windows: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    budget_s: int | None = None
    penalties: dict[int, int] | None = None  # optional nodes -> penalty for dropping


def solve_order(problem: OrderProblem, time_limit_s: float | None = None
                ) -> tuple[list[int], list[int]]:
    """The visiting order (start ... end, as node indices) and the dropped nodes.

    time_limit_s: OR-Tools' search time; HGS, given one, searches until it is used up, and
    without one stops when its tour stops improving (the default, deterministic)."""
    n = len(problem.walk_s)
    if not problem.penalties and (n <= 2 or (n == 3 and problem.start != problem.end)):
        order = [problem.start, *[k for k in range(n) if k not in (problem.start, problem.end)],
                 problem.end]
        return order, []
    if n >= HGS_MIN_NODES:
        # The shortest order through every stop. With windows or a budget it is still the
        # answer when it keeps them all (nothing dropped, least walking); when it does not,
        # OR-Tools weighs waiting, windows and which stops to drop.
        order = _order_hgs(problem.walk_s, problem.start, problem.end, time_limit_s)
        if order is not None and _keeps_times(problem, order):
            return order, []
    return _order_ortools(problem, time_limit_s)


def _keeps_times(problem: OrderProblem, order: Sequence[int]) -> bool:
    """Whether visiting every node in this order keeps the windows and the budget, in the
    OR-Tools model's terms: the clock starts at 0, leaving a node adds its visit time, waiting
    is allowed only where there are windows."""
    if not problem.windows and problem.budget_s is None:
        return True
    horizon = problem.budget_s if problem.budget_s is not None else 2 * DAY_S
    clock = 0
    for prev, node in itertools.pairwise(order):
        clock += problem.service_s[prev] + problem.walk_s[prev][node]
        windows = problem.windows.get(node)
        if windows:
            begin = min((max(lo, clock) for lo, hi in windows if hi >= clock), default=None)
            if begin is None:
                return False
            clock = begin
        if clock > horizon:
            return False
    if problem.budget_s is not None and problem.end != problem.start:
        return clock + problem.service_s[problem.end] <= problem.budget_s
    return True


def _symmetric(walk: Sequence[Sequence[int]]) -> bool:
    return all(walk[i][j] == walk[j][i] for i in range(len(walk)) for j in range(i))


def _order_hgs(walk: Sequence[Sequence[int]], start: int, end: int,
               time_limit_s: float | None) -> list[int] | None:
    """The shortest order through every node with HGS (hygese), or None when it does not apply
    (asymmetric times): then OR-Tools solves it.

    HGS solves round trips from node 0 on a symmetric matrix whose largest entry lies within
    0.1..100,000 (it stops the process otherwise, so the matrix is rescaled first). An open
    tour becomes a round trip in which the edge end-start costs nothing and every other edge
    at the start or the end costs a surcharge bigger than any path, so the best round trip
    uses that edge: leaving it out is the shortest path from start to end.
    """
    try:
        import hygese
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    n = len(walk)
    if not _symmetric(walk):
        return None
    matrix = np.asarray(walk, dtype=float)
    top = float(matrix.max())
    if top <= 0:  # every place at the same spot: any order is the shortest
        return [start, *[k for k in range(n) if k not in (start, end)], end]
    if start != end:
        surcharge = top * n / 2 + 1
        matrix[[start, end], :] += surcharge
        matrix[:, [start, end]] += surcharge
        matrix[start, end] = matrix[end, start] = 0.0
        matrix[start, start] = matrix[end, end] = 0.0
    perm = [start, *[k for k in range(n) if k != start]]  # HGS's depot is node 0
    matrix = matrix[np.ix_(perm, perm)]
    matrix *= HGS_SCALE / float(matrix.max())
    params = hygese.AlgorithmParameters(
        nbIter=min(HGS_ITERATIONS, 100 + 10 * n), seed=1,  # small tours converge sooner
        nbGranular=HGS_NEIGHBOURS,
        timeLimit=time_limit_s if time_limit_s is not None else _hgs_time_limit(n))
    solution = hygese.Solver(parameters=params, verbose=False).solve_tsp(
        {"distance_matrix": matrix})
    if len(solution.routes) != 1:
        return None
    cycle = [start, *(perm[k] for k in solution.routes[0]), start]
    if sorted(cycle[:-1]) != list(range(n)):
        return None
    if start == end:
        return cycle
    if cycle[1] == end:
        cycle.reverse()
    return cycle[:-1] if cycle[-2] == end else None


def _hgs_time_limit(n: int) -> float:
    """0 (none): HGS stops after HGS_ITERATIONS without improvement, which on up to
    HGS_UNCAPPED nodes takes well under a second, and gives the same tour for the same matrix.
    Bigger tours get a limit; with one, HGS restarts and searches until it is used up."""
    return 0.0 if n <= HGS_UNCAPPED else 0.01 * n


def _order_ortools(problem: OrderProblem, time_limit_s: float | None
                   ) -> tuple[list[int], list[int]]:
    """OR-Tools routing: time windows, a budget and optional stops in one model."""
    n = len(problem.walk_s)
    if problem.start == problem.end:
        manager = pywrapcp.RoutingIndexManager(n, 1, problem.start)
    else:
        manager = pywrapcp.RoutingIndexManager(n, 1, [problem.start], [problem.end])
    routing = pywrapcp.RoutingModel(manager)
    # Matrices, not Python callbacks: the solver reads them in C++, which makes each local
    # search move many times cheaper, so the same time limit finds much better tours.
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(problem.walk_s))
    timed = problem.budget_s is not None or bool(problem.windows)
    if timed:
        horizon = problem.budget_s if problem.budget_s is not None else 2 * DAY_S
        transit = [[walk + problem.service_s[i] for walk in row]
                   for i, row in enumerate(problem.walk_s)]
        routing.AddDimension(routing.RegisterTransitMatrix(transit),
                             2 * DAY_S if problem.windows else 0, horizon, True, "time")
        time = routing.GetDimensionOrDie("time")
        for node, windows in problem.windows.items():
            index = manager.NodeToIndex(node)
            usable = sorted((max(0, lo), min(hi, horizon)) for lo, hi in windows
                            if hi >= 0 and lo <= horizon)
            if not usable:  # e.g. the only show is after the budget ends: cannot be visited
                if problem.penalties and node in problem.penalties:
                    routing.ActiveVar(index).SetValue(0)
                continue
            cumul = time.CumulVar(index)
            cumul.SetRange(usable[0][0], usable[-1][1])
            for (_, a_hi), (b_lo, _) in itertools.pairwise(usable):
                if b_lo - a_hi > 1:
                    cumul.RemoveInterval(a_hi + 1, b_lo - 1)
        if problem.budget_s is not None and problem.end != problem.start:
            # The end's own visit counts too (transit adds it only when leaving a node).
            end_cumul = time.CumulVar(routing.End(0))
            end_cumul.SetMax(max(0, problem.budget_s - problem.service_s[problem.end]))
    for node, penalty in (problem.penalties or {}).items():
        routing.AddDisjunction([manager.NodeToIndex(node)], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = FIRST_SOLUTION
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    # Stronger guided-local-search penalties than the default 0.1 escape local optima faster:
    # across 8 synthetic sites (make bench) 0.8 kept every 30-stop tour within 0.4 % and every
    # 60-stop tour within 1.8 % of the best known, where 0.1 missed by up to 5 %.
    params.guided_local_search_lambda_coefficient = GLS_LAMBDA
    params.time_limit.FromMilliseconds(int(1000 * (time_limit_s or _time_limit(n))))
    solution = routing.SolveWithParameters(params)
    if solution is None:
        raise ImpossibleBudgetError("no visiting order satisfies the time limits")
    order, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    order.append(manager.IndexToNode(index))
    visited = set(order)
    dropped = [k for k in range(n) if k not in visited]
    return order, dropped


def tour_length(walk: Sequence[Sequence[float]], order: Sequence[int]) -> float:
    return sum(walk[a][b] for a, b in itertools.pairwise(order))


# --------------------------------------------------------------------------- requests & plans


@dataclass(frozen=True)
class TourRequest:
    """What the guide asked for. Stop order is the guide's order (and ranking)."""

    stops: tuple[str, ...]
    start: str | None = None  # entrance or exhibit id; None: the first entrance
    end: str | None = None  # None: back to the start (round trip)
    optimize: bool = True
    step_free: bool = False
    budget_minutes: int | None = None
    start_time: dt.time = dt.time(10, 0)
    date: dt.date | None = None
    speed_kmh: float = DEFAULT_SPEED_KMH
    rank_by: Literal["priority", "order"] = "priority"
    title: str = ""
    # Stops that a budget or a re-plan never drops (dashboard/live.py keeps them too).
    must_see: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stops"] = list(self.stops)
        if self.must_see:
            d["must_see"] = list(self.must_see)
        else:  # older saved tours and their tests know no such key
            del d["must_see"]
        d["start_time"] = self.start_time.strftime("%H:%M")
        d["date"] = self.date.isoformat() if self.date else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TourRequest:
        data = dict(d)
        data["stops"] = tuple(str(s) for s in data.get("stops", ()))
        data["must_see"] = tuple(str(s) for s in data.get("must_see") or ())
        if isinstance(data.get("start_time"), str):
            data["start_time"] = dt.time.fromisoformat(data["start_time"])
        if isinstance(data.get("date"), str):
            data["date"] = dt.date.fromisoformat(data["date"])
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Leg:
    from_id: str
    to_id: str
    distance_m: float
    walk_minutes: float
    coords: tuple[tuple[float, float], ...]  # (lat, lon) along the paths


@dataclass(frozen=True)
class Visit:
    place: Place
    number: int  # 0 = start, 1..k = stops, k+1 = end
    arrival: dt.datetime
    begin: dt.datetime  # after waiting for opening or a show
    departure: dt.datetime
    leg: Leg | None  # the walk that led here

    @property
    def wait_minutes(self) -> float:
        return (self.begin - self.arrival).total_seconds() / 60


@dataclass(frozen=True)
class Notice:
    """Something the guide should know; code is translated by the UI (i18n 'notice.<code>')."""

    code: str
    place_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class TourPlan:
    request: TourRequest
    visits: tuple[Visit, ...]
    dropped: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unreachable: tuple[str, ...] = ()
    estimated: bool = False
    notices: tuple[Notice, ...] = ()

    @property
    def stops(self) -> tuple[Visit, ...]:
        return self.visits[1:-1]

    @property
    def legs(self) -> list[Leg]:
        return [v.leg for v in self.visits if v.leg is not None]

    @property
    def distance_m(self) -> float:
        return sum(leg.distance_m for leg in self.legs)

    @property
    def walking_minutes(self) -> float:
        return sum(leg.walk_minutes for leg in self.legs)

    @property
    def total_minutes(self) -> float:
        return (self.visits[-1].departure - self.visits[0].arrival).total_seconds() / 60

    @property
    def stop_ids(self) -> list[str]:
        return [v.place.id for v in self.stops]

    def route_coords(self) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for leg in self.legs:
            out.extend(leg.coords if not out else leg.coords[1:])
        return out


def _clock(day: dt.date, moment: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, moment, tzinfo=tz)


def _windows(place: Place, day: dt.date, tz: ZoneInfo, t0: dt.datetime
             ) -> list[tuple[int, int]] | None:
    """When the visit may begin, in seconds after the tour starts; None: any time."""
    def rel(t: dt.time) -> int:
        return int((_clock(day, t, tz) - t0).total_seconds())

    if place.show_times:
        # A show that is already over cannot be planned for; the schedule will say so.
        return [(rel(s), rel(s)) for s in sorted(place.show_times) if rel(s) >= 0] or None
    if place.opening_hours:
        return [(rel(place.opening_hours.open), rel(place.opening_hours.close))]
    return None


def plan_tour(catalog: Catalog, request: TourRequest, network: WalkingNetwork | None = None,
              strict: bool = False, time_limit_s: float | None = None) -> TourPlan:
    """Plan a tour: order (optimised or as given), walking legs and the timed schedule.

    strict=False (pages, saved tours): unknown ids and unreachable stops are left out and
    listed; strict=True (command line): they raise TourError.
    """
    network = network or WalkingNetwork.build(catalog)
    all_places = network.places
    tz = ZoneInfo(catalog.exhibition.timezone)
    day = request.date or dt.datetime.now(tz).date()
    entrances = [p for p in all_places.values() if p.kind == "entrance"]
    start_id = request.start or (entrances[0].id if entrances else
                                 (request.stops[0] if request.stops else None))
    end_id = request.end or start_id
    unknown = [i for i in (start_id, end_id) if i is None or i not in all_places]
    if unknown:
        raise UnknownPlaceError([str(u) for u in unknown])
    missing = tuple(dict.fromkeys(s for s in request.stops if s not in catalog.exhibits))
    if missing and strict:
        raise UnknownPlaceError(missing)
    stops = [s for s in dict.fromkeys(request.stops) if s in catalog.exhibits
             and s not in (start_id, end_id)]
    notices: list[Notice] = []
    # A dated exhibit (a two-week exhibition) is only there on its dates: left out, with a word.
    not_on_show = [s for s in stops if not catalog.exhibits[s].shown_on(day)]
    notices += [Notice("not_on_show", s, f"{span.first.isoformat()} – {span.last.isoformat()}")
                for s in not_on_show if (span := catalog.exhibits[s].on_show)]
    stops = [s for s in stops if s not in not_on_show]

    not_step_free: list[str] = []
    if request.step_free:
        not_step_free = [s for s in stops if not all_places[s].step_free]
        for pid in (start_id, end_id):
            if not all_places[pid].step_free:
                raise UnreachableError([pid], True)
        if not_step_free and strict:
            raise UnreachableError(not_step_free, True)
        notices += [Notice("not_step_free", s) for s in not_step_free]
        stops = [s for s in stops if s not in not_step_free]

    ids = [start_id, *stops] + ([end_id] if end_id != start_id else [])
    legs = shortest_legs(network, ids, request.step_free)
    s_idx, e_idx = 0, (len(ids) - 1 if end_id != start_id else 0)
    if legs.distance[s_idx][e_idx] == math.inf:
        raise UnreachableError([end_id], request.step_free)
    unreachable = [ids[k] for k in range(1, len(ids)) if k != e_idx and (
        legs.distance[s_idx][k] == math.inf or legs.distance[k][e_idx] == math.inf)]
    if unreachable and strict:
        raise UnreachableError(unreachable, request.step_free)
    unreachable += not_step_free
    legs = legs.subset([k for k, pid in enumerate(ids) if pid not in unreachable])
    ids, distance = legs.ids, legs.distance
    e_idx = len(ids) - 1 if end_id != start_id else 0
    if not network.has_paths:
        notices.append(Notice("estimated"))

    speed_m_s = request.speed_kmh * 1000 / 3600
    walk_s = [[round(d / speed_m_s) for d in row] for row in distance]
    service_s = [all_places[pid].visit_minutes * 60 for pid in ids]
    t0 = _clock(day, request.start_time, tz)
    dropped: list[str] = []
    budget = request.budget_minutes
    if budget is not None and walk_s[0][e_idx] + service_s[0] + service_s[e_idx] > budget * 60:
        raise ImpossibleBudgetError(
            f"{budget} min is not enough even to walk from the start to the end")
    if request.optimize and len(ids) > (1 if e_idx == 0 else 2):  # at least one stop
        windows = {}
        for k, pid in enumerate(ids):
            if k not in (0, e_idx) and (w := _windows(all_places[pid], day, tz, t0)):
                windows[k] = w
        budget_s = budget * 60 if budget is not None else None
        penalties = None
        if budget_s is not None or windows:
            # A must-see stop has no penalty: OR-Tools then has to visit it.
            optional = [k for k in range(len(ids)) if k not in (0, e_idx)
                        and ids[k] not in request.must_see]
            if request.rank_by == "order":
                importance = [len(optional) - r for r in range(len(optional))]
            else:
                importance = [all_places[ids[k]].priority for k in optional]
            big = sum(max(row) for row in walk_s) + sum(service_s) + 1
            penalties = dict(zip(optional, drop_penalties(importance, big), strict=True))
        problem = OrderProblem(walk_s, service_s, 0, e_idx, windows, budget_s, penalties)
        order, dropped_idx = solve_order(problem, time_limit_s)
        dropped = [ids[k] for k in dropped_idx]
        kept_any = any(k not in (0, e_idx) for k in order)
        if strict and budget_s is not None and dropped and not kept_any:
            raise ImpossibleBudgetError(f"{budget} min is not enough for any of the stops")
        notices += [Notice("dropped", d) for d in dropped]
    else:  # the guide's order; a round trip comes back to node 0
        order = list(range(len(ids))) + ([0] if e_idx == 0 else [])

    visits = _schedule(order, ids, legs, walk_s, all_places, request, day, tz, t0, notices)
    total_minutes = (visits[-1].departure - visits[0].arrival).total_seconds() / 60
    if budget is not None and total_minutes > budget + 0.5:
        if strict:
            raise ImpossibleBudgetError(
                f"the tour takes {total_minutes:.0f} min, more than the budget of {budget}"
                " min" + ("" if request.optimize else
                          "; optimise the order to drop the least important stops"))
        notices.append(Notice("over_budget", None, f"{total_minutes:.0f}"))
    notices += [Notice("missing", m) for m in missing]
    notices += [Notice("unreachable", u) for u in unreachable if u not in not_step_free]
    return TourPlan(request, tuple(visits), tuple(dropped), missing, tuple(unreachable),
                    not network.has_paths, tuple(notices))


def _schedule(order: list[int], ids: list[str], legs: Legs, walk_s: list[list[int]],
              all_places: dict[str, Place], request: TourRequest, day: dt.date, tz: ZoneInfo,
              t0: dt.datetime, notices: list[Notice]) -> list[Visit]:
    """Clock times along the order: walk, wait for opening or the next show, visit."""
    visits: list[Visit] = []
    clock = t0
    for number, k in enumerate(order):
        place = all_places[ids[k]]
        leg = None
        if number > 0:
            prev = order[number - 1]
            leg = Leg(ids[prev], ids[k], legs.distance[prev][k], walk_s[prev][k] / 60,
                      tuple(legs.coords(prev, k)))
            clock = clock + dt.timedelta(seconds=walk_s[prev][k])
        arrival = begin = clock
        is_end = number == len(order) - 1
        is_start = number == 0
        if place.show_times and not (is_start or is_end):
            upcoming = [_clock(day, s, tz) for s in sorted(place.show_times)
                        if _clock(day, s, tz) >= arrival]
            if upcoming:
                begin = upcoming[0]
            else:
                notices.append(Notice("missed_show", place.id))
        elif place.opening_hours and not is_start:
            opens = _clock(day, place.opening_hours.open, tz)
            closes = _clock(day, place.opening_hours.close, tz)
            if arrival < opens:
                begin = opens
                notices.append(Notice("waits_for_opening", place.id,
                                      place.opening_hours.open.strftime("%H:%M")))
            elif arrival > closes:
                notices.append(Notice("closed_at_arrival", place.id,
                                      place.opening_hours.close.strftime("%H:%M")))
        departure = begin + dt.timedelta(minutes=place.visit_minutes)
        if is_end and number > 0 and place.id == ids[order[0]]:
            departure = begin  # back at the start of a round trip: no second visit
        visits.append(Visit(place, number, arrival, begin, departure, leg))
        clock = departure
    return visits


# --------------------------------------------------------------------------- suggestions


def suggest_stops(catalog: Catalog, category: str | None = None,
                  department: str | None = None, day: dt.date | None = None) -> list[str]:
    """Candidate stops for a theme and/or department, most important first; with a day,
    only the exhibits on show that day."""
    chosen = [e for e in catalog.exhibits_on(day).values()
              if (category is None or e.category == category)
              and (department is None or department in e.departments)]
    return [e.id for e in sorted(chosen, key=lambda e: -e.priority)]
