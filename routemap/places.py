"""Finding the places an article names: :class:`~routemap.models.Document` -> :class:`~routemap.models.Article`.

Every surface form of the gazetteer (:meth:`Gazetteer.names`: names and aliases), its
``not_places`` (people, events, titles, agencies) and the countries' adjective phrases
("Vietnamese capital", "Chinese border") go into one Aho-Corasick automaton
(pyahocorasick), built once per gazetteer and cached.  The text is
matched through a *folded* copy of the same length (:func:`fold_text`): lower case, accents
off, and every character that is not a letter or digit (curly and straight apostrophes,
hyphens, dashes, punctuation, line breaks) turned into a space, so offsets map 1:1 back to
the text.  Keys are padded with a space on both sides, which makes every match whole words:
``Vietnam's`` and ``Russia’s`` match ``Vietnam``/``Russia`` without the ``'s``, and
``Ulan-Ude`` matches ``Ulan Ude``.

Rules applied to the raw matches:

* proper nouns only: a match must start with an upper-case letter or a digit in the text
  (``china`` the porcelain and ``turkey`` the bird are not places);
* the longest match wins, left to right among equals;
* anything overlapping a ``not_places`` match is dropped (``Kim Il Sung Square``,
  ``Tour de France``, ``Orient Express``, ``TASS``);
* a country adjective followed by ``capital`` is the country's capital ("the Vietnamese
  capital" -> Hanoi), by ``border``/``frontier``/``territory``/``soil`` the country ("the
  Chinese border" -> China), unless a named place follows ("the North Korean capital of
  Pyongyang", "the Vietnamese border station of Dong Dang": the name is the mention, once).
  A bare adjective ("North Korean leader") is a nationality, not a place.

When the gazetteer has a world layer (``gazetteer.world``), its mentions are merged in after
the curated ones, never overlapping them.
"""

from __future__ import annotations

import bisect
import codecs
import gc
import operator
import re
import sys
import threading
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import NamedTuple

import ahocorasick

from routemap.models import Article, Document, Mention, Place, Sentence, mentions_from_columns
from routemap.reading import document_from_text, split_sentences

__all__ = [
    "fold_text",
    "fold_key",
    "find_mentions",
    "build_article",
    "article_from_text",
    "mentioned_places",
    "PlaceMatcher",
    "matcher_for",
]

# ---------------------------------------------------------------------------- folding

# Folding ASCII bytes: letters lower-cased, digits kept, everything else a space; \x01
# (standing for a letter with no ASCII base, see _fold_error) is kept.
_OTHER_LETTER = "\x01"
_ASCII_FOLD = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 1) else 32
    for c in range(256)
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_WORD = re.compile(r"[\W_]")
# Letters without a decomposition that still have an obvious ASCII base.
_SPECIAL_BASES = {"đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ı": "i", "ß": "s",
                  "æ": "a", "Æ": "a", "œ": "o", "Œ": "o", "þ": "t", "ð": "d", "ŀ": "l", "ħ": "h"}
_FOLDED_CHARS: dict[str, str] = {}


def _fold_char(char: str) -> str:
    """One character folded to one character (cached)."""
    folded = _FOLDED_CHARS.get(char)
    if folded is None:
        if char in _SPECIAL_BASES:
            folded = _SPECIAL_BASES[char]
        elif not char.isalnum():
            folded = " "
        else:
            base = unicodedata.normalize("NFKD", char)[0]
            if base.isascii() and base.isalnum():
                folded = base.lower()
            else:
                lower = char.lower()
                folded = lower if len(lower) == 1 else char
        _FOLDED_CHARS[char] = folded
    return folded


def _fold_match(match: re.Match) -> str:
    return _fold_char(match.group())


_FOLDED_RUNS: dict[str, str] = {}


def _fold_error(error: UnicodeEncodeError) -> tuple[str, int]:
    """Encoding error handler: each non-ASCII character becomes one ASCII character (its
    folded base letter, a space, or \x01 for a letter with no ASCII base)."""
    run = error.object[error.start : error.end]
    folded = _FOLDED_RUNS.get(run)
    if folded is None:
        folded = "".join(c if c.isascii() else _OTHER_LETTER for c in map(_fold_char, run))
        if len(_FOLDED_RUNS) < 4096:
            _FOLDED_RUNS[run] = folded
    return folded, error.end


codecs.register_error("routemap.fold", _fold_error)


def fold_text(text: str) -> str:
    """A copy of ``text`` of the same length for matching: lower case, no accents, and every
    character that is not a letter or digit (apostrophes, hyphens, punctuation, line breaks)
    a space.  ``fold_text(text)[i]`` always corresponds to ``text[i]``.

    The fast path encodes to ASCII in C with an error handler for the few non-ASCII
    characters; text with letters that have no ASCII base (Cyrillic, Hangul ...) takes the
    exact Unicode path, so aliases written in those scripts still match.
    """
    folded = text.encode("ascii", "routemap.fold").translate(_ASCII_FOLD).decode("ascii")
    if _OTHER_LETTER not in folded:
        return folded
    folded = text.lower()
    if len(folded) != len(text):  # a few characters lower-case to two ("İ")
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    folded = _NON_ASCII.sub(_fold_match, folded)
    return _NOT_WORD.sub(" ", folded)


def fold_key(name: str) -> str:
    """The matching key of a name: folded, whitespace collapsed (``"Ulan-Ude"`` -> ``"ulan ude"``)."""
    return " ".join(fold_text(unicodedata.normalize("NFC", name)).split())


# ---------------------------------------------------------------------------- the matcher

_KIND_PREFERENCE = {
    "country": 0, "city": 1, "region": 2, "town": 3, "village": 4, "island": 5, "water": 5,
    "mountain": 5, "landmark": 6, "building": 7, "hotel": 7, "border_crossing": 8,
    "station": 9, "port": 9, "airport": 9, "other": 10,
}

# Nouns that make a country adjective a place: "the Vietnamese capital" (the capital),
# "the Chinese border" (the country).  Adjective + noun phrases are automaton keys, so a bare
# adjective ("North Korean leader", a nationality) never even matches.
_CAPITAL_NOUNS = ("capital",)
_COUNTRY_NOUNS = ("border", "frontier", "territory", "soil")
# Between an adjective phrase and a following name that it only introduces:
# "capital of Pyongyang", "capital, Hanoi", "border station of Dong Dang", "border city Dandong".
# Matched on the folded text (lower case, punctuation is space there) right after the phrase.
_APPOSITION = re.compile(
    r"""
    [ ]*
    (?: (?: city | town | station | crossing | post | point | village | county | district
          | region | province | railway [ ]+ station | train [ ]+ station | bridge ) [ ]+ )?
    (?: of [ ]+ | at [ ]+ )?
    """,
    re.VERBOSE,
)

_PLACE, _NOT_PLACE, _PHRASE = 0, 1, 2


class _Key(NamedTuple):
    """What an automaton key stands for, resolved once when the matcher is built."""

    kind: int  # _PLACE, _NOT_PLACE or _PHRASE
    width: int  # padded key length - 1: a match ending at folded[last] names text[last - width : last - 1]
    plain: bool  # a place key that needs no second look (not a phrase, no one-letter word like "u s")
    place_id: str | None  # the preferred place
    confidence: float  # 1 / number of places the key names
    alternatives: tuple[str, ...]  # the other places, preferred first


def _key(kind: int, ids: tuple[str, ...], key: str) -> _Key:
    one_letter_word = any(len(word) == 1 for word in key.split())
    return _Key(
        kind=kind,
        width=len(key) + 1,
        plain=kind == _PLACE and not one_letter_word,
        place_id=ids[0] if ids else None,
        confidence=1.0 if len(ids) <= 1 else round(1.0 / len(ids), 3),
        alternatives=ids[1:],
    )


class _Matches:
    """The matches kept so far, in text order: parallel lists of starts, ends and keys
    (mentions are built from them in one go at the end), and the not-place spans."""

    __slots__ = ("starts", "ends", "keys", "blocks")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.keys: list[_Key] = []
        self.blocks: list[tuple[int, int]] = []

    def add(self, start: int, end: int, key: _Key) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.keys.append(key)

    def pop_overlapping(self, start: int) -> list[tuple[int, int, _Key]]:
        """Remove and return the kept matches that end after ``start``."""
        popped = []
        while self.ends and self.ends[-1] > start:
            popped.append((self.starts.pop(), self.ends.pop(), self.keys.pop()))
        return popped


class PlaceMatcher:
    """The compiled matcher of one gazetteer: an Aho-Corasick automaton over folded keys."""

    def __init__(self, gazetteer) -> None:
        places: dict[str, Place] = dict(gazetteer.places)
        surfaces: dict[str, dict[str, bool]] = {}  # key -> {place id: is its main name}
        for surface, place_id in gazetteer.names():
            key = fold_key(surface)
            if key:
                place = places.get(place_id)
                is_name = place is not None and fold_key(place.name) == key
                ids = surfaces.setdefault(key, {})
                ids[place_id] = ids.get(place_id, False) or is_name
        not_places = {fold_key(name) for name in getattr(gazetteer, "not_places", ()) or ()} - {""}
        phrases: dict[str, str] = {}  # "vietnamese capital" -> hanoi, "chinese border" -> china
        for place in places.values():
            if not place.adjectives:
                continue
            capital = _capital_id(gazetteer, place)
            for adjective in place.adjectives:
                key = fold_key(adjective)
                if not key:
                    continue
                for noun in _COUNTRY_NOUNS:
                    phrases.setdefault(f"{key} {noun}", place.id)
                if capital is not None:
                    for noun in _CAPITAL_NOUNS:
                        phrases.setdefault(f"{key} {noun}", capital)

        def preference(place_id: str, is_name: bool) -> tuple:
            place = places.get(place_id)
            if place is None:
                return (1, 99, 0, place_id)
            return (0 if is_name else 1, _KIND_PREFERENCE.get(place.kind, 10), -(place.population or 0), place_id)

        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        place_keys_by_first_word: dict[str, list[str]] = {}  # "dong" -> [" dong dang ", ...]
        for key, ids in surfaces.items():
            if key in not_places:
                continue
            ordered = tuple(sorted(ids, key=lambda pid: preference(pid, ids[pid])))
            automaton.add_word(f" {key} ", _key(_PLACE, ordered, key))
            place_keys_by_first_word.setdefault(key.split(" ")[0], []).append(f" {key} ")
        for key in _not_places_that_can_overlap(not_places, surfaces.keys() | phrases.keys()):
            automaton.add_word(f" {key} ", _key(_NOT_PLACE, (), key))
        for key, place_id in phrases.items():
            if key not in surfaces and key not in not_places:
                automaton.add_word(f" {key} ", _key(_PHRASE, (place_id,), key))
        automaton.make_automaton()
        self.automaton = automaton
        self.place_keys_by_first_word = {word: tuple(keys) for word, keys in place_keys_by_first_word.items()}
        self.max_width = max((len(key) + 2 for key in [*surfaces, *phrases]), default=0)
        self.key_count = len(automaton)

    def find(self, text: str, sentences: Sequence[Sentence]) -> tuple[Mention, ...]:
        """Curated mentions in ``text`` (see the module docstring for the rules)."""
        # Place-dense text yields a mention every ~70 characters; mentions form no reference
        # cycles, so the cyclic garbage collector is paused while they are created (it would
        # otherwise rescan the growing lists again and again).
        collecting = gc.isenabled()
        gc.disable()
        try:
            matches = self._match(text)
            return _build_mentions(text, matches, sentences)
        finally:
            if collecting:
                gc.enable()

    def _match(self, text: str) -> _Matches:
        # One pass over the automaton's matches, which come in order of their end.  Matches
        # that do not start with a capital or a digit are not proper nouns and are dropped.
        # A plain place key that overlaps nothing before it is kept at once (the usual case);
        # an overlapping match settles its cluster (_overlap), and not-places, adjective
        # phrases and keys like "u s" get a second look (_special).
        folded = f" {fold_text(text)} "  # one copy, not two
        matches = _Matches()
        add_start, add_end, add_key = matches.starts.append, matches.ends.append, matches.keys.append
        frontier = 0  # end of the last match kept (mention or not-place)
        for base, window in _windows(folded):
            for last, key in self.automaton.iter(window):
                # The padded key spans folded[last - width : last + 1]; the name inside it is
                # text[start:end] (the folded copy is shifted by one for the leading pad).
                last += base
                start = last - key.width
                first = text[start]
                if not first.isupper() and not first.isdigit():
                    continue  # "china" the porcelain, "turkey" the bird
                if start < frontier:
                    frontier = _overlap(matches, start, last - 1, key, frontier)
                elif key.plain:
                    frontier = last - 1
                    add_start(start)
                    add_end(frontier)
                    add_key(key)
                else:
                    frontier = self._special(matches, start, last - 1, key, text, folded)
        return matches

    def _special(self, matches: _Matches, start: int, end: int, key: _Key, text: str, folded: str) -> int:
        """Keep a not-place, an adjective phrase or a key with one-letter words ("U.S.") that
        overlaps nothing before it, or drop it; returns the new frontier."""
        if key.kind == _NOT_PLACE:
            matches.blocks.append((start, end))
            return end
        if key.kind == _PHRASE and self._introduces_name(text, folded, end):
            return end  # "the North Korean capital of Pyongyang": the name, once
        frontier = end
        if key.kind == _PLACE and end < len(text) and text[end] == "." and "." in text[start:end]:
            end += 1  # "U.S." keeps its last full stop
        matches.add(start, end, key)
        return frontier

    def _introduces_name(self, text: str, folded: str, end: int) -> bool:
        """Whether the adjective phrase ending at ``end`` is followed by the name it
        introduces: "capital of Pyongyang", "capital, Hanoi", "border station of Dong Dang"."""
        gap = _APPOSITION.match(folded, end + 1)
        name_start = gap.end() - 1  # text offset where the name would start (its pad is there)
        if name_start >= len(text) or not text[name_start].isupper():
            return False
        first_word = folded[name_start + 1 : folded.index(" ", name_start + 1)]
        for padded_key in self.place_keys_by_first_word.get(first_word, ()):
            if folded.startswith(padded_key, name_start):
                return True
        return False


_WINDOW = 1 << 16


def _windows(folded: str, size: int = _WINDOW) -> Iterable[tuple[int, str]]:
    """``(offset, piece)``: ``folded`` cut into pieces of about ``size`` characters, each
    scanned on its own.  The automaton copies its whole input to UCS-4 first, so pieces
    that stay in the CPU cache scan faster than one long string.

    Cuts fall between two spaces: no padded key holds two spaces in a row, so no match
    spans a cut, and no key starts at the first of the two (it would need a letter next),
    so each piece yields exactly the matches the whole text yields there, in the same order.
    """
    base, length = 0, len(folded)
    while base < length:
        cut = folded.find("  ", base + size) + 1
        if cut <= 0:
            cut = length
        yield base, folded[base:cut]
        base = cut


def _overlap(matches: _Matches, start: int, end: int, key: _Key, frontier: int) -> int:
    """Settle a match that overlaps earlier ones; returns the new frontier."""
    if key.kind == _NOT_PLACE:
        matches.pop_overlapping(start)  # a person's name is no place
        matches.blocks.append((start, end))
        return max(frontier, end)
    for block_start, block_end in reversed(matches.blocks):
        if block_end <= start:
            break
        if block_start < end:
            return frontier  # inside a not-place ("Kim Il Sung Square")
    starts, ends, keys = matches.starts, matches.ends, matches.keys
    if ends and ends[-1] > start and (len(ends) == 1 or ends[-2] <= start):
        # The usual case, one match overlapped ("Vladivostok", then "Vladivostok station"):
        # the longer stays (the earlier of two as long).
        if (start - end, start) <= (starts[-1] - ends[-1], starts[-1]):
            starts[-1], ends[-1], keys[-1] = start, end, key
        return max(frontier, ends[-1])
    for kept_start, kept_end, kept_key in _settle([(start, end, key), *matches.pop_overlapping(start)]):
        matches.add(kept_start, kept_end, kept_key)
        frontier = max(frontier, kept_end)
    return frontier


def _sentence_indexes(starts: list[int], sentences: Sequence[Sentence]) -> list[int]:
    """The index of the sentence holding each of ``starts`` (sorted): the last sentence
    starting at or before it (0 before the first).  A merge of the two sorted lists."""
    following_starts = [*map(attrgetter("start"), sentences[1:]), sys.maxsize]  # where each one's successor starts
    indexes: list[int] = []
    add = indexes.append
    sentence, next_start = 0, following_starts[0]
    for start in starts:
        while next_start <= start:
            sentence += 1
            next_start = following_starts[sentence]
        add(sentence)
    return indexes


def _build_mentions(text: str, matches: _Matches, sentences: Sequence[Sentence]) -> tuple[Mention, ...]:
    """The :class:`Mention` of each kept match, built column by column.

    Place-dense corpora yield a mention every ~70 characters, and the frozen dataclass
    ``__init__`` goes through ``object.__setattr__`` once per field (about a microsecond a
    mention, as long as the whole automaton scan).  So the mentions are allocated in one go
    and each field's slot is set over the whole column with ``map`` (in C, no Python frame
    per mention).  That builds the very same ``Mention`` objects (equal, hashable, frozen
    afterwards); when the data class has validation or a different layout, the ordinary
    constructor is used instead.
    """
    starts, ends, keys = matches.starts, matches.ends, matches.keys
    columns = (  # one iterable per field, in Mention's field order
        starts,
        ends,
        map(text.__getitem__, map(slice, starts, ends)),
        map(attrgetter("place_id"), keys),
        _sentence_indexes(starts, sentences),
        map(attrgetter("confidence"), keys),
        map(attrgetter("alternatives"), keys),
    )
    return mentions_from_columns(*columns)


def _not_places_that_can_overlap(not_places: set[str], place_keys) -> list[str]:
    """The not-place keys that can overlap a place key in some text (sharing words in
    place: one inside the other, or the end of one being the start of the other).

    The others ("TASS", "Donald Trump") can never suppress a place, so leaving them out of
    the automaton saves a match each time a person or agency is named."""
    inside, prefixes, suffixes = set(), set(), set()
    for key in place_keys:
        words = key.split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                inside.add(" ".join(words[i:j]))
            prefixes.add(" ".join(words[: i + 1]))
            suffixes.add(" ".join(words[i:]))
    kept = []
    for key in sorted(not_places):
        words = key.split()
        spans = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
        heads = {" ".join(words[:i]) for i in range(1, len(words))}
        tails = {" ".join(words[i:]) for i in range(1, len(words))}
        if key in inside or spans & place_keys or tails & prefixes or heads & suffixes:
            kept.append(key)
    return kept


def _capital_id(gazetteer, country: Place) -> str | None:
    capital_of = getattr(gazetteer, "capital_of", None)
    if capital_of is not None:
        try:
            capital = capital_of(country)
        except Exception:  # noqa: BLE001 - an unusable capital only loses the phrase
            capital = None
        if capital is not None:
            return capital.id
    return country.capital if country.capital in gazetteer.places else None


def _longest_first(match: tuple[int, int, _Key]) -> tuple[int, int]:
    """Sort key of ``(start, end, key)`` matches: the longest first, the leftmost among equals."""
    return (match[0] - match[1], match[0])


def _settle(cluster: list[tuple[int, int, _Key]]) -> list[tuple[int, int, _Key]]:
    """The place matches kept from a cluster of overlapping ``(start, end, key)`` (none of
    them a not-place): the longest first (leftmost among equals), in text order."""
    picked: list[tuple[int, int, _Key]] = []
    for candidate in sorted(cluster, key=_longest_first):
        start, end = candidate[0], candidate[1]
        if all(end <= p[0] or p[1] <= start for p in picked):
            picked.append(candidate)
    return sorted(picked)


class _Intervals:
    """Non-overlapping half-open intervals, for longest-first selection."""

    __slots__ = ("starts", "ends")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return True
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        # Blocked spans may overlap each other; keep them merged so the lists stay sorted.
        i = bisect.bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] >= start:
            i -= 1
            start = self.starts[i]
            end = max(end, self.ends[i])
            del self.starts[i], self.ends[i]
        while i < len(self.starts) and self.starts[i] <= end:
            end = max(end, self.ends[i])
            del self.starts[i], self.ends[i]
        self.starts.insert(i, start)
        self.ends.insert(i, end)


# ---------------------------------------------------------------------------- cache

_MATCHERS: "weakref.WeakKeyDictionary[object, PlaceMatcher]" = weakref.WeakKeyDictionary()
_MATCHERS_BY_ID: dict[int, tuple[object, PlaceMatcher]] = {}
_LOCK = threading.Lock()
_CACHE_KEY = ("routemap.places", "matcher")


def matcher_for(gazetteer) -> PlaceMatcher:
    """The compiled matcher of ``gazetteer``, built on first use and cached per object
    (in the gazetteer's own cache when it has one, shared with its world-layer copies)."""
    cached = getattr(gazetteer, "cached", None)
    if callable(cached):
        return cached(_CACHE_KEY, lambda: PlaceMatcher(gazetteer))
    try:
        matcher = _MATCHERS.get(gazetteer)
    except TypeError:  # not weak-referenceable or not hashable: cache by identity
        held = _MATCHERS_BY_ID.get(id(gazetteer))
        matcher = held[1] if held is not None and held[0] is gazetteer else None
    if matcher is not None:
        return matcher
    with _LOCK:
        matcher = PlaceMatcher(gazetteer)
        try:
            _MATCHERS[gazetteer] = matcher
        except TypeError:
            if len(_MATCHERS_BY_ID) >= 8:
                _MATCHERS_BY_ID.clear()
            _MATCHERS_BY_ID[id(gazetteer)] = (gazetteer, matcher)
    return matcher


# ---------------------------------------------------------------------------- public API


_START_END = attrgetter("start", "end")


def _start_then_longest(mention: Mention) -> tuple[int, int]:
    return (mention.start, -mention.end)


def _merge(curated: tuple[Mention, ...], extra: Iterable[Mention]) -> tuple[Mention, ...]:
    """The curated mentions and those of ``extra`` that overlap none kept before them
    (in order of start, the longest first), sorted by start and end.

    The usual case, curated mentions in text order with none overlapping, is one sweep
    (:func:`_merge_in_order`); otherwise the spans taken are kept in :class:`_Intervals`."""
    extra = sorted(extra, key=_start_then_longest)
    starts = [*map(attrgetter("start"), curated)]
    ends = [*map(attrgetter("end"), curated)]
    if all(map(operator.lt, starts, ends)) and all(map(operator.le, ends, starts[1:])):
        kept = _merge_in_order(starts, ends, extra)
        if kept is not None:
            merged = [*curated, *kept]
            merged.sort(key=_START_END)
            return tuple(merged)
    taken = _Intervals()
    for start, end in zip(starts, ends):
        taken.add(start, end)
    merged = list(curated)
    for mention in extra:
        if not taken.overlaps(mention.start, mention.end):
            taken.add(mention.start, mention.end)
            merged.append(mention)
    merged.sort(key=_START_END)
    return tuple(merged)


def _merge_in_order(starts: list[int], ends: list[int], extra: list[Mention]) -> list[Mention] | None:
    """The mentions of ``extra`` (sorted by start, the longest first) that overlap neither
    the spans ``starts``/``ends`` (in text order, none empty or overlapping) nor one kept
    before them; ``None`` if one of them is empty (left to the general case)."""
    kept = []
    count = len(ends)
    i = 0  # the first span that ends after the mention's start
    reach = -1  # the end furthest on of the mentions kept (they start no later than this one)
    for mention in extra:
        start, end = mention.start, mention.end
        if start >= end:
            return None
        while i < count and ends[i] <= start:
            i += 1
        if (i < count and starts[i] < end) or reach > start:
            continue
        kept.append(mention)
        if end > reach:
            reach = end
    return kept


def find_mentions(text: str, sentences: Sequence[Sentence], gazetteer) -> tuple[Mention, ...]:
    """Every place ``text`` names, in text order, with exact offsets and sentence indexes.

    Curated gazetteer mentions first; when ``gazetteer.world`` is attached, its mentions
    are merged in where they overlap none of the curated ones.
    """
    curated = matcher_for(gazetteer).find(text, sentences)
    world = getattr(gazetteer, "world", None)
    if world is None:
        return curated
    return _merge(curated, world.find_mentions(text, tuple(sentences), curated, gazetteer))


def build_article(document: Document, gazetteer) -> Article:
    """The :class:`Article` of a document: its sentences and place mentions."""
    sentences = split_sentences(document.text)
    mentions = find_mentions(document.text, sentences, gazetteer)
    return Article(
        source=document.source,
        text=document.text,
        title=document.title,
        date=document.date,
        sentences=sentences,
        mentions=mentions,
    )


def article_from_text(text: str, gazetteer, source: str = "<text>", kind: str = "text") -> Article:
    """Read ``text`` (plain or HTML) and find its places in one step."""
    return build_article(document_from_text(text, source=source, kind=kind), gazetteer)


def mentioned_places(article: Article) -> tuple[tuple[str, tuple[Mention, ...]], ...]:
    """``(place id, mentions)`` for each place the article names, ordered by first mention."""
    by_place: dict[str, list[Mention]] = {}
    for mention in sorted(article.mentions, key=lambda m: (m.start, m.end)):
        by_place.setdefault(mention.place_id, []).append(mention)
    return tuple((place_id, tuple(mentions)) for place_id, mentions in by_place.items())
