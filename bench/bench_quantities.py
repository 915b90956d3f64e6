#!/usr/bin/env python3
"""Benchmark routemap.quantities against quantulum3 on the annotated figure set.

    python bench/bench_quantities.py [--repeat N] [--json]

Both extractors read the same texts (tests/data/figures/articles.yaml) in the same run and
are scored the same way (scripts/eval_figures.py): a figure is right when it overlaps an
annotated travel figure and has the same value once both are normalised to km, h or km/h.
quantulum3's lengths, times and speeds count as its travel figures (its other entities —
currency, percentages, angles, dimensionless numbers — are ignored, not counted against
it).  Speed is characters per second of article text, best of ``--repeat`` runs for
routemap (quantulum3 is timed once: it is slow).  Prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import eval_figures  # noqa: E402

_QUANTULUM_ENTITIES = {"length": "distance", "time": "duration", "speed": "speed"}


def _pint_base(value: float, unit_name: str, kind: str) -> float | None:
    from routemap.quantities import _unit_registry

    registry = _unit_registry()
    name = unit_name.replace("metre", "meter").replace(" per ", " / ")
    target = {"distance": "kilometer", "duration": "hour", "speed": "kilometer / hour"}[kind]
    try:
        return float(registry.Quantity(value, name).to(target).magnitude)
    except Exception:  # noqa: BLE001 - a unit pint does not know: not a travel figure
        return None


def quantulum_predictions(text: str) -> list[eval_figures.Predicted]:
    from quantulum3 import parser

    found = []
    for quantity in parser.parse(text):
        kind = _QUANTULUM_ENTITIES.get(quantity.unit.entity.name)
        if kind is None:
            continue
        base = _pint_base(float(quantity.value), quantity.unit.name, kind)
        if base is None:
            continue
        start, end = quantity.span
        found.append(eval_figures.Predicted(start, end, kind, base))
    return found


def routemap_predictions(text: str) -> list[eval_figures.Predicted]:
    from routemap.quantities import find_quantities_in_text, to_base

    return [
        eval_figures.Predicted(q.start, q.end, q.kind, to_base(q.value, q.unit), q.hedge)
        for q in find_quantities_in_text(text)
    ]


def _time(function, texts, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            function(text)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing runs for routemap (best of)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    gold = eval_figures.load_annotations()
    texts = [article.text for article in gold]
    characters = sum(map(len, texts))

    ours = eval_figures.score_figures(gold, lambda article: routemap_predictions(article.text))
    import quantulum3.parser  # noqa: F401 - load its data before timing

    quantulum_predictions("a warm-up of 5 km")
    theirs = eval_figures.score_figures(gold, lambda article: quantulum_predictions(article.text))

    ours_seconds = _time(routemap_predictions, texts, args.repeat)
    theirs_seconds = _time(quantulum_predictions, texts, 1)
    rows = []
    for name, scores, seconds in (("routemap", ours, ours_seconds), ("quantulum3", theirs, theirs_seconds)):
        rows.append(
            {
                "extractor": name,
                "precision": round(scores.precision, 3),
                "recall": round(scores.recall, 3),
                "right": scores.right,
                "predicted": scores.predicted,
                "gold": scores.gold,
                "non_travel_taken": scores.others_taken,
                "seconds": round(seconds, 4),
                "kchars_per_s": round(characters / seconds / 1000, 1),
            }
        )
    ratio = theirs_seconds / ours_seconds
    if args.json:
        print(json.dumps({"articles": len(texts), "characters": characters, "rows": rows,
                          "speed_ratio": round(ratio, 1)}, indent=2))
        return 0
    print(f"{len(texts)} articles, {characters:,} characters, {ours.gold} annotated travel figures, "
          f"{ours.others} non-travel numbers\n")
    print("| extractor | precision | recall | right / predicted | non-travel taken | time (s) | kchar/s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['extractor']} | {row['precision']:.3f} | {row['recall']:.3f} | "
              f"{row['right']} / {row['predicted']} | {row['non_travel_taken']} | {row['seconds']:.4f} | "
              f"{row['kchars_per_s']:,} |")
    print(f"\nroutemap is {ratio:,.0f}x faster than quantulum3.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
