"""Tests of routemap.places: mention finding, adjectives, not-places, offsets."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routemap.models import Mention
from routemap.places import (
    article_from_text,
    build_article,
    find_mentions,
    fold_key,
    fold_text,
    matcher_for,
    mentioned_places,
)
from routemap.reading import document_from_text, read_document, split_sentences

MINI = Path(__file__).parent / "data" / "gazetteers" / "mini.yaml"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*") if p.suffix in (".txt", ".html"))

# People, events, titles and agencies the articles name: never places.
NOT_PLACES = [
    "Kim Il Sung", "Kim Il-sung", "Kim Jong Il", "Kim Jong-il", "Kim Jong Un", "Kim Jong-un",
    "Trump", "Putin", "Nguyen Phu Trong", "Xi Jinping", "Pulikovsky", "Moon Jae-in",
    "Tour de France", "Orient Express", "TASS", "Yonhap", "AFP", "Reuters",
]


@pytest.fixture(scope="module")
def mini():
    from routemap.gazetteer import load_gazetteer

    return load_gazetteer(MINI)


def mentions_of(text, gazetteer):
    return article_from_text(text, gazetteer).mentions


def found(text, gazetteer):
    return [(m.surface, m.place_id) for m in mentions_of(text, gazetteer)]


def assert_offsets_exact(text, mentions):
    previous_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.surface
        assert m.start >= previous_end, "mentions overlap or are out of order"
        previous_end = m.end


def ids_named(gazetteer, name):
    return {p.id for p in gazetteer.find(name)}


def assert_no_person_is_a_place(text, mentions):
    for name in NOT_PLACES:
        for hit in re.finditer(re.escape(name), text):
            overlapping = [m for m in mentions if m.start < hit.end() and hit.start() < m.end]
            assert not overlapping, f"{name!r} at {hit.start()} gave {overlapping}"


# ---------------------------------------------------------------------------- folding


def test_fold_text_keeps_length_and_maps_quotes_hyphens_accents():
    text = "Russia’s Ulan-Ude, Hà Nội & İstanbul “quoted” — P'yŏngyang\n"
    folded = fold_text(text)
    assert len(folded) == len(text)
    assert folded.startswith("russia s ulan ude  ha noi")
    assert fold_key("Ulan-Ude") == fold_key("Ulan Ude") == "ulan ude"
    assert fold_key("Đồng Đăng") == "dong dang"


# ---------------------------------------------------------------------------- rules (mini gazetteer)


def test_whole_words_only(mini):
    assert found("Chinatown, Hanoian food and Russiagate.", mini) == []


def test_proper_noun_rule(mini):
    assert found("She bought fine china and a roast turkey.", mini) == []
    assert found("Turkey and China signed.", mini) == [("Turkey", "turkey"), ("China", "china")]


def test_possessives_straight_and_curly(mini):
    assert found("Vietnam's president met Russia’s envoy.", mini) == [("Vietnam", "vietnam"), ("Russia", "russia")]


def test_hyphen_and_space_variants(mini):
    assert found("From Ulan-Ude to Ulan Ude.", mini) == [("Ulan-Ude", "ulan-ude"), ("Ulan Ude", "ulan-ude")]


def test_accents_and_transliterations(mini):
    assert found("Lạng Sơn, Đồng Đăng, Hà Nội and P'yŏngyang.", mini) == [
        ("Lạng Sơn", "lang-son"), ("Đồng Đăng", "dong-dang"), ("Hà Nội", "hanoi"), ("P'yŏngyang", "pyongyang"),
    ]


def test_longest_match_wins(mini):
    assert found("They stayed at the Metropole Hotel, not the Metropole.", mini) == [
        ("Metropole Hotel", "metropole-hotel"), ("Metropole", "metropole-hotel"),
    ]
    assert found("Near Hoan Kiem lake.", mini) == [("Hoan Kiem lake", "hoan-kiem-lake")]


def test_dotted_abbreviation_keeps_its_stop(mini):
    assert found("A U.S. president and a US envoy.", mini) == [("U.S.", "united-states"), ("US", "united-states")]


def test_not_places_suppress_overlapping_places(mini):
    text = (
        "Kim Il Sung Square was empty. Kim Il-sung died in 1994. The Tour de France passed. "
        "He wrote Orient Express. TASS and Yonhap reported, as did AFP and Reuters."
    )
    assert found(text, mini) == []


def test_country_adjectives(mini):
    text = (
        "Kim left the North Korean capital of Pyongyang. They meet in the Vietnamese capital, Hanoi. "
        "The Vietnamese capital was quiet. A station on the Chinese border. "
        "The train stops at the Vietnamese border station of Dong Dang. "
        "The North Korean leader met a Russian official."
    )
    result = found(text, mini)
    assert result == [
        ("Pyongyang", "pyongyang"),
        ("Hanoi", "hanoi"),
        ("Vietnamese capital", "hanoi"),
        ("Chinese border", "china"),
        ("Dong Dang", "dong-dang"),
    ]


def test_mentions_carry_sentence_indexes(mini):
    article = article_from_text("Kim left Pyongyang. He reached Dandong.\n\nThen Beijing? No, Tianjin.", mini)
    assert [m.sentence for m in article.mentions] == [0, 1, 2, 3]
    for m in article.mentions:
        assert m.sentence == article.sentence_of(m.start)


def test_matcher_is_built_once_per_gazetteer(mini):
    assert matcher_for(mini) is matcher_for(mini)


def test_adjective_phrase_at_the_very_end_of_the_text(mini):
    # The look for a name after the phrase runs off the end of the text: no name, the phrase stays.
    for text in ("They reached the Chinese border", "They reached the Vietnamese capital of",
                 "They reached the Vietnamese capital of "):
        assert [surface for surface, _ in found(text, mini)] == [text.split("the ")[1].split(" of")[0]]


def test_overlapping_names_keep_the_longest(mini):
    # Each kind of cluster: a longer name after a shorter one, a not-place after a place,
    # and a place inside a not-place.
    text = "Metropole Hotel. Kim Il Sung Square. Ulan-Ude, Ulan Ude, Ulan. Hoan Kiem lake."
    mentions = mentions_of(text, mini)
    assert_offsets_exact(text, mentions)
    surfaces = [m.surface for m in mentions]
    assert "Metropole Hotel" in surfaces and "Metropole" not in surfaces
    assert not any("Kim" in surface or "Square" in surface for surface in surfaces)
    assert "Hoan Kiem lake" in surfaces


def test_mentions_are_ordinary_frozen_mentions(mini):
    # Mentions are built column by column; they must equal, hash and freeze like ones built
    # with the constructor.
    import dataclasses

    text = "Kim left Pyongyang for Hanoi via Dandong."
    for m in mentions_of(text, mini):
        twin = Mention(m.start, m.end, m.surface, m.place_id, m.sentence, m.confidence, m.alternatives)
        assert type(m) is Mention and m == twin and hash(m) == hash(twin) and repr(m) == repr(twin)
        with pytest.raises(dataclasses.FrozenInstanceError):
            m.start = 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scanning_in_pieces_finds_what_one_scan_finds(mini, data):
    from routemap.places import _windows

    text = "".join(data.draw(st.lists(st.sampled_from(
        ["Ulan-Ude", "Kim Il Sung Square", "Metropole Hotel", "china", "U.S.", "Vietnamese capital", " of ",
         " ", "  ", ", ", ".\n\n", "’s", "Hà Nội", "Tour de France"]), max_size=40)))
    folded = f" {fold_text(text)} "
    automaton = matcher_for(mini).automaton
    size = data.draw(st.integers(1, 40))
    pieces = list(_windows(folded, size))
    assert "".join(piece for _, piece in pieces) == folded
    in_pieces = [(base + last, key) for base, piece in pieces for last, key in automaton.iter(piece)]
    assert in_pieces == list(automaton.iter(folded))


def test_ambiguous_names_keep_alternatives():
    from routemap.gazetteer import Gazetteer
    from routemap.models import Place

    places = {
        "singapore": Place("singapore", "Singapore", "city", "SG", 1.29, 103.85),
        "singapore-country": Place("singapore-country", "Singapore", "country", "SG", 1.36, 103.8),
    }
    mentions = mentions_of("They met in Singapore.", Gazetteer(places))
    assert [m.place_id for m in mentions] == ["singapore-country"]
    assert mentions[0].alternatives == ("singapore",)
    assert mentions[0].confidence < 1.0


class _FakeWorld:
    """A stand-in for the world layer: finds 'Paris' and a clash with a curated mention."""

    def __init__(self):
        self.calls = []

    def find_mentions(self, text, sentences, curated, gazetteer):
        self.calls.append(curated)
        out = []
        for name, place_id in (("Paris", "gn:2988507"), ("Hanoi", "gn:0")):
            for hit in re.finditer(name, text):
                out.append(Mention(hit.start(), hit.end(), name, place_id, 0, 0.5))
        return tuple(out)


def test_world_layer_mentions_are_merged_after_curated(mini):
    world = _FakeWorld()
    text = "Lobster from Paris reached Hanoi."
    result = find_mentions(text, split_sentences(text), mini.attach_world(world))
    assert [(m.surface, m.place_id) for m in result] == [("Paris", "gn:2988507"), ("Hanoi", "hanoi")]
    assert [m.place_id for m in world.calls[0]] == ["hanoi"]


def test_build_article_keeps_document_fields(mini):
    doc = document_from_text("date 2019-02-23\n\nKim left Pyongyang for Hanoi.", source="x.txt")
    article = build_article(doc, mini)
    assert (article.source, article.date, article.text) == ("x.txt", "2019-02-23", doc.text)
    assert [pid for pid, _ in mentioned_places(article)] == ["pyongyang", "hanoi"]


def test_html_attributes_are_never_places(mini):
    text = '<p>He <a href="https://x.example/asia/china/beijing-shenyang-trip/" title="Moscow">went</a> to Dandong.</p>'
    assert found_html(text, mini) == [("Dandong", "dandong")]


def found_html(text, gazetteer):
    return [(m.surface, m.place_id) for m in article_from_text(text, gazetteer, kind="html").mentions]


# ---------------------------------------------------------------------------- example articles (mini)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples_offsets_exact_and_no_people(path, mini):
    article = build_article(read_document(path), mini)
    assert article.mentions
    assert_offsets_exact(article.text, article.mentions)
    assert_no_person_is_a_place(article.text, article.mentions)


def test_example_html_finds_nothing_in_links_scripts_or_page_chrome(mini):
    fragment = build_article(read_document(EXAMPLES / "kim-vladivostok-2023-fragment.html"), mini)
    page = build_article(read_document(EXAMPLES / "kim-vladivostok-2023-page.html"), mini)
    # The URLs, script, style and comment name Beijing, Shenyang, Seoul, Singapore, Khabarovsk.
    for article in (fragment, page):
        ids = {m.place_id for m in article.mentions}
        assert ids.isdisjoint({"beijing", "shenyang", "seoul", "singapore", "khabarovsk", "tianjin"})
        assert {"russia", "vladivostok", "pyongyang", "moscow", "vietnam"} <= ids


# ---------------------------------------------------------------------------- properties


EXAMPLE_TEXTS = [read_document(p).text for p in EXAMPLE_FILES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_offsets_exact_on_random_slices(mini, data):
    text = data.draw(st.sampled_from(EXAMPLE_TEXTS))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    piece = text[start:end]
    sentences = split_sentences(piece)
    mentions = find_mentions(piece, sentences, mini)
    assert_offsets_exact(piece, mentions)
    for m in mentions:
        assert 0 <= m.sentence < max(len(sentences), 1)


_SPACE_NOISE = st.sampled_from(["  ", " \t", "\u00a0", "   "])
_INLINE_TAGS = ["b", "i", "span", "em", "a href='https://x.example/asia/beijing-seoul/'"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_surfaces_invariant_under_whitespace_noise(mini, data):
    text = data.draw(st.sampled_from(EXAMPLE_TEXTS))
    clean = find_mentions(text, split_sentences(text), mini)
    inside = set()
    for m in clean:
        inside.update(range(m.start, m.end))
    spaces = [i for i, c in enumerate(text) if c == " " and i not in inside]
    chosen = sorted(data.draw(st.sets(st.sampled_from(spaces), max_size=40)))
    pieces, last = [], 0
    for i in chosen:
        pieces.append(text[last:i])
        pieces.append(data.draw(_SPACE_NOISE))
        last = i + 1
    pieces.append(text[last:])
    noisy = "".join(pieces)
    mentions = find_mentions(noisy, split_sentences(noisy), mini)
    assert_offsets_exact(noisy, mentions)
    assert [(m.surface, m.place_id) for m in mentions] == [(m.surface, m.place_id) for m in clean]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_surfaces_invariant_under_html_noise(mini, data):
    text = data.draw(st.sampled_from(EXAMPLE_TEXTS))
    clean = find_mentions(text, split_sentences(text), mini)
    paragraphs = []
    for paragraph in text.split("\n\n"):
        words = []
        for word in paragraph.split(" "):
            escaped = html_module.escape(word, quote=False)
            if data.draw(st.integers(0, 9)) == 0:
                tag = data.draw(st.sampled_from(_INLINE_TAGS))
                escaped = f"<{tag}>{escaped}</{tag.split()[0]}>"
            words.append(escaped)
        separator = data.draw(st.sampled_from([" ", "\n", " \n  ", "\t"]))
        block = data.draw(st.sampled_from(["p", "div", "section"]))
        paragraphs.append(f"<{block}>{separator.join(words)}</{block}>")
        if data.draw(st.booleans()):
            paragraphs.append("<script>var places = ['Beijing', 'Seoul'];</script><!-- Singapore -->")
    noisy = "\n".join(paragraphs)
    doc = document_from_text(noisy, kind="html")
    mentions = find_mentions(doc.text, split_sentences(doc.text), mini)
    assert_offsets_exact(doc.text, mentions)
    assert [(m.surface, m.place_id) for m in mentions] == [(m.surface, m.place_id) for m in clean]


# ---------------------------------------------------------------------------- the bundled gazetteer


def assert_all_named(article, gazetteer, names):
    ids = {m.place_id for m in article.mentions}
    for name in names:
        candidates = ids_named(gazetteer, name)
        assert candidates, f"{name!r} is not in the bundled gazetteer"
        assert candidates & ids, f"{name!r} not found; found {sorted(ids)}"


SEED_PLACES = {
    "000_d7f4e965d55925e3.txt": [
        "China", "Vietnam", "Singapore", "Hanoi", "North Korea", "United States", "US", "Pyongyang",
        "Metropole Hotel", "Melia hotel",
    ],
    "001_75ef83448e4128b0.txt": [
        "Vietnam", "Russia", "Hanoi", "Singapore", "North Korea", "United States", "Pyongyang", "China",
        "Dong Dang", "Beijing", "South Korea", "Government Guesthouse", "Metropole Hotel", "Melia hotel",
        "Hoan Kiem lake",
    ],
    "002_ca95601620f4aae8.txt": [
        "Russia", "Vladivostok", "Pyongyang", "North Korea", "China", "Vietnam", "Beijing", "Hanoi",
        "Singapore", "Moscow",
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_PLACES))
def test_seed_places_found_and_resolved(seeds_dir, gazetteer, name):
    article = build_article(read_document(seeds_dir / name), gazetteer)
    assert_offsets_exact(article.text, article.mentions)
    assert_all_named(article, gazetteer, SEED_PLACES[name])
    assert_no_person_is_a_place(article.text, article.mentions)
    for m in article.mentions:
        gazetteer.get(m.place_id)  # every mention resolves
        assert m.surface[:1].isupper() or m.surface[:1].isdigit()


def test_seed_adjective_phrases(seeds_dir, gazetteer):
    article = build_article(read_document(seeds_dir / "001_75ef83448e4128b0.txt"), gazetteer)
    text = article.text
    pyongyang = gazetteer.resolve("Pyongyang").id
    phrase = text.index("the North Korean capital of Pyongyang")
    inside = [m for m in article.mentions if phrase <= m.start < phrase + len("the North Korean capital of Pyongyang")]
    assert [m.place_id for m in inside] == [pyongyang]
    phrase = text.index("border station of Dong Dang")
    inside = [m for m in article.mentions if phrase - 12 <= m.start < phrase + len("border station of Dong Dang")]
    assert len(inside) == 1 and inside[0].place_id in ids_named(gazetteer, "Dong Dang")
    china = gazetteer.resolve("China").id
    border = text.index("the Chinese border")
    assert any(m.place_id == china and border <= m.start < border + 18 for m in article.mentions)
    for phrase in ("North Korean leader", "North Korean diplomatic"):
        at = text.index(phrase)
        assert not [m for m in article.mentions if at <= m.start < at + len(phrase)]


EXAMPLE_PLACES = {
    "kim-hanoi-2019-train-leaves.txt": ["China", "Vietnam", "Singapore", "Hanoi", "Pyongyang", "Metropole Hotel", "Melia hotel"],
    "kim-hanoi-2019-dated.txt": [
        "Vietnam", "Russia", "Pyongyang", "China", "Singapore", "Dong Dang", "Hanoi", "Beijing", "South Korea",
        "Government Guesthouse", "Metropole Hotel", "Melia hotel", "Hoan Kiem lake",
    ],
    "kim-hanoi-2019-route.txt": [
        "Pyongyang", "China", "Dandong", "Shenyang", "Tianjin", "Shijiazhuang", "Zhengzhou", "Wuhan", "Changsha",
        "Guilin", "Nanning", "Pingxiang", "Dong Dang", "Lang Son", "Hanoi",
    ],
    "kim-vladivostok-2023-fragment.html": ["Russia", "Vladivostok", "Pyongyang", "China", "Vietnam", "Hanoi", "Moscow"],
    "kim-vladivostok-2023-page.html": ["Russia", "Vladivostok", "Pyongyang", "Vietnam", "Moscow"],
    "kim-vladivostok-2019.txt": ["Vladivostok", "Russia", "Pyongyang", "Hamhung", "Chongjin", "Rajin", "Tumangang", "Khasan", "Ussuriysk"],
    "kim-jong-il-moscow-2001.txt": [
        "Russia", "Moscow", "Pyongyang", "North Korea", "Tumangang", "Khasan", "Ussuriysk", "Vladivostok", "Khabarovsk",
        "Chita", "Ulan-Ude", "Irkutsk", "Krasnoyarsk", "Novosibirsk", "Omsk", "Yekaterinburg",
    ],
    "kim-il-sung-1958.txt": ["North Korea", "Pyongyang", "China", "Sinuiju", "Dandong", "Shenyang", "Beijing", "Hanoi"],
    "kim-beijing-2018.txt": ["Beijing", "Sinuiju", "Dandong", "Shenyang", "Tianjin", "Pyongyang", "South Korea", "Seoul", "Kaesong", "Singapore"],
}


def test_every_example_is_listed():
    assert sorted(EXAMPLE_PLACES) == sorted(p.name for p in EXAMPLE_FILES)


@pytest.mark.parametrize("name", sorted(EXAMPLE_PLACES))
def test_example_places_with_the_bundled_gazetteer(gazetteer, name):
    article = build_article(read_document(EXAMPLES / name), gazetteer)
    assert_offsets_exact(article.text, article.mentions)
    assert_all_named(article, gazetteer, EXAMPLE_PLACES[name])
    assert_no_person_is_a_place(article.text, article.mentions)


def test_example_adjectives_with_the_bundled_gazetteer(gazetteer):
    article = build_article(read_document(EXAMPLES / "kim-hanoi-2019-dated.txt"), gazetteer)
    hanoi = gazetteer.capital_of(gazetteer.resolve("Vietnam"))
    capital = [m for m in article.mentions if m.surface == "Vietnamese capital"]
    assert [m.place_id for m in capital] == [hanoi.id]
    at = article.text.index("North Korean capital of Pyongyang")
    inside = [m for m in article.mentions if at <= m.start < at + len("North Korean capital of Pyongyang")]
    assert [m.surface for m in inside] == ["Pyongyang"]
