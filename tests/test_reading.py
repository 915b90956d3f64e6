"""Tests of routemap.reading: decoding, HTML to text, metadata, sentences."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from routemap.errors import InputError
from routemap.reading import (
    document_from_bytes,
    document_from_text,
    looks_like_html,
    read_document,
    split_sentences,
)

# ---------------------------------------------------------------------------- decoding


def test_utf8_with_bom_is_read_without_the_bom():
    doc = document_from_bytes(codecs.BOM_UTF8 + "Kim reached Hà Nội.".encode(), "a.txt")
    assert doc.text == "Kim reached Hà Nội."


def test_utf16_with_bom():
    doc = document_from_bytes("Kim reached Vladivostok.".encode("utf-16"), "a.txt")
    assert doc.text == "Kim reached Vladivostok."


def test_cp1252_curly_quotes_are_decoded_not_mangled():
    doc = document_from_bytes(b"He called it a \x93moving office\x94 in Russia\x92s east.", "a.txt")
    assert "“moving office”" in doc.text and "Russia’s" in doc.text


def test_undecodable_bytes_fall_back_to_latin1_without_crashing():
    # 0x81 is undefined in cp1252 and invalid UTF-8: only latin-1 accepts it.
    doc = document_from_bytes(b"Train to Pyongyang \x81 and back.", "a.txt")
    assert doc.text.startswith("Train to Pyongyang")


def test_text_is_nfc_normalised():
    decomposed = "Kim reached Ha\u0300 No\u0323\u0302i."
    doc = document_from_text(decomposed)
    assert "Hà Nội" in doc.text
    assert len(doc.text) < len(decomposed)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t "])
def test_empty_input_is_an_input_error_naming_the_file(data):
    with pytest.raises(InputError, match="empty.txt"):
        document_from_bytes(data, "empty.txt")


def test_binary_input_is_an_input_error_naming_the_file():
    with pytest.raises(InputError, match=r"photo\.txt.*binary"):
        document_from_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt")


def test_missing_file_and_directory_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="nowhere.txt"):
        read_document(tmp_path / "nowhere.txt")
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)


def test_read_document_from_stdin(monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<p>Kim left <b>Pyongyang</b>.</p>")))
    doc = read_document("-")
    assert doc.source == "<stdin>"
    assert doc.text == "Kim left Pyongyang."


def test_html_only_tags_is_an_input_error():
    with pytest.raises(InputError, match="page.html"):
        document_from_bytes(b"<html><body><script>var x = 1;</script></body></html>", "page.html")


# ---------------------------------------------------------------------------- metadata


def test_metadata_date_on_the_first_line_leaves_the_body():
    doc = document_from_text(" date 2019-02-23 North Korean leader Kim set off.\n\nMore text.")
    assert doc.date == "2019-02-23"
    assert doc.text.startswith("North Korean leader")
    assert "2019-02-23" not in doc.text


@pytest.mark.parametrize(
    "line, expected",
    [("Date: February 23, 2019", "2019-02-23"), ("date: 23 Feb 2019", "2019-02-23"), ("Published: 2023-09-12T08:30:00Z", "2023-09-12")],
)
def test_metadata_date_formats(line, expected):
    doc = document_from_text(f"{line}\n\nKim arrived in Vladivostok.")
    assert doc.date == expected
    assert doc.text == "Kim arrived in Vladivostok."


def test_metadata_title_line():
    doc = document_from_text("title: The long way to Hanoi\ndate 2019-02-26\n\nThe train left.")
    assert (doc.title, doc.date, doc.text) == ("The long way to Hanoi", "2019-02-26", "The train left.")


def test_a_headline_becomes_the_title():
    doc = document_from_text("Kim takes the train to Hanoi\n\nThe armoured train left on Saturday.")
    assert doc.title == "Kim takes the train to Hanoi"
    assert doc.text == "The armoured train left on Saturday."


def test_a_first_sentence_is_not_a_headline():
    doc = document_from_text("The armoured train left on Saturday.\n\nIt was slow.")
    assert doc.title is None
    assert doc.text.startswith("The armoured train")


# ---------------------------------------------------------------------------- HTML


def test_html_link_text_kept_and_attributes_never_read():
    html = (
        'North Korean leader<a href="https://x.example/world/asia/north-korea/pyongyang-visit/"> Kim</a>'
        ' crossed into <a href="/tags/russia/" title="Moscow">Russia</a>&#8217;s east.'
        '<img src="/img/vladivostok.jpg" alt="Khabarovsk">'
    )
    doc = document_from_text(html, kind="html")
    assert doc.text == "North Korean leader Kim crossed into Russia’s east."
    for hidden in ("pyongyang", "Moscow", "vladivostok", "Khabarovsk", "href", "http"):
        assert hidden not in doc.text


def test_html_drops_script_style_noscript_and_comments():
    html = (
        "<p>Kim left Pyongyang.</p><script>var city = 'Beijing';</script><style>p{font:Seoul}</style>"
        "<noscript>Enable JavaScript in Tianjin</noscript><!-- Singapore -->"
    )
    doc = document_from_text(html, kind="html")
    assert doc.text == "Kim left Pyongyang."


def test_html_entities_are_decoded():
    doc = document_from_text("<p>Speed &ndash; only 40&nbsp;kph &amp; &ldquo;slow&rdquo;</p>", kind="html")
    assert doc.text == "Speed – only 40\u00a0kph & “slow”" or doc.text == "Speed – only 40 kph & “slow”"


def test_html_blocks_become_paragraph_breaks_and_inline_adds_no_space():
    html = "<div><p>First in Vla<b>divo</b>stok</p><p>Second<br>Third</p><ul><li>Fourth</li><li>Fifth</li></ul></div>"
    doc = document_from_text(html, kind="html")
    assert doc.text == "First in Vladivostok\n\nSecond\n\nThird\n\nFourth\n\nFifth"


def test_html_title_and_h1_are_not_repeated_in_the_body():
    doc = document_from_text(
        "<html><head><title>Train news | Example</title></head><body><h1>Kim reaches Russia</h1>"
        "<p>The train reached Khasan.</p></body></html>",
        kind="html",
    )
    assert doc.title == "Kim reaches Russia"
    assert doc.text == "The train reached Khasan."
    doc = document_from_text("<title>Kim reaches Russia</title><p>The train reached Khasan.</p>", kind="html")
    assert doc.title == "Kim reaches Russia"
    assert "Kim reaches" not in doc.text


def test_full_page_gives_the_main_article_only(examples_dir):
    doc = read_document(examples_dir / "kim-vladivostok-2023-page.html")
    assert doc.title == "Kim’s armoured train reaches Russia"
    assert doc.date == "2023-09-12"
    assert "680km" in doc.text and "Orient Express" in doc.text
    for chrome in ("Singapore", "Seoul", "Tianjin", "Most read", "Contact", "The Example Daily", "Opinion"):
        assert chrome not in doc.text
    assert not doc.text.startswith(doc.title)


def test_trafilatura_is_imported_only_for_full_pages(examples_dir):
    code = (
        "import sys\n"
        "from routemap.reading import read_document\n"
        f"read_document({str(examples_dir / 'kim-vladivostok-2023-fragment.html')!r})\n"
        f"read_document({str(examples_dir / 'kim-hanoi-2019-dated.txt')!r})\n"
        "assert 'trafilatura' not in sys.modules, 'imported for a fragment'\n"
        f"read_document({str(examples_dir / 'kim-vladivostok-2023-page.html')!r})\n"
        "assert 'trafilatura' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


def test_html_sniffing():
    assert looks_like_html("<p>Kim left.</p>")
    assert looks_like_html("North Korean leader<a href='x'> Kim</a> left.")
    assert looks_like_html("<!DOCTYPE html><html></html>")
    assert not looks_like_html("The speed was < 40 km/h and > 30 km/h.")
    assert not looks_like_html("Kim left Pyongyang at 5 p.m.")


def test_a_txt_file_holding_html_is_parsed_as_html():
    doc = document_from_bytes(b'Kim <a href="/asia/beijing-trip/">went</a> to Dandong.', "saved.txt")
    assert doc.text == "Kim went to Dandong."
    doc = document_from_bytes(b"a < b and c > d in Dandong.", "plain.txt")
    assert doc.text == "a < b and c > d in Dandong."


def test_seed_html_article_has_no_urls(seeds_dir):
    doc = read_document(seeds_dir / "002_ca95601620f4aae8.txt")
    assert "http" not in doc.text and "href" not in doc.text and "<" not in doc.text
    assert "Kim Jong-un has crossed into Russia" in doc.text
    assert "book Orient Express, describing" in doc.text


def test_seed_with_date_line(seeds_dir):
    doc = read_document(seeds_dir / "001_75ef83448e4128b0.txt")
    assert doc.date == "2019-02-23"
    assert doc.text.startswith("North Korean leader")


# ---------------------------------------------------------------------------- sentences


def _sentence_texts(text):
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_sentence_offsets_are_exact_and_trimmed():
    text = "  Kim left.  He arrived in Hanoi!\n\nThen what?  "
    sentences = split_sentences(text)
    assert _sentence_texts(text) == ["Kim left.", "He arrived in Hanoi!", "Then what?"]
    assert [s.index for s in sentences] == [0, 1, 2]
    for s in sentences:
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()


@pytest.mark.parametrize(
    "text",
    [
        "Kim met U.S. President Donald Trump in Hanoi.",
        "On Feb. 26, Vietnam will ban traffic on the road.",
        "The train left at 5 p.m. from Pyongyang.",
        "The train left at 5 p.m. KST from Pyongyang.",
        "Mr. Kim and Mrs. Ri met Dr. Lee on St. Petersburg's main street.",
        "Gen. Pak and J. Smith boarded car No. 5 in Sinuiju.",
        "The Jan. 8 and Dec. 24 trips were to the U.N. Security Council.",
        "He went to Washington, D.C. Tuesday.",
    ],
)
def test_abbreviations_do_not_end_sentences(text):
    assert _sentence_texts(text) == [text]


def test_real_sentence_ends_are_found():
    text = (
        "The train reached Dandong at 6 a.m. It left an hour later. "
        "“It is slow,” he said. “Very slow.” Then it stopped! Why? 2019 was busy."
    )
    assert _sentence_texts(text) == [
        "The train reached Dandong at 6 a.m.",
        "It left an hour later.",
        "“It is slow,” he said.",
        "“Very slow.”",
        "Then it stopped!",
        "Why?",
        "2019 was busy.",
    ]


def test_paragraph_break_always_ends_a_sentence():
    assert _sentence_texts("A heading without a stop\n\nthe body starts here") == [
        "A heading without a stop",
        "the body starts here",
    ]
    assert _sentence_texts("no capital follows.\n\nbut a new paragraph.") == [
        "no capital follows.",
        "but a new paragraph.",
    ]


def test_empty_text_has_no_sentences():
    assert split_sentences("") == ()
    assert split_sentences(" \n\n ") == ()


def test_example_articles_split_with_exact_offsets(examples_dir):
    for path in sorted(examples_dir.glob("*.*")):
        if path.suffix not in (".txt", ".html"):
            continue
        doc = read_document(path)
        sentences = split_sentences(doc.text)
        assert sentences, path
        previous_end = 0
        for s in sentences:
            assert previous_end <= s.start < s.end <= len(doc.text)
            assert doc.text[s.start : s.end] == doc.text[s.start : s.end].strip()
            previous_end = s.end


def test_a_run_of_stops_is_tried_from_its_first_character_only():
    """The sentence-break pattern starts a stop only at the first of a run ("...", "?!"): the
    same sentences as trying every character of the run (checked here on seeded texts), but a
    long run no longer costs time quadratic in its length."""
    import random
    import re
    import subprocess
    import sys

    from routemap import reading

    every_start = re.compile(reading._SENTENCE_BREAK.pattern.replace(
        r"(?<![.!?\u2026][.!?\u2026])", ""), reading._SENTENCE_BREAK.flags)
    assert every_start.pattern != reading._SENTENCE_BREAK.pattern
    rng = random.Random(7)
    pieces = ["Kim", "left", "Mr", "Pyongyang", ".", "..", "...", "!", "?!", "\u2026", " ", "  ", "\n", "\n\n",
              '"', "\u201d", ")", "(", "A", "b", "1,180 km", "St", "U.S", "e.g"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    fast = [reading.split_sentences(text) for text in texts]
    original = reading._SENTENCE_BREAK
    try:
        reading._SENTENCE_BREAK = every_start
        slow = [reading.split_sentences(text) for text in texts]
    finally:
        reading._SENTENCE_BREAK = original
    assert fast == slow
    # 200,000 full stops: about 0.02 s now, minutes when every character of the run was tried
    done = subprocess.run([sys.executable, "-c", "from routemap.reading import split_sentences as s; "
                           "print(len(s('.' * 200_000 + ' Next.')))"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "2", done.stderr  # the stops, then "Next."
