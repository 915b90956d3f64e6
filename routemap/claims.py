"""Tie each figure to a leg of a journey, and build the article's itinerary.

A figure's leg comes from its sentence first.  The sentence is rewritten as a *skeleton*
in which every place mention becomes ``⟨i⟩`` and every figure ``⟦j⟧``; small compiled
patterns then read the ends off it:

* ``from ⟨a⟩ to ⟨b⟩``, ``between ⟨a⟩ and ⟨b⟩``, ``⟨a⟩-⟨b⟩``  -> both ends;
* ``left/leaving/departed/set off from ⟨a⟩``, ``from ⟨a⟩``      -> the start;
* ``to/for/into/towards ⟨b⟩``, ``arrived (on the outskirts of|in|at) ⟨b⟩``,
  ``crossed into ⟨b⟩``, ``reached ⟨b⟩``                          -> the end;
* ``through/across/via ⟨z⟩``                                     -> ``within`` (ISO code)
  when ``z`` is a country and the figure a distance, else a ``via`` place;
* ``stop at the border station of ⟨a⟩, where he will ... drive ⟦j⟧ to ⟨b⟩``: a place the
  traveller is *at* before the figure is the start when the clause names only the end.

Clauses (split at ``;``, ``, then``, ``, while`` ...) keep two legs of one sentence apart
("went from A to B by train, then flew from B to C").  When the sentence gives one end
only, the other is filled from the article: the journey's origin (the first place it
says someone *left*) and its destination (the place most often travelled *to*, refined to
a city of that country when the end is a country).  A figure with no end in its sentence
keeps open ends; a figure that places something ("some 100m from the bridge") has no leg
and no mode.

The mode is the travel word nearest the figure in its clause (train/rail/by rail -> rail,
car/drive/road/motorcade/convoy -> road, plane/flew/air/aircraft/airline -> air,
ship/ferry/boat/by sea -> sea, walk -> foot), else in the sentence, else in the two
sentences before, else — for a figure about a journey with a known end — the article's
most frequent mode: a mode word beside the figure always beats one carried over.

A speed that names no places ("the train travels at only 40kph") belongs to the leg of the
nearest claim before it that has one (in its sentence or the two before; a later claim of
its own sentence next), else to the article's main leg (origin to destination, else the
first leg); it takes that leg's ends, and its mode when it has none.  Checks then compare
it only with the figures of that leg.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from routemap.errors import RoutemapError
from routemap.models import Article, Claim, Itinerary, Leg, Mention, Place, Quantity, Sentence

__all__ = [
    "MODE_WORDS",
    "mode_of_word",
    "build_claims",
    "build_itinerary",
]

MODE_WORDS: dict[str, str] = {
    "rail": r"by\s+rail|trains?|rail(?:way|road)?s?|locomotives?|sleeper|tracks|shinkansen|maglev|"
    r"TGV|KTX|Amtrak|Eurostar|metro|subway|tram|express",
    "road": r"by\s+road|cars?|drive|drives|drove|driving|driven|motorcades?|roads?|highway|motorway|"
    r"buse?s?|coach(?:es)?|taxi|trucks?|lorry|limousine|convoys?|expressway",
    # "air" alone, but not "air conditioning", "air pollution", "air strikes" ...
    "air": r"by\s+air|planes?|flew|fly|flies|flying|flights?|airplanes?|aeroplanes?|aircraft|"
    r"airliners?|airlines?|jets?|helicopters?|"
    r"air(?!\s+(?:condition\w*|pollution|quality|purifier|raids?|strikes?|defen[cs]e|pressure|temperature))",
    "sea": r"by\s+(?:sea|boat)|ships?|ferry|ferries|boats?|sail(?:s|ed|ing)?|cruise\s+ship|vessel|voyage|steamer",
    "foot": r"walk(?:s|ed|ing)?|on\s+foot|hike[sd]?|hiking|trek(?:s|ked|king)?|marched",
}
# One word boundary around one alternation of named groups (rather than one \b...\b per mode):
# the same matches, and Python's re engine tries far fewer branches at each position.
MODE_RE = re.compile(
    r"\b(?:" + "|".join(rf"(?P<{mode}>{words})" for mode, words in MODE_WORDS.items()) + r")\b", re.IGNORECASE
)
TRAVEL_NOUN_RE = re.compile(
    r"\b(?:journey|trip|travel\w*|ride|route|voyage|drive|commute|transit|trek|run|runs|ran|line|leg|way|"
    r"distance|speed|average|take|takes|took|taking|made|make|cover\w*)\b",
    re.IGNORECASE,
)
ROUND_TRIP_RE = re.compile(
    r"\b(?:round[\s-]trip|return\s+(?:journey|trip)|there\s+and\s+back|both\s+ways|return\s+leg)\b",
    re.IGNORECASE,
)

# ---- the skeleton: ⟨i⟩ a mention, ⟦j⟧ a figure
_P = r"⟨(?P<{name}>\d+)⟩"
# words between a preposition and its place ("from the North Korean capital of ⟨a⟩"); never
# another preposition, so "from the border to ⟨b⟩" does not make ⟨b⟩ a start
_FILL_WORD = r"(?!(?:to|for|into|towards?|from|and|or|via|through|across)\b)[A-Za-z’'-]+\s+"
_FILL = rf"(?:(?:the|a|an)\s+)?(?:{_FILL_WORD}){{0,4}}?(?:of\s+)?,?\s*"
_SHORT_FILL = rf"(?:(?:the|a|an)\s+)?(?:{_FILL_WORD}){{0,2}}?(?:of\s+)?,?\s*"

PAIR_RE = re.compile(
    rf"""
    \b from \s+ {_FILL} {_P.format(name="a")} (?! [’']s )
      (?: \s* ,? \s+ (?:[A-Za-z’'-]+\s+){{0,4}}? )?
      \s* (?: to | for | on\s+to | towards? | into ) \s+ {_SHORT_FILL} {_P.format(name="b")}
  | \b between \s+ {_SHORT_FILL} {_P.format(name="c")} \s+ and \s+ {_SHORT_FILL} {_P.format(name="d")}
  | {_P.format(name="e")} \s* (?: - | – | — | to ) \s* {_P.format(name="f")}
  | \b (?: link(?:s|ed|ing)? | connect(?:s|ed|ing)? | join(?:s|ed|ing)? ) \s+ {_SHORT_FILL} {_P.format(name="g")}
      \s+ (?: and | with | to ) \s+ {_SHORT_FILL} {_P.format(name="h")}
    """,
    re.VERBOSE | re.IGNORECASE,
)
FROM_RE = re.compile(
    rf"""
    (?=[lLdDsSoOfF]) \b (?: leav(?:e|es|ing) | left | depart(?:s|ed|ing)?(?:\s+from)? | set(?:s|ting)?\s+(?:off|out)\s+from
         | out\s+of | from ) \s+ {_FILL} {_P.format(name="a")} (?! [’']s )
    """,
    re.VERBOSE | re.IGNORECASE,
)
# where a journey starts: "left ⟨a⟩", "pulled out of ⟨a⟩", "flew from ⟨a⟩", "set off from ⟨a⟩"
LEAVE_RE = re.compile(
    rf"""
    (?=[lLdDsSpPfF]) \b (?: leav(?:e|es|ing) | left | depart(?:s|ed|ing)?(?:\s+from)? | set(?:s|ting)?\s+(?:off|out)\s+from
         | pull(?:s|ed|ing)?\s+out\s+of | (?:flew|fly|flies|flying|sailed|drove)\s+(?:out\s+of|from) )
      \s+ {_FILL} {_P.format(name="a")} (?! [’']s )
      (?: \s+ (?:[A-Za-z’'-]+\s+){{0,3}}? for \s+ {_SHORT_FILL} {_P.format(name="b")} )?
    """,
    re.VERBOSE | re.IGNORECASE,
)
TO_RE = re.compile(
    rf"""
    (?=[tTfFiIrRbBhHaAcCpP]) \b (?: to | for | towards? | into | reach(?:es|ed|ing)? | bound\s+for | heading\s+(?:to|for)
         | pull(?:s|ed|ing)? \s+ in (?: to | \s+ (?:[A-Za-z’'-]+\s+){{0,4}}? (?:in|at|on|of|to) )
         | arriv(?:e|es|ed|ing|al) \s+ (?:[A-Za-z’'-]+\s+){{0,4}}? (?:in|at|on|of)
         | cross(?:es|ed|ing)? \s+ (?:the\s+border\s+)? into ) \s+ {_FILL} {_P.format(name="b")} (?! [’']s )
    """,
    re.VERBOSE | re.IGNORECASE,
)
THROUGH_RE = re.compile(
    rf"(?=[tTaAvVcCbB])\b(?:through|across|via|traversing|crossing|by\s+way\s+of)\s+{_SHORT_FILL}{_P.format(name='z')}(?![’']s)",
    re.IGNORECASE,
)
# "through ⟨a⟩, ⟨b⟩ and ⟨c⟩ to ⟨d⟩": the places of a list after "through" are crossed, not left
THROUGH_BEFORE_RE = re.compile(
    r"\b(?:through|across|via|into|in|of|at|traversing|crossing|by\s+way\s+of)\s+(?:the\s+)?(?:⟨\d+⟩\s*,?\s*(?:and\s+)?)*\Z",
    re.IGNORECASE,
)
AT_RE = re.compile(
    rf"(?=[aAiI])\b(?:at|in)\s+{_FILL}{_P.format(name='a')}(?![’']s)",
    re.IGNORECASE,
)
CLAUSE_BREAK_RE = re.compile(
    r"""
    (?=[;,ta])                      # fails fast at most positions
    (?: ;
      | , \s* (?: (?:and\s+)?then\b | while\b | but\b | before\b | whereas\b
               | and\s+(?=(?:the|it|they|its|their)\b) | with\b
               | (?=(?:crossing|passing|running|winding|climbing|skirting|hugging)\b) )
      | \b (?: then | after\s+which ) \b )
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "some 100m from the bridge", "50 km north of": a figure that places something
POSITION_AFTER_RE = re.compile(
    r"\s+(?:away\s+)?(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of"
    r"|from\s+(?!⟨)(?![^,.;⟨]{0,40}\bto\b)|off\s+(?!⟨)|outside|short\s+of|inland|offshore|down\s+the\s+road|up\s+the\s+road)",
    re.IGNORECASE,
)
# a clause that measures a part of the way: "..., crossing the Gobi desert for hundreds of km"
PART_CLAUSE_RE = re.compile(r"\s*(?:crossing|passing|running|winding|climbing|skirting|hugging)\b", re.IGNORECASE)
WAY_BACK_RE = re.compile(r"\b(?:on\s+the\s+way\s+back|the\s+way\s+home|coming\s+back|back\s+home)\b", re.IGNORECASE)
FROM_THERE_RE = re.compile(r"\bfrom\s+(?:there|here)\b", re.IGNORECASE)
# a sentence that speaks of the article's journey without naming places
SAME_JOURNEY_RE = re.compile(
    r"\bthe\s+(?:⟦\d+⟧\s+)?(?:same\s+)?(?:[a-z-]+\s+)?(?:trip|journey|route|line|distance|two\s+cities|crossing|drive|flight|ride)\b",
    re.IGNORECASE,
)
# "between ⟨a⟩ and ⟨b⟩" is a leg only in a sentence about travel ("talks between Washington and
# Pyongyang" is not)
TRAVEL_CONTEXT_RE = re.compile(
    r"\b(?:journey|trip|travel\w*|ride|route|voyage|flight|drive|driv\w+|distance|apart|links?|linked|connect\w*|"
    r"line|railway|road|highway|commute|shuttle|service|runs?|ran|⟦)",
    re.IGNORECASE,
)
# "⟨a⟩ lies ⟦j⟧ from ⟨b⟩": a figure that measures between two named places
LIES_BEFORE_RE = re.compile(
    r"⟨(?P<a>\d+)⟩,?\s+(?:(?:which|that)\s+)?(?:lies|lie|lay|is|are|was|were|sits|stands|located|situated)\b[^⟨⟦.;]{0,30}\Z",
    re.IGNORECASE,
)
LIES_AFTER_RE = re.compile(rf"\s+(?:away\s+)?from\s+{_FILL}⟨(?P<b>\d+)⟩", re.IGNORECASE)
# a place the text calls a border station/town: where "from the border" starts
BORDER_PLACE_RE = re.compile(r"\b(?:border|frontier)\b[\w\s,]{0,24}?⟨(?P<a>\d+)⟩", re.IGNORECASE)
UNNAMED_BORDER_RE = re.compile(r"\bfrom\s+(?:the|a)\s+(?:[a-z]+\s+){0,3}?(?:border|frontier)\b", re.IGNORECASE)
# "⟦j⟧ of ⟨China⟩" after crossing/covering: the part of the way inside a country
FIGURE_OF_COUNTRY_RE = re.compile(r"\s+(?:of|in|inside|within)\s+(?:the\s+)?⟨(?P<z>\d+)⟩", re.IGNORECASE)
# "From ⟨Changsha⟩ it turned ...": a sentence that carries on an earlier leg
CONTINUES_RE = re.compile(r"\A\W*(?:from\s+(?:there\b|here\b|⟨\d+⟩)|then\b|after\s+that\b|next\b)", re.IGNORECASE)
# a clause that goes on from where the one before it ended: "..., and then flew on to ⟨Hanoi⟩"
THEN_CLAUSE_RE = re.compile(r"[\s,;]*(?:and\s+)?then\b|.*\bon\s+to\b", re.IGNORECASE)
ARRIVAL_RE = re.compile(r"(?:reach|arriv|pull)", re.IGNORECASE)
# a figure about one part of the way, not the whole journey
PART_WORD_RE = re.compile(r"\b(?:stretch|section|part|leg|portion|segment|last|final|first)\b", re.IGNORECASE)
_CITY_KINDS = frozenset({"city", "town", "village", "station", "border_crossing", "airport", "port"})


# --------------------------------------------------------------------------- helpers


def mode_of_word(word: str) -> str | None:
    """The mode a travel word names: ``"flew"`` -> ``"air"``."""
    match = MODE_RE.fullmatch(word.strip())
    return match.lastgroup if match else None


class _Skeleton:
    """A sentence with mentions as ⟨i⟩ and figures as ⟦j⟧, and its markers read once per span."""

    __slots__ = ("text", "lower", "mentions", "ids", "figure_at", "figure_end", "_markers", "_raw", "_modes",
                 "_breaks")

    def __init__(self, text: str, mentions: tuple[Mention, ...], figure_at: dict[int, int],
                 figure_end: dict[int, int]) -> None:
        self.text = text
        self.lower = _lower(text)
        self._raw: dict[str, list[tuple]] | None = None
        self.mentions = mentions
        self.ids = [m.place_id for m in mentions]
        self.figure_at = figure_at  # quantity index -> position of its ⟦j⟧ in text
        self.figure_end = figure_end  # quantity index -> position after its ⟦j⟧
        self._markers: dict[tuple[int, int], _Markers] = {}
        self._modes: list[tuple[int, int, str]] | None = None
        self._breaks: list[tuple[int, int]] | None = None

    def clause_breaks(self) -> list[tuple[int, int]]:
        """(start, end) of every clause break (``;``, ``, then``, ``, while`` ...), found once."""
        if self._breaks is None:
            pattern, text = (CLAUSE_BREAK_RE, self.text) if self.lower is self.text else (_CLAUSE_BREAK_LC, self.lower)
            self._breaks = [m.span() for m in pattern.finditer(text)]
        return self._breaks

    def clause_bounds(self, position: int) -> tuple[int, int]:
        """The clause around ``position``: between the breaks before and after it."""
        lo, hi = 0, len(self.text)
        for start, end in self.clause_breaks():
            if end <= position:
                lo = end
            elif start >= position:
                hi = start
                break
        return lo, hi

    def markers(self, lo: int = 0, hi: int | None = None) -> "_Markers":
        key = (lo, len(self.text) if hi is None else hi)
        found = self._markers.get(key)
        if found is None:
            if self._raw is None:
                self._raw = _scan_markers(self)
            found = self._markers[key] = _select_markers(self._raw, *key)
        return found

    def modes(self) -> list[tuple[int, int, str]]:
        """(start, end, mode) of every travel word that is not part of a name."""
        if self._modes is None:
            self._modes = _modes_in(self.text, self.lower)
        return self._modes

    def nearest_mode(self, position: int, lo: int = 0, hi: int | None = None) -> str | None:
        hi = len(self.text) if hi is None else hi
        best: tuple[int, str] | None = None
        for start, end, mode in self.modes():
            if start < lo or end > hi:
                continue
            distance = min(abs(start - position), abs(end - position))
            if best is None or distance < best[0]:
                best = (distance, mode)
        return best[1] if best else None


def _skeleton(article: Article, sentence: int, mentions: Sequence[Mention],
              quantities: Sequence[tuple[int, Quantity]]) -> _Skeleton:
    bounds = article.sentences[sentence]
    items: list[tuple[int, int, str, int]] = [(m.start, m.end, "m", i) for i, m in enumerate(mentions)]
    items.extend((q.start, q.end, "q", i) for i, q in quantities)
    items.sort()
    parts: list[str] = []
    figure_at: dict[int, int] = {}
    figure_end: dict[int, int] = {}
    cursor = bounds.start
    length = 0
    for start, end, what, index in items:
        if start < cursor:
            continue  # overlaps an earlier item
        gap = article.text[cursor:start]
        parts.append(gap)
        length += len(gap)
        token = f"⟨{index}⟩" if what == "m" else f"⟦{index}⟧"
        if what == "q":
            figure_at[index] = length
            figure_end[index] = length + len(token)
        parts.append(token)
        length += len(token)
        cursor = end
    parts.append(article.text[cursor : max(cursor, bounds.end)])
    return _Skeleton("".join(parts), tuple(mentions), figure_at, figure_end)


@dataclass(frozen=True, slots=True)
class _Markers:
    pairs: tuple[tuple[int, str, str], ...]  # (position, from id, to id)
    starts: tuple[tuple[int, str], ...]
    ends: tuple[tuple[int, str], ...]
    through: tuple[tuple[int, str], ...]
    at: tuple[tuple[int, str], ...]
    dashes: tuple[int, ...] = ()  # positions of "⟨a⟩-⟨b⟩" pairs (a route's name, not a departure)
    arrivals: tuple[tuple[int, str], ...] = ()  # ends reached ("reached ⟨b⟩", "arrived in ⟨b⟩")

    def final_end(self, start: str | None, after: int = -1) -> tuple[int, str] | None:
        """The end a clause travels to: the last place it *reaches*, else the first it goes to."""
        arrivals = [e for e in self.arrivals if e[1] != start and e[0] > after]
        if arrivals:
            return arrivals[-1]
        ends = [e for e in self.ends if e[1] != start and e[0] > after]
        return ends[0] if ends else None


def _case_blind(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern for lower-cased text: without re.IGNORECASE, Python's re engine skips
    most positions at once, several times faster on prose."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_PAIR_LC, _FROM_LC, _TO_LC, _THROUGH_LC, _AT_LC, _LEAVE_LC, _BORDER_LC = map(
    _case_blind, (PAIR_RE, FROM_RE, TO_RE, THROUGH_RE, AT_RE, LEAVE_RE, BORDER_PLACE_RE)
)
_MODE_LC = re.compile(
    r"(?=[a-z])\b(?:" + "|".join(rf"(?P<{mode}>{words.lower()})" for mode, words in MODE_WORDS.items()) + r")\b"
)
_CLAUSE_BREAK_LC = _case_blind(CLAUSE_BREAK_RE)


def _lower(text: str) -> str:
    """``text`` lower-cased with the same offsets (unchanged when lower-casing would move them)."""
    low = text.lower()
    return low if len(low) == len(text) else text


def _scan_markers(skeleton: _Skeleton) -> dict[str, list[tuple]]:
    """Every marker of the whole sentence as ``(start, end, marker)``, the marker in its
    :class:`_Markers` form; clauses select from these by span."""
    text = skeleton.text
    low = skeleton.lower
    exact = low is text  # lower-casing moved offsets: use the case-insensitive patterns
    ids = skeleton.ids
    raw: dict[str, list[tuple]] = {"pairs": [], "dashes": [], "starts": [], "ends": [], "arrivals": [],
                                   "through": [], "at": []}
    if "⟨" not in text:
        return raw
    for match in (PAIR_RE if exact else _PAIR_LC).finditer(low):
        for a, b in (("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")):
            if match.group(a) is None:
                continue
            if a == "e" and THROUGH_BEFORE_RE.search(text, max(0, match.start() - 120), match.start()):
                continue  # "through ⟨China⟩ to ⟨Vietnam⟩": China is crossed, not left
            if a == "c" and not TRAVEL_CONTEXT_RE.search(text) and not skeleton.modes():
                continue  # "talks between ⟨Washington⟩ and ⟨Pyongyang⟩": no journey
            first, second = ids[int(match.group(a))], ids[int(match.group(b))]
            if first != second:
                raw["pairs"].append((match.start(), match.end(), (match.start(), first, second)))
                if a == "e":
                    raw["dashes"].append((match.start(), match.end(), match.start()))
    for key, pattern, group in (("starts", FROM_RE if exact else _FROM_LC, "a"), ("through", THROUGH_RE if exact else _THROUGH_LC, "z"),
                                ("at", AT_RE if exact else _AT_LC, "a")):
        raw[key] = [(m.start(), m.end(), (m.start(), ids[int(m.group(group))])) for m in pattern.finditer(low)]
    for match in (TO_RE if exact else _TO_LC).finditer(low):
        entry = (match.start(), match.end(), (match.start(), ids[int(match.group("b"))]))
        raw["ends"].append(entry)
        if ARRIVAL_RE.match(match.group(0)):
            raw["arrivals"].append(entry)
    return raw


def _select_markers(raw: dict[str, list[tuple]], lo: int, hi: int) -> _Markers:
    """The markers wholly inside ``[lo, hi)``."""
    def inside(key: str) -> tuple:
        return tuple(marker for start, end, marker in raw[key] if lo <= start and end <= hi)

    return _Markers(
        pairs=inside("pairs"), starts=inside("starts"), ends=inside("ends"), through=inside("through"),
        at=inside("at"), dashes=inside("dashes"), arrivals=inside("arrivals"),
    )


_NO_MARKERS = _Markers((), (), (), (), ())


def _modes_in(text: str, low: str) -> list[tuple[int, int, str]]:
    """(start, end, mode) of every travel word in ``text`` that is not part of a name."""
    matches = MODE_RE.finditer(text) if low is text else _MODE_LC.finditer(low)
    return [(m.start(), m.end(), m.lastgroup) for m in matches if not _is_name_part(text, m)]


def _is_name_part(text: str, match: re.Match[str]) -> bool:
    """ "the Flying Scotsman", "Air Koryo": a capitalised travel word inside a sentence is a name."""
    word = text[match.start() : match.end()]
    if not word[:1].isupper() or match.lastgroup == "rail":
        return False
    before = text[max(0, match.start() - 16) : match.start()].rstrip()
    return bool(before) and before[-1] not in ".!?:\"“"


# --------------------------------------------------------------------------- one article, read once


class _Analysis:
    """What build_claims and build_itinerary both need, computed once per article."""

    def __init__(self, article: Article, gazetteer) -> None:
        self.article = article
        self.gazetteer = gazetteer
        self._places: dict[str, Place | None] = {}
        self._adjective = _adjective_memo(gazetteer)
        self.mentions_by_sentence = self._travel_mentions()
        self._plain: dict[int, _Skeleton] = {}
        self._facts: _ArticleFacts | None = None
        self._dominant: tuple[str | None] | None = None
        self._sentence_modes: dict[int, str | None] = {}
        self._title: _Skeleton | None | bool = False
        self.place_to_place: set[int] = set()  # quantity indexes of "⟨a⟩ lies ⟦j⟧ from ⟨b⟩" figures
        self.claims_and_legs: tuple[tuple[Claim, ...], tuple[Leg, ...]] | None = None

    # ---- gazetteer look-ups, memoised
    def place(self, place_id: str | None) -> Place | None:
        if place_id is None or self.gazetteer is None:
            return None
        try:
            return self._places[place_id]
        except KeyError:
            pass
        try:
            found = self.gazetteer.get(place_id)
        except (RoutemapError, LookupError):
            found = None
        self._places[place_id] = found
        return found

    def is_country(self, place_id: str | None) -> bool:
        place = self.place(place_id)
        return place is not None and place.kind == "country"

    def is_city(self, place_id: str | None) -> bool:
        place = self.place(place_id)
        return place is not None and place.kind in _CITY_KINDS

    def _is_adjective(self, mention: Mention) -> bool:
        """ "North Korean", "Vietnamese": a country named by its adjective is not a travel end."""
        key = (mention.surface, mention.place_id)
        known = self._adjective.get(key)
        if known is None:
            known = False
            if self.gazetteer is not None:
                try:
                    country = self.gazetteer.country_by_adjective(mention.surface)
                except (RoutemapError, LookupError, AttributeError):
                    country = None
                known = country is not None and country.id == mention.place_id
            self._adjective[key] = known
        return known

    def _travel_mentions(self) -> dict[int, list[Mention]]:
        by_sentence: dict[int, list[Mention]] = {}
        for mention in sorted(self.article.mentions, key=lambda m: (m.start, m.end)):
            if not self._is_adjective(mention):
                by_sentence.setdefault(mention.sentence, []).append(mention)
        return by_sentence

    # ---- skeletons and modes
    def plain(self, sentence: int) -> _Skeleton:
        """The sentence's skeleton with mentions only."""
        skeleton = self._plain.get(sentence)
        if skeleton is None:
            skeleton = self._plain[sentence] = _skeleton(
                self.article, sentence, self.mentions_by_sentence.get(sentence, []), ()
            )
        return skeleton

    def title(self) -> _Skeleton | None:
        """The title's skeleton (its places found here: they are not in the article's mentions)."""
        if self._title is False:
            self._title = None
            title = self.article.title
            if title and self.gazetteer is not None:
                try:
                    from routemap.places import find_mentions
                    from routemap.reading import split_sentences

                    mentions = [m for m in find_mentions(title, split_sentences(title), self.gazetteer)
                                if not self._is_adjective(m)]
                except (RoutemapError, LookupError, ValueError):
                    mentions = []
                if mentions:
                    title_article = Article(self.article.source, title, None, None, (Sentence(0, 0, len(title)),), ())
                    self._title = _skeleton(title_article, 0, mentions, ())
        return self._title

    def last_mode(self, sentence: int) -> str | None:
        """The mode of a sentence's last travel word."""
        if sentence not in self._sentence_modes:
            text = self.article.sentence_text(sentence)
            modes = _modes_in(text, _lower(text))
            self._sentence_modes[sentence] = modes[-1][2] if modes else None
        return self._sentence_modes[sentence]

    def mode_before(self, sentence: int) -> str | None:
        """The mode of the nearest of the two sentences before ``sentence`` that names one."""
        for back in (1, 2):
            if sentence - back < 0:
                return None
            mode = self.last_mode(sentence - back)
            if mode is not None:
                return mode
        return None

    @property
    def dominant_mode(self) -> str | None:
        """The article's most frequent travel mode."""
        if self._dominant is None:
            text = self.article.text
            counts = Counter(mode for _, _, mode in _modes_in(text, _lower(text)))
            self._dominant = (min(counts, key=lambda m: (-counts[m], m)) if counts else None,)
        return self._dominant[0]

    def facts(self) -> "_ArticleFacts":
        if self._facts is None:
            self._facts = _article_facts(self)
        return self._facts


def _adjective_memo(gazetteer) -> dict[tuple[str, str], bool]:
    """(surface, place id) -> whether the mention is a country adjective; one table per
    gazetteer (in its cache when it has one), as the answer depends on the gazetteer only."""
    cached = getattr(gazetteer, "cached", None)
    if callable(cached):
        return cached(("routemap.claims", "adjective mentions"), dict)
    return {}


_LAST: tuple[Article, object, _Analysis] | None = None


def _analysis(article: Article, gazetteer) -> _Analysis:
    """The article's analysis, shared by build_claims and the build_itinerary call after it."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is article and last[1] is gazetteer:
        return last[2]
    analysis = _Analysis(article, gazetteer)
    _LAST = (article, gazetteer, analysis)
    return analysis


# --------------------------------------------------------------------------- article-level facts


@dataclass(slots=True)
class _ArticleFacts:
    origin: str | None
    destination: str | None
    targets: tuple[str, ...]  # places travelled to, most often first
    border_places: tuple[tuple[int, str], ...]  # (offset, place id) the text calls border places


def _article_facts(analysis: _Analysis) -> _ArticleFacts:
    """Where the article's journey starts (the first place someone *leaves*, in the title
    first) and ends (the place it leaves *for*, else the place most often travelled *to*)."""
    article = analysis.article
    origin = None
    leave_for = None
    destinations: Counter = Counter()
    first_seen: dict[str, int] = {}
    border_places: list[tuple[int, str]] = []
    skeletons: list[tuple[int, _Skeleton]] = []
    title = analysis.title()
    if title is not None:
        skeletons.append((-1, title))
    skeletons.extend((s, analysis.plain(s)) for s in sorted(analysis.mentions_by_sentence))
    for sentence, skeleton in skeletons:
        text, ids = skeleton.text, skeleton.ids
        low = skeleton.lower
        for match in (LEAVE_RE if low is text else _LEAVE_LC).finditer(low):
            if origin is None:
                origin = ids[int(match.group("a"))]
            if leave_for is None and match.group("b") is not None:
                leave_for = ids[int(match.group("b"))]
        markers = skeleton.markers()
        for position, first, second in markers.pairs:
            if position in markers.dashes:
                continue
            if origin is None:
                origin = first
            destinations[second] += 1
            first_seen.setdefault(second, len(first_seen))
        for _, target in markers.ends:
            destinations[target] += 1 if sentence >= 0 else 2
            first_seen.setdefault(target, len(first_seen))
        if sentence >= 0:
            offset = article.sentences[sentence].start
            for match in (BORDER_PLACE_RE if low is text else _BORDER_LC).finditer(low):
                border_places.append((offset + match.start(), ids[int(match.group("a"))]))
    if origin is not None:
        destinations.pop(origin, None)
    targets = tuple(sorted(destinations, key=lambda pid: (-destinations[pid], first_seen[pid])))
    destination = leave_for if leave_for is not None else (targets[0] if targets else None)
    facts = _ArticleFacts(origin, destination, targets, tuple(border_places))
    if origin is not None and analysis.is_country(origin):
        facts.origin = _city_in_country(analysis, origin, (), facts) or _home_city(analysis, origin) or origin
    if destination is not None and analysis.is_country(destination):
        facts.destination = _city_in_country(analysis, destination, (), facts, skip=facts.origin) or destination
    return facts


def _city_in_country(analysis: _Analysis, country_id: str, sentence_mentions: Iterable[Mention],
                     facts: _ArticleFacts, skip: str | None = None) -> str | None:
    """A city of a country the text travels to or from: one named in the sentence, else the
    journey's destination or origin, else the place most often travelled to there."""
    country = analysis.place(country_id)
    if country is None or country.country is None:
        return None

    def fits(place_id: str | None) -> bool:
        place = analysis.place(place_id)
        return place is not None and place.kind in _CITY_KINDS and place.country == country.country and place.id != skip

    for mention in sentence_mentions:
        if fits(mention.place_id):
            return mention.place_id
    for candidate in (facts.destination, facts.origin, *facts.targets):
        if fits(candidate):
            return candidate
    return _same_named_capital(analysis, country)


def _same_named_capital(analysis: _Analysis, country: Place) -> str | None:
    """ "Singapore": a city state's capital carries its name, so the country names the city."""
    capital = analysis.place(country.capital)
    if capital is not None and capital.name.casefold() == country.name.casefold():
        return capital.id
    return None


def _home_city(analysis: _Analysis, country_id: str) -> str | None:
    """The city a journey from a country most likely starts at: its capital when the article
    names it, else the first city of that country the article names."""
    country = analysis.place(country_id)
    if country is None or country.country is None:
        return None
    named = [m.place_id for s in sorted(analysis.mentions_by_sentence) for m in analysis.mentions_by_sentence[s]]
    if country.capital in named:
        return country.capital
    for place_id in named:
        place = analysis.place(place_id)
        if place is not None and place.kind in _CITY_KINDS and place.country == country.country:
            return place_id
    return None


def _border_place(analysis: _Analysis, facts: _ArticleFacts, offset: int, other: str | None) -> str | None:
    """The border station or town the text named last before ``offset`` (in ``other``'s
    country when there is one there): where "from the border" starts."""
    before = [pid for at, pid in facts.border_places if at < offset and pid != other]
    if not before:
        return None
    other_place = analysis.place(other)
    if other_place is not None:
        same = [pid for pid in before if (p := analysis.place(pid)) is not None and p.country == other_place.country]
        if same:
            return same[-1]
    return before[-1]


# --------------------------------------------------------------------------- claims


def _ends_for(skeleton: _Skeleton, position: int, end_position: int) -> tuple[str | None, str | None, list[str], list[str]]:
    """(from, to, through ids, at ids before the figure) read around a figure."""
    lo, hi = skeleton.clause_bounds(position)
    clause = skeleton.markers(lo, hi)
    part_only = lo > 0 and bool(PART_CLAUSE_RE.match(skeleton.text, lo, hi))
    for markers in (clause,) if part_only else (clause, skeleton.markers()):
        if markers.pairs:
            _, first, second = min(markers.pairs, key=lambda p: abs(p[0] - position))
            return first, second, [z for _, z in markers.through], []
        start = markers.starts[0][1] if markers.starts else None
        ends = [e for e in markers.ends if e[1] != start]
        after = [e for e in ends if e[0] >= end_position]
        end = (after or ends)[0][1] if ends else None
        if start is not None or end is not None:
            at_before = [pid for pos, pid in markers.at if pos < position and pid not in (start, end)]
            return start, end, [z for _, z in markers.through], at_before
    through = [z for _, z in (clause if part_only else skeleton.markers()).through]
    return None, None, through, []


def _lies_from(skeleton: _Skeleton, position: int, end_position: int) -> tuple[str, str] | None:
    """ "⟨Beijing⟩ lies some ⟦j⟧ from ⟨Pyongyang⟩": the two places a figure lies between."""
    after = LIES_AFTER_RE.match(skeleton.text, end_position)
    if after is None:
        return None
    before = LIES_BEFORE_RE.search(skeleton.text, max(0, position - 80), position)
    if before is None:
        return None
    first, second = skeleton.ids[int(before.group("a"))], skeleton.ids[int(after.group("b"))]
    return (first, second) if first != second else None


def _claim_for(analysis: _Analysis, facts: _ArticleFacts, skeleton: _Skeleton,
               index: int, quantity: Quantity) -> Claim:
    article = analysis.article
    position = skeleton.figure_at[index]
    end_position = skeleton.figure_end[index]
    text = skeleton.text
    lo, hi = skeleton.clause_bounds(position)
    lies = _lies_from(skeleton, position, end_position) if quantity.kind == "distance" else None
    if lies is not None:
        # a distance between two named places: measured as the crow flies unless a mode is named
        analysis.place_to_place.add(index)
        return Claim(quantity=quantity, from_id=lies[0], to_id=lies[1],
                     mode=skeleton.nearest_mode(position, lo, hi))
    if POSITION_AFTER_RE.match(text, end_position):
        return Claim(quantity=quantity)
    start, end, through, at_before = _ends_for(skeleton, position, end_position)
    within = None
    via: list[str] = []
    if quantity.kind == "distance":
        of_country = FIGURE_OF_COUNTRY_RE.match(text, end_position)
        if of_country is not None:  # "cross ⟦thousands of km⟧ of ⟨China⟩"
            through = [skeleton.ids[int(of_country.group("z"))], *through]
            if start is not None and start == through[0]:
                start = None
    for place_id in through:
        place = analysis.place(place_id)
        if place is not None and place.kind == "country" and quantity.kind == "distance" and within is None:
            within = place.country
        elif place_id not in (start, end) and not (place is not None and place.kind == "country"):
            via.append(place_id)
    if start is None and end is not None and at_before:
        start = at_before[-1]
    if start is None and FROM_THERE_RE.search(text) and quantity.sentence > 0:
        start = _last_stop(analysis, quantity.sentence - 1)
    sentence_offset = article.sentences[quantity.sentence].start
    if start is not None and _is_border_surface(skeleton, start):
        start = _border_place(analysis, facts, sentence_offset, end) or None
    unnamed_start = start is None and UNNAMED_BORDER_RE.search(text, lo, hi) is not None
    if unnamed_start:  # "the road from the border to ⟨Hanoi⟩"
        start = _border_place(analysis, facts, sentence_offset, end)
    clause_has_place = "⟨" in text[lo:hi]
    if start is None and end is None and within is None and quantity.kind != "speed" and not clause_has_place:
        start, end = _inherited_leg(analysis, facts, quantity, text[lo:hi])
        if start is not None and WAY_BACK_RE.search(text):
            start, end = end, start
    # the mode: clause, sentence, the sentences before, the article
    mode = skeleton.nearest_mode(position, lo, hi) or skeleton.nearest_mode(position)
    if mode is None:
        mode = analysis.mode_before(quantity.sentence)
    has_end = start is not None or end is not None or within is not None
    if mode is None and has_end and TRAVEL_NOUN_RE.search(text):
        mode = analysis.dominant_mode
    # refine country ends to the city the article travels to or from
    if end is not None and analysis.is_country(end):
        end = _city_in_country(analysis, end, skeleton.mentions, facts, skip=start) or end
    if start is not None and analysis.is_country(start):
        origin_place = analysis.place(facts.origin)
        start_place = analysis.place(start)
        if origin_place is not None and start_place is not None and origin_place.country == start_place.country:
            start = facts.origin
    # fill one open end from the article
    if start is None and not unnamed_start and (end is not None or within is not None) and facts.origin not in (None, end):
        start = facts.origin
    if end is None and start is not None and facts.destination not in (None, start):
        end = facts.destination
    if start is not None and start == end:
        end = None
    round_trip = "stated" if quantity.kind != "speed" and ROUND_TRIP_RE.search(text) else None
    return Claim(
        quantity=quantity, from_id=start, to_id=end, via=tuple(dict.fromkeys(via)), mode=mode,
        within=within, round_trip=round_trip,
    )


def _is_border_surface(skeleton: _Skeleton, place_id: str) -> bool:
    """ "from a station on the ⟨Chinese border⟩": the mention names a border, not a place to start."""
    return any(m.place_id == place_id and m.surface.lower().endswith(("border", "frontier")) for m in skeleton.mentions)


def _last_stop(analysis: _Analysis, sentence: int) -> str | None:
    """The last place (not a country) named in a sentence: where "from there" starts."""
    for mention in reversed(analysis.mentions_by_sentence.get(sentence, [])):
        if not analysis.is_country(mention.place_id):
            return mention.place_id
    return None


def _sentence_leg(analysis: _Analysis, sentence: int) -> tuple[str, str] | None:
    """The (from, to) a sentence states outright, if any (its last end when it names several)."""
    if not analysis.mentions_by_sentence.get(sentence):
        return None
    skeleton = analysis.plain(sentence)
    markers = skeleton.markers()
    if markers.pairs:
        position, first, second = markers.pairs[0]
        lo, hi = skeleton.clause_bounds(position)
        later = skeleton.markers(lo, hi).arrivals
        later = [e for e in later if e[0] > position and e[1] != first]
        return first, (later[-1][1] if later else second)
    if markers.starts:
        end = markers.final_end(markers.starts[0][1])
        if end is not None:
            return markers.starts[0][1], end[1]
    return None


def _journey_start(analysis: _Analysis, sentence: int, start: str) -> str:
    """Where a journey carried on in ``sentence`` ("From ⟨Changsha⟩ it turned ...") began:
    the start of the leg in an earlier sentence that passed through ``start``."""
    if not CONTINUES_RE.match(analysis.plain(sentence).text):
        return start
    for earlier in range(sentence - 1, max(-1, sentence - 4), -1):
        mentions = analysis.mentions_by_sentence.get(earlier, [])
        if not any(m.place_id == start for m in mentions):
            continue
        skeleton = analysis.plain(earlier)
        leave = LEAVE_RE.search(skeleton.text) or FROM_RE.search(skeleton.text)
        if leave is not None:
            first = skeleton.ids[int(leave.group("a"))]
            if first != start:
                return first
    return start


def _inherited_leg(analysis: _Analysis, facts: _ArticleFacts, quantity: Quantity,
                   skeleton_text: str) -> tuple[str | None, str | None]:
    """Ends for a figure in a sentence that names no place: the previous sentence's leg
    ("The 20,000 km round trip was ..."; from the journey's start when that sentence carries
    on an earlier one and the figure is not about a part of the way), or the article's
    journey when the sentence speaks of "the trip"/"the same route"/"the two cities"."""
    if quantity.kind == "distance" and quantity.low < 1.0:
        return None, None
    if not (TRAVEL_NOUN_RE.search(skeleton_text) or SAME_JOURNEY_RE.search(skeleton_text)):
        return None, None
    if quantity.sentence > 0:
        previous = quantity.sentence - 1
        leg = _sentence_leg(analysis, previous)
        if leg is not None:
            if not PART_WORD_RE.search(skeleton_text):
                leg = (_journey_start(analysis, previous, leg[0]), leg[1])
            return leg
    if SAME_JOURNEY_RE.search(skeleton_text) and facts.origin and facts.destination and facts.origin != facts.destination:
        return facts.origin, facts.destination
    return None, None


def _raw_claims(analysis: _Analysis, quantities: Sequence[Quantity]) -> list[Claim]:
    article = analysis.article
    facts = analysis.facts()
    by_sentence: dict[int, list[tuple[int, Quantity]]] = {}
    for index, quantity in enumerate(quantities):
        by_sentence.setdefault(quantity.sentence, []).append((index, quantity))
    claims: list[Claim | None] = [None] * len(quantities)
    for sentence, items in by_sentence.items():
        mentions = analysis.mentions_by_sentence.get(sentence, [])
        skeleton = _skeleton(article, sentence, mentions, items)
        for index, quantity in items:
            if index not in skeleton.figure_at:
                claims[index] = Claim(quantity=quantity)
                continue
            claims[index] = _claim_for(analysis, facts, skeleton, index, quantity)
    # a conversion shares its partner's leg, and each keeps the other as its pair
    for index, quantity in enumerate(quantities):
        partner = quantity.paired_with
        claim = claims[index]
        if partner is None or not 0 <= partner < len(quantities) or claim is None:
            continue
        lead = claims[min(index, partner)]
        claims[index] = replace(
            claim, from_id=lead.from_id, to_id=lead.to_id, via=lead.via, mode=lead.mode,
            within=lead.within, round_trip=lead.round_trip, pair=quantities[partner],
        )
    return [c for c in claims if c is not None]


# --------------------------------------------------------------------------- the itinerary


def _refine_leg_end(analysis: _Analysis, facts: _ArticleFacts, skeleton: _Skeleton, lo: int, hi: int,
                    place_id: str, position: int, other: str) -> str | None:
    """A leg end that is a country becomes a city of it: the one the clause names after it
    ("crossed into ⟨China⟩ at ⟨Dandong⟩"), else the one the article travels to or from.
    ``None`` when there is none: the country was passed through, not a stop."""
    if not analysis.is_country(place_id):
        return place_id
    country = analysis.place(place_id).country
    text = skeleton.text
    for match in re.finditer(r"⟨(\d+)⟩", text[position:hi]):
        candidate = skeleton.ids[int(match.group(1))]
        place = analysis.place(candidate)
        if candidate != other and place is not None and place.kind in _CITY_KINDS and place.country == country:
            return candidate
    for candidate in (facts.destination, facts.origin, *facts.targets):
        place = analysis.place(candidate)
        if candidate != other and place is not None and place.kind in _CITY_KINDS and place.country == country:
            return candidate
    return _same_named_capital(analysis, analysis.place(place_id))


def _clause_legs(analysis: _Analysis, facts: _ArticleFacts, sentence: int) -> list[tuple[int, Leg]]:
    """The legs a sentence states: explicit pairs, and start/end clauses with a travel word;
    a clause naming only where the traveller went next ("then flew on to ⟨Hanoi⟩") carries
    on from the previous clause's leg."""
    article = analysis.article
    skeleton = analysis.plain(sentence)
    text = skeleton.text
    offset = article.sentences[sentence].start
    found: list[tuple[int, Leg]] = []
    lo = 0
    boundaries = [start for start, _ in skeleton.clause_breaks()] + [len(text)]
    previous_end: str | None = None
    for hi in boundaries:
        count = text.count("⟨", lo, hi)
        if count == 0:
            lo = hi
            continue
        markers = skeleton.markers(lo, hi)
        legs: list[tuple[int, str, str, int]] = []
        for position, first, second in markers.pairs:
            later = [e for e in markers.arrivals if e[0] > position and e[1] != first]
            if len(markers.pairs) == 1 and later:  # "from ⟨a⟩ ... to ⟨b⟩ and reached ⟨c⟩"
                legs.append((position, first, later[-1][1], later[-1][0]))
            else:
                legs.append((position, first, second, position))
        travel = (any(lo <= start and end <= hi for start, end, _ in skeleton.modes())
                  or (bool(markers.starts) and LEAVE_RE.search(text, lo, hi) is not None))
        if not legs and markers.starts and count >= 2 and travel:
            start = markers.starts[0][1]
            end = markers.final_end(start)
            if end is not None:
                legs.append((markers.starts[0][0], start, end[1], end[0]))
        if (not legs and not markers.starts and markers.ends and previous_end is not None and travel
                and THEN_CLAUSE_RE.match(text, lo, hi)):
            end_position, end = markers.ends[-1]
            if end != previous_end:
                legs.append((end_position, previous_end, end, end_position))
        for position, first, second, second_at in legs:
            if _is_border_surface(skeleton, first):  # "from a station on the ⟨Chinese border⟩"
                first = _border_place(analysis, facts, offset + position, second)
                if first is None:
                    continue
            first = _refine_leg_end(analysis, facts, skeleton, lo, hi, first, position, second)
            second = _refine_leg_end(analysis, facts, skeleton, lo, hi, second, second_at, first or "")
            if first is None or second is None or first == second:
                continue
            mode = (skeleton.nearest_mode(position, lo, hi) or skeleton.nearest_mode(position)
                    or analysis.mode_before(sentence) or analysis.dominant_mode)
            found.append((offset + position, Leg(first, second, mode, sentence)))
            previous_end = second
        lo = hi
    return found


def _legs(analysis: _Analysis, claims: Sequence[Claim]) -> tuple[Leg, ...]:
    """Legs in text order: explicit pairs and start/end clauses, and the claims' legs."""
    facts = analysis.facts()
    found: list[tuple[int, Leg]] = []
    for sentence in sorted(analysis.mentions_by_sentence):
        found.extend(_clause_legs(analysis, facts, sentence))
    for claim in claims:
        if (claim.from_id and claim.to_id and claim.mode is not None
                and not analysis.is_country(claim.from_id) and not analysis.is_country(claim.to_id)):
            found.append((claim.quantity.start, Leg(claim.from_id, claim.to_id, claim.mode, claim.quantity.sentence)))
    found.sort(key=lambda item: item[0])
    legs_by_key: dict[tuple[str, str], Leg] = {}
    for _, leg in found:
        key = (leg.from_id, leg.to_id)
        if key in legs_by_key or (leg.to_id, leg.from_id) in legs_by_key:
            known_key = key if key in legs_by_key else (leg.to_id, leg.from_id)
            known = legs_by_key[known_key]
            if known.mode is None and leg.mode is not None:
                legs_by_key[known_key] = replace(known, mode=leg.mode)
            continue
        legs_by_key[key] = leg
    return tuple(legs_by_key.values())


def _leg_index(legs: Sequence[Leg], claim: Claim) -> int | None:
    if not (claim.from_id and claim.to_id):
        return None
    for index, leg in enumerate(legs):
        if (leg.from_id, leg.to_id) in ((claim.from_id, claim.to_id), (claim.to_id, claim.from_id)):
            return index
    return None


SPEED_LEG_SENTENCES = 2
"""A speed that names no leg belongs to the leg of the nearest claim before it in its own
sentence or this many sentences before it."""


def _speeds_on_legs(analysis: _Analysis, claims: Sequence[Claim], legs: Sequence[Leg]) -> tuple[Claim, ...]:
    """Tie each speed with open ends ("the train travels at only 40kph") to a leg: that of the
    nearest claim before it that has one, in its sentence or the two before (a later claim of
    its own sentence next), else the article's main leg.  A leg travelled in another mode
    than the speed's is skipped.  The speed takes the leg's ends, and its mode when it has none."""
    if not legs:
        return tuple(claims)
    out = list(claims)
    for index, claim in enumerate(claims):
        q = claim.quantity
        if (q.kind != "speed" or claim.leg is not None or claim.from_id is not None or claim.to_id is not None
                or claim.within is not None):
            continue

        def fits(leg_index: int | None) -> bool:
            return leg_index is not None and (claim.mode is None or legs[leg_index].mode in (None, claim.mode))

        before = [c for c in reversed(claims[:index]) if q.sentence - SPEED_LEG_SENTENCES <= c.quantity.sentence]
        after = [c for c in claims[index + 1 :] if c.quantity.sentence == q.sentence]
        leg = next((c.leg for c in (*before, *after) if fits(c.leg)), None)
        if leg is None:
            leg = next((i for i in _main_legs(analysis, legs) if fits(i)), None)
        if leg is None:
            continue
        chosen = legs[leg]
        out[index] = replace(claim, from_id=chosen.from_id, to_id=chosen.to_id, mode=claim.mode or chosen.mode, leg=leg)
    return tuple(out)


def _main_legs(analysis: _Analysis, legs: Sequence[Leg]) -> list[int]:
    """Leg indexes, the article's main leg first: the one from its origin to its
    destination when it has one, else the first leg."""
    facts = analysis.facts()
    main = [i for i, leg in enumerate(legs) if (leg.from_id, leg.to_id) == (facts.origin, facts.destination)]
    return main + [i for i in range(len(legs)) if i not in main]


def build_claims(article: Article, quantities: Sequence[Quantity], gazetteer) -> tuple[Claim, ...]:
    """One :class:`Claim` per quantity (same order), with ends, mode and itinerary leg."""
    analysis = _analysis(article, gazetteer)
    analysis.place_to_place.clear()
    claims = _raw_claims(analysis, quantities)
    legs = _legs(analysis, claims)
    out = []
    for index, claim in enumerate(claims):
        if index in analysis.place_to_place and claim.mode is None:
            out.append(claim)  # as the crow flies: not a leg of the journey
            continue
        leg = _leg_index(legs, claim)
        if leg is not None and claim.mode is None:
            claim = replace(claim, mode=legs[leg].mode)
        out.append(replace(claim, leg=leg))
    result = _speeds_on_legs(analysis, out, legs)
    analysis.claims_and_legs = (result, legs)
    return result


def build_itinerary(article: Article, claims: Sequence[Claim], gazetteer) -> Itinerary:
    """The article's legs in text order (the ones ``Claim.leg`` indexes)."""
    analysis = _analysis(article, gazetteer)
    known = analysis.claims_and_legs
    if known is not None and (known[0] is claims or tuple(claims) == known[0]):
        return Itinerary(legs=known[1])
    return Itinerary(legs=_legs(analysis, claims))
