"""Routes along the gazetteer's network of rail, road and sea links.

Each mode has its own undirected graph, built on first use from the gazetteer's links and
cached with the gazetteer.  An edge weighs the link's length in km: the published ``km``
when the link has one, else the geodesic length over its ends and ``via`` shape points
(:func:`link_km`).  Where two links join the same places by the same mode, the shorter one
is the edge.  :func:`network_graph` gives the graph as a :class:`networkx.Graph` for
analysis and drawing; the routes themselves are found by Dijkstra's algorithm over the same
adjacency (:func:`_shortest_path`, checked against networkx in the tests), because importing
networkx would take ~0.2 s of the command line's 0.5 s start-up budget.

**Places off the network.**  A place that is not itself the end of a link of the mode (a
hotel, a city whose station is the node) is joined to the nearest node of that mode's
network if one lies within :data:`NEAR_NODE_KM`, by a straight access leg whose geodesic
length is added to the route (:func:`nearest_node`).  The route's ``path`` then starts (or
ends) with the place itself, followed by the node.

**Length per country.**  Each link's length goes to the countries of its ends.  For a link
whose ends lie in two countries, every point of its geometry (ends and ``via`` points)
belongs to the country of the end it is nearer to (geodesic distance); a segment between
two points of one country goes to that country and a segment between points of both is
split at its midpoint.  The shares are then scaled to the link's length (the published km
may differ from the drawn geometry).  Without ``via`` points this is a split at the
link's midpoint, so the data should put border stations at the ends of short links across
a border.  A share whose end has no country (open water) is attributed to no country, so
``km_by_country`` may then add up to less than ``km``.

:func:`find_route` measures along the network (or along the great circle for air) and
raises :class:`~routemap.errors.NoRouteError`; :func:`reference_route` never raises for
known places: where the network cannot help it estimates from the geodesic and the mode's
detour factor (:data:`routemap.geo.DETOUR_FACTORS`).
"""

from __future__ import annotations

from collections import OrderedDict

import heapq
import math
from typing import TYPE_CHECKING, Callable, TypeVar

from routemap import geo
from routemap.errors import NoRouteError
from routemap.models import MODES, LatLon, Link, Place, Route

if TYPE_CHECKING:  # networkx is imported only by network_graph(): it costs ~0.2 s
    import networkx as nx

    from routemap.gazetteer import Gazetteer

__all__ = [
    "NEAR_NODE_KM",
    "NETWORK_MODES",
    "ROUTE_BASIS",
    "find_route",
    "reference_route",
    "link_km",
    "link_geometry",
    "network_graph",
    "nearest_node",
    "network_km",
]

NETWORK_MODES: tuple[str, ...] = ("rail", "road", "sea")
ROUTE_BASIS: dict[str, str] = {"rail": "rail route", "road": "road route", "sea": "sea route", "air": "great circle"}

NEAR_NODE_KM = 30.0
"""How far (geodesic km) a place off the network may be from the node it is joined to:
enough for a hotel or a city centre to reach its station, not enough to jump to the next
town's line."""

T = TypeVar("T")

GREAT_CIRCLE_POINTS = 64
ESTIMATE_POINTS = 16


# --------------------------------------------------------------------------- links


def link_geometry(link: Link, gazetteer: Gazetteer) -> tuple[LatLon, ...]:
    """The polyline of a link from its ``from`` end through its ``via`` points to its ``to`` end."""
    return (gazetteer.get(link.from_id).latlon, *link.via, gazetteer.get(link.to_id).latlon)


def link_km(link: Link, gazetteer: Gazetteer) -> float:
    """A link's length: its published ``km``, else the geodesic length of its geometry."""
    if link.km is not None:
        return link.km
    return geo.path_km(link_geometry(link, gazetteer))


def _cached(gazetteer: Gazetteer, key: tuple[str, str], build: Callable[[], T]) -> T:
    """``gazetteer.cached(key, build)``, or ``build()`` for a stand-in without a cache."""
    cached = getattr(gazetteer, "cached", None)
    return cached(key, build) if cached is not None else build()


def _adjacency(gazetteer: Gazetteer, mode: str) -> dict[str, dict[str, tuple[float, Link]]]:
    """``{place id: {neighbour id: (km, link)}}`` for one mode (cached with the gazetteer);
    of parallel links between the same places, the shorter one."""

    def build() -> dict[str, dict[str, tuple[float, Link]]]:
        adjacency: dict[str, dict[str, tuple[float, Link]]] = {}
        for link in gazetteer.links:
            if link.mode != mode:
                continue
            km = link_km(link, gazetteer)
            existing = adjacency.get(link.from_id, {}).get(link.to_id)
            if existing is None or km < existing[0]:
                adjacency.setdefault(link.from_id, {})[link.to_id] = (km, link)
                adjacency.setdefault(link.to_id, {})[link.from_id] = (km, link)
        return adjacency

    if mode not in NETWORK_MODES:
        raise ValueError(f"no network for mode {mode!r}; networks exist for {', '.join(NETWORK_MODES)}")
    return _cached(gazetteer, ("adjacency", mode), build)


def network_graph(gazetteer: Gazetteer, mode: str) -> nx.Graph:
    """One mode's network as an undirected :class:`networkx.Graph` (cached with the gazetteer).

    Nodes are place ids; each edge has ``km`` (its weight) and ``link`` (the :class:`Link`).
    """

    def build() -> nx.Graph:
        import networkx as nx

        graph = nx.Graph()
        for node, neighbours in adjacency.items():
            for other, (km, link) in neighbours.items():
                graph.add_edge(node, other, km=km, link=link)
        return graph

    adjacency = _adjacency(gazetteer, mode)
    return _cached(gazetteer, ("network", mode), build)


def _shortest_path(adjacency: dict[str, dict[str, tuple[float, Link]]], start: str, end: str) -> list[str] | None:
    """Dijkstra's shortest path by km (ties broken by place id, so results are stable).

    Gives what ``networkx.shortest_path(network_graph(...), start, end, weight="km")`` gives
    (the tests check that they agree on every pair) without importing networkx, which would
    cost the command line ~0.2 s of its 0.5 s start-up budget.
    """
    if start not in adjacency or end not in adjacency:
        return None
    best = {start: 0.0}
    previous: dict[str, str] = {}
    queue = [(0.0, start)]
    done: set[str] = set()
    while queue:
        km, node = heapq.heappop(queue)
        if node in done:
            continue
        if node == end:
            path = [end]
            while path[-1] != start:
                path.append(previous[path[-1]])
            return path[::-1]
        done.add(node)
        for other, (length, _) in sorted(adjacency[node].items()):
            candidate = km + length
            if other not in done and candidate < best.get(other, math.inf):
                best[other], previous[other] = candidate, node
                heapq.heappush(queue, (candidate, other))
    return None


def network_km(gazetteer: Gazetteer, mode: str | None = None) -> float:
    """Total length of the network's links (of one mode, or of all)."""
    return sum(link_km(link, gazetteer) for link in gazetteer.links if mode is None or link.mode == mode)


def nearest_node(gazetteer: Gazetteer, place_id: str, mode: str, max_km: float = NEAR_NODE_KM) -> tuple[str, float] | None:
    """The node of ``mode``'s network a place joins: ``(node id, geodesic km)``.

    A place on the network is its own node (0 km); a place off it joins the nearest node
    within ``max_km``; ``None`` when there is none that close.
    """
    adjacency = _adjacency(gazetteer, mode)
    if place_id in adjacency:
        return place_id, 0.0
    here = gazetteer.get(place_id).latlon
    best = min(
        ((geo.haversine_km(*here, *gazetteer.get(node).latlon), node) for node in adjacency),
        default=None,
    )
    if best is None or best[0] > max_km * 1.01:  # haversine is within 0.5% of the geodesic
        return None
    km = geo.geodesic_km(here, gazetteer.get(best[1]).latlon)
    return (best[1], km) if km <= max_km else None


# --------------------------------------------------------------------------- length per country


def _split_by_country(points: tuple[LatLon, ...], km: float, country_a: str | None, country_b: str | None) -> dict[str, float]:
    """Share a stretch of ``km`` between the countries of its two ends (see module docs)."""
    if country_a == country_b:
        return {country_a: km} if country_a else {}
    start, end = points[0], points[-1]
    sides = [geo.geodesic_km(p, start) <= geo.geodesic_km(p, end) for p in points]  # True: nearer start
    sides[0], sides[-1] = True, False
    share_a = share_b = 0.0
    for (p, q), side_p, side_q in zip(zip(points, points[1:]), sides, sides[1:]):
        length = geo.geodesic_km(p, q)
        if side_p and side_q:
            share_a += length
        elif not side_p and not side_q:
            share_b += length
        else:
            share_a += length / 2
            share_b += length / 2
    total = share_a + share_b
    fraction_a = share_a / total if total > 0 else 0.5
    shares: dict[str, float] = {}
    if country_a:
        shares[country_a] = km * fraction_a
    if country_b:
        shares[country_b] = km * (1 - fraction_a)
    return shares


def _add_shares(totals: dict[str, float], shares: dict[str, float]) -> None:
    for country, km in shares.items():
        totals[country] = totals.get(country, 0.0) + km


# --------------------------------------------------------------------------- routes


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")


def _great_circle_route(a: Place, b: Place) -> Route:
    km = geo.geodesic_km(a.latlon, b.latlon)
    return Route(
        from_id=a.id,
        to_id=b.id,
        mode="air",
        basis=ROUTE_BASIS["air"],
        path=(a.id, b.id),
        km=km,
        geodesic_km=km,
        km_by_country={a.country: km} if a.country and a.country == b.country else {},
        geometry=geo.great_circle_points(a.latlon, b.latlon, GREAT_CIRCLE_POINTS),
    )


def _same_place_route(place: Place, mode: str, basis: str) -> Route:
    return Route(place.id, place.id, mode, basis, (place.id,), 0.0, 0.0, {}, (place.latlon,))


ROUTE_CACHE_SIZE = 4096
"""How many measured routes each gazetteer remembers (articles repeat the same legs)."""


def _memoised(gazetteer: Gazetteer, key: tuple, build: Callable[[], Route]) -> Route:
    """``build()`` remembered per gazetteer in a bounded LRU, errors included."""
    memo: OrderedDict = _cached(gazetteer, ("route memo",), OrderedDict)
    try:
        outcome = memo[key]
        memo.move_to_end(key)
    except KeyError:
        try:
            outcome = build()
        except NoRouteError as exc:
            outcome = exc
        memo[key] = outcome
        if len(memo) > ROUTE_CACHE_SIZE:
            memo.popitem(last=False)
    if isinstance(outcome, NoRouteError):
        raise NoRouteError(outcome.from_id, outcome.to_id, outcome.mode)
    return outcome


def find_route(gazetteer: Gazetteer, from_id: str, to_id: str, mode: str) -> Route:
    """The shortest way between two places along ``mode``'s network (air: the great circle).

    Remembered per gazetteer (see :data:`ROUTE_CACHE_SIZE`); see :func:`_find_route`.
    """
    return _memoised(gazetteer, ("find", from_id, to_id, mode), lambda: _find_route(gazetteer, from_id, to_id, mode))


def _find_route(gazetteer: Gazetteer, from_id: str, to_id: str, mode: str) -> Route:
    """The shortest way between two places along ``mode``'s network (air: the great circle).

    Places off the network join it within :data:`NEAR_NODE_KM` (see module docs).  Raises
    :class:`~routemap.errors.NoRouteError` when the network does not connect them (or for
    ``foot``, which has no network) and :class:`~routemap.errors.UnknownPlaceError` for an
    unknown id.
    """
    _check_mode(mode)
    a, b = gazetteer.get(from_id), gazetteer.get(to_id)
    if mode == "air":
        return _great_circle_route(a, b) if a.id != b.id else _same_place_route(a, mode, ROUTE_BASIS[mode])
    if mode not in NETWORK_MODES:
        raise NoRouteError(from_id, to_id, mode)
    if a.id == b.id:
        return _same_place_route(a, mode, ROUTE_BASIS[mode])
    adjacency = _adjacency(gazetteer, mode)
    start, end = nearest_node(gazetteer, a.id, mode), nearest_node(gazetteer, b.id, mode)
    if start is None or end is None:
        raise NoRouteError(from_id, to_id, mode)
    nodes = _shortest_path(adjacency, start[0], end[0])
    if nodes is None:
        raise NoRouteError(from_id, to_id, mode)

    # Stretches in travel order: (geometry, km, country of first end, country of last end).
    stretches: list[tuple[tuple[LatLon, ...], float, str | None, str | None]] = []
    if start[1] > 0:
        node = gazetteer.get(start[0])
        stretches.append(((a.latlon, node.latlon), start[1], a.country, node.country))
    for u, v in zip(nodes, nodes[1:]):
        km, link = adjacency[u][v]
        points = link_geometry(link, gazetteer)
        if link.from_id != u:
            points = points[::-1]
        stretches.append((points, km, gazetteer.get(u).country, gazetteer.get(v).country))
    if end[1] > 0:
        node = gazetteer.get(end[0])
        stretches.append(((node.latlon, b.latlon), end[1], node.country, b.country))

    geometry: list[LatLon] = []
    by_country: dict[str, float] = {}
    for points, km, country_first, country_last in stretches:
        geometry.extend(points if not geometry else points[1:])
        _add_shares(by_country, _split_by_country(points, km, country_first, country_last))
    path = [*([a.id] if start[1] > 0 else []), *nodes, *([b.id] if end[1] > 0 else [])]
    return Route(
        from_id=a.id,
        to_id=b.id,
        mode=mode,
        basis=ROUTE_BASIS[mode],
        path=tuple(path),
        km=sum(stretch[1] for stretch in stretches),
        geodesic_km=geo.geodesic_km(a.latlon, b.latlon),
        km_by_country=dict(sorted(by_country.items())),
        geometry=tuple(geometry),
    )


def _estimate_route(a: Place, b: Place, mode: str) -> Route:
    straight = geo.geodesic_km(a.latlon, b.latlon)
    typical, low, high = geo.DETOUR_FACTORS[mode]
    km = straight * typical
    return Route(
        from_id=a.id,
        to_id=b.id,
        mode=mode,
        basis="estimate",
        path=(a.id, b.id),
        km=km,
        geodesic_km=straight,
        km_by_country={a.country: km} if a.country and a.country == b.country else {},
        geometry=geo.great_circle_points(a.latlon, b.latlon, ESTIMATE_POINTS),
        km_low=straight * low,
        km_high=straight * high,
    )


def reference_route(gazetteer: Gazetteer, from_id: str, to_id: str, mode: str | None) -> Route:
    """The best reference length for a leg; never raises for known places (remembered per
    gazetteer, see :func:`_reference_route`)."""
    return _memoised(gazetteer, ("reference", from_id, to_id, mode), lambda: _reference_route(gazetteer, from_id, to_id, mode))


def _reference_route(gazetteer: Gazetteer, from_id: str, to_id: str, mode: str | None) -> Route:
    """The best reference length for a leg; never raises for known places.

    Rail, road and sea: the network route when the network connects the places, else an
    estimate (basis ``"estimate"``: geodesic times the mode's typical detour factor, with
    ``km_low``/``km_high`` from the factor's range; ``km_by_country`` only when both ends
    are in one country).  Air: the great circle.  Foot: an estimate.  ``mode=None``: the
    shortest of the rail, road and sea routes, else a road estimate.
    """
    a, b = gazetteer.get(from_id), gazetteer.get(to_id)
    if mode is None:
        routes = []
        for network_mode in NETWORK_MODES:
            try:
                routes.append(find_route(gazetteer, a.id, b.id, network_mode))
            except NoRouteError:
                continue
        return min(routes, key=lambda route: route.km) if routes else _estimate_route(a, b, "road")
    _check_mode(mode)
    if a.id == b.id:
        return _same_place_route(a, mode, ROUTE_BASIS.get(mode, "estimate"))
    if mode == "air":
        return _great_circle_route(a, b)
    if mode in NETWORK_MODES:
        try:
            return find_route(gazetteer, a.id, b.id, mode)
        except NoRouteError:
            pass
    return _estimate_route(a, b, mode)
