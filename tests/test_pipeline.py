"""End-to-end tests of routemap.pipeline: text -> Report, on our own texts and on the seeds.

Our texts carry the same facts and figures as the seed articles, in our own words; the
seed tests run only where ../shared/seeds is present.
"""

from __future__ import annotations

import pytest

from routemap.models import Report
from routemap.pipeline import analyse, analyse_path, report_places

VLADIVOSTOK_TEXT = """Kim Jong Un arrives in Russia by train

The North Korean leader completed the 680km trip from Pyongyang to Vladivostok in his armoured
train on Tuesday; the journey took about 20 hours. The heavy train runs at only 40kph on
the ageing North Korean tracks. His father Kim Jong Il once took the train on a 20,000km journey
from Pyongyang to Moscow.
"""

HANOI_TEXT = """Kim heads south by rail for the Hanoi summit

Kim Jong Un's train left Pyongyang for the Vietnamese border station of Dong Dang on Saturday.
It will take at least two and a half days to cover the thousands of kilometres through China.
An earlier report said the train had to travel thousands of miles through China to Vietnam.
At Dong Dang he will get off and drive 170 km (105 miles) to Hanoi by car.
Police taped off the river bank some 100m from the bridge.
"""


def analyse_text(text: str, gazetteer, source: str) -> Report:
    from routemap.reading import document_from_text

    return analyse(document_from_text(text, source=source), gazetteer)


def result_for(report: Report, figure: str):
    """The result of the claim whose text contains ``figure``."""
    found = [r for r in report.results if figure in r.claim.quantity.text]
    assert found, (figure, [r.claim.quantity.text for r in report.results])
    return found[0]


def by_basis(result) -> dict:
    return {check.basis: check for check in result.checks}


def assert_680km(report: Report) -> None:
    result = result_for(report, "680")
    assert result.verdict == "inconsistent"
    checks = by_basis(result)
    rail = checks["rail route"].expected
    straight = checks["straight line"].expected
    assert 1000 <= rail <= 1300  # the rail line goes round by the Tumen river
    assert 660 <= straight <= 710
    assert checks["straight line"].verdict == "consistent"
    assert "straight line" in result.explanation and "matches" in result.explanation


def assert_20_hours(report: Report) -> None:
    result = result_for(report, "20 hours")
    checks = by_basis(result)
    implied = checks["implied speed (stated distance)"]
    assert implied.expected == pytest.approx(34.0)
    assert "stated speed (stated distance)" in checks  # compared with the stated 40 km/h
    assert "34 km/h" in result.explanation and "40 km/h" in result.explanation


def assert_moscow_round_trip(report: Report) -> None:
    result = result_for(report, "20,000")
    assert result.verdict == "consistent"
    assert result.claim.round_trip == "likely"
    one_way = by_basis(result)["rail route"].expected
    assert 8500 <= one_way <= 11500
    assert "round trip" in result.explanation


def assert_through_china(report: Report, figure: str) -> None:
    result = result_for(report, figure)
    assert result.verdict == "consistent", result.explanation
    check = result.checks[0]
    assert check.basis == "length in CN"
    assert 1000 <= check.expected < 10000
    assert "China" in result.explanation


def assert_170km(report: Report) -> None:
    result = result_for(report, "170")
    assert result.verdict == "consistent", result.explanation
    checks = by_basis(result)
    assert checks["conversion"].verdict == "consistent"
    assert checks["road route"].verdict == "consistent"


def assert_some_100m(report: Report) -> None:
    result = result_for(report, "100m")
    assert result.verdict == "unverifiable"
    assert result.explanation


# --------------------------------------------------------------------------- our own texts


@pytest.fixture(scope="module")
def vladivostok_report(gazetteer) -> Report:
    return analyse_text(VLADIVOSTOK_TEXT, gazetteer, "vladivostok.txt")


@pytest.fixture(scope="module")
def hanoi_report(gazetteer) -> Report:
    return analyse_text(HANOI_TEXT, gazetteer, "hanoi.txt")


def test_680km_by_train_is_the_straight_line_not_the_rail_route(vladivostok_report):
    assert_680km(vladivostok_report)


def test_implied_speed_of_680km_in_about_20_hours(vladivostok_report):
    assert_20_hours(vladivostok_report)


def test_20000km_to_moscow_is_a_round_trip(vladivostok_report):
    assert_moscow_round_trip(vladivostok_report)


@pytest.mark.parametrize("figure", ["thousands of kilometres", "thousands of miles"])
def test_thousands_through_china(hanoi_report, figure):
    assert_through_china(hanoi_report, figure)


def test_170km_105_miles(hanoi_report):
    assert_170km(hanoi_report)


def test_some_100m_is_unverifiable(hanoi_report):
    assert_some_100m(hanoi_report)


def test_report_places_in_order_of_first_mention(hanoi_report, gazetteer):
    ids = [place.id for place in hanoi_report.places]
    assert len(ids) == len(set(ids))
    mentioned = [place_id for place_id in ids if any(m.place_id == place_id for m in hanoi_report.article.mentions)]
    assert ids[: len(mentioned)] == mentioned  # mentioned places first, then other leg/claim ends
    firsts = [min(m.start for m in hanoi_report.article.mentions if m.place_id == place_id) for place_id in mentioned]
    assert firsts == sorted(firsts)
    assert report_places(hanoi_report.article, hanoi_report.legs, hanoi_report.results, gazetteer) == hanoi_report.places


def test_legs_carry_reference_routes(hanoi_report):
    assert hanoi_report.legs
    for leg, route in hanoi_report.legs:
        if leg.mode is not None:
            assert route is not None
            assert route.km > 0
            assert (route.from_id, route.to_id) == (leg.from_id, leg.to_id)


def test_analyse_path_reads_the_file(tmp_path, gazetteer):
    path = tmp_path / "article.txt"
    path.write_text(VLADIVOSTOK_TEXT, encoding="utf-8")
    report = analyse_path(path, gazetteer)
    assert report.article.source.endswith("article.txt")
    assert_680km(report)


def test_analyse_is_deterministic(gazetteer):
    assert analyse_text(HANOI_TEXT, gazetteer, "a.txt") == analyse_text(HANOI_TEXT, gazetteer, "a.txt")


# --------------------------------------------------------------------------- the seed articles


def seed(seeds_dir, prefix: str):
    matches = sorted(seeds_dir.glob(prefix + "_*"))
    if not matches:
        pytest.skip(f"seed {prefix} is not present")
    return matches[0]


@pytest.fixture(scope="module")
def seed_reports(seeds_dir, gazetteer) -> dict[str, Report]:
    return {prefix: analyse_path(seed(seeds_dir, prefix), gazetteer) for prefix in ("000", "001", "002")}


def test_seed_002_680km_and_20_hours_and_moscow(seed_reports):
    report = seed_reports["002"]
    assert_680km(report)
    assert_20_hours(report)
    assert_moscow_round_trip(report)


def test_seed_001_thousands_of_kilometers_and_170km(seed_reports):
    report = seed_reports["001"]
    assert_through_china(report, "thousands of kilometers")
    assert_170km(report)


def test_seed_000_thousands_of_miles_and_some_100m(seed_reports):
    report = seed_reports["000"]
    assert_through_china(report, "thousands of miles")
    assert_some_100m(report)


# --------------------------------------------------------------------------- regressions (review of figures/claims/checks)


def verdicts(report: Report) -> dict[str, str]:
    return {r.claim.quantity.text: r.verdict for r in report.results}


def test_a_top_speed_is_an_upper_bound_not_an_average(gazetteer):
    report = analyse_text("The train has a top speed of 100 km/h. It took 20 hours from Pyongyang to Vladivostok by rail.",
                          gazetteer, "top.txt")
    assert verdicts(report) == {"100 km/h": "consistent", "20 hours": "consistent"}
    slower = analyse_text("The train has a top speed of 40 km/h. It took 20 hours from Pyongyang to Vladivostok by rail.",
                          gazetteer, "top.txt")
    assert verdicts(slower)["20 hours"] == "inconsistent"  # 1,190 km in 20 h is faster than 40 km/h


def test_a_flight_distance_is_measured_on_the_great_circle_whatever_came_before(gazetteer):
    for figure in ("about 2,300 km", "about 2 300 km", "about 2\u00a0300 km"):
        report = analyse_text(f"The train left Beijing for Hanoi. From Beijing to Hanoi is {figure} by air.", gazetteer, "air.txt")
        result = result_for(report, "300 km")
        assert result.claim.quantity.value == 2300
        assert result.checks[0].basis == "great circle"
        assert result.verdict == "consistent", result.explanation


@pytest.fixture(scope="module")
def example_reports(examples_dir, gazetteer) -> dict[str, Report]:
    names = ("kim-vladivostok-2023-fragment.html", "kim-vladivostok-2023-page.html", "kim-beijing-2018.txt",
             "kim-jong-il-moscow-2001.txt")
    return {name: analyse_path(examples_dir / name, gazetteer) for name in names}


def _by_value(report: Report) -> dict[tuple[str, float], str]:
    return {(r.claim.quantity.kind, r.claim.quantity.value): r.verdict for r in report.results}


def test_the_fragment_and_the_full_page_give_the_same_verdicts_for_the_same_figures(example_reports):
    fragment = _by_value(example_reports["kim-vladivostok-2023-fragment.html"])
    page = _by_value(example_reports["kim-vladivostok-2023-page.html"])
    shared = set(fragment) & set(page)
    assert {("distance", 680), ("duration", 20), ("speed", 40), ("duration", 60), ("distance", 20000)} <= shared
    assert {key: fragment[key] for key in shared} == {key: page[key] for key in shared}


def assert_speed_stays_on_its_leg(report: Report) -> None:
    speed = result_for(report, "40kph")
    assert (speed.claim.from_id, speed.claim.to_id) == ("pyongyang", "vladivostok")
    assert "Hanoi" not in speed.explanation and "Vietnam" not in speed.explanation
    journey = result_for(report, "60-hour")
    assert journey.verdict == "consistent", journey.explanation
    assert not [c for c in journey.checks if "stated speed" in c.basis]


def test_a_speed_of_the_2023_trip_does_not_judge_the_2019_trip(example_reports):
    assert_speed_stays_on_its_leg(example_reports["kim-vladivostok-2023-fragment.html"])
    assert_speed_stays_on_its_leg(example_reports["kim-vladivostok-2023-page.html"])


def test_seed_002_speed_stays_on_the_vladivostok_leg(seed_reports):
    assert_speed_stays_on_its_leg(seed_reports["002"])


def test_rarely_faster_than_is_an_upper_bound(example_reports):
    report = example_reports["kim-jong-il-moscow-2001.txt"]
    speed = result_for(report, "50 km/h")
    assert speed.claim.quantity.hedge == "no faster than"
    assert speed.verdict == "consistent", speed.explanation
    assert result_for(report, "more than three weeks").verdict == "consistent"


def test_two_durations_for_the_same_leg_that_contradict_each_other_are_reported(example_reports):
    report = example_reports["kim-beijing-2018.txt"]
    six = result_for(report, "about six hours")
    conflict = by_basis(six)["other figure in the article"]
    assert conflict.verdict == "inconsistent" and six.verdict == "inconsistent"
    assert "a little under 24 hours" in six.explanation
    assert result_for(report, "200 km/h").verdict == "inconsistent"
    assert result_for(report, "about 1,300 km").verdict == "consistent"
