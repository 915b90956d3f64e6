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
        visit.page.locator("path.rm-place").first.click(force=True)
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
