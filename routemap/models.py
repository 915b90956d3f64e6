"""Plain, immutable values passed between the stages of the pipeline.

Coordinates are always ``(lat, lon)`` in degrees (WGS-84) inside routemap, as geopy and
folium take them; the GeoJSON writer swaps to ``(lon, lat)`` at the seam
(:func:`routemap.geo.lonlat`).  Distances are kilometres, durations hours and speeds
km/h unless a field's name says otherwise.

The stages and the values they pass::

    reading   path/text          -> Document (text, title, date)
    places    Document+Gazetteer -> Article (sentences, mentions)
    quantities Article           -> tuple[Quantity, ...]
    claims    Article+quantities -> tuple[Claim, ...], Itinerary
    checks    claims+Gazetteer   -> tuple[ClaimResult, ...]
    report    everything         -> Report -> JSON / table
    render    Report             -> folium.Map / GeoJSON
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from itertools import repeat
from typing import Literal

__all__ = [
    "MODES",
    "Mode",
    "QuantityKind",
    "Verdict",
    "LatLon",
    "Place",
    "Link",
    "Document",
    "Sentence",
    "Mention",
    "Article",
    "mentions_from_columns",
    "Quantity",
    "Claim",
    "Leg",
    "Itinerary",
    "Route",
    "Check",
    "ClaimResult",
    "Report",
]

LatLon = tuple[float, float]
"""A ``(lat, lon)`` pair in degrees."""

Mode = Literal["rail", "road", "air", "sea", "foot"]
"""How a leg is travelled.  Text words map onto these: train -> rail, car/drive -> road,
plane/flew -> air, ship/ferry/boat -> sea, walk -> foot.  Network links use rail, road, sea."""

MODES: tuple[str, ...] = ("rail", "road", "air", "sea", "foot")

QuantityKind = Literal["distance", "duration", "speed"]
Verdict = Literal["consistent", "inconsistent", "unverifiable"]


# --------------------------------------------------------------------------- gazetteer


@dataclass(frozen=True, slots=True)
class Place:
    """A place in the gazetteer (curated or world layer).

    ``kind`` is one of :data:`routemap.gazetteer.PLACE_KINDS`; ``country`` an ISO 3166-1
    alpha-2 code (``None`` for seas and other places in no country).  Countries also carry
    ``adjectives`` ("North Korean") and ``capital`` (a place id).  ``line`` is the line of
    the entry in its YAML file (for messages), ``origin`` the file or layer it came from.
    """

    id: str
    name: str
    kind: str
    country: str | None
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    capital: str | None = None
    geonames_id: int | None = None
    population: int | None = None
    source: str | None = None
    note: str | None = None
    origin: str | None = None
    line: int | None = None

    @property
    def latlon(self) -> LatLon:
        return (self.lat, self.lon)


@dataclass(frozen=True, slots=True)
class Link:
    """An edge of the route network between two places, in both directions.

    ``via`` are shape points ``(lat, lon)`` between the ends, in order from ``from_id``.
    ``km`` is a published length (with ``km_source``); when it is ``None`` the length is
    the geodesic sum over ends and shape points (see :attr:`routemap.network.link_km`).
    """

    from_id: str
    to_id: str
    mode: str
    km: float | None = None
    km_source: str | None = None
    via: tuple[LatLon, ...] = ()
    line_name: str | None = None
    origin: str | None = None
    line: int | None = None


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class Document:
    """An article as read from a file: clean text with metadata taken out of the body."""

    source: str
    text: str
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in the text.  ``text[start:end] == surface`` always holds."""

    start: int
    end: int
    surface: str
    place_id: str
    sentence: int
    confidence: float = 1.0
    alternatives: tuple[str, ...] = ()


_MENTION_FIELDS = ("start", "end", "surface", "place_id", "sentence", "confidence", "alternatives")


def mentions_from_columns(*columns) -> tuple[Mention, ...]:
    """Many :class:`Mention` objects from one sequence per field, in field order.

    Equal to ``tuple(map(Mention, *columns))`` but several times faster for the tens of
    thousands of mentions a long text has: the objects are made first and each field is then
    set over all of them (the frozen dataclass's ``__init__`` sets fields one call at a time).
    Falls back to the constructor if :class:`Mention` ever changes layout.
    """
    if getattr(Mention, "__slots__", None) != _MENTION_FIELDS or hasattr(Mention, "__post_init__"):
        return tuple(map(Mention, *columns))
    columns = [list(column) for column in columns]
    mentions = tuple(map(object.__new__, repeat(Mention, len(columns[0]) if columns else 0)))
    for name, column in zip(_MENTION_FIELDS, columns):
        deque(map(getattr(Mention, name).__set__, mentions, column), maxlen=0)
    return mentions


@dataclass(frozen=True, slots=True)
class Article:
    source: str
    text: str
    title: str | None
    date: str | None
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence holding character ``offset`` (the last one at the end)."""
        lo, hi = 0, len(self.sentences) - 1
        if hi < 0:
            return 0
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.sentences[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]


# --------------------------------------------------------------------------- figures and claims


@dataclass(frozen=True, slots=True)
class Quantity:
    """A distance, duration or speed stated in the text.

    ``value``/``unit`` are as written (``680``, ``"km"``; for a range the first number;
    for "thousands of" the magnitude, 1000).  ``low``/``high`` are the writer's stated
    interval normalised to km, h or km/h *before* any hedge tolerance (``680km`` gives
    680..680, "20 to 24 hours" 20..24, "thousands of kilometres" 1000..10000 exclusive of
    the upper bound); ``high`` is ``None`` when unbounded.  ``hedge`` is the normalised
    hedge word ("about", "at least", "more than", "thousands of", ...) or ``None``.
    ``paired_with`` is the index (in the article's quantity tuple) of the linked
    parenthetical conversion, e.g. ``170 km (105 miles)``.
    """

    kind: str
    start: int
    end: int
    text: str
    value: float
    unit: str
    low: float
    high: float | None
    hedge: str | None
    sentence: int
    paired_with: int | None = None

    @property
    def nominal(self) -> float:
        """The single normalised figure the writer states (midpoint of a closed range)."""
        if self.high is None or self.high == self.low:
            return self.low
        return (self.low + self.high) / 2


@dataclass(frozen=True, slots=True)
class Claim:
    """A figure tied to a leg of a journey.  Ends are place ids or ``None`` when open.

    ``within`` is an ISO country code for "through China"-style figures that measure the
    part of a route inside one country.  ``round_trip`` is ``"stated"`` when the text says
    so, ``"likely"`` when the figure is about twice the one-way distance (set by checks),
    else ``None``.  ``leg`` is the index of the itinerary leg it describes, if any.
    """

    quantity: Quantity
    from_id: str | None = None
    to_id: str | None = None
    via: tuple[str, ...] = ()
    mode: str | None = None
    within: str | None = None
    round_trip: str | None = None
    leg: int | None = None
    pair: Quantity | None = None


@dataclass(frozen=True, slots=True)
class Leg:
    """One leg of an article's itinerary, in travel order."""

    from_id: str
    to_id: str
    mode: str | None
    sentence: int | None = None


@dataclass(frozen=True, slots=True)
class Itinerary:
    legs: tuple[Leg, ...] = ()


# --------------------------------------------------------------------------- geography


@dataclass(frozen=True, slots=True)
class Route:
    """A measured way between two places.

    ``basis`` says what was measured: ``"rail route"``, ``"road route"``, ``"sea route"``
    (along the gazetteer's network), ``"great circle"`` (air), or ``"estimate"`` (off the
    network: ``km`` is the geodesic times the mode's typical detour factor and
    ``km_low``/``km_high`` the documented plausible range).  ``geometry`` is the polyline
    ``(lat, lon)`` to draw; ``km_by_country`` splits ``km`` at border crossings.
    """

    from_id: str
    to_id: str
    mode: str
    basis: str
    path: tuple[str, ...]
    km: float
    geodesic_km: float
    km_by_country: dict[str, float] = field(default_factory=dict)
    geometry: tuple[LatLon, ...] = ()
    km_low: float | None = None
    km_high: float | None = None


# --------------------------------------------------------------------------- checks and report


@dataclass(frozen=True, slots=True)
class Check:
    """One comparison of a claim with a reference.

    ``basis`` names the reference ("straight line", "rail route", "road route",
    "great circle", "length in CN", "implied speed", "stated speed", "conversion",
    "round trip (rail route)", "plausible speed for rail", ...).  ``expected`` is the
    reference figure in ``unit``; ``ratio`` is stated / expected.
    """

    basis: str
    expected: float | None
    unit: str
    ratio: float | None
    verdict: str
    note: str


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    checks: tuple[Check, ...]
    verdict: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Report:
    """Everything routemap knows about one article: the input of the JSON and the map."""

    article: Article
    places: tuple[Place, ...]
    legs: tuple[tuple[Leg, Route | None], ...]
    results: tuple[ClaimResult, ...]
