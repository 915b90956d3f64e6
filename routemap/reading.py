"""Reading articles: bytes or files in, a clean :class:`~routemap.models.Document` out.

This is the input edge of the pipeline.  It

* decodes bytes (UTF-8 with or without BOM, UTF-16 with BOM, then cp1252 and latin-1 as
  fallbacks, so decoding never fails) and rejects empty or binary input with an
  :class:`~routemap.errors.InputError` that names the file;
* normalises the text to Unicode NFC (curly quotes and dashes are kept as written; the
  mention finder matches them through a same-length folded copy, see
  :func:`routemap.places.fold_text`);
* turns HTML into visible text with selectolax: link text kept, attributes never read,
  ``script``/``style``/``noscript`` dropped, entities decoded, block elements become
  paragraph breaks and inline elements add no spaces.  A full saved web page (``<html>``
  with ``nav``/``header``/``footer``/``article``) goes through trafilatura's main-text
  extraction first (imported lazily, only then);
* takes leading metadata lines (``date 2019-02-23``, ``Date: ...``, ``title: ...``) and the
  HTML ``<h1>``/``<title>`` out of the body into ``Document.date``/``Document.title``;
* splits text into sentences with exact offsets (:func:`split_sentences`), with a compiled
  rule set that knows news abbreviations (``U.S.``, ``Feb.``, ``p.m.``, ``Mr``, ``St.``,
  initials ...).
"""

from __future__ import annotations

import codecs
import functools
import re
import sys
import unicodedata
from datetime import datetime
from pathlib import Path

from routemap.errors import InputError
from routemap.models import Document, Sentence

__all__ = [
    "CASE_FOLD_TRAPS",
    "IGNORECASE_TWINS",
    "read_document",
    "document_from_bytes",
    "document_from_text",
    "html_to_text",
    "looks_like_html",
    "split_sentences",
]

STDIN_SOURCE = "<stdin>"

_HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml"})

# Characters that carry no text and would only split words apart.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Control characters other than tab and newline: a few are tolerated (turned into
# spaces), many mean the input is not text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# ---------------------------------------------------------------------------- HTML detection

_HTML_START = re.compile(
    r"""
    \A \s* (?: <!doctype \s+ html | <!-- | <\?xml | <(?P<tag>[a-z][a-z0-9]*) \b [^<>]* > )
    """,
    re.IGNORECASE | re.VERBOSE,
)
_HTML_TAG_PAIR = re.compile(
    r"""
    <(?P<tag> html | body | p | div | a | i | b | em | strong | span | h[1-6] | li | article
             | section | table | blockquote )
    \b [^<>]* >
    .*?
    </(?P=tag) \s* >
    """,
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_FULL_PAGE = re.compile(r"<html\b", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML: it starts with a tag, or holds a pair of common tags.

    Saved articles are often misnamed ``.txt``; a tag pair such as ``<a href=...>...</a>``
    is a strong enough sign, and plain prose rarely has one.
    """
    head = text[:20000]
    match = _HTML_START.match(head)
    if match and (match.group("tag") is None or match.group("tag").lower() in _KNOWN_TAGS):
        return True
    return _HTML_TAG_PAIR.search(head) is not None


# ---------------------------------------------------------------------------- HTML to text

# Block elements end a paragraph; their text is never glued to the text around them.
_BLOCK_TAGS = frozenset(
    """p div br li ul ol dl dt dd h1 h2 h3 h4 h5 h6 article section main aside header footer
    nav tr table thead tbody tfoot caption blockquote pre hr figure figcaption address
    details summary form fieldset center hgroup""".split()
)
# Cells are separated by a space, without a paragraph break.
_CELL_TAGS = frozenset({"td", "th"})
# Elements whose content is never visible article text.
_DROP_TAGS = frozenset(
    """script style noscript template head title svg math iframe object embed canvas button
    select option textarea input audio video source track map""".split()
)
_KNOWN_TAGS = _BLOCK_TAGS | _CELL_TAGS | _DROP_TAGS | frozenset(
    "html body a i b em strong span u s small sup sub abbr cite q time mark img".split()
)
# Page chrome removed before the selectolax fallback reads a full page.
_CHROME_SELECTOR = "nav, header, footer, aside, form, [role=navigation], [role=banner], [role=contentinfo]"

_BREAK = "\x00"  # paragraph-break marker while collecting text (NUL never survives reading)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0]+")
_PARAGRAPH_SPLIT = re.compile(r"\s*\x00[\s\x00]*")
_TITLE_SUFFIX = re.compile(r"\s+(?:\||–|—|-|::)\s+[^|–—]{1,40}\Z")


def _visible_text(root) -> str:
    """Visible text under a selectolax node, paragraphs separated by blank lines."""
    parts: list[str] = []
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            parts.append(_BREAK if node.tag in _BLOCK_TAGS else " ")
            continue
        tag = node.tag
        if tag == "-text":
            parts.append(node.text_content or "")
            continue
        if tag in ("-comment", "-doctype") or tag in _DROP_TAGS:
            continue
        if tag in _BLOCK_TAGS or tag in _CELL_TAGS:
            parts.append(_BREAK if tag in _BLOCK_TAGS else " ")
            stack.append((node, True))
        children = list(node.iter(include_text=True))
        stack.extend((child, False) for child in reversed(children))
    paragraphs = (_HTML_SPACE.sub(" ", p).strip() for p in _PARAGRAPH_SPLIT.split("".join(parts)))
    return "\n\n".join(p for p in paragraphs if p)


def _html_title(tree) -> tuple[str | None, object | None]:
    """The article's title and the node it came from (the first ``<h1>``, else ``<title>``)."""
    h1 = tree.css_first("h1")
    if h1 is not None:
        text = _HTML_SPACE.sub(" ", h1.text(separator="")).strip()
        if text:
            return text, h1
    title = tree.css_first("title")
    if title is not None:
        text = _HTML_SPACE.sub(" ", title.text()).strip()
        text = _TITLE_SUFFIX.sub("", text) if len(text.split()) > 4 else text
        if text:
            return text, None
    return None, None


_META_DATE_SELECTORS = (
    'meta[property="article:published_time"]',
    'meta[name="article:published_time"]',
    'meta[name="date"]',
    'meta[name="pubdate"]',
    'meta[itemprop="datePublished"]',
    'meta[name="dc.date"]',
)


def _html_date(tree) -> str | None:
    if tree.css_first("meta, time[datetime]") is None:  # most fragments: none of the selectors below can match
        return None
    for selector in _META_DATE_SELECTORS:
        node = tree.css_first(selector)
        if node is not None and node.attributes.get("content"):
            return _normalise_date(node.attributes["content"])
    node = tree.css_first("time[datetime]")
    if node is not None and node.attributes.get("datetime"):
        return _normalise_date(node.attributes["datetime"])
    return None


def _is_full_page(raw: str, tree) -> bool:
    return bool(_FULL_PAGE.search(raw[:5000])) and tree.css_first("nav, header, footer, article, main") is not None


@functools.lru_cache(maxsize=1)
def _trafilatura_options():
    """trafilatura's options for :func:`_main_text_with_trafilatura`, built once: building them
    per page (what ``trafilatura.extract(html, **options)`` does) reads its config file each time."""
    from trafilatura.settings import Extractor  # lazily: only full pages pay for it

    return Extractor(
        output_format="txt",
        comments=False,
        tables=True,
        links=False,
        images=False,
        dedup=False,
        recall=True,
        # No justext/readability fallback: it loads ~34 MB of stop lists into every worker of
        # a batch run, and the selectolax path below already covers what trafilatura misses.
        fast=True,
    )


def _main_text_with_trafilatura(html: str) -> str | None:
    """Main article text of a full page, paragraphs separated by blank lines (or None)."""
    import trafilatura  # lazily: only full pages pay for it

    text = trafilatura.extract(html, options=_trafilatura_options())
    if not text or not text.strip():
        return None
    lines = (line.strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def html_to_text(html: str) -> tuple[str, str | None, str | None]:
    """``(text, title, date)`` of an HTML page or fragment.

    The title (first ``<h1>``, else ``<title>``) is not repeated in the text.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title, title_node = _html_title(tree)
    date = _html_date(tree)
    if title_node is not None:
        title_node.decompose()
    text = None
    if _is_full_page(html, tree):
        text = _main_text_with_trafilatura(tree.html or html)
        if text is None:
            for node in tree.css(_CHROME_SELECTOR):
                node.decompose()
            main = tree.css_first("article") or tree.css_first("main")
            text = _visible_text(main) if main is not None else None
    if text is None:
        root = tree.body if tree.body is not None else tree.root
        text = _visible_text(root) if root is not None else ""
    if title and text.startswith(title):
        # trafilatura may put the headline back at the top.
        text = text[len(title) :].lstrip()
    return text, title, date


# ---------------------------------------------------------------------------- metadata lines

_MONTHS = "January February March April May June July August September October November December".split()
_MONTH_WORD = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE_VALUE = re.compile(
    rf"""
    (?P<iso> (?P<y>\d{{4}}) - (?P<m>\d{{1,2}}) - (?P<d>\d{{1,2}})
             (?: [T\ ] \d{{2}}:\d{{2}} (?::\d{{2}}(?:\.\d+)?)? (?: Z | [+-]\d{{2}}:?\d{{2}} )? )? )
  | (?P<mdy> (?P<mdy_month>{_MONTH_WORD}) \.? \s+ (?P<mdy_day>\d{{1,2}}) (?:st|nd|rd|th)? ,? \s+ (?P<mdy_year>\d{{4}}) )
  | (?P<dmy> (?P<dmy_day>\d{{1,2}}) (?:st|nd|rd|th)? \s+ (?P<dmy_month>{_MONTH_WORD}) \.? ,? \s+ (?P<dmy_year>\d{{4}}) )
    """,
    re.VERBOSE | re.IGNORECASE,
)
_META_LINE = re.compile(
    r"""
    \A [ \t]*
    (?P<key> date | dated | published | title | headline | author | byline | source | url )
    (?: [ \t]* : [ \t]* | [ \t]+ (?= \d{4}-\d{1,2}-\d{1,2} ) )
    (?P<value> [^\n]* ) (?: \n | \Z )
    """,
    re.VERBOSE | re.IGNORECASE,
)
_DATE_KEYS = frozenset({"date", "dated", "published"})
_TITLE_KEYS = frozenset({"title", "headline"})
# A headline: one short line without a full stop, followed by a blank line.
_HEADLINE = re.compile(
    r"""
    \A [ \t]* (?P<headline> [^\s.!?][^\n]{8,148}[^\s.!?:;,] ) [ \t]* \n [ \t]* \n
    """,
    re.VERBOSE,
)


def _month_number(word: str) -> int:
    word = word[:3].lower()
    return [m[:3].lower() for m in _MONTHS].index(word) + 1


def _normalise_date(value: str) -> str:
    """ISO ``YYYY-MM-DD`` when the value is a recognisable date, else the value as written."""
    value = value.strip()
    match = _DATE_VALUE.match(value)
    if not match:
        return value
    try:
        if match.group("iso"):
            day = datetime(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        elif match.group("mdy"):
            day = datetime(int(match.group("mdy_year")), _month_number(match.group("mdy_month")), int(match.group("mdy_day")))
        else:
            day = datetime(int(match.group("dmy_year")), _month_number(match.group("dmy_month")), int(match.group("dmy_day")))
    except ValueError:
        return value
    return day.date().isoformat()


def _take_metadata(text: str, headline: bool = True) -> tuple[str, str | None, str | None]:
    """Strip leading metadata lines: ``(body, title, date)``.

    ``date 2019-02-23 Body text...`` keeps the text after the date as the start of the body.
    With ``headline``, a first short line without a full stop followed by a blank line is
    the title (plain text only: HTML has ``<h1>``/``<title>``).
    """
    title = date = None
    while True:
        stripped = text.lstrip()
        match = _META_LINE.match(stripped)
        if not match:
            found = _HEADLINE.match(stripped) if headline and title is None else None
            if found is None or _META_LINE.match(found.group("headline")):
                break
            title = found.group("headline").strip()
            text = stripped[found.end() :]
            continue
        key, value = match.group("key").lower(), match.group("value").strip()
        rest = stripped[match.end() :]
        if key in _DATE_KEYS:
            date_match = _DATE_VALUE.match(value)
            if date_match:
                date = date or _normalise_date(date_match.group(0))
                tail = value[date_match.end() :].strip()
                if tail:  # the body goes on after the date on the same line
                    rest = tail + "\n" + rest
            elif value:
                date = date or value
        elif key in _TITLE_KEYS:
            title = title or value or None
        text = rest
    return text, title, date


# ---------------------------------------------------------------------------- documents


def _clean_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text  # the common case, checked at C speed: no invisible or control characters
    text = _INVISIBLE.sub("", text)
    return _CONTROL.sub(" ", text)


def document_from_text(text: str, source: str = "<text>", kind: str | None = "text") -> Document:
    """A :class:`Document` from already-decoded text; ``kind`` is ``"text"``, ``"html"`` or
    ``None`` (sniff)."""
    if kind is None:
        kind = "html" if looks_like_html(text) else "text"
    if kind not in ("text", "html"):
        raise InputError(source, f"unknown kind {kind!r} (expected 'text' or 'html')")
    text = _clean_text(text)
    title = date = None
    if kind == "html":
        text, title, date = html_to_text(text)
        text = _clean_text(text)
    body, meta_title, meta_date = _take_metadata(text, headline=kind == "text")
    title = title or meta_title
    date = date or meta_date
    body = body.strip()
    if not body:
        raise InputError(source, "no article text found" if kind == "html" else "the file is empty")
    return Document(source=source, text=body, title=title, date=date)


def _decode(data: bytes, source: str) -> str:
    """Decode article bytes; never fails for text (latin-1 accepts every byte)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(source, f"invalid UTF-16 ({exc.reason})") from None
    if b"\x00" in data[:65536] or b"\x00" in data[-4096:]:
        raise InputError(source, "looks like a binary file (NUL bytes), not an article")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def document_from_bytes(data: bytes, source: str, kind: str | None = None) -> Document:
    """A :class:`Document` from raw bytes.  ``kind`` (``"text"``/``"html"``) comes from the
    source's extension when not given: ``.html``/``.htm`` is HTML, anything else is sniffed
    (a ``.txt`` holding tag pairs such as ``<a href=..>..</a>`` is read as HTML)."""
    if not data or not data.strip():
        raise InputError(source, "the file is empty")
    text = _decode(data, source)
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > 32 and controls > len(text[:65536]) // 100:
        raise InputError(source, "looks like a binary file (control characters), not an article")
    if kind is None and Path(source).suffix.lower() in _HTML_EXTENSIONS:
        kind = "html"
    return document_from_text(text, source=source, kind=kind)


def read_document(path: str | Path) -> Document:
    """Read an article from a file path, or from standard input when ``path`` is ``"-"``.

    Raises :class:`InputError` (naming the file) when it cannot be read or holds no text.
    """
    if str(path) == "-":
        data = sys.stdin.buffer.read()
        return document_from_bytes(data, STDIN_SOURCE)
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory, not an article") from None
    except PermissionError:
        raise InputError(source, "permission denied") from None
    except OSError as exc:
        raise InputError(source, exc.strerror or str(exc)) from None
    return document_from_bytes(data, source)


# ---------------------------------------------------------------------------- case folding

IGNORECASE_TWINS: dict[str, str] = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}
"""The non-ASCII letters that re.IGNORECASE matches to an ASCII letter besides its two cases
(dotted and dotless i, the Kelvin sign, long s).  The stages that scan lower-cased or
ASCII-folded text for speed send a text holding one of them the case-insensitive way."""

CASE_FOLD_TRAPS = re.compile("[" + "".join(
    c for twins in IGNORECASE_TWINS.values() for c in twins if c.lower() not in IGNORECASE_TWINS) + "]")
"""Those of :data:`IGNORECASE_TWINS` that ``str.lower()`` does not make their ASCII letter
(İ, ı, ſ; the Kelvin sign lower-cases to k)."""


# ---------------------------------------------------------------------------- sentences

# Candidate sentence ends: a paragraph break (blank line), or terminal punctuation with
# optional closing quotes/brackets, followed by whitespace; for the latter the lookahead
# also reads the whitespace, any opening quotes/brackets and the first character after them
# (the next sentence must start with a capital, a digit or a quoted word).  Each punctuation
# candidate is then checked against the abbreviation rules below.  The pattern starts with a
# plain character class (the first character of either kind of break) so that re skips
# through the text in C, then tells the kinds apart with a lookbehind.  A run of stops is
# tried from its first character only: a later start can match only where the first one
# does, and trying each would make a long run ("......") quadratic.
_SENTENCE_BREAK = re.compile(
    r"""
    [\n.!?\u2026]
    (?: (?<=\n) [ \t\r\f\v]* \n                                 # paragraph: blank line
      | (?<=[.!?\u2026]) (?<![.!?\u2026][.!?\u2026])              # stop, first of its run,
        [.!?\u2026]* (?P<close> [\"'\u201d\u2019\u00bb)\]]* )          # + the rest + closers
        (?= (?P<space> \s+ ) (?P<openers> [\"'\u201c\u2018\u00ab(\[\u2014\u2013-]* ) (?P<first> [\s\S] )? )
    )
    """,
    re.VERBOSE,
)
_TOKEN_OPENERS = "\"'\u201c\u2018\u00ab(["
# Abbreviations that never end a sentence before a capitalised word.
_ABBREVIATIONS = frozenset(
    """mr mrs ms mx dr prof st ste mt ft gen lt col maj capt cpt sgt cmdr adm gov sen rep rev
    hon pres supt insp det jr sr messrs mme mlle jan feb mar apr jun jul aug sep sept oct nov dec
    vs approx est dept univ ave blvd rd hwy corp inc ltd co bros fig vol pp op cf""".split()
)
# Abbreviations that only hold before a number ("No. 1", "Art. 5").
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "art", "p", "pt", "ch", "sec", "tel", "ex"})
_DOTTED_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]\Z")
_CLOCK = frozenset({"a.m", "p.m", "am", "pm"})
# After "5 p.m." a time-zone code continues the sentence; anything else capitalised starts one.
_TIME_ZONE = re.compile(r"(?:[A-Z]{2,4}T|UTC|GMT|KST|ICT|CST|JST|MSK)\b")


def _is_abbreviation(text: str, stop: int, next_start: int) -> bool:
    """Whether the full stop at ``stop`` belongs to an abbreviation rather than ending a sentence."""
    window = max(stop - 40, 0)
    space = max(text.rfind(" ", window, stop), text.rfind("\n", window, stop), text.rfind("\t", window, stop), window - 1)
    token = text[space + 1 : stop].lstrip(_TOKEN_OPENERS)
    if not token:
        return False
    lower = token.lower()
    following = text[next_start : next_start + 8]
    if lower in _CLOCK:
        return bool(_TIME_ZONE.match(following))
    if lower in _ABBREVIATIONS:
        return True
    if lower in _NUMBER_ABBREVIATIONS:
        return following[:1].isdigit()
    if len(token) == 1 and token.isupper():  # an initial: "J. Smith"
        return True
    return "." in token and bool(_DOTTED_ACRONYM.match(token))  # "U.S", "U.N", "D.C"


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of ``text`` with exact ``(start, end)`` offsets (whitespace trimmed).

    A blank line always ends a sentence; ``.``/``!``/``?`` end one when followed by space
    and a capitalised word, a digit or an opening quote, unless the word before the stop is
    an abbreviation (``U.S.``, ``Feb.``, ``Mr.``, ``St.``, ``No. 5``, initials ...).
    """
    cuts: list[tuple[int, int]] = []  # (end of one sentence, start of the search for the next)
    for match in _SENTENCE_BREAK.finditer(text):
        if match.group("space") is None:  # a paragraph break
            cuts.append(match.span())
            continue
        first = match.group("first")
        if first is None:
            continue
        if not (first.isupper() or first.isdigit() or (match.group("openers") and first.isalpha())):
            continue
        stop, close = match.start(), match.start("close")
        next_start = match.end("space")
        if close - stop == 1 and text[stop] == "." and _is_abbreviation(text, stop, next_start):
            continue
        cuts.append((match.end(), next_start))
    sentences: list[Sentence] = []
    position = 0
    length = len(text)
    for cut_end, next_position in [*cuts, (length, length)]:
        start, end = position, cut_end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            sentences.append(Sentence(index=len(sentences), start=start, end=end))
        position = next_position
    return tuple(sentences)
