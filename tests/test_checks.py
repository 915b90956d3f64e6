"""Tests for routemap.checks: the tolerance model and the checks over hand-made claims and routes.

The inputs are built by hand (places, routes, quantities) so these tests pin the logic of
checks.py independently of the gazetteer's network; test_pipeline.py runs the real thing.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from geopy.distance import geodesic

from routemap import checks
from routemap.checks import check_claim, check_claims, hedge_family, tolerance, written_step
from routemap.errors import NoRouteError, UnknownPlaceError
from routemap.models import Claim, Itinerary, Leg, Place, Quantity, Route

# --------------------------------------------------------------------------- hand-made world

PLACES = {
    "pyongyang": Place("pyongyang", "Pyongyang", "city", "KP", 39.0392, 125.7625),
    "vladivostok": Place("vladivostok", "Vladivostok", "city", "RU", 43.1155, 131.8855),
    "dong-dang": Place("dong-dang", "Dong Dang", "station", "VN", 21.9575, 106.7014),
    "hanoi": Place("hanoi", "Hanoi", "city", "VN", 21.0285, 105.8542),
    "moscow": Place("moscow", "Moscow", "city", "RU", 55.7558, 37.6173),
    "china": Place("china", "China", "country", "CN", 35.0, 103.0),
}


def gkm(a: str, b: str) -> float:
    return geodesic(PLACES[a].latlon, PLACES[b].latlon).km


# Route lengths chosen like the real ones (rail Pyongyang–Vladivostok via Tumangang ~1,180 km;
# rail Pyongyang–Dong Dang through China ~4,400 km of which ~3,900 in China; rail Pyongyang–Moscow
# ~10,200 km; road Dong Dang–Hanoi ~165 km).
ROUTES = {
    ("pyongyang", "vladivostok", "rail"): (1180.0, {"KP": 780.0, "RU": 400.0}),
    ("pyongyang", "dong-dang", "rail"): (4400.0, {"KP": 230.0, "CN": 3950.0, "VN": 220.0}),
    ("pyongyang", "moscow", "rail"): (10200.0, {"KP": 780.0, "RU": 9420.0}),
    ("dong-dang", "hanoi", "road"): (165.0, {"VN": 165.0}),
}


class FakeGazetteer:
    places = PLACES

    def get(self, place_id: str) -> Place:
        try:
            return PLACES[place_id]
        except KeyError:
            raise UnknownPlaceError(place_id) from None

    def country(self, iso2: str) -> Place | None:
        return next((p for p in PLACES.values() if p.kind == "country" and p.country == iso2), None)


GAZ = FakeGazetteer()


def fake_route(gazetteer, from_id: str, to_id: str, mode: str) -> Route:
    straight = gkm(from_id, to_id)
    if mode == "air":
        return Route(from_id, to_id, mode, "great circle", (from_id, to_id), straight, straight)
    for (a, b, m), (km, by_country) in ROUTES.items():
        if m == mode and {a, b} == {from_id, to_id}:
            return Route(from_id, to_id, mode, f"{mode} route", (from_id, to_id), km, straight, dict(by_country))
    if from_id in PLACES and to_id in PLACES:
        return Route(from_id, to_id, mode, "estimate", (from_id, to_id), straight * 1.3, straight, {}, (), straight * 1.15, straight * 1.6)
    raise NoRouteError(from_id, to_id, mode)


def q(kind: str, value: float, unit: str, *, text: str | None = None, hedge: str | None = None,
      low: float | None = None, high: float | None = -1.0, sentence: int = 0, factor: float = 1.0) -> Quantity:
    low = value * factor if low is None else low
    high = low if high == -1.0 else high
    return Quantity(kind, 0, 1, text or f"{value:g} {unit}", value, unit, low, high, hedge, sentence)


def run(claim: Claim, others: tuple[Claim, ...] = (), itinerary: Itinerary | None = None):
    results = check_claims((claim, *others), GAZ, itinerary, route_for=fake_route)
    return results[0]


# --------------------------------------------------------------------------- the tolerance table


def distance(value: float, hedge: str | None = None, text: str | None = None, unit: str = "km", factor: float = 1.0, high: float | None = -1.0) -> Quantity:
    return q("distance", value, unit, hedge=hedge, text=text, factor=factor, high=high)


@pytest.mark.parametrize(
    ("quantity", "inside", "outside"),
    [
        # exact, 2 significant digits: 680 ± (34 + 5) = [641, 719]
        (distance(680, text="680km"), [642, 718], [640, 720]),
        # exact, 3 significant digits: 105 ± (5.25 + 0.5) = [99.25, 110.75]
        (distance(105, text="105 km"), [99.3, 110.7], [99.2, 110.8]),
        # exact, trailing zeros: two significant digits kept, 20,000 ± (1,000 + 500)
        (distance(20000, text="20,000km"), [18501, 21499], [18499, 21501]),
        (q("speed", 40, "km/h", text="40kph"), [37.51, 42.49], [37.49, 42.51]),
        # about: ±15% (wider than the exact allowance for a 3-digit figure)
        (distance(210, hedge="about", text="about 210 km"), [178.6, 241.4], [178.4, 241.6]),
        (distance(210, hedge="roughly", text="roughly 210 km"), [178.6, 241.4], [178.4, 241.6]),
        (distance(210, hedge="some", text="some 210 km"), [178.6, 241.4], [178.4, 241.6]),
        # nearly: [0.85x, 1.02x]
        (distance(1000, hedge="nearly", text="nearly 1,000 km"), [850.1, 1019.9], [849.9, 1020.1]),
        (distance(1000, hedge="close to", text="close to 1,000 km"), [850.1, 1019.9], [849.9, 1020.1]),
        # more than: >= 0.98x, unbounded
        (distance(500, hedge="more than", text="more than 500 km"), [490.1, 1e9], [489.9]),
        (distance(500, hedge="at least", text="at least 500 km"), [490.1, 1e6], [489.9]),
        # a little over: [0.98x, 1.25x]
        (distance(500, hedge="a little over", text="a little over 500 km"), [490.1, 624.9], [489.9, 625.1]),
        # less than: <= 1.02x
        (distance(500, hedge="less than", text="less than 500 km"), [0.0, 509.9], [510.1]),
        (distance(500, hedge="up to", text="up to 500 km"), [1.0, 509.9], [510.1]),
        (q("speed", 40, "kph", hedge="no faster than", text="no faster than 40kph"), [10, 40.7], [40.9]),
        # only: like exact
        (distance(680, hedge="only", text="only 680km"), [642, 718], [640, 720]),
        # thousands of: [1000, 10000) in the stated unit
        (distance(1000, hedge="thousands of", text="thousands of kilometres", unit="km", high=10000), [1000, 9999], [999, 10000]),
        (distance(1000, hedge="thousands of", text="thousands of miles", unit="mi", factor=1.609344, high=16093.44), [1609.4, 16093], [1609.2, 16094]),
        (distance(100, hedge="hundreds of", text="hundreds of kilometres", unit="km", high=1000), [100, 999], [99, 1000]),
        (distance(10000, hedge="tens of thousands of", text="tens of thousands of km", high=100000), [10000, 99999], [9999, 100000]),
        # ranges: [low, high] widened by 5%
        (q("duration", 20, "hours", text="20 to 24 hours", low=20, high=24), [19.01, 25.19], [18.99, 25.21]),
    ],
    ids=lambda v: getattr(v, "text", None),
)
def test_tolerance_rule_both_sides_of_its_bounds(quantity, inside, outside):
    accepted = tolerance(quantity)
    for reference in inside:
        assert accepted.contains(reference), (quantity.text, reference, accepted)
    for reference in outside:
        assert not accepted.contains(reference), (quantity.text, reference, accepted)


def test_only_flags_that_the_writer_stresses_smallness():
    assert tolerance(distance(680, hedge="only", text="only 680km")).stresses_small
    assert not tolerance(distance(680, text="680km")).stresses_small


@pytest.mark.parametrize(
    ("hedge", "family"),
    [(None, "exact"), ("About", "about"), ("approximately", "about"), ("almost", "nearly"),
     ("over", "more than"), ("just over", "a little over"), ("under", "less than"),
     ("just", "only"), ("several thousand", "thousands of"), ("hundreds of", "hundreds of")],
)
def test_hedge_family(hedge, family):
    assert hedge_family(hedge) == family


@pytest.mark.parametrize(("text", "value", "step"), [("680km", 680, 10), ("20,000km", 20000, 1000), ("105 miles", 105, 1), ("2.5 days", 2.5, 0.1), ("60-hour", 60, 1), ("1,180 km", 1180, 10), ("two days", 2, 1)])
def test_written_step_is_the_last_significant_digit(text, value, step):
    assert written_step(q("distance", value, "km", text=text)) == pytest.approx(step)


def test_every_rule_is_documented_in_the_tolerance_table(repo_dir: Path):
    doc = (repo_dir / "README.md").read_text(encoding="utf-8")
    table_rows = [line for line in doc.splitlines() if line.startswith("| ")]
    for rule in checks.TOLERANCE_RULES:
        assert any(f"| {rule}" in row or f"**{rule}**" in row for row in table_rows), rule
    # every hedge word the table lists follows the rule of its row
    for row in table_rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        rule = cells[0].strip("*")
        for hedge in cells[1].split(","):
            hedge = hedge.strip()
            if hedge and hedge != "none" and not hedge.startswith('"'):
                assert hedge_family(hedge) == rule, (hedge, rule)


# --------------------------------------------------------------------------- the acceptance figures


def test_680km_by_train_fails_the_rail_route_and_matches_the_straight_line():
    claim = Claim(distance(680, text="680km"), "pyongyang", "vladivostok", mode="rail")
    result = run(claim)
    assert result.verdict == "inconsistent"
    by_basis = {c.basis: c for c in result.checks}
    assert by_basis["rail route"].verdict == "inconsistent"
    assert by_basis["rail route"].expected == pytest.approx(1180.0)
    assert by_basis["straight line"].verdict == "consistent"
    assert by_basis["straight line"].expected == pytest.approx(gkm("pyongyang", "vladivostok"), abs=0.1)
    assert "straight line" in result.explanation and "matches" in result.explanation
    assert "1,180 km" in result.explanation and "680km" in result.explanation
    assert result.explanation.count(".") <= 2  # one sentence


def test_implied_speed_of_680km_in_about_20_hours_is_compared_with_the_stated_40kph():
    distance_claim = Claim(q("distance", 680, "km", text="680km", sentence=1), "pyongyang", "vladivostok", mode="rail")
    duration_claim = Claim(q("duration", 20, "hours", text="about 20 hours", hedge="about", sentence=1), "pyongyang", "vladivostok", mode="rail")
    speed_claim = Claim(q("speed", 40, "kph", text="only 40kph", hedge="only", sentence=3), mode="rail")
    results = check_claims((distance_claim, duration_claim, speed_claim), GAZ, route_for=fake_route)
    duration = results[1]
    by_basis = {c.basis: c for c in duration.checks}
    stated = by_basis["implied speed (stated distance)"]
    assert stated.expected == pytest.approx(680 / 20, abs=0.1)
    assert by_basis["stated speed (stated distance)"].verdict == "consistent"  # 34 km/h ~ 40 km/h for "about 20 hours"
    assert by_basis["implied speed (rail route)"].expected == pytest.approx(1180 / 20, abs=0.1)
    assert by_basis["stated speed"].verdict == "inconsistent"  # 59 km/h is not 40 km/h
    assert "34 km/h" in duration.explanation and "40 km/h" in duration.explanation
    speed = results[2]
    speed_checks = {c.basis: c for c in speed.checks}
    assert speed_checks["implied speed (stated figures)"].expected == pytest.approx(34.0)
    assert speed_checks["implied speed (stated figures)"].verdict == "consistent"
    assert speed_checks["plausible speed for rail"].verdict == "consistent"
    assert "34 km/h" in speed.explanation


def test_170km_105_miles_passes_as_a_conversion_and_against_the_road():
    pair = q("distance", 105, "miles", text="105 miles", factor=1.609344)
    claim = Claim(q("distance", 170, "km", text="170 km"), "dong-dang", "hanoi", mode="road", pair=pair)
    result = run(claim)
    by_basis = {c.basis: c for c in result.checks}
    assert by_basis["conversion"].verdict == "consistent"
    assert by_basis["conversion"].expected == pytest.approx(169.0, abs=0.1)
    assert by_basis["road route"].verdict == "consistent"
    assert result.verdict == "consistent"
    assert "105 miles" in result.explanation


def test_a_wrong_conversion_is_flagged():
    pair = q("distance", 150, "miles", text="150 miles", factor=1.609344)
    claim = Claim(q("distance", 170, "km", text="170 km"), "dong-dang", "hanoi", mode="road", pair=pair)
    result = run(claim)
    assert {c.basis: c.verdict for c in result.checks}["conversion"] == "inconsistent"
    assert "does not agree" in result.explanation


ITINERARY = Itinerary((Leg("pyongyang", "dong-dang", "rail"), Leg("dong-dang", "hanoi", "road")))


@pytest.mark.parametrize(("unit", "factor"), [("kilometers", 1.0), ("miles", 1.609344)])
def test_thousands_through_china_match_the_length_of_the_route_inside_china(unit, factor):
    quantity = q("distance", 1000, unit, text=f"thousands of {unit}", hedge="thousands of", low=2000 * factor, high=10000 * factor)
    claim = Claim(quantity, mode="rail", within="CN")
    result = run(claim, itinerary=ITINERARY)
    assert result.verdict == "consistent"
    check = result.checks[0]
    assert check.basis == "length in CN"
    assert check.expected == pytest.approx(3950.0)
    assert "China" in result.explanation


def test_tens_of_km_through_china_is_inconsistent_with_the_length_inside_china():
    claim = Claim(q("distance", 10, "km", text="tens of kilometres", hedge="tens of", high=100), mode="rail", within="CN")
    assert run(claim, itinerary=ITINERARY).verdict == "inconsistent"


def test_20000km_to_moscow_is_a_round_trip():
    claim = Claim(q("distance", 20000, "km", text="20,000km"), "pyongyang", "moscow", mode="rail")
    result = run(claim)
    assert result.verdict == "consistent"
    assert result.claim.round_trip == "likely"
    by_basis = {c.basis: c for c in result.checks}
    assert by_basis["rail route"].verdict == "inconsistent"
    assert by_basis["round trip (rail route)"].verdict == "consistent"
    assert by_basis["round trip (rail route)"].expected == pytest.approx(20400.0)
    assert "round trip" in result.explanation


def test_a_stated_round_trip_is_checked_as_one():
    claim = Claim(q("distance", 20000, "km", text="20,000km"), "pyongyang", "moscow", mode="rail", round_trip="stated")
    result = run(claim)
    assert result.verdict == "consistent"
    assert result.checks[0].basis == "round trip (rail route)"


def test_some_100m_from_the_bridge_is_unverifiable():
    claim = Claim(q("distance", 100, "m", text="some 100m", hedge="some", factor=0.001))
    result = run(claim)
    assert result.verdict == "unverifiable"
    assert result.explanation.startswith("Stated some 100m")
    assert "no start and end" in result.explanation


def test_a_flight_is_checked_against_the_great_circle():
    straight = gkm("pyongyang", "moscow")
    good = Claim(distance(round(straight, -2), text=f"{round(straight, -2):,.0f} km"), "pyongyang", "moscow", mode="air")
    bad = Claim(distance(round(straight * 1.5, -2), text=f"{round(straight * 1.5, -2):,.0f} km"), "pyongyang", "moscow", mode="air")
    assert run(good).checks[0].basis == "great circle"
    assert run(good).verdict == "consistent"
    assert run(bad).verdict == "inconsistent"


def test_an_estimated_route_is_judged_on_its_range():
    straight = gkm("pyongyang", "hanoi")
    low_end = Claim(distance(straight * 1.2, hedge="about"), "pyongyang", "hanoi", mode="road")
    result = run(low_end)
    assert result.checks[0].basis == "estimated road route"
    assert result.verdict == "consistent"
    assert "estimated" in result.explanation
    too_short = Claim(distance(straight * 0.7, hedge="about"), "pyongyang", "hanoi", mode="road")
    assert run(too_short).verdict == "inconsistent"


def test_a_figure_without_a_mode_is_checked_against_the_straight_line():
    straight = gkm("dong-dang", "hanoi")
    result = run(Claim(distance(round(straight), hedge="about"), "dong-dang", "hanoi"))
    assert result.checks[0].basis == "straight line"
    assert result.verdict == "consistent"


def test_unknown_places_leave_a_claim_unverifiable():
    result = run(Claim(distance(500), "atlantis", "hanoi", mode="rail"))
    assert result.verdict == "unverifiable"


@pytest.mark.parametrize(("where", "verdict"), [(0.5, "consistent"), (-0.5, "inconsistent"), (1.5, "inconsistent")])
def test_implied_speed_of_a_duration_against_plausible_rail_speeds(where, verdict):
    from routemap.geo import PLAUSIBLE_SPEEDS_KMH

    low, high = PLAUSIBLE_SPEEDS_KMH["rail"]
    # a speed in the middle of the plausible band, half of the lowest, or 1.5 times the highest
    target = {0.5: (low + high) / 2, -0.5: low / 2, 1.5: high * 1.5}[where]
    hours = round(4400 / target, 1)
    speed = 4400 / hours
    claim = Claim(q("duration", hours, "hours", text=f"{hours} hours"), "pyongyang", "dong-dang", mode="rail")
    result = run(claim)
    assert result.verdict == verdict
    assert result.checks[0].expected == pytest.approx(round(speed, 1))


def test_more_than_two_days_through_china_uses_the_length_inside_china():
    claim = Claim(q("duration", 2, "days", text="more than two days", hedge="more than", factor=24), mode="rail", within="CN")
    result = run(claim, itinerary=ITINERARY)
    assert result.verdict == "consistent"
    assert "length in CN" in result.checks[0].basis


def test_a_duration_with_nothing_to_divide_is_unverifiable():
    claim = Claim(q("duration", 3, "hours", text="three hours"))
    assert run(claim).verdict == "unverifiable"


def test_a_speed_is_compared_with_the_leg_route_and_its_duration():
    duration = Claim(q("duration", 20, "hours", text="20 hours"), "pyongyang", "vladivostok", mode="rail")
    speed_ok = Claim(q("speed", 60, "km/h", text="60 km/h"), "pyongyang", "vladivostok", mode="rail")
    speed_bad = Claim(q("speed", 120, "km/h", text="120 km/h"), "pyongyang", "vladivostok", mode="rail")
    ok = check_claims((speed_ok, duration), GAZ, route_for=fake_route)[0]
    bad = check_claims((speed_bad, duration), GAZ, route_for=fake_route)[0]
    assert ok.verdict == "consistent"
    assert bad.verdict == "inconsistent"
    assert ok.checks[0].expected == pytest.approx(59.0)


def test_a_speed_alone_is_judged_by_the_plausible_speeds_of_its_mode():
    from routemap.geo import PLAUSIBLE_SPEEDS_KMH

    low, high = PLAUSIBLE_SPEEDS_KMH["rail"]
    assert run(Claim(q("speed", (low + high) / 2, "km/h"), mode="rail")).verdict == "consistent"
    assert run(Claim(q("speed", high * 3, "km/h"), mode="rail")).verdict == "inconsistent"
    assert run(Claim(q("speed", 50, "km/h"))).verdict == "unverifiable"


def test_check_claim_alone_matches_check_claims():
    claim = Claim(distance(680, text="680km"), "pyongyang", "vladivostok", mode="rail")
    assert check_claim(claim, GAZ, route_for=fake_route) == run(claim)


def test_results_keep_exact_expected_values_rounded_to_a_tenth():
    claim = Claim(distance(680, text="680km"), "pyongyang", "vladivostok", mode="rail")
    straight = {c.basis: c for c in run(claim).checks}["straight line"].expected
    assert straight == round(straight, 1)
    assert not math.isclose(straight, round(straight, -1))  # not rounded for reading


def test_through_china_on_an_estimated_leg_uses_the_measured_leg_sharing_an_end():
    itinerary = Itinerary((Leg("pyongyang", "hanoi", "rail"), Leg("pyongyang", "dong-dang", "rail")))
    claim = Claim(q("distance", 1000, "km", text="thousands of km", hedge="thousands of", high=10000), "pyongyang", "hanoi", mode="rail", within="CN", leg=0)
    result = run(claim, itinerary=itinerary)
    assert result.verdict == "consistent"
    assert result.checks[0].expected == pytest.approx(3950.0)
    assert "Dong Dang" in result.explanation


def test_through_china_on_an_estimated_leg_alone_is_unverifiable():
    claim = Claim(q("distance", 1000, "km", text="thousands of km", hedge="thousands of", high=10000), "pyongyang", "hanoi", mode="rail", within="CN")
    result = run(claim)
    assert result.verdict == "unverifiable"
    assert "unknown" in result.explanation


# --------------------------------------------------------------------------- regressions (review of figures/claims/checks)

P_V = Itinerary((Leg("pyongyang", "vladivostok", "rail"), Leg("pyongyang", "dong-dang", "rail")))


@pytest.mark.parametrize("hedge", ["top speed", "no faster than", "maximum speed"])
def test_an_upper_bound_speed_accepts_any_slower_duration(hedge):
    assert hedge_family(hedge) == "less than"
    # 1,180 km in 20 hours is 59 km/h: below a 100 km/h top speed, above a 50 km/h one
    duration = Claim(q("duration", 20, "hours", text="20 hours", sentence=1), "pyongyang", "vladivostok", mode="rail", leg=0)
    fast = Claim(q("speed", 100, "km/h", text="100 km/h", hedge=hedge), "pyongyang", "vladivostok", mode="rail", leg=0)
    slow = Claim(q("speed", 50, "km/h", text="50 km/h", hedge=hedge), "pyongyang", "vladivostok", mode="rail", leg=0)
    for bound, verdict in ((fast, "consistent"), (slow, "inconsistent")):
        speed_result, duration_result = check_claims((bound, duration), GAZ, P_V, route_for=fake_route)
        assert speed_result.verdict == verdict, speed_result.explanation
        assert duration_result.verdict == verdict, duration_result.explanation
    assert "upper bound" in run(slow).explanation or "top speed" in run(slow).explanation


def test_a_speed_on_one_leg_never_judges_a_duration_on_another():
    speed = Claim(q("speed", 40, "km/h", text="40kph", hedge="only"), "pyongyang", "vladivostok", mode="rail", leg=0)
    other = Claim(q("duration", 60, "hours", text="60-hour", sentence=3), "pyongyang", "dong-dang", mode="rail", leg=1)
    speed_result, other_result = check_claims((speed, other), GAZ, P_V, route_for=fake_route)
    assert other_result.verdict == "consistent", other_result.explanation  # 4,400 km / 60 h = 73 km/h
    assert not [c for c in other_result.checks if "stated speed" in c.basis]
    assert "Dong Dang" not in speed_result.explanation


def test_a_speed_on_no_leg_is_not_compared_with_durations_on_legs():
    speed = Claim(q("speed", 40, "km/h", text="40kph", sentence=5), mode="rail")
    on_leg = Claim(q("duration", 60, "hours", text="60 hours", sentence=1), "pyongyang", "dong-dang", mode="rail", leg=1)
    speed_result, duration_result = check_claims((speed, on_leg), GAZ, P_V, route_for=fake_route)
    assert duration_result.verdict == "consistent"
    assert not [c for c in speed_result.checks if c.basis.startswith("implied speed")]


def test_a_speed_must_agree_with_every_duration_of_its_leg():
    speed = Claim(q("speed", 200, "km/h", text="200 km/h", sentence=2), "pyongyang", "vladivostok", mode="rail", leg=0)
    short = Claim(q("duration", 6, "hours", text="about six hours", hedge="about", sentence=2), "pyongyang", "vladivostok", mode="rail", leg=0)
    long = Claim(q("duration", 24, "hours", text="a little under 24 hours", hedge="a little under", sentence=1), "pyongyang", "vladivostok", mode="rail", leg=0)
    result = check_claims((speed, short, long), GAZ, P_V, route_for=fake_route)[0]
    assert result.verdict == "inconsistent"
    assert result.checks[0].verdict == "inconsistent"  # the failing check comes first


def test_two_durations_of_one_leg_that_cannot_both_be_right_are_reported():
    long = Claim(q("duration", 24, "hours", text="a little under 24 hours", hedge="a little under", sentence=1), "pyongyang", "vladivostok", mode="rail", leg=0)
    short = Claim(q("duration", 6, "hours", text="about six hours", hedge="about", sentence=2), "pyongyang", "vladivostok", mode="rail", leg=0)
    long_result, short_result = check_claims((long, short), GAZ, P_V, route_for=fake_route)
    for result, other in ((long_result, "about six hours"), (short_result, "a little under 24 hours")):
        conflict = by_basis(result)["other figure in the article"]
        assert conflict.verdict == "inconsistent"
        assert result.verdict == "inconsistent"
        assert other in result.explanation and "contradicts" in result.explanation


@pytest.mark.parametrize(
    ("other", "changes"),
    [
        (dict(value=22, text="22 hours", hedge=None), {}),  # overlapping: no conflict
        (dict(value=6, text="six hours", hedge=None), dict(sentence=1)),  # same sentence: may be a part of the trip
        (dict(value=6, text="six hours", hedge=None), dict(mode="air")),  # another mode
        (dict(value=6, text="six hours", hedge=None), dict(leg=1, to_id="dong-dang")),  # another leg
    ],
)
def test_durations_that_may_both_be_right_are_not_a_conflict(other, changes):
    long = Claim(q("duration", 24, "hours", text="a little under 24 hours", hedge="a little under", sentence=1), "pyongyang", "vladivostok", mode="rail", leg=0)
    fields = dict(quantity=q("duration", other["value"], "hours", text=other["text"], hedge=other["hedge"], sentence=2),
                  from_id="pyongyang", to_id="vladivostok", mode="rail", leg=0)
    fields.update({k: v for k, v in changes.items() if k != "sentence"})
    if "sentence" in changes:
        fields["quantity"] = dataclasses.replace(fields["quantity"], sentence=changes["sentence"])
    result = check_claims((long, Claim(**fields)), GAZ, P_V, route_for=fake_route)[0]
    assert "other figure in the article" not in by_basis(result)


def by_basis(result) -> dict:
    return {check.basis: check for check in result.checks}


def test_a_likely_round_trip_is_not_worded_as_an_error():
    result = run(Claim(q("distance", 20000, "km", text="20,000km"), "pyongyang", "moscow", mode="rail"))
    assert result.verdict == "consistent"
    assert "longer" not in result.explanation and "%" not in result.explanation
    assert "one-way rail route" in result.explanation and "as a round trip" in result.explanation


def test_an_adjectival_duration_is_read_as_a_figure():
    result = run(Claim(q("duration", 60, "h", text="60-hour"), "pyongyang", "dong-dang", mode="rail"))
    assert result.explanation.startswith("Stated 60 hours (60-hour)")


def test_several_stated_speeds_are_listed_in_one_bracket():
    duration = Claim(q("duration", 20, "hours", text="about 20 hours", hedge="about"), "pyongyang", "vladivostok", mode="rail", leg=0)
    distance_claim = Claim(distance(680, text="680km"), "pyongyang", "vladivostok", mode="rail", leg=0)
    speeds = [Claim(q("speed", v, "km/h", text=f"{v} km/h"), "pyongyang", "vladivostok", mode="rail", leg=0) for v in (34, 40)]
    result = check_claims((duration, distance_claim, *speeds), GAZ, P_V, route_for=fake_route)[0]
    assert ") (" not in result.explanation
    assert "the stated 34 km/h and 40 km/h" in result.explanation


def test_a_stated_distance_too_long_for_the_time_says_it_is_above_plausible_road_speeds():
    duration = Claim(q("duration", 2.5, "hours", text="two and a half hours"), "dong-dang", "hanoi", mode="road", leg=0)
    too_far = Claim(distance(500, text="500 km"), "dong-dang", "hanoi", mode="road", leg=0)
    result = check_claims((duration, too_far), GAZ, Itinerary((Leg("dong-dang", "hanoi", "road"),)), route_for=fake_route)[0]
    assert "with the stated 500 km it is 200 km/h, above plausible road speeds" in result.explanation


def test_dead_helpers_are_gone_and_the_quantity_factor_has_its_own_name():
    from routemap import quantities

    assert not hasattr(checks, "_describe") and not hasattr(quantities, "quantities_by_sentence")
    assert not hasattr(checks, "unit_factor") or checks.unit_factor is quantities.unit_factor
    assert "unit_factor" not in checks.__all__
    assert checks.factor_to_base(q("distance", 105, "mi", factor=1.609344)) == pytest.approx(1.609344)
