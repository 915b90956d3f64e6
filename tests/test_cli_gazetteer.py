"""``routemap gazetteer check`` and ``list``."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from routemap.cli import main
from routemap.cli.gazetteer import gazetteer as gazetteer_group
from routemap.gazetteer import load_gazetteer, validate_gazetteer_file

DATA = Path(__file__).resolve().parent / "data" / "gazetteers"
GOOD = DATA / "good.yaml"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_check_good_file(runner: CliRunner) -> None:
    result = runner.invoke(main, ["gazetteer", "check", str(GOOD)])
    assert result.exit_code == 0, result.output
    loaded = load_gazetteer(GOOD)
    assert f"{len(loaded.places)} places, {len(loaded.links)} links" in result.output
    assert "km of network" in result.output
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("name", ["bad_via.yaml", "bad_country.yaml", "bad_yaml_syntax.yaml", "bad_alias_shared.yaml"])
def test_check_bad_file(runner: CliRunner, name: str) -> None:
    path = DATA / name
    result = runner.invoke(main, ["gazetteer", "check", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    problems = validate_gazetteer_file(path)
    assert lines == [f"{path}:{p.line}: {p.message}" for p in problems]
    assert f"{len(problems)} problem" in result.stderr


def test_check_reads_the_environment(runner: CliRunner) -> None:
    result = runner.invoke(main, ["gazetteer", "check"], env={"ROUTEMAP_GAZETTEER": str(DATA / "bad_kind.yaml")})
    assert result.exit_code == 1
    assert "unknown kind 'metropolis'" in result.stdout


def test_check_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["gazetteer", "check", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2
    assert "none.yaml" in result.stderr and "No such file" in result.stderr


def test_check_bundled_file(runner: CliRunner, repo_dir: Path) -> None:
    result = runner.invoke(main, ["gazetteer", "check"], env={"ROUTEMAP_GAZETTEER": None})
    assert result.exit_code == 0, result.output
    assert "places" in result.stdout


def test_list_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["gazetteer", "list", "--format", "json", "--gazetteer", str(GOOD)])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    loaded = load_gazetteer(GOOD)
    assert [row["id"] for row in rows] == sorted(loaded.places)
    assert all(set(row) == {"id", "name", "aliases", "kind", "country", "lat", "lon"} for row in rows)
    hanoi = next(row for row in rows if row["id"] == "hanoi")
    assert hanoi["aliases"] == list(loaded.places["hanoi"].aliases)
    assert (hanoi["lat"], hanoi["lon"]) == loaded.places["hanoi"].latlon


def test_list_table_plain(runner: CliRunner) -> None:
    result = runner.invoke(main, ["gazetteer", "list"], env={"ROUTEMAP_GAZETTEER": str(GOOD)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["id", "name"]
    assert len(lines) == 1 + len(load_gazetteer(GOOD).places)
    assert any(line.startswith("dong-dang\tDong Dang\t") for line in lines)


def test_list_bad_file_fails_cleanly(runner: CliRunner) -> None:
    path = DATA / "bad_lat_range.yaml"
    result = runner.invoke(main, ["gazetteer", "list", "--gazetteer", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"routemap: {path}:6: ")


def test_find_is_registered_when_available() -> None:
    has_find = importlib.util.find_spec("routemap.cli.gazetteer_find") is not None
    assert ("find" in gazetteer_group.commands) == has_find
    assert {"check", "list"} <= set(gazetteer_group.commands)
