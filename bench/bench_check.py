"""``check`` throughput on one core, against the geotext + quantulum3 pipeline.

Over a JSON Lines corpus (bench/corpus.py), in this one process: read each article
(``routemap.reading.document_from_text``), ``pipeline.analyse``, ``report.report_to_dict``
and ``report.dumps_json`` -- the work of ``routemap check --format jsonl`` per article.  Input MB
are the bytes of the articles as stored (HTML markup included).  The gazetteer is loaded
once, before the clock starts, as ``check`` does at start-up.

The baseline is what a user would otherwise assemble: ``geotext.GeoText(text)`` for places
and ``quantulum3.parser.parse(text)`` for figures (no checking at all).  It runs on a sample
of the same corpus (it is much slower), on the plain text of each article (extracted by
routemap's reader outside the clock, so the baseline gets HTML extraction for free), and the
ratio is per MB on that same sample.

    python bench/bench_check.py bench/corpus/corpus-20mb.jsonl
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

__all__ = ["iter_records", "measure_check", "measure_baseline", "profile_stages", "run", "main"]

STAGES = (
    ("reading.py", "document_from_text", "reading (text/HTML -> Document)"),
    ("places.py", "build_article", "places (mentions)"),
    ("quantities.py", "find_quantities", "quantities (figures)"),
    ("claims.py", "build_claims", "claims"),
    ("claims.py", "build_itinerary", "itinerary"),
    ("checks.py", "check_claims", "checks (routes, speeds)"),
    ("pipeline.py", "leg_route", "routes of the itinerary's legs"),
    ("pipeline.py", "report_places", "places of the report"),
    ("report.py", "report_to_dict", "report_to_dict"),
    ("report.py", "dumps_json", "dumps_json (JSON text)"),
)
"""(file name, function, label) of each stage, for the profile."""


def iter_records(path: Path, limit: int | None = None) -> Iterator[tuple[str, str, str]]:
    """``(id, kind, body)`` of each line of a corpus file."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                return
            record = json.loads(line)
            kind = "html" if "html" in record else "text"
            yield record["id"], kind, record[kind]


def _load_gazetteer(no_world: bool = False) -> Any:
    from routemap.cli.options import load_gazetteer_from_options

    return load_gazetteer_from_options(None, no_world)


def measure_check(corpus: Path, *, limit: int | None = None, sample: int = 0, no_world: bool = False) -> dict:
    """Time the check of every article (one process); also the time of the first
    ``sample`` articles (to compare with the baseline on the same ones)."""
    from routemap.pipeline import analyse
    from routemap.reading import document_from_text
    from routemap.report import dumps_json, report_to_dict

    gazetteer = _load_gazetteer(no_world)
    for ident, kind, body in iter_records(corpus, limit=20):  # warm caches and lazy imports
        report_to_dict(analyse(document_from_text(body, source=ident, kind=kind), gazetteer), gazetteer)
    articles = size = claims = inconsistent = 0
    sample_seconds = sample_bytes = 0.0
    clock = time.perf_counter
    started, cpu_started = clock(), time.process_time()
    for ident, kind, body in iter_records(corpus, limit=limit):
        article_started = clock() if articles < sample else 0.0
        report = analyse(document_from_text(body, source=ident, kind=kind), gazetteer)
        dumps_json(report_to_dict(report, gazetteer))
        nbytes = len(body.encode("utf-8"))
        if articles < sample:
            sample_seconds += clock() - article_started
            sample_bytes += nbytes
        articles += 1
        size += nbytes
        claims += len(report.results)
        inconsistent += sum(1 for result in report.results if result.verdict == "inconsistent")
    seconds = clock() - started
    cpu = time.process_time() - cpu_started
    return {
        "articles": articles,
        "megabytes": size / 1e6,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "mb_per_s": size / 1e6 / seconds,
        "articles_per_s": articles / seconds,
        "claims": claims,
        "inconsistent": inconsistent,
        "world_layer": getattr(gazetteer, "world", None) is not None,
        "places_in_gazetteer": len(getattr(gazetteer, "places", ())),
        "sample_articles": min(sample, articles),
        "sample_mb_per_s": (sample_bytes / 1e6 / sample_seconds) if sample_seconds else None,
    }


def measure_baseline(corpus: Path, *, sample: int) -> dict:
    """GeoText + quantulum3 over the first ``sample`` articles (plain text)."""
    from geotext import GeoText
    from quantulum3 import parser as quantulum_parser

    from routemap.reading import document_from_text

    texts, sizes = [], []
    for ident, kind, body in iter_records(corpus, limit=sample):
        texts.append(document_from_text(body, source=ident, kind=kind).text)
        sizes.append(len(body.encode("utf-8")))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        GeoText(texts[0])  # load both libraries' data before the clock starts
        quantulum_parser.parse(texts[0])
        places = figures = 0
        started = time.perf_counter()
        for text in texts:
            places += len(GeoText(text).cities)
            figures += len(quantulum_parser.parse(text))
        seconds = time.perf_counter() - started
    return {
        "articles": len(texts),
        "megabytes": sum(sizes) / 1e6,
        "seconds": seconds,
        "mb_per_s": sum(sizes) / 1e6 / seconds,
        "articles_per_s": len(texts) / seconds,
        "places": places,
        "figures": figures,
    }


def profile_stages(corpus: Path, *, articles: int = 300, no_world: bool = False) -> dict:
    """cProfile the check of ``articles`` articles: cumulative time per stage and the
    functions with the most time of their own."""
    from routemap.pipeline import analyse
    from routemap.reading import document_from_text
    from routemap.report import dumps_json, report_to_dict

    gazetteer = _load_gazetteer(no_world)
    records = list(iter_records(corpus, limit=articles))
    for ident, kind, body in records[:10]:
        analyse(document_from_text(body, source=ident, kind=kind), gazetteer)
    profiler = cProfile.Profile()
    profiler.enable()
    for ident, kind, body in records:
        report = analyse(document_from_text(body, source=ident, kind=kind), gazetteer)
        dumps_json(report_to_dict(report, gazetteer))
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    stages = []
    for filename, function, label in STAGES:
        cumulative = sum(
            values[3]
            for (path, _line, name), values in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and path.endswith(filename) and "routemap" in path
        )
        stages.append((label, cumulative, cumulative / total if total else 0.0))
    stages.append(("total (profiled, with cProfile's overhead)", total, 1.0))
    own = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:12]  # type: ignore[attr-defined]
    top = [(f"{Path(path).parent.name}/{Path(path).name}:{line} {name}", values[2], values[2] / total) for (path, line, name), values in own]
    return {"articles": len(records), "total_seconds": total, "stages": stages, "top": top}


def run(corpus: Path, *, baseline_sample: int = 300, profile_articles: int = 300, limit: int | None = None) -> dict:
    """Every figure of this benchmark, with its markdown section."""
    check = measure_check(corpus, limit=limit, sample=baseline_sample)
    baseline = measure_baseline(corpus, sample=baseline_sample)
    profile = profile_stages(corpus, articles=profile_articles)
    ratio_same_sample = check["sample_mb_per_s"] / baseline["mb_per_s"] if check["sample_mb_per_s"] else None
    ratio_full = check["mb_per_s"] / baseline["mb_per_s"]
    lines = [
        "## `check` throughput on one core",
        "",
        f"Corpus `{corpus.name}`: {check['articles']:,} articles, {check['megabytes']:.1f} MB "
        "(article bytes as stored, HTML markup included). One process: read, `pipeline.analyse`, "
        "`report_to_dict`, `dumps_json`; the gazetteer `check` uses by default "
        f"({check['places_in_gazetteer']:,} curated places, "
        f"{'with' if check['world_layer'] else 'without'} the world layer) loaded before the clock.",
        "",
        "| pipeline | articles | MB | seconds | MB/s | articles/s |",
        "|---|---:|---:|---:|---:|---:|",
        f"| routemap check | {check['articles']:,} | {check['megabytes']:.2f} | {check['seconds']:.1f} | "
        f"**{check['mb_per_s']:.2f}** | {check['articles_per_s']:,.0f} |",
        f"| geotext + quantulum3 (first {baseline['articles']:,} articles) | {baseline['articles']:,} | "
        f"{baseline['megabytes']:.2f} | {baseline['seconds']:.1f} | {baseline['mb_per_s']:.3f} | {baseline['articles_per_s']:,.1f} |",
        "",
        f"routemap found {check['claims']:,} claims ({check['inconsistent']:,} inconsistent); "
        f"the baseline found {baseline['places']:,} city names and {baseline['figures']:,} quantities and checks nothing.",
        "",
        f"**Ratio: routemap is {ratio_same_sample:,.0f}× the geotext + quantulum3 pipeline** per MB on the same "
        f"{baseline['articles']:,} articles ({ratio_full:,.0f}× taking routemap's full-corpus rate). "
        "The baseline ran on that sample only (too slow for the whole corpus); its rate is extrapolated per MB.",
        "",
        f"### Where `check` spends its time (cProfile, {profile['articles']} articles)",
        "",
        "| stage | cumulative s | share |",
        "|---|---:|---:|",
        *[f"| {label} | {seconds:.2f} | {share:.0%} |" for label, seconds, share in profile["stages"]],
        "",
        "Functions with the most time of their own:",
        "",
        "| function | own s | share |",
        "|---|---:|---:|",
        *[f"| `{name}` | {seconds:.2f} | {share:.0%} |" for name, seconds, share in profile["top"]],
        "",
    ]
    return {
        "markdown": "\n".join(lines),
        "figures": {
            "check_mb_per_s": check["mb_per_s"],
            "check_articles_per_s": check["articles_per_s"],
            "baseline_mb_per_s": baseline["mb_per_s"],
            "ratio": ratio_same_sample,
            "ratio_full": ratio_full,
            "check": check,
            "baseline": baseline,
            "profile_stages": profile["stages"],
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    print(run(args.corpus, baseline_sample=args.baseline_sample, limit=args.limit)["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
