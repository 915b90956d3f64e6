"""Tests of `routemap map` through the real pipeline, with a small gazetteer written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from routemap import render
from routemap.cli import main

GAZETTEER = """\
version: 1
places:
  - {id: north-korea, name: North Korea, kind: country, country: KP, lat: 40.0, lon: 127.0, adjectives: [North Korean], capital: pyongyang}
  - {id: russia, name: Russia, kind: country, country: RU, lat: 60.0, lon: 100.0, adjectives: [Russian], capital: vladivostok}
  - {id: pyongyang, name: Pyongyang, kind: city, country: KP, lat: 39.0392, lon: 125.7625}
  - {id: tumangang, name: Tumangang, kind: station, country: KP, lat: 42.42, lon: 130.60}
  - {id: khasan, name: Khasan, kind: border_crossing, country: RU, lat: 42.4297, lon: 130.6450}
  - {id: vladivostok, name: Vladivostok, kind: city, country: RU, lat: 43.1155, lon: 131.8855}
links:
  - {from: pyongyang, to: tumangang, mode: rail, via: [[39.92, 127.54], [40.67, 129.20], [41.7956, 129.7758], [42.25, 130.30]]}
  - {from: tumangang, to: khasan, mode: rail}
  - {from: khasan, to: vladivostok, mode: rail, via: [[42.86, 131.38], [43.54, 131.91], [43.80, 131.95]]}
not_places: [Kim Jong Un]
"""

ARTICLE = """\
Armoured train reaches the Pacific

Kim Jong Un's train left Pyongyang on Tuesday and reached Vladivostok by rail after a journey of 1,150 km.
It crossed into Russia at Khasan in the afternoon.
"""

HOSTILE_ARTICLE = """\
<img src=x onerror=alert(1)> headline `${alert(3)}`

Kim Jong Un's train left Pyongyang and reached Vladivostok by rail after 1,150 km </script><script>alert(2)</script>.
"""


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "gaz.yaml").write_text(GAZETTEER, encoding="utf-8")
    (tmp_path / "vladivostok trip!.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "second.txt").write_text(ARTICLE.replace("1,150 km", "about 1,100 km"), encoding="utf-8")
    (tmp_path / "hostile.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    return tmp_path


def _run(workdir: Path, *args: str):
    return CliRunner().invoke(
        main, ["map", *args, "--gazetteer", str(workdir / "gaz.yaml"), "--no-world"], catch_exceptions=False
    )


def test_one_map_per_article_with_safe_names(workdir: Path) -> None:
    out = workdir / "maps"
    result = _run(workdir, str(workdir / "vladivostok trip!.txt"), str(workdir / "second.txt"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["second.html", "vladivostok_trip.html"]
    html = (out / "vladivostok_trip.html").read_text(encoding="utf-8")
    assert "Leaflet 1.9.3" in html and "<script src" not in html
    assert "rail route" in html  # measured along the gazetteer's network


def test_bad_file_is_named_and_others_still_rendered(workdir: Path) -> None:
    out = workdir / "maps"
    missing = workdir / "missing.txt"
    result = _run(workdir, str(missing), str(workdir / "second.txt"), "-o", str(out))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "missing.txt" in lines[0]
    assert (out / "second.html").is_file()


def test_combine_and_geojson(workdir: Path) -> None:
    out = workdir / "maps"
    result = _run(
        workdir,
        str(workdir / "vladivostok trip!.txt"),
        str(workdir / "second.txt"),
        "-o",
        str(out),
        "--combine",
        "Kim / Vladivostok 2019",
        "--geojson",
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["Kim_Vladivostok_2019.geojson", "Kim_Vladivostok_2019.html"]
    data = json.loads((out / "Kim_Vladivostok_2019.geojson").read_text(encoding="utf-8"))
    legs = [f for f in data["features"] if f["properties"]["feature"] == "leg"]
    assert legs, "no leg in the GeoJSON"
    rail = [f for f in legs if f["properties"]["mode"] == "rail"]
    assert rail and len(rail[0]["geometry"]["coordinates"]) > 2  # along the links' shape points
    lon, lat = rail[0]["geometry"]["coordinates"][0]
    assert 124 < lon < 133 and 38 < lat < 44  # lon, lat order
    sources = {c["source"] for f in legs for c in f["properties"]["claims"]}
    assert len(sources) == 2  # both articles' figures on the one map


def test_hostile_article_is_escaped(workdir: Path) -> None:
    out = workdir / "maps"
    result = _run(workdir, str(workdir / "hostile.txt"), "-o", str(out))
    assert result.exit_code == 0, result.output
    html = (out / "hostile.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    assert "${alert(3)}" not in html


def test_png_without_chromium_says_how_to_install(workdir: Path, monkeypatch) -> None:
    monkeypatch.setattr(render, "find_chromium", lambda: None)
    out = workdir / "maps"
    result = _run(workdir, str(workdir / "second.txt"), "-o", str(out), "--png")
    assert result.exit_code == 2
    assert "apt-get install chromium" in result.stderr
    assert (out / "second.html").is_file()


@pytest.mark.browser
def test_png_with_chromium(workdir: Path) -> None:
    if render.find_chromium() is None:
        pytest.skip("no Chromium here: apt-get install chromium (CI installs it)")
    pytest.importorskip("playwright.sync_api")
    out = workdir / "maps"
    result = _run(workdir, str(workdir / "second.txt"), "-o", str(out), "--png")
    assert result.exit_code == 0, result.output + result.stderr
    assert (out / "second.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_html_file_name_for_the_output_directory_is_refused(workdir: Path) -> None:
    target = workdir / "trip.html"
    result = _run(workdir, str(workdir / "second.txt"), "-o", str(target))
    assert result.exit_code == 2
    assert "-o takes a directory" in result.output and "--combine" in result.output
    assert not target.exists()  # no directory named trip.html, nothing half-written
