"""routemap.quantities: the figure grammar, hedges, vague magnitudes, conversions, traps."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routemap.models import Article, Sentence
from routemap.quantities import (
    HEDGES,
    LOWER_BOUND_HEDGES,
    UNIT_KINDS,
    find_quantities,
    find_quantities_in_text,
    to_base,
    unit_factor,
)

MILE_KM = 1.609344


def only(text: str):
    found = find_quantities_in_text(text)
    assert len(found) == 1, [q.text for q in found]
    return found[0]


@pytest.mark.parametrize(
    "text, surface, kind, value, unit, hedge, low, high",
    [
        ("He made the 680km journey.", "680km", "distance", 680, "km", None, 680, 680),
        ("It arrived about 20 hours later.", "about 20 hours", "duration", 20, "h", "about", 20, 20),
        ("The train travels at only 40kph.", "only 40kph", "speed", 40, "km/h", "only", 40, 40),
        ("It takes at least two and a half days.", "at least two and a half days", "duration", 2.5, "day", "at least", 60, None),
        ("It could take more than two days.", "more than two days", "duration", 2, "day", "more than", 48, None),
        ("a 60-hour journey", "60-hour", "duration", 60, "h", None, 60, 60),
        ("the 680-km trip", "680-km", "distance", 680, "km", None, 680, 680),
        ("a 20,000km trip", "20,000km", "distance", 20000, "km", None, 20000, 20000),
        ("police waited some 100m from the bridge", "some 100m", "distance", 100, "m", "some", 0.1, 0.1),
        ("it took 20 to 24 hours", "20 to 24 hours", "duration", 20, "h", None, 20, 24),
        ("it took 20-24 hours", "20-24 hours", "duration", 20, "h", None, 20, 24),
        ("it took between six and eight hours", "between six and eight hours", "duration", 6, "h", None, 6, 8),
        ("a day and a half on the road", "a day and a half", "duration", 1.5, "day", None, 36, 36),
        ("half an hour by bus", "half an hour", "duration", 0.5, "h", None, 0.5, 0.5),
        ("an hour and a half by bus", "an hour and a half", "duration", 1.5, "h", None, 1.5, 1.5),
        ("a dozen miles further", "a dozen miles", "distance", 12, "mi", None, 12 * MILE_KM, 12 * MILE_KM),
        ("a hundred kilometres away", "a hundred kilometres", "distance", 100, "km", None, 100, 100),
        ("sixty miles per hour", "sixty miles per hour", "speed", 60, "mph", None, 60 * MILE_KM, 60 * MILE_KM),
        ("at 60 mph", "60 mph", "speed", 60, "mph", None, 60 * MILE_KM, 60 * MILE_KM),
        ("a 2,758.42 km line", "2,758.42 km", "distance", 2758.42, "km", None, 2758.42, 2758.42),
        ("it sails at 30 knots", "30 knots", "speed", 30, "kn", None, 55.56, 55.56),
        ("12 nautical miles offshore", "12 nautical miles", "distance", 12, "nmi", None, 22.224, 22.224),
        ("twenty-five minutes by taxi", "twenty-five minutes", "duration", 25, "min", None, 25 / 60, 25 / 60),
        ("two hundred and fifty km of track", "two hundred and fifty km", "distance", 250, "km", None, 250, 250),
        ("about 1.5 km", "about 1.5 km", "distance", 1.5, "km", "about", 1.5, 1.5),
        ("nearly 11 hours", "nearly 11 hours", "duration", 11, "h", "nearly", 11, 11),
        ("close to 300 kilometers", "close to 300 kilometers", "distance", 300, "km", "close to", 300, 300),
        ("no faster than 50 km/h", "no faster than 50 km/h", "speed", 50, "km/h", "no faster than", 50, 50),
        ("up to three and a half hours", "up to three and a half hours", "duration", 3.5, "h", "up to", 3.5, 3.5),
        ("a little over 20 hours", "a little over 20 hours", "duration", 20, "h", "a little over", 20, None),
        ("just over an hour", "just over an hour", "duration", 1, "h", "a little over", 1, None),
        ("over 300 km", "over 300 km", "distance", 300, "km", "over", 300, None),
        ("it runs at 120 kilometres per hour", "120 kilometres per hour", "speed", 120, "km/h", None, 120, 120),
        ("it runs at 120 km per hour", "120 km per hour", "speed", 120, "km/h", None, 120, 120),
        ("it runs at 120 kmh", "120 kmh", "speed", 120, "km/h", None, 120, 120),
        ("90 mins by coach", "90 mins", "duration", 90, "min", None, 1.5, 1.5),
        ("three weeks on the road", "three weeks", "duration", 3, "week", None, 504, 504),
        ("two nights on the sleeper", "two nights", "duration", 2, "night", None, 48, 48),
    ],
)
def test_figures_read_with_value_unit_hedge_and_interval(text, surface, kind, value, unit, hedge, low, high):
    quantity = only(text)
    assert quantity.text == surface
    assert text[quantity.start : quantity.end] == surface
    assert (quantity.kind, quantity.unit, quantity.hedge) == (kind, unit, hedge)
    assert quantity.value == pytest.approx(value)
    assert quantity.low == pytest.approx(low, rel=1e-6)
    if high is None:
        assert quantity.high is None
    else:
        assert quantity.high == pytest.approx(high, rel=1e-6)


@pytest.mark.parametrize(
    "text, hedge, value, low, high",
    [
        ("thousands of miles through China", "thousands of", 1000, 1000 * MILE_KM, 10000 * MILE_KM),
        ("thousands of kilometers of track", "thousands of", 1000, 1000, 10000),
        ("hundreds of kilometres of desert", "hundreds of", 100, 100, 1000),
        ("tens of thousands of miles a year", "tens of thousands of", 10000, 10000 * MILE_KM, 100000 * MILE_KM),
        ("tens of kilometres of sidings", "tens of", 10, 10, 100),
        ("dozens of kilometres of sidings", "dozens of", 12, 10, 100),
    ],
)
def test_vague_magnitudes_are_bounds_with_the_phrase_as_hedge(text, hedge, value, low, high):
    quantity = only(text)
    assert quantity.hedge == hedge
    assert quantity.value == value
    assert quantity.low == pytest.approx(low)
    assert quantity.high == pytest.approx(high)
    assert quantity.low < quantity.nominal < quantity.high


def test_parenthetical_conversion_is_paired_both_ways():
    text = "He will drive 170 km (105 miles) to the capital by car."
    first, second = find_quantities_in_text(text)
    assert (first.text, second.text) == ("170 km", "105 miles")
    assert first.paired_with == 1 and second.paired_with == 0
    assert second.low == pytest.approx(105 * MILE_KM)


def test_same_unit_neighbours_are_not_a_conversion():
    first, second = find_quantities_in_text("Stage one is 40 km (stage two 60 km) long.")
    assert first.paired_with is None and second.paired_with is None


@pytest.mark.parametrize(
    "text",
    [
        "In 1958 he went by train; in 2019 he went again.",
        "The 1950-1953 Korean War ended in a truce.",
        "They will meet on February 27 and 28, after talks on Feb. 26.",
        "He left at around 5 p.m. on Saturday.",
        "The road was closed on Tuesday between 6am and 2pm.",
        "He visited Russia three times.",
        "They meet eight months after their first summit.",
        "He took a Boeing 747 to the G20, where he was No. 1 on the list.",
        "He flew two days ahead of the event.",
        "The summit lasted two days.",
        "The 35-year-old leader arrived a day later.",
        "Tickets cost $5m in total, and 85% of seats were sold.",
        "Trains leave every 15 minutes, 24 hours a day.",
        "It was a two-day summit after a 12-hour delay.",
        "Passengers wait for two hours at the border.",
        "He led the party about four years ago.",
        "One day, he said, the line will reopen.",
        "The city has 2.5m people and 1,200 buses.",
        "Call 0800 555 0199 or visit room 12.",
        "Delays of 30 to 40 minutes are common.",
    ],
)
def test_numbers_that_are_not_travel_figures(text):
    assert find_quantities_in_text(text) == ()


def test_the_departure_time_before_earlier_is_a_travel_duration():
    text = "The train arrived on Tuesday after leaving the capital about 20 hours earlier."
    assert only(text).text == "about 20 hours"
    assert only("It arrived about 20 hours later.").text == "about 20 hours"
    assert find_quantities_in_text("The decision came two hours earlier.") == ()
    assert find_quantities_in_text("The statement came six hours later.") == ()


def test_every_hedge_given_is_documented():
    texts = ["about 5 km", "around 5 km", "roughly 5 km", "approximately 5 km", "approx. 5 km", "some 5 km",
             "nearly 5 km", "almost 5 km", "close to 5 km", "more than 5 km", "over 5 km", "at least 5 km",
             "a little over 5 km", "less than 5 km", "under 5 km", "up to 5 km", "no more than 5 km",
             "only 5 km", "just 5 km", "well over 5 km", "fewer than 5 km"]
    for text in texts:
        quantity = only(f"It is {text} long.")
        assert quantity.hedge in HEDGES, text
        assert (quantity.high is None) == (quantity.hedge in LOWER_BOUND_HEDGES), text


def test_unit_factors_come_from_pint():
    assert unit_factor("mi") == pytest.approx(MILE_KM)
    assert unit_factor("nmi") == pytest.approx(1.852)
    assert unit_factor("kn") == pytest.approx(1.852)
    assert unit_factor("mph") == pytest.approx(MILE_KM)
    assert unit_factor("day") == pytest.approx(24)
    assert unit_factor("min") == pytest.approx(1 / 60)
    assert to_base(500, "m") == pytest.approx(0.5)
    assert set(UNIT_KINDS.values()) == {"distance", "duration", "speed"}


def test_find_quantities_gives_sentence_indexes():
    text = "The line is 500 km long. The train takes 9 hours."
    article = Article("t", text, None, None, (Sentence(0, 0, 24), Sentence(1, 25, len(text))), ())
    distance, duration = find_quantities(article)
    assert (distance.sentence, duration.sentence) == (0, 1)


def test_offsets_point_into_the_text_in_a_long_document():
    text = ("Nothing here. " * 200) + "Then it covered 1,300 km in about 20 hours. " + ("More text. " * 200)
    found = find_quantities_in_text(text)
    assert [q.text for q in found] == ["1,300 km", "about 20 hours"]
    assert all(text[q.start : q.end] == q.text for q in found)


@settings(max_examples=150, deadline=None)
@given(
    number=st.integers(min_value=1, max_value=9_999_999),
    unit=st.sampled_from(["km", "kilometres", "miles", "hours", "minutes", "km/h", "mph", "knots", "days"]),
    spaced=st.booleans(),
)
def test_any_digit_figure_round_trips(number, unit, spaced):
    written = f"{number:,}" + (" " if spaced or unit[0] not in "km" else "") + unit
    quantity = only(f"The service covered {written} last year.")
    assert quantity.value == number
    assert quantity.text == written
    assert math.isclose(quantity.low, to_base(number, quantity.unit))


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("It reached Vladivostok roughly 20 hours after setting off from Pyongyang.", True),
        ("The train arrived about 20 hours after it pulled out of Pyongyang.", True),
        ("They met again eight hours after the summit ended.", False),
        ("He flew in two days after the talks.", False),
    ],
)
def test_a_duration_after_a_departure_is_a_travel_figure(text, kept):
    found = [q for q in find_quantities_in_text(text) if q.kind == "duration"]
    assert bool(found) is kept, found


# ------------------------------------------------------------------ regressions (review of figures/claims/checks)


@pytest.mark.parametrize(
    "text",
    ["tens of km", "dozens of miles", "hundreds of km", "several hundred km", "a few hundred metres",
     "thousands of miles", "several thousand km", "a few thousand miles", "tens of thousands of km"],
)
def test_vague_magnitude_interval_is_the_documented_tolerance_interval(text):
    from routemap.checks import tolerance

    quantity = only(text)
    accepted = tolerance(quantity)
    assert (quantity.low, quantity.high) == (pytest.approx(accepted.low), pytest.approx(accepted.high))
    assert accepted.high_open


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f"])
def test_space_separated_thousands_are_one_number(space):
    quantity = only(f"From Beijing to Hanoi is about 2{space}300 km by air.")
    assert quantity.value == 2300 and quantity.hedge == "about"
    assert quantity.text == f"about 2{space}300 km"


def test_space_separated_range_is_one_range():
    quantity = only("a line of 2 300 to 2 500 km")
    assert (quantity.low, quantity.high) == (2300, 2500)


@pytest.mark.parametrize(
    "text, values",
    [("in 2019 300 km of track were relaid", [300]), ("by 2019 2 300 km were electrified", [2300]),
     ("the 12345 678 km marker", [678])],
)
def test_space_thousands_never_glue_onto_a_year_or_a_longer_number(text, values):
    assert [q.value for q in find_quantities_in_text(text)] == values


def test_space_thousands_need_a_unit_after_them():
    assert find_quantities_in_text("In 2019 2 300 people came") == ()


@pytest.mark.parametrize(
    "text, hedge",
    [
        ("The train has a top speed of 100 km/h.", "top speed"),
        ("Its maximum speed on the worn tracks is only 40kph.", "top speed"),
        ("max speed 120 km/h", "top speed"),
        ("The train rarely went faster than 50 km/h.", "no faster than"),
        ("The bus has never gone faster than 30 mph on the bends.", "no faster than"),
        ("It seldom travels faster than 60 km/h.", "no faster than"),
        ("It went no faster than 60 km/h.", "no faster than"),
        ("speeds of up to 140 km/h", "up to"),
        ("at most 80 km/h", "no more than"),
        ("The new train went faster than 300 km/h.", "more than"),
    ],
)
def test_upper_bound_speed_phrases_set_the_hedge(text, hedge):
    quantity = only(text)
    assert quantity.kind == "speed"
    assert quantity.hedge == hedge


def test_top_speed_does_not_reach_past_a_comma_or_another_figure():
    first, second = find_quantities_in_text("At top speed they run at 305 km/h, although the average is 160 km/h.")
    assert first.hedge == "top speed"
    assert second.hedge is None


def test_top_speed_keeps_a_lower_bound_hedge():
    quantity = only("a top speed of more than 300 km/h")
    assert quantity.hedge == "more than" and quantity.high is None


def test_top_speed_never_applies_to_durations():
    quantity = only("at top speed it takes 3 hours")
    assert quantity.kind == "duration" and quantity.hedge is None


@pytest.mark.parametrize("text", ["a little under 24 hours", "just under 24 hours", "slightly less than 24 hours"])
def test_a_little_under_is_one_hedge(text):
    quantity = only(text)
    assert quantity.hedge == "a little under"
    assert quantity.text == text
    from routemap.checks import hedge_family

    assert hedge_family(quantity.hedge) == "nearly"


@pytest.mark.parametrize(
    ("text", "found"),
    [("The whole trip from Pyongyang covered roughly 1,200 km and lasted more than 30 hours.", "more than 30 hours"),
     ("The journey lasted for two days.", "two days"),
     ("The summit lasted two days.", None)],
)
def test_a_trip_that_lasts_is_a_travel_duration_a_summit_is_not(text, found):
    durations = [q.text for q in find_quantities_in_text(text) if q.kind == "duration"]
    assert durations == ([found] if found else [])
