#!/usr/bin/env python3
"""Score routemap's figure extraction and leg ends on the hand-annotated set.

    python scripts/eval_figures.py [--json] [ANNOTATIONS.yaml]

Figures: a predicted figure is right when it overlaps an annotated one and has the same
value and unit after normalisation (km, h, km/h: "105 miles" == 168.98 km).  Precision is
right / predicted, recall right / annotated.  Ends: for each found figure whose annotated
ends all resolve in the bundled gazetteer (or are open), both predicted ends must equal
the annotation (``A|B`` means either).  Also reported: hedge and mode agreement on found
figures, and how many annotated non-travel numbers were wrongly taken as figures.

The functions here are also used by tests/test_claims.py and bench/bench_quantities.py.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_ANNOTATIONS = REPO / "tests" / "data" / "figures" / "articles.yaml"

__all__ = [
    "GoldFigure",
    "GoldArticle",
    "Predicted",
    "Scores",
    "load_annotations",
    "make_article",
    "score_figures",
    "evaluate_routemap",
    "base_value",
]


@dataclass(frozen=True)
class GoldFigure:
    start: int
    end: int
    surface: str
    kind: str
    value: float
    unit: str
    hedge: str | None
    from_name: str | None
    to_name: str | None
    mode: str | None


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str
    figures: tuple[GoldFigure, ...]
    others: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class Predicted:
    """A figure found by some extractor, normalised for scoring."""

    start: int
    end: int
    kind: str
    base: float  # value in km, h or km/h
    hedge: str | None = None
    from_id: str | None = None
    to_id: str | None = None
    mode: str | None = None


@dataclass
class Scores:
    predicted: int = 0
    gold: int = 0
    right: int = 0
    others: int = 0
    others_taken: int = 0
    hedge_right: int = 0
    mode_total: int = 0
    mode_right: int = 0
    ends_total: int = 0
    ends_right: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    end_errors: list[str] = field(default_factory=list)
    mode_errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.gold if self.gold else 1.0

    @property
    def ends_accuracy(self) -> float:
        return self.ends_right / self.ends_total if self.ends_total else 1.0

    def summary(self) -> dict:
        return {
            "gold_figures": self.gold,
            "predicted": self.predicted,
            "right": self.right,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "hedge_right": self.hedge_right,
            "mode_accuracy": round(self.mode_right / self.mode_total, 4) if self.mode_total else None,
            "ends_counted": self.ends_total,
            "ends_right": self.ends_right,
            "ends_accuracy": round(self.ends_accuracy, 4),
            "non_travel_numbers": self.others,
            "non_travel_taken": self.others_taken,
        }


def base_value(value: float, unit: str) -> float:
    from routemap.quantities import to_base

    return to_base(float(value), unit)


def _locate(text: str, surface: str, cursor: int, what: str) -> tuple[int, int]:
    found = text.find(surface, cursor)
    if found < 0:
        found = text.find(surface)
    if found < 0:
        raise ValueError(f"{what}: {surface!r} is not in the text")
    return found, found + len(surface)


def load_annotations(path: Path | str = DEFAULT_ANNOTATIONS) -> tuple[GoldArticle, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    articles = []
    for item in data["articles"]:
        text = item["text"]
        figures = []
        cursor = 0
        for row in item["figures"]:
            surface, kind, value, unit, hedge, from_name, to_name, mode = row
            surface = str(surface)
            start, end = _locate(text, surface, cursor, item["id"])
            cursor = end
            figures.append(GoldFigure(start, end, surface, kind, float(value), unit, hedge, from_name, to_name, mode))
        others = []
        for surface in item.get("others", ()):
            surface = str(surface)
            start, end = _locate(text, surface, 0, item["id"])
            others.append((start, end, surface))
        articles.append(GoldArticle(item["id"], text, tuple(figures), tuple(others)))
    return tuple(articles)


# --------------------------------------------------------------------------- articles


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])|\n+")


def _naive_article(text: str, gazetteer, source: str):
    """An Article with mentions found by exact name match (used only when routemap.places
    is not importable, e.g. while it is being written)."""
    from routemap.models import Article, Mention, Sentence

    bounds = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    sentences = tuple(Sentence(i, a, b) for i, (a, b) in enumerate(bounds) if b > a)
    sentences = tuple(Sentence(i, s.start, s.end) for i, s in enumerate(sentences))
    names: dict[str, str] = {}
    for name, place_id in gazetteer.names():
        names.setdefault(name, place_id)
    for place in gazetteer.places.values():
        for adjective in place.adjectives:
            names.setdefault(adjective, place.id)
    shell = Article(source, text, None, None, sentences, ())
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    mentions = tuple(
        Mention(m.start(), m.end(), m.group(1), names[m.group(1)], shell.sentence_of(m.start()))
        for m in pattern.finditer(text)
    )
    return Article(source, text, None, None, sentences, mentions)


def make_article(text: str, gazetteer, source: str = "<text>"):
    """The Article routemap's pipeline builds for ``text`` (places.build_article)."""
    try:
        from routemap.places import build_article
        from routemap.reading import document_from_text
    except ImportError:
        return _naive_article(text, gazetteer, source)
    return build_article(document_from_text(text, source=source, kind="text"), gazetteer)


# --------------------------------------------------------------------------- scoring


def _resolve(gazetteer, name: str | None) -> tuple[bool, frozenset[str]]:
    """(resolvable, ids) for an annotated end; an open end resolves to {None}."""
    if name is None:
        return True, frozenset({None})
    ids = set()
    for option in str(name).split("|"):
        try:
            ids.add(gazetteer.resolve(option.strip()).id)
        except Exception:  # noqa: BLE001 - not in the curated gazetteer: not counted
            return False, frozenset()
    return True, frozenset(ids)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 + 2e-3 * max(abs(a), abs(b))


def score_figures(
    gold_articles: Sequence[GoldArticle],
    predict: Callable[[GoldArticle], Sequence[Predicted]],
    gazetteer=None,
    scores: Scores | None = None,
) -> Scores:
    scores = scores or Scores()
    for article in gold_articles:
        predicted = list(predict(article))
        scores.predicted += len(predicted)
        scores.gold += len(article.figures)
        scores.others += len(article.others)
        used: set[int] = set()
        for figure in article.figures:
            gold_base = base_value(figure.value, figure.unit)
            match_index = None
            for index, guess in enumerate(predicted):
                if index in used or guess.end <= figure.start or guess.start >= figure.end:
                    continue
                if guess.kind == figure.kind and _close(guess.base, gold_base):
                    match_index = index
                    break
            if match_index is None:
                scores.misses.append(f"{article.id}: {figure.surface!r}")
                continue
            used.add(match_index)
            guess = predicted[match_index]
            scores.right += 1
            scores.hedge_right += guess.hedge == figure.hedge
            if figure.mode is not None:
                scores.mode_total += 1
                scores.mode_right += guess.mode == figure.mode
                if guess.mode != figure.mode:
                    scores.mode_errors.append(f"{article.id}: {figure.surface!r} gave {guess.mode}, want {figure.mode}")
            if gazetteer is not None:
                ok_from, from_ids = _resolve(gazetteer, figure.from_name)
                ok_to, to_ids = _resolve(gazetteer, figure.to_name)
                if ok_from and ok_to:
                    scores.ends_total += 1
                    if guess.from_id in from_ids and guess.to_id in to_ids:
                        scores.ends_right += 1
                    else:
                        scores.end_errors.append(
                            f"{article.id}: {figure.surface!r} gave {guess.from_id}->{guess.to_id}, "
                            f"want {figure.from_name}->{figure.to_name}"
                        )
        for index, guess in enumerate(predicted):
            if index in used:
                continue
            scores.false_positives.append(f"{article.id}: {article.text[guess.start:guess.end]!r}")
            if any(guess.start < end and guess.end > start for start, end, _ in article.others):
                scores.others_taken += 1
    return scores


def routemap_predictions(article: GoldArticle, gazetteer) -> list[Predicted]:
    from routemap.claims import build_claims
    from routemap.quantities import find_quantities

    built = make_article(article.text, gazetteer, source=article.id)
    quantities = find_quantities(built)
    claims = build_claims(built, quantities, gazetteer)
    return [
        Predicted(
            c.quantity.start, c.quantity.end, c.quantity.kind,
            base_value(c.quantity.value, c.quantity.unit), c.quantity.hedge, c.from_id, c.to_id, c.mode,
        )
        for c in claims
    ]


def evaluate_routemap(path: Path | str = DEFAULT_ANNOTATIONS, gazetteer=None) -> Scores:
    if gazetteer is None:
        from routemap.gazetteer import load_gazetteer

        gazetteer = load_gazetteer()
    gold = load_annotations(path)
    return score_figures(gold, lambda article: routemap_predictions(article, gazetteer), gazetteer)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("annotations", nargs="?", default=str(DEFAULT_ANNOTATIONS))
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--verbose", action="store_true", help="list misses, false positives, end errors")
    args = parser.parse_args(list(argv) if argv is not None else None)
    scores = evaluate_routemap(args.annotations)
    summary = scores.summary()
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    else:
        for key, value in summary.items():
            print(f"{key:20} {value}")
    if args.verbose:
        for title, rows in (("misses", scores.misses), ("false positives", scores.false_positives),
                            ("end errors", scores.end_errors), ("mode errors", scores.mode_errors)):
            print(f"\n{title} ({len(rows)}):")
            for row in rows:
                print("  " + row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
