"""The gazetteer behind geopy's geocoder interface, offline.

:class:`GazetteerGeocoder` is a :class:`geopy.geocoders.base.Geocoder`, so code written
for geopy (``geocode``/``reverse``, :class:`geopy.location.Location` results,
:class:`geopy.extra.rate_limiter.RateLimiter`) works against routemap's curated places.
It never makes a network call: its adapter refuses every request.

Names match after :func:`routemap.gazetteer.normalise_name`, so case, diacritics,
hyphens and apostrophes do not matter ("p'yŏngyang" finds Pyongyang).  A query
"Name, Country" narrows the matches to that country.  Each
:class:`~geopy.location.Location` carries the :class:`~routemap.models.Place` as a dict
in ``raw``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from routemap import geo
from routemap.gazetteer import KIND_PREFERENCE
from routemap.models import Place

if TYPE_CHECKING:
    from routemap.gazetteer import Gazetteer

__all__ = ["GazetteerGeocoder", "OfflineAdapter"]


class OfflineAdapter(BaseSyncAdapter):
    """A geopy adapter that refuses to make requests: routemap never goes online."""

    def get_json(self, url, *, timeout, headers):  # noqa: ANN001 - geopy's signature
        raise GeocoderServiceError(f"routemap's geocoder is offline; refused to fetch {url}")

    def get_text(self, url, *, timeout, headers):  # noqa: ANN001 - geopy's signature
        raise GeocoderServiceError(f"routemap's geocoder is offline; refused to fetch {url}")


class GazetteerGeocoder(Geocoder):
    """Geocode with a routemap gazetteer (the bundled one by default)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        super().__init__(adapter_factory=OfflineAdapter)
        if gazetteer is None:
            from routemap.gazetteer import load_gazetteer

            gazetteer = load_gazetteer()
        self.gazetteer = gazetteer

    def _location(self, place: Place) -> Location:
        country = self.gazetteer.country(place.country) if place.country else None
        address = place.name if country is None or country.id == place.id else f"{place.name}, {country.name}"
        return Location(address, Point(place.lat, place.lon), dataclasses.asdict(place))

    def _in_country(self, places: tuple[Place, ...], country_text: str) -> tuple[Place, ...]:
        """The places in the country a name, adjective or ISO code designates."""
        text = country_text.strip()
        countries = [p for p in self.gazetteer.find(text) if p.kind == "country"]
        countries += [c for c in (self.gazetteer.country(text), self.gazetteer.country_by_adjective(text)) if c]
        codes = {c.country for c in countries}
        return tuple(place for place in places if place.country in codes)

    def _matches(self, query: str) -> tuple[Place, ...]:
        query = query.strip()
        if query in self.gazetteer.places:
            return (self.gazetteer.places[query],)
        found = self.gazetteer.find(query)
        if not found and "," in query:
            name, _, country_text = query.partition(",")
            found = self._in_country(self.gazetteer.find(name), country_text)
        return tuple(sorted(found, key=lambda place: KIND_PREFERENCE.get(place.kind, 9)))

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: float | None = None, limit: int | None = None):
        """The place a name (or id) designates as a :class:`~geopy.location.Location`.

        ``exactly_one=False`` gives every match (settlements before stations before
        areas, then file order), at most ``limit``.  ``None`` when nothing matches.
        ``timeout`` is accepted for geopy compatibility and ignored.
        """
        places = self._matches(str(query))
        if not places:
            return None
        if exactly_one:
            return self._location(places[0])
        return [self._location(place) for place in places[: limit or None]]

    def reverse(
        self,
        query,  # noqa: ANN001 - a Point, "(lat, lon)" pair or "lat, lon" string, as in geopy
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
        max_km: float | None = None,
    ):
        """The place nearest a point (geodesic), or the places by distance when
        ``exactly_one=False``; only places within ``max_km`` when it is given."""
        point = query if isinstance(query, Point) else Point(query)
        here = (point.latitude, point.longitude)
        ranked = sorted(
            (geo.geodesic_km(here, place.latlon), index, place)
            for index, place in enumerate(self.gazetteer.places.values())
        )
        if max_km is not None:
            ranked = [item for item in ranked if item[0] <= max_km]
        if not ranked:
            return None
        if exactly_one:
            return self._location(ranked[0][2])
        return [self._location(place) for _, _, place in ranked[: limit or None]]
