"""Compare the bundled gazetteer with trustworthy reference coordinates.

Reads ``gazetteer.yaml`` directly (``yaml.safe_load``, no routemap import needed) and
``../shared/data/reference_places.csv`` (GeoNames / Natural Earth, development only) and
prints, for each reference place, the gazetteer entry it matches (by name or alias, same
country) and the geodesic distance between the two points; then the largest distance and
the counts of places, links and km of network.

    python scripts/check_gazetteer_reference.py [--gazetteer PATH] [--reference CSV] [--max-km 5]

Exit status 1 when a reference place is missing or farther than ``--max-km``.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from geopy.distance import geodesic

REPO = Path(__file__).resolve().parent.parent
DEFAULT_GAZETTEER = REPO / "gazetteer.yaml"
DEFAULT_REFERENCE = REPO.parent / "shared" / "data" / "reference_places.csv"
MAX_KM = 5.0

__all__ = [
    "ReferenceMatch",
    "load_gazetteer_data",
    "fold",
    "place_names",
    "link_points",
    "link_length_km",
    "read_reference",
    "match_reference",
    "main",
]

APOSTROPHES = re.compile(r"['’‘ʼʻ`´]", re.VERBOSE)
SEPARATORS = re.compile(r"[\s\-‐‑‒–—_]+", re.VERBOSE)
EXTRA_LETTERS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss"})


@dataclass(frozen=True)
class ReferenceMatch:
    """One reference place and the gazetteer entry nearest to it (``None`` if absent)."""

    name: str
    country: str
    lat: float
    lon: float
    place_id: str | None
    km: float | None


def load_gazetteer_data(path: Path = DEFAULT_GAZETTEER) -> dict[str, Any]:
    """The raw YAML mapping of a gazetteer file."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def fold(name: str) -> str:
    """Case-folded, accent-free, apostrophe-free form with hyphens as spaces."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(EXTRA_LETTERS)
    return SEPARATORS.sub(" ", APOSTROPHES.sub("", text)).strip()


def place_names(place: dict[str, Any]) -> set[str]:
    """Every folded surface form of a place: its name and aliases."""
    names = {fold(place["name"])}
    for alias in place.get("aliases") or ():
        names.add(fold(alias["name"] if isinstance(alias, dict) else alias))
    return names


def link_points(link: dict[str, Any], places: dict[str, dict[str, Any]]) -> list[tuple[float, float]]:
    """The polyline of a link: its start, shape points and end, as (lat, lon)."""
    start, end = places[link["from"]], places[link["to"]]
    via = [tuple(point) for point in link.get("via") or ()]
    return [(start["lat"], start["lon"]), *via, (end["lat"], end["lon"])]


def link_length_km(link: dict[str, Any], places: dict[str, dict[str, Any]]) -> float:
    """The published ``km`` of a link, else the geodesic sum over its points."""
    if link.get("km") is not None:
        return float(link["km"])
    points = link_points(link, places)
    return sum(geodesic(a, b).km for a, b in zip(points, points[1:]))


def read_reference(path: Path = DEFAULT_REFERENCE) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def match_reference(rows: Iterable[dict[str, str]], places: Iterable[dict[str, Any]]) -> list[ReferenceMatch]:
    """For each reference row, the same-country place named like it that lies nearest."""
    places = list(places)
    matches = []
    for row in rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        wanted = fold(row["name"])
        candidates = [
            p for p in places
            if p.get("country") == row["country_code"] and wanted in place_names(p) and p.get("kind") != "country"
        ]
        best_id, best_km = None, None
        for place in candidates:
            km = geodesic((lat, lon), (place["lat"], place["lon"])).km
            if best_km is None or km < best_km:
                best_id, best_km = place["id"], km
        matches.append(ReferenceMatch(row["name"], row["country_code"], lat, lon, best_id, best_km))
    return matches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteer", type=Path, default=DEFAULT_GAZETTEER)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--max-km", type=float, default=MAX_KM)
    args = parser.parse_args(argv)
    if not args.reference.is_file():
        print(f"{args.reference}: not found (reference data is for development only)", file=sys.stderr)
        return 2
    data = load_gazetteer_data(args.gazetteer)
    places = {p["id"]: p for p in data["places"]}
    matches = match_reference(read_reference(args.reference), places.values())
    failures = 0
    for match in matches:
        if match.km is None:
            failures += 1
            print(f"{match.name:24} {match.country}  MISSING")
            continue
        flag = "" if match.km <= args.max_km else f"  > {args.max_km:g} km"
        failures += bool(flag)
        print(f"{match.name:24} {match.country}  {match.place_id:22} {match.km:6.2f} km{flag}")
    found = [m for m in matches if m.km is not None]
    worst = max(found, key=lambda m: m.km, default=None)
    links = data.get("links") or []
    network_km = sum(link_length_km(link, places) for link in links)
    print()
    print(f"reference places: {len(matches)}, matched: {len(found)}")
    if worst is not None:
        print(f"largest distance to a reference coordinate: {worst.km:.2f} km ({worst.name})")
    print(f"gazetteer: {len(places)} places, {len(links)} links, {network_km:,.0f} km of network, "
          f"{len(data.get('not_places') or [])} not_places")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
