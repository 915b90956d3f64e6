"""Loading, validating and querying gazetteer files (hand-made files in tests/data/gazetteers)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routemap import gazetteer as gazetteer_module
from routemap.errors import GazetteerError, UnknownPlaceError
from routemap.gazetteer import (
    Gazetteer,
    bundled_gazetteer_path,
    load_gazetteer,
    normalise_name,
    validate_gazetteer_file,
)
from routemap.models import Place

DATA = Path(__file__).resolve().parent / "data" / "gazetteers"
GOOD = DATA / "good.yaml"


def marked_lines(path: Path) -> set[int]:
    """Lines of a hand-made bad file that carry the ``# BAD`` marker (read as Latin-1, so a
    file that is not UTF-8 can be marked too)."""
    return {number for number, text in enumerate(path.read_text(encoding="latin-1").splitlines(), 1) if "# BAD" in text}


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.fixture(scope="module")
def good() -> Gazetteer:
    return load_gazetteer(GOOD)


# --------------------------------------------------------------------------- normalise_name


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("Pyongyang", "pyongyang"),
        ("  PYONGYANG  ", "pyongyang"),
        ("P'yŏngyang", "pyongyang"),
        ("P’yŏngyang", "pyongyang"),
        ("Đồng Đăng", "dong dang"),
        ("Dong-Dang", "dong dang"),
        ("Dong  \t Dang", "dong dang"),
        ("Hà Nội", "ha noi"),
        ("Sinŭiju", "sinuiju"),
    ],
)
def test_normalise_name(written: str, normal: str) -> None:
    assert normalise_name(written) == normal


# --------------------------------------------------------------------------- validation


BAD_FILES = [
    ("bad_unknown_key.yaml", "unknown key"),
    ("bad_missing_field.yaml", "missing required field"),
    ("bad_lat_range.yaml", "out of range"),
    ("bad_lat_not_number.yaml", "must be a number"),
    ("bad_kind.yaml", "unknown kind"),
    ("bad_country.yaml", "country"),
    ("bad_duplicate_id.yaml", "duplicate place id"),
    ("bad_link_unknown_id.yaml", "unknown place id"),
    ("bad_link_mode.yaml", "unknown link mode"),
    ("bad_alias_shared.yaml", "ambiguous: true"),
    ("bad_via.yaml", "via"),
    ("bad_yaml_syntax.yaml", "YAML syntax error"),
    ("bad_references.yaml", ""),
    ("bad_not_utf8.yaml", "not UTF-8"),
]


@pytest.mark.parametrize(("name", "words"), BAD_FILES)
def test_each_problem_is_reported_at_its_line(name: str, words: str) -> None:
    path = DATA / name
    problems = validate_gazetteer_file(path)
    assert {problem.line for problem in problems} == marked_lines(path)
    assert all(words in problem.message for problem in problems)
    assert all(problem.path == str(path) for problem in problems)


@pytest.mark.parametrize(("name", "words"), BAD_FILES)
def test_load_raises_with_every_problem(name: str, words: str) -> None:
    path = DATA / name
    with pytest.raises(GazetteerError) as caught:
        load_gazetteer(path)
    assert len(caught.value.problems) == len(validate_gazetteer_file(path))
    assert str(caught.value).startswith(f"{path}:")


def test_messages_say_what_is_wrong() -> None:
    messages = {p.line: p.message for p in validate_gazetteer_file(DATA / "bad_country.yaml")}
    assert "'ZZ'" in messages[line_of(DATA / "bad_country.yaml", "ZZ")]
    assert "quote it" in messages[line_of(DATA / "bad_country.yaml", "country: NO")]
    kinds = {p.line: p.message for p in validate_gazetteer_file(DATA / "bad_kind.yaml")}
    assert "did you mean 'station'" in kinds[line_of(DATA / "bad_kind.yaml", "staton")]
    links = validate_gazetteer_file(DATA / "bad_link_unknown_id.yaml")
    assert any("did you mean 'sinuiju'" in p.message for p in links)
    missing = {p.line: p.message for p in validate_gazetteer_file(DATA / "bad_missing_field.yaml")}
    assert "'lon'" in missing[line_of(DATA / "bad_missing_field.yaml", "id: sinuiju")]
    assert "'mode'" in missing[line_of(DATA / "bad_missing_field.yaml", "from: pyongyang")]


def test_kosovo_code_is_accepted() -> None:
    problems = validate_gazetteer_file(DATA / "bad_country.yaml")
    assert line_of(DATA / "bad_country.yaml", "XK") not in {p.line for p in problems}


def test_empty_file_is_a_problem() -> None:
    (problem,) = validate_gazetteer_file(DATA / "bad_empty.yaml")
    assert "empty" in problem.message


def test_good_file_has_no_problems() -> None:
    assert validate_gazetteer_file(GOOD) == []


def test_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_gazetteer(tmp_path / "nowhere.yaml")


# --------------------------------------------------------------------------- loading


def test_places_and_links_keep_their_lines(good: Gazetteer) -> None:
    assert good.places["pyongyang"].line == line_of(GOOD, "id: pyongyang")
    assert good.places["pyongyang"].origin == str(GOOD)
    first_link = good.links[0]
    assert (first_link.from_id, first_link.to_id) == ("pyongyang", "sinuiju")
    assert first_link.line == line_of(GOOD, "{from: pyongyang, to: sinuiju")
    assert first_link.via == ((39.6, 125.3), (39.95, 124.8))


def test_loaded_values(good: Gazetteer) -> None:
    hanoi = good.places["hanoi"]
    assert (hanoi.kind, hanoi.country, hanoi.latlon) == ("city", "VN", (21.0245, 105.84117))
    assert "Hà Nội" in hanoi.aliases
    assert good.places["yellow-sea"].country is None
    assert good.not_places == ("Kim Il Sung", "Korean Central News Agency")
    published = next(link for link in good.links if link.from_id == "sinuiju")
    assert (published.km, published.km_source) == (3.5, "hand-made test value")
    assert "ping xiang" in good.ambiguous_names


def test_loading_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    shutil.copy(GOOD, path)
    first = load_gazetteer(path)
    assert load_gazetteer(path) is first
    path.write_text(GOOD.read_text(encoding="utf-8").replace("name: Beijing", "name: Peiping"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    second = load_gazetteer(path)
    assert second is not first
    assert second.places["beijing"].name == "Peiping"


def test_extends_bundled_adds_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer_module, "bundled_gazetteer_path", lambda: GOOD)
    base = load_gazetteer(None)
    extended = load_gazetteer(DATA / "extends_good.yaml")
    assert validate_gazetteer_file(DATA / "extends_good.yaml") == []
    assert set(extended.places) == set(base.places) | {"lang-son"}
    assert extended.places["hanoi"].aliases == ("Thang Long",)
    assert extended.places["hanoi"].origin == str(DATA / "extends_good.yaml")
    assert extended.resolve("Thang Long").id == "hanoi"
    assert len(extended.links) == len(base.links) + 1
    assert extended.not_places == (*base.not_places, "Reunification Express")


def test_extends_needs_the_bundled_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    alone = tmp_path / "alone.yaml"
    alone.write_text(
        (DATA / "extends_good.yaml").read_text(encoding="utf-8").replace("extends: bundled", "version: 1"),
        encoding="utf-8",
    )
    problems = validate_gazetteer_file(alone)
    assert [p.line for p in problems] == [line_of(alone, "{from: dong-dang, to: lang-son")]


def test_bundled_path_in_a_source_checkout(repo_dir: Path) -> None:
    installed = Path(gazetteer_module.__file__).parent / "gazetteer.yaml"
    if installed.exists():  # pragma: no cover - running from an installed wheel
        assert bundled_gazetteer_path() == installed
    else:
        assert bundled_gazetteer_path() == repo_dir / "gazetteer.yaml"


def test_bundled_path_prefers_the_packaged_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gazetteer.yaml").write_text("places: []\n", encoding="utf-8")
    monkeypatch.setattr(gazetteer_module.importlib.resources, "files", lambda package: tmp_path)
    assert bundled_gazetteer_path() == tmp_path / "gazetteer.yaml"


def test_import_stays_light() -> None:
    code = (
        "import sys, routemap.gazetteer as g;"
        "print(','.join(m for m in ('networkx', 'geopy', 'pycountry', 'folium') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --------------------------------------------------------------------------- queries


def test_get(good: Gazetteer) -> None:
    assert good.get("dong-dang").name == "Dong Dang"
    with pytest.raises(UnknownPlaceError) as caught:
        good.get("dong-dagn")
    assert "Dong Dang" in caught.value.candidates


@pytest.mark.parametrize("written", ["Pyongyang", "pyongyang", "P'yŏngyang", "PYONG-YANG", "Pyeongyang"])
def test_find_spellings(good: Gazetteer, written: str) -> None:
    assert [place.id for place in good.find(written)] == ["pyongyang"]


def test_find_shared_names(good: Gazetteer) -> None:
    assert {p.id for p in good.find("Ping Xiang")} == {"pingxiang", "pingxiang-jiangxi"}
    assert {p.id for p in good.find("Singapore")} == {"singapore", "singapore-country"}
    assert good.find("Atlantis") == ()


def test_resolve(good: Gazetteer) -> None:
    assert good.resolve("dong-dang").id == "dong-dang"
    assert good.resolve("Đồng Đăng").id == "dong-dang"
    assert good.resolve("Dongdang").id == "dong-dang"
    assert good.resolve("Singapore").kind == "city"  # settlements before countries
    with pytest.raises(UnknownPlaceError) as caught:
        good.resolve("Pyongyng")
    assert caught.value.candidates == ("Pyongyang",)
    assert "Did you mean: Pyongyang?" in str(caught.value)


def test_names(good: Gazetteer) -> None:
    names = list(good.names())
    assert ("Pyongyang", "pyongyang") in names
    assert ("P'yŏngyang", "pyongyang") in names
    assert len(names) == sum(1 + len(place.aliases) for place in good.places.values())


def test_countries(good: Gazetteer) -> None:
    assert good.country("KP").id == "north-korea"
    assert good.country("kp").id == "north-korea"
    assert good.country("FR") is None
    assert good.country_by_adjective("North Korean").id == "north-korea"
    assert good.country_by_adjective("north-korean").id == "north-korea"
    assert good.country_by_adjective("Martian") is None
    assert good.capital_of(good.country("VN")).id == "hanoi"
    assert good.capital_of("CN").id == "beijing"
    assert good.capital_of(good.country("SG")) is None


class StubWorld:
    """Stands in for the GeoNames world layer."""

    def get(self, place_id: str) -> Place:
        if place_id == "gn:1":
            return Place("gn:1", "Somewhere", "town", "KP", 40.0, 126.0)
        raise UnknownPlaceError(place_id)


def test_attach_world(good: Gazetteer) -> None:
    with_world = good.attach_world(StubWorld())
    assert good.world is None
    assert with_world.places is good.places
    assert with_world.get("gn:1").name == "Somewhere"
    assert with_world.resolve("gn:1").name == "Somewhere"
    assert with_world.get("hanoi") is good.get("hanoi")
    assert with_world.cached("key", object) is good.cached("key", object)
    with pytest.raises(UnknownPlaceError):
        good.get("gn:1")


def test_in_memory_gazetteer() -> None:
    place = Place("x", "Ex", "town", "FR", 45.0, 4.0, aliases=("Ecks",))
    registry = Gazetteer({"x": place})
    assert registry.resolve("ecks") is place
    assert "x" in registry and len(registry) == 1
    assert registry.links == () and registry.world is None


def test_country_codes_match_pycountry() -> None:
    import pycountry

    from routemap.gazetteer import EXTRA_COUNTRY_CODES, _known_country_codes

    assert _known_country_codes() == {c.alpha_2 for c in pycountry.countries} | EXTRA_COUNTRY_CODES


def test_installed_layout_reads_the_packaged_file(tmp_path: Path, repo_dir: Path) -> None:
    """As in a wheel: routemap/gazetteer.yaml inside the package, no repository around it."""
    package = tmp_path / "site" / "routemap"
    package.mkdir(parents=True)
    for module in ("__init__.py", "errors.py", "models.py", "gazetteer.py"):
        shutil.copy(repo_dir / "routemap" / module, package / module)
    shutil.copy(GOOD, package / "gazetteer.yaml")
    code = "from routemap.gazetteer import bundled_gazetteer_path as b, load_gazetteer as l; print(b()); print(len(l()))"
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path, env=env)
    where, count = out.stdout.split()
    assert Path(where) == package / "gazetteer.yaml"
    assert int(count) == len(load_gazetteer(GOOD).places)
