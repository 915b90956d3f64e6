"""Evaluate place recognition with the world layer on the hand-annotated articles.

Reads ``tests/data/world_eval/articles/*.txt`` and ``tests/data/world_eval/annotations.yaml``
and prints precision, recall and the share of found places within 50 km of the annotated
spot (countries: the right country).  With ``--curated`` (the default when
:mod:`routemap.places` is importable) mentions come from the full pipeline (curated
gazetteer first, world layer beneath); otherwise from the world layer alone.

    python scripts/eval_world.py [--world-only] [--verbose] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO / "tests" / "data" / "world_eval"
WITHIN_KM = 50.0

__all__ = ["Expected", "EvalResult", "load_annotations", "evaluate", "main"]


@dataclass(frozen=True)
class Expected:
    start: int
    end: int
    surface: str
    name: str
    country: str
    lat: float
    lon: float
    optional: bool


@dataclass
class EvalResult:
    found: int = 0
    expected: int = 0
    true_positives: int = 0
    recalled: int = 0
    within: int = 0
    positioned: int = 0
    false_places: list = None
    misses: list = None
    far: list = None

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 1.0

    @property
    def within_share(self) -> float:
        return self.within / self.positioned if self.positioned else 1.0

    def as_dict(self) -> dict:
        return {
            "expected": self.expected, "found": self.found, "precision": round(self.precision, 3),
            "recall": round(self.recall, 3), "within_50km": round(self.within_share, 3),
            "false_places": self.false_places, "misses": self.misses, "far": self.far,
        }


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def load_annotations(eval_dir: Path = EVAL_DIR) -> dict[str, tuple[str, list[Expected]]]:
    """Article name -> (text, expected mentions with their offsets)."""
    data = yaml.safe_load((eval_dir / "annotations.yaml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, list[Expected]]] = {}
    for name, entries in data["articles"].items():
        text = (eval_dir / "articles" / name).read_text(encoding="utf-8")
        pos = 0
        expected = []
        for entry in entries:
            surface, place_name, country, lat, lon, *flags = entry
            ctx = next((f[4:] for f in flags if f.startswith("ctx:")), None)
            search_from = pos
            if ctx is not None:
                at = text.find(ctx, pos)
                if at < 0:
                    raise ValueError(f"{name}: context {ctx!r} not found after offset {pos}")
                search_from = at
            m = re.compile(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-]*\w)").search(text, search_from)
            if m is None:
                raise ValueError(f"{name}: {surface!r} not found after offset {search_from}")
            expected.append(Expected(m.start(), m.end(), surface, place_name, country, float(lat), float(lon), "optional" in flags))
            pos = m.end()
        out[name] = (text, expected)
    return out


def mentions_for(text: str, source: str, gazetteer, world, use_pipeline: bool):
    """(mention, place) pairs for one article."""
    from routemap.models import Sentence

    if use_pipeline:
        from routemap.places import find_mentions
        from routemap.reading import split_sentences

        found = find_mentions(text, split_sentences(text), gazetteer)
        return [(m, gazetteer.get(m.place_id)) for m in found], text
    try:
        from routemap.reading import split_sentences

        sentences = split_sentences(text)
    except Exception:  # noqa: BLE001 - reading.py not there yet: one sentence per line
        sentences, start = [], 0
        for line in text.split("\n"):
            sentences.append(Sentence(len(sentences), start, start + len(line)))
            start += len(line) + 1
        sentences = tuple(sentences)
    found = world.find_mentions(text, sentences, (), gazetteer)
    return [(m, world.get(m.place_id) if m.place_id.startswith("gn:") else gazetteer.get(m.place_id)) for m in found], text


def evaluate(gazetteer=None, world=None, use_pipeline: bool = False, eval_dir: Path = EVAL_DIR) -> EvalResult:
    """Score mention finding against the annotations."""
    result = EvalResult(false_places=[], misses=[], far=[])
    for name, (text, expected) in load_annotations(eval_dir).items():
        found, seen_text = mentions_for(text, name, gazetteer, world, use_pipeline)
        if seen_text != text:
            raise ValueError(f"{name}: the pipeline changed the text; offsets cannot be compared")
        by_span = {(e.start, e.end): e for e in expected}
        matched: set[tuple[int, int]] = set()
        for mention, place in found:
            exp = by_span.get((mention.start, mention.end))
            if exp is None:
                # a longer or shorter span over an expected one still names it
                exp = next((e for e in expected if e.start < mention.end and mention.start < e.end), None)
            if exp is None:
                result.found += 1
                result.false_places.append(f"{name}:{mention.start} {mention.surface!r} -> {place.name}, {place.country}")
                continue
            if not exp.optional:
                result.found += 1
                result.true_positives += 1
            matched.add((exp.start, exp.end))
            result.positioned += 1
            if place.kind == "country":
                ok = place.country == exp.country
                where = f"country {place.country}"
            else:
                km = _haversine_km((place.lat, place.lon), (exp.lat, exp.lon))
                ok = km <= WITHIN_KM
                where = f"{km:.0f} km away"
            if ok:
                result.within += 1
            else:
                result.far.append(f"{name}:{mention.start} {mention.surface!r} -> {place.name}, {place.country} ({where})")
        for e in expected:
            if e.optional:
                continue
            result.expected += 1
            if (e.start, e.end) in matched:
                result.recalled += 1
            else:
                result.misses.append(f"{name}:{e.start} {e.surface!r} ({e.name}, {e.country})")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world-only", action="store_true", help="the world layer alone, without curated mentions")
    parser.add_argument("--verbose", "-v", action="store_true", help="list false places, misses and far places")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    from routemap.world import load_world

    world = load_world()
    gazetteer = None
    use_pipeline = False
    try:
        from routemap.gazetteer import load_gazetteer

        gazetteer = load_gazetteer().attach_world(world)
        if not args.world_only:
            import routemap.places  # noqa: F401

            use_pipeline = True
    except Exception as exc:  # noqa: BLE001 - develop against the world layer alone
        print(f"(curated pipeline not used: {exc})", file=sys.stderr)
    result = evaluate(gazetteer, world, use_pipeline)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    mode = "curated gazetteer + world layer" if use_pipeline else "world layer alone"
    print(f"{mode}: {result.expected} annotated places, {result.found} found")
    print(f"precision {result.precision:.3f}  recall {result.recall:.3f}  within {WITHIN_KM:.0f} km {result.within_share:.3f}")
    if args.verbose:
        for title, rows in (("false places", result.false_places), ("misses", result.misses), ("far", result.far)):
            print(f"\n{title} ({len(rows)}):")
            for row in rows:
                print("  " + row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
