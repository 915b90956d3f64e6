"""Check the figures an article states against geography.

Every :class:`~routemap.models.Claim` is compared with one or more references — the
straight line (geodesic), the route for the claim's mode along the gazetteer's network
(:func:`routemap.network.reference_route`), the length of that route inside one country,
twice the route (a round trip), the implied speed of a leg, the plausible speeds of the
mode, and the conversion written next to the figure — and each comparison is a
:class:`~routemap.models.Check`.  Whether a reference *supports* a figure is decided by
the tolerance model below, driven by the figure's hedge ("about", "more than",
"thousands of", ...) and by the precision it is written with; the table is documented in
``docs/tolerance.md``.

The claim's verdict is the verdict of the check on the basis the text implies (the rail
route for a train journey, the road route for a car, the great circle for a flight, the
length inside a country for "through China"); the other checks explain it.  A figure that
is about twice the one-way route is read as a round trip (``round_trip="likely"``).
Speeds and durations are compared only within one leg (``Claim.leg``): a speed must agree
with every duration of its leg, and two durations of one leg that cannot both be right are
each reported against the other ("other figure in the article").  Upper-bound speeds
("top speed", "no faster than") follow the *less than* rule.

Everything here is a pure function over the data classes; the only outside calls are to
:mod:`routemap.geo` and :mod:`routemap.network` (or the ``route_for`` function a caller
passes in, which tests use to supply hand-made routes).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from routemap.errors import RoutemapError
from routemap.geo import PLAUSIBLE_SPEEDS_KMH, geodesic_km
from routemap.models import Check, Claim, ClaimResult, Itinerary, Quantity, Route
from routemap.quantities import UNIT_KINDS
from routemap.quantities import unit_factor

__all__ = [
    "CONSISTENT",
    "INCONSISTENT",
    "UNVERIFIABLE",
    "HEDGE_FAMILIES",
    "TOLERANCE_RULES",
    "Tolerance",
    "hedge_family",
    "written_step",
    "factor_to_base",
    "tolerance",
    "supports",
    "check_claims",
    "check_claim",
]

CONSISTENT, INCONSISTENT, UNVERIFIABLE = "consistent", "inconsistent", "unverifiable"

RouteFinder = Callable[[object, str, str, str], Route]

# --------------------------------------------------------------------------- tolerance model

EXACT_RELATIVE = 0.05
"""An unhedged figure may differ from the reference by 5% plus half a unit of its last
significant digit (its rounding)."""

ABOUT_RELATIVE = 0.15
NEARLY_INTERVAL = (0.85, 1.02)
MORE_THAN_FLOOR = 0.98
A_LITTLE_OVER_CEILING = 1.25
LESS_THAN_CEILING = 1.02
RANGE_WIDENING = 0.05
ROUND_TRIP_FACTOR = 2.0

HEDGE_FAMILIES: dict[str, str] = {
    # about: reference within ±15%
    "about": "about", "around": "about", "roughly": "about", "approximately": "about",
    "approx": "about", "approx.": "about", "some": "about", "circa": "about", "c.": "about",
    "an estimated": "about", "estimated": "about", "almost exactly": "about", "or so": "about",
    "nearly exactly": "about", "more or less": "about", "in the region of": "about",
    # nearly: reference a little above the figure at most, up to 15% below
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "just under": "nearly",
    "just short of": "nearly", "a little under": "nearly", "a little less than": "nearly",
    "slightly less than": "nearly", "slightly under": "nearly", "not quite": "nearly",
    "just below": "nearly", "a little below": "nearly",
    # more than: reference at least the figure
    "more than": "more than", "over": "more than", "at least": "more than",
    "upwards of": "more than", "in excess of": "more than", "no less than": "more than",
    "not less than": "more than", "above": "more than", "longer than": "more than",
    "as much as": "more than", "as many as": "more than",
    # a little over: at least the figure, at most a quarter more
    "a little over": "a little over", "just over": "a little over",
    "a little more than": "a little over", "slightly more than": "a little over",
    "slightly over": "a little over", "just more than": "a little over",
    # less than: reference at most the figure
    "less than": "less than", "under": "less than", "up to": "less than",
    "no more than": "less than", "not more than": "less than", "at most": "less than",
    "fewer than": "less than", "below": "less than",
    "shorter than": "less than", "within": "less than", "no longer than": "less than",
    "top speed": "less than", "maximum speed": "less than", "max speed": "less than",
    "no faster than": "less than", "slower than": "less than",
    # only: an exact figure the writer stresses is small
    "only": "only", "just": "only", "a mere": "only", "merely": "only", "barely": "only",
    # orders of magnitude
    "tens of": "tens of", "dozens of": "tens of",
    "hundreds of": "hundreds of", "several hundred": "hundreds of", "a few hundred": "hundreds of",
    "thousands of": "thousands of", "several thousand": "thousands of",
    "a few thousand": "thousands of", "many thousands of": "thousands of",
    "tens of thousands of": "tens of thousands of",
    "hundreds of thousands of": "hundreds of thousands of",
}
"""Normalised hedge words -> the tolerance rule (family) they follow."""

MAGNITUDES: dict[str, tuple[float, float]] = {
    "tens of": (10.0, 100.0),
    "hundreds of": (100.0, 1_000.0),
    "thousands of": (1_000.0, 10_000.0),
    "tens of thousands of": (10_000.0, 100_000.0),
    "hundreds of thousands of": (100_000.0, 1_000_000.0),
}
"""Order-of-magnitude hedges: the interval in the *stated* unit, upper bound exclusive."""

TOLERANCE_RULES: dict[str, str] = {
    "exact": "x ± (5%·x + ½ unit of the last significant digit, at least 2 digits)",
    "about": "x ± 15%·x",
    "nearly": "[0.85·x, 1.02·x]",
    "more than": "≥ 0.98·x",
    "a little over": "[0.98·x, 1.25·x]",
    "less than": "≤ 1.02·x",
    "only": "as exact (flags that the writer stresses smallness)",
    "range": "[0.95·low, 1.05·high]; with about, [0.85·low, 1.15·high]",
    "tens of": "10 ≤ reference < 100 in the stated unit",
    "hundreds of": "100 ≤ reference < 1,000 in the stated unit",
    "thousands of": "1,000 ≤ reference < 10,000 in the stated unit",
    "tens of thousands of": "10,000 ≤ reference < 100,000 in the stated unit",
    "hundreds of thousands of": "100,000 ≤ reference < 1,000,000 in the stated unit",
}
"""One line per rule: the interval of reference values that supports a figure x."""

_NUMBER = re.compile(
    r"""
    (?P<number>
        \d{1,3}(?:[,\ \u00a0\u202f]\d{3})+(?!\d)(?:\.\d+)?    # 20,000 or 1,180.5 or 2 300
      | \d+(?:\.\d+)?                   # 680 or 2.5
    )
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Tolerance:
    """The interval of reference values (normalised units) that supports a figure."""

    rule: str
    low: float
    high: float
    stresses_small: bool = False
    high_open: bool = False  # "thousands of": the upper bound itself is excluded

    def contains(self, value: float) -> bool:
        return self.low <= value and (value < self.high if self.high_open else value <= self.high)

    def overlaps(self, low: float, high: float) -> bool:
        """Whether some reference value in ``[low, high]`` is accepted."""
        return low <= self.high and self.low <= high and not (self.high_open and low >= self.high)


@functools.lru_cache(maxsize=256)
def hedge_family(hedge: str | None) -> str:
    """The tolerance rule a hedge follows ("exact" when there is none; unknown -> "about")."""
    if not hedge:
        return "exact"
    key = " ".join(hedge.casefold().replace("-", " ").split())
    if key in HEDGE_FAMILIES:
        return HEDGE_FAMILIES[key]
    for word, family in sorted(HEDGE_FAMILIES.items(), key=lambda item: -len(item[0])):
        if key.startswith(word + " ") or key.endswith(" " + word):
            return family
    return "about"


def factor_to_base(quantity: Quantity) -> float:
    """Factor from a figure's written unit to km / h / km/h (pint's, via
    :func:`routemap.quantities.unit_factor`)."""
    if quantity.unit in UNIT_KINDS:
        return unit_factor(quantity.unit)
    if quantity.value and quantity.high == quantity.low and quantity.low:
        return quantity.low / quantity.value
    return 1.0


# Quantities are frozen and hashable, so the public functions remember their answers for
# callers that ask about the same figure again.  The checks themselves work out each figure
# once per article (see ``_Figure``) with the uncached cores, which spares hashing a figure
# that, having its own offsets, is new in every article.
@functools.lru_cache(maxsize=4096)
def written_step(quantity: Quantity) -> float:
    """The place value of the last significant digit of the figure as written (its unit).

    ``680`` -> 10, ``20,000`` -> 1000, ``105`` -> 1, ``2.5`` -> 0.1, ``60`` -> 1 (a figure
    keeps at least two significant digits).  Read from the figure's text when it carries
    digits, else from ``value``.
    """
    return _written_step(quantity)


_SEPARATORS = re.compile(r"[,\s]")
"""Thousands separators inside a written number ("20,000", "2 300")."""


def _written_step(quantity: Quantity) -> float:
    value = quantity.value
    digits = None
    # the first number in the text that is the figure's value; else the value itself
    for number in _NUMBER.findall(quantity.text):
        if not number.isdigit():
            number = _SEPARATORS.sub("", number)
        written = float(number)
        if written == value or math.isclose(written, value, rel_tol=1e-9):
            digits = number
            break
    if digits is None:
        digits = repr(float(value))
        digits = digits[:-2] if digits.endswith(".0") else digits
    if "." in digits:
        return 10.0 ** -len(digits.split(".", 1)[1])
    stripped = digits.lstrip("0") or "0"
    trailing = len(stripped) - len(stripped.rstrip("0")) if stripped != "0" else 0
    # Trailing zeros are not significant, but every figure keeps two significant digits:
    # "40kph" is read as 40 ± 0.5, "20,000km" as 20,000 ± 500 — never coarser.
    return 10.0 ** max(0, min(trailing, len(stripped) - 2))


@functools.lru_cache(maxsize=4096)
def tolerance(quantity: Quantity) -> Tolerance:
    """The interval of reference values that supports ``quantity`` (normalised units)."""
    return _tolerance(quantity)


def _tolerance(quantity: Quantity) -> Tolerance:
    family = hedge_family(quantity.hedge)
    factor = factor_to_base(quantity)
    if family in MAGNITUDES:
        low, high = MAGNITUDES[family]
        return Tolerance(family, low * factor, high * factor, high_open=True)
    if quantity.high is not None and quantity.high > quantity.low and family in ("exact", "about", "only"):
        widen = ABOUT_RELATIVE if family == "about" else RANGE_WIDENING
        return Tolerance("range", quantity.low * (1 - widen), quantity.high * (1 + widen))
    x = quantity.nominal
    if family == "about":
        # Two significant digits round by at most 5%, so 15% always covers the rounding.
        return Tolerance(family, (1 - ABOUT_RELATIVE) * x, (1 + ABOUT_RELATIVE) * x)
    if family == "nearly":
        return Tolerance(family, NEARLY_INTERVAL[0] * x, NEARLY_INTERVAL[1] * x)
    if family == "more than":
        return Tolerance(family, MORE_THAN_FLOOR * x, math.inf)
    if family == "a little over":
        return Tolerance(family, MORE_THAN_FLOOR * x, A_LITTLE_OVER_CEILING * x)
    if family == "less than":
        return Tolerance(family, 0.0, LESS_THAN_CEILING * x)
    exact_allowance = EXACT_RELATIVE * x + _written_step(quantity) * factor / 2
    return Tolerance(family, max(0.0, x - exact_allowance), x + exact_allowance, stresses_small=family == "only")


def supports(accepted: tuple[float, float], reference: tuple[float, float]) -> bool:
    """Whether an accepted interval overlaps a reference interval (both closed)."""
    return accepted[0] <= reference[1] and reference[0] <= accepted[1]


def _verdict(ok: bool) -> str:
    return CONSISTENT if ok else INCONSISTENT


# --------------------------------------------------------------------------- references


@dataclass(slots=True)
class _Reference:
    """A measured way: one route, or several legs joined into a journey.

    Not frozen (a frozen class is slower to build and several are built per article);
    nothing changes one once it is made.
    """

    basis: str  # "rail route", "road route", "great circle", "estimate", ...
    mode: str
    label: str  # "Pyongyang–Vladivostok"
    km: float
    km_low: float
    km_high: float
    geodesic_km: float | None
    km_by_country: dict[str, float]
    check_basis: str = field(init=False)  # the basis as checks name it ("estimated rail route")

    def __post_init__(self) -> None:
        self.check_basis = f"estimated {self.mode} route" if self.basis == "estimate" else self.basis

    def relabelled(self, label: str) -> _Reference:
        return _Reference(self.basis, self.mode, label, self.km, self.km_low, self.km_high, self.geodesic_km, self.km_by_country)


def _route_reference(route: Route, label: str) -> _Reference:
    low = route.km_low if route.km_low is not None else route.km
    high = route.km_high if route.km_high is not None else route.km
    return _Reference(route.basis, route.mode, label, route.km, low, high, route.geodesic_km, dict(route.km_by_country))


def _journey_reference(parts: Sequence[_Reference], label: str) -> _Reference:
    if len(parts) == 1:
        return parts[0] if parts[0].label == label else parts[0].relabelled(label)
    by_country: dict[str, float] = {}
    for part in parts:
        for country, km in part.km_by_country.items():
            by_country[country] = by_country.get(country, 0.0) + km
    bases = {part.basis for part in parts}
    modes = {part.mode for part in parts}
    return _Reference(
        bases.pop() if len(bases) == 1 else "route",
        modes.pop() if len(modes) == 1 else "mixed",
        label,
        sum(p.km for p in parts),
        sum(p.km_low for p in parts),
        sum(p.km_high for p in parts),
        None,
        by_country,
    )


class _Figure:
    """A stated figure with what the checks read from it, worked out once per article
    however many checks compare it (straight line, route, round trip, speeds ...): its
    accepted interval (:func:`tolerance`), its text as written, the lead that opens its
    explanation and the end of its distance checks' notes."""

    __slots__ = ("quantity", "nominal", "accepted", "stated", "_lead", "_distance_tail")

    def __init__(self, quantity: Quantity):
        self.quantity = quantity
        self.nominal = quantity.nominal
        self.accepted = _tolerance(quantity)
        self.stated = _stated(quantity)
        self._lead: str | None = None
        self._distance_tail: str | None = None

    @property
    def lead(self) -> str:
        """The figure as read at the start of an explanation (:func:`_stated_lead`)."""
        if self._lead is None:
            self._lead = _stated_lead(self.quantity)
        return self._lead

    @property
    def distance_tail(self) -> str:
        """ " vs stated 680km (exact: 636–724 km)": how every distance check's note ends."""
        if self._distance_tail is None:
            accepted = self.accepted
            self._distance_tail = f" vs stated {self.stated} ({accepted.rule}: {_fmt_range(accepted.low, accepted.high, 'km')})"
        return self._distance_tail


REFERENCE_MEMO_SIZE = 4096
"""How many measured legs (place pair and mode) the checks remember per gazetteer, across
articles (articles about the same journeys measure the same legs); the memo is emptied when
it is full."""


def _reference_memo(gazetteer) -> dict[tuple[str, str, str], _Reference | None]:
    """The references remembered with ``gazetteer`` (see :meth:`Gazetteer.cached`), kept apart
    with and without a world layer (a leg's label names its places, and "gn:" places are named
    only with one); a fresh dict for a stand-in without a cache."""
    cached = getattr(gazetteer, "cached", None)
    if cached is None:
        return {}
    return cached(("checks references", getattr(gazetteer, "world", None) is not None), dict)


class _Context:
    """What checks need besides the claim: names, references (remembered with the gazetteer
    unless a ``route_for`` is given), the itinerary, all claims (grouped by kind once, for the
    checks that look for a leg's other figures) and the figures' tolerances and texts
    (:class:`_Figure`, once per figure)."""

    def __init__(self, claims: Sequence[Claim], gazetteer, itinerary: Itinerary | None, route_for: RouteFinder | None):
        self.claims = tuple(claims)
        self.gazetteer = gazetteer
        self.itinerary = itinerary or Itinerary()
        self._route_for = route_for
        self._references = _reference_memo(gazetteer) if route_for is None else {}
        self._names: dict[str, str] = {}
        self._figures: dict[int, _Figure] = {}
        self._by_kind: dict[str, list[Claim]] = {}
        for claim in self.claims:
            self._by_kind.setdefault(claim.quantity.kind, []).append(claim)

    def figure(self, quantity: Quantity) -> _Figure:
        """The :class:`_Figure` of a quantity of this article (remembered by identity: the
        context holds the claims, so their quantities outlive it)."""
        figure = self._figures.get(id(quantity))
        if figure is None or figure.quantity is not quantity:
            figure = self._figures[id(quantity)] = _Figure(quantity)
        return figure

    def of_kind(self, kind: str) -> list[Claim]:
        """The article's claims of one kind, in order."""
        return self._by_kind.get(kind, [])

    # names and geometry
    def name(self, place_id: str | None) -> str:
        if place_id is None:
            return "?"
        name = self._names.get(place_id)
        if name is None:
            try:
                name = self.gazetteer.get(place_id).name
            except (RoutemapError, LookupError, AttributeError):
                name = place_id
            self._names[place_id] = name
        return name

    def label(self, ids: Sequence[str]) -> str:
        return "–".join([self.name(i) for i in ids])

    def geodesic(self, from_id: str, to_id: str) -> float | None:
        try:
            return geodesic_km(self.gazetteer.get(from_id).latlon, self.gazetteer.get(to_id).latlon)
        except (RoutemapError, LookupError):
            return None

    def reference(self, from_id: str, to_id: str, mode: str) -> _Reference | None:
        """The measured leg (:func:`routemap.network.reference_route`, or ``route_for``);
        ``None`` when it cannot be measured."""
        key = (from_id, to_id, mode)
        references = self._references
        if key in references:
            return references[key]
        finder = self._route_for
        if finder is None:
            # imported on first use: routemap.network loads networkx
            from routemap.network import reference_route as finder
        try:
            route = finder(self.gazetteer, from_id, to_id, mode)
        except (RoutemapError, LookupError, ValueError):
            route = None
        if len(references) >= REFERENCE_MEMO_SIZE:
            references.clear()  # bounded; starting afresh is cheap and safe under threads
        reference = references[key] = None if route is None else _route_reference(route, f"{self.name(from_id)}–{self.name(to_id)}")
        return reference

    # the journey a claim is about
    def leg_references(self, claim: Claim) -> list[_Reference] | None:
        """References for the itinerary legs a claim without both ends describes."""
        legs = self.itinerary.legs
        if not legs:
            return None
        if claim.leg is not None and 0 <= claim.leg < len(legs):
            chosen = [legs[claim.leg]]
        elif claim.to_id is not None:
            ends = [i for i, leg in enumerate(legs) if leg.to_id == claim.to_id]
            if not ends:
                return None
            starts = [i for i, leg in enumerate(legs) if claim.from_id and leg.from_id == claim.from_id]
            first = starts[0] if starts and starts[0] <= ends[-1] else 0
            chosen = list(legs[first : ends[-1] + 1])
        elif claim.from_id is not None:
            starts = [i for i, leg in enumerate(legs) if leg.from_id == claim.from_id]
            if not starts:
                return None
            chosen = list(legs[starts[0] :])
        elif claim.within is not None:
            chosen = _legs_of_mode(legs, claim.mode)
        else:
            return None
        refs = []
        for leg in chosen:
            ref = self.reference(leg.from_id, leg.to_id, claim.mode or leg.mode or "road")
            if ref is None:
                return None
            refs.append(ref)
        return refs

    def journey(self, claim: Claim) -> tuple[_Reference | None, tuple[str, ...]]:
        """The reference for a claim's leg and the place ids it runs through."""
        mode = claim.mode or "road"
        if claim.from_id and claim.to_id and claim.from_id != claim.to_id:
            if claim.via:
                ids = (claim.from_id, *claim.via, claim.to_id)
                parts = [self.reference(a, b, mode) for a, b in zip(ids, ids[1:])]
                if any(p is None for p in parts):
                    return None, ids
                return _journey_reference(parts, self.label(ids)), ids
            return self.reference(claim.from_id, claim.to_id, mode), (claim.from_id, claim.to_id)
        parts = self.leg_references(claim)
        if not parts:
            return None, ()
        legs = self._legs_for(claim)
        ids = tuple([legs[0].from_id] + [leg.to_id for leg in legs])
        return _journey_reference(parts, self.label(ids)), ids

    def _legs_for(self, claim: Claim):
        legs = self.itinerary.legs
        if claim.leg is not None and 0 <= claim.leg < len(legs):
            return [legs[claim.leg]]
        if claim.to_id is not None:
            ends = [i for i, leg in enumerate(legs) if leg.to_id == claim.to_id]
            starts = [i for i, leg in enumerate(legs) if claim.from_id and leg.from_id == claim.from_id]
            first = starts[0] if starts and starts[0] <= ends[-1] else 0
            return list(legs[first : ends[-1] + 1])
        if claim.from_id is not None:
            starts = [i for i, leg in enumerate(legs) if leg.from_id == claim.from_id]
            return list(legs[starts[0] :])
        return _legs_of_mode(legs, claim.mode)

    # other claims about the same leg
    def related(self, claim: Claim, kind: str) -> list[Claim]:
        """Claims of ``kind`` about the same leg as ``claim`` (same leg, same ends or sentence)."""
        of_kind = self._by_kind.get(kind)
        if not of_kind:
            return []
        within = claim.within
        return [other for other in of_kind if other is not claim and other.within == within and _same_leg(claim, other)]

    def conflicting_durations(self, claim: Claim) -> list[Claim]:
        """Other durations the article states for the same leg, in the same mode, in another
        sentence, that cannot both be right: their accepted intervals do not overlap ("about
        six hours" and "a little under 24 hours" for Pyongyang–Beijing).  Round trips and
        figures about part of a country are left out."""
        if claim.leg is None or claim.round_trip or claim.within:
            return []
        mine = self.figure(claim.quantity).accepted
        found = []
        for other in self.related(claim, "duration"):
            if (other.leg != claim.leg or other.round_trip or other.quantity.sentence == claim.quantity.sentence
                    or None not in (other.mode, claim.mode) and other.mode != claim.mode):
                continue
            theirs = self.figure(other.quantity).accepted
            if not mine.overlaps(theirs.low, theirs.high):
                found.append(other)
        return found

    def general_speeds(self, claim: Claim) -> list[Claim]:
        """Stated speeds of the claim's mode that name no leg ("the train travels at 40kph"),
        for a claim on no leg either: a speed is never compared with another leg's figures
        (claims ties a speed that names no leg to the leg it is about when the article has one)."""
        if claim.leg is not None:
            return []
        return [
            other
            for other in self.of_kind("speed")
            if other is not claim
            and other.from_id is None
            and other.to_id is None
            and other.leg is None
            and other.within is None
            and (other.mode is None or claim.mode is None or other.mode == claim.mode)
        ]


def _legs_of_mode(legs, mode: str | None) -> list:
    """The legs travelled in ``mode`` (all legs when none is, or no mode is given)."""
    same = [leg for leg in legs if mode is not None and leg.mode == mode]
    return same or list(legs)


def _same_leg(a: Claim, b: Claim) -> bool:
    if a.leg is not None and b.leg is not None:
        return a.leg == b.leg
    if a.from_id and a.to_id and b.from_id and b.to_id:
        return (a.from_id, a.to_id, a.mode) == (b.from_id, b.to_id, b.mode) or (
            {a.from_id, a.to_id} == {b.from_id, b.to_id} and (a.mode == b.mode or None in (a.mode, b.mode))
        )
    return a.quantity.sentence == b.quantity.sentence


# --------------------------------------------------------------------------- formatting


def _round(x: float) -> float:
    return round(x, 1)


@functools.lru_cache(maxsize=4096)
def _fmt(x: float, unit: str = "") -> str:
    """A figure for reading: three significant digits, thousands separated."""
    if x is None or math.isinf(x):
        return "∞"
    if x == 0:
        text = "0"
    elif abs(x) >= 100:
        digits = int(math.floor(math.log10(abs(x)))) - 2
        text = f"{round(x, -digits):,.0f}"
    elif abs(x) >= 10:
        text = f"{x:.0f}"
    else:
        text = f"{x:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


@functools.lru_cache(maxsize=4096)
def _fmt_range(low: float, high: float, unit: str) -> str:
    """An interval for reading ("636–724 km", "at least 40 km/h"); remembered, as the same
    few intervals (a mode's plausible speeds, a route's range) recur in many notes."""
    if math.isclose(low, high, rel_tol=1e-6):
        return _fmt(low, unit)
    if math.isinf(high):
        return f"at least {_fmt(low, unit)}"
    return f"{_fmt(low)}–{_fmt(high, unit)}"


def _stated(q: Quantity) -> str:
    """The figure as written, its whitespace collapsed ("680km", "about 20 hours")."""
    return _collapsed(q.text)


@functools.lru_cache(maxsize=4096)
def _collapsed(text: str) -> str:
    return " ".join(text.split())


_BASE_UNITS: dict[str, str] = {"distance": "km", "duration": "h", "speed": "km/h"}
"""The normalised unit of each kind of figure."""


def _figure(q: Quantity) -> str:
    """A stated figure in normalised units, for mid-sentence references ("the stated 40 km/h")."""
    return _fmt(q.nominal, _BASE_UNITS.get(q.kind, ""))


def _and(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _speed_words(interval: tuple[float, float], speed: float) -> str:
    """"59 km/h", or "at most 84 km/h" when the duration is only bounded below."""
    if interval[0] <= 0 and not math.isinf(interval[1]):
        return f"at most {_fmt(interval[1], 'km/h')}"
    if math.isinf(interval[1]) and interval[0] > 0:
        return f"at least {_fmt(interval[0], 'km/h')}"
    return _fmt(speed, "km/h")


def _difference(stated: float, expected: float) -> str:
    if not expected:
        return ""
    ratio = stated / expected
    if 0.995 <= ratio <= 1.005:
        return "the same"
    if ratio < 1:
        return f"{(1 - ratio) * 100:.0f}% shorter" if ratio > 0 else "much shorter"
    return f"{(ratio - 1) * 100:.0f}% longer"


def _ratio(stated: float, expected: float | None) -> float | None:
    if not expected:
        return None
    return round(stated / expected, 3)


# --------------------------------------------------------------------------- distance checks


def _distance_check(figure: _Figure, basis: str, expected: float, low: float, high: float, note_prefix: str = "", multiplier: float = 1.0) -> Check:
    low, high, expected = low * multiplier, high * multiplier, expected * multiplier
    ok = figure.accepted.overlaps(low, high)
    note = f"{note_prefix}{_fmt_range(low, high, 'km')}{figure.distance_tail}"
    return Check(basis, _round(expected), "km", _ratio(figure.nominal, expected), _verdict(ok), note)


def _conversion_check(q: Quantity, pair: Quantity) -> Check:
    """Both written figures, each ± half a unit of its last digit, must overlap (plus 1%)."""
    a_step = _written_step(q) * factor_to_base(q) / 2
    b_step = _written_step(pair) * factor_to_base(pair) / 2
    a = (q.nominal - a_step, q.nominal + a_step)
    b = (pair.nominal * 0.99 - b_step, pair.nominal * 1.01 + b_step)
    ok = supports(a, b)
    unit = _BASE_UNITS.get(q.kind, "km")
    converted = _stated(pair) if math.isclose(factor_to_base(pair), 1.0) else f"{_stated(pair)} = {pair.nominal:,.1f} {unit}"
    note = f"{converted}; stated {_stated(q)} = {q.nominal:,.1f} {unit}"
    return Check("conversion", _round(pair.nominal), unit, _ratio(q.nominal, pair.nominal), _verdict(ok), note)


def _check_distance(claim: Claim, ctx: _Context) -> ClaimResult:
    q = claim.quantity
    figure = ctx.figure(q)
    checks: list[Check] = []
    conversion = _conversion_check(q, claim.pair) if claim.pair is not None else None
    reference, ids = ctx.journey(claim)
    mode = claim.mode

    if claim.within:
        return _check_within(claim, ctx, figure, reference, conversion, ids)
    label = reference.label if reference is not None else ctx.label(ids)

    if reference is None and not (claim.from_id and claim.to_id):
        reason = "it names no start and end to measure between" if not (claim.from_id or claim.to_id) else "only one end of the leg is known"
        return _unverifiable(claim, checks + ([conversion] if conversion else []), f"Stated {figure.lead}; {reason}" + (_conversion_clause(conversion) if conversion else "") + ".")

    geodesic = None
    if claim.from_id and claim.to_id:
        leg = ctx.reference(claim.from_id, claim.to_id, mode) if mode and not claim.via else None
        geodesic = leg.geodesic_km if leg is not None else ctx.geodesic(claim.from_id, claim.to_id)
    elif reference is not None and len(ids) >= 2:
        geodesic = ctx.geodesic(ids[0], ids[-1])

    straight = _distance_check(figure, "straight line", geodesic, geodesic, geodesic) if geodesic else None
    implied = None  # the check on the basis the text implies
    round_trip_check = None
    if reference is not None and mode is not None:
        if claim.round_trip == "stated":
            implied = _distance_check(figure, f"round trip ({reference.check_basis})", reference.km, reference.km_low, reference.km_high, multiplier=ROUND_TRIP_FACTOR)
        else:
            implied = _distance_check(figure, reference.check_basis, reference.km, reference.km_low, reference.km_high)
            round_trip_check = _distance_check(figure, f"round trip ({reference.check_basis})", reference.km, reference.km_low, reference.km_high, multiplier=ROUND_TRIP_FACTOR)
    elif straight is not None and mode is None:
        implied = straight
        straight = None

    for check in (implied, straight, round_trip_check, conversion):
        if check is not None:
            checks.append(check)
    if implied is None:
        return _unverifiable(claim, checks, f"Stated {figure.lead}; no reference could be measured for {label}.")

    result_claim = claim
    verdict = implied.verdict
    straight_matches = straight is not None and straight.verdict == CONSISTENT
    parts = [f"Stated {figure.lead}"]
    basis_text = "the straight line" if implied.basis == "straight line" else f"the {implied.basis}"
    if claim.round_trip == "stated":
        parts.append(f"there and back along the {reference.check_basis} {label} is about {_fmt(implied.expected, 'km')}" + _matches_or_differs(figure, implied))
    elif implied.basis == "straight line":
        parts.append(f"no mode is stated; the straight line {label} is {_fmt(implied.expected, 'km')}" + _matches_or_differs(figure, implied))
    else:
        if implied.verdict == INCONSISTENT and round_trip_check is not None and round_trip_check.verdict == CONSISTENT:
            # not an error: the figure is there and back
            verdict = CONSISTENT
            result_claim = dataclasses.replace(claim, round_trip="likely")
            checks = list(_deciding_first(checks, round_trip_check))
            parts.append(f"the one-way {implied.basis} {label} is about {_fmt(implied.expected, 'km')}; "
                         f"as a round trip ({_fmt(round_trip_check.expected, 'km')}) the figure fits, so it is likely there and back")
            straight = None
        else:
            parts.append(f"{basis_text} {label} is about {_fmt(implied.expected, 'km')}" + _matches_or_differs(figure, implied))
        if straight is not None and implied.basis != "great circle":
            if implied.verdict == INCONSISTENT and straight_matches:
                parts.append(f"the straight line is {_fmt(straight.expected, 'km')}, which the figure matches")
            elif implied.verdict == CONSISTENT and not straight_matches:
                pass
            else:
                parts.append(f"the straight line is {_fmt(straight.expected, 'km')}")
    if conversion is not None:
        parts.append(_conversion_clause(conversion).lstrip("; "))
    if reference is not None and reference.basis == "estimate":
        if mode:
            parts.append(f"the {mode} route is off the gazetteer's network, so it is estimated as {_fmt_range(reference.km_low, reference.km_high, 'km')}")
        else:
            parts.append(f"a {reference.mode} route, off the gazetteer's network, would be about {_fmt_range(reference.km_low, reference.km_high, 'km')} (straight line times the typical detour)")
    return ClaimResult(result_claim, tuple(checks), verdict, _sentence(parts))


_FITS_RULES = frozenset({*MAGNITUDES, "more than", "less than"})
"""Rules under which a consistent figure "fits" its reference rather than "matches" it."""


def _matches_or_differs(figure: _Figure, check: Check) -> str:
    if check.verdict == CONSISTENT:
        return ", which fits" if figure.accepted.rule in _FITS_RULES else ", which the figure matches"
    return f" ({_difference(figure.nominal, check.expected)})" if check.ratio else ""


def _conversion_clause(conversion: Check) -> str:
    written = conversion.note.split(";")[0]  # "105 miles = 169.0 km"
    if conversion.verdict == CONSISTENT:
        return f"; the conversion beside it ({written}) agrees"
    return f"; the conversion beside it does not agree ({conversion.note})"


# "60-hour", "two-day", "680-km": a figure written as an adjective
_ADJECTIVAL_RE = re.compile(r"[\w.,]-(?P<unit>[a-z]+)\Z", re.IGNORECASE)
_UNIT_READINGS: dict[str, tuple[str, str]] = {
    "h": ("hour", "hours"), "min": ("minute", "minutes"), "day": ("day", "days"), "night": ("night", "nights"),
    "week": ("week", "weeks"), "km": ("km", "km"), "mi": ("mile", "miles"), "m": ("metre", "metres"),
    "nmi": ("nautical mile", "nautical miles"),
}
_HEDGE_READINGS: dict[str, str] = {"top speed": "a top speed"}
_BOUND_READINGS: dict[str, str] = {"less than": "an upper bound", "more than": "a lower bound"}


def _stated_lead(q: Quantity) -> str:
    """The figure as written, read as a figure: "60 hours (60-hour)" for an adjective,
    "50 km/h (an upper bound)" when the hedge comes from words outside the figure, and
    its value in km / h / km/h when written in another unit ("105 miles (169 km)")."""
    text = _stated(q)
    notes: list[str] = []
    adjectival = _ADJECTIVAL_RE.search(text) if "-" in text else None
    if adjectival is not None and q.unit in _UNIT_READINGS:
        one, many = _UNIT_READINGS[q.unit]
        notes.append(text)
        text = f"{q.value:g} {one if q.value == 1 else many}"
        if q.hedge and q.hedge in _stated(q).lower():
            text = f"{q.hedge} {text}"
    family = hedge_family(q.hedge)
    if q.hedge and q.hedge not in text.lower() and family != "exact":
        notes.append(_HEDGE_READINGS.get(q.hedge) or _BOUND_READINGS.get(family, q.hedge))
    if not (family in MAGNITUDES or math.isclose(factor_to_base(q), 1.0)):
        notes.append(_figure(q))
    return f"{text} ({'; '.join(notes)})" if notes else text


def _check_within(claim: Claim, ctx: _Context, figure: _Figure, reference: _Reference | None, conversion: Check | None, ends: Sequence[str] = ()) -> ClaimResult:
    country = claim.within
    country_name = _country_name(ctx, country)
    checks: list[Check] = []
    if reference is None:
        checks += [conversion] if conversion else []
        return _unverifiable(claim, checks, f"Stated {figure.lead} through {country_name}; no journey with known ends to measure inside {country_name}.")
    if not reference.km_by_country.get(country):
        reference = _journey_through(ctx, claim, country, ends) or reference
    if not reference.km_by_country:
        checks.append(_distance_check(figure, reference.check_basis, reference.km, reference.km_low, reference.km_high, note_prefix="whole route: "))
        checks += [conversion] if conversion else []
        return _unverifiable(claim, checks, f"Stated {figure.lead} through {country_name}; the {reference.check_basis} {reference.label} is off the gazetteer's network, so its length inside {country_name} is unknown.")
    inside = reference.km_by_country.get(country, 0.0)
    share = inside / reference.km if reference.km else 0.0
    low, high = reference.km_low * share, reference.km_high * share
    check = _distance_check(figure, f"length in {country}", inside, low, high)
    checks.append(check)
    checks.append(_distance_check(figure, reference.check_basis, reference.km, reference.km_low, reference.km_high, note_prefix="whole route: "))
    if conversion:
        checks.append(conversion)
    if inside <= 0:
        return ClaimResult(claim, tuple(checks), INCONSISTENT, _sentence([f"Stated {figure.lead} through {country_name}", f"the {reference.check_basis} {reference.label} does not pass through {country_name}"]))
    parts = [
        f"Stated {figure.lead} through {country_name}",
        f"the {reference.check_basis} {reference.label} runs about {_fmt(inside, 'km')} inside {country_name} (of {_fmt(reference.km, 'km')})" + _matches_or_differs(figure, check),
    ]
    if conversion:
        parts.append(_conversion_clause(conversion).lstrip("; "))
    return ClaimResult(claim, tuple(checks), check.verdict, _sentence(parts))


def _journey_through(ctx: _Context, claim: Claim, country: str, ends: Sequence[str]) -> _Reference | None:
    """The itinerary leg that runs longest inside ``country`` (the claim's mode first).

    Used when the claim's own leg is off the network ("thousands of miles through China"
    on an estimated Pyongyang–Hanoi rail leg, where the itinerary also has the measured
    Pyongyang–Dong Dang rail leg).
    """
    best: tuple[tuple[bool, float], _Reference] | None = None
    for leg in ctx.itinerary.legs:
        if leg.mode is None or leg.from_id == leg.to_id or not _covers_same_journey(ctx, leg, ends):
            continue
        ref = ctx.reference(leg.from_id, leg.to_id, leg.mode)
        inside = ref.km_by_country.get(country, 0.0) if ref is not None else 0.0
        if inside <= 0:
            continue
        key = (claim.mode is None or leg.mode == claim.mode, inside)
        if best is None or key > best[0]:
            best = (key, ref)
    return best[1] if best else None


SAME_JOURNEY_KM = 300.0
"""A leg stands in for a journey when it shares one end and its other end is this close
to the journey's other end (Pyongyang–Dong Dang for Pyongyang–Hanoi)."""


def _covers_same_journey(ctx: _Context, leg, ends: Sequence[str]) -> bool:
    if len(ends) < 2:
        return False
    first, last = ends[0], ends[-1]
    if leg.from_id == first:
        gap = 0.0 if leg.to_id == last else ctx.geodesic(leg.to_id, last)
    elif leg.to_id == last:
        gap = ctx.geodesic(first, leg.from_id)
    else:
        return False
    return gap is not None and gap <= SAME_JOURNEY_KM


def _country_name(ctx: _Context, iso2: str) -> str:
    getter = getattr(ctx.gazetteer, "country", None)
    if getter is not None:
        try:
            place = getter(iso2)
        except (RoutemapError, LookupError):
            place = None
        if place is not None:
            return place.name
    return iso2


# --------------------------------------------------------------------------- speeds and durations


_MODES = ("rail", "road", "air", "sea", "foot")


def _plausible(mode: str | None) -> tuple[float, float] | None:
    return PLAUSIBLE_SPEEDS_KMH.get(mode) if mode else None


def _speed_interval(km_low: float, km_high: float, duration: Tolerance) -> tuple[float, float]:
    slowest = km_low / duration.high if duration.high and not math.isinf(duration.high) else 0.0
    fastest = km_high / duration.low if duration.low > 0 else math.inf
    return slowest, fastest


def _implied_speed_check(basis: str, km: float, km_low: float, km_high: float, duration: _Figure, compare_with: tuple[float, float], against: str,
                         *, expected: float | None = None, ratio_to: float | None = None) -> Check:
    """km over a stated duration against an interval of speeds (``compare_with``).  The
    check's expected figure is the implied speed unless ``expected`` is given; its ratio is
    the implied speed over ``ratio_to``, or ``ratio_to`` over the implied speed when
    ``expected`` is not given (none when ``ratio_to`` is ``None``)."""
    interval = _speed_interval(km_low, km_high, duration.accepted)
    speed = km / duration.nominal if duration.nominal else math.inf
    ok = supports(interval, compare_with)
    note = f"{_fmt(km, 'km')} / {duration.stated} = {_fmt(speed, 'km/h')} (range {_fmt_range(*interval, 'km/h')}) vs {against} {_fmt_range(*compare_with, 'km/h')}"
    if expected is not None:
        return Check(basis, expected, "km/h", _ratio(speed, ratio_to) if ratio_to is not None else None, _verdict(ok), note)
    shown = _round(speed)
    return Check(basis, shown, "km/h", _ratio(ratio_to, shown) if ratio_to is not None else None, _verdict(ok), note)


_PLAUSIBLE_NOTES: dict[str, str] = {
    mode: f" vs plausible for {mode} {_fmt_range(low, high, 'km/h')}" for mode, (low, high) in PLAUSIBLE_SPEEDS_KMH.items()
}
"""How a plausibility check's note ends, per mode."""


def _plausibility_check(speed_low: float, speed_high: float, nominal: float, mode: str, label: str, basis: str | None = None) -> Check:
    ok = supports((speed_low, speed_high), PLAUSIBLE_SPEEDS_KMH[mode])
    note = f"{label} {_fmt_range(speed_low, speed_high, 'km/h')}{_PLAUSIBLE_NOTES[mode]}"
    return Check(basis or f"plausible speed for {mode}", _round(nominal), "km/h", None, _verdict(ok), note)


def _check_duration(claim: Claim, ctx: _Context) -> ClaimResult:
    q = claim.quantity
    figure = ctx.figure(q)
    nominal = figure.nominal
    checks: list[Check] = []
    reference, ids = ctx.journey(claim)
    if claim.within and reference is not None:
        inside = reference.km_by_country.get(claim.within, 0.0)
        share = inside / reference.km if reference.km else 0.0
        reference = _Reference(
            reference.basis, reference.mode, f"{reference.label} inside {_country_name(ctx, claim.within)}",
            inside, reference.km_low * share, reference.km_high * share, reference.geodesic_km, reference.km_by_country,
        )
    mode = claim.mode or (reference.mode if reference is not None and reference.mode in _MODES else None)
    plausible = _plausible(mode)
    stated_distances = ctx.related(claim, "distance")
    stated_speeds = [ctx.figure(c.quantity) for c in ctx.related(claim, "speed") or ctx.general_speeds(claim)]
    dur = figure.accepted
    parts = [f"Stated {figure.lead}"]
    decisive: list[Check] = []

    if reference is not None and reference.km > 0:
        basis_name = reference.check_basis if not claim.within else f"length in {claim.within}"
        interval = _speed_interval(reference.km_low, reference.km_high, dur)
        speed = reference.km / nominal if nominal else math.inf
        if plausible:
            check = _plausibility_check(interval[0], interval[1], speed, mode, f"implied speed over the {basis_name}", f"implied speed ({basis_name})")
            checks.append(check)
            decisive.append(check)
            fit = "plausible" if check.verdict == CONSISTENT else "implausible"
            parts.append(f"over the {reference.check_basis} {reference.label} ({_fmt(reference.km, 'km')}) that is {_speed_words(interval, speed)}, {fit} for {mode} ({_fmt_range(*plausible, 'km/h')})")
        else:
            checks.append(Check(f"implied speed ({basis_name})", _round(speed), "km/h", None, UNVERIFIABLE, f"{_fmt(reference.km, 'km')} / {figure.stated}; no mode to judge the speed by"))
            parts.append(f"over the {reference.check_basis} {reference.label} ({_fmt(reference.km, 'km')}) that is {_fmt(speed, 'km/h')}")
        compatible: list[str] = []
        unlike: list[str] = []
        for stated_speed in stated_speeds:
            accepted = stated_speed.accepted
            check = _implied_speed_check("stated speed", reference.km, reference.km_low, reference.km_high, figure, (accepted.low, accepted.high), f"stated {stated_speed.stated}",
                                         expected=_round(stated_speed.nominal), ratio_to=stated_speed.nominal)
            checks.append(check)
            decisive.append(check)
            (compatible if check.verdict == CONSISTENT else unlike).append(_figure(stated_speed.quantity))
        if stated_speeds:
            parts.extend(f"{words} the stated {_and(figures)}" for words, figures in (("compatible with", compatible), ("not compatible with", unlike)) if figures)
    for distance_claim in stated_distances:
        dq = distance_claim.quantity
        distance = ctx.figure(dq)
        interval = _speed_interval(dq.low, dq.high or dq.low, dur)
        speed = distance.nominal / nominal if nominal else math.inf
        if plausible:
            check = _plausibility_check(interval[0], interval[1], speed, mode, f"{distance.stated} / {figure.stated}", "implied speed (stated distance)")
        else:
            check = Check("implied speed (stated distance)", _round(speed), "km/h", None, UNVERIFIABLE, f"{distance.stated} / {figure.stated}")
        checks.append(check)
        clause = f"with the stated {_figure(dq)} it is {_speed_words(interval, speed)}"
        if plausible and check.verdict == INCONSISTENT:
            side = "above" if interval[0] > plausible[1] else "below"
            clause += f", {side} plausible {mode} speeds ({_fmt_range(*plausible, 'km/h')})"
        compatible: list[str] = []
        unlike: list[str] = []
        for stated_speed in stated_speeds:
            accepted = stated_speed.accepted
            compat = supports(interval, (accepted.low, accepted.high))
            checks.append(Check("stated speed (stated distance)", _round(stated_speed.nominal), "km/h", _ratio(speed, stated_speed.nominal), _verdict(compat),
                                f"{_fmt(speed, 'km/h')} (range {_fmt_range(*interval, 'km/h')}) vs stated {stated_speed.stated}"))
            (compatible if compat else unlike).append(_figure(stated_speed.quantity))
        comparisons = [f"{words} the stated {_and(figures)}" for words, figures in (("compatible with", compatible), ("unlike", unlike)) if figures]
        if comparisons:
            clause += f" ({', '.join(comparisons)})"
        if reference is None and plausible:
            decisive.append(check)
        parts.append(clause)
    for other in ctx.conflicting_durations(claim):
        theirs = ctx.figure(other.quantity)
        mine = figure.accepted
        label = reference.label if reference is not None else ctx.label((claim.from_id, claim.to_id))
        check = Check(
            "other figure in the article", _round(theirs.nominal), "h", _ratio(nominal, theirs.nominal), INCONSISTENT,
            f"stated {figure.stated} ({_fmt_range(mine.low, mine.high, 'h')}) vs stated {theirs.stated} "
            f"({_fmt_range(theirs.accepted.low, theirs.accepted.high, 'h')}) for {label}: the two do not overlap",
        )
        checks.append(check)
        decisive.append(check)
        parts.append(f"the article also gives {theirs.lead} for {label}, which this figure contradicts")
    if not decisive:
        reason = "no distance to divide it by" if reference is None and not stated_distances else "no mode to judge the speed by"
        parts.append(reason)
        return _unverifiable(claim, checks, _sentence(parts))
    failed = [c for c in decisive if c.verdict != CONSISTENT]
    verdict = INCONSISTENT if failed else CONSISTENT
    return ClaimResult(claim, _deciding_first(checks, (failed or decisive)[0]), verdict, _sentence(parts))


def _check_speed(claim: Claim, ctx: _Context) -> ClaimResult:
    """A stated speed against the durations stated for the same leg (over the route and over
    the stated distance) and the plausible speeds of its mode.  Every duration of the leg
    counts: the speed is consistent only when it agrees with all of them."""
    q = claim.quantity
    figure = ctx.figure(q)
    accepted = figure.accepted
    checks: list[Check] = []
    decisive: list[Check] = []
    parts = [f"Stated {figure.lead}"]
    mode = claim.mode
    durations = ctx.related(claim, "duration")
    if not durations and claim.from_id is None and claim.to_id is None and claim.leg is None:
        # a speed on no leg (the article has none): the durations on no leg either
        durations = [c for c in ctx.of_kind("duration") if c.leg is None and (c.mode is None or mode is None or c.mode == mode)]
    for duration_claim in durations:
        duration = ctx.figure(duration_claim.quantity)
        reference, ids = ctx.journey(duration_claim if not (claim.from_id and claim.to_id) else claim)
        route_check = None
        if reference is not None and reference.km > 0:
            route_check = _implied_speed_check(f"implied speed ({reference.check_basis})", reference.km, reference.km_low, reference.km_high, duration, (accepted.low, accepted.high), f"stated {figure.stated}",
                                               ratio_to=figure.nominal)
            checks.append(route_check)
            decisive.append(route_check)
            mode = mode or reference.mode
            parts.append(f"the {reference.check_basis} {reference.label} ({_fmt(reference.km, 'km')}) in {_figure(duration.quantity)} implies {_fmt(route_check.expected, 'km/h')}, {'compatible' if route_check.verdict == CONSISTENT else 'not compatible'}")
        for distance_claim in ctx.related(duration_claim, "distance"):
            dist = distance_claim.quantity
            distance = ctx.figure(dist)
            speed = distance.nominal / duration.nominal if duration.nominal else math.inf
            interval = _speed_interval(dist.low, dist.high or dist.low, duration.accepted)
            ok = supports(interval, (accepted.low, accepted.high))
            figures = Check("implied speed (stated figures)", _round(speed), "km/h", _ratio(figure.nominal, speed), _verdict(ok), f"{distance.stated} / {duration.stated} = {_fmt(speed, 'km/h')} (range {_fmt_range(*interval, 'km/h')})")
            checks.append(figures)
            if route_check is None:
                decisive.append(figures)
            parts.append(f"the stated {_figure(dist)} in {_figure(duration.quantity)} implies {_fmt(speed, 'km/h')}, {'compatible' if ok else 'not compatible'}")
            break
    plausible = _plausible(mode)
    if plausible:
        plausibility = _plausibility_check(accepted.low, accepted.high, figure.nominal, mode, f"stated {figure.stated}")
        checks.append(plausibility)
        decisive.append(plausibility)
        parts.append(f"{'plausible' if plausibility.verdict == CONSISTENT else 'implausible'} for {mode} ({_fmt_range(*plausible, 'km/h')})")
    if not decisive:
        parts.append("no leg, duration or mode to compare it with")
        return _unverifiable(claim, checks, _sentence(parts))
    failed = [c for c in decisive if c.verdict != CONSISTENT]
    verdict = INCONSISTENT if failed else CONSISTENT
    if accepted.stresses_small and verdict == CONSISTENT:
        parts.append("the writer stresses how slow it is")
    return ClaimResult(claim, _deciding_first(checks, (failed or decisive)[0]), verdict, _sentence(parts))


def _deciding_first(checks: Sequence[Check], deciding: Check) -> tuple[Check, ...]:
    """The checks with the one that decides the verdict first."""
    return (deciding, *[c for c in checks if c is not deciding])


# --------------------------------------------------------------------------- entry points


def _sentence(parts: Iterable[str]) -> str:
    text = "; ".join([p for p in parts if p])
    text = text[0].upper() + text[1:] if text else text
    return text if text.endswith(".") else text + "."


def _unverifiable(claim: Claim, checks: Sequence[Check], explanation: str) -> ClaimResult:
    return ClaimResult(claim, tuple(checks), UNVERIFIABLE, explanation)


def check_claim(claim: Claim, gazetteer, claims: Sequence[Claim] = (), itinerary: Itinerary | None = None, *, route_for: RouteFinder | None = None) -> ClaimResult:
    """Check one claim (``claims`` are the article's other claims, for speeds and durations)."""
    ctx = _Context(claims or (claim,), gazetteer, itinerary, route_for)
    return _check_one(claim, ctx)


def _check_one(claim: Claim, ctx: _Context) -> ClaimResult:
    kind = claim.quantity.kind
    if kind == "distance":
        return _check_distance(claim, ctx)
    if kind == "duration":
        return _check_duration(claim, ctx)
    if kind == "speed":
        return _check_speed(claim, ctx)
    return _unverifiable(claim, (), f"Stated {_stated_lead(claim.quantity)}; routemap does not check {kind} figures.")


def check_claims(claims: Sequence[Claim], gazetteer, itinerary: Itinerary | None = None, *, route_for: RouteFinder | None = None) -> tuple[ClaimResult, ...]:
    """Check every claim of an article, in order.

    ``itinerary`` gives the legs a claim without ends ("thousands of kilometres through
    China") is measured on; ``route_for(gazetteer, from_id, to_id, mode) -> Route`` replaces
    :func:`routemap.network.reference_route` (tests pass hand-made routes).
    """
    ctx = _Context(claims, gazetteer, itinerary, route_for)
    return tuple(_check_one(claim, ctx) for claim in claims)
