"""routemap.claims: figures tied to legs (ends, mode, within, round trips) and the itinerary.

Three layers: sentences of our own carrying the seed articles' facts (always run, with a
small gazetteer of fixed ids), the seed articles themselves (skipped without ../shared),
and the annotated set under tests/data/figures scored by scripts/eval_figures.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from routemap.claims import build_claims, build_itinerary, mode_of_word
from routemap.quantities import find_quantities

FIGURES = Path(__file__).resolve().parent / "data" / "figures"


@pytest.fixture(scope="module")
def mini():
    from routemap.gazetteer import load_gazetteer

    return load_gazetteer(FIGURES / "mini_gazetteer.yaml")


def analyse(text: str, gazetteer):
    from routemap.places import article_from_text

    article = article_from_text(text, gazetteer)
    claims = build_claims(article, find_quantities(article), gazetteer)
    return article, claims, build_itinerary(article, claims, gazetteer)


def claim_for(claims, surface: str):
    found = [c for c in claims if c.quantity.text == surface]
    assert found, [c.quantity.text for c in claims]
    return found[0]


# ------------------------------------------------------------------ our own versions of the seed facts

VLADIVOSTOK = (
    "Kim Jong Un has crossed into Russia for talks with Vladimir Putin. His armoured train made the 680km "
    "trip and pulled in on the edge of Vladivostok on Tuesday, having left Pyongyang about 20 hours earlier. "
    "The train moves at only 40kph because the rail network is old. Before that he used it for a 60-hour "
    "journey to Vietnam to meet Donald Trump at a summit in Hanoi. His father, Kim Jong Il, went to Russia "
    "three times by train, including a 20,000km trip to Moscow in 2001."
)

HANOI = (
    "Kim Jong Un set off by train for Vietnam on Saturday. He left Pyongyang at around 5 p.m. on board. "
    "The trip could take him at least two and a half days, covering thousands of kilometers through China by "
    "train to Vietnam. The train should stop at the border station of Dong Dang, where he will get off and "
    "drive 170 km (105 miles) to Hanoi by car. Officials will close that 170km stretch of road between 6am "
    "and 2pm. Police kept people some 100m from the bridge. In 1958 Kim Il Sung travelled from Pyongyang to "
    "Beijing by train, then flew from Beijing to Hanoi. The war of 1950-1953 ended eight months after talks began."
)


def test_train_to_vladivostok_distance_and_duration_share_the_leg(mini):
    _, claims, itinerary = analyse(VLADIVOSTOK, mini)
    distance, duration = claim_for(claims, "680km"), claim_for(claims, "about 20 hours")
    for claim in (distance, duration):
        assert (claim.from_id, claim.to_id, claim.mode) == ("pyongyang", "vladivostok", "rail")
    assert distance.leg is not None and distance.leg == duration.leg
    leg = itinerary.legs[distance.leg]
    assert (leg.from_id, leg.to_id) == ("pyongyang", "vladivostok")


def test_speed_is_rail_and_other_trips_fill_the_origin(mini):
    _, claims, _ = analyse(VLADIVOSTOK, mini)
    speed = claim_for(claims, "only 40kph")
    assert speed.quantity.kind == "speed" and speed.mode == "rail"
    journey = claim_for(claims, "60-hour")
    assert journey.to_id in ("vietnam", "hanoi") and journey.mode == "rail"
    moscow = claim_for(claims, "20,000km")
    assert (moscow.from_id, moscow.to_id, moscow.mode) == ("pyongyang", "moscow", "rail")
    assert moscow.round_trip is None
    assert [c.quantity.text for c in claims] == ["680km", "about 20 hours", "only 40kph", "60-hour", "20,000km"]


def test_drive_from_the_border_station_is_a_road_leg_with_its_conversion(mini):
    _, claims, itinerary = analyse(HANOI, mini)
    km, miles = claim_for(claims, "170 km"), claim_for(claims, "105 miles")
    for claim in (km, miles):
        assert (claim.from_id, claim.to_id, claim.mode) == ("dong-dang", "hanoi", "road")
    assert km.pair is miles.quantity or km.pair == miles.quantity
    assert miles.pair == km.quantity
    assert itinerary.legs[km.leg].mode == "road"


def test_through_china_is_within_cn_for_the_distance_only(mini):
    _, claims, _ = analyse(HANOI, mini)
    distance = claim_for(claims, "thousands of kilometers")
    duration = claim_for(claims, "at least two and a half days")
    assert distance.within == "CN" and duration.within is None
    for claim in (distance, duration):
        assert claim.from_id == "pyongyang" and claim.to_id in ("vietnam", "hanoi") and claim.mode == "rail"


def test_stretch_of_road_and_position_figures(mini):
    _, claims, _ = analyse(HANOI, mini)
    road = claim_for(claims, "170km")
    assert road.mode == "road"
    assert road.from_id in (None, "dong-dang") and road.to_id in (None, "hanoi")
    position = claim_for(claims, "some 100m")
    assert (position.from_id, position.to_id, position.mode, position.leg) == (None, None, None, None)


def test_only_travel_figures_become_claims(mini):
    _, claims, _ = analyse(HANOI, mini)
    texts = {c.quantity.text for c in claims}
    assert texts == {"at least two and a half days", "thousands of kilometers", "170 km", "105 miles", "170km", "some 100m"}


def test_itinerary_has_both_legs_of_a_two_mode_trip(mini):
    _, _, itinerary = analyse(HANOI, mini)
    legs = [(leg.from_id, leg.to_id, leg.mode) for leg in itinerary.legs]
    assert ("pyongyang", "beijing", "rail") in legs
    assert ("beijing", "hanoi", "air") in legs
    assert legs.index(("pyongyang", "beijing", "rail")) < legs.index(("beijing", "hanoi", "air"))


def test_round_trip_stated_and_between(mini):
    text = "In 2001 he made a 20,000 km round trip by train between Pyongyang and Moscow."
    _, claims, _ = analyse(text, mini)
    (claim,) = claims
    assert claim.round_trip == "stated"
    assert {claim.from_id, claim.to_id} == {"pyongyang", "moscow"}


def test_open_figure_still_becomes_a_claim(mini):
    _, claims, itinerary = analyse("The bus covered 45 km of hairpins in an hour and a half.", mini)
    assert [c.quantity.text for c in claims] == ["45 km", "an hour and a half"]
    assert all(c.from_id is None and c.to_id is None and c.leg is None for c in claims)
    assert all(c.mode == "road" for c in claims)
    assert itinerary.legs == ()


def test_flight_and_ferry_modes(mini):
    _, claims, _ = analyse("They flew from Seoul to Singapore, about 4,600 km, in six hours.", mini)
    assert all((c.from_id, c.to_id, c.mode) == ("seoul", "singapore", "air") for c in claims)
    assert mode_of_word("ferry") == "sea" and mode_of_word("drove") == "road" and mode_of_word("walked") == "foot"


def test_claims_keep_quantity_order_and_build_itinerary_is_repeatable(mini):
    article, claims, itinerary = analyse(HANOI, mini)
    assert [c.quantity for c in claims] == list(find_quantities(article))
    assert build_itinerary(article, claims, mini) == itinerary
    assert all(c.leg is None or 0 <= c.leg < len(itinerary.legs) for c in claims)


# ------------------------------------------------------------------ the seed articles


def _seed(seeds_dir: Path, prefix: str) -> Path:
    found = sorted(seeds_dir.glob(prefix + "*"))
    if not found:
        pytest.skip(f"seed {prefix} absent")
    return found[0]


def _seed_claims(path: Path, gazetteer):
    from routemap.places import build_article
    from routemap.reading import read_document

    article = build_article(read_document(str(path)), gazetteer)
    return article, build_claims(article, find_quantities(article), gazetteer)


def _ids(gazetteer, *names):
    return {gazetteer.resolve(name).id for name in names}


def test_seed_000(seeds_dir, gazetteer):
    _, claims = _seed_claims(_seed(seeds_dir, "000"), gazetteer)
    assert [c.quantity.text for c in claims] == ["more than two days", "thousands of miles", "170km", "some 100m"]
    days, miles, road, position = claims
    assert days.quantity.hedge == "more than" and days.quantity.low == pytest.approx(48)
    assert miles.quantity.hedge == "thousands of" and miles.within == "CN"
    for claim in (days, miles):
        assert claim.mode == "rail" and claim.to_id in _ids(gazetteer, "Vietnam", "Hanoi")
    assert road.mode == "road"
    assert (position.from_id, position.to_id, position.leg) == (None, None, None)


def test_seed_001(seeds_dir, gazetteer):
    _, claims = _seed_claims(_seed(seeds_dir, "001"), gazetteer)
    texts = [c.quantity.text for c in claims]
    assert texts == ["at least two and a half days", "thousands of kilometers", "170 km", "105 miles"]
    days, km, drive, miles = claims
    assert days.quantity.value == 2.5 and days.quantity.hedge == "at least"
    assert km.within == "CN" and km.mode == "rail" and days.mode == "rail"
    assert km.to_id in _ids(gazetteer, "Vietnam", "Hanoi")
    hanoi = gazetteer.resolve("Hanoi").id
    for claim in (drive, miles):
        assert claim.to_id == hanoi and claim.mode == "road"
        assert claim.from_id is not None and "dong" in claim.from_id
    assert drive.pair == miles.quantity and miles.pair == drive.quantity


def test_seed_002_html(seeds_dir, gazetteer):
    _, claims = _seed_claims(_seed(seeds_dir, "002"), gazetteer)
    assert [c.quantity.text for c in claims] == ["680km", "about 20 hours", "only 40kph", "60-hour", "20,000km"]
    distance, hours, speed, journey, moscow = claims
    pyongyang, vladivostok = gazetteer.resolve("Pyongyang").id, gazetteer.resolve("Vladivostok").id
    for claim in (distance, hours):
        assert (claim.from_id, claim.to_id, claim.mode) == (pyongyang, vladivostok, "rail")
    assert speed.mode == "rail"
    assert journey.to_id in _ids(gazetteer, "Vietnam", "Hanoi") and journey.mode == "rail"
    assert moscow.to_id == gazetteer.resolve("Moscow").id and moscow.from_id == pyongyang and moscow.mode == "rail"


# ------------------------------------------------------------------ the annotated set


def _eval_module():
    path = Path(__file__).resolve().parents[1] / "scripts" / "eval_figures.py"
    spec = importlib.util.spec_from_file_location("eval_figures", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_figures", module)
    spec.loader.exec_module(module)
    return module


def test_annotated_set_is_big_enough():
    gold = _eval_module().load_annotations(FIGURES / "articles.yaml")
    assert len(gold) >= 30
    assert sum(len(a.figures) for a in gold) >= 150
    assert sum(len(a.others) for a in gold) >= 100


def test_annotated_set_precision_recall_and_ends(gazetteer):
    scores = _eval_module().evaluate_routemap(FIGURES / "articles.yaml", gazetteer)
    assert scores.precision >= 0.95, scores.false_positives
    assert scores.recall >= 0.95, scores.misses
    assert scores.others_taken == 0, scores.false_positives
    assert scores.ends_total >= 20, "too few annotated ends resolve in the bundled gazetteer"
    assert scores.ends_accuracy >= 0.85, scores.end_errors


# ------------------------------------------------------------------ journey ends from travel context only


def _analyse_document(text: str, gazetteer):
    from routemap.places import build_article
    from routemap.reading import document_from_text

    article = build_article(document_from_text(text, source="t.txt"), gazetteer)
    claims = build_claims(article, find_quantities(article), gazetteer)
    return article, claims, build_itinerary(article, claims, gazetteer)


def test_origin_comes_from_the_headline_not_from_talks_between(gazetteer):
    text = (
        "Kim sets off from Pyongyang for Hanoi\n\n"
        "The stalemate in negotiations between Washington and Pyongyang has lasted for months. "
        "The train may need more than two days to cover thousands of miles through China to Vietnam."
    )
    article, claims, itinerary = _analyse_document(text, gazetteer)
    assert article.title is not None and "Pyongyang" in article.title  # the headline is not in the body
    pyongyang, hanoi = gazetteer.resolve("Pyongyang").id, gazetteer.resolve("Hanoi").id
    miles = claim_for(claims, "thousands of miles")
    assert (miles.from_id, miles.to_id, miles.within, miles.mode) == (pyongyang, hanoi, "CN", "rail")
    washington = gazetteer.resolve("Washington").id
    assert all(washington not in (leg.from_id, leg.to_id) for leg in itinerary.legs)


def test_a_country_is_not_a_leg_end_when_the_text_names_the_city(gazetteer):
    text = (
        "After leaving Pyongyang the train crossed into China at Dandong and ran on through Shenyang. "
        "From Shenyang it headed to Beijing by rail."
    )
    _, _, itinerary = _analyse_document(text, gazetteer)
    kinds = {gazetteer.get(pid).kind for leg in itinerary.legs for pid in (leg.from_id, leg.to_id)}
    assert "country" not in kinds
    ends = [(leg.from_id, leg.to_id) for leg in itinerary.legs]
    assert (gazetteer.resolve("Pyongyang").id, gazetteer.resolve("Dandong").id) in ends


def test_a_figure_between_two_named_places_is_measured_as_the_crow_flies(gazetteer):
    text = "He went by train. Beijing lies some 810 km from Pyongyang in a straight line."
    _, claims, _ = _analyse_document(text, gazetteer)
    (claim,) = claims
    assert {claim.from_id, claim.to_id} == _ids(gazetteer, "Beijing", "Pyongyang")
    assert claim.mode is None and claim.leg is None


def test_from_the_border_starts_at_the_border_town_the_text_named(gazetteer):
    text = (
        "The train stopped at the border station of Dong Dang, and Kim was driven to Hanoi. "
        "One website said the road from the border to Hanoi was 500 km long."
    )
    _, claims, _ = _analyse_document(text, gazetteer)
    claim = claim_for(claims, "500 km")
    assert (claim.from_id, claim.to_id, claim.mode) == (
        gazetteer.resolve("Dong Dang").id, gazetteer.resolve("Hanoi").id, "road")


def test_a_summary_figure_after_a_staged_journey_covers_the_whole_journey(gazetteer):
    text = (
        "After leaving Pyongyang the train crossed into China at Dandong and went on by way of Wuhan and Changsha. "
        "From Changsha it turned south to Nanning and reached the border town of Pingxiang. "
        "Officials said the train covered about 4,500 km in some 60 hours."
    )
    _, claims, _ = _analyse_document(text, gazetteer)
    for surface in ("about 4,500 km", "some 60 hours"):
        claim = claim_for(claims, surface)
        assert (claim.from_id, claim.to_id) == (gazetteer.resolve("Pyongyang").id, gazetteer.resolve("Pingxiang").id)


def test_itinerary_is_the_same_for_an_equal_article_read_twice(gazetteer):
    from dataclasses import replace

    article, claims, itinerary = _analyse_document(HANOI, gazetteer)
    fresh = replace(article)  # an equal article that is not the one build_claims saw
    assert fresh is not article
    assert build_itinerary(fresh, claims, gazetteer) == itinerary


# ------------------------------------------------------------------ regressions (review of figures/claims/checks)


def test_a_speed_without_ends_belongs_to_the_leg_of_the_claim_before_it(mini):
    _, claims, itinerary = analyse(VLADIVOSTOK, mini)
    speed, distance, journey = claim_for(claims, "only 40kph"), claim_for(claims, "680km"), claim_for(claims, "60-hour")
    assert speed.leg is not None and speed.leg == distance.leg != journey.leg
    assert (speed.from_id, speed.to_id, speed.mode) == ("pyongyang", "vladivostok", "rail")
    assert (itinerary.legs[speed.leg].from_id, itinerary.legs[speed.leg].to_id) == ("pyongyang", "vladivostok")


def test_a_speed_before_any_leg_falls_back_to_the_main_leg(mini):
    _, claims, _ = analyse("The train has a top speed of 100 km/h. It took 20 hours from Pyongyang to Vladivostok by rail.", mini)
    speed, duration = claim_for(claims, "100 km/h"), claim_for(claims, "20 hours")
    assert speed.quantity.hedge == "top speed"
    assert speed.leg == duration.leg is not None
    assert (speed.from_id, speed.to_id) == ("pyongyang", "vladivostok")


def test_a_speed_far_from_other_figures_takes_the_main_leg_not_the_nearest(mini):
    text = (
        "Kim took the train from Pyongyang to Vladivostok, a trip of about 20 hours. "
        "In 2019 he had made a 60-hour journey by train from Pyongyang to Hanoi. "
        "The carriages are armoured. The windows are tinted. "
        "The train travels at only 40kph."
    )
    _, claims, _ = analyse(text, mini)
    speed, main, other = claim_for(claims, "only 40kph"), claim_for(claims, "about 20 hours"), claim_for(claims, "60-hour")
    assert speed.leg == main.leg != other.leg


def test_a_speed_in_another_mode_does_not_take_a_rail_leg(mini):
    _, claims, _ = analyse("The train took 20 hours from Pyongyang to Vladivostok. The plane cruises at 800 km/h.", mini)
    speed = claim_for(claims, "800 km/h")
    assert speed.mode == "air"
    assert (speed.from_id, speed.to_id, speed.leg) == (None, None, None)


@pytest.mark.parametrize(
    ("word", "mode"),
    [("by air", "air"), ("air", "air"), ("aircraft", "air"), ("airliner", "air"), ("airline", "air"),
     ("by sea", "sea"), ("by boat", "sea"), ("by road", "road"), ("by rail", "rail"), ("motorcade", "road"),
     ("convoy", "road")],
)
def test_mode_words(word, mode):
    assert mode_of_word(word) == mode


@pytest.mark.parametrize("text", ["The carriages have air conditioning.", "Air pollution is bad in Beijing."])
def test_air_in_compounds_is_not_a_mode(text):
    from routemap.claims import MODE_RE

    assert not [m for m in MODE_RE.finditer(text) if m.lastgroup == "air"]


@pytest.mark.parametrize(("phrase", "mode"), [("by air", "air"), ("by road", "road"), ("by sea", "sea")])
def test_a_mode_word_beside_the_figure_beats_the_mode_of_earlier_sentences(mini, phrase, mode):
    _, claims, _ = analyse(f"The train left Beijing for Hanoi. From Beijing to Hanoi is about 2,300 km {phrase}.", mini)
    claim = claim_for(claims, "about 2,300 km")
    assert (claim.from_id, claim.to_id, claim.mode) == ("beijing", "hanoi", mode)


# ------------------------------------------------------------------ the anchored scans are finditer

def _scan_texts():
    """Sentences of tokens the claim patterns read, joined at random (seeded): place and
    figure tokens, prepositions, travel words, punctuation, capitals, NULs and odd spaces."""
    import random

    pieces = ["⟨0⟩", "⟨1⟩", "⟨12⟩", "⟦0⟧", "⟦3⟧", "from", "From", "to", "TO", "between", "and", "through",
              "via", "across", "into", "at", "in", "left", "leaving", "set off from", "arrived in", "reached",
              "crossed into", "the border station of", "by train", "train", "flew", "drove", "car", "plane",
              "-", "–", ",", ".", ";", "the", "North Korean capital of", "stop", "where", "\u00a0", "\t",
              "\0", "İ", "ſ", "x", "toward", "towards", "for", "out of", "pulled out of", "via the"]
    rng = random.Random(20261121)
    for _ in range(3000):
        words = [rng.choice(pieces) for _ in range(rng.randint(1, 18))]
        yield "".join(w + rng.choice([" ", " ", "", "  "]) for w in words)


def test_scans_tried_at_their_leading_words_find_what_finditer_finds():
    from routemap import claims

    scans = [value for name, value in vars(claims).items() if name.endswith("_SCAN") and isinstance(value, claims._Scan)]
    assert len(scans) >= 8
    assert any(scan.automaton is not None for scan in scans)  # the anchored path is exercised
    for text in _scan_texts():
        low = claims._lower(text)
        for scan in scans:
            expected = [(m.start(), m.end(), m.groupdict()) for m in scan.exact.finditer(text)]
            found = [(m.start(), m.end(), m.groupdict()) for m in scan.find(text, low)]
            assert found == expected, (scan.exact.pattern[:60], text)


def test_brackets_written_in_the_article_are_not_read_as_tokens(mini):
    text = "Notes ⟨0⟩ and ⟦1⟧ aside, the train ran from Pyongyang through ⟨7⟩ to Beijing, about 1,300 km."
    article, claims, _ = analyse(text, mini)
    claim = claim_for(claims, "about 1,300 km")
    assert claim.quantity.value == 1300


@pytest.mark.parametrize("odd", ["ı", "ſ", "İ"])
def test_letters_that_case_folding_reads_otherwise_give_the_same_claims(mini, odd):
    """ı and ſ keep their length when lower-cased but re.IGNORECASE reads them as i and s;
    İ grows when lower-cased: none of them may change what the other words of the text say."""
    base = "The train left Pyongyang for Beijing, a journey of about 1,300 km, said a passenger."
    _, plain_claims, _ = analyse(base, mini)
    _, odd_claims, _ = analyse(base.replace("said", f"sa{odd}d"), mini)
    assert [(c.from_id, c.to_id, c.quantity.value) for c in odd_claims] == [
        (c.from_id, c.to_id, c.quantity.value) for c in plain_claims]
    assert plain_claims and plain_claims[0].from_id == "pyongyang"


def test_without_the_regex_parser_the_scans_try_every_position_and_agree(examples_dir):
    """_leading_words reads Python's private regex parser; where it cannot, every scan falls
    back to trying every position (finditer). The claims must be the very same."""
    import json
    import subprocess
    import sys

    script = r'''
import json, re, sys
del re._parser
sys.modules["re._parser"] = None
from routemap import claims
assert all(scan.leads is None for name, scan in vars(claims).items() if name.endswith("_SCAN"))
from routemap.gazetteer import load_gazetteer
from routemap.places import article_from_text
from routemap.quantities import find_quantities
gazetteer = load_gazetteer()
out = []
for path in sys.argv[1:]:
    article = article_from_text(open(path, encoding="utf-8").read(), gazetteer)
    out.append([(c.quantity.text, c.from_id, c.to_id, c.mode, c.within, c.leg)
                for c in claims.build_claims(article, find_quantities(article), gazetteer)])
print(json.dumps(out))
'''
    paths = sorted(str(p) for p in examples_dir.glob("*.txt"))
    done = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    fallback = json.loads(done.stdout)
    from routemap.gazetteer import load_gazetteer
    from routemap.places import article_from_text

    gazetteer = load_gazetteer()
    expected = []
    for path in paths:
        article = article_from_text(open(path, encoding="utf-8").read(), gazetteer)
        expected.append([[c.quantity.text, c.from_id, c.to_id, c.mode, c.within, c.leg]
                         for c in build_claims(article, find_quantities(article), gazetteer)])
    assert fallback == expected
    assert sum(len(claims) for claims in expected) > 20


def test_a_border_is_no_start(gazetteer):
    """"from a station on the Chinese border": the mention names a border, not where the leg
    starts; a town in the same place in the sentence is the start."""
    from routemap.places import article_from_text

    for text, start in [("Kim set off from a station on the Chinese border and rode 1,200 km to Beijing.", None),
                        ("Kim set off from Dandong and rode 700 km to Beijing.", "dandong")]:
        article = article_from_text(text, gazetteer)
        [claim] = build_claims(article, find_quantities(article), gazetteer)
        assert (claim.from_id, claim.to_id) == (start, "beijing")
