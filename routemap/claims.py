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

The mode is the travel word nearest the figure in its clause (train/rail -> rail,
car/drive/road -> road, plane/flew -> air, ship/ferry/boat -> sea, walk -> foot), else
in the sentence, else in the two sentences before, else — for a figure about a journey
with a known end — the article's most frequent mode.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from routemap.errors import RoutemapError
from routemap.models import Article, Claim, Itinerary, Leg, Mention, Place, Quantity

__all__ = [
    "MODE_WORDS",
    "mode_of_word",
    "build_claims",
    "build_itinerary",
]

MODE_WORDS: dict[str, str] = {
    "rail": r"trains?|rail(?:way|road)?s?|locomotives?|sleeper|by\s+rail|tracks|shinkansen|maglev|"
    r"TGV|KTX|Amtrak|Eurostar|metro|subway|tram|express",
    "road": r"cars?|drive|drives|drove|driving|driven|motorcade|roads?|highway|motorway|"
    r"buse?s?|coach(?:es)?|taxi|trucks?|lorry|limousine|convoy|expressway",
    "air": r"planes?|flew|fly|flies|flying|flights?|airplane|aeroplane|jets?|airliner|helicopter",
    "sea": r"ships?|ferry|ferries|boats?|sail(?:s|ed|ing)?|cruise\s+ship|vessel|voyage|steamer",
    "foot": r"walk(?:s|ed|ing)?|on\s+foot|hike[sd]?|hiking|trek(?:s|ked|king)?|marched",
}
MODE_RE = re.compile(
    "|".join(rf"\b(?P<{mode}>{words})\b" for mode, words in MODE_WORDS.items()), re.IGNORECASE
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
_FILL = r"(?:(?:the|a|an)\s+)?(?:[A-Za-z’'-]+\s+){0,4}?(?:of\s+)?,?\s*"
_SHORT_FILL = r"(?:(?:the|a|an)\s+)?(?:[A-Za-z’'-]+\s+){0,2}?(?:of\s+)?,?\s*"

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
LEAVE_RE = re.compile(
    rf"""
    (?=[lLdDsS]) \b (?: leav(?:e|es|ing) | left | depart(?:s|ed|ing)?(?:\s+from)? | set(?:s|ting)?\s+(?:off|out)\s+from )
      \s+ {_FILL} {_P.format(name="a")} (?! [’']s )
      (?: \s+ (?:[A-Za-z’'-]+\s+){{0,3}}? for \s+ {_SHORT_FILL} {_P.format(name="b")} )?
    """,
    re.VERBOSE | re.IGNORECASE,
)
TO_RE = re.compile(
    rf"""
    (?=[tTfFiIrRbBhHaAcC]) \b (?: to | for | towards? | into | reach(?:es|ed|ing)? | bound\s+for | heading\s+(?:to|for)
         | arriv(?:e|es|ed|ing|al) \s+ (?:[A-Za-z’'-]+\s+){{0,4}}? (?:in|at|on|of)
         | cross(?:es|ed|ing)? \s+ (?:the\s+border\s+)? into ) \s+ {_FILL} {_P.format(name="b")} (?! [’']s )
    """,
    re.VERBOSE | re.IGNORECASE,
)
THROUGH_RE = re.compile(
    rf"(?=[tTaAvVcC])\b(?:through|across|via|traversing|crossing)\s+{_SHORT_FILL}{_P.format(name='z')}(?![’']s)",
    re.IGNORECASE,
)
THROUGH_BEFORE_RE = re.compile(r"\b(?:through|across|via|into|in|of|at|traversing|crossing)\s+(?:the\s+)?\Z", re.IGNORECASE)
AT_RE = re.compile(
    rf"(?=[aAiI])\b(?:at|in)\s+{_FILL}{_P.format(name='a')}(?![’']s)",
    re.IGNORECASE,
)
CLAUSE_BREAK_RE = re.compile(
    r";|,\s*(?:and\s+)?then\b|\bthen\b|,\s*while\b|,\s*but\b|,\s*before\b|,\s*whereas\b|\bafter\s+which\b"
    r"|,\s*and\s+(?=(?:the|it|they|its|their)\b)|,\s*with\b|,\s*(?=(?:crossing|passing|running|winding|climbing|skirting|hugging)\b)",
    re.IGNORECASE,
)
# "some 100m from the bridge", "50 km north of": a figure that places something
POSITION_AFTER_RE = re.compile(
    r"\A\s+(?:away\s+)?(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of"
    r"|from\s+(?!⟨)(?![^,.;⟨]{0,40}\bto\b)|off\s+(?!⟨)|outside|short\s+of|inland|offshore|down\s+the\s+road|up\s+the\s+road)",
    re.IGNORECASE,
)
# a clause that measures a part of the way: "..., crossing the Gobi desert for hundreds of km"
PART_CLAUSE_RE = re.compile(r"\A\s*(?:crossing|passing|running|winding|climbing|skirting|hugging)\b", re.IGNORECASE)
WAY_BACK_RE = re.compile(r"\b(?:on\s+the\s+way\s+back|the\s+way\s+home|coming\s+back|back\s+home)\b", re.IGNORECASE)
FROM_THERE_RE = re.compile(r"\bfrom\s+(?:there|here)\b", re.IGNORECASE)
# a sentence that speaks of the article's journey without naming places
SAME_JOURNEY_RE = re.compile(
    r"\bthe\s+(?:⟦\d+⟧\s+)?(?:same\s+)?(?:[a-z-]+\s+)?(?:trip|journey|route|line|distance|two\s+cities|crossing|drive|flight|ride)\b",
    re.IGNORECASE,
)
_CITY_KINDS = frozenset({"city", "town", "village", "station", "border_crossing", "airport", "port"})


# --------------------------------------------------------------------------- helpers


_WORD_RE = re.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=4096)
def _mode_of_token(token: str) -> str | None:
    return mode_of_word(token)


def mode_of_word(word: str) -> str | None:
    """The mode a travel word names: ``"flew"`` -> ``"air"``."""
    match = MODE_RE.fullmatch(word.strip())
    return match.lastgroup if match else None


def _place(gazetteer, place_id: str | None) -> Place | None:
    if gazetteer is None or place_id is None:
        return None
    try:
        return gazetteer.get(place_id)
    except (RoutemapError, LookupError):
        return None


def _is_country(gazetteer, place_id: str | None) -> bool:
    place = _place(gazetteer, place_id)
    return place is not None and place.kind == "country"


def _is_adjective(gazetteer, mention: Mention) -> bool:
    """ "North Korean", "Vietnamese": a country named by its adjective is not a travel end."""
    if gazetteer is None:
        return False
    try:
        country = gazetteer.country_by_adjective(mention.surface)
    except (RoutemapError, LookupError, AttributeError):
        return False
    return country is not None and country.id == mention.place_id


@dataclass(frozen=True, slots=True)
class _Skeleton:
    """A sentence with mentions as ⟨i⟩ and figures as ⟦j⟧."""

    text: str
    mentions: tuple[Mention, ...]
    figure_at: dict[int, int]  # quantity index -> position of its ⟦j⟧ in text
    figure_end: dict[int, int]  # quantity index -> position after its ⟦j⟧


def _skeleton(article: Article, sentence: int, mentions: Sequence[Mention],
              quantities: Sequence[tuple[int, Quantity]]) -> _Skeleton:
    bounds = article.sentences[sentence]
    items: list[tuple[int, int, str, int]] = []
    for index, mention in enumerate(mentions):
        items.append((mention.start, mention.end, "m", index))
    for index, quantity in quantities:
        items.append((quantity.start, quantity.end, "q", index))
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


def _markers(skeleton: _Skeleton, lo: int = 0, hi: int | None = None) -> _Markers:
    text = skeleton.text
    hi = len(text) if hi is None else hi
    ids = [m.place_id for m in skeleton.mentions]

    def found(pattern: re.Pattern[str], group: str) -> tuple[tuple[int, str], ...]:
        out = []
        for match in pattern.finditer(text, lo, hi):
            if match.group(group) is not None:
                out.append((match.start(), ids[int(match.group(group))]))
        return tuple(out)

    pairs = []
    for match in PAIR_RE.finditer(text, lo, hi):
        for a, b in (("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")):
            if a == "e" and match.group(a) is not None and THROUGH_BEFORE_RE.search(text, 0, match.start()):
                continue  # "through ⟨China⟩ to ⟨Vietnam⟩": China is crossed, not left
            if match.group(a) is not None:
                first, second = ids[int(match.group(a))], ids[int(match.group(b))]
                if first != second:
                    pairs.append((match.start(), first, second))
    return _Markers(
        pairs=tuple(pairs),
        starts=found(FROM_RE, "a"),
        ends=found(TO_RE, "b"),
        through=found(THROUGH_RE, "z"),
        at=found(AT_RE, "a"),
    )


def _clause_bounds(text: str, position: int) -> tuple[int, int]:
    lo, hi = 0, len(text)
    for match in CLAUSE_BREAK_RE.finditer(text):
        if match.end() <= position:
            lo = match.end()
        elif match.start() >= position:
            hi = match.start()
            break
    return lo, hi


def _is_name_part(text: str, match: re.Match[str]) -> bool:
    """ "the Flying Scotsman", "Air Koryo": a capitalised travel word inside a sentence is a name."""
    word = match.group(0)
    if not word[:1].isupper() or match.lastgroup == "rail":
        return False
    before = text[max(0, match.start() - 16) : match.start()].rstrip()
    return bool(before) and before[-1] not in ".!?:\"“"


def _nearest_mode(text: str, position: int, lo: int = 0, hi: int | None = None) -> str | None:
    best: tuple[int, str] | None = None
    for match in MODE_RE.finditer(text, lo, len(text) if hi is None else hi):
        if _is_name_part(text, match):
            continue
        distance = min(abs(match.start() - position), abs(match.end() - position))
        if best is None or distance < best[0]:
            best = (distance, match.lastgroup)
    return best[1] if best else None


# --------------------------------------------------------------------------- article-level facts


@dataclass(slots=True)
class _ArticleFacts:
    origin: str | None
    destination: str | None
    text: str
    city_counts: Counter
    mentions_by_sentence: dict[int, list[Mention]]
    _dominant: tuple[str | None] | None = None

    @property
    def dominant_mode(self) -> str | None:
        """The article's most frequent travel mode (counted on first use only)."""
        if self._dominant is None:
            counts = Counter(
                mode
                for match in _WORD_RE.finditer(self.text)
                if (mode := _mode_of_token(match.group(0).lower())) is not None
                and not _is_name_part(self.text, match)
            )
            self._dominant = (min(counts, key=lambda m: (-counts[m], m)) if counts else None,)
        return self._dominant[0]


def _travel_mentions(article: Article, gazetteer) -> dict[int, list[Mention]]:
    by_sentence: dict[int, list[Mention]] = {}
    for mention in sorted(article.mentions, key=lambda m: (m.start, m.end)):
        if _is_adjective(gazetteer, mention):
            continue
        by_sentence.setdefault(mention.sentence, []).append(mention)
    return by_sentence


def _article_facts(article: Article, gazetteer, mentions_by_sentence: dict[int, list[Mention]]) -> _ArticleFacts:
    origin = None
    leave_for = None
    destinations: Counter = Counter()
    first_seen: dict[str, int] = {}
    city_counts: Counter = Counter()
    for sentence in range(len(article.sentences)):
        mentions = mentions_by_sentence.get(sentence, [])
        for mention in mentions:
            place = _place(gazetteer, mention.place_id)
            if place is not None and place.kind in _CITY_KINDS:
                city_counts[mention.place_id] += 1
        if not mentions:
            continue
        skeleton = _skeleton(article, sentence, mentions, ())
        ids = [m.place_id for m in mentions]
        for match in LEAVE_RE.finditer(skeleton.text):
            if origin is None:
                origin = ids[int(match.group("a"))]
            if leave_for is None and match.group("b") is not None:
                leave_for = ids[int(match.group("b"))]
        for match in PAIR_RE.finditer(skeleton.text):
            for a, b in (("a", "b"), ("c", "d"), ("g", "h")):
                if match.group(a) is not None and origin is None:
                    origin = ids[int(match.group(a))]
                    pair_to = ids[int(match.group(b))]
                    if pair_to != origin:
                        destinations[pair_to] += 1
                        first_seen.setdefault(pair_to, len(first_seen))
        for match in TO_RE.finditer(skeleton.text):
            target = ids[int(match.group("b"))]
            destinations[target] += 1
            first_seen.setdefault(target, len(first_seen))
    destination = leave_for
    if destination is None and destinations:
        destination = min(destinations, key=lambda pid: (-destinations[pid], first_seen[pid]))
    facts = _ArticleFacts(origin, destination, article.text, city_counts, mentions_by_sentence)
    if origin is not None and _is_country(gazetteer, origin):
        facts.origin = _city_in_country(gazetteer, origin, (), facts) or origin
    if destination is not None and _is_country(gazetteer, destination):
        facts.destination = _city_in_country(gazetteer, destination, (), facts, skip=origin) or destination
    return facts


def _city_in_country(gazetteer, country_id: str, sentence_mentions: Iterable[Mention],
                     facts: _ArticleFacts, skip: str | None = None) -> str | None:
    country = _place(gazetteer, country_id)
    if country is None or country.country is None:
        return None
    for mention in sentence_mentions:
        place = _place(gazetteer, mention.place_id)
        if place is not None and place.kind in _CITY_KINDS and place.country == country.country and place.id != skip:
            return place.id
    for candidate in (facts.destination, facts.origin):
        place = _place(gazetteer, candidate)
        if place is not None and place.kind in _CITY_KINDS and place.country == country.country and place.id != skip:
            return place.id
    ranked = sorted(facts.city_counts.items(), key=lambda item: -item[1])
    for place_id, _count in ranked:
        place = _place(gazetteer, place_id)
        if place is not None and place.country == country.country and place.id != skip:
            return place.id
    return None


# --------------------------------------------------------------------------- claims


def _ends_for(skeleton: _Skeleton, position: int, end_position: int) -> tuple[str | None, str | None, list[str], list[str]]:
    """(from, to, through ids, at ids before the figure) read around a figure."""
    lo, hi = _clause_bounds(skeleton.text, position)
    clause = _markers(skeleton, lo, hi)
    sentence = _markers(skeleton)
    part_only = lo > 0 and bool(PART_CLAUSE_RE.match(skeleton.text[lo:hi]))
    for markers in (clause,) if part_only else (clause, sentence):
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
    through = [z for _, z in (clause if part_only else sentence).through]
    return None, None, through, []


def _sentence_leg(article: Article, sentence: int, mentions: Sequence[Mention]) -> tuple[str, str] | None:
    """The (from, to) a sentence states outright, if any."""
    if not mentions:
        return None
    markers = _markers(_skeleton(article, sentence, mentions, ()))
    if markers.pairs:
        return markers.pairs[0][1], markers.pairs[0][2]
    if markers.starts and markers.ends:
        start = markers.starts[0][1]
        ends = [e for _, e in markers.ends if e != start]
        if ends:
            return start, ends[0]
    return None


def _claim_for(article: Article, gazetteer, facts: _ArticleFacts, skeleton: _Skeleton,
               index: int, quantity: Quantity, mentions: Sequence[Mention]) -> Claim:
    position = skeleton.figure_at[index]
    end_position = skeleton.figure_end[index]
    text = skeleton.text
    if POSITION_AFTER_RE.match(text[end_position:]):
        return Claim(quantity=quantity)
    start, end, through, at_before = _ends_for(skeleton, position, end_position)
    lo, hi = _clause_bounds(text, position)
    within = None
    via: list[str] = []
    for place_id in through:
        place = _place(gazetteer, place_id)
        if place is not None and place.kind == "country" and quantity.kind == "distance" and within is None:
            within = place.country
        elif place_id not in (start, end) and not (place is not None and place.kind == "country"):
            via.append(place_id)
    if start is None and end is not None and at_before:
        start = at_before[-1]
    if start is None and FROM_THERE_RE.search(text) and quantity.sentence > 0:
        start = _last_stop(facts, quantity.sentence - 1, gazetteer)
    clause_has_place = any(f"⟨{i}⟩" in text[lo:hi] for i in range(len(mentions)))
    if start is None and end is None and within is None and quantity.kind != "speed" and not clause_has_place:
        start, end = _inherited_leg(article, gazetteer, facts, quantity, text[lo:hi])
        if start is not None and WAY_BACK_RE.search(text):
            start, end = end, start
    # the mode: clause, sentence, the sentences before, the article
    mode = _nearest_mode(text, position, lo, hi) or _nearest_mode(text, position)
    if mode is None:
        sentence = quantity.sentence
        for back in (1, 2):
            if sentence - back < 0:
                break
            mode = _nearest_mode(article.sentence_text(sentence - back), 10**9)
            if mode is not None:
                break
    has_end = start is not None or end is not None or within is not None
    if mode is None and has_end and TRAVEL_NOUN_RE.search(text):
        mode = facts.dominant_mode
    # refine country ends to the city the article travels to or from
    if end is not None and _is_country(gazetteer, end):
        end = _city_in_country(gazetteer, end, mentions, facts, skip=start) or end
    if start is not None and _is_country(gazetteer, start):
        origin_place = _place(gazetteer, facts.origin)
        start_place = _place(gazetteer, start)
        if origin_place is not None and start_place is not None and origin_place.country == start_place.country:
            start = facts.origin
    # fill one open end from the article
    if start is None and (end is not None or within is not None) and facts.origin not in (None, end):
        start = facts.origin
    if end is None and start is not None and facts.destination not in (None, start):
        end = facts.destination
    if start is not None and start == end:
        end = None
    round_trip = "stated" if ROUND_TRIP_RE.search(text) else None
    return Claim(
        quantity=quantity, from_id=start, to_id=end, via=tuple(dict.fromkeys(via)), mode=mode,
        within=within, round_trip=round_trip,
    )


def _last_stop(facts: _ArticleFacts, sentence: int, gazetteer) -> str | None:
    """The last place (not a country) named in a sentence: where "from there" starts."""
    for mention in reversed(facts.mentions_by_sentence.get(sentence, [])):
        if not _is_country(gazetteer, mention.place_id):
            return mention.place_id
    return None


def _inherited_leg(article: Article, gazetteer, facts: _ArticleFacts, quantity: Quantity,
                   skeleton_text: str) -> tuple[str | None, str | None]:
    """Ends for a figure in a sentence that names no place: the previous sentence's leg
    ("The 20,000 km round trip was ..."), or the article's journey when the sentence
    speaks of "the trip"/"the same route"/"the two cities"."""
    if quantity.kind == "distance" and quantity.low < 1.0:
        return None, None
    if not (TRAVEL_NOUN_RE.search(skeleton_text) or SAME_JOURNEY_RE.search(skeleton_text)):
        return None, None
    if quantity.sentence > 0:
        previous = quantity.sentence - 1
        leg = _sentence_leg(article, previous, facts.mentions_by_sentence.get(previous, []))
        if leg is not None:
            return leg
    if SAME_JOURNEY_RE.search(skeleton_text) and facts.origin and facts.destination and facts.origin != facts.destination:
        return facts.origin, facts.destination
    return None, None


def _raw_claims(article: Article, quantities: Sequence[Quantity], gazetteer,
                mentions_by_sentence: dict[int, list[Mention]], facts: _ArticleFacts) -> list[Claim]:
    by_sentence: dict[int, list[tuple[int, Quantity]]] = {}
    for index, quantity in enumerate(quantities):
        by_sentence.setdefault(quantity.sentence, []).append((index, quantity))
    claims: list[Claim | None] = [None] * len(quantities)
    for sentence, items in by_sentence.items():
        mentions = mentions_by_sentence.get(sentence, [])
        skeleton = _skeleton(article, sentence, mentions, items)
        for index, quantity in items:
            if index not in skeleton.figure_at:
                claims[index] = Claim(quantity=quantity)
                continue
            claims[index] = _claim_for(article, gazetteer, facts, skeleton, index, quantity, mentions)
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


def _legs(article: Article, claims: Sequence[Claim], gazetteer,
          mentions_by_sentence: dict[int, list[Mention]] | None = None, facts: _ArticleFacts | None = None,
          ) -> tuple[Leg, ...]:
    """Legs in text order: explicit pairs and start/end clauses, and the claims' legs."""
    if mentions_by_sentence is None:
        mentions_by_sentence = _travel_mentions(article, gazetteer)
    if facts is None:
        facts = _article_facts(article, gazetteer, mentions_by_sentence)
    found: list[tuple[int, Leg]] = []
    for sentence, mentions in sorted(mentions_by_sentence.items()):
        if len(mentions) < 2:
            continue  # a leg needs two places
        skeleton = _skeleton(article, sentence, mentions, ())
        offset = article.sentences[sentence].start
        lo = 0
        boundaries = [m.start() for m in CLAUSE_BREAK_RE.finditer(skeleton.text)] + [len(skeleton.text)]
        for hi in boundaries:
            if skeleton.text.count("⟨", lo, hi) < 2:
                lo = hi
                continue
            markers = _markers(skeleton, lo, hi)
            legs: list[tuple[int, str, str]] = list(markers.pairs)
            if not legs and markers.starts:
                start = markers.starts[0][1]
                ends = [e for e in markers.ends if e[1] != start]
                if ends and MODE_RE.search(skeleton.text, lo, hi) or ends and LEAVE_RE.search(skeleton.text, lo, hi):
                    legs.append((markers.starts[0][0], start, ends[0][1]))
            for position, first, second in legs:
                mode = _nearest_mode(skeleton.text, position, lo, hi) or facts.dominant_mode
                found.append((offset + position, Leg(first, second, mode, sentence)))
            lo = hi
    for claim in claims:
        if claim.from_id and claim.to_id:
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


def build_claims(article: Article, quantities: Sequence[Quantity], gazetteer) -> tuple[Claim, ...]:
    """One :class:`Claim` per quantity (same order), with ends, mode and itinerary leg."""
    mentions_by_sentence = _travel_mentions(article, gazetteer)
    facts = _article_facts(article, gazetteer, mentions_by_sentence)
    claims = _raw_claims(article, quantities, gazetteer, mentions_by_sentence, facts)
    legs = _legs(article, claims, gazetteer, mentions_by_sentence, facts)
    out = []
    for claim in claims:
        leg = _leg_index(legs, claim)
        if leg is not None and claim.mode is None:
            claim = replace(claim, mode=legs[leg].mode)
        out.append(replace(claim, leg=leg))
    return tuple(out)


def build_itinerary(article: Article, claims: Sequence[Claim], gazetteer) -> Itinerary:
    """The article's legs in text order (the ones ``Claim.leg`` indexes)."""
    return Itinerary(legs=_legs(article, claims, gazetteer))
