"""Distances and lines on the WGS-84 ellipsoid, and the rules of thumb routemap uses.

Points are ``(lat, lon)`` in degrees; GeoJSON wants ``(lon, lat)``, given by :func:`lonlat`.
Distances are those of geopy's :class:`~geopy.distance.geodesic`: Karney's algorithm in
geographiclib (accurate to about 15 nm), which geopy wraps and routemap calls directly to
keep start-up fast.  Great circles are geographiclib geodesic lines.

>>> round(geodesic_km((39.03385, 125.75432), (1.28967, 103.85007)))
4737
>>> great_circle_points((0.0, 0.0), (0.0, 10.0), n=3)[1]
(0.0, 5.0)
"""

from __future__ import annotations

import functools
import math

from typing import Iterable, Sequence

from geographiclib.geodesic import Geodesic  # geopy's geodesic engine; imports in ~10 ms

from routemap.models import LatLon

__all__ = [
    "haversine_km",
    "DETOUR_FACTORS",
    "PLAUSIBLE_SPEEDS_KMH",
    "geodesic_km",
    "path_km",
    "great_circle_points",
    "lonlat",
]

_WGS84 = Geodesic.WGS84
_DISTANCE = Geodesic.DISTANCE

DETOUR_FACTORS: dict[str, tuple[float, float, float]] = {
    "rail": (1.3, 1.1, 1.6),
    "road": (1.25, 1.1, 1.5),
    "sea": (1.3, 1.1, 2.0),
    "foot": (1.25, 1.1, 1.5),
    "air": (1.05, 1.0, 1.15),
}
"""Route length over geodesic length, as ``(typical, low, high)`` per mode.

Rules of thumb for "circuity", used only when a leg is off the gazetteer's network
(:func:`routemap.network.reference_route`, basis ``"estimate"``).  Road: circuity studies
report national means of about 1.2-1.4 (Ballou, Rahardja and Sakai 2002, *Journal of
Transport Geography* 10(4); Boscoe, Henry and Zdeb 2012, *The Professional Geographer*
64(2), 1.4 for US hospital trips), lower over long distances.  Rail is somewhat more
winding (it avoids gradients and follows valleys), so a wider range.  Sea routes go round capes and through straits, from
nearly straight to about twice the geodesic.  Walking follows streets, like roads.  Air
routes deviate a few per cent from the great circle (airways, holding, departure and
approach procedures)."""

PLAUSIBLE_SPEEDS_KMH: dict[str, tuple[float, float]] = {
    "rail": (5, 350),
    "road": (5, 130),
    "air": (150, 950),
    "sea": (5, 60),
    "foot": (2, 7),
}
"""Average speeds over a whole leg that are physically plausible, ``(low, high)`` km/h.

The highs are the fastest regular service (350 km/h high-speed rail; 130 km/h, the
highest common motorway limit; about 950 km/h, a jet airliner's cruise speed; 60 km/h, a
fast ferry; a brisk 7 km/h walk), the lows a crawl that still counts as travelling
(an armoured train moves slowly, but faster than 5 km/h on average)."""


def geodesic_km(a: LatLon, b: LatLon) -> float:
    """Shortest distance over the WGS-84 ellipsoid between two ``(lat, lon)`` points, in km.

    The same computation as ``geopy.distance.geodesic(a, b).km`` (geopy delegates to
    geographiclib's ``Geodesic.WGS84.Inverse``); called directly because importing geopy
    loads all its geocoders, which costs a command-line start-up ~0.15 s.
    """
    return _geodesic_km(float(a[0]), float(a[1]), float(b[0]), float(b[1]))


@functools.lru_cache(maxsize=65536)
def _geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # Remembered: the checks measure the same few legs over and over.
    if not (-90.0 <= lat1 <= 90.0 and -90.0 <= lat2 <= 90.0):
        raise ValueError(f"latitude must be within -90..90: {(lat1, lon1)!r}, {(lat2, lon2)!r}")
    return _WGS84.Inverse(lat1, lon1, lat2, lon2, _DISTANCE)["s12"] / 1000.0


def path_km(points: Iterable[LatLon]) -> float:
    """Length of a polyline of ``(lat, lon)`` points (sum of geodesic segments), in km."""
    total, previous = 0.0, None
    for point in points:
        if previous is not None:
            total += geodesic_km(previous, point)
        previous = point
    return total


def great_circle_points(a: LatLon, b: LatLon, n: int = 64) -> tuple[LatLon, ...]:
    """``n`` points (ends included) evenly spaced along the geodesic from ``a`` to ``b``.

    Longitudes are unrolled (continuous across the antimeridian, possibly beyond ±180) so
    the line draws without a jump on a web map.
    """
    if n < 2:
        raise ValueError("a great circle needs at least 2 points")
    line = _WGS84.InverseLine(a[0], a[1], b[0], b[1])
    mask = Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.LONG_UNROLL
    points = []
    for i in range(n):
        position = line.Position(line.s13 * i / (n - 1), mask)
        points.append((round(position["lat2"], 6), round(position["lon2"], 6)))
    points[0], points[-1] = (float(a[0]), float(a[1])), (float(b[0]), points[-1][1])
    return tuple(points)


def lonlat(point: Sequence[float]) -> tuple[float, float]:
    """``(lat, lon)`` -> ``(lon, lat)``, the GeoJSON order (and back again)."""
    return (point[1], point[0])


EARTH_MEAN_RADIUS_KM = 6371.0088
"""IUGG mean Earth radius, for :func:`haversine_km`."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the mean Earth radius, in km.

    Within about 0.5% of :func:`geodesic_km` and much cheaper: for ranking and thresholds
    (the nearest node, "within 10 km"), never for a figure that is reported.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_MEAN_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
