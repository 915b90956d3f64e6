"""The curated gazetteer: load, validate and query the places and links of a YAML file.

The bundled gazetteer is ``gazetteer.yaml`` at the repository root, shipped inside the
wheel as ``routemap/gazetteer.yaml`` (hatchling ``force-include``); there is one copy.
:func:`bundled_gazetteer_path` finds it with :mod:`importlib.resources` in an installed
package and falls back to the repository root in a source or editable checkout.

A user's file (``--gazetteer PATH`` or ``ROUTEMAP_GAZETTEER`` on the command line) may
start with ``extends: bundled``: its places then add to, or replace by ``id``, the
bundled ones, and its links and ``not_places`` are added to the bundled ones.

Files are read with PyYAML's safe loader, extended only to remember the line of every
mapping, key and list item, so that each problem is reported as ``PATH:LINE: message``
(:class:`routemap.errors.GazetteerProblem`).  :func:`load_gazetteer` raises
:class:`routemap.errors.GazetteerError` carrying *every* problem, and caches what it
loaded by resolved path and modification time.

>>> normalise_name("  P'yŏngyang ")
'pyongyang'
>>> normalise_name("Đồng Đăng")
'dong dang'
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

import yaml

from routemap.errors import GazetteerError, GazetteerProblem, UnknownPlaceError
from routemap.models import Link, Place

__all__ = [
    "PLACE_KINDS",
    "LINK_MODES",
    "Gazetteer",
    "bundled_gazetteer_path",
    "load_gazetteer",
    "validate_gazetteer_file",
    "normalise_name",
]

PLACE_KINDS: frozenset[str] = frozenset(
    {
        "country", "region", "city", "town", "village", "station", "border_crossing",
        "airport", "port", "landmark", "building", "hotel", "water", "island",
        "mountain", "other",
    }
)
"""Every allowed ``kind`` of a place (docs/gazetteer.md)."""

LINK_MODES: frozenset[str] = frozenset({"rail", "road", "sea"})
"""Modes a network link may have.  Air is measured as a great circle, foot estimated."""

SCHEMA_VERSION = 1
TOP_LEVEL_KEYS = frozenset({"version", "extends", "places", "links", "not_places"})
PLACE_KEYS = frozenset(
    {
        "id", "name", "aliases", "kind", "country", "lat", "lon", "geonames", "source",
        "note", "adjectives", "capital", "population",
    }
)
PLACE_REQUIRED = ("id", "name", "kind", "lat", "lon")
LINK_KEYS = frozenset({"from", "to", "mode", "km", "source", "via", "line"})
LINK_REQUIRED = ("from", "to", "mode")
ALIAS_KEYS = frozenset({"name", "ambiguous"})

# Settlements before stations before areas: the order resolve() prefers among places
# that share a name ("Singapore" the city before "Singapore" the country).
KIND_PREFERENCE: dict[str, int] = {
    kind: rank
    for rank, kinds in enumerate(
        (
            ("city", "town", "village"),
            ("station", "border_crossing", "port", "airport"),
            ("building", "hotel", "landmark", "mountain", "island"),
            ("region", "country", "water", "other"),
        )
    )
    for kind in kinds
}

PLACE_ID_PATTERN = re.compile(r"^ (?P<slug> [a-z0-9] [a-z0-9-]* ) $", re.VERBOSE)
COUNTRY_CODE_PATTERN = re.compile(r"^ (?P<code> [A-Z]{2} ) $", re.VERBOSE)
APOSTROPHES = re.compile(r"['’‘ʼʻ`´]", re.VERBOSE)
HYPHENS_AND_SPACES = re.compile(r"[\s\-‐‑‒–—_]+", re.VERBOSE)
EXTRA_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ð": "d", "þ": "th"})

# Country codes pycountry does not list but the gazetteer accepts (Kosovo's user-assigned code).
EXTRA_COUNTRY_CODES = frozenset({"XK"})


def _close_matches(word: str, possibilities: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
    import difflib  # only needed for messages about mistakes

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)


def normalise_name(name: str) -> str:
    """The form names are compared in: case-folded, without diacritics or apostrophes,
    hyphens and runs of whitespace as one space."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(EXTRA_LETTERS)
    text = APOSTROPHES.sub("", text)
    return HYPHENS_AND_SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------- YAML with lines


class _LineDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]
    duplicate_keys: list[tuple[Any, int]]


class _LineList(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]


_BaseSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseSafeLoader):  # type: ignore[misc, valid-type]
    """yaml.SafeLoader (the C one when available) that records 1-based line numbers."""


def _construct_line_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines, data.duplicate_keys = {}, []
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, type(None))):
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicate_keys.append((key, line))
        data.key_lines[key] = line
        data[key] = loader.construct_object(value_node, deep=True)


def _construct_line_seq(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[_LineList]:
    data = _LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_line_seq)


def _line_of(container: Any, key: Any = None) -> int | None:
    """Line of ``container[key]`` (a key of a mapping or an index of a list), else of the container."""
    if isinstance(container, _LineDict):
        return container.key_lines.get(key, container.line) if key is not None else container.line
    if isinstance(container, _LineList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None


# --------------------------------------------------------------------------- parsing one file


@dataclass(frozen=True, slots=True)
class _Alias:
    name: str
    ambiguous: bool
    line: int | None


@dataclass(frozen=True, slots=True)
class _PlaceEntry:
    place: Place
    aliases: tuple[_Alias, ...]
    name_line: int | None


@dataclass(frozen=True, slots=True)
class _ParsedFile:
    path: str
    extends: str | None
    places: tuple[_PlaceEntry, ...]
    links: tuple[Link, ...]
    not_places: tuple[str, ...]
    problems: tuple[GazetteerProblem, ...]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@functools.cache
def _known_country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes from pycountry's database (plus :data:`EXTRA_COUNTRY_CODES`).

    Importing pycountry costs ~40 ms of the command line's start-up, so its JSON
    database is read directly when it is where pycountry keeps it; else pycountry is imported.
    """
    spec = importlib.util.find_spec("pycountry")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        database = Path(folder) / "databases" / "iso3166-1.json"
        try:
            entries = json.loads(database.read_text(encoding="utf-8"))["3166-1"]
            return frozenset(entry["alpha_2"] for entry in entries) | EXTRA_COUNTRY_CODES
        except (OSError, ValueError, KeyError, TypeError):
            continue
    import pycountry

    return frozenset(country.alpha_2 for country in pycountry.countries) | EXTRA_COUNTRY_CODES


class _FileParser:
    """Turns the YAML document of one file into places and links, collecting problems."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[GazetteerProblem] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(GazetteerProblem(self.path, line, message))

    def check_keys(self, mapping: _LineDict, allowed: frozenset[str], what: str) -> None:
        for key, line in mapping.duplicate_keys:
            self.problem(line, f"duplicate key {key!r} in {what}")
        for key in mapping:
            if key not in allowed:
                close = _close_matches(str(key), sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                self.problem(_line_of(mapping, key), f"unknown key {key!r} in {what}{hint}")

    def parse(self, text: str) -> _ParsedFile:
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            detail = " ".join(part for part in (exc.context, exc.problem) if part)
            if exc.context_mark is not None and exc.problem_mark is not None and exc.context_mark.line != exc.problem_mark.line:
                # Where the construct began is usually where the mistake is (an unclosed '[').
                detail += f" (the construct began on line {exc.context_mark.line + 1})"
            self.problem(line, f"YAML syntax error: {detail}")
            return self.result(None, [], [], [])
        except yaml.YAMLError as exc:
            self.problem(None, f"YAML error: {exc}")
            return self.result(None, [], [], [])
        if data is None:
            self.problem(1, "the file is empty: expected a mapping with 'places' and 'links'")
            return self.result(None, [], [], [])
        if not isinstance(data, dict):
            self.problem(1, "the top level must be a mapping with 'places' and 'links'")
            return self.result(None, [], [], [])
        self.check_keys(data, TOP_LEVEL_KEYS, "the top level")
        version = data.get("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            self.problem(_line_of(data, "version"), f"unsupported version {version!r} (expected {SCHEMA_VERSION})")
        extends = data.get("extends")
        if extends is not None and extends != "bundled":
            self.problem(_line_of(data, "extends"), f"'extends' must be 'bundled', not {extends!r}")
            extends = None
        places = [
            entry
            for index, item in self.items(data, "places")
            if (entry := self.parse_place(item, _line_of(data["places"], index))) is not None
        ]
        links = [
            link
            for index, item in self.items(data, "links")
            if (link := self.parse_link(item, _line_of(data["links"], index))) is not None
        ]
        not_places = []
        for index, item in self.items(data, "not_places"):
            if isinstance(item, str) and item.strip():
                not_places.append(item.strip())
            else:
                self.problem(_line_of(data["not_places"], index), f"not_places items must be names, not {item!r}")
        return self.result(extends, places, links, not_places)

    def result(self, extends: str | None, places: list, links: list, not_places: list) -> _ParsedFile:
        return _ParsedFile(self.path, extends, tuple(places), tuple(links), tuple(not_places), tuple(self.problems))

    def items(self, data: _LineDict, key: str) -> Iterator[tuple[int, Any]]:
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.problem(_line_of(data, key), f"{key!r} must be a list")
            return
        yield from enumerate(value)

    # ------------------------------------------------------------------ places

    def parse_place(self, item: Any, line: int | None) -> _PlaceEntry | None:
        if not isinstance(item, dict):
            self.problem(line, f"a place must be a mapping, not {item!r}")
            return None
        line = _line_of(item)
        label = f"place {item['id']!r}" if isinstance(item.get("id"), str) else "place"
        self.check_keys(item, PLACE_KEYS, label)
        ok = True
        for key in PLACE_REQUIRED:
            if item.get(key) is None:
                self.problem(line, f"{label}: missing required field {key!r}")
                ok = False
        place_id, name, kind = item.get("id"), item.get("name"), item.get("kind")
        if place_id is not None and not (isinstance(place_id, str) and PLACE_ID_PATTERN.match(place_id)):
            self.problem(_line_of(item, "id"), f"{label}: id must be a lower-case slug [a-z0-9-], not {place_id!r}")
            ok = False
        if name is not None and not (isinstance(name, str) and name.strip()):
            self.problem(_line_of(item, "name"), f"{label}: name must be text, not {name!r}")
            ok = False
        if kind is not None and kind not in PLACE_KINDS:
            close = _close_matches(str(kind), sorted(PLACE_KINDS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.problem(_line_of(item, "kind"), f"{label}: unknown kind {kind!r}{hint}")
            ok = False
        for key, limit in (("lat", 90), ("lon", 180)):
            value = item.get(key)
            if value is None:
                continue
            if not _is_number(value):
                self.problem(_line_of(item, key), f"{label}: {key} must be a number, not {value!r}")
                ok = False
            elif not -limit <= value <= limit:
                self.problem(_line_of(item, key), f"{label}: {key} {value} is out of range -{limit}..{limit}")
                ok = False
        country = item.get("country")
        if country is None:
            if kind not in (None, "water"):
                self.problem(line, f"{label}: missing required field 'country' (only water may have none)")
                ok = False
        elif not isinstance(country, str):
            hint = " (quote it: YAML reads NO as false)" if country is False else ""
            self.problem(_line_of(item, "country"), f"{label}: country must be an ISO 3166-1 alpha-2 code, not {country!r}{hint}")
            ok = False
        elif not COUNTRY_CODE_PATTERN.match(country) or country not in _known_country_codes():
            self.problem(_line_of(item, "country"), f"{label}: unknown country code {country!r} (ISO 3166-1 alpha-2, e.g. 'KP')")
            ok = False
        aliases = self.parse_aliases(item, label)
        adjectives = self.strings(item, "adjectives", label)
        capital = item.get("capital")
        if capital is not None and not isinstance(capital, str):
            self.problem(_line_of(item, "capital"), f"{label}: capital must be a place id, not {capital!r}")
            capital = None
        if (adjectives or capital) and kind != "country":
            self.problem(_line_of(item, "adjectives" if adjectives else "capital"), f"{label}: only countries have adjectives and a capital")
        numbers = {}
        for key in ("geonames", "population"):
            value = item.get(key)
            if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                self.problem(_line_of(item, key), f"{label}: {key} must be a whole number, not {value!r}")
                value = None
            numbers[key] = value
        texts = {}
        for key in ("source", "note"):
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                self.problem(_line_of(item, key), f"{label}: {key} must be text, not {value!r}")
                value = None
            texts[key] = value
        if not ok:
            return None
        place = Place(
            id=place_id,
            name=name.strip(),
            kind=kind,
            country=country,
            lat=float(item["lat"]),
            lon=float(item["lon"]),
            aliases=tuple(alias.name for alias in aliases),
            adjectives=tuple(adjectives),
            capital=capital,
            geonames_id=numbers["geonames"],
            population=numbers["population"],
            source=texts["source"],
            note=texts["note"],
            origin=self.path,
            line=line,
        )
        return _PlaceEntry(place, tuple(aliases), _line_of(item, "name"))

    def parse_aliases(self, item: _LineDict, label: str) -> list[_Alias]:
        raw = item.get("aliases")
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(_line_of(item, "aliases"), f"{label}: aliases must be a list")
            return []
        aliases = []
        for index, alias in enumerate(raw):
            line = _line_of(raw, index)
            if isinstance(alias, str) and alias.strip():
                aliases.append(_Alias(alias.strip(), False, line))
            elif isinstance(alias, dict) and isinstance(alias.get("name"), str) and alias["name"].strip():
                self.check_keys(alias, ALIAS_KEYS, f"{label} alias")
                ambiguous = alias.get("ambiguous", False)
                if not isinstance(ambiguous, bool):
                    self.problem(_line_of(alias, "ambiguous"), f"{label}: 'ambiguous' must be true or false")
                aliases.append(_Alias(alias["name"].strip(), ambiguous is True, line))
            else:
                self.problem(line, f"{label}: an alias is a name or {{name: ..., ambiguous: true}}, not {alias!r}")
        return aliases

    def strings(self, item: _LineDict, key: str, label: str) -> list[str]:
        raw = item.get(key)
        if raw is None:
            return []
        if not isinstance(raw, list) or not all(isinstance(text, str) and text.strip() for text in raw):
            self.problem(_line_of(item, key), f"{label}: {key} must be a list of names")
            return []
        return [text.strip() for text in raw]

    # ------------------------------------------------------------------ links

    def parse_link(self, item: Any, line: int | None) -> Link | None:
        if not isinstance(item, dict):
            self.problem(line, f"a link must be a mapping, not {item!r}")
            return None
        line = _line_of(item)
        label = f"link {item.get('from')!s}-{item.get('to')!s}"
        self.check_keys(item, LINK_KEYS, label)
        ok = True
        for key in LINK_REQUIRED:
            if item.get(key) is None:
                self.problem(line, f"{label}: missing required field {key!r}")
                ok = False
        for key in ("from", "to"):
            value = item.get(key)
            if value is not None and not isinstance(value, str):
                self.problem(_line_of(item, key), f"{label}: {key!r} must be a place id, not {value!r}")
                ok = False
        if ok and item["from"] == item["to"]:
            self.problem(line, f"{label}: a link must join two different places")
            ok = False
        mode = item.get("mode")
        if mode is not None and mode not in LINK_MODES:
            self.problem(_line_of(item, "mode"), f"{label}: unknown link mode {mode!r} (one of {', '.join(sorted(LINK_MODES))})")
            ok = False
        km = item.get("km")
        if km is not None and not (_is_number(km) and km > 0):
            self.problem(_line_of(item, "km"), f"{label}: km must be a positive number, not {km!r}")
            ok = False
        source = item.get("source")
        if km is not None and not (isinstance(source, str) and source.strip()):
            self.problem(_line_of(item, "km"), f"{label}: a published km needs a 'source'")
        line_name = item.get("line")
        if line_name is not None and not isinstance(line_name, str):
            self.problem(_line_of(item, "line"), f"{label}: line must be a name, not {line_name!r}")
            line_name = None
        via = self.parse_via(item, label)
        if via is None or not ok:
            return None
        return Link(
            from_id=item["from"],
            to_id=item["to"],
            mode=mode,
            km=float(km) if km is not None else None,
            km_source=source if isinstance(source, str) else None,
            via=via,
            line_name=line_name,
            origin=self.path,
            line=line,
        )

    def parse_via(self, item: _LineDict, label: str) -> tuple[tuple[float, float], ...] | None:
        raw = item.get("via")
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(_line_of(item, "via"), f"{label}: via must be a list of [lat, lon] points")
            return None
        points = []
        for index, point in enumerate(raw):
            line = _line_of(raw, index)
            if not (isinstance(point, list) and len(point) == 2 and all(_is_number(v) for v in point)):
                self.problem(line, f"{label}: via point {index + 1} must be [lat, lon], not {point!r}")
                return None
            lat, lon = point
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                self.problem(line, f"{label}: via point {index + 1} {list(point)} is out of range (is it [lon, lat]?)")
                return None
            points.append((float(lat), float(lon)))
        return tuple(points)


# --------------------------------------------------------------------------- assembling files


@dataclass(frozen=True, slots=True)
class _Assembled:
    places: dict[str, _PlaceEntry]
    links: tuple[Link, ...]
    not_places: tuple[str, ...]
    problems: tuple[GazetteerProblem, ...]


def _assemble(files: list[_ParsedFile]) -> _Assembled:
    """Merge parsed files in order (bundled first) and check what needs them all:
    duplicate ids, references between entries and names shared by places."""
    problems: list[GazetteerProblem] = []
    places: dict[str, _PlaceEntry] = {}
    links: list[Link] = []
    not_places: dict[str, None] = {}
    for parsed in files:
        problems.extend(parsed.problems)
        seen: dict[str, _PlaceEntry] = {}
        for entry in parsed.places:
            place = entry.place
            if place.id in seen:
                first = seen[place.id].place.line
                problems.append(GazetteerProblem(parsed.path, place.line, f"duplicate place id {place.id!r} (first at line {first})"))
                continue
            seen[place.id] = entry
            places[place.id] = entry  # a later file overrides by id
        links.extend(parsed.links)
        not_places.update(dict.fromkeys(parsed.not_places))
    problems.extend(_reference_problems(places, links))
    problems.extend(_name_problems(places))
    return _Assembled(places, tuple(links), tuple(not_places), tuple(problems))


def _reference_problems(places: dict[str, _PlaceEntry], links: list[Link]) -> Iterator[GazetteerProblem]:
    for link in links:
        for end in (link.from_id, link.to_id):
            if end not in places:
                close = _close_matches(end, list(places), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                yield GazetteerProblem(link.origin or "", link.line, f"link {link.from_id}-{link.to_id}: unknown place id {end!r}{hint}")
    for entry in places.values():
        place = entry.place
        if place.capital is not None and place.capital not in places:
            yield GazetteerProblem(place.origin or "", place.line, f"place {place.id!r}: capital {place.capital!r} is not a place id")


def _name_problems(places: dict[str, _PlaceEntry]) -> Iterator[GazetteerProblem]:
    """Aliases shared by two places must say ``ambiguous: true``; two places of the same
    kind and country must not share a name."""
    names: dict[str, list[Place]] = {}
    aliases: dict[str, list[tuple[Place, _Alias]]] = {}
    for entry in places.values():
        names.setdefault(normalise_name(entry.place.name), []).append(entry.place)
    for entry in places.values():
        own = normalise_name(entry.place.name)
        for alias in entry.aliases:
            form = normalise_name(alias.name)
            if form and form != own:
                aliases.setdefault(form, []).append((entry.place, alias))
    for form, holders in names.items():
        for index, place in enumerate(holders):
            for earlier in holders[:index]:
                if (earlier.kind, earlier.country) == (place.kind, place.country):
                    yield GazetteerProblem(
                        place.origin or "", place.line,
                        f"place {place.id!r}: name {place.name!r} is also the name of {earlier.id!r} "
                        f"(same kind and country; merge them or rename one)",
                    )
    for form, claims in aliases.items():
        others_by_name = [p.id for p in names.get(form, [])]
        for place, alias in claims:
            if alias.ambiguous:
                continue
            others = sorted({*others_by_name, *(p.id for p, _ in claims)} - {place.id})
            if others:
                yield GazetteerProblem(
                    place.origin or "", alias.line,
                    f"place {place.id!r}: alias {alias.name!r} is also a name of {', '.join(map(repr, others))}; "
                    f"write it {{name: {alias.name}, ambiguous: true}} if both are meant",
                )


# --------------------------------------------------------------------------- the registry


class Gazetteer:
    """Curated places and the links between them, with name look-ups.

    ``places`` maps id to :class:`~routemap.models.Place` in file order; ``links`` and
    ``not_places`` are tuples.  ``world`` is an attached world layer (see
    :meth:`attach_world`) or ``None``.  ``path`` is the file it was loaded from.
    """

    __slots__ = ("places", "links", "not_places", "path", "world", "ambiguous_names", "_index", "_derived")

    def __init__(
        self,
        places: Mapping[str, Place],
        links: tuple[Link, ...] = (),
        not_places: tuple[str, ...] = (),
        *,
        path: str | None = None,
        ambiguous_names: frozenset[str] = frozenset(),
    ):
        self.places: Mapping[str, Place] = MappingProxyType(dict(places))
        self.links = tuple(links)
        self.not_places = tuple(not_places)
        self.path = path
        self.world = None
        self.ambiguous_names = ambiguous_names
        self._index = _NameIndex(self.places)
        self._derived: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"<Gazetteer {self.path or '(in memory)'}: {len(self.places)} places, {len(self.links)} links>"

    def __len__(self) -> int:
        return len(self.places)

    def __reduce__(self) -> tuple:
        # MappingProxyType does not pickle; derived caches are rebuilt on the other side.
        state = (dict(self.places), self.links, self.not_places, self.path, self.ambiguous_names, self.world)
        return (_restore_gazetteer, state)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def attach_world(self, world: Any) -> Gazetteer:
        """A gazetteer sharing this one's data, with ``world`` as the layer beneath it."""
        other = object.__new__(Gazetteer)
        for slot in Gazetteer.__slots__:
            setattr(other, slot, getattr(self, slot))
        other.world = world
        return other

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """``build()`` once per gazetteer data (shared with :meth:`attach_world` copies);
        used for derived structures such as the route network graphs."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = build()
            return value

    def get(self, place_id: str) -> Place:
        """The place with this id; ids ``gn:<geonameid>`` come from the world layer."""
        place = self.places.get(place_id)
        if place is not None:
            return place
        if self.world is not None and isinstance(place_id, str) and place_id.startswith("gn:"):
            return self.world.get(place_id)
        raise UnknownPlaceError(place_id, self._index.suggestions(str(place_id)))

    def find(self, name: str) -> tuple[Place, ...]:
        """Places whose name or an alias matches ``name`` after :func:`normalise_name`."""
        return tuple(self.places[pid] for pid in self._index.ids(normalise_name(name)))

    def resolve(self, name_or_id: str) -> Place:
        """The place an id or a name designates (the likeliest one when a name is shared),
        from the curated entries first, then from the attached world layer.

        Raises :class:`~routemap.errors.UnknownPlaceError` with close names as candidates.
        """
        text = name_or_id.strip()
        if text in self.places or (self.world is not None and text.startswith("gn:")):
            return self.get(text)
        found = self.find(text)
        if found:
            return min(found, key=lambda place: KIND_PREFERENCE.get(place.kind, 9))
        slug = normalise_name(text).replace(" ", "-")
        if slug in self.places:
            return self.places[slug]
        if self.world is not None:
            # The world layer beneath: the most populous place of that name.
            candidates = self.world.candidates(text)
            if candidates:
                return max(candidates, key=lambda place: place.population or 0)
        raise UnknownPlaceError(name_or_id, self._index.suggestions(text))

    def names(self) -> Iterator[tuple[str, str]]:
        """Every surface form (name, then aliases) with the id of its place."""
        for place in self.places.values():
            yield place.name, place.id
            for alias in place.aliases:
                yield alias, place.id

    def country(self, iso2: str | None) -> Place | None:
        """The ``kind: country`` place of an ISO 3166-1 alpha-2 code."""
        return self._index.countries.get((iso2 or "").upper())

    def country_by_adjective(self, text: str) -> Place | None:
        """The country an adjective names: "North Korean" -> North Korea."""
        return self._index.adjectives.get(normalise_name(text))

    def capital_of(self, country_place: Place | str) -> Place | None:
        """The capital of a country place (or of an ISO code)."""
        if isinstance(country_place, str):
            country_place = self.country(country_place) or self.places.get(country_place)
        if country_place is None or country_place.capital is None:
            return None
        return self.places.get(country_place.capital)


def _restore_gazetteer(places, links, not_places, path, ambiguous_names, world) -> Gazetteer:  # noqa: ANN001
    restored = Gazetteer(places, links, not_places, path=path, ambiguous_names=ambiguous_names)
    return restored.attach_world(world) if world is not None else restored


class _NameIndex:
    """Normalised name -> place ids, countries by code and by adjective."""

    def __init__(self, places: Mapping[str, Place]):
        ids: dict[str, list[str]] = {}
        self.display: dict[str, str] = {}
        self.countries: dict[str, Place] = {}
        self.adjectives: dict[str, Place] = {}
        for place in places.values():
            for surface in (place.name, *place.aliases):
                form = normalise_name(surface)
                if form and place.id not in ids.setdefault(form, []):
                    ids[form].append(place.id)
                self.display.setdefault(form, surface)
            if place.kind == "country" and place.country:
                self.countries.setdefault(place.country, place)
                for adjective in place.adjectives:
                    self.adjectives.setdefault(normalise_name(adjective), place)
        self._ids = {form: tuple(found) for form, found in ids.items()}
        compact: dict[str, list[str]] = {}
        for form, found in self._ids.items():
            bucket = compact.setdefault(form.replace(" ", ""), [])
            bucket.extend(place_id for place_id in found if place_id not in bucket)
        self._compact = {form: tuple(found) for form, found in compact.items()}

    def ids(self, form: str) -> tuple[str, ...]:
        """Ids of the places with this normalised name; failing that, of those whose name
        is the same without spaces ("Pyong-yang" finds "Pyongyang", "Dongdang" "Dong Dang")."""
        return self._ids.get(form) or self._compact.get(form.replace(" ", ""), ())

    def suggestions(self, text: str, n: int = 5) -> tuple[str, ...]:
        """Close names (one per place), best first, for "did you mean" messages."""
        close = _close_matches(normalise_name(text), list(self._ids), n=3 * n, cutoff=0.6)
        by_place: dict[str, str] = {}
        for form in close:
            for place_id in self._ids[form]:
                by_place.setdefault(place_id, self.display[form])
        return tuple(dict.fromkeys(by_place.values()))[:n]


# --------------------------------------------------------------------------- loading


def bundled_gazetteer_path() -> Path:
    """Where the bundled ``gazetteer.yaml`` is: inside the installed package, else at the
    root of the source checkout (editable installs and running from the repository)."""
    try:
        resource = importlib.resources.files("routemap").joinpath("gazetteer.yaml")
        if isinstance(resource, Path) and resource.is_file():
            return resource
    except (ModuleNotFoundError, OSError):  # pragma: no cover - odd importers
        pass
    return Path(__file__).resolve().parents[1] / "gazetteer.yaml"


def _stat_key(path: Path) -> tuple[str, int, int]:
    stat = path.stat()  # raises FileNotFoundError naming the file as given
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=32)
def _parse_cached(resolved: str, mtime_ns: int, size: int, shown: str) -> _ParsedFile:
    data = Path(resolved).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise GazetteerError([GazetteerProblem(
            shown, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the gazetteer as UTF-8")]) from None
    return _FileParser(shown).parse(text)


def _file_keys(path: Path | None) -> tuple[tuple[str, int, int, str], ...]:
    """(resolved path, mtime, size, path as shown) of the files to read, bundled first
    when the file says ``extends: bundled``."""
    bundled = bundled_gazetteer_path()
    bundled_key = (*_stat_key(bundled), str(bundled))
    if path is None or path.resolve() == bundled.resolve():
        return (bundled_key,)
    key = (*_stat_key(path), str(path))
    if _parse_cached(*key).extends == "bundled":
        return (bundled_key, key)
    return (key,)


@functools.lru_cache(maxsize=16)
def _load_cached(keys: tuple[tuple[str, int, int, str], ...]) -> Gazetteer:
    assembled = _assemble([_parse_cached(*key) for key in keys])
    if assembled.problems:
        raise GazetteerError(assembled.problems)
    ambiguous = frozenset(
        normalise_name(alias.name) for entry in assembled.places.values() for alias in entry.aliases if alias.ambiguous
    )
    return Gazetteer(
        {pid: entry.place for pid, entry in assembled.places.items()},
        assembled.links,
        assembled.not_places,
        path=keys[-1][3],
        ambiguous_names=ambiguous,
    )


def load_gazetteer(path: str | os.PathLike[str] | None = None) -> Gazetteer:
    """Load and validate a gazetteer file (the bundled one when ``path`` is None).

    The result is cached by resolved path, modification time and size, so loading the
    same unchanged file again is free.  Raises :class:`~routemap.errors.GazetteerError`
    with every problem, or :class:`OSError` when the file cannot be read.
    ``ROUTEMAP_GAZETTEER`` is read by the command line options, not here.
    """
    return _load_cached(_file_keys(Path(path) if path is not None else None))


def validate_gazetteer_file(path: str | os.PathLike[str] | None = None) -> list[GazetteerProblem]:
    """Every problem of a gazetteer file (with the bundled file if it says ``extends: bundled``),
    sorted by file and line.  Raises :class:`OSError` when the file cannot be read."""
    try:
        keys = _file_keys(Path(path) if path is not None else None)
        assembled = _assemble([_parse_cached(*key) for key in keys])
    except GazetteerError as exc:  # a file that cannot even be parsed (not UTF-8)
        return list(exc.problems)
    return sorted(assembled.problems, key=lambda p: (p.path, p.line or 0, p.message))
