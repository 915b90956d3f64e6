"""Build routemap/data/basemap.geojson from Natural Earth 1:50m country polygons.

Natural Earth is public domain.  The map is drawn offline from this small file: country
outlines (which are also the coastlines), simplified with shapely and rounded to 4 decimals
(about 11 m, far below the simplification tolerance).  Only ``iso_a2`` and ``name`` are kept
as properties.  Run from the repository root::

    .venv/bin/python scripts/make_basemap.py [SOURCE.geojson] [-o routemap/data/basemap.geojson]

The source defaults to ../shared/data/ne_50m_admin_0_countries.geojson (development only: the
product reads the committed output, never ../shared).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "ne_50m_admin_0_countries.geojson"
DEFAULT_OUTPUT = REPO / "routemap" / "data" / "basemap.geojson"

SIMPLIFY_TOLERANCE_DEG = 0.1
"""Douglas-Peucker tolerance in degrees (about 11 km): fine at the country-to-continent zooms a
journey map opens at, and it keeps the whole world under 350 KB (each map inlines only a clip of it)."""

MIN_PART_AREA_SQDEG = 0.1
"""Islands smaller than this (about 35 km x 35 km) are dropped, unless they are a country's only land."""

DECIMALS = 4


def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), DECIMALS) for v in obj]
        return [_round_coords(item) for item in obj]
    return obj


def simplify_country(geometry: dict) -> Polygon | MultiPolygon | None:
    """One country's outline, simplified, with its specks of islands dropped."""
    geom = shape(geometry)
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    kept = [p for p in parts if p.area >= MIN_PART_AREA_SQDEG] or [max(parts, key=lambda p: p.area)]
    simplified = []
    for part in kept:
        s = part.simplify(SIMPLIFY_TOLERANCE_DEG, preserve_topology=True)
        s = shapely.make_valid(shapely.set_precision(s, 10 ** -DECIMALS))
        if s.geom_type == "GeometryCollection":
            s = shapely.union_all([g for g in s.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
        if not s.is_empty:
            simplified.extend(s.geoms if isinstance(s, MultiPolygon) else [s])
    polygons = [p for p in simplified if isinstance(p, Polygon) and not p.is_empty]
    if not polygons:
        return None
    # Parts simplified one by one may overlap: merge them into one valid (Multi)Polygon.
    merged = shapely.set_precision(shapely.make_valid(shapely.union_all(polygons)), 10 ** -DECIMALS)
    if merged.geom_type == "GeometryCollection":
        merged = shapely.union_all([g for g in merged.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    return merged if merged.geom_type in ("Polygon", "MultiPolygon") and not merged.is_empty else None


def build_basemap(source: Path) -> dict:
    data = json.loads(source.read_text(encoding="utf-8"))
    features = []
    for feature in data["features"]:
        props = feature["properties"]
        geom = simplify_country(feature["geometry"])
        if geom is None:
            continue
        iso = props.get("ISO_A2")
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a2": iso if iso and iso != "-99" else None, "name": props.get("NAME")},
                "geometry": {
                    "type": mapping(geom)["type"],
                    "coordinates": _round_coords(mapping(geom)["coordinates"]),
                },
            }
        )
    features.sort(key=lambda f: (f["properties"]["name"] or "", f["properties"]["iso_a2"] or ""))
    return {
        "type": "FeatureCollection",
        "attribution": "Made with Natural Earth (public domain), 1:50m admin 0 countries, simplified",
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    basemap = build_basemap(args.source)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(basemap, separators=(",", ":"), ensure_ascii=False)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"{args.output}: {len(basemap['features'])} countries, {len(text.encode()) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
