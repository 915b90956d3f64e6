"""Render benchmark: a map of 50 places and 10 rail legs (with claims and geometry).

Measures :func:`routemap.render.render_map` + :func:`routemap.render.map_html` (the whole HTML
page as a string), median of several renders after one warm-up (which reads Leaflet and the
basemap once), and the size of the page.  Targets: <= 60 ms, <= 400 KB.  Prints a markdown table::

    .venv/bin/python bench/bench_render.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routemap.models import Article, Check, Claim, ClaimResult, Leg, Mention, Place, Quantity, Report, Route, Sentence  # noqa: E402

TARGET_MS = 60.0
TARGET_KB = 400.0
KINDS = ("city", "station", "border_crossing", "hotel", "water", "town", "country")


def synthetic_report(n_places: int = 50, n_legs: int = 10) -> Report:
    """``n_places`` places on a grid over China and ``n_legs`` rail legs of 21 shape points each."""
    places = [
        Place(f"p{i}", f"Place {i}", KINDS[i % len(KINDS)], "CN", 25 + (i % 10) * 1.5, 100 + (i // 10) * 3.0)
        for i in range(n_places)
    ]
    parts, sentences, mentions, position = [], [], [], 0
    for i, place in enumerate(places):
        sentence = f"The train passed {place.name} after 120 km."
        start = position + sentence.index(place.name)
        mentions.append(Mention(start, start + len(place.name), place.name, place.id, i))
        sentences.append(Sentence(i, position, position + len(sentence)))
        parts.append(sentence)
        position += len(sentence) + 1
    text = " ".join(parts)
    article = Article("bench.txt", text, "Bench", None, tuple(sentences), tuple(mentions))
    legs, results = [], []
    for j in range(n_legs):
        a, b = places[j], places[j + 1]
        geometry = tuple(
            (a.lat + (b.lat - a.lat) * t / 20, a.lon + (b.lon - a.lon) * t / 20 + 0.2 * (t % 3)) for t in range(21)
        )
        legs.append((Leg(a.id, b.id, "rail", j), Route(a.id, b.id, "rail", "rail route", (a.id, b.id), 200.0, 180.0, {"CN": 200.0}, geometry)))
        start = sentences[j].start + parts[j].index("120 km")
        quantity = Quantity("distance", start, start + 6, "120 km", 120, "km", 120, 120, None, j)
        results.append(
            ClaimResult(
                Claim(quantity, a.id, b.id, mode="rail", leg=j),
                (Check("rail route", 200.0, "km", 0.6, "inconsistent", "stated 120 km, rail route 200 km"),),
                "inconsistent",
                "The rail route is 200 km.",
            )
        )
    return Report(article, tuple(places), tuple(legs), tuple(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeat = 5 if args.quick else args.repeat

    from routemap import render

    report = synthetic_report()
    render.map_html(render.render_map(report))  # warm-up: Leaflet, basemap, templates
    build_ms, page_ms, total_ms = [], [], []
    html = ""
    for _ in range(repeat):
        t0 = time.perf_counter()
        fmap = render.render_map(report)
        t1 = time.perf_counter()
        html = render.map_html(fmap)
        t2 = time.perf_counter()
        build_ms.append((t1 - t0) * 1000)
        page_ms.append((t2 - t1) * 1000)
        total_ms.append((t2 - t0) * 1000)
    size_kb = len(html.encode("utf-8")) / 1024
    total = statistics.median(total_ms)
    print(f"Map of {len(report.places)} places and {len(report.legs)} legs, median of {repeat} renders:")
    print()
    print("| measure | value | target |")
    print("|---|---:|---:|")
    print(f"| render_map (build the folium tree) | {statistics.median(build_ms):.1f} ms | |")
    print(f"| map_html (HTML page) | {statistics.median(page_ms):.1f} ms | |")
    print(f"| total | {total:.1f} ms | ≤ {TARGET_MS:.0f} ms {'✓' if total <= TARGET_MS else '✗'} |")
    print(f"| page size | {size_kb:.0f} KB | ≤ {TARGET_KB:.0f} KB {'✓' if size_kb <= TARGET_KB else '✗'} |")
    if total > TARGET_MS or size_kb > TARGET_KB:
        sys.exit(1)


if __name__ == "__main__":
    main()
