"""Open the maps in a real browser: Debian's Chromium driven by Playwright's Python package.

Every request other than file: and data: is blocked and counted; the maps must need none.
Never runs `playwright install`: it uses /usr/bin/chromium (installed by CI / `make test`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import map_fixtures as fx
from routemap import render

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("ROUTEMAP_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT_DIR = os.environ.get("ROUTEMAP_SCREENSHOT_DIR")  # keep the PNGs for a human to look at


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (CI installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is missing")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(render.CHROMIUM_ARGS))
        yield browser
        browser.close()


class Visit:
    """A page opened from disk with outside requests blocked; records what went wrong."""

    def __init__(self, browser, path: Path):
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1200, "height": 800})
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(path.resolve().as_uri(), wait_until="load")
        self.page.wait_for_function("() => window.L && document.querySelector('.leaflet-container')")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def click_leg(self, selector: str = "path.rm-leg") -> str:
        """Click on a point of the leg's drawn line that nothing covers; the popup's HTML."""
        point = self.page.evaluate(
            """(selector) => {
                const path = document.querySelector(selector);
                const m = path.getScreenCTM();
                for (let t = 0.3; t < 0.95; t += 0.01) {
                    const p = path.getPointAtLength(path.getTotalLength() * t);
                    const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
                    if (document.elementFromPoint(x, y) === path) return [x, y];
                }
                return null;
            }""",
            selector,
        )
        assert point is not None, f"no visible point on {selector}"
        self.page.mouse.click(*point)
        self.page.wait_for_selector(".leaflet-popup-content")
        return self.page.inner_html(".leaflet-popup-content")

    def screen_point(self, lat: float, lon: float) -> tuple[float, float]:
        """Where (lat, lon) is on the page, in CSS pixels."""
        x, y = self.page.evaluate(
            """([lat, lon]) => {
                const p = window[MAP_NAME()].latLngToContainerPoint([lat, lon]);
                const box = window[MAP_NAME()].getContainer().getBoundingClientRect();
                return [p.x + box.left, p.y + box.top];
            }""".replace("MAP_NAME()", "Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)"),
            [lat, lon],
        )
        return x, y

    def rect(self, selector: str) -> dict:
        """The bounding box of the first element matching ``selector`` (page coordinates)."""
        return self.page.evaluate(
            "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
            " return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }",
            selector,
        )

    def lines(self, selector: str) -> list[dict]:
        """For each SVG path matching ``selector``: its bounding box on the page and the share
        of 60 points along it where it is the topmost element (what a reader sees)."""
        return self.page.evaluate(
            """(selector) => [...document.querySelectorAll(selector)].map(path => {
                const m = path.getScreenCTM(), total = path.getTotalLength();
                let seen = 0;
                for (let i = 0; i < 60; i++) {
                    const p = path.getPointAtLength(total * (i + 0.5) / 60);
                    const x = p.x * m.a + p.y * m.c + m.e, y = p.x * m.b + p.y * m.d + m.f;
                    if (document.elementFromPoint(x, y) === path) seen++;
                }
                const r = path.getBoundingClientRect();
                return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, seen: seen / 60,
                        cls: path.getAttribute('class')};
            })""",
            selector,
        )

    def visible_labels(self, selector: str) -> list[dict]:
        return self.page.evaluate(
            """(selector) => [...document.querySelectorAll(selector)]
                .filter(el => getComputedStyle(el).visibility !== 'hidden')
                .map(el => { const r = el.getBoundingClientRect();
                    return {text: el.innerText, left: r.left, top: r.top, right: r.right, bottom: r.bottom}; })""",
            selector,
        )

    def open_every_popup_and_tooltip(self) -> int:
        return self.page.evaluate(
            """() => {
                const name = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
                const map = window[name];
                let opened = 0;
                map.eachLayer(layer => {
                    if (layer.getPopup && layer.getPopup()) {
                        layer.getPopup().options.autoPan = false;  // a pan would move the legs under a later click
                        layer.openPopup();  // its content goes into the DOM now
                        opened += document.querySelectorAll('.leaflet-popup-content').length > 0 ? 1 : 0;
                        layer.closePopup();
                    }
                    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); }
                });
                map.closePopup();
                return opened;
            }"""
        )

    def close(self) -> None:
        self.page.close()


def _save(report_or_reports, path: Path) -> Path:
    render.save_map(render.render_map(report_or_reports), path)
    return path


def _expected_counts(reports) -> tuple[int, int, int]:
    places = {p.id: p for r in reports for p in r.places}
    countries = sum(p.kind == "country" for p in places.values())
    legs = {(*sorted((leg.from_id, leg.to_id)), leg.mode) for r in reports for leg, _ in r.legs}
    return len(places) - countries, countries, len(legs)


@pytest.mark.parametrize("which", ["hanoi", "vladivostok", "combined"])
def test_map_opens_offline_with_its_layers(browser, tmp_path, which) -> None:
    reports = {
        "hanoi": [fx.hanoi_report()],
        "vladivostok": [fx.vladivostok_report()],
        "combined": [fx.hanoi_report(), fx.vladivostok_report()],
    }[which]
    visit = Visit(browser, _save(reports, tmp_path / f"{which}.html"))
    try:
        places, countries, legs = _expected_counts(reports)
        assert visit.page.evaluate("typeof window.L.map") == "function"
        assert visit.count(".folium-map.leaflet-container") == 1
        assert visit.count("path.rm-place") == places
        assert visit.count(".leaflet-marker-icon.rm-label") == countries
        assert visit.count("path.rm-leg") == legs
        assert visit.count(".leaflet-control-scale") == 1
        assert visit.count(".leaflet-control-layers") == 1
        assert visit.count(".rm-legend") == 1
        assert "Natural Earth" in visit.page.inner_text(".leaflet-control-attribution")
        assert visit.count(".leaflet-routemapBasemap-pane path") > 3  # country outlines drawn
        assert visit.external == []
        assert visit.dialogs == [] and visit.errors == []
    finally:
        visit.close()


def test_leg_popup_quotes_the_sentence(browser, tmp_path) -> None:
    report = fx.vladivostok_report()
    visit = Visit(browser, _save(report, tmp_path / "vladivostok.html"))
    try:
        popup = visit.click_leg("path.rm-leg-rail")
        assert "<mark>680km</mark>" in popup
        assert "ride from Pyongyang" in popup
        assert "inconsistent" in popup and "1,180 km" in popup
        # a place marker's popup quotes where the article names it
        visit.page.mouse.click(*visit.screen_point(fx.PYONGYANG.lat, fx.PYONGYANG.lon))
        visit.page.wait_for_function(
            "() => document.querySelector('.leaflet-popup-content') && "
            "document.querySelector('.leaflet-popup-content').innerHTML.includes('<mark>Pyongyang</mark>')"
        )
        assert visit.external == [] and visit.dialogs == [] and visit.errors == []
    finally:
        visit.close()


def test_hostile_article_runs_nothing(browser, tmp_path) -> None:
    visit = Visit(browser, _save(fx.hanoi_report(hostile=True), tmp_path / "hostile.html"))
    try:
        opened = visit.open_every_popup_and_tooltip()
        assert opened >= 5
        # closed popups fade out for 200 ms and catch clicks meanwhile
        visit.page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
        popup = visit.click_leg("path.rm-leg-rail")  # from a place with a hostile name
        visit.page.wait_for_timeout(200)
        assert visit.dialogs == []
        assert visit.errors == []
        assert visit.external == []  # <img src=x> was never an element, so never fetched
        assert visit.page.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0
        assert visit.page.evaluate("document.querySelectorAll('script').length") == 3
        # the text is shown as text
        assert "<img src=x onerror=alert(1)>" in visit.page.inner_text(".rm-title")
        assert "&lt;img src=x onerror=alert(1)&gt;" in popup
        assert "${alert(3)}" in popup and "`" in popup
        # the road leg's sentence carries the hostile text too
        road = visit.page.evaluate(
            """() => {
                const name = Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map);
                let html = null;
                window[name].eachLayer(l => {
                    if (l instanceof L.Polyline && (l.options.className || '').includes('rm-leg-road')) {
                        l.openPopup(); html = l.getPopup().getElement().querySelector('.leaflet-popup-content').innerHTML;
                    }
                });
                return html;
            }"""
        )
        assert "<mark>170 km</mark>" in road and "&lt;/script&gt;&lt;script&gt;alert(2)" in road
        assert visit.dialogs == [] and visit.errors == []
        assert visit.page.title().startswith("routemap: Title <img src=x")
    finally:
        visit.close()


def test_rail_lines_follow_the_corridor_and_screenshots(browser, tmp_path) -> None:
    """PNG screenshots of the two rail journeys; the rail polyline has the corridor's vertices."""
    out = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    for name, report, points in (
        ("pyongyang-hanoi", fx.hanoi_report(), fx.RAIL_PYONGYANG_HANOI),
        ("pyongyang-vladivostok", fx.vladivostok_report(), fx.RAIL_PYONGYANG_VLADIVOSTOK),
    ):
        html_path = _save(report, out / f"{name}.html")
        visit = Visit(browser, html_path)
        try:
            vertices = visit.page.evaluate(
                "() => document.querySelector('path.rm-leg-rail').getAttribute('d').split(/[ML]/).length - 1"
            )
            # Leaflet drops vertices closer than a pixel or so, but a straight line would have 2
            assert vertices >= len(points) // 2
            visit.page.screenshot(path=str(out / f"{name}.png"))
            assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert visit.external == []
        finally:
            visit.close()


PYONGYANG_HANOI_TEXT = (
    "Kim Jong Un's train left Pyongyang for Dong Dang, a rail journey of about 3,900 km through China, "
    "before he drove 170 km from Dong Dang to Hanoi by car."
)


@pytest.mark.parametrize("example", ["pyongyang-hanoi", "kim-hanoi-2019-route.txt", "kim-vladivostok-2019.txt"])
def test_real_pipeline_rail_map(browser, tmp_path, examples_dir, example) -> None:
    """The example articles through the real pipeline and the bundled gazetteer: the rail legs
    measured along the network are drawn along their geometry, not as a straight line."""
    from routemap.errors import GazetteerError
    from routemap.gazetteer import load_gazetteer
    from routemap.pipeline import analyse_path

    try:
        gazetteer = load_gazetteer()
    except GazetteerError as exc:
        pytest.skip(f"bundled gazetteer not usable yet: {exc}")
    if example.endswith(".txt"):
        report = analyse_path(examples_dir / example, gazetteer)
    else:
        from routemap.pipeline import analyse
        from routemap.reading import document_from_text

        report = analyse(document_from_text(PYONGYANG_HANOI_TEXT, source=f"{example}.txt"), gazetteer)
    rail = [(leg, route) for leg, route in report.legs if route is not None and route.basis == "rail route"]
    assert rail, "no rail leg measured along the network"
    out = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    render.save_map(render.render_map(report, gazetteer), out / f"real-{Path(example).stem}.html")
    visit = Visit(browser, out / f"real-{Path(example).stem}.html")
    try:
        vertices = visit.page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('path.rm-leg-rail')]"
            ".map(p => p.getAttribute('d').split(/[ML]/).length - 1))"
        )
        assert vertices > 3
        visit.page.screenshot(path=str(out / f"real-{Path(example).stem}.png"))
        assert visit.external == [] and visit.errors == [] and visit.dialogs == []
    finally:
        visit.close()


# --------------------------------------------------------------------------- what a reader sees


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def _assert_inconsistent_legs_visible(visit: Visit, min_seen: float) -> None:
    """Every inconsistent line lies inside the map, clear of the title and legend boxes, and
    is the topmost element along a good part of its length."""
    container = visit.rect(".folium-map")
    boxes = [visit.rect(".rm-legend"), visit.rect(".rm-title")]
    for line in visit.lines("path.rm-leg.rm-is-inconsistent"):
        assert container["left"] <= line["left"] and line["right"] <= container["right"], line
        assert container["top"] <= line["top"] and line["bottom"] <= container["bottom"], line
        for box in boxes:
            assert not _overlap(line, box), (line, box)
        assert line["seen"] >= min_seen, line


def test_inconsistent_leg_on_top_of_shared_track_and_clear_of_the_boxes(browser, tmp_path) -> None:
    out = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    visit = Visit(browser, _save(fx.moscow_report(), out / "shared-track.html"))
    try:
        visit.page.screenshot(path=str(out / "shared-track.png"))
        red = visit.lines("path.rm-itinerary-leg.rm-is-inconsistent")
        green = visit.lines("path.rm-itinerary-leg.rm-is-consistent")
        assert len(red) == 1 and len(green) == 1
        # the red leg runs along the green one for most of its length, and is seen there
        assert red[0]["seen"] >= 0.8, red
        assert green[0]["seen"] <= 0.5, green  # covered by the red leg, shown by its halo
        assert visit.count("path.rm-halo") >= 1
        halo_colours = visit.page.evaluate(
            "() => [...document.querySelectorAll('path.rm-halo')].map(p => p.getAttribute('stroke'))"
        )
        assert render.VERDICT_COLOURS["consistent"] in halo_colours
        _assert_inconsistent_legs_visible(visit, 0.5)
        # zoom and pan keep the stacking
        visit.page.evaluate(
            "() => { const m = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];"
            " m.setZoom(m.getZoom() + 1, {animate: false}); }"
        )
        assert visit.lines("path.rm-itinerary-leg.rm-is-inconsistent")[0]["seen"] >= 0.5
        assert visit.external == [] and visit.errors == [] and visit.dialogs == []
    finally:
        visit.close()


def test_figure_off_the_itinerary_is_drawn_with_its_figure(browser, tmp_path) -> None:
    visit = Visit(browser, _save(fx.moscow_report(), tmp_path / "claim.html"))
    try:
        assert visit.count("path.rm-claim-leg") == 1
        labels = [label["text"] for label in visit.visible_labels(".rm-leg-label")]
        assert len(labels) == 3 and any("only 1,000 km" in t for t in labels)
        assert "not on a drawn leg" not in visit.page.inner_text(".rm-title")
        popup = visit.click_leg("path.rm-claim-leg")
        assert "<mark>only 1,000 km</mark>" in popup and "inconsistent" in popup
    finally:
        visit.close()


@pytest.mark.parametrize("which", ["moscow", "hanoi", "hostile"])
def test_place_labels_are_shown_without_overlapping(browser, tmp_path, which) -> None:
    report = {"moscow": fx.moscow_report(), "hanoi": fx.hanoi_report(), "hostile": fx.hanoi_report(hostile=True)}[which]
    visit = Visit(browser, _save(report, tmp_path / f"{which}.html"))
    try:
        for step in range(2):
            places = visit.visible_labels(".rm-place-label")
            legs = visit.visible_labels(".rm-leg-label")
            texts = [p["text"] for p in places]
            # leg ends are named; hotels and lakes only on hover
            assert any(t.startswith("Pyong") for t in texts) and not any("Hotel" in t or "Lake" in t for t in texts)
            for i, a in enumerate(places):
                for b in places[i + 1 :] + legs:
                    assert not _overlap(a, b), (a, b)
            visit.page.evaluate(
                "() => { const m = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];"
                " m.setZoom(m.getZoom() - 1, {animate: false}); }"
            )
        if which == "hostile":
            assert any("<img src=x onerror=alert(1)>" in t for t in texts)  # shown as text
        assert visit.dialogs == [] and visit.errors == [] and visit.external == []
    finally:
        visit.close()


@pytest.mark.parametrize(
    "example", ["kim-jong-il-moscow-2001.txt", "kim-vladivostok-2023-page.html", "kim-hanoi-2019-dated.txt"]
)
def test_real_examples_show_their_inconsistent_legs(browser, tmp_path, examples_dir, example) -> None:
    """The reviewer's three maps: every inconsistent line in view, on top and clear of the
    boxes; figures between two known places on no leg drawn; places named."""
    from routemap.errors import GazetteerError
    from routemap.gazetteer import load_gazetteer
    from routemap.pipeline import analyse_path

    try:
        gazetteer = load_gazetteer()
    except GazetteerError as exc:
        pytest.skip(f"bundled gazetteer not usable yet: {exc}")
    report = analyse_path(examples_dir / example, gazetteer)
    out = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(example).stem
    render.save_map(render.render_map(report, gazetteer), out / f"real-{stem}.html")
    visit = Visit(browser, out / f"real-{stem}.html")
    try:
        visit.page.screenshot(path=str(out / f"real-{stem}.png"))
        _assert_inconsistent_legs_visible(visit, 0.3)
        ends_known = [
            r for r in report.results
            if r.claim.leg is None and r.claim.from_id and r.claim.to_id and r.claim.from_id != r.claim.to_id
            and all(gazetteer.get(pid).kind not in ("country", "region") for pid in (r.claim.from_id, r.claim.to_id))
            and not any({leg.from_id, leg.to_id} == {r.claim.from_id, r.claim.to_id} for leg, _ in report.legs)
        ]
        if ends_known:
            assert visit.count("path.rm-claim-leg") >= 1
        assert len(visit.visible_labels(".rm-place-label")) >= 2
        assert visit.external == [] and visit.errors == [] and visit.dialogs == []
    finally:
        visit.close()
