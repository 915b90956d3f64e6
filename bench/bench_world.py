"""Benchmark: mention finding with the world layer (GeoNames) beneath the curated gazetteer, in MB/s.

Builds a corpus of at least ``--mb`` megabytes (default 10) of separate articles: seeded
variants (bench/corpus.py: shuffled paragraphs, scaled figures) of ``examples/*.txt``,
``examples/*.html`` and the hand-annotated ``tests/data/world_eval/articles/*.txt`` (the
place-dense texts), read beforehand with :mod:`routemap.reading`.  Then on one core, in the
same run, it times :func:`routemap.places.build_article` (sentences + mentions) article by
article

* with the bundled gazetteer and the world layer attached
  (``load_gazetteer().attach_world(load_world())``), and
* with the curated gazetteer alone,

on CPU time (``time.process_time``), best of ``--repeat`` runs each, interleaved; MB are
UTF-8 bytes of the articles' text.  Prints a markdown table and PASS/FAIL against the
target: mention finding with the world layer >= 2 MB/s on one core.

    .venv/bin/python bench/bench_world.py [--mb 10] [--repeat 3] [--quick] [--profile N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

from routemap.reading import document_from_text  # noqa: E402

__all__ = ["TARGET_MB_S", "build_documents", "main"]

TARGET_MB_S = 2.0
"""Mention finding with the world layer on one core (issue 4)."""
WORLD_EVAL_ARTICLES = REPO / "tests" / "data" / "world_eval" / "articles"


def build_documents(megabytes: float) -> list:
    """Documents of seeded article variants, round-robin over the examples and the world
    evaluation articles, until their text holds at least ``megabytes`` MB."""
    examples = corpus.load_examples(corpus.EXAMPLES)
    if WORLD_EVAL_ARTICLES.is_dir():
        examples += corpus.load_examples(WORLD_EVAL_ARTICLES)
    budget = int(megabytes * 1_000_000)
    documents, total = [], 0
    # generate_articles would count HTML markup; stop on the text actually read instead.
    for record in corpus.generate_articles(examples, articles=sys.maxsize):
        if total >= budget:
            break
        kind = "html" if "html" in record else "text"
        doc = document_from_text(record[kind], source=record["id"], kind=kind)
        documents.append(doc)
        total += len(doc.text.encode("utf-8"))
    return documents


def _timed(run) -> tuple[float, int]:
    start = time.process_time()
    count = run()
    return time.process_time() - start, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB of article text (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs each; the best counts (default 3)")
    parser.add_argument("--quick", action="store_true", help="a 1 MB corpus, 2 runs: a smoke test")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also print the top N functions of a cProfile of one world-layer run")
    args = parser.parse_args(argv)
    if args.quick:
        args.mb, args.repeat = min(args.mb, 1.0), min(args.repeat, 2)

    from routemap.gazetteer import load_gazetteer
    from routemap.places import build_article
    from routemap.world import load_world

    started = time.process_time()
    documents = build_documents(args.mb)
    megabytes = sum(len(doc.text.encode("utf-8")) for doc in documents) / 1_000_000
    read_seconds = time.process_time() - started
    curated = load_gazetteer()
    with_world = load_gazetteer().attach_world(load_world())
    build_article(documents[0], curated), build_article(documents[0], with_world)  # build matchers, open the store

    def run_with(gazetteer):
        return lambda: sum(len(build_article(doc, gazetteer).mentions) for doc in documents)

    runs = {"curated gazetteer only": run_with(curated), "curated + world layer": run_with(with_world)}
    best: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, run in runs.items():
            seconds, counts[name] = _timed(run)
            best[name] = min(best.get(name, seconds), seconds)

    print(f"corpus: {len(documents):,} articles, {megabytes:.1f} MB of text (variants of examples/ and "
          f"tests/data/world_eval/articles/, read in {read_seconds:.1f} s beforehand); "
          f"world layer: {len(with_world.world):,} places")
    print()
    print(f"| `places.build_article`, article by article | CPU seconds (best of {args.repeat}) | MB/s | articles/s | mentions |")
    print("|---|---:|---:|---:|---:|")
    for name in runs:
        seconds = best[name]
        print(f"| {name} | {seconds:.2f} | {megabytes / seconds:.2f} | {len(documents) / seconds:,.0f} | {counts[name]:,} |")
    world_seconds = best["curated + world layer"]
    world_only = max(world_seconds - best["curated gazetteer only"], 1e-9)
    print()
    print(f"(the world layer's own share: {world_only:.2f} s, {megabytes / world_only:.2f} MB/s; "
          "sentence splitting and the curated scan are in both rows)")

    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        runs["curated + world layer"]()
        profiler.disable()
        print("\n```")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(args.profile)
        print("```")

    rate = megabytes / world_seconds
    verdict = "PASS" if rate >= TARGET_MB_S else "FAIL"
    print()
    print(f"target: mention finding with the world layer >= {TARGET_MB_S:g} MB/s on one core: {verdict} ({rate:.2f} MB/s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
