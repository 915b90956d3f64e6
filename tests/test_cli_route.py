"""``routemap route FROM TO``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from routemap.cli import main
from routemap.gazetteer import load_gazetteer
from routemap.network import find_route

GOOD = Path(__file__).resolve().parent / "data" / "gazetteers" / "good.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def route_json(runner: CliRunner, *args: str, env: dict | None = None) -> dict:
    result = runner.invoke(main, ["route", *args, "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_contract(runner: CliRunner) -> None:
    data = route_json(runner, "Pyongyang", "Dong Dang", "--gazetteer", str(GOOD))
    assert list(data) == ["from", "to", "mode", "path", "km", "geodesic_km", "km_by_country"]
    expected = find_route(load_gazetteer(GOOD), "pyongyang", "dong-dang", "rail")
    assert (data["from"], data["to"], data["mode"]) == ("pyongyang", "dong-dang", "rail")
    assert data["path"] == list(expected.path)
    assert data["km"] == round(expected.km, 1)
    assert data["geodesic_km"] == round(expected.geodesic_km, 1)
    assert data["km_by_country"] == {c: round(v, 1) for c, v in expected.km_by_country.items()}


def test_names_and_ids_and_env(runner: CliRunner) -> None:
    by_name = route_json(runner, "p'yŏngyang", "Đồng Đăng", env={"ROUTEMAP_GAZETTEER": str(GOOD)})
    by_id = route_json(runner, "pyongyang", "dong-dang", "--gazetteer", str(GOOD))
    assert by_name == by_id


def test_air(runner: CliRunner) -> None:
    data = route_json(runner, "Pyongyang", "Singapore", "--mode", "air", "--gazetteer", str(GOOD))
    assert data["mode"] == "air"
    assert data["km"] == data["geodesic_km"]
    assert data["path"] == ["pyongyang", "singapore"]


def test_table_plain(runner: CliRunner) -> None:
    result = runner.invoke(main, ["route", "Hanoi", "Dong Dang", "--mode", "road", "--gazetteer", str(GOOD)])
    assert result.exit_code == 0, result.output
    expected = find_route(load_gazetteer(GOOD), "hanoi", "dong-dang", "road")
    assert f"{expected.km:,.1f} km" in result.stdout
    assert "road route" in result.stdout
    assert "path: Hanoi -> Dong Dang" in result.stdout
    assert "VN" in result.stdout


def test_unknown_place(runner: CliRunner) -> None:
    result = runner.invoke(main, ["route", "Pyongyng", "Hanoi", "--gazetteer", str(GOOD)])
    assert result.exit_code == 2
    assert "Unknown place 'Pyongyng'. Did you mean: Pyongyang?" in result.stderr


def test_no_route_for_that_mode(runner: CliRunner) -> None:
    result = runner.invoke(main, ["route", "Pyongyang", "Dong Dang", "--mode", "road", "--gazetteer", str(GOOD)])
    assert result.exit_code == 2
    assert "No road route" in result.stderr


def test_bad_mode_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["route", "Pyongyang", "Hanoi", "--mode", "camel", "--gazetteer", str(GOOD)])
    assert result.exit_code == 2
    assert "camel" in result.output


# --------------------------------------------------------------------------- the bundled gazetteer


def test_bundled_pyongyang_dong_dang(runner: CliRunner, gazetteer) -> None:
    data = route_json(runner, "Pyongyang", "Dong Dang")
    assert 3600 <= data["km"] <= 4200
    assert data["km_by_country"]["CN"] >= 3000
    assert data["geodesic_km"] < data["km"]


def test_bundled_pyongyang_singapore_air(runner: CliRunner, gazetteer) -> None:
    data = route_json(runner, "Pyongyang", "Singapore", "--mode", "air")
    assert data["km"] == pytest.approx(4730, rel=0.01)


def test_bundled_dong_dang_hanoi_road(runner: CliRunner, gazetteer) -> None:
    data = route_json(runner, "Dong Dang", "Hanoi", "--mode", "road")
    assert 150 <= data["km"] <= 185


def test_no_route_names_the_places_and_suggests_air(runner: CliRunner) -> None:
    # Pyongyang -> Singapore has no rail link in the hand-made gazetteer
    result = runner.invoke(main, ["route", "Pyongyang", "Singapore", "--gazetteer", str(GOOD)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("routemap: No rail route from Pyongyang (pyongyang) to Singapore (singapore)")
    assert "--mode air" in line
    assert "Traceback" not in result.output
