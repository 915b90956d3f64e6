"""Build benchmark corpora from the example articles in ``examples/``, deterministically.

Each generated article is a variant of one example: the title (and a leading date line)
stays first, the body's paragraphs are shuffled by a seeded generator (the short variant
keeps a seeded subset of them), and the figures with a unit ("680km", "20 hours", "40 kph")
of each paragraph are scaled by a seeded factor, so the corpus is never one text repeated
verbatim but its articles stay the kind of text routemap reads.  HTML examples stay HTML
(``{"id", "html"}`` lines; the page around the ``<p>`` elements -- head, navigation,
footer -- is kept as it is), text examples text (``{"id", "text"}``).

    python bench/corpus.py --megabytes 20 -o bench/corpus/corpus-20mb.jsonl
    python bench/corpus.py --articles 100000 --short -o bench/corpus/corpus-100k.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

__all__ = ["Example", "load_examples", "examples_fingerprint", "generate_articles", "write_corpus", "main"]

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")

FIGURE_WITH_UNIT = re.compile(
    r"""
    (?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)      # 680, 1,180, 2.5
    (?P<gap>\s?)
    (?P<unit>km/h|kph|mph|km|kilomet(?:er|re)s?|miles?|hours?|hrs?|minutes?|days?)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)
"""A figure followed by a distance, duration or speed unit."""

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
HTML_PARAGRAPH = re.compile(r"<p\b[^>]*>(?P<body>.*?)</p>", re.IGNORECASE | re.DOTALL)
HTML_TITLE = re.compile(r"<(?:h1|title)\b[^>]*>(?P<title>.*?)</(?:h1|title)>", re.IGNORECASE | re.DOTALL)

SCALE_FACTORS = (0.5, 0.8, 1.0, 1.0, 1.0, 1.25, 1.5, 2.0)


@dataclass(frozen=True)
class Example:
    """An example article split into a title and body paragraphs (``kind`` text or html)."""

    name: str
    kind: str
    title: str
    paragraphs: tuple[str, ...]
    markup: str = ""


def _split_text(text: str) -> tuple[str, list[str]]:
    blocks = [block.strip() for block in PARAGRAPH_BREAK.split(text) if block.strip()]
    if len(blocks) == 1:  # one block: split it into sentences-ish lines instead
        blocks = [line.strip() for line in blocks[0].splitlines() if line.strip()]
    return blocks[0], blocks[1:]


def _split_html(markup: str) -> tuple[str, list[str]]:
    """The title and the ``<p>`` elements (whole, tags included) of a page."""
    title_match = HTML_TITLE.search(markup)
    title = title_match.group("title").strip() if title_match else ""
    return title, [match.group(0) for match in HTML_PARAGRAPH.finditer(markup)]


def load_examples(directory: Path = EXAMPLES) -> list[Example]:
    """The example articles of ``directory``, sorted by name."""
    examples = []
    for path in sorted(directory.glob("*")):
        if path.suffix.lower() not in ARTICLE_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".txt":
            title, paragraphs = _split_text(text)
            kind = "text"
        else:
            title, paragraphs = _split_html(text)
            kind = "html"
        if paragraphs:
            examples.append(Example(path.name, kind, title, tuple(paragraphs), text if kind == "html" else ""))
    if not examples:
        raise SystemExit(f"bench/corpus.py: no example articles (.txt/.html) in {directory}")
    return examples


def examples_fingerprint(directory: Path = EXAMPLES) -> str:
    """A short hash of the examples (corpus files are rebuilt when it changes)."""
    digest = hashlib.sha1()
    for path in sorted(directory.glob("*")):
        if path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:10]


def _scale_figures(text: str, rng: random.Random) -> str:
    """``text`` with its figures scaled by one seeded factor (so "170 km (105 miles)"
    stays a pair)."""
    factor = rng.choice(SCALE_FACTORS)

    def scaled(match: re.Match) -> str:
        number = float(match.group("number").replace(",", ""))
        value = number * factor
        shown = f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"
        return f"{shown}{match.group('gap')}{match.group('unit')}"

    return FIGURE_WITH_UNIT.sub(scaled, text)


def _variant(example: Example, index: int, short: bool) -> tuple[str, str]:
    """The ``index``-th variant of ``example``: (kind, text or HTML)."""
    rng = random.Random(f"{example.name}:{index}")
    body = list(example.paragraphs)
    rng.shuffle(body)
    if short and len(body) > 3:
        body = body[: rng.randint(3, min(6, len(body)))]
    body = [_scale_figures(paragraph, rng) for paragraph in body]
    if example.kind == "html":
        # Put the varied paragraphs where the page's paragraphs were; drop the rest.
        replacements = iter(body)
        return "html", HTML_PARAGRAPH.sub(lambda _match: next(replacements, ""), example.markup)
    return "text", example.title + "\n\n" + "\n\n".join(body) + "\n"


def generate_articles(
    examples: list[Example], *, articles: int | None = None, megabytes: float | None = None, short: bool = False
) -> Iterator[dict]:
    """JSON Lines records ``{"id", "text"|"html"}``: ``articles`` of them, or until
    ``megabytes`` of article text; round-robin over the examples."""
    if articles is None and megabytes is None:
        raise ValueError("give articles or megabytes")
    budget = None if megabytes is None else int(megabytes * 1_000_000)
    total, index = 0, 0
    while (articles is None or index < articles) and (budget is None or total < budget):
        example = examples[index % len(examples)]
        kind, body = _variant(example, index, short)
        total += len(body.encode("utf-8"))
        yield {"id": f"{Path(example.name).stem}-{index:06d}", kind: body}
        index += 1


def write_corpus(path: Path, records: Iterator[dict]) -> tuple[int, int]:
    """Write ``records`` as JSON Lines; (articles, bytes of article text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = size = 0
    partial = path.with_suffix(path.suffix + ".part")
    with open(partial, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            size += len((record.get("text") or record.get("html")).encode("utf-8"))
            count += 1
    partial.replace(path)
    return count, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--examples", type=Path, default=EXAMPLES)
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--articles", type=int)
    size.add_argument("--megabytes", type=float)
    parser.add_argument("--short", action="store_true", help="keep 3-6 body paragraphs per article")
    args = parser.parse_args(argv)
    count, size_bytes = write_corpus(
        args.output,
        generate_articles(load_examples(args.examples), articles=args.articles, megabytes=args.megabytes, short=args.short),
    )
    print(f"{args.output}: {count:,} articles, {size_bytes / 1e6:,.1f} MB of article text", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
