"""Data checks on the bundled gazetteer.yaml, read directly with yaml.safe_load.

Coordinates against GeoNames / Natural Earth reference data in ../shared (skipped when it
is absent), border stations against Natural Earth country polygons, and the lengths of the
main rail and road corridors the seed articles describe.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import yaml
from geopy.distance import geodesic

REPO = Path(__file__).resolve().parent.parent
GAZETTEER = REPO / "gazetteer.yaml"
REFERENCE_KM = 5.0
BORDER_SLACK_KM = 3.0

_spec = importlib.util.spec_from_file_location("check_gazetteer_reference", REPO / "scripts" / "check_gazetteer_reference.py")
reference_check = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, reference_check)
_spec.loader.exec_module(reference_check)


@pytest.fixture(scope="module")
def data() -> dict:
    with open(GAZETTEER, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def places(data: dict) -> dict[str, dict]:
    return {p["id"]: p for p in data["places"]}


@pytest.fixture(scope="module")
def links(data: dict) -> dict[tuple[str, str, str], dict]:
    table = {}
    for link in data["links"]:
        table[(link["from"], link["to"], link["mode"])] = link
        table[(link["to"], link["from"], link["mode"])] = link
    return table


def chain_km(chain: list[str], mode: str, places: dict, links: dict) -> float:
    """Sum of link lengths along consecutive place ids; fails if a link is missing."""
    total = 0.0
    for a, b in zip(chain, chain[1:]):
        assert (a, b, mode) in links, f"no {mode} link {a} - {b}"
        total += reference_check.link_length_km(links[(a, b, mode)], places)
    return total


# ---------------------------------------------------------------------------- structure


def test_ids_unique_and_links_resolve(data: dict, places: dict) -> None:
    assert len(places) == len(data["places"])
    for link in data["links"]:
        assert link["from"] in places and link["to"] in places
        assert link["from"] != link["to"]
        if link.get("km") is not None:
            assert link.get("source"), f"{link['from']}-{link['to']}: km without source"


def test_published_lengths_are_not_shorter_than_the_shape(data: dict, places: dict) -> None:
    """A published length below the geodesic over the shape points means a typo."""
    for link in data["links"]:
        if link.get("km") is None:
            continue
        points = reference_check.link_points(link, places)
        shape = sum(geodesic(a, b).km for a, b in zip(points, points[1:]))
        assert shape * 0.98 <= link["km"] <= shape * 1.6, (link["from"], link["to"], shape, link["km"])


def test_shape_points_have_no_jumps(data: dict, places: dict) -> None:
    """Consecutive points of a link never jump more than 350 km (a swapped lat/lon would)."""
    for link in data["links"]:
        points = reference_check.link_points(link, places)
        for a, b in zip(points, points[1:]):
            assert geodesic(a, b).km < 350, (link["from"], link["to"], a, b)


def test_countries_have_adjectives_and_capitals(places: dict) -> None:
    countries = [p for p in places.values() if p["kind"] == "country"]
    assert {p["country"] for p in countries} >= {"KP", "KR", "CN", "VN", "RU", "US", "SG"}
    for country in countries:
        assert country.get("adjectives"), country["id"]
        capital = places[country["capital"]]
        assert capital["country"] == country["country"]


def test_adjectives_and_aliases_the_articles_use(places: dict) -> None:
    adjectives = {adj for p in places.values() for adj in p.get("adjectives") or ()}
    assert {"North Korean", "South Korean", "Chinese", "Vietnamese", "Russian", "American", "U.S."} <= adjectives
    names = {name for p in places.values() for name in reference_check.place_names(p)}
    for written in ("P'yŏngyang", "Hà Nội", "Đồng Đăng", "Sinŭiju", "Antung", "Metropole Hotel", "Melia hotel",
                    "Hoan Kiem lake", "Government Guesthouse", "Korean Peninsula", "Ulan Ude"):
        assert reference_check.fold(written) in names, written


def test_not_places_cover_people_media_and_events(data: dict, places: dict) -> None:
    not_places = set(data["not_places"])
    assert {"Kim Il Sung", "Kim Jong Il", "Kim Jong Un", "Kim Jong-un", "Donald Trump", "Vladimir Putin",
            "Nguyen Phu Trong", "Tour de France", "Orient Express", "TASS", "Yonhap", "Reuters",
            "Korean Central News Agency"} <= not_places
    names = {name for p in places.values() for name in reference_check.place_names(p)}
    assert not names & {reference_check.fold(n) for n in not_places}


# ---------------------------------------------------------------------------- reference coordinates


def test_every_reference_place_is_within_5_km(shared_dir: Path, places: dict) -> None:
    reference = shared_dir / "data" / "reference_places.csv"
    if not reference.is_file():
        pytest.skip("reference_places.csv is not present")
    matches = reference_check.match_reference(reference_check.read_reference(reference), places.values())
    assert len(matches) >= 30
    missing = [m.name for m in matches if m.place_id is None]
    assert not missing, f"not in the gazetteer: {missing}"
    far = [(m.name, round(m.km, 2)) for m in matches if m.km > REFERENCE_KM]
    assert not far, f"farther than {REFERENCE_KM} km from the reference: {far}"


# ---------------------------------------------------------------------------- country polygons


@pytest.fixture(scope="module")
def country_shapes(shared_dir: Path) -> dict:
    path = shared_dir / "data" / "ne_50m_admin_0_countries.geojson"
    if not path.is_file():
        pytest.skip("ne_50m_admin_0_countries.geojson is not present")
    from shapely.geometry import shape
    import pycountry

    shapes: dict = {}
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        code = props.get("ISO_A2")
        if not code or code == "-99":
            found = pycountry.countries.get(alpha_3=props.get("ADM0_A3"))
            code = found.alpha_2 if found else None
        if code:
            geometry = shape(feature["geometry"])
            shapes[code] = shapes[code].union(geometry) if code in shapes else geometry
    return shapes


def km_outside(shapes: dict, code: str, lat: float, lon: float) -> float:
    """Distance in km from a point to the polygon of a country (0 inside)."""
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    polygon = shapes[code]
    point = Point(lon, lat)
    if polygon.contains(point):
        return 0.0
    nearest = nearest_points(polygon, point)[0]
    return geodesic((lat, lon), (nearest.y, nearest.x)).km


BORDER_STATIONS = {
    "sinuiju": "KP", "dandong": "CN", "pingxiang": "CN", "friendship-pass": "CN", "dong-dang": "VN",
    "dong-dang-station": "VN", "tumangang": "KP", "khasan": "RU",
}


@pytest.mark.parametrize(("place_id", "code"), sorted(BORDER_STATIONS.items()))
def test_border_stations_are_on_their_own_side(country_shapes: dict, places: dict, place_id: str, code: str) -> None:
    place = places[place_id]
    assert place["country"] == code
    assert km_outside(country_shapes, code, place["lat"], place["lon"]) <= BORDER_SLACK_KM


TOO_SMALL_FOR_NE_50M = {"russky-island"}  # the island is missing from the 1:50m coastline


def test_every_place_lies_in_its_country(country_shapes: dict, places: dict) -> None:
    outside = []
    for place in places.values():
        if place["kind"] in ("water", "region") or place.get("country") is None or place["id"] in TOO_SMALL_FOR_NE_50M:
            continue
        km = km_outside(country_shapes, place["country"], place["lat"], place["lon"])
        if km > BORDER_SLACK_KM:
            outside.append((place["id"], round(km, 1)))
    assert not outside, f"outside their country's polygon: {outside}"


def test_border_links_join_two_countries(places: dict, links: dict) -> None:
    for a, b in (("sinuiju", "dandong"), ("pingxiang", "dong-dang-station"), ("tumangang", "khasan")):
        link = links[(a, b, "rail")]
        assert places[link["from"]]["country"] != places[link["to"]]["country"]


# ---------------------------------------------------------------------------- corridor lengths

HANOI_2019 = [
    "pyongyang", "sinuiju", "dandong", "shenyang", "shanhaiguan", "tianjin", "baoding", "shijiazhuang",
    "zhengzhou", "wuhan", "changsha", "hengyang", "guilin", "liuzhou", "nanning", "pingxiang",
    "dong-dang-station", "dong-dang",
]
VLADIVOSTOK_2019 = ["pyongyang", "hamhung", "kimchaek", "chongjin", "rajin", "tumangang", "khasan", "baranovsky", "vladivostok"]
TRANS_SIBERIAN = [
    "vladivostok", "baranovsky", "ussuriysk", "khabarovsk", "belogorsk", "skovorodino", "chita", "ulan-ude",
    "irkutsk", "krasnoyarsk", "novosibirsk", "omsk", "tyumen", "yekaterinburg", "perm", "kirov", "yaroslavl", "moscow",
]
MOSCOW_2001 = VLADIVOSTOK_2019[:-1] + TRANS_SIBERIAN[2:]
MOTORCADE_2019 = ["dong-dang", "lang-son", "bac-giang", "bac-ninh", "hanoi"]


@pytest.mark.parametrize(
    ("chain", "mode", "low", "high"),
    [
        (HANOI_2019, "rail", 3600, 4200),  # published: about 3,800-4,000 km
        (VLADIVOSTOK_2019, "rail", 1050, 1350),  # published: about 1,180 km
        (MOSCOW_2001, "rail", 9600, 10900),  # the through coach: 10,267 km
        (MOTORCADE_2019, "road", 150, 185),  # published: about 170 km
        (TRANS_SIBERIAN, "rail", 9150, 9400),  # 9,288 km
    ],
    ids=["pyongyang-dong-dang", "pyongyang-vladivostok", "pyongyang-moscow", "dong-dang-hanoi", "trans-siberian"],
)
def test_corridor_lengths(places: dict, links: dict, chain: list[str], mode: str, low: float, high: float) -> None:
    assert low <= chain_km(chain, mode, places, links) <= high


def test_most_of_the_hanoi_route_is_in_china(places: dict, links: dict) -> None:
    in_china = chain_km(HANOI_2019[2:16], "rail", places, links)  # Dandong .. Pingxiang
    assert in_china >= 3000


def test_pyongui_line_matches_its_published_length(places: dict, links: dict) -> None:
    assert chain_km(["pyongyang", "sinuiju"], "rail", places, links) == pytest.approx(225.1)


# ---------------------------------------------------------------------------- with the loader


def test_loader_accepts_the_file() -> None:
    gazetteer_module = pytest.importorskip("routemap.gazetteer")
    assert gazetteer_module.validate_gazetteer_file(GAZETTEER) == []
