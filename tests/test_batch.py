"""Tests of routemap.batch: inputs, ordering, resume, clean interrupts, real pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from routemap import batch
from routemap.batch import iter_inputs, read_done_sources, run_batch

JOURNEY = (
    "Kim Jong Un travelled by train from Pyongyang to Vladivostok. "
    "The armoured train covered 680 km in about 20 hours.\n"
)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def stub_article(document, gazetteer):
    """Stands in for the pipeline: one claim per digit in the text."""
    claims = sum(ch.isdigit() for ch in document.text)
    return {"source": document.source, "chars": len(document.text)}, claims, 0


class Interrupting:
    """A stub that is "Ctrl-C'd" on its n-th article."""

    def __init__(self, at: int):
        self.at, self.calls = at, 0

    def __call__(self, document, gazetteer):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return stub_article(document, gazetteer)


@pytest.fixture
def no_gazetteer(monkeypatch):
    """Mechanics tests run the stub pipeline without loading a gazetteer."""
    monkeypatch.setattr(batch, "_load_gazetteer", lambda path, no_world: None)


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / "b.txt").write_text("Second article, 2 figures: 30 km.\n", encoding="utf-8")
    (root / "a.html").write_text("<html><body><p>First article, 10 km.</p></body></html>", encoding="utf-8")
    (root / "sub" / "c.htm").write_text("<p>Third article, 5 km.</p>", encoding="utf-8")
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    return root


# --------------------------------------------------------------------------- inputs


def test_directories_are_walked_recursively_in_sorted_order(corpus_dir: Path):
    sources = [item.source for item in iter_inputs([corpus_dir])]
    assert sources == [str(corpus_dir / "a.html"), str(corpus_dir / "b.txt"), str(corpus_dir / "sub" / "c.htm")]


def test_jsonl_lines_become_items_and_bad_lines_name_their_line(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"id": "one", "text": "A text."}),
                json.dumps({"html": "<p>No id.</p>"}),
                "",
                "{not json",
                json.dumps(["a list"]),
                json.dumps({"id": 7, "title": "no text"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    items = list(iter_inputs([path]))
    assert [item.source for item in items] == ["one", f"{path}:2", f"{path}:4", f"{path}:5", "7"]
    assert items[0].kind == "text" and items[0].error is None
    assert items[1].kind == "html" and items[1].text == "<p>No id.</p>"
    for item, line in zip(items[2:], (4, 5, 6)):
        assert item.error is not None and item.error.startswith(f"{path}:{line}:")
        assert "\n" not in item.error


def test_missing_input_is_an_error_item_not_a_crash(tmp_path: Path):
    (item,) = iter_inputs([tmp_path / "nowhere.txt"])
    assert item.path == str(tmp_path / "nowhere.txt")
    outcome = batch._process_item(item, batch._WorkerConfig(article_fn=stub_article))
    assert outcome.error and "nowhere.txt" in json.loads(outcome.line)["error"]


def test_count_inputs_matches_iter_inputs(corpus_dir: Path, tmp_path: Path):
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text('{"text": "a"}\n\n{"text": "b"}\n', encoding="utf-8")
    assert batch.count_inputs([corpus_dir, jsonl]) == len(list(iter_inputs([corpus_dir, jsonl]))) == 5


def test_map_filenames_are_safe_and_distinct():
    names = {batch.map_filename(s) for s in ("a/b.txt", "a_b.txt", "a b.txt", "../../etc/passwd")}
    assert len(names) == 4
    assert all("/" not in name and name.endswith(".html") and not name.startswith(".") for name in names)


# --------------------------------------------------------------------------- output, resume, interrupts


def test_read_done_sources_truncates_a_torn_last_line(tmp_path: Path):
    out = tmp_path / "out.jsonl"
    whole = json.dumps({"source": "a"}) + "\n" + json.dumps({"source": "b", "error": "x"}) + "\n"
    out.write_bytes(whole.encode() + b'{"source": "c", "cla')
    # the torn line is cut, and the failed source "b" is dropped to be tried again
    assert read_done_sources(out) == {"a"}
    assert out.read_text(encoding="utf-8") == json.dumps({"source": "a"}) + "\n"


def test_resume_processes_only_new_sources(tmp_path: Path, corpus_dir: Path, no_gazetteer):
    out = tmp_path / "out.jsonl"
    first = run_batch([corpus_dir], out, jobs=1, article_fn=stub_article, progress=False)
    assert (first.articles, first.errors) == (3, 0)
    (corpus_dir / "d.txt").write_text("Fourth article, 40 km.\n", encoding="utf-8")
    # A crash of something else left a torn line: resume cuts it and goes on.
    with open(out, "ab") as handle:
        handle.write(b'{"source": "torn')
    calls = []

    def counting(document, gazetteer):
        calls.append(document.source)
        return stub_article(document, gazetteer)

    second = run_batch([corpus_dir], out, jobs=1, resume=True, article_fn=counting, progress=False)
    assert calls == [str(corpus_dir / "d.txt")]
    assert (second.articles, second.skipped) == (1, 3)
    sources = [record["source"] for record in _lines(out)]
    assert sorted(sources) == sorted(item.source for item in iter_inputs([corpus_dir]))
    assert len(sources) == len(set(sources))


def test_interrupt_stops_cleanly_with_only_whole_lines(tmp_path: Path, no_gazetteer):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Article {i}, {i} km."}) + "\n" for i in range(10)))
    out = tmp_path / "out.jsonl"
    summary = run_batch([path], out, jobs=1, article_fn=Interrupting(at=4), progress=False)
    assert summary.interrupted
    assert summary.articles == 3
    raw = out.read_bytes()
    assert raw.endswith(b"\n")
    assert [record["source"] for record in _lines(out)] == ["a0", "a1", "a2"]
    # ... and a resumed run finishes the job without duplicates.
    rest = run_batch([path], out, jobs=1, resume=True, article_fn=stub_article, progress=False)
    assert (rest.skipped, rest.articles) == (3, 7)
    assert [record["source"] for record in _lines(out)] == [f"a{i}" for i in range(10)]


def test_internal_errors_become_error_lines(tmp_path: Path, no_gazetteer):
    def broken(document, gazetteer):
        if "2" in document.text:
            raise ZeroDivisionError("boom")
        return stub_article(document, gazetteer)

    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Article {i}."}) + "\n" for i in range(4)))
    out = tmp_path / "out.jsonl"
    summary = run_batch([path], out, jobs=1, article_fn=broken, progress=False)
    records = _lines(out)
    assert (summary.articles, summary.errors) == (3, 1)
    assert "error" in records[2] and f"{path}:3" in records[2]["error"] and "boom" in records[2]["error"]


def test_summary_describes_the_counts():
    summary = batch.BatchSummary(articles=10, claims=25, inconsistent=4, errors=2, seconds=2.0, output="r.jsonl")
    text = summary.describe()
    assert "10 articles" in text and "25 claims (4 inconsistent)" in text and "2 errors" in text
    assert "6.0 articles/s" in text


# --------------------------------------------------------------------------- the real pipeline


def _write_articles(root: Path, n: int) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = root / f"article-{i:02d}.txt"
        path.write_text(f"Report {i}\n\n" + JOURNEY, encoding="utf-8")
        paths.append(path)
    return paths


def test_real_pipeline_pool_matches_serial_and_keeps_order(tmp_path: Path, gazetteer):
    from routemap.pipeline import analyse
    from routemap.reading import read_document
    from routemap.report import report_to_dict

    paths = _write_articles(tmp_path / "in", 6)
    serial, pooled = tmp_path / "serial.jsonl", tmp_path / "pooled.jsonl"
    one = run_batch([tmp_path / "in"], serial, jobs=1, no_world=True, progress=False)
    two = run_batch([tmp_path / "in"], pooled, jobs=2, no_world=True, chunksize=1, progress=False)
    assert serial.read_bytes() == pooled.read_bytes()
    assert (one.articles, one.errors) == (two.articles, two.errors) == (6, 0)
    records = _lines(serial)
    assert [r.get("source") for r in records] == [str(p) for p in paths]
    # Each line is exactly the check --format jsonl record of its article.
    expected = report_to_dict(analyse(read_document(str(paths[0])), gazetteer), gazetteer)
    assert records[0] == json.loads(json.dumps(expected))
    assert one.claims == two.claims == sum(len(r["claims"]) for r in records) > 0
    assert one.inconsistent == sum(c["verdict"] == "inconsistent" for r in records for c in r["claims"])
