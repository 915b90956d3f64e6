"""Find the distances, durations and speeds an article states.

A small grammar of compiled regular expressions reads figures such as ``680km``,
``about 20 hours``, ``at least two and a half days``, ``thousands of miles``,
``between six and eight hours``, ``a 60-hour journey`` and ``170 km (105 miles)``,
keeping exact character offsets into the article text (``text[start:end]`` is the whole
figure, hedge included).

How it stays fast: the text is first scanned for *unit words* only (``km``, ``hours``,
``mph`` ...), which are rare in prose, with one regex written so that ``re`` skips through
the text in C (:func:`_anchor_pattern`); the full figure grammar then runs on a short window
ending at each unit, anchored at the unit's end.  Reading backwards from a unit (the words a
figure is made of, the word in front of a figure) is done with forward regexes on the
article text reversed once, and the context patterns that must end where a figure starts
(``every 15 minutes``, ``a top speed of``) only run when the word in front of the figure is
one they can end with.

What is deliberately *not* a travel figure: numbers without a distance/duration/speed unit
(years, dates, clock times such as ``5 p.m.`` or ``6am``, counts such as ``three times``,
money, percentages, model numbers such as ``Boeing 747``), months and years (``eight
months after``, ``four years ago``: gaps between events, so those units are not in the
grammar at all), durations that date an event (``two days ahead of the event``, ``a week
later``), frequencies (``every 15 minutes``, ``24 hours a day``), lengths of stays and
meetings (``a two-day summit``, ``stayed for three nights``), ages (``a 12-week-old``),
and ``m`` after a currency sign or before ``people``/``dollars`` (millions).

Values are normalised with pint (distances to km, durations to hours, speeds to km/h);
pint is imported on first use only, so importing this module stays cheap.

Intervals (``Quantity.low``/``high``) are what the writer states, before any hedge
tolerance (the tolerance table is :mod:`routemap.checks`'s job):

* a plain figure ``680km`` gives 680..680;
* a range ``20 to 24 hours`` gives 20..24;
* lower-bound hedges (``at least``, ``more than``, ``over``, ``a little over`` ...) leave the
  top open: ``high`` is ``None``;
* vague magnitudes are the documented order-of-magnitude intervals (the same ones
  :mod:`routemap.checks` accepts, see ``docs/tolerance.md``): ``tens of``/``dozens of``
  10..100, ``hundreds of`` (``several hundred``, ``a few hundred``) 100..1000, ``thousands
  of`` (``several thousand``, ``a few thousand``) 1000..10000, ``tens of thousands of``
  10000..100000 (in the stated unit); ``a few`` 2..5, ``several`` 3..9.  The upper bound is
  *exclusive* (``thousands of`` means fewer than ten thousand); ``value`` is the magnitude
  (1000 for ``thousands of``) and ``hedge`` the phrase;
* speeds stated as an upper bound (``a top speed of 100 km/h``, ``maximum speed``, ``its
  top speed ... is only 40kph``, ``rarely went faster than 50 km/h``) get the hedge ``top
  speed`` or ``no faster than`` from the words before the figure (the span stays the
  figure itself); ``faster than 50 km/h`` without a negation is ``more than``, ``slower
  than`` is ``less than``;
* ``2 300 km`` (a space, no-break or thin space between thousands) is one number when a
  unit follows.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from typing import Callable

from routemap.models import Article, Quantity
from routemap.reading import IGNORECASE_TWINS

__all__ = [
    "HEDGES",
    "LOWER_BOUND_HEDGES",
    "UNIT_KINDS",
    "BASE_UNITS",
    "find_quantities",
    "find_quantities_in_text",
    "to_base",
    "unit_factor",
]

# --------------------------------------------------------------------------- vocabulary

SMALL_NUMBERS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000, "dozen": 12}

# vague magnitude phrase -> (value as written, low, high) in the stated unit; for the orders
# of magnitude low..high is the interval routemap.checks.MAGNITUDES accepts (high exclusive)
VAGUE_MAGNITUDES: dict[str, tuple[float, float, float]] = {
    "tens of": (10, 10, 100),
    "dozens of": (12, 10, 100),
    "hundreds of": (100, 100, 1000),
    "several hundred": (100, 100, 1000),
    "a few hundred": (100, 100, 1000),
    "thousands of": (1000, 1000, 10000),
    "several thousand": (1000, 1000, 10000),
    "a few thousand": (1000, 1000, 10000),
    "tens of thousands of": (10000, 10000, 100000),
    "hundreds of thousands of": (100000, 100000, 1000000),
    "a few": (3, 2, 5),
    "several": (3, 3, 9),
}

# surface hedge -> normalised hedge
HEDGE_SYNONYMS: dict[str, str] = {
    "approx.": "approximately",
    "an estimated": "about",
    "estimated": "about",
    "just over": "a little over",
    "a little more than": "a little over",
    "slightly more than": "a little over",
    "just under": "a little under",
    "a little less than": "a little under",
    "slightly less than": "a little under",
    "slightly under": "a little under",
    "well over": "more than",
    "fewer than": "less than",
    "at most": "no more than",
    "not more than": "no more than",
    "no less than": "at least",
    "upwards of": "more than",
    "in excess of": "more than",
}
HEDGES: tuple[str, ...] = (
    "about", "around", "roughly", "approximately", "some", "nearly", "almost", "close to",
    "more than", "over", "at least", "a little over", "a little under", "less than", "under",
    "up to", "no more than", "no faster than", "top speed", "only", "just",
    "tens of", "hundreds of", "several hundred", "a few hundred", "several thousand", "a few thousand", "thousands of", "tens of thousands of", "hundreds of thousands of",
    "dozens of", "a few", "several",
)
"""Every normalised hedge :func:`find_quantities` can give (``Quantity.hedge``)."""

LOWER_BOUND_HEDGES = frozenset({"more than", "over", "at least", "a little over"})
"""Hedges that leave a figure's top open (``Quantity.high is None``)."""

CONTEXT_HEDGES = frozenset({"top speed"})
"""Hedges read from the words before a speed (``its top speed ... is 40kph``), never part
of the figure's span."""

# canonical unit -> kind; the canonical unit is what Quantity.unit holds.
UNIT_KINDS: dict[str, str] = {
    "km": "distance", "m": "distance", "mi": "distance", "nmi": "distance",
    "min": "duration", "h": "duration", "day": "duration", "night": "duration", "week": "duration",
    "km/h": "speed", "mph": "speed", "kn": "speed",
}
BASE_UNITS: dict[str, str] = {"distance": "km", "duration": "h", "speed": "km/h"}

# canonical unit -> pint expression
_PINT_NAMES: dict[str, str] = {
    "km": "kilometer", "m": "meter", "mi": "mile", "nmi": "nautical_mile",
    "min": "minute", "h": "hour", "day": "day", "night": "day", "week": "week",
    "km/h": "kilometer / hour", "mph": "mile / hour", "kn": "knot",
}
_PINT_BASES: dict[str, str] = {"distance": "kilometer", "duration": "hour", "speed": "kilometer / hour"}

# unit surface patterns, longest first, each as its alternatives with its canonical unit.
_UNIT_TABLE: tuple[tuple[tuple[str, ...], str], ...] = (
    ((r"kilomet(?:re|er)s?\s+(?:per|an|a)\s+hour",), "km/h"),
    ((r"km\s*/\s*h(?:r|our)?",), "km/h"),
    ((r"km\s+(?:per|an|a)\s+hour",), "km/h"),
    (("kph", "kmh", "kmph"), "km/h"),
    ((r"miles?\s+(?:per|an|a)\s+hour",), "mph"),
    (("mph",), "mph"),
    (("knots?",), "kn"),
    ((r"nautical\s+miles?", "nmi"), "nmi"),
    (("kilomet(?:re|er)s?", "kms?"), "km"),
    (("met(?:re|er)s?", "(?-i:m)"), "m"),
    (("miles?", "(?-i:mi)"), "mi"),
    (("minutes?", "mins?"), "min"),
    (("hours?", "hrs?", "(?-i:h)"), "h"),
    (("days?",), "day"),
    (("nights?",), "night"),
    (("weeks?",), "week"),
)
_UNIT_CANON: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile("|".join(alternatives), re.IGNORECASE), canon) for alternatives, canon in _UNIT_TABLE
)
UNIT_PATTERN = "|".join(f"(?:{'|'.join(alternatives)})" for alternatives, _ in _UNIT_TABLE)

_SMALL = "|".join(sorted(SMALL_NUMBERS, key=len, reverse=True))
_TENS = "|".join(TENS)
_HEDGE_WORDS = sorted(
    {h for h in HEDGES if h not in VAGUE_MAGNITUDES and h not in CONTEXT_HEDGES} | set(HEDGE_SYNONYMS),
    key=len, reverse=True,
)
HEDGE_PATTERN = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in _HEDGE_WORDS)
_VAGUE = "|".join(
    re.escape(v).replace(r"\ ", r"\s+") for v in sorted(VAGUE_MAGNITUDES, key=len, reverse=True)
)

# "2 300 km": thousands separated by a space, no-break or thin space; only right before a
# unit or a range word, and only from a group of 1-3 digits that no digit precedes (so
# "in 2019 300 km" stays 300 km)
_SPACED_THOUSANDS = rf"""
    (?<![\d.,]) \d{{1,3}} (?: [\ \u00a0\u202f] \d{{3}} )+ (?!\d) (?:\.\d+)?
    (?= [\s-]* (?:{UNIT_PATTERN}) | \s* (?:-|–|—|to|and|or) \s* \d )
"""

NUMBER_PATTERN = rf"""
    (?: {_SPACED_THOUSANDS}                                                 # 2 300  2\u202f300
      | \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)? | \d+(?:\.\d+)? | \.\d+ )       # 20,000  2,758.42  1.5
  | (?: (?:an?|one|two|three|four|five|six|seven|eight|nine|ten|
           (?:{_TENS})(?:[-\s](?:{_SMALL}))? | {_SMALL}) \s+ )?
        (?:hundred|thousand|dozen)
        (?: \s+ (?:and\s+)? (?: (?:{_TENS})(?:[-\s](?:{_SMALL}))? | {_SMALL}) )?  # two hundred and fifty
  | (?:{_TENS})(?:[-\s](?:{_SMALL}))?                                         # sixty, twenty-five
  | (?:{_SMALL})
  | (?:a\s+)?couple\s+of
  | half\s+an? | half\s+a | half
  | an? (?=[\s-])
"""

# The whole figure; matched on a window that ends right after a unit word.
FIGURE_RE = re.compile(
    rf"""
    (?<![\w$£€¥.,/])
    (?: (?P<hedge> {HEDGE_PATTERN} ) \s+ )?
    (?:
        (?P<vague> {_VAGUE} ) \s+
      | (?: (?P<between> between | from ) \s+ )?
        (?P<num> {NUMBER_PATTERN} ) (?: \s+ (?P<half> and\s+a\s+half ) )?
        (?: \s* (?P<range_sep> - | – | — | to | and | or ) \s*
            (?P<num2> {NUMBER_PATTERN} ) (?: \s+ (?P<half2> and\s+a\s+half ) )? )?
        (?P<sep> \s*-\s* | \s+ | )
    )
    (?P<unit> {UNIT_PATTERN} )
    (?: \s+ (?P<half3> and\s+a\s+half ) )?
    \Z
    """,
    re.VERBOSE | re.IGNORECASE,
)



def _anchor_pattern() -> str:
    """``(?<![^\\W\\d]) (?:UNIT_PATTERN) (?![\\w/]) (?:\\s+ and\\s+a\\s+half\\b)?`` -- a unit word
    not preceded by a letter -- written so that ``re`` can search it fast.

    ``re`` skips through a text in C only when a pattern starts with a plain character class,
    so the anchor consumes the unit's first letter from a case-sensitive class of every
    letter a unit can start with, checks the character before it with a lookbehind, and then
    tries the unit alternatives that start with that letter (a lookbehind picks the group),
    in the table's order, each from its second character on.  Alternatives starting with
    different letters never match at the same place, so the matches are the same as the
    straightforward pattern's; the search takes about 60% of the time.
    """
    first_chars: set[str] = set()
    by_letter: dict[str, list[str]] = {}  # first letter -> rests of its alternatives, in order
    for unit_alternatives, _ in _UNIT_TABLE:
        for alternative in unit_alternatives:
            if alternative.startswith("(?-i:"):  # case-sensitive: "(?-i:m)", "(?-i:mi)"
                letter, rest = alternative[5], f"(?<=(?-i:{alternative[5]}))(?-i:{alternative[6:]}"
                first_chars.add(letter)
            else:
                letter, rest = alternative[0], alternative[1:]
                assert letter.isalpha() and letter.islower(), alternative
                first_chars.update(letter, letter.upper(), IGNORECASE_TWINS.get(letter, ""))
            by_letter.setdefault(letter, []).append(rest)
    groups = " | ".join(f"(?<={letter}) (?: {' | '.join(rests)} )" for letter, rests in by_letter.items())
    return rf"""
        (?-i:[{"".join(sorted(first_chars))}]) (?<![^\W\d].)
        (?: {groups} )
        (?![\w/]) (?: \s+ and\s+a\s+half\b )?
    """


# A unit word: the anchor of the prefilter (a digit may precede it directly: 680km).
UNIT_ANCHOR_RE = re.compile(_anchor_pattern(), re.VERBOSE | re.IGNORECASE)

# Conversions in brackets or after "or": 170 km (105 miles), 50 miles, or 80 km,
CONVERSION_GAP_RE = re.compile(r"\A \s* (?: [(\[] | ,?\s+or\s+ | \s*/\s* ) \s* \Z", re.VERBOSE)

# ---- contexts that make a figure something other than a travel figure
CURRENCY_BEFORE_RE = re.compile(r"(?:[$£€¥]|\b(?:US|USD|EUR|GBP|RMB|Rs|rs)\.?\s?)\Z")
MILLIONS_AFTER_RE = re.compile(
    r"\A\s+(?:people|residents|passengers|viewers|users|visitors|tourists|dollars|euros|pounds|"
    r"yuan|won|rubles|roubles|yen|tonnes|tons|barrels|copies|votes|jobs)\b",
    re.IGNORECASE,
)
# a duration that dates an event rather than lasting through a journey
DATING_AFTER_RE = re.compile(
    r"\A(?:[\s,]+(?:ahead|before|after|ago|prior|in\s+advance|beforehand|old\b)|"
    r"\s+(?:a|per|each)\s+(?:day|week|month|year)\b)",
    re.IGNORECASE,
)
# "20 hours after setting off from X" measures the trip: "after" a departure is not a date
AFTER_DEPARTURE_RE = re.compile(
    r"\A[\s,]+after\s+(?:(?:it|he|she|they|the\s+\w+)\s+)?"
    r"(?:leav\w*|left|depart\w*|set(?:ting)?\s+(?:off|out)|pull(?:ed|ing)\s+out|start\w*)\b",
    re.IGNORECASE,
)
# "about 20 hours earlier/later" is a travel duration only next to a departure or arrival
EARLIER_AFTER_RE = re.compile(r"\A[\s,]+(?:earlier|later)\b", re.IGNORECASE)
DEPARTURE_BEFORE_RE = re.compile(
    r"\b(?:leav\w*|left|depart\w*|set(?:ting)?\s+off|setting\s+out|arriv\w*|reach\w*|pulled\s+in)\b",
    re.IGNORECASE,
)
FREQUENCY_BEFORE_RE = re.compile(r"\b(?:every|each|once\s+in|within\s+the\s+next)\s+\Z", re.IGNORECASE)
STAY_BEFORE_RE = re.compile(
    r"\b(?:stay(?:s|ed|ing)?|last(?:s|ed|ing)?|visit(?:s|ed|ing)?|remain(?:s|ed)?|wait(?:s|ed|ing)?|"
    r"sentenced\s+to|aged?|old|summit\s+of|delay(?:s|ed)?(?:\s+of)?)\s+(?:for\s+|by\s+)?\Z",
    re.IGNORECASE,
)
# "the whole trip ... lasted more than 30 hours": what lasts is the journey, so it is a travel figure
TRIP_LASTED_BEFORE_RE = re.compile(
    r"\b(?:trip|journey|ride|flight|drive|voyage|crossing|run|trek|transit)\b[^.;!?]{0,60}?"
    r"\blast(?:s|ed|ing)?\s+(?:for\s+)?\Z",
    re.IGNORECASE,
)
# adjectival figures naming something other than travel: a two-day summit, a 12-week-old
NON_TRAVEL_NOUN_AFTER_RE = re.compile(
    r"\A[\s-]*(?:[\w-]+\s+)?(?:summit|visit|stay|meeting|talks|conference|festival|strike|"
    r"ceasefire|truce|war|wait|delay|break|holiday|vacation|shift|sentence|course|event|"
    r"fair|exhibition|deadline|lockdown|quarantine|old\b|-old\b)",
    re.IGNORECASE,
)
ONE_DAY_RE = re.compile(r"\Aone\s+(?:day|night|week)\Z", re.IGNORECASE)
# ---- words before a speed that make it a bound rather than an average
# "a top speed of", "its maximum speed on the old tracks is only", "max speed", "at top speed
# they run at": the figure is the most the vehicle does (never across a comma or a figure)
TOP_SPEED_BEFORE_RE = re.compile(
    r"""
    \b (?P<phrase> (?:top|maximum|max|peak) \s+ speeds? )
    (?: [^.;:!?,\d]{0,50}? \b (?:of|is|was|are|were|at|reach(?:es|ed)?|hits?|be|being|around|about) )?
    \s* :? \s+ (?: (?:only|just|a\s+mere|merely|barely) \s+ )? \Z
    """,
    re.VERBOSE | re.IGNORECASE,
)
# "rarely went faster than", "has never gone faster than", "not any faster than"
NEGATED_FASTER_BEFORE_RE = re.compile(
    r"""
    \b (?:no|not|never|rarely|seldom|hardly|barely|scarcely) \b (?: \s+ [\w’'-]+ ){0,3}? \s+ faster \s+ than \s+ \Z
    """,
    re.VERBOSE | re.IGNORECASE,
)
# "went faster than 100 km/h" is a lower bound, "slower than 40 km/h" an upper one
COMPARED_BEFORE_RE = re.compile(r"\b(?P<word>faster|slower)\s+than\s+\Z", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")

# ---- the word right before a figure: a cheap, exact first test for the patterns above
# The ``*_BEFORE_RE`` patterns end where the figure starts, so ``re`` has to try them at every
# position of the window before it.  Each of them can only match when the run of word
# characters in front of the whitespace before the figure is one of a few words (they all
# end in a word and ``\s+``), so that word is read first, with one match on the reversed text
# (:func:`_word_before`), and a pattern only runs when the word is one it can end with.
FREQUENCY_LAST_WORD_RE = re.compile(r"every|each|in|next", re.IGNORECASE)
STAY_LAST_WORD_RE = re.compile(
    r"stay(?:s|ed|ing)?|last(?:s|ed|ing)?|visit(?:s|ed|ing)?|remain(?:s|ed)?|wait(?:s|ed|ing)?|"
    r"to|aged?|old|of|delay(?:s|ed)?|for|by",
    re.IGNORECASE,
)
# ... or a colon: "its top speed: 100 km/h"
TOP_SPEED_LAST_WORD_RE = re.compile(
    r"speeds?|of|is|was|are|were|at|reach(?:es|ed)?|hits?|be|being|around|about|only|just|mere|merely|barely",
    re.IGNORECASE,
)
THAN_RE = re.compile(r"than", re.IGNORECASE)  # NEGATED_FASTER_BEFORE_RE, COMPARED_BEFORE_RE
# whitespace, then a run of word characters, read backwards from a figure on the reversed text
_WORD_BEFORE_BACKWARDS_RE = re.compile(r"(?P<space>\s*)(?P<word>\w*)")
# CURRENCY_BEFORE_RE's longest match ("USD. "): it is only tried on that much of the window
_CURRENCY_LONGEST = 5
_BEFORE_WIDTH = 60  # the window the context patterns look at before a figure
_SPEED_BEFORE_WIDTH = 90  # ... and before a speed, for its bound hedge


# --------------------------------------------------------------------------- units


@functools.lru_cache(maxsize=1)
def _unit_registry():
    import pint  # slow to import: only on first use

    return pint.UnitRegistry()


@functools.lru_cache(maxsize=1)
def unit_factors() -> dict[str, float]:
    """Factors from every canonical unit to its kind's base unit (km, h, km/h), computed by pint.

    pint takes most of a second to import and build its registry, so the table it gives is
    kept in the user's cache directory (keyed by pint's version) and pint is only loaded when
    that file is missing.
    """
    from importlib.metadata import version

    from routemap.cache import cache_dir, read_json, write_json_atomically

    path = cache_dir() / f"unit-factors-pint-{version('pint')}.json"
    cached = read_json(path)
    if isinstance(cached, dict) and set(cached) == set(UNIT_KINDS):
        return {unit: float(factor) for unit, factor in cached.items()}
    registry = _unit_registry()
    factors = {
        unit: float(registry.Quantity(1.0, _PINT_NAMES[unit]).to(_PINT_BASES[kind]).magnitude)
        for unit, kind in UNIT_KINDS.items()
    }
    write_json_atomically(path, factors)
    return factors


def unit_factor(unit: str) -> float:
    """The factor from canonical ``unit`` to its kind's base unit (km, h, km/h), via pint."""
    return unit_factors()[unit]


def to_base(value: float, unit: str) -> float:
    """``value`` in canonical ``unit`` converted to km, h or km/h."""
    return value * unit_factor(unit)


@functools.lru_cache(maxsize=256)
def _canonical_unit(surface: str) -> str:
    """The canonical unit of a unit as written (``"kilometres"`` -> ``"km"``); cached per surface."""
    surface = _SPACE_RE.sub(" ", surface)
    for pattern, canon in _UNIT_CANON:
        if pattern.fullmatch(surface):
            return canon
    raise ValueError(f"not a unit: {surface!r}")  # pragma: no cover - the grammar only yields units


# --------------------------------------------------------------------------- numbers


@functools.lru_cache(maxsize=1024)
def parse_number(surface: str) -> float:
    """``"20,000"`` -> 20000.0, ``"two hundred and fifty"`` -> 250, ``"half an"`` -> 0.5.

    Cached per number as written (figures repeat their numbers: "2", "a", "20,000")."""
    text = _SPACE_RE.sub(" ", surface.strip().lower())
    if text[0].isdigit() or text[0] == ".":
        return float(text.replace(",", "").replace(" ", ""))
    if text.startswith("half"):
        return 0.5
    if text in ("couple of", "a couple of"):
        return 2.0
    total = 0.0
    current = 0.0
    for word in re.split(r"[\s-]+", text):
        if word in ("a", "an"):
            current += 1
        elif word in SMALL_NUMBERS:
            current += SMALL_NUMBERS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "dozen":
            current = max(current, 1) * 12
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        # "and" joins the parts
    return total + current


# --------------------------------------------------------------------------- scanning


def _word_before(text: str, reversed_text: str, position: int, width: int) -> tuple[str, str]:
    """``(word, mark)`` in front of ``position``, looking back at most ``width`` characters:
    ``word`` is the run of word characters before the whitespace there and ``mark`` the
    character just before that whitespace; both are "" when there is no whitespace."""
    length = len(text)
    floor = max(0, position - width)
    found = _WORD_BEFORE_BACKWARDS_RE.match(reversed_text, length - position, length - floor)
    space = found.end("space") - found.start("space")
    if not space:
        return "", ""
    end = position - space
    word = text[end - (found.end("word") - found.start("word")) : end]
    return word, text[end - 1] if end > floor else ""


@functools.lru_cache(maxsize=1024)
def _bare_number(surface: str) -> str:
    """A number as written, lower case with single spaces (``"a"``, ``"one"``, ``"20"``)."""
    return _SPACE_RE.sub(" ", surface.strip().lower())


def _is_travel_context(text: str, reversed_text: str, start: int, end: int, unit: str) -> bool:
    """False for figures whose context says they are not a travel distance/duration/speed."""
    before = text[max(0, start - _BEFORE_WIDTH) : start]
    if CURRENCY_BEFORE_RE.search(before, max(0, len(before) - _CURRENCY_LONGEST)):
        return False
    after = text[end : end + 60]
    if unit == "m" and MILLIONS_AFTER_RE.match(after):
        return False
    word, _ = _word_before(text, reversed_text, start, _BEFORE_WIDTH)
    frequency = FREQUENCY_LAST_WORD_RE.fullmatch(word) and FREQUENCY_BEFORE_RE.search(before)
    if UNIT_KINDS[unit] == "duration":
        if DATING_AFTER_RE.match(after) and not AFTER_DEPARTURE_RE.match(after):
            return False
        if EARLIER_AFTER_RE.match(after) and not DEPARTURE_BEFORE_RE.search(text[max(0, start - 80) : start]):
            return False
        if frequency or (
            STAY_LAST_WORD_RE.fullmatch(word)
            and STAY_BEFORE_RE.search(before)
            and not TRIP_LASTED_BEFORE_RE.search(before)
        ):
            return False
        if NON_TRAVEL_NOUN_AFTER_RE.match(after):
            return False
    elif frequency:
        return False
    return True


def _speed_bound_hedge(text: str, reversed_text: str, start: int, hedge: str | None) -> str | None:
    """The hedge of a speed starting at ``start``, given the words before it: "top speed" /
    "no faster than" when they make the figure an upper bound, "more than" / "less than" after
    a bare "faster than" / "slower than"; else ``hedge`` unchanged.  A lower-bound hedge of the
    figure's own ("a top speed of more than 300 km/h") is kept."""
    if hedge in LOWER_BOUND_HEDGES:
        return hedge
    before = text[max(0, start - _SPEED_BEFORE_WIDTH) : start]
    word, mark = _word_before(text, reversed_text, start, _SPEED_BEFORE_WIDTH)
    if (TOP_SPEED_LAST_WORD_RE.fullmatch(word) or mark == ":") and TOP_SPEED_BEFORE_RE.search(before):
        return "top speed"
    if not THAN_RE.fullmatch(word):
        return hedge
    if NEGATED_FASTER_BEFORE_RE.search(before):
        return "no faster than"
    if hedge is None:
        compared = COMPARED_BEFORE_RE.search(before)
        if compared is not None:
            return "more than" if compared.group("word").lower() == "faster" else "less than"
    return hedge


@functools.lru_cache(maxsize=256)
def _normalised_hedge(surface: str) -> str:
    """``"Just  over"`` -> ``"a little over"``: lower case, single spaces, synonyms merged."""
    key = _SPACE_RE.sub(" ", surface.lower())
    return HEDGE_SYNONYMS.get(key, key)


def _quantity_from_match(
    text: str, reversed_text: str, match: re.Match[str], sentence_of: Callable[[int], int]
) -> Quantity | None:
    start, end = match.span()
    hedge_surface, vague, num, half, num2, half2, half3, between, unit_surface = match.group(
        "hedge", "vague", "num", "half", "num2", "half2", "half3", "between", "unit"
    )
    unit = _canonical_unit(unit_surface)
    kind = UNIT_KINDS[unit]
    if num is not None:
        bare = _bare_number(num)
        if bare in ("a", "an") and not hedge_surface and not half3 and not text.startswith(("'s", "’s"), end):
            return None  # "24 hours a day", "once a week": an article, not a figure
        one_day = bare == "one" and ONE_DAY_RE.fullmatch(_SPACE_RE.sub(" ", text[start:end].strip()))
        if one_day and not hedge_surface:
            return None  # "one day" = some day
        if between and not num2:
            return None
    if not _is_travel_context(text, reversed_text, start, end, unit):
        return None
    factor = unit_factor(unit)
    hedge = _normalised_hedge(hedge_surface) if hedge_surface else None
    if vague:
        vague_key = _SPACE_RE.sub(" ", vague.lower())
        value, low, high = VAGUE_MAGNITUDES[vague_key]
        return Quantity(
            kind=kind, start=start, end=end, text=text[start:end], value=value, unit=unit,
            low=low * factor, high=high * factor,
            hedge=vague_key, sentence=sentence_of(start),
        )
    value = parse_number(num)
    if half or (half3 and not num2):
        value += 0.5
    low = high = value
    if num2:
        separator = match.group("range_sep").lower()
        if separator in ("and", "or") and not between and separator == "and":
            return None  # "two and three hours" without "between" is not a range we trust
        high = parse_number(num2)
        if half2 or half3:
            high += 0.5
        if high < low:
            return None  # "1950-24 hours": not a range
    if kind == "speed":
        hedge = _speed_bound_hedge(text, reversed_text, start, hedge)
    low_base = low * factor
    high_base: float | None = high * factor
    if hedge in LOWER_BOUND_HEDGES:
        high_base = None
    return Quantity(
        kind=kind, start=start, end=end, text=text[start:end], value=value, unit=unit,
        low=low_base, high=high_base, hedge=hedge, sentence=sentence_of(start),
    )


_WINDOW = 110
# words that can make up a figure before its unit: numbers, hedges, range and vague words
_FIGURE_WORDS = frozenset(
    {*SMALL_NUMBERS, *TENS, *SCALES, "a", "an", "half", "and", "to", "or", "between", "from", "of",
     "hundreds", "thousands", "tens", "dozens", "few", "several", "couple", "-", "–", "—"}
    | {word for phrase in (*HEDGES, *HEDGE_SYNONYMS) if phrase not in CONTEXT_HEDGES for word in phrase.split()}
)
# ... of which these say that a number is there
_NUMBER_WORDS = frozenset(
    {*SMALL_NUMBERS, *TENS, *SCALES, "a", "an", "half", "couple", "few", "several", "tens", "hundreds",
     "thousands", "dozens"}
)
_NUMBER_CHARS = frozenset("0123456789,.")
# A word of a figure, read backwards from the unit on the reversed text: the spaces and dashes
# after it, then its letters, digits and "," "." "’" "'" (``[^\W_]`` is exactly str.isalnum).
_FIGURE_WORD_BACKWARDS_RE = re.compile(
    r"[ \t\n\u00a0\u202f\-–—]* (?P<word> (?: [^\W_] | [,.’'] )+ )", re.VERBOSE
)


def _figure_start(text: str, reversed_text: str, unit_start: int, floor: int) -> int | None:
    """Where a figure ending in the unit at ``unit_start`` can begin: walk back over the
    words a figure is made of (one regex match per word on ``reversed_text``, the text
    reversed), not past ``floor``.  ``None`` when no number can precede the unit."""
    position = unit_start
    if position > floor and text[position - 1].isdigit():  # 680km: the number is attached
        while position > floor and text[position - 1] in _NUMBER_CHARS:
            position -= 1
        earliest = position
        has_number = True
    else:
        earliest = None
        has_number = False
    length = len(text)
    lowest = max(floor, unit_start - _WINDOW)
    while position > lowest:
        found = _FIGURE_WORD_BACKWARDS_RE.match(reversed_text, length - position, length - lowest)
        if found is None:
            break
        begin, end = length - found.end(), length - found.start("word")
        word = text[begin:end].lower()
        if not (word in _FIGURE_WORDS or word[0].isdigit() or word[0] == "." or word.rstrip(".") in _FIGURE_WORDS):
            break
        has_number = has_number or word[0].isdigit() or word in _NUMBER_WORDS
        earliest = position = begin
    if not has_number or earliest is None:
        return None
    return earliest


def _scan(text: str, sentence_of: Callable[[int], int]) -> tuple[Quantity, ...]:
    found: list[Quantity] = []
    last_end = 0
    reversed_text = text[::-1]  # to read backwards from a unit with forward regexes
    for anchor in UNIT_ANCHOR_RE.finditer(text):
        window_start = _figure_start(text, reversed_text, anchor.start(), last_end)
        if window_start is None:
            continue
        match = FIGURE_RE.search(text, window_start, anchor.end())
        if match is None:
            continue
        quantity = _quantity_from_match(text, reversed_text, match, sentence_of)
        if quantity is None:
            continue
        found.append(quantity)
        last_end = quantity.end
    return _link_conversions(text, found)


def _link_conversions(text: str, quantities: list[Quantity]) -> tuple[Quantity, ...]:
    """Pair ``170 km (105 miles)``-style conversions (same kind, adjacent) both ways."""
    linked = list(quantities)
    for index in range(len(linked) - 1):
        first, second = linked[index], linked[index + 1]
        if first.kind != second.kind or first.paired_with is not None:
            continue
        if first.unit == second.unit:
            continue
        if not CONVERSION_GAP_RE.match(text[first.end : second.start]):
            continue
        linked[index] = _replace(first, paired_with=index + 1)
        linked[index + 1] = _replace(second, paired_with=index)
    return tuple(linked)


def _replace(quantity: Quantity, **changes) -> Quantity:
    from dataclasses import replace

    return replace(quantity, **changes)


def find_quantities_in_text(text: str) -> tuple[Quantity, ...]:
    """Every travel figure in ``text`` in order (``sentence`` is 0: no sentence split)."""
    return _scan(text, lambda offset: 0)


def find_quantities(article: Article) -> tuple[Quantity, ...]:
    """Every travel figure in the article text, in order, with its sentence index."""
    starts = [sentence.start for sentence in article.sentences]
    if starts != sorted(starts):  # not from split_sentences: let the article search
        return _scan(article.text, article.sentence_of)

    def sentence_of(offset: int) -> int:  # Article.sentence_of, on the starts listed once
        return max(bisect_right(starts, offset) - 1, 0)

    return _scan(article.text, sentence_of)
