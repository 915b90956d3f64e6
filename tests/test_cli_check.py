"""Tests for ``routemap check``: formats, --fail-on, exit codes and a cheap cold start."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from click.testing import CliRunner

from routemap.cli import main
from routemap.report import report_schema

from test_pipeline import HANOI_TEXT, VLADIVOSTOK_TEXT


@pytest.fixture()
def articles(tmp_path):
    vladivostok = tmp_path / "vladivostok.txt"
    vladivostok.write_text(VLADIVOSTOK_TEXT, encoding="utf-8")
    hanoi = tmp_path / "hanoi.txt"
    hanoi.write_text(HANOI_TEXT, encoding="utf-8")
    quiet = tmp_path / "quiet.txt"
    quiet.write_text("Nothing here travels anywhere. The weather was fine.\n", encoding="utf-8")
    return {"vladivostok": vladivostok, "hanoi": hanoi, "quiet": quiet, "missing": tmp_path / "missing.txt"}


def run(*args: str):
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


def test_json_is_one_object_for_one_file(articles):
    result = run(articles["vladivostok"], "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)
    verdicts = {claim["text"]: claim["verdict"] for claim in data["claims"]}
    assert verdicts["680km"] == "inconsistent"


def test_json_is_an_array_for_several_files(articles):
    result = run(articles["vladivostok"], articles["hanoi"], "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 2
    assert [d["source"].rsplit("/", 1)[-1] for d in data] == ["vladivostok.txt", "hanoi.txt"]


def test_jsonl_is_one_object_per_line(articles):
    result = run(articles["vladivostok"], articles["hanoi"], articles["quiet"], "--format", "jsonl")
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        jsonschema.validate(json.loads(line), report_schema(), cls=jsonschema.Draft202012Validator)


def test_table_is_the_default_and_has_no_colour_when_piped(articles):
    result = run(articles["vladivostok"])
    assert result.exit_code == 0
    assert "680km" in result.stdout and "inconsistent" in result.stdout
    assert "\x1b[" not in result.stdout
    assert all(len(line) <= 100 for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("name", "fail_on", "code"),
    [
        ("vladivostok", "inconsistent", 1),  # 680km is inconsistent
        ("quiet", "inconsistent", 0),  # no claims at all
        ("hanoi", "unverifiable", 1),  # some 100m
        ("vladivostok", None, 0),
    ],
)
def test_fail_on(articles, name, fail_on, code):
    args = [articles[name], "--format", "json"] + (["--fail-on", fail_on] if fail_on else [])
    assert run(*args).exit_code == code


def test_an_unreadable_file_exits_2_naming_it_and_the_good_ones_still_print(articles):
    result = run(articles["vladivostok"], articles["missing"], "--format", "jsonl")
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(result.stdout.strip().splitlines()) == 1
    assert json.loads(result.stdout)["source"].endswith("vladivostok.txt")


def test_unusable_input_beats_fail_on(articles):
    assert run(articles["vladivostok"], articles["missing"], "--fail-on", "inconsistent").exit_code == 2


def test_bad_arguments_exit_2(articles):
    assert run(articles["vladivostok"], "--format", "xml").exit_code == 2
    assert run(articles["vladivostok"], "--fail-on", "maybe").exit_code == 2
    assert run().exit_code == 2


def test_a_broken_gazetteer_exits_2_with_one_line(articles, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("places: [\n", encoding="utf-8")
    result = run(articles["vladivostok"], "--gazetteer", broken)
    assert result.exit_code == 2
    assert "broken.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_stdin(articles):
    result = CliRunner().invoke(main, ["check", "-", "--format", "json"], input=VLADIVOSTOK_TEXT)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["claims"]


def test_importing_the_command_is_cheap():
    code = (
        "import sys, routemap.cli.check\n"
        "heavy = [m for m in ('folium', 'networkx', 'pint', 'rich', 'geopy', 'jsonschema', 'yaml', 'selectolax', 'trafilatura') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_a_whole_check_run_never_imports_the_map_stack(articles):
    """The cold-start budget is measured in bench/bench_coldstart.py; here, what it must not load."""
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['routemap', 'check', '--no-world', '--format', 'json', {str(articles['vladivostok'])!r}]\n"
        "try:\n"
        "    runpy.run_module('routemap', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('folium', 'branca', 'jinja2', 'trafilatura', 'pint') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy), file=sys.stderr)"
    )
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stderr
    assert "HEAVY:\n" in err + "\n", err
