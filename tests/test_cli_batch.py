"""Tests of ``routemap batch`` (the command), on the real pipeline."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from routemap import batch as batch_module
from routemap.cli import main

ARTICLES = {
    "vladivostok.txt": (
        "Kim's train reaches Russia\n\n"
        "Kim Jong Un's armoured train pulled into Vladivostok on Tuesday after a 680 km trip from "
        "Pyongyang that took about 20 hours.\n"
    ),
    "hanoi.txt": (
        "Kim drives to Hanoi\n\n"
        "At the border station of Dong Dang Kim left the train and was driven 170 km (105 miles) "
        "to Hanoi by car.\n"
    ),
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _good_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in ARTICLES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_bad_files_become_error_lines_and_the_run_goes_on(runner: CliRunner, tmp_path: Path):
    corpus = _good_corpus(tmp_path / "corpus")
    # Unreadable even as root: a broken symbolic link.  Unparseable: NUL bytes, and nothing at all.
    os.symlink(tmp_path / "gone.txt", corpus / "broken-link.txt")
    (corpus / "binary.txt").write_bytes(b"\x7fELF\x00\x00\x01\x00" * 64)
    (corpus / "empty.txt").write_bytes(b"")
    out = tmp_path / "report.jsonl"
    result = runner.invoke(main, ["batch", str(corpus), "-o", str(out), "--jobs", "2", "--no-world"])
    assert result.exit_code == 0, result.output
    records = _records(out)
    by_name = {Path(record["source"]).name: record for record in records}
    assert sorted(by_name) == sorted(["binary.txt", "broken-link.txt", "empty.txt", *ARTICLES])
    # In the sorted order of the directory.
    assert [Path(record["source"]).name for record in records] == sorted(by_name)
    for name in ("binary.txt", "broken-link.txt", "empty.txt"):
        record = by_name[name]
        assert set(record) == {"source", "error"}
        assert name in record["error"] and "\n" not in record["error"]
    for name in ARTICLES:
        assert "error" not in by_name[name]
        assert by_name[name]["source"] == str(corpus / name)
    assert "2 articles" in result.stderr and "3 errors" in result.stderr
    assert "articles/s" in result.stderr
    # each bad file is also one line on the terminal, naming it, before the summary
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("routemap: ")]
    assert sorted(line.split(": ")[1] for line in error_lines) == sorted(
        str(corpus / name) for name in ("binary.txt", "broken-link.txt", "empty.txt"))
    assert result.stderr.splitlines()[-1].startswith("batch: ")


def test_each_line_is_the_check_jsonl_record(runner: CliRunner, tmp_path: Path, gazetteer):
    from routemap.pipeline import analyse
    from routemap.reading import read_document
    from routemap.report import report_to_dict

    corpus = _good_corpus(tmp_path / "corpus")
    out = tmp_path / "report.jsonl"
    result = runner.invoke(main, ["batch", str(corpus), "-o", str(out), "--jobs", "1", "--no-world"])
    assert result.exit_code == 0, result.output
    records = _records(out)
    expected = [
        json.loads(json.dumps(report_to_dict(analyse(read_document(corpus / name), gazetteer), gazetteer)))
        for name in sorted(ARTICLES)
    ]
    assert records == expected


def test_jsonl_input_names_bad_lines(runner: CliRunner, tmp_path: Path):
    source = tmp_path / "articles.jsonl"
    source.write_text(
        json.dumps({"id": "vlad", "text": ARTICLES["vladivostok.txt"]})
        + "\n{broken\n"
        + json.dumps({"html": "<p>" + ARTICLES["hanoi.txt"] + "</p>"})
        + "\n"
        + json.dumps({"id": "nothing", "text": "   "})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(source), "-o", str(out), "--jobs", "1", "--no-world"])
    assert result.exit_code == 0, result.output
    records = _records(out)
    assert [r["source"] for r in records] == ["vlad", f"{source}:2", f"{source}:3", "nothing"]
    assert "error" not in records[0] and "error" not in records[2]
    assert records[1]["error"].startswith(f"{source}:2:")
    assert f"{source}:4" in records[3]["error"]
    assert "2 errors" in result.stderr


def test_resume_skips_what_is_done(runner: CliRunner, tmp_path: Path):
    corpus = _good_corpus(tmp_path / "corpus")
    out = tmp_path / "report.jsonl"
    args = ["batch", str(corpus), "-o", str(out), "--jobs", "1", "--no-world"]
    assert runner.invoke(main, args).exit_code == 0
    before = out.read_bytes()
    (corpus / "third.txt").write_text("A third article\n\nThe train ran 90 km from Pyongyang.\n", encoding="utf-8")
    result = runner.invoke(main, args + ["--resume"])
    assert result.exit_code == 0, result.output
    after = out.read_bytes()
    assert after.startswith(before)
    assert [Path(r["source"]).name for r in _records(out)] == ["hanoi.txt", "vladivostok.txt", "third.txt"]
    assert "2 skipped" in result.stderr and "1 article," in result.stderr


def test_ctrl_c_exits_130_with_whole_lines(runner: CliRunner, tmp_path: Path, monkeypatch):
    calls = []

    def interrupted_on_third(document, gazetteer):
        calls.append(document.source)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return {"source": document.source, "claims": []}, 0, 0

    monkeypatch.setattr(batch_module, "check_article", interrupted_on_third)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(6):
        (corpus / f"a{i}.txt").write_text(f"Article {i}\n\nA train ran {i + 1}0 km.\n", encoding="utf-8")
    out = tmp_path / "report.jsonl"
    result = runner.invoke(main, ["batch", str(corpus), "-o", str(out), "--jobs", "1", "--no-world"])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert out.read_bytes().endswith(b"\n")
    assert [Path(r["source"]).name for r in _records(out)] == ["a0.txt", "a1.txt"]


def test_maps_are_rendered_per_article(runner: CliRunner, tmp_path: Path):
    corpus = _good_corpus(tmp_path / "corpus")
    (corpus / "hanoi.txt").unlink()
    maps = tmp_path / "maps"
    out = tmp_path / "report.jsonl"
    result = runner.invoke(main, ["batch", str(corpus), "-o", str(out), "--jobs", "1", "--no-world", "--maps", str(maps)])
    assert result.exit_code == 0, result.output
    (page,) = maps.iterdir()
    assert page.name == batch_module.map_filename(str(corpus / "vladivostok.txt"))
    assert "leaflet" in page.read_text(encoding="utf-8").lower()


def test_usage_errors(runner: CliRunner, tmp_path: Path):
    out = tmp_path / "o.jsonl"
    result = runner.invoke(main, ["batch", str(tmp_path), "-o", str(out), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "--engine dask" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("places: [\n", encoding="utf-8")
    result = runner.invoke(main, ["batch", str(tmp_path), "-o", str(out), "--gazetteer", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith("routemap: ") and str(bad) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_dask_engine_on_a_local_cluster_gives_the_same_lines(runner: CliRunner, tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    corpus = _good_corpus(tmp_path / "corpus")
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02")
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    assert runner.invoke(main, ["batch", str(corpus), "-o", str(local), "--jobs", "1", "--no-world"]).exit_code == 0
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        result = runner.invoke(
            main,
            ["batch", str(corpus), "-o", str(remote), "--no-world", "--engine", "dask", "--scheduler", cluster.scheduler_address],
        )
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()
    assert "1 error," in result.stderr


def test_resume_retries_the_sources_that_failed(tmp_path):
    """A source that failed is tried again on --resume, and keeps one line in the output."""
    import json

    from click.testing import CliRunner

    from routemap.cli import main

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Kim left Pyongyang for Vladivostok by train, a 680km journey.\n", encoding="utf-8")
    (corpus / "later.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["batch", str(corpus), "-o", str(out), "--jobs", "1", "--no-world", "--no-progress"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sum("error" in line for line in lines) == 1

    (corpus / "later.txt").write_text("The train reached Hanoi from Dong Dang, 170 km by road.\n", encoding="utf-8")
    second = CliRunner().invoke(main, [*args, "--resume"])
    assert second.exit_code == 0, second.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert not any("error" in line for line in lines)
    assert sorted(Path(line["source"]).name for line in lines) == ["good.txt", "later.txt"]


def test_nothing_usable_at_all_exits_2(tmp_path):
    from click.testing import CliRunner

    from routemap.cli import main

    result = CliRunner().invoke(main, ["batch", str(tmp_path / "no-such-dir"), "-o", str(tmp_path / "o.jsonl"), "--no-world", "--no-progress"])
    assert result.exit_code == 2
    assert "no input could be used" in result.output
    assert "no-such-dir" in (tmp_path / "o.jsonl").read_text()


def test_a_lone_surrogate_in_json_lines_input_does_not_stop_the_run(runner: CliRunner, tmp_path: Path):
    """JSON can escape half a surrogate pair ("\\udc80"), which no UTF-8 output can hold: the
    article is checked with U+FFFD in its place, and the run goes on."""
    good = '{"id": "ok", "text": "Kim flew from Pyongyang to Beijing, a 1,000 km journey."}'
    odd = '{"id": "odd\\udc80", "text": "Title \\udc80 here\\n\\nKim took the train from Pyongyang to Beijing, a 1,000 km journey."}'
    corpus = tmp_path / "in.jsonl"
    corpus.write_text("\n".join([good, odd, good.replace('"ok"', '"ok2"')]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(main, ["batch", str(corpus), "-o", str(out), "--jobs", "1", "--no-world"])
    assert result.exit_code == 0, result.output
    records = _records(out)
    assert [r["source"] for r in records] == ["ok", "odd\ufffd", "ok2"]
    assert records[1]["title"] == "Title \ufffd here" and records[1]["claims"]
