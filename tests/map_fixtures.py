"""Hand-built reports for the map tests (independent of the pipeline).

The texts are written for these tests; the rail corridors are rough shape points along the
real lines (Pyongyang - Sinuiju - Dandong - Shenyang - Beijing - Wuhan - Nanning - Dong Dang -
Hanoi; Pyongyang - Hamhung - Chongjin - Rajin - Tumangang/Khasan - Ussuriysk - Vladivostok).
"""

from __future__ import annotations

import re

from routemap.models import (
    Article,
    Check,
    Claim,
    ClaimResult,
    Leg,
    Mention,
    Place,
    Quantity,
    Report,
    Route,
    Sentence,
)

HOSTILE = "<img src=x onerror=alert(1)></script><script>alert(2)</script>`${alert(3)}`\\"
"""Everything that would break out of HTML, a script element, a template literal or a string."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)", re.VERBOSE)


def place(pid: str, name: str, kind: str, country: str | None, lat: float, lon: float) -> Place:
    return Place(id=pid, name=name, kind=kind, country=country, lat=lat, lon=lon, source="test fixture")


def sentences_of(text: str) -> tuple[Sentence, ...]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(Sentence(len(out), start, m.start()))
        start = m.end()
    out.append(Sentence(len(out), start, len(text)))
    return tuple(out)


def make_article(source: str, title: str | None, text: str, places: list[Place]) -> Article:
    sentences = sentences_of(text)
    probe = Article(source, text, title, "2019-02-23", sentences, ())
    mentions = []
    for p in places:
        for m in re.finditer(re.escape(p.name), text):
            mentions.append(Mention(m.start(), m.end(), p.name, p.id, probe.sentence_of(m.start())))
    mentions.sort(key=lambda m: m.start)
    return Article(source, text, title, "2019-02-23", sentences, tuple(mentions))


def quantity(article: Article, figure: str, kind: str, value: float, unit: str, low: float, high: float | None,
             hedge: str | None = None) -> Quantity:
    start = article.text.index(figure)
    return Quantity(kind, start, start + len(figure), figure, value, unit, low, high, hedge,
                    article.sentence_of(start))


def result(q: Quantity, verdict: str, basis: str, expected: float, leg: int | None,
           from_id: str | None = None, to_id: str | None = None, mode: str | None = None,
           note: str = "") -> ClaimResult:
    ratio = q.nominal / expected if expected else None
    check = Check(basis, expected, "km" if q.kind == "distance" else ("h" if q.kind == "duration" else "km/h"),
                  ratio, verdict, note or f"stated {q.text} vs {basis} {expected:,.0f}")
    claim = Claim(q, from_id=from_id, to_id=to_id, mode=mode, leg=leg)
    return ClaimResult(claim, (check,), verdict, f"The {basis} is {expected:,.0f}; the text says {q.text}.")


# --------------------------------------------------------------------------- Pyongyang - Hanoi

PYONGYANG = place("pyongyang", "Pyongyang", "city", "KP", 39.0392, 125.7625)
DONG_DANG = place("dong-dang-station", "Dong Dang", "station", "VN", 21.9436, 106.7097)
HANOI = place("hanoi", "Hanoi", "city", "VN", 21.0285, 105.8542)
BEIJING = place("beijing", "Beijing", "city", "CN", 39.9042, 116.4074)
CHINA = place("china", "China", "country", "CN", 35.0, 103.0)
VIETNAM = place("vietnam", "Vietnam", "country", "VN", 16.0, 107.5)
METROPOLE = place("metropole-hotel", "Metropole Hotel", "hotel", "VN", 21.0256, 105.8560)
HOAN_KIEM = place("hoan-kiem-lake", "Hoan Kiem Lake", "water", "VN", 21.0288, 105.8525)
DANDONG = place("dandong", "Dandong", "border_crossing", "CN", 40.1292, 124.3947)

RAIL_PYONGYANG_HANOI = (
    (39.0392, 125.7625), (39.53, 125.24), (40.1006, 124.3981), (40.1292, 124.3947), (40.68, 123.90),
    (41.8057, 123.4315), (41.10, 121.13), (40.00, 119.75), (39.14, 117.18), (39.9042, 116.4074),
    (38.04, 114.51), (36.10, 114.35), (34.75, 113.62), (32.13, 114.07), (30.59, 114.30),
    (28.23, 112.94), (26.89, 112.57), (25.27, 110.29), (24.33, 109.41), (22.82, 108.32),
    (22.10, 106.76), (21.9436, 106.7097),
)
ROAD_DONG_DANG_HANOI = ((21.9436, 106.7097), (21.85, 106.76), (21.27, 106.19), (21.0285, 105.8542))


def hanoi_report(hostile: bool = False) -> Report:
    """Pyongyang -> Dong Dang by rail (3,900 km, a "thousands of kilometres" claim),
    Dong Dang -> Hanoi by road (170 km), and a 1958 flight Beijing -> Hanoi (no figure)."""
    pyongyang, hanoi = PYONGYANG, HANOI
    title = "Leader's armoured train heads for the Hanoi summit"
    if hostile:
        pyongyang = place("pyongyang", "Pyong" + HOSTILE, "city", "KP", 39.0392, 125.7625)
        hanoi = place("hanoi", "Hanoi" + HOSTILE, "city", "VN", 21.0285, 105.8542)
        title = "Title " + HOSTILE
    text = (
        f"The leader's armoured train pulled out of {pyongyang.name} late on Saturday. "
        f"The trip through China covers thousands of kilometres before the train halts at the frontier "
        f"station of Dong Dang. "
        f"From Dong Dang the convoy would drive 170 km to {hanoi.name} along a closed highway"
        + (" " + HOSTILE if hostile else "")
        + ". "
        f"Decades earlier his grandfather went by rail to Beijing and flew on to Vietnam. "
        f"Delegates may stay at the Metropole Hotel near Hoan Kiem Lake."
    )
    places = [pyongyang, CHINA, DONG_DANG, hanoi, BEIJING, VIETNAM, METROPOLE, HOAN_KIEM]
    article = make_article("tests/hanoi.txt" if not hostile else "tests/hostile.txt", title, text, places)
    rail = Route("pyongyang", "dong-dang-station", "rail", "rail route",
                 ("pyongyang", "sinuiju", "dandong", "shenyang", "beijing", "wuhan", "nanning", "dong-dang-station"),
                 3890.0, 2460.0, {"KP": 230.0, "CN": 3640.0, "VN": 20.0}, RAIL_PYONGYANG_HANOI)
    road = Route("dong-dang-station", "hanoi", "road", "road route", ("dong-dang-station", "hanoi"),
                 165.0, 131.0, {"VN": 165.0}, ROAD_DONG_DANG_HANOI)
    # Beijing -> Hanoi: no route known in this fixture (drawn dashed, straight)
    legs = (
        (Leg("pyongyang", "dong-dang-station", "rail", 1), rail),
        (Leg("dong-dang-station", "hanoi", "road", 2), road),
        (Leg("beijing", "hanoi", "air", 3), None),
    )
    q_rail = quantity(article, "thousands of kilometres", "distance", 1000, "km", 2000, 10000, "thousands of")
    q_road = quantity(article, "170 km", "distance", 170, "km", 170, 170)
    results = (
        result(q_rail, "consistent", "rail route", 3890.0, 0),
        result(q_road, "consistent", "road route", 165.0, 1),
    )
    return Report(article, tuple(places), legs, results)


# --------------------------------------------------------------------------- Pyongyang - Vladivostok

VLADIVOSTOK = place("vladivostok", "Vladivostok", "city", "RU", 43.1155, 131.8855)
KHASAN = place("khasan", "Khasan", "border_crossing", "RU", 42.4297, 130.6450)
RUSSIA = place("russia", "Russia", "country", "RU", 60.0, 100.0)

RAIL_PYONGYANG_VLADIVOSTOK = (
    (39.0392, 125.7625), (39.40, 126.40), (39.92, 127.54), (40.20, 128.60), (40.67, 129.20),
    (41.18, 129.30), (41.7956, 129.7758), (42.25, 130.30), (42.42, 130.60), (42.4297, 130.6450),
    (42.71, 130.79), (42.86, 131.38), (43.54, 131.91), (43.80, 131.95), (43.30, 132.03), (43.1155, 131.8855),
)


def vladivostok_report() -> Report:
    """Pyongyang -> Vladivostok by rail: a 680 km claim (inconsistent with ~1,180 km), 20 hours
    (unverifiable), 40 km/h."""
    text = (
        "The bulletproof train reached the edge of Vladivostok on Tuesday. "
        "The 680km ride from Pyongyang took roughly 20 hours, officials in Russia said. "
        "It rolled through the border post at Khasan at walking pace."
    )
    places = [PYONGYANG, VLADIVOSTOK, KHASAN, RUSSIA]
    article = make_article("tests/vladivostok.txt", "Armoured train arrives in Vladivostok", text, places)
    rail = Route("pyongyang", "vladivostok", "rail", "rail route",
                 ("pyongyang", "hamhung", "chongjin", "rajin", "tumangang", "khasan", "ussuriysk", "vladivostok"),
                 1180.0, 595.0, {"KP": 900.0, "RU": 280.0}, RAIL_PYONGYANG_VLADIVOSTOK)
    legs = ((Leg("pyongyang", "vladivostok", "rail", 1), rail),)
    q_km = quantity(article, "680km", "distance", 680, "km", 680, 680)
    q_h = quantity(article, "roughly 20 hours", "duration", 20, "h", 20, 20, "about")
    results = (
        result(q_km, "inconsistent", "rail route", 1180.0, 0),
        result(q_h, "unverifiable", "implied speed", 59.0, 0),
    )
    return Report(article, tuple(places), legs, results)


# --------------------------------------------------------------------------- Pyongyang / Vladivostok - Moscow

MOSCOW = place("moscow", "Moscow", "city", "RU", 55.7558, 37.6173)
NOVOSIBIRSK = place("novosibirsk", "Novosibirsk", "city", "RU", 55.0084, 82.9357)
USSURIYSK = place("ussuriysk", "Ussuriysk", "city", "RU", 43.80, 131.95)

RAIL_USSURIYSK_MOSCOW = (
    (43.80, 131.95), (48.48, 135.07), (50.26, 127.53), (52.03, 113.50), (51.83, 107.58), (52.29, 104.30),
    (56.01, 92.85), (55.0084, 82.9357), (54.99, 73.37), (57.15, 65.53), (56.84, 60.61), (58.01, 56.25),
    (58.60, 49.66), (57.63, 39.87), (55.7558, 37.6173),
)
RAIL_PYONGYANG_MOSCOW = RAIL_PYONGYANG_VLADIVOSTOK[:14] + RAIL_USSURIYSK_MOSCOW[1:]
RAIL_VLADIVOSTOK_MOSCOW = ((43.1155, 131.8855), (43.30, 132.03)) + RAIL_USSURIYSK_MOSCOW


def moscow_report() -> Report:
    """Two rail legs sharing the Trans-Siberian: Pyongyang -> Moscow ("more than three weeks",
    inconsistent) drawn over Vladivostok -> Moscow ("about 9,300 km", consistent), and a figure
    between Novosibirsk and Moscow on no leg ("only 1,000 km", inconsistent, no mode)."""
    text = (
        "The leader's special train left Pyongyang for Moscow and needed more than three weeks for the trip. "
        "Officials in Vladivostok said the line from Vladivostok to Moscow runs about 9,300 km. "
        "One aide claimed that Novosibirsk lies only 1,000 km from Moscow. "
        "The train changed bogies at Khasan and waited at Ussuriysk; aides stayed at the Metropole Hotel."
    )
    metropole = place("metropole-moscow", "Metropole Hotel", "hotel", "RU", 55.7586, 37.6210)
    places = [PYONGYANG, MOSCOW, VLADIVOSTOK, NOVOSIBIRSK, KHASAN, USSURIYSK, RUSSIA, metropole]
    article = make_article("tests/moscow.txt", "Slow train to Moscow", text, places)
    p_m = Route("pyongyang", "moscow", "rail", "rail route", ("pyongyang", "khasan", "ussuriysk", "moscow"),
                10320.0, 6430.0, {"KP": 800.0, "RU": 9520.0}, RAIL_PYONGYANG_MOSCOW)
    v_m = Route("vladivostok", "moscow", "rail", "rail route", ("vladivostok", "ussuriysk", "moscow"),
                9288.0, 6434.0, {"RU": 9288.0}, RAIL_VLADIVOSTOK_MOSCOW)
    legs = (
        (Leg("pyongyang", "moscow", "rail", 0), p_m),
        (Leg("vladivostok", "moscow", "rail", 1), v_m),
    )
    q_weeks = quantity(article, "more than three weeks", "duration", 3, "week", 504, None, "more than")
    q_vm = quantity(article, "about 9,300 km", "distance", 9300, "km", 9300, 9300, "about")
    q_nm = quantity(article, "only 1,000 km", "distance", 1000, "km", 1000, 1000)
    results = (
        result(q_weeks, "inconsistent", "implied speed (rail route)", 20.5, 0),
        result(q_vm, "consistent", "rail route", 9288.0, 1),
        result(q_nm, "inconsistent", "straight line", 2821.0, None, "novosibirsk", "moscow", None),
    )
    return Report(article, tuple(places), legs, results)
