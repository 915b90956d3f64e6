"""The GeoNames world layer: cache, look-ups, mention finding and its traps."""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

import pytest

from routemap.errors import UnknownPlaceError
from routemap.models import Mention, Sentence

REPO = Path(__file__).resolve().parent.parent

PEOPLE_AND_THINGS = {
    # people, agencies, events, titles and common words from the seed articles
    "Kim", "Jong", "Un", "Trump", "Putin", "Smollett", "Alvarado", "Pulikovsky", "Ahn", "Byung",
    "Xi", "Jinping", "Nguyen", "Phu", "Trong", "TASS", "Yonhap", "AFP", "Reuters", "YTN",
    "Tour", "Orient", "Express", "Mobile", "March", "Tuesday", "Communist", "Party",
    "Government", "Guesthouse", "Donald", "Vladimir", "Sonia", "Jussie", "Konstantin",
}


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("routemap-cache")


@pytest.fixture(scope="session")
def world(cache_dir):
    from routemap.world import load_world

    return load_world(cache_dir)


@pytest.fixture(scope="session")
def world_gazetteer(gazetteer, world):
    return gazetteer.attach_world(world)


def sentences_of(text: str) -> tuple[Sentence, ...]:
    try:
        from routemap.reading import split_sentences

        return split_sentences(text)
    except ImportError:  # pragma: no cover - reading.py is written by another helper
        out, start = [], 0
        for m in re.finditer(r"(?<=[.!?])\s+", text):
            out.append(Sentence(len(out), start, m.start()))
            start = m.end()
        out.append(Sentence(len(out), start, len(text)))
        return tuple(out)


def world_mentions(world, text: str, gazetteer=None, curated: tuple[Mention, ...] = ()) -> tuple[Mention, ...]:
    return world.find_mentions(text, sentences_of(text), curated, gazetteer)


def places_named(world, text: str, gazetteer=None) -> dict[str, object]:
    """surface -> Place for every world mention (the last one wins)."""
    out = {}
    for m in world_mentions(world, text, gazetteer):
        out[m.surface] = (gazetteer or world).get(m.place_id)
    return out


# --------------------------------------------------------------------------- cache


def test_the_cache_is_written_once_and_opened_quickly(world, cache_dir):
    from routemap.world import cache_file, load_world

    path = cache_file(cache_dir)
    assert path.parent == cache_dir and path.is_file()
    assert path.name.startswith("world-") and path.stat().st_size > 1_000_000
    t0 = time.process_time()
    again = load_world(cache_dir)
    elapsed = time.process_time() - t0
    assert elapsed < 0.2  # a few milliseconds of CPU: the store is opened, not read
    assert len(again) == len(world) > 100_000
    assert list(cache_dir.glob("world-*.sqlite")) == [path]
    assert not list(cache_dir.glob("*.tmp"))  # built beside it, then moved into place
    assert again.candidates("Sydney") == world.candidates("Sydney")


def test_the_store_is_opened_read_only(world):
    import sqlite3

    with pytest.raises(sqlite3.OperationalError):
        world._db().execute("CREATE TABLE intruder (x)")


def test_a_layer_pickles_to_its_path_and_reopens(world):
    import pickle

    data = pickle.dumps(world)
    assert len(data) < 1_000  # the path, not the places
    copy = pickle.loads(data)
    assert copy.path == world.path
    text = "The train left Sydney at noon and reached Adelaide the next day."
    assert world_mentions(copy, text) == world_mentions(world, text)
    assert copy.get(world.candidates("Perth")[0].id) == world.candidates("Perth")[0]


def _mentions_in_child(world, text, queue):  # runs in a forked process
    queue.put([(m.surface, m.place_id) for m in world.find_mentions(text, sentences_of(text), (), None)])


def test_a_layer_works_after_fork(world):
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    text = "We drove from Lyon to Nice in March, then on to Marseille."
    expected = [(m.surface, m.place_id) for m in world_mentions(world, text)]  # connection opened here
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_mentions_in_child, args=(world, text, queue))
    child.start()
    found = queue.get(timeout=60)
    child.join(timeout=60)
    assert child.exitcode == 0 and found == expected and expected


def test_one_query_per_article_fetches_every_name(cache_dir):
    from routemap.world import load_world

    fresh = load_world(cache_dir)  # nothing remembered yet
    fresh._tables()
    statements: list[str] = []
    fresh._db().set_trace_callback(statements.append)
    try:
        text = (
            "The bus from Buenos Aires reaches Mendoza in 14 hours. Some travellers go on "
            "to San Juan and Cordoba before returning to Rosario, Argentina."
        )
        mentions = world_mentions(fresh, text)
    finally:
        fresh._db().set_trace_callback(None)
    assert {"Mendoza", "Cordoba", "Rosario"} <= {m.surface for m in mentions}
    assert len([s for s in statements if "FROM names" in s]) == 1, statements


def test_the_cache_name_follows_code_and_data_versions(cache_dir, monkeypatch):
    import routemap
    from routemap.world import cache_file

    before = cache_file(cache_dir)
    monkeypatch.setattr(routemap, "__version__", routemap.__version__ + ".test")
    assert cache_file(cache_dir) != before


def test_the_cache_directory_comes_from_the_environment(monkeypatch, tmp_path):
    from routemap.world import world_cache_dir

    monkeypatch.setenv("ROUTEMAP_CACHE_DIR", str(tmp_path))
    assert world_cache_dir() == tmp_path
    assert world_cache_dir(tmp_path / "x") == tmp_path / "x"


# --------------------------------------------------------------------------- look-ups


def test_places_come_with_geonames_ids_and_attribution(world):
    from routemap.world import ATTRIBUTION

    sydney = world.candidates("Sydney")[0]
    assert sydney.country == "AU" and sydney.kind == "city" and sydney.origin == "geonames"
    assert sydney.population > 1_000_000 and sydney.id == f"gn:{sydney.geonames_id}"
    assert world.get(sydney.id) == sydney
    assert abs(sydney.lat + 33.87) < 0.2 and abs(sydney.lon - 151.21) < 0.2
    assert "GeoNames" in ATTRIBUTION and world.ATTRIBUTION == ATTRIBUTION


def test_unknown_ids_raise(world):
    with pytest.raises(UnknownPlaceError):
        world.get("gn:999999999")
    with pytest.raises(UnknownPlaceError):
        world.get("pyongyang")


def test_countries_have_names_codes_adjectives_and_a_point(world):
    countries = world.countries()
    assert len(countries) > 230
    australia = world.country("AU")
    assert australia.kind == "country" and "Australian" in australia.adjectives
    assert world.get(australia.capital).name == "Canberra"
    assert world.candidates("Viet Nam")[0].country == "VN"
    assert world.candidates("Czech Republic")[0].country == "CZ"
    assert world.country_of_region("New South Wales") == "AU"


def test_alternate_latin_names_find_places(world):
    assert world.candidates("Bombay")[0].name == "Mumbai"
    assert world.candidates("Peking")[0].name == "Beijing"
    assert all(p.country != "ZA" for p in world.candidates("Kim"))  # "Kim" is not Kimberley


# --------------------------------------------------------------------------- mentions


def test_mentions_keep_exact_offsets_sentences_and_alternatives(world):
    text = "The train left Sydney at noon. It reached Adelaide the next day, then Perth."
    mentions = world_mentions(world, text)
    assert [m.surface for m in mentions] == ["Sydney", "Adelaide", "Perth"]
    sentences = sentences_of(text)
    for m in mentions:
        assert text[m.start:m.end] == m.surface
        assert sentences[m.sentence].start <= m.start < sentences[m.sentence].end
        assert 0 < m.confidence <= 1 and m.place_id not in m.alternatives
    perth = world.get(mentions[-1].place_id)
    assert perth.country == "AU"  # not Perth, Scotland: the article is about Australia
    assert any(world.get(alt).country == "GB" for alt in mentions[-1].alternatives)


@pytest.mark.parametrize(
    ("text", "surface", "country"),
    [
        ("We drove from Lyon to Nice in March.", "Nice", "FR"),
        ("A retired engineer from Reading, England, joined us.", "Reading", "GB"),
        ("Her sister lives in Orange, New South Wales.", "Orange", "AU"),
        ("He flew home to Perth, Scotland, after the tour.", "Perth", "GB"),
        ("The bus stopped in Mobile, Alabama, for an hour.", "Mobile", "US"),
        ("The ferry from Split reached Ancona at dawn.", "Split", "HR"),
        ("Officials in Washington said the summit would go ahead.", "Washington", "US"),
    ],
)
def test_words_that_are_towns_are_places_when_the_context_says_so(world, text, surface, country):
    found = places_named(world, text)
    assert surface in found and found[surface].country == country


@pytest.mark.parametrize(
    "text",
    [
        "Reading the timetable, we saw that the train was late.",
        "Nice views open up from the first hour of the trip.",
        "Mobile coverage is patchy on the plain.",
        "March is the best month for the crossing.",
        "The summit took place in March 2018 and again on Tuesday.",
        "Paris Hilton said the hotel was full.",
        "George Washington would not have recognised the convoy.",
        "Washington, the conductor, has worked on the train for years.",
        "It was slower than the winner of the Tour de France.",
        "Reporters from AFP and Reuters were waiting at the gate.",
        "Florence Dubois, our guide, booked the ferry.",
        "The train follows the Thompson river down the canyon.",
        "They crossed the Blue Mountains before dark.",
        "A split decision and a hot bath ended the day.",
    ],
)
def test_common_words_people_and_names_of_things_are_not_places(world, text):
    assert world_mentions(world, text) == ()


def test_the_gazetteer_not_places_and_titles_mask_names(world, gazetteer):
    text = (
        "Mr Kim met President Putin near Vladivostok. Kim later spoke to leader Xi Jinping. "
        "Sonia Alvarado and Konstantin Pulikovsky wrote about the Orient Express."
    )
    found = places_named(world, text, gazetteer)
    assert not set(found) & PEOPLE_AND_THINGS
    assert "Vladivostok" in found


def test_disambiguation_prefers_the_articles_countries_and_neighbours(world):
    text = (
        "The bus from Buenos Aires reaches Mendoza in 14 hours. Some travellers go on "
        "to San Juan and Cordoba before returning to Rosario."
    )
    found = places_named(world, text)
    assert {found[name].country for name in ("San Juan", "Cordoba", "Rosario")} == {"AR"}


def test_curated_spans_are_left_alone_and_curated_places_win(world, gazetteer):
    text = "He travelled from Pyongyang to Vladivostok by train."
    start = text.index("Pyongyang")
    curated = (Mention(start, start + len("Pyongyang"), "Pyongyang", "pyongyang", 0),)
    mentions = world_mentions(world, text, gazetteer, curated)
    assert all(m.start >= curated[0].end or m.end <= curated[0].start for m in mentions)
    # without the curated mention, the world's Pyongyang is the curated place (same name, < 10 km)
    if gazetteer.find("Pyongyang"):
        alone = world_mentions(world, text, gazetteer)
        assert alone[0].surface == "Pyongyang" and alone[0].place_id == gazetteer.find("Pyongyang")[0].id


# --------------------------------------------------------------------------- seeds and evaluation


def _read(path: Path) -> str:
    from routemap.reading import read_document

    return read_document(str(path)).text


def test_seed_articles_get_no_false_places_from_the_world_layer(seeds_dir, gazetteer, world_gazetteer):
    pytest.importorskip("routemap.places")
    from routemap.places import find_mentions

    for path in sorted(seeds_dir.glob("*.txt")):
        text = _read(path)
        sentences = sentences_of(text)
        without = find_mentions(text, sentences, gazetteer)
        with_world = find_mentions(text, sentences, world_gazetteer)
        assert set(without) <= set(with_world), path.name  # curated results unchanged
        added = [m for m in with_world if m not in without]
        assert not {m.surface for m in added} & PEOPLE_AND_THINGS, path.name
        for m in added:
            for word in m.surface.split():
                assert word not in PEOPLE_AND_THINGS, (path.name, m)


def test_own_seed_like_text_gets_no_false_places(world_gazetteer):
    pytest.importorskip("routemap.places")
    from routemap.places import find_mentions

    text = (
        "North Korean leader Kim Jong Un left Pyongyang by train on Saturday for his summit "
        "with US President Donald Trump in Hanoi, Russia's TASS news agency said. "
        "Trump and Kim first met in Singapore. Vietnam's President Nguyen Phu Trong, head of the "
        "ruling Communist Party, invited him. The Government Guesthouse in Hanoi may host the talks. "
        "Ahn Byung-min, an expert, told Yonhap and YTN that the train is slower than the Tour de France. "
        "Konstantin Pulikovsky wrote the book Orient Express. Mobile phones were banned on Tuesday. "
        "Kim met Vladimir Putin in Vladivostok, and Xi Jinping in Beijing in March 2018."
    )
    mentions = find_mentions(text, sentences_of(text), world_gazetteer)
    surfaces = {m.surface for m in mentions}
    assert {"Pyongyang", "Hanoi", "Singapore", "Vladivostok", "Beijing"} <= surfaces
    for m in mentions:
        if m.place_id.startswith("gn:"):  # added by the world layer
            assert not set(m.surface.split()) & PEOPLE_AND_THINGS, m
    curated_only = find_mentions(text, sentences_of(text), world_gazetteer.attach_world(None))
    assert set(curated_only) <= set(mentions)  # "Government Guesthouse" & co. stay curated


def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_world", REPO / "scripts" / "eval_world.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_world", module)
    spec.loader.exec_module(module)
    return sys.modules["eval_world"]


def test_the_annotations_are_enough_and_consistent():
    annotations = _eval_module().load_annotations()
    assert len(annotations) >= 10
    expected = [e for _, entries in annotations.values() for e in entries if not e.optional]
    assert len(expected) >= 150
    assert len({e.country for e in expected}) >= 15
    for text, entries in annotations.values():
        for e in entries:
            assert text[e.start:e.end] == e.surface


def test_recognition_on_the_annotated_articles(world_gazetteer, world):
    evaluation = _eval_module()
    try:
        import routemap.places  # noqa: F401

        use_pipeline = True
    except ImportError:  # pragma: no cover
        use_pipeline = False
    result = evaluation.evaluate(world_gazetteer, world, use_pipeline)
    assert result.precision >= 0.9, result.false_places
    assert result.recall >= 0.9, result.misses
    assert result.within_share >= 0.95, result.far


def test_world_layer_alone_on_the_annotated_articles(world):
    result = _eval_module().evaluate(None, world, use_pipeline=False)
    assert result.precision >= 0.95, result.false_places
    assert result.recall >= 0.9, result.misses
    assert result.within_share >= 0.95, result.far


# --------------------------------------------------------------------------- speed-ups


def _tricky_texts() -> list[str]:
    """Seeded jumbles of the things the name scans trip on: titles, first names, people of
    the gazetteer's not_places in any case, dots, hyphens, possessives, non-ASCII letters,
    and the letters re.IGNORECASE folds differently from str.lower (İ, ı, ſ)."""
    import random

    pieces = ["Mr", "mr", "Mr.", "President", "leader", "Kim", "Jong", "Un", "Donald", "Trump", "Sydney",
              "Adelaide", "the", "said", "St.", "Louis", "Rio", "de", "Janeiro", "Saint-Étienne", "Kim's",
              "KIM JONG UN", "kim jong-un", "Air China", "xKim", "Tour de France", "naïve", "O'Brien",
              "Élan", "İstanbul", "ıx", "ſtar", "Washington Post", "Workers' Party of Korea", "1", "\n"]
    rng = random.Random(4)
    texts = []
    for _ in range(400):
        words = [rng.choice(pieces) + rng.choice(["", " ", " ", "  ", "-", ". ", ", ", "\u00a0"]) for _ in range(rng.randint(1, 30))]
        texts.append("".join(words))
    return texts


def test_the_name_scans_find_what_the_full_text_patterns_find(gazetteer):
    from routemap import world as w

    finder = w._not_place_finder(gazetteer)
    assert finder is not None and finder[1] is not None  # the bundled not_places are ASCII: the fast path
    for text in _tricky_texts():
        starts = [m.start() for m in w.CAPITALISED_WORD.finditer(text)]
        assert [m.span() for m in w._title_matches(text, starts)] == [m.span() for m in w.TITLE_BEFORE_NAME.finditer(text)], text
        assert [m.span() for m in w._given_name_matches(text, starts)] == [m.span() for m in w.GIVEN_THEN_SURNAME.finditer(text)], text
        assert [m.span() for m in w._not_place_matches(text, finder)] == [m.span() for m in finder[0].finditer(text)], text


def test_memoised_answers_do_not_change_mentions(world_gazetteer):
    """The second reading of an article meets warm memos (keys, places, twins, scores):
    its mentions are the first reading's."""
    from routemap.places import find_mentions

    text = ("Mr Kim left Pyongyang for Hanoi by train, through Dandong and Nanning. In Hanoi, "
            "Donald Trump met Kim; Reading, England, and Perth (Western Australia) were not on the route.")
    sentences = sentences_of(text)
    first = find_mentions(text, sentences, world_gazetteer)
    again = find_mentions(text, sentences, world_gazetteer)
    assert first == again
    assert any(m.place_id.startswith("gn:") for m in first)  # the world layer took part


# --------------------------------------------------------------------------- CLI


def test_gazetteer_find_shows_both_layers_and_a_yaml_entry(cache_dir, world):
    import yaml
    from click.testing import CliRunner

    from routemap.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["gazetteer", "find", "Broken Hill"], env={"ROUTEMAP_CACHE_DIR": str(cache_dir)})
    assert result.exit_code == 0, result.output
    assert "GeoNames" in result.output and "AU" in result.output
    entry = yaml.safe_load(result.output.split("pasting):", 1)[1])[0]
    assert entry["name"] == "Broken Hill" and entry["country"] == "AU" and entry["kind"] == "town"
    assert entry["id"] == "broken-hill" and isinstance(entry["geonames"], int)
    assert world.get(f"gn:{entry['geonames']}").lat == pytest.approx(entry["lat"], abs=1e-4)

    alone = runner.invoke(main, ["gazetteer", "find", "Broken Hill", "--no-world"], env={"ROUTEMAP_CACHE_DIR": str(cache_dir)})
    assert alone.exit_code == 0 and "GeoNames" not in alone.output


def test_capitalised_words_match_the_look_behind_first_pattern():
    """CAPITALISED_WORD puts its look-behind after the first letter (for speed): it finds
    the words a pattern with the look-behind first finds."""
    import re

    from routemap import world as w

    plain = re.compile(r"(?<![\w'’\-])(?P<word>[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0100-\u024F][^\W\d_]*(?:['’][^\W\d_]+)*)")
    for text in _tricky_texts() + ["Ōita-Ōsaka x'Y O’Neil’s ǅemal -Kim 'Kim Kim"]:
        assert [m.span() for m in w.CAPITALISED_WORD.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_nearness_bonus_follows_the_nearest_distance():
    import random

    from routemap import world as w

    rng = random.Random(7)
    for _ in range(2000):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-180, 180)
        anchors = [(lat + rng.uniform(-20, 20), lon + rng.uniform(-25, 25)) for _ in range(rng.randint(0, 6))]
        nearest = w._nearest_other_km(lat, lon, anchors)
        expected = 1.5 if nearest <= 500 else 0.75 if nearest <= 1500 else 0.0
        assert w._nearness_bonus(lat, lon, anchors) == expected


def test_mentions_built_in_bulk_equal_constructed_ones(world_gazetteer):
    from routemap.models import Mention
    from routemap.places import find_mentions

    text = "Mr Kim left Pyongyang for Hanoi by train, through Dandong and Nanning, then Orange, in Texas."
    mentions = find_mentions(text, sentences_of(text), world_gazetteer)
    assert mentions
    for m in mentions:
        rebuilt = Mention(start=m.start, end=m.end, surface=m.surface, place_id=m.place_id,
                          sentence=m.sentence, confidence=m.confidence, alternatives=m.alternatives)
        assert m == rebuilt and hash(m) == hash(rebuilt)
        assert text[m.start:m.end] == m.surface


def _people_by_full_scans(text: str, gazetteer) -> tuple[list, list, list]:
    """What :func:`routemap.world._people_and_names` must find, from the full-text scans
    (``finditer``) of its three patterns."""
    from routemap import world as w

    masked, name_words, surnames = [], [], []
    finder = w._not_place_finder(gazetteer)
    for m in finder[0].finditer(text):
        masked.append((m.start(), m.end()))
        name_words.extend(w._name_keys(m.group(0)))
    for m in w.TITLE_BEFORE_NAME.finditer(text):
        title = w._word_key(m.group("title"))
        if title in w.TITLE_WORDS and title not in ("st", "saint"):
            masked.append((m.start("name"), m.end("name")))
            name_words.extend(w._name_keys(m.group("name")))
    for m in w.GIVEN_THEN_SURNAME.finditer(text):
        given = w._word_key(m.group("given"))
        if given in w.GIVEN_NAMES or given in w._COMMON_FIRST_NAMES_ONLY:
            surname = m.group("surname")
            head = w._word_key(surname.split("-")[0])
            surnames.extend((head, key) for key in w._name_keys(surname))
    return masked, name_words, surnames


def test_the_name_scanner_finds_what_the_full_scans_find(gazetteer):
    """The scanner tries the patterns only where a title, a first name or a not-place's
    anchor word begins; what the patterns' left-to-right scans hide (a title inside the
    name of the match before it, every other first name in a row of them, a phrase
    inside another) stays hidden."""
    import random

    from routemap import world as w

    pieces = ["Mr", "mr", "Mr.", "MR", "President", "president", "Leader", "leader", "said", "met", "US",
              "Kim", "Jong", "Un", "Donald", "Trump", "Anna", "Maria", "Lisa", "Smith-Jones", "O'Mr",
              "x'President", "The", "the", "THE", "Washington", "Post", "Workers'", "Party", "of", "Korea",
              "Air", "China", "Korean", "War", "St.", "Louis", "ıx", "ſtar", "K\u212aim", "İstanbul", "Élan",
              "_", "1", "Boeing", "747"]
    rng = random.Random(11)
    texts = _tricky_texts() + [
        "He met President Trump. US President Trump and South Korean President Moon met Mr. Kim.",
        "said Anna Maria Lisa Smith; Donald Trump, Sydney Adelaide and John Paul George Ringo Starr.",
        "The  Washington\nPost and the washington-post, KIM JONG-UN and Kim Jong Un's train.",
        # long runs: no break for thousands of characters, rows of a hundred first names
        "met President Kim " * 300, "in 1999 President Kim met " * 200, "Anna " * 301 + "Smith",
        "Anna " * 300 + "Smith, Mr Kim said",
    ]
    for _ in range(3000):
        texts.append("".join(rng.choice(pieces) + rng.choice(["", " ", " ", "  ", "-", ". ", ", ", "\u00a0", "\n", "'"])
                             for _ in range(rng.randint(1, 30))))
    for text in texts:
        assert w._people_and_names(text, gazetteer) == _people_by_full_scans(text, gazetteer), text


def test_reading_backwards_matches_reading_forwards():
    """The word before a name and an article before that are read in the reversed text,
    bounded by ``pos``/``endpos``, as the forward patterns read the slice before the name."""
    import random

    from routemap import world as w

    pieces = ["the", "The", "THE", "a", "A", "an", "An", "then", "ba", "x", " ", "  ", "\u00a0", ".", ",", "\n", "é", "_", "1", "Kim", "of", "’s"]
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        n = len(text)
        lo = rng.randint(0, n)
        end = rng.randint(lo, n)
        backwards = text[::-1]
        assert bool(w.ARTICLE_BEFORE.search(text[lo:end])) == (w.ARTICLE_BEFORE_REVERSED.match(backwards, n - end, n - lo) is not None), (text, lo, end)
        forward = w.REVERSED_PREVIOUS_WORD.match(text[lo:end][::-1])
        bounded = w.REVERSED_PREVIOUS_WORD.match(backwards, n - end, n - lo) if lo < end else None
        # (the same gap and word, and the same start of the word in the slice)
        assert (forward and (forward.group("gap", "word"), end - lo - forward.end())) == (bounded and (bounded.group("gap", "word"), n - bounded.end() - lo))


def test_nearness_within_the_latitude_window_is_nearness_to_all():
    import random

    from routemap import world as w

    rng = random.Random(8)
    for _ in range(3000):
        lat, lon = rng.uniform(-85, 85), rng.uniform(-180, 180)
        points = [(max(-90.0, min(90.0, lat + rng.uniform(-30, 30))), rng.uniform(-180, 180) if rng.random() < 0.3 else lon + rng.uniform(-20, 20))
                  for _ in range(rng.randint(0, 12))]
        if points and rng.random() < 0.2:
            points.append((lat, lon))  # the place itself does not count
        assert w._Anchors(points).bonus(lat, lon) == w._nearness_bonus(lat, lon, points)


def test_name_walks_see_every_capitalised_word():
    from routemap import world as w

    for text in _tricky_texts():
        assert [m.span() for m in w.CAPITALISED_WORD_AND_NEXT.finditer(text)] == [m.span() for m in w.CAPITALISED_WORD.finditer(text)]
        assert [start for start, _ in w._name_walks(text)] == [m.start() for m in w.CAPITALISED_WORD.finditer(text)]


def test_world_mentions_merge_after_the_curated_ones_whatever_their_order():
    """The merge takes the curated spans as they are when they come in order, and builds
    them up one by one otherwise: the same mentions either way."""
    import random

    from routemap.places import _Intervals, _merge

    def merged_one_by_one(curated, extra):
        taken = _Intervals()
        for m in curated:
            taken.add(m.start, m.end)
        kept = list(curated)
        for m in sorted(extra, key=lambda m: (m.start, -m.end)):
            if not taken.overlaps(m.start, m.end):
                taken.add(m.start, m.end)
                kept.append(m)
        return tuple(sorted(kept, key=lambda m: (m.start, m.end)))

    rng = random.Random(3)
    for _ in range(2000):
        def mentions(count, tag, shortest=1):
            out = []
            for i in range(count):
                start = rng.randint(0, 60)
                out.append(Mention(start, start + rng.randint(shortest, 8), "x", f"{tag}{i}", 0))
            return out
        curated = sorted(mentions(rng.randint(0, 6), "c"), key=lambda m: (m.start, m.end))
        if rng.random() < 0.5:  # the usual case: in order, none overlapping
            curated = [m for i, m in enumerate(curated) if all(m.start >= o.end for o in curated[:i])]
        extra = mentions(rng.randint(0, 8), "w", shortest=0 if rng.random() < 0.1 else 1)
        assert _merge(tuple(curated), extra) == merged_one_by_one(curated, extra)
