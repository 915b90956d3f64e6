"""``routemap claims``: figures with spans and legs, table and JSON, bad files."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from routemap.cli import main

MINI = Path(__file__).resolve().parent / "data" / "figures" / "mini_gazetteer.yaml"

TEXT = (
    "Kim Jong Un left Pyongyang by train on Saturday. His train will stop at Dong Dang, where he will "
    "drive 170 km (105 miles) to Hanoi by car. The war of 1950-1953 ended long ago."
)


def _article(tmp_path: Path, name: str = "trip.txt", text: str = TEXT) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_lists_claims_with_spans_legs_and_itinerary(tmp_path):
    path = _article(tmp_path)
    result = CliRunner().invoke(main, ["claims", str(path), "--format", "json", "--gazetteer", str(MINI)])
    assert result.exit_code == 0, result.output
    (article,) = json.loads(result.output)
    assert article["source"].endswith("trip.txt")
    figures = [(c["text"], c["from"], c["to"], c["mode"]) for c in article["claims"]]
    assert figures == [("170 km", "dong-dang", "hanoi", "road"), ("105 miles", "dong-dang", "hanoi", "road")]
    for claim in article["claims"]:
        assert TEXT[claim["start"] : claim["end"]] == claim["text"]
    assert article["claims"][0]["pair"] == "105 miles" and article["claims"][0]["paired_with"] == 1
    leg = article["claims"][0]["leg"]
    assert article["itinerary"][leg] == {"from": "dong-dang", "to": "hanoi", "mode": "road", "sentence": 1}


def test_table_names_the_figures(tmp_path):
    path = _article(tmp_path)
    result = CliRunner().invoke(main, ["claims", str(path), "--gazetteer", str(MINI)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "170 km (105 miles)" in result.output
    assert "dong-dang" in result.output and "road" in result.output
    assert "1950" not in result.output.split("itinerary")[0].replace(str(path), "")


def test_bad_file_is_one_line_and_others_still_processed(tmp_path):
    good = _article(tmp_path)
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(
        main, ["claims", str(missing), str(good), "--format", "json", "--gazetteer", str(MINI)]
    )
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "missing.txt" in errors[0]
    (article,) = json.loads(result.stdout)
    assert len(article["claims"]) == 2


def test_article_without_figures(tmp_path):
    path = _article(tmp_path, "none.txt", "Kim met Trump in Hanoi in 2019 at 5 p.m.")
    result = CliRunner().invoke(main, ["claims", str(path), "--format", "json", "--gazetteer", str(MINI)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["claims"] == []
