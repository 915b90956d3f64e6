"""Geodesic distances, great circles and the rules of thumb in routemap.geo."""

from __future__ import annotations

import math

import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from routemap import geo
from routemap.models import MODES

latitudes = st.floats(min_value=-89.0, max_value=89.0)
longitudes = st.floats(min_value=-179.0, max_value=179.0)
points = st.tuples(latitudes, longitudes)


def test_one_degree_on_the_equator() -> None:
    # WGS-84 equatorial radius 6378.137 km: one degree of longitude is 2*pi*a/360.
    assert geo.geodesic_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(2 * math.pi * 6378.137 / 360, rel=1e-9)


def test_geodesic_agrees_with_geographiclib() -> None:
    a, b = (39.03385, 125.75432), (1.28967, 103.85007)
    expected = Geodesic.WGS84.Inverse(*a, *b)["s12"] / 1000
    assert geo.geodesic_km(a, b) == pytest.approx(expected, rel=1e-9)
    assert geo.geodesic_km(a, a) == 0.0


@settings(max_examples=40, deadline=None)
@given(points, points)
def test_geodesic_is_geopys_geodesic(a, b) -> None:
    from geopy.distance import geodesic

    assert geo.geodesic_km(a, b) == pytest.approx(geodesic(a, b).km, rel=1e-12, abs=1e-9)


def test_latitude_out_of_range() -> None:
    with pytest.raises(ValueError):
        geo.geodesic_km((91.0, 0.0), (0.0, 0.0))


@settings(max_examples=40, deadline=None)
@given(points, points, points)
def test_geodesic_is_a_metric(a, b, c) -> None:
    assert geo.geodesic_km(a, b) == pytest.approx(geo.geodesic_km(b, a), abs=1e-6)
    assert geo.geodesic_km(a, c) <= geo.geodesic_km(a, b) + geo.geodesic_km(b, c) + 1e-6


def test_path_km_adds_segments() -> None:
    a, b, c = (40.0, 124.0), (39.0, 125.0), (38.0, 127.0)
    assert geo.path_km([a, b, c]) == pytest.approx(geo.geodesic_km(a, b) + geo.geodesic_km(b, c))
    assert geo.path_km([a]) == 0.0
    assert geo.path_km([]) == 0.0
    assert geo.path_km(iter([a, b])) == pytest.approx(geo.geodesic_km(a, b))


def test_great_circle_points_are_evenly_spaced() -> None:
    a, b = (39.03385, 125.75432), (1.28967, 103.85007)
    line = geo.great_circle_points(a, b, n=9)
    assert len(line) == 9
    assert line[0] == a and line[-1] == b
    steps = [geo.geodesic_km(p, q) for p, q in zip(line, line[1:])]
    assert max(steps) - min(steps) < 0.01
    assert sum(steps) == pytest.approx(geo.geodesic_km(a, b), rel=1e-6)


def test_great_circle_is_not_a_straight_line_in_degrees() -> None:
    # Between two points at 60N the great circle bulges towards the pole.
    line = geo.great_circle_points((60.0, 0.0), (60.0, 90.0), n=3)
    assert line[1][0] > 65.0
    assert line[1][1] == pytest.approx(45.0, abs=1e-6)


def test_great_circle_crosses_the_antimeridian_without_a_jump() -> None:
    line = geo.great_circle_points((0.0, 179.0), (0.0, -179.0), n=5)
    lons = [lon for _, lon in line[:-1]]
    assert lons == sorted(lons)
    assert max(abs(q - p) for p, q in zip(lons, lons[1:])) < 1.0


def test_great_circle_needs_two_points() -> None:
    with pytest.raises(ValueError):
        geo.great_circle_points((0.0, 0.0), (1.0, 1.0), n=1)


def test_lonlat_swaps() -> None:
    assert geo.lonlat((39.0, 125.7)) == (125.7, 39.0)
    assert geo.lonlat(geo.lonlat((39.0, 125.7))) == (39.0, 125.7)


@pytest.mark.parametrize("mode", MODES)
def test_detour_factors_are_ordered(mode: str) -> None:
    typical, low, high = geo.DETOUR_FACTORS[mode]
    assert 1.0 <= low <= typical <= high <= 2.5


@pytest.mark.parametrize("mode", MODES)
def test_plausible_speeds(mode: str) -> None:
    low, high = geo.PLAUSIBLE_SPEEDS_KMH[mode]
    assert 0 < low < high
    assert high <= geo.PLAUSIBLE_SPEEDS_KMH["air"][1]


def test_required_factor_ranges() -> None:
    assert geo.DETOUR_FACTORS["rail"] == (1.3, 1.1, 1.6)
    assert geo.DETOUR_FACTORS["road"] == (1.25, 1.1, 1.5)
    assert geo.DETOUR_FACTORS["sea"][1:] == (1.1, 2.0)
    assert geo.PLAUSIBLE_SPEEDS_KMH["rail"] == (5, 350)
    assert geo.PLAUSIBLE_SPEEDS_KMH["foot"] == (2, 7)
