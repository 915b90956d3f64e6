"""Routes along the network (hand-made gazetteer), and the bundled gazetteer's key routes."""

from __future__ import annotations

from pathlib import Path

import pytest
from geopy.distance import geodesic

from routemap import geo
from routemap.errors import NoRouteError, UnknownPlaceError
from routemap.gazetteer import Gazetteer, load_gazetteer
from routemap.models import Link, Place
from routemap.network import (
    NEAR_NODE_KM,
    find_route,
    link_geometry,
    link_km,
    nearest_node,
    network_graph,
    network_km,
    reference_route,
)

GOOD = Path(__file__).resolve().parent / "data" / "gazetteers" / "good.yaml"


@pytest.fixture(scope="module")
def good() -> Gazetteer:
    return load_gazetteer(GOOD)


def km(a, b) -> float:
    return geodesic(a, b).km


def the_link(gazetteer: Gazetteer, a: str, b: str, mode: str) -> Link:
    return next(l for l in gazetteer.links if {l.from_id, l.to_id} == {a, b} and l.mode == mode)


# --------------------------------------------------------------------------- links and graphs


def test_link_km_published_or_geodesic(good: Gazetteer) -> None:
    published = the_link(good, "sinuiju", "dandong", "rail")
    assert link_km(published, good) == 3.5
    drawn = the_link(good, "pyongyang", "sinuiju", "rail")
    p, s = good.get("pyongyang").latlon, good.get("sinuiju").latlon
    expected = km(p, (39.6, 125.3)) + km((39.6, 125.3), (39.95, 124.8)) + km((39.95, 124.8), s)
    assert link_km(drawn, good) == pytest.approx(expected)
    assert link_geometry(drawn, good) == (p, (39.6, 125.3), (39.95, 124.8), s)


def test_graphs_per_mode_are_cached(good: Gazetteer) -> None:
    rail = network_graph(good, "rail")
    assert network_graph(good, "rail") is rail
    assert network_graph(good.attach_world(object()), "rail") is rail
    assert rail.has_edge("pyongyang", "sinuiju")
    assert not network_graph(good, "road").has_edge("pyongyang", "sinuiju")
    assert network_graph(good, "sea").number_of_nodes() == 0
    with pytest.raises(ValueError):
        network_graph(good, "air")


def test_dijkstra_agrees_with_networkx(good: Gazetteer, gazetteer: Gazetteer) -> None:
    import networkx as nx

    from routemap.network import _adjacency, _shortest_path

    for registry in (good, gazetteer):
        for mode in ("rail", "road", "sea"):
            graph = network_graph(registry, mode)
            adjacency = _adjacency(registry, mode)
            for start in sorted(graph.nodes):
                lengths = nx.single_source_dijkstra_path_length(graph, start, weight="km")
                for end in sorted(graph.nodes):
                    path = _shortest_path(adjacency, start, end)
                    if end not in lengths:
                        assert path is None
                        continue
                    km = sum(graph.edges[u, v]["km"] for u, v in zip(path, path[1:]))
                    assert path[0] == start and path[-1] == end
                    assert km == pytest.approx(lengths[end])


def test_find_route_does_not_import_networkx() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from routemap.gazetteer import load_gazetteer; from routemap.network import find_route;"
        f"find_route(load_gazetteer({str(GOOD)!r}), 'pyongyang', 'dong-dang', 'rail');"
        "print(','.join(m for m in ('networkx', 'geopy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_network_km(good: Gazetteer) -> None:
    assert network_km(good) == pytest.approx(sum(link_km(link, good) for link in good.links))
    assert network_km(good, "road") == pytest.approx(link_km(the_link(good, "dong-dang", "hanoi", "road"), good))


def test_the_shorter_of_two_parallel_links_is_the_edge() -> None:
    a = Place("a", "A", "town", "FR", 45.0, 4.0)
    b = Place("b", "B", "town", "FR", 45.0, 5.0)
    links = (
        Link("a", "b", "road", km=120.0, km_source="test"),
        Link("b", "a", "road", km=95.0, km_source="test"),
    )
    registry = Gazetteer({"a": a, "b": b}, links)
    assert find_route(registry, "a", "b", "road").km == 95.0


# --------------------------------------------------------------------------- find_route


def test_rail_route_across_three_countries(good: Gazetteer) -> None:
    route = find_route(good, "pyongyang", "dong-dang", "rail")
    assert route.path == ("pyongyang", "sinuiju", "dandong", "beijing", "nanning", "pingxiang", "dong-dang")
    assert route.basis == "rail route"
    legs = [the_link(good, u, v, "rail") for u, v in zip(route.path, route.path[1:])]
    assert route.km == pytest.approx(sum(link_km(link, good) for link in legs))
    assert route.geodesic_km == pytest.approx(km(good.get("pyongyang").latlon, good.get("dong-dang").latlon))
    assert set(route.km_by_country) == {"KP", "CN", "VN"}
    assert sum(route.km_by_country.values()) == pytest.approx(route.km)
    assert route.km_by_country["CN"] > route.km_by_country["KP"] > route.km_by_country["VN"]


def test_geometry_runs_in_travel_direction(good: Gazetteer) -> None:
    there = find_route(good, "pyongyang", "dong-dang", "rail")
    back = find_route(good, "dong-dang", "pyongyang", "rail")
    assert there.geometry[0] == good.get("pyongyang").latlon
    assert there.geometry[-1] == good.get("dong-dang").latlon
    assert (39.6, 125.3) in there.geometry and (30.6, 114.3) in there.geometry
    assert there.geometry.index((39.6, 125.3)) < there.geometry.index((39.95, 124.8))
    assert back.geometry == there.geometry[::-1]
    assert back.km == pytest.approx(there.km)
    assert back.km_by_country == pytest.approx(there.km_by_country)


def test_a_straight_border_link_is_split_at_its_midpoint(good: Gazetteer) -> None:
    route = find_route(good, "sinuiju", "dandong", "rail")
    assert route.km_by_country == pytest.approx({"KP": 1.75, "CN": 1.75})


def test_a_border_link_with_shape_points_is_split_by_the_nearer_end(good: Gazetteer) -> None:
    route = find_route(good, "pingxiang", "dong-dang", "rail")
    p, v, d = good.get("pingxiang").latlon, (22.03, 106.73), good.get("dong-dang").latlon
    assert km(v, p) < km(v, d)  # the shape point is on the Chinese side
    first, second = km(p, v), km(v, d)
    assert route.km_by_country["CN"] == pytest.approx(first + second / 2)
    assert route.km_by_country["VN"] == pytest.approx(second / 2)


def test_place_off_the_network_joins_the_nearest_node(good: Gazetteer) -> None:
    node, distance = nearest_node(good, "melia-hanoi", "road")
    assert node == "hanoi"
    assert distance == pytest.approx(km(good.get("melia-hanoi").latlon, good.get("hanoi").latlon))
    assert distance < NEAR_NODE_KM
    route = find_route(good, "melia-hanoi", "dong-dang", "road")
    assert route.path == ("melia-hanoi", "hanoi", "dong-dang")
    road = link_km(the_link(good, "hanoi", "dong-dang", "road"), good)
    assert route.km == pytest.approx(distance + road)
    assert route.geometry[0] == good.get("melia-hanoi").latlon
    assert nearest_node(good, "hanoi", "road") == ("hanoi", 0.0)
    assert nearest_node(good, "seoul", "rail") is None


def test_no_route(good: Gazetteer) -> None:
    with pytest.raises(NoRouteError):
        find_route(good, "pyongyang", "seoul", "rail")  # Seoul is far from any rail node
    with pytest.raises(NoRouteError):
        find_route(good, "pyongyang", "dong-dang", "road")  # no road north of Dong Dang
    with pytest.raises(NoRouteError):
        find_route(good, "hanoi", "melia-hanoi", "foot")
    with pytest.raises(UnknownPlaceError):
        find_route(good, "pyongyang", "atlantis", "rail")
    with pytest.raises(ValueError):
        find_route(good, "pyongyang", "hanoi", "hovercraft")


def test_air_is_the_great_circle(good: Gazetteer) -> None:
    route = find_route(good, "pyongyang", "singapore", "air")
    expected = km(good.get("pyongyang").latlon, good.get("singapore").latlon)
    assert route.basis == "great circle"
    assert route.km == pytest.approx(expected) and route.geodesic_km == pytest.approx(expected)
    assert len(route.geometry) == 64
    assert route.geometry[0] == good.get("pyongyang").latlon


def test_same_place(good: Gazetteer) -> None:
    route = find_route(good, "hanoi", "hanoi", "road")
    assert (route.km, route.path) == (0.0, ("hanoi",))


# --------------------------------------------------------------------------- reference_route


def test_reference_route_uses_the_network_when_connected(good: Gazetteer) -> None:
    assert reference_route(good, "pyongyang", "dong-dang", "rail") == find_route(good, "pyongyang", "dong-dang", "rail")


def test_reference_route_estimates_off_the_network(good: Gazetteer) -> None:
    route = reference_route(good, "pyongyang", "seoul", "rail")
    straight = km(good.get("pyongyang").latlon, good.get("seoul").latlon)
    typical, low, high = geo.DETOUR_FACTORS["rail"]
    assert route.basis == "estimate"
    assert route.km == pytest.approx(straight * typical)
    assert (route.km_low, route.km_high) == pytest.approx((straight * low, straight * high))
    assert route.path == ("pyongyang", "seoul")
    assert route.km_by_country == {}  # two countries: no split for an estimate
    same_country = reference_route(good, "pyongyang", "north-korea", "foot")
    assert same_country.basis == "estimate" and set(same_country.km_by_country) == {"KP"}


def test_reference_route_for_air_and_no_mode(good: Gazetteer) -> None:
    assert reference_route(good, "pyongyang", "singapore", "air").basis == "great circle"
    best = reference_route(good, "dong-dang", "hanoi", None)
    assert best.basis in ("rail route", "road route")
    assert best.km == pytest.approx(min(find_route(good, "dong-dang", "hanoi", m).km for m in ("rail", "road")))
    assert reference_route(good, "pyongyang", "seoul", None).basis == "estimate"


def test_reference_route_raises_only_for_unknown_places(good: Gazetteer) -> None:
    for a in good.places:
        for mode in ("rail", "road", "sea", "foot", "air"):
            assert reference_route(good, a, "hanoi", mode).km >= 0
    with pytest.raises(UnknownPlaceError):
        reference_route(good, "atlantis", "hanoi", "rail")


# --------------------------------------------------------------------------- the bundled gazetteer


@pytest.mark.parametrize(
    ("start", "end", "mode", "low", "high"),
    [
        ("Pyongyang", "Dong Dang", "rail", 3600, 4200),
        ("Pyongyang", "Vladivostok", "rail", 1050, 1350),
        ("Pyongyang", "Moscow", "rail", 9600, 10900),
        ("Dong Dang", "Hanoi", "road", 150, 185),
    ],
)
def test_bundled_routes(gazetteer: Gazetteer, start: str, end: str, mode: str, low: float, high: float) -> None:
    a, b = gazetteer.resolve(start), gazetteer.resolve(end)
    route = find_route(gazetteer, a.id, b.id, mode)
    assert low <= route.km <= high
    assert sum(route.km_by_country.values()) == pytest.approx(route.km, rel=0.01)


def test_bundled_pyongyang_dong_dang_is_mostly_in_china(gazetteer: Gazetteer) -> None:
    route = find_route(gazetteer, gazetteer.resolve("Pyongyang").id, gazetteer.resolve("Dong Dang").id, "rail")
    assert route.km_by_country.get("CN", 0) >= 3000
    assert {"KP", "CN", "VN"} <= set(route.km_by_country)


def test_bundled_pyongyang_singapore_by_air(gazetteer: Gazetteer) -> None:
    route = find_route(gazetteer, gazetteer.resolve("Pyongyang").id, gazetteer.resolve("Singapore").id, "air")
    assert route.km == pytest.approx(4730, rel=0.01)
