"""Tests for routemap.report: the JSON contract, its schema and the terminal table."""

from __future__ import annotations

import io
import json
import re

import jsonschema
import pytest

from routemap.checks import check_claims
from routemap.models import Article, Claim, Itinerary, Leg, Mention, Report, Sentence
from routemap.report import dumps_json, print_table, report_schema, report_to_dict, verdict_counts

from test_checks import GAZ, PLACES, fake_route, q  # hand-made places and routes
from test_pipeline import HANOI_TEXT, VLADIVOSTOK_TEXT, analyse_text

CONTRACT = {
    "top": ["source", "title", "date", "places", "legs", "claims"],
    "place": ["id", "name", "kind", "country", "lat", "lon", "mentions"],
    "mention": ["start", "end", "text"],
    "leg": ["from", "to", "mode", "geodesic_km", "route_km", "path"],
    "claim": ["text", "start", "end", "kind", "value", "unit", "low", "high", "hedge", "from", "to", "mode", "checks", "verdict", "explanation"],
    "check": ["basis", "expected", "unit", "ratio", "verdict", "note"],
}

TEXT = "Kim rode 680km by train from Pyongyang to Vladivostok. Police stood some 100m away."


@pytest.fixture(scope="module")
def hand_report() -> Report:
    """A Report built by hand: two mentions, one leg, two claims."""
    start_p, start_v = TEXT.index("Pyongyang"), TEXT.index("Vladivostok")
    mentions = (
        Mention(start_p, start_p + 9, "Pyongyang", "pyongyang", 0),
        Mention(start_v, start_v + 11, "Vladivostok", "vladivostok", 0),
    )
    sentences = (Sentence(0, 0, 55), Sentence(1, 56, len(TEXT)))
    article = Article("hand.txt", TEXT, "A title", "2023-09-12", sentences, mentions)
    at = TEXT.index("680km")
    distance = q("distance", 680, "km", text="680km")
    distance = type(distance)(**{**{f: getattr(distance, f) for f in distance.__slots__}, "start": at, "end": at + 5})
    near = q("distance", 100, "m", text="some 100m", hedge="some", factor=0.001, sentence=1)
    claims = (Claim(distance, "pyongyang", "vladivostok", mode="rail", leg=0), Claim(near))
    leg = Leg("pyongyang", "vladivostok", "rail", 0)
    results = check_claims(claims, GAZ, Itinerary((leg,)), route_for=fake_route)
    route = fake_route(GAZ, "pyongyang", "vladivostok", "rail")
    return Report(article, (PLACES["pyongyang"], PLACES["vladivostok"]), ((leg, route),), results)


def test_contract_keys_are_exactly_there(hand_report):
    data = report_to_dict(hand_report, GAZ)
    assert list(data)[:6] == CONTRACT["top"]
    assert set(data) == set(CONTRACT["top"])
    for place in data["places"]:
        assert list(place) == CONTRACT["place"]
        for mention in place["mentions"]:
            assert list(mention) == CONTRACT["mention"]
            assert TEXT[mention["start"] : mention["end"]] == mention["text"]
    for leg in data["legs"]:
        assert list(leg)[:6] == CONTRACT["leg"]
    for claim in data["claims"]:
        assert set(CONTRACT["claim"]) <= set(claim)
        for check in claim["checks"]:
            assert list(check) == CONTRACT["check"]


def test_values_are_exact_and_json_ready(hand_report):
    data = report_to_dict(hand_report, GAZ)
    assert json.loads(json.dumps(data)) == data
    claim = data["claims"][0]
    assert (claim["from"], claim["to"], claim["mode"]) == ("pyongyang", "vladivostok", "rail")
    assert TEXT[claim["start"] : claim["end"]] == claim["text"] == "680km"
    assert claim["value"] == 680 and claim["unit"] == "km" and claim["low"] == 680
    rail = next(c for c in claim["checks"] if c["basis"] == "rail route")
    straight = next(c for c in claim["checks"] if c["basis"] == "straight line")
    assert rail["expected"] == 1180.0
    assert straight["expected"] == round(straight["expected"], 1)
    assert claim["verdict"] == "inconsistent"
    assert data["claims"][1]["verdict"] == "unverifiable"
    leg = data["legs"][0]
    assert leg["route_km"] == 1180.0 and leg["path"] == ["pyongyang", "vladivostok"]
    assert leg["geodesic_km"] == pytest.approx(straight["expected"], abs=0.1)


def test_schema_is_valid_2020_12_and_shipped_in_the_package():
    schema = report_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) == set(CONTRACT["top"])
    assert set(schema["$defs"]["claim"]["required"]) == set(CONTRACT["claim"])
    assert set(schema["$defs"]["check"]["required"]) == set(CONTRACT["check"])


def test_hand_report_validates_against_the_schema(hand_report):
    jsonschema.validate(report_to_dict(hand_report, GAZ), report_schema(), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("text", [VLADIVOSTOK_TEXT, HANOI_TEXT], ids=["vladivostok", "hanoi"])
def test_real_output_validates_against_the_schema(text, gazetteer):
    data = report_to_dict(analyse_text(text, gazetteer, "article.txt"), gazetteer)
    jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)
    assert data["claims"]


def test_the_schema_rejects_a_broken_report(hand_report):
    data = report_to_dict(hand_report, GAZ)
    data["claims"][0]["verdict"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)
    del data["claims"][0]["verdict"]
    data["claims"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, report_schema(), cls=jsonschema.Draft202012Validator)


def test_table_fits_100_columns_without_colour_when_not_a_terminal(hand_report):
    from rich.console import Console

    out = io.StringIO()
    print_table([hand_report, hand_report], Console(file=out, width=100), GAZ)
    text = out.getvalue()
    assert "\x1b[" not in text
    assert all(len(line) <= 100 for line in text.splitlines())
    assert text.count("hand.txt") == 2  # grouped by article
    for header in ("figure", "leg", "basis", "verdict", "explanation"):
        assert header in text
    assert "680km" in text and "inconsistent" in text and "unverifiable" in text
    assert re.search(r"straight\s+line", text)


def test_table_has_colour_on_a_terminal(hand_report):
    from rich.console import Console

    out = io.StringIO()
    print_table([hand_report], Console(file=out, width=100, force_terminal=True, color_system="standard"), GAZ)
    assert "\x1b[" in out.getvalue()


def test_verdict_counts(hand_report):
    assert verdict_counts([hand_report, hand_report]) == {"consistent": 0, "inconsistent": 2, "unverifiable": 2}


def test_every_place_id_in_the_json_is_in_its_places(gazetteer, examples_dir):
    """A consumer of the JSON can look up every leg and claim end in ``places``."""
    from routemap.pipeline import analyse_path
    from routemap.report import report_to_dict

    for path in sorted(examples_dir.glob("*.txt")) + sorted(examples_dir.glob("*.html")):
        data = report_to_dict(analyse_path(path, gazetteer), gazetteer)
        known = {place["id"] for place in data["places"]}
        referenced = {leg[end] for leg in data["legs"] for end in ("from", "to")}
        referenced |= {claim[end] for claim in data["claims"] for end in ("from", "to") if claim[end]}
        assert referenced <= known, (path.name, referenced - known)


def test_dumps_json_is_the_same_data_as_json_dumps(hand_report, gazetteer):
    data = report_to_dict(analyse_text(VLADIVOSTOK_TEXT, gazetteer, "vladivostok.txt"), gazetteer)
    line = dumps_json(data)
    assert "\n" not in line  # one JSON Lines record
    assert json.loads(line) == json.loads(json.dumps(data))
    pretty = dumps_json(data, indent=True)
    assert pretty.startswith('{\n  "')
    assert json.loads(pretty) == json.loads(line)


def test_dumps_json_keeps_characters_and_writes_no_invalid_json():
    line = dumps_json({"text": "Đồng Đăng – 平壤", "ratio": float("nan"), "km": float("inf")})
    assert "Đồng Đăng – 平壤" in line  # UTF-8 as it is, not \\u escapes
    assert json.loads(line) == {"text": "Đồng Đăng – 平壤", "ratio": None, "km": None}
