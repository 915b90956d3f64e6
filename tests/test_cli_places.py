"""Tests of ``routemap places``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from routemap.cli import main

MINI = str(Path(__file__).parent / "data" / "gazetteers" / "mini.yaml")


def run(*args, input=None):
    return CliRunner().invoke(main, ["places", *map(str, args)], input=input)


def test_json_lists_places_in_order_of_first_mention(examples_dir):
    path = examples_dir / "kim-hanoi-2019-dated.txt"
    result = run(path, "--gazetteer", MINI, "--format", "json")
    assert result.exit_code == 0, result.output
    [article] = json.loads(result.output)
    assert article["source"] == str(path) and article["date"] == "2019-02-23"
    text = path.read_text(encoding="utf-8")
    firsts = [place["mentions"][0]["start"] for place in article["places"]]
    assert firsts == sorted(firsts)
    ids = [place["id"] for place in article["places"]]
    assert len(ids) == len(set(ids))
    assert {"pyongyang", "hanoi", "dong-dang", "hoan-kiem-lake"} <= set(ids)
    for place in article["places"]:
        assert set(place) == {"id", "name", "kind", "country", "lat", "lon", "mentions"}
        for mention in place["mentions"]:
            assert set(mention) == {"start", "end", "text", "sentence"}
            assert mention["text"] in text


def test_table_output(examples_dir):
    result = run(examples_dir / "kim-vladivostok-2023-fragment.html", "--gazetteer", MINI)
    assert result.exit_code == 0, result.output
    assert "Vladivostok" in result.output and "Pyongyang" in result.output
    assert "Khabarovsk" not in result.output  # only in a <style> block


def test_bad_file_is_one_line_and_others_still_print(examples_dir, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    good = examples_dir / "kim-il-sung-1958.txt"
    result = run(tmp_path / "missing.txt", good, empty, "--gazetteer", MINI, "--format", "json")
    assert result.exit_code == 2
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert "missing.txt" in errors[0] and "empty.txt" in errors[1]
    assert "Traceback" not in result.stderr
    [article] = json.loads(result.stdout)
    assert article["source"] == str(good)
    assert [p["id"] for p in article["places"]][:2] == ["north-korea", "pyongyang"]


def test_stdin(tmp_path):
    result = run("-", "--gazetteer", MINI, "--format", "json", input="Kim left Pyongyang for Vladivostok.")
    assert result.exit_code == 0, result.output
    [article] = json.loads(result.output)
    assert article["source"] == "<stdin>"
    assert [p["id"] for p in article["places"]] == ["pyongyang", "vladivostok"]


def test_bad_gazetteer_fails_cleanly(examples_dir, tmp_path):
    result = run(examples_dir / "kim-il-sung-1958.txt", "--gazetteer", tmp_path / "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml" in result.output or "nope.yaml" in (result.stderr or "")
