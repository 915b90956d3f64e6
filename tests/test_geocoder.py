"""The gazetteer as an offline geopy geocoder."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from geopy.distance import geodesic
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from routemap.gazetteer import load_gazetteer
from routemap.geocoder import GazetteerGeocoder

GOOD = Path(__file__).resolve().parent / "data" / "gazetteers" / "good.yaml"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the geocoder tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def geocoder() -> GazetteerGeocoder:
    return GazetteerGeocoder(load_gazetteer(GOOD))


def test_is_a_geopy_geocoder(geocoder: GazetteerGeocoder) -> None:
    assert isinstance(geocoder, Geocoder)


def test_the_adapter_refuses_requests(geocoder: GazetteerGeocoder) -> None:
    with pytest.raises(GeocoderServiceError):
        geocoder.adapter.get_json("https://nominatim.openstreetmap.org/search", timeout=1, headers={})
    with pytest.raises(GeocoderServiceError):
        geocoder.adapter.get_text("https://example.org/", timeout=1, headers={})


@pytest.mark.parametrize("query", ["Pyongyang", "PYONGYANG", "p'yŏngyang", "P’yŏngyang", "Pyong-yang", "pyongyang"])
def test_geocode_spellings(geocoder: GazetteerGeocoder, query: str) -> None:
    location = geocoder.geocode(query)
    assert isinstance(location, Location)
    assert location.raw["id"] == "pyongyang"
    place = geocoder.gazetteer.get("pyongyang")
    assert (location.latitude, location.longitude) == (place.lat, place.lon)
    assert location.address == "Pyongyang, North Korea"


def test_geocode_diacritics_and_hyphens(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("Đồng-Đăng").raw["id"] == "dong-dang"
    assert geocoder.geocode("ha noi").raw["id"] == "hanoi"


def test_geocode_unknown_is_none(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("Atlantis") is None
    assert geocoder.geocode("Atlantis", exactly_one=False) is None


def test_geocode_many(geocoder: GazetteerGeocoder) -> None:
    found = geocoder.geocode("Ping Xiang", exactly_one=False)
    assert isinstance(found, list)
    assert {location.raw["id"] for location in found} == {"pingxiang", "pingxiang-jiangxi"}
    assert len(geocoder.geocode("Ping Xiang", exactly_one=False, limit=1)) == 1
    # a city is preferred to the country of the same name
    assert geocoder.geocode("Singapore").raw["kind"] == "city"


def test_geocode_with_country(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("Hanoi, Vietnam").raw["id"] == "hanoi"
    assert geocoder.geocode("Hanoi, VN").raw["id"] == "hanoi"
    assert geocoder.geocode("Hanoi, China") is None


def test_geocode_by_id(geocoder: GazetteerGeocoder) -> None:
    assert geocoder.geocode("pingxiang-jiangxi").raw["name"] == "Pingxiang (Jiangxi)"


def test_reverse_finds_the_nearest_place(geocoder: GazetteerGeocoder) -> None:
    hotel = geocoder.gazetteer.get("melia-hanoi")
    assert geocoder.reverse((hotel.lat + 0.001, hotel.lon)).raw["id"] == "melia-hanoi"
    assert geocoder.reverse(Point(40.11, 124.40)).raw["id"] == "sinuiju"
    assert geocoder.reverse("40.125, 124.394").raw["id"] == "dandong"


def test_reverse_many_are_sorted_by_distance(geocoder: GazetteerGeocoder) -> None:
    here = (21.0, 105.8)
    found = geocoder.reverse(here, exactly_one=False, limit=3)
    assert len(found) == 3
    assert found[0].raw["id"] == "hanoi"
    distances = [geodesic(here, location.point).km for location in found]
    assert distances == sorted(distances)
    assert geocoder.reverse((-60.0, 0.0), max_km=100) is None
    assert geocoder.reverse((-60.0, 0.0), exactly_one=False, max_km=100) is None
