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

How the patterns are run (speed only; every result is the one ``finditer`` gives per
sentence): the skeletons of an article's sentences with places, and those of its sentences
with figures, are each joined by NUL into one lower-cased text (:class:`_Batch`).  One
Aho–Corasick pass over it finds where each pattern's leading words occur (read off the
compiled pattern by :func:`_leading_words`, with the ``\\b`` before and the space after
they need), and the pattern is tried there only (:class:`_Scan`), once per article rather
than once per sentence, and only when some sentence first needs its markers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from operator import attrgetter
from dataclasses import dataclass, replace
from typing import Iterable, NamedTuple, Sequence

import ahocorasick

from routemap.errors import RoutemapError
from routemap.models import Article, Claim, Itinerary, Leg, Mention, Place, Quantity, Sentence
from routemap.reading import CASE_FOLD_TRAPS

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

# after the ⟨ of "⟨a⟩-⟨b⟩" (also the condition for a pair to start at a ⟨, see _Scan)
_DASH_PAIR_REST = r"(?P<e>\d+)⟩ \s* (?: - | – | — | to ) \s* ⟨(?P<f>\d+)⟩"
PAIR_RE = re.compile(
    rf"""
    \b from \s+ {_FILL} {_P.format(name="a")} (?! [’']s )
      (?: \s* ,? \s+ (?:[A-Za-z’'-]+\s+){{0,4}}? )?
      \s* (?: to | for | on\s+to | towards? | into ) \s+ {_SHORT_FILL} {_P.format(name="b")}
  | \b between \s+ {_SHORT_FILL} {_P.format(name="c")} \s+ and \s+ {_SHORT_FILL} {_P.format(name="d")}
  | ⟨{_DASH_PAIR_REST}
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
# after the comma of a clause break (also the condition for a break to start at a comma)
_BREAK_AFTER_COMMA = r"""
    \s* (?: (?:and\s+)?then\b | while\b | but\b | before\b | whereas\b
          | and\s+(?=(?:the|it|they|its|their)\b) | with\b
          | (?=(?:crossing|passing|running|winding|climbing|skirting|hugging)\b) )"""
CLAUSE_BREAK_RE = re.compile(
    rf"""
    (?=[;,ta])                      # fails fast at most positions
    (?: ;
      | , {_BREAK_AFTER_COMMA}
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


def _lower(text: str) -> str:
    """``text`` lower-cased with the same offsets; unchanged when lower-casing would move them,
    or when the text holds a letter that re.IGNORECASE reads as an ASCII letter that lower-casing
    does not give (``ı``, ``ſ``: :data:`routemap.reading.CASE_FOLD_TRAPS`); then the
    case-insensitive patterns run on the text as written."""
    low = text.lower()
    if len(low) != len(text) or CASE_FOLD_TRAPS.search(low):
        return text
    return low


# ---- scanning a text for one pattern, tried only where its leading words occur


class _Lead(NamedTuple):
    """How a match can start: with ``word``, after a ``\\b`` (``bounded``), and with a space
    (``\\s``) right after the word (``spaced``)."""

    word: str
    bounded: bool
    spaced: bool


def _leading_words(pattern: re.Pattern[str], limit: int = 4096) -> list[_Lead] | None:
    """The literal strings one of which every match of ``pattern`` starts with, read off the
    parsed pattern (zero-width assertions such as ``\\b`` or ``(?=...)`` skipped, a repeat
    read as its first time round, a ``\\s`` after a word noted), none covered by a shorter
    one, with what must come before and after them; ``None`` when a match could start with
    anything (or the pattern uses a construct this walk does not know: the caller then tries
    every position)."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        from re import _constants as sre, _parser

        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - another Python's private parser
        return None
    space = object()  # stands for \s in the walk

    # each walk maps a word to (bounded, whole, spaced): whole = the match so far is that
    # word and nothing more, so the next items may follow it
    def add(words: dict, word: str, bounded: bool, whole: bool, spaced: bool) -> None:
        known = words.get(word)
        words[word] = (bounded, whole, spaced) if known is None else (
            known[0] and bounded, known[1] and whole, known[2] and spaced)
        if len(words) > limit:
            raise OverflowError

    def item(op, arg) -> dict | object | None:
        """The words one item of a pattern starts with (``space`` for \\s, ``None``: unknown)."""
        if op is sre.LITERAL:
            return {chr(arg): (False, True, False)}
        if op is sre.IN and all(kind is sre.LITERAL for kind, _ in arg):
            return {chr(code): (False, True, False) for _, code in arg}
        if op is sre.IN and arg == [(sre.CATEGORY, sre.CATEGORY_SPACE)]:
            return space
        if op is sre.SUBPATTERN and not arg[1] & re.IGNORECASE:
            return sequence(arg[-1])
        if op is sre.BRANCH:
            words: dict = {}
            for branch in arg[1]:
                for word, flags in sequence(branch).items():
                    add(words, word, *flags)
            return words
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:  # its first time round, then stop
            inner = list(arg[2])
            first = item(*inner[0]) if len(inner) == 1 else sequence(inner)
            if first is space or first is None:
                return first
            return {word: (bounded, False, spaced) for word, (bounded, _, spaced) in first.items()}
        return None

    def sequence(items) -> dict:
        words: dict = {"": (False, True, False)}
        for op, arg in items:
            if not any(whole for _, whole, _ in words.values()):
                break
            if op is sre.AT and arg in (sre.AT_BOUNDARY, sre.AT_UNI_BOUNDARY):
                words = {w: (bounded or (whole and not w), whole, spaced) for w, (bounded, whole, spaced) in words.items()}
                continue
            if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
                continue  # matches no character
            tails = item(op, arg)
            grown: dict = {}
            for word, (bounded, whole, spaced) in words.items():
                if not whole or tails is None:
                    add(grown, word, bounded, False, spaced)
                elif tails is space:
                    add(grown, word, bounded, False, bool(word))
                else:
                    for tail, (tail_bounded, tail_whole, tail_spaced) in tails.items():
                        add(grown, word + tail, bounded if word else bounded or tail_bounded, tail_whole,
                            tail_spaced)
            words = grown
        return words

    try:
        words = sequence(parsed)
    except Exception:  # too many words, or a parse tree this walk does not know: try everywhere
        return None
    if "" in words:
        return None
    kept: list[_Lead] = []
    for word in sorted(words, key=len):
        bounded, _, spaced = words[word]
        # left out when a shorter word's tries already cover it
        if not any(word.startswith(k.word) and not k.spaced and (bounded or not k.bounded) for k in kept):
            kept.append(_Lead(word, bounded, spaced))
    return sorted(kept)


class _Scan:
    """A pattern run over whole sentences (``finditer``), in the two forms the stage uses:
    ``exact`` (re.IGNORECASE) on the text as written, and ``blind`` (case-sensitive, several
    times faster) on its lower-cased copy when that keeps the offsets.

    The blind form is tried only where one of its leading words occurs (and not inside a word
    when the pattern puts ``\\b`` before it): an Aho–Corasick pass finds them all, then
    ``blind.match`` runs at each, left to right, from the end of the last match on.  As every
    match starts at one of these words, that gives exactly ``finditer``'s matches while the
    regex engine visits a few positions per sentence instead of every one.

    ``needs_place``: every match holds a place ``⟨i⟩`` after its start, so none starts at or
    after the last one.  ``free_starts``: patterns, each led by one of the leading words that
    are not after a ``\\b`` (``⟨``, ``,``), finding where a match can start at such a word more
    narrowly than the word alone; they replace the Aho–Corasick pass for those words."""

    __slots__ = ("exact", "blind", "needs_place", "free_starts", "leads", "automaton")

    def __init__(self, exact: re.Pattern[str], blind: re.Pattern[str], needs_place: bool,
                 free_starts: tuple[re.Pattern[str], ...] = ()) -> None:
        self.exact = exact
        self.blind = blind
        self.needs_place = needs_place
        self.free_starts = free_starts
        leads = _leading_words(blind)
        if leads is not None and free_starts:
            free = {lead.word for lead in leads if not lead.word[0].isalnum()}
            led_by = {lead.word for start in free_starts for lead in _leading_words(start) or [_Lead("", False, False)]}
            if led_by != free:
                raise ValueError(f"{blind.pattern!r}: free_starts lead with {led_by}, not {free}")
            leads = [lead for lead in leads if lead.word not in free]
        self.leads = leads  # None: try everywhere
        self.automaton = None if leads is None else _ScanSet(self)

    def find(self, text: str, low: str) -> list[re.Match[str]]:
        """The matches in ``text`` (``low`` is its :func:`_lower` copy), as ``finditer`` gives them."""
        if low is text:  # lower-casing moved offsets: the case-insensitive pattern on the text
            return list(self.exact.finditer(text))
        return self.find_blind(low, 0, len(low))

    def find_blind(self, low: str, lo: int, hi: int) -> list[re.Match[str]]:
        """``blind.finditer(low, lo, hi)``: ``hi`` is the end of ``low`` or a NUL, which no
        match reaches over."""
        if self.automaton is None:
            return list(self.blind.finditer(low, lo, hi))
        limit = low.rfind("⟨", lo, hi) if self.needs_place else hi
        if limit <= lo:
            return []
        return self.chain(low, self.automaton.starts(low, lo, limit)[0])

    def chain(self, low: str, starts: Sequence[int]) -> list[re.Match[str]]:
        """The matches of ``blind`` at ``starts`` (sorted), each tried past the last match, as
        ``finditer`` tries every position."""
        found = []
        after = 0
        match = self.blind.match
        for start in starts:
            if start >= after:
                hit = match(low, start)
                if hit is not None:
                    found.append(hit)
                    after = hit.end()
        return found


class _ScanSet:
    """The places where several scans' matches can start, for all of them in one
    Aho–Corasick pass (then each scan's ``free_starts``)."""

    __slots__ = ("scans", "slots", "automaton")

    def __init__(self, *scans: _Scan) -> None:
        self.scans = scans
        self.slots = {scan: slot for slot, scan in enumerate(scans)}
        by_word: dict[str, list[int]] = {}
        checks: dict[str, tuple[bool, bool]] = {}
        for slot, scan in enumerate(scans):
            if scan.leads is None:
                continue  # no leading words known: _Batch.run tries it everywhere (finditer)
            for word, bounded, spaced in scan.leads:
                by_word.setdefault(word, []).append(slot)
                # a \b before a word: its tries inside a word are left out at once (and those
                # not followed by a space, when it needs one); one word of several scans gets
                # the checks all of them make
                bounded = bounded and word[0].isalnum()
                known = checks.get(word, (bounded, spaced))
                checks[word] = (known[0] and bounded, known[1] and spaced)
        self.automaton = None
        if by_word:
            automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY)
            for word, slots in by_word.items():
                automaton.add_word(word, (len(word) - 1, tuple(slots), *checks[word]))
            automaton.make_automaton()
            self.automaton = automaton

    def starts(self, low: str, lo: int, hi: int) -> list[list[int]]:
        """For each scan, the sorted positions in ``low[lo:hi]`` where a match can start."""
        found: list[list[int]] = [[] for _ in self.scans]
        if self.automaton is not None:
            for end, (back, slots, bounded, spaced) in self.automaton.iter(low, lo, hi):
                start = end - back
                if bounded and start and low[start - 1].isalnum():
                    continue
                if spaced and not low[end + 1 : end + 2].isspace():
                    continue
                for slot in slots:
                    found[slot].append(start)
        for scan, starts in zip(self.scans, found):
            for free_start in scan.free_starts:
                for match in free_start.finditer(low, lo):  # its lookahead may read past hi
                    if match.start() >= hi:
                        break
                    starts.append(match.start())
            starts.sort()
        return found


def _case_blind(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern for lower-cased text: without re.IGNORECASE, Python's re engine skips
    most positions at once, several times faster on prose."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_MODE_LC = re.compile(
    r"(?=[a-z])\b(?:" + "|".join(rf"(?P<{mode}>{words.lower()})" for mode, words in MODE_WORDS.items()) + r")\b"
)
_FROM_SCAN, _TO_SCAN, _THROUGH_SCAN, _AT_SCAN, _LEAVE_SCAN, _BORDER_SCAN = (
    _Scan(pattern, _case_blind(pattern), needs_place=True)
    for pattern in (FROM_RE, TO_RE, THROUGH_RE, AT_RE, LEAVE_RE, BORDER_PLACE_RE)
)
# a pair starting at a ⟨ is a "⟨a⟩-⟨b⟩"; a clause break starting at a comma has its word after it
_PAIR_SCAN = _Scan(PAIR_RE, _case_blind(PAIR_RE), needs_place=True,
                   free_starts=(re.compile(rf"⟨(?={_DASH_PAIR_REST})", re.VERBOSE),))
_CLAUSE_BREAK_SCAN = _Scan(CLAUSE_BREAK_RE, _case_blind(CLAUSE_BREAK_RE), needs_place=False,
                           free_starts=(re.compile(";"), re.compile(rf",(?={_BREAK_AFTER_COMMA})", re.VERBOSE)))
_MODE_SCAN = _Scan(MODE_RE, _MODE_LC, needs_place=False)
# the patterns run over all of an article's sentences at once: for the facts and legs (the
# sentences with places; their travel words, needed for a few, are read per sentence), and
# for the claims (the sentences with figures)
_PLAIN_SCANS = _ScanSet(_PAIR_SCAN, _TO_SCAN, _LEAVE_SCAN, _BORDER_SCAN, _FROM_SCAN, _CLAUSE_BREAK_SCAN)
_FIGURE_SCANS = _ScanSet(_CLAUSE_BREAK_SCAN, _PAIR_SCAN, _FROM_SCAN, _TO_SCAN, _THROUGH_SCAN, _AT_SCAN, _MODE_SCAN)


def _modes_in(text: str, low: str) -> list[tuple[int, int, str]]:
    """(start, end, mode) of every travel word in ``text`` that is not part of a name."""
    return _travel_words(text, _MODE_SCAN.find(text, low), 0)


def _travel_words(text: str, matches: Iterable[re.Match[str]], offset: int) -> list[tuple[int, int, str]]:
    """(start, end, mode) in ``text`` of the mode matches (found at ``offset`` in a longer
    text) that are not part of a name."""
    found = []
    for match in matches:
        start, end = match.start() - offset, match.end() - offset
        if not _is_name_part(text, start, end, match.lastgroup):
            found.append((start, end, match.lastgroup))
    return found


def _is_name_part(text: str, start: int, end: int, mode: str) -> bool:
    """ "the Flying Scotsman", "Air Koryo": a capitalised travel word inside a sentence is a name."""
    if not text[start : start + 1].isupper() or mode == "rail":
        return False
    before = text[max(0, start - 16) : start].rstrip()
    return bool(before) and before[-1] not in ".!?:\"“"


# ---- the skeleton of a sentence


class _Skeleton:
    """A sentence with mentions as ⟨i⟩ and figures as ⟦j⟧.  Each pattern is run over it once,
    when first needed (with the other sentences of its :class:`_Batch`, if any), and its
    markers are selected per span (a clause, or all of it); ``memo`` keeps all of these."""

    __slots__ = ("text", "mentions", "ids", "figure_at", "figure_end", "batch", "offset", "memo")

    def __init__(self, text: str, mentions: Sequence[Mention], figure_at: dict[int, int],
                 figure_end: dict[int, int]) -> None:
        self.text = text
        self.mentions = mentions
        self.ids = [m.place_id for m in mentions]
        self.figure_at = figure_at  # quantity index -> position of its ⟦j⟧ in text
        self.figure_end = figure_end  # quantity index -> position after its ⟦j⟧
        self.batch: _Batch | None = None
        self.offset = 0  # where the text starts in the batch's (match positions count from there)
        self.memo: dict = {}

    def found(self, scan: _Scan) -> Sequence[re.Match[str]]:
        """The matches of one pattern over the whole sentence, found once (in the batch's text
        when the skeleton has a batch: take ``offset`` from their positions)."""
        found = self.memo.get(scan)
        if found is None:
            batch = self.batch
            if batch is None:
                found = scan.find(self.text, _lower(self.text))
            elif scan in batch.scans.slots:
                if scan not in batch.ran:
                    batch.run(scan)
                found = self.memo.get(scan, ())
            else:
                found = scan.find_blind(batch.text, self.offset, self.offset + len(self.text))
            self.memo[scan] = found
        return found

    def has(self, pattern: re.Pattern[str]) -> bool:
        """Whether ``pattern`` occurs anywhere in the sentence (searched once)."""
        known = self.memo.get(pattern)
        if known is None:
            known = self.memo[pattern] = pattern.search(self.text) is not None
        return known

    def clause_breaks(self) -> list[tuple[int, int]]:
        """(start, end) of every clause break (``;``, ``, then``, ``, while`` ...), found once."""
        breaks = self.memo.get("breaks")
        if breaks is None:
            offset = self.offset
            breaks = self.memo["breaks"] = [(m.start() - offset, m.end() - offset) for m in self.found(_CLAUSE_BREAK_SCAN)]
        return breaks

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

    def raw(self, kind: str) -> Sequence[tuple]:
        """Every marker of one kind in the sentence as ``(start, end, marker)``, the marker in
        its :class:`_Markers` form; read once, on first use."""
        found = self.memo.get(kind)
        if found is None:
            scan, read = _READERS[kind]
            matches = self.found(scan)
            if matches:
                read(self, matches)
                found = self.memo[kind]
            else:
                found = self.memo[kind] = ()
        return found

    def markers(self, lo: int = 0, hi: int | None = None) -> "_Markers":
        key = (lo, len(self.text) if hi is None else hi)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = _Markers(self, *key)
        return found

    def modes(self) -> list[tuple[int, int, str]]:
        """(start, end, mode) of every travel word that is not part of a name."""
        modes = self.memo.get("modes")
        if modes is None:
            modes = self.memo["modes"] = _travel_words(self.text, self.found(_MODE_SCAN), self.offset)
        return modes

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


class _Batch:
    """Skeletons whose patterns run in one pass over their texts joined by NUL and lower-cased,
    rather than one pass per sentence.  No pattern matches across a NUL (it is no letter,
    digit, space or punctuation they use) and ``\\b`` and lookaheads read it as the end of a
    text, so each sentence gets the very matches it would get alone, at its offset in the
    joined text.  A skeleton whose lower-casing moves offsets keeps its own passes.  The
    places where matches can start are found for all of ``scans`` at once; each pattern is
    run over the whole batch when a member first needs it."""

    __slots__ = ("members", "offsets", "text", "scans", "starts", "ran")

    def __init__(self, skeletons: Iterable[_Skeleton], scans: _ScanSet) -> None:
        members = [s for s in skeletons if s.batch is None]
        text = "\0".join(s.text for s in members).lower()
        if members and (len(text) != sum(len(s.text) + 1 for s in members) - 1 or CASE_FOLD_TRAPS.search(text)):
            members = [s for s in members if _lower(s.text) is not s.text]  # see _lower
            text = "\0".join(s.text for s in members).lower()
        self.members = members
        self.text = text
        self.offsets = []
        offset = 0
        for skeleton in members:
            skeleton.batch = self
            skeleton.offset = offset
            self.offsets.append(offset)
            offset += len(skeleton.text) + 1
        self.scans = scans
        self.starts = scans.starts(self.text, 0, len(self.text))
        self.ran: set[_Scan] = set()

    def run(self, scan: _Scan) -> None:
        """Run one pattern and hand each member with matches its own."""
        self.ran.add(scan)
        members, offsets = self.members, self.offsets
        following = 0
        matches: list[re.Match[str]] = []
        if scan.leads is None:  # its leading words are not known: every position is tried
            found: Iterable[re.Match[str]] = scan.blind.finditer(self.text)
        else:
            found = scan.chain(self.text, self.starts[self.scans.slots[scan]])
        for match in found:
            start = match.start()
            if start >= following:  # the first match of another member
                index = bisect_right(offsets, start) - 1
                following = offsets[index + 1] if index + 1 < len(offsets) else len(self.text) + 1
                matches = members[index].memo[scan] = []
            matches.append(match)


_TOKEN_MARKS = str.maketrans("⟨⟩⟦⟧", "()[]")


def _as_gap(text: str) -> str:
    """Text between two tokens of a skeleton, with any ⟨ ⟩ ⟦ ⟧ the article itself holds
    turned into ( ) [ ] (same length), so that no written "⟨3⟩" reads as a mention."""
    if "⟨" in text or "⟩" in text or "⟦" in text or "⟧" in text:
        return text.translate(_TOKEN_MARKS)
    return text


def _skeleton(article: Article, sentence: int, mentions: Sequence[Mention],
              quantities: Sequence[tuple[int, Quantity]]) -> _Skeleton:
    """The skeleton of a sentence with its mentions and figures (an item overlapping an
    earlier one is left as text)."""
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
        gap = _as_gap(article.text[cursor:start])
        parts.append(gap)
        length += len(gap)
        token = f"⟨{index}⟩" if what == "m" else f"⟦{index}⟧"
        if what == "q":
            figure_at[index] = length
            figure_end[index] = length + len(token)
        parts.append(token)
        length += len(token)
        cursor = end
    parts.append(_as_gap(article.text[cursor : max(cursor, bounds.end)]))
    return _Skeleton("".join(parts), tuple(mentions), figure_at, figure_end)


def _plain_skeleton(text: str, bounds: Sentence, mentions: Sequence[Mention]) -> _Skeleton:
    """:func:`_skeleton` with mentions only, sorted by (start, end) as the article's are:
    the same text without the sort and the figure offsets."""
    parts: list[str] = []
    cursor = bounds.start
    for index, mention in enumerate(mentions):
        if mention.start < cursor:
            continue  # overlaps an earlier mention
        parts.append(_as_gap(text[cursor : mention.start]))
        parts.append(f"⟨{index}⟩")
        cursor = mention.end
    parts.append(_as_gap(text[cursor : max(cursor, bounds.end)]))
    return _Skeleton("".join(parts), tuple(mentions), {}, {})


# ---- markers: the places a skeleton's prepositions and verbs point at


def _read_pairs(skeleton: _Skeleton, matches: Sequence[re.Match[str]]) -> None:
    """``from ⟨a⟩ to ⟨b⟩``, ``between ⟨a⟩ and ⟨b⟩``, ``⟨a⟩-⟨b⟩``, ``links ⟨a⟩ and ⟨b⟩``: (position, from, to)."""
    text, ids, offset = skeleton.text, skeleton.ids, skeleton.offset
    pairs: list[tuple] = []
    dashes: list[tuple] = []
    for match in matches:
        for a, b in (("a", "b"), ("c", "d"), ("e", "f"), ("g", "h")):
            if match.group(a) is None:
                continue
            start, end = match.start() - offset, match.end() - offset
            if a == "e" and THROUGH_BEFORE_RE.search(text, max(0, start - 120), start):
                continue  # "through ⟨China⟩ to ⟨Vietnam⟩": China is crossed, not left
            if a == "c" and not TRAVEL_CONTEXT_RE.search(text) and not skeleton.modes():
                continue  # "talks between ⟨Washington⟩ and ⟨Pyongyang⟩": no journey
            first, second = ids[int(match.group(a))], ids[int(match.group(b))]
            if first != second:
                pairs.append((start, end, (start, first, second)))
                if a == "e":
                    dashes.append((start, end, start))
    skeleton.memo["pairs"] = pairs
    skeleton.memo["dashes"] = dashes


def _read_ends(skeleton: _Skeleton, matches: Sequence[re.Match[str]]) -> None:
    """Where the sentence goes *to* (``to/for/into ⟨b⟩`` ...), and the ends it *reaches*."""
    ids, offset = skeleton.ids, skeleton.offset
    ends: list[tuple] = []
    arrivals: list[tuple] = []
    for match in matches:
        start = match.start() - offset
        entry = (start, match.end() - offset, (start, ids[int(match.group("b"))]))
        ends.append(entry)
        if ARRIVAL_RE.match(match.group(0)):
            arrivals.append(entry)
    skeleton.memo["ends"] = ends
    skeleton.memo["arrivals"] = arrivals


def _one_place_reader(kind: str, group: str):
    """A reader of markers naming one place each: (position, place id)."""

    def read(skeleton: _Skeleton, matches: Sequence[re.Match[str]]) -> None:
        ids, offset = skeleton.ids, skeleton.offset
        skeleton.memo[kind] = [
            (m.start() - offset, m.end() - offset, (m.start() - offset, ids[int(m.group(group))])) for m in matches
        ]

    return read


# marker kind -> (the pattern its markers come from, the reader that makes them from its matches)
_READERS = {
    "pairs": (_PAIR_SCAN, _read_pairs),
    "dashes": (_PAIR_SCAN, _read_pairs),
    "ends": (_TO_SCAN, _read_ends),
    "arrivals": (_TO_SCAN, _read_ends),
    "starts": (_FROM_SCAN, _one_place_reader("starts", "a")),
    "through": (_THROUGH_SCAN, _one_place_reader("through", "z")),
    "at": (_AT_SCAN, _one_place_reader("at", "a")),
}


class _Markers:
    """The markers wholly inside one span of a skeleton, each kind selected on first use:
    ``pairs`` (position, from id, to id); ``starts``, ``ends``, ``through``, ``at`` and
    ``arrivals`` (ends *reached*: "reached ⟨b⟩", "arrived in ⟨b⟩") as (position, place id);
    ``dashes`` the positions of "⟨a⟩-⟨b⟩" pairs (a route's name, not a departure)."""

    __slots__ = ("_skeleton", "_lo", "_hi", "pairs", "starts", "ends", "through", "at", "dashes", "arrivals")

    def __init__(self, skeleton: _Skeleton, lo: int, hi: int) -> None:
        self._skeleton = skeleton
        self._lo = lo
        self._hi = hi

    def __getattr__(self, kind: str) -> tuple:
        """A kind not selected yet (its slot is empty): select it once."""
        if kind not in _READERS:
            raise AttributeError(kind)
        lo, hi = self._lo, self._hi
        raw = self._skeleton.raw(kind)
        if lo == 0 and hi == len(self._skeleton.text):
            found = tuple([marker for _, _, marker in raw])
        else:
            found = tuple([marker for start, end, marker in raw if lo <= start and end <= hi])
        setattr(self, kind, found)
        return found

    def final_end(self, start: str | None, after: int = -1) -> tuple[int, str] | None:
        """The end a clause travels to: the last place it *reaches*, else the first it goes to."""
        arrivals = [e for e in self.arrivals if e[1] != start and e[0] > after]
        if arrivals:
            return arrivals[-1]
        ends = [e for e in self.ends if e[1] != start and e[0] > after]
        return ends[0] if ends else None


# --------------------------------------------------------------------------- one article, read once


_BY_SPAN = attrgetter("start", "end")


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
        """The mentions that can be travel ends, by sentence, each list sorted by (start, end)."""
        by_sentence: dict[int, list[Mention]] = {}
        known = self._adjective
        for mention in sorted(self.article.mentions, key=_BY_SPAN):
            adjective = known.get((mention.surface, mention.place_id))
            if adjective is None:
                adjective = self._is_adjective(mention)
            if not adjective:
                by_sentence.setdefault(mention.sentence, []).append(mention)
        return by_sentence

    # ---- skeletons and modes
    def plain(self, sentence: int) -> _Skeleton:
        """The sentence's skeleton with mentions only."""
        skeleton = self._plain.get(sentence)
        if skeleton is None:
            skeleton = self._plain[sentence] = _plain_skeleton(
                self.article.text, self.article.sentences[sentence], self.mentions_by_sentence.get(sentence, [])
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
    _Batch((skeleton for _, skeleton in skeletons), _PLAIN_SCANS)
    for sentence, skeleton in skeletons:
        ids = skeleton.ids
        for match in skeleton.found(_LEAVE_SCAN):
            if origin is None:
                origin = ids[int(match.group("a"))]
            if leave_for is None and match.group("b") is not None:
                leave_for = ids[int(match.group("b"))]
        pairs = skeleton.raw("pairs")
        if pairs:
            dashes = [position for _, _, position in skeleton.raw("dashes")]
            for _, _, (position, first, second) in pairs:
                if position in dashes:
                    continue
                if origin is None:
                    origin = first
                destinations[second] += 1
                first_seen.setdefault(second, len(first_seen))
        for _, _, (_, target) in skeleton.raw("ends"):
            destinations[target] += 1 if sentence >= 0 else 2
            first_seen.setdefault(target, len(first_seen))
        if sentence >= 0:
            offset = article.sentences[sentence].start
            for match in skeleton.found(_BORDER_SCAN):
                border_places.append((offset + match.start() - skeleton.offset, ids[int(match.group("a"))]))
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
    if "⟨" not in skeleton.text:
        return None, None, [], []  # no place: no marker
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
    if start is None and quantity.sentence > 0 and skeleton.has(FROM_THERE_RE):
        start = _last_stop(analysis, quantity.sentence - 1)
    sentence_offset = article.sentences[quantity.sentence].start
    if start is not None and _is_border_surface(skeleton, start):
        start = _border_place(analysis, facts, sentence_offset, end) or None
    unnamed_start = start is None and UNNAMED_BORDER_RE.search(text, lo, hi) is not None
    if unnamed_start:  # "the road from the border to ⟨Hanoi⟩"
        start = _border_place(analysis, facts, sentence_offset, end)
    clause_has_place = text.find("⟨", lo, hi) >= 0
    if start is None and end is None and within is None and quantity.kind != "speed" and not clause_has_place:
        start, end = _inherited_leg(analysis, facts, quantity, text[lo:hi])
        if start is not None and skeleton.has(WAY_BACK_RE):
            start, end = end, start
    # the mode: clause, sentence, the sentences before, the article
    mode = skeleton.nearest_mode(position, lo, hi) or skeleton.nearest_mode(position)
    if mode is None:
        mode = analysis.mode_before(quantity.sentence)
    has_end = start is not None or end is not None or within is not None
    if mode is None and has_end and skeleton.has(TRAVEL_NOUN_RE):
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
    round_trip = "stated" if quantity.kind != "speed" and skeleton.has(ROUND_TRIP_RE) else None
    return Claim(
        quantity=quantity, from_id=start, to_id=end, via=tuple(dict.fromkeys(via)), mode=mode,
        within=within, round_trip=round_trip,
    )


def _is_border_surface(skeleton: _Skeleton, place_id: str) -> bool:
    """ "from a station on the ⟨Chinese border⟩": the mention names a border, not a place to start."""
    border_ids = skeleton.memo.get(_is_border_surface)
    if border_ids is None:  # the set once per sentence: a long sentence asks for every leg
        border_ids = skeleton.memo[_is_border_surface] = {
            m.place_id for m in skeleton.mentions if m.surface.lower().endswith(("border", "frontier"))}
    return place_id in border_ids


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
    skeletons = {
        sentence: _skeleton(article, sentence, analysis.mentions_by_sentence.get(sentence, []), items)
        for sentence, items in by_sentence.items()
    }
    _Batch(skeletons.values(), _FIGURE_SCANS)
    for sentence, items in by_sentence.items():
        skeleton = skeletons[sentence]
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
        claims[index] = Claim(quantity=claim.quantity, from_id=lead.from_id, to_id=lead.to_id, via=lead.via,
                              mode=lead.mode, within=lead.within, round_trip=lead.round_trip, leg=claim.leg,
                              pair=quantities[partner])
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


def _travels(skeleton: _Skeleton, markers: _Markers, lo: int, hi: int) -> bool:
    """Whether a clause speaks of travel: a travel word, or a start that someone *leaves*."""
    return (any(lo <= start and end <= hi for start, end, _ in skeleton.modes())
            or (bool(markers.starts) and LEAVE_RE.search(skeleton.text, lo, hi) is not None))


def _clause_legs(analysis: _Analysis, facts: _ArticleFacts, sentence: int) -> list[tuple[int, Leg]]:
    """The legs a sentence states: explicit pairs, and start/end clauses with a travel word;
    a clause naming only where the traveller went next ("then flew on to ⟨Hanoi⟩") carries
    on from the previous clause's leg."""
    article = analysis.article
    skeleton = analysis.plain(sentence)
    if not (skeleton.raw("pairs") or skeleton.raw("ends")):
        return []  # every leg below starts from a pair or goes to an end
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
        if not legs and markers.starts and count >= 2 and _travels(skeleton, markers, lo, hi):
            start = markers.starts[0][1]
            end = markers.final_end(start)
            if end is not None:
                legs.append((markers.starts[0][0], start, end[1], end[0]))
        if (not legs and not markers.starts and markers.ends and previous_end is not None
                and _travels(skeleton, markers, lo, hi) and THEN_CLAUSE_RE.match(text, lo, hi)):
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
        out[index] = Claim(quantity=claim.quantity, from_id=chosen.from_id, to_id=chosen.to_id, via=claim.via,
                           mode=claim.mode or chosen.mode, within=claim.within, round_trip=claim.round_trip,
                           leg=leg, pair=claim.pair)
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
    leg_of: dict[tuple[str, str], int] = {}  # (from, to) either way -> the first leg between them
    for index, leg in enumerate(legs):
        leg_of.setdefault((leg.from_id, leg.to_id), index)
        leg_of.setdefault((leg.to_id, leg.from_id), index)
    out = []
    for index, claim in enumerate(claims):
        if index in analysis.place_to_place and claim.mode is None:
            out.append(claim)  # as the crow flies: not a leg of the journey
            continue
        leg = leg_of.get((claim.from_id, claim.to_id)) if claim.from_id and claim.to_id else None
        mode = legs[leg].mode if leg is not None and claim.mode is None else claim.mode
        out.append(Claim(quantity=claim.quantity, from_id=claim.from_id, to_id=claim.to_id, via=claim.via,
                         mode=mode, within=claim.within, round_trip=claim.round_trip, leg=leg, pair=claim.pair))
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
