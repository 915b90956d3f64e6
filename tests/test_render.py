"""Tests of routemap.render and routemap.assets on hand-built reports (no browser)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import folium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import map_fixtures as fx
from routemap import assets, render

MAX_HTML_BYTES = 400 * 1024


@pytest.fixture(scope="module")
def hanoi_html() -> str:
    return render.map_html(render.render_map(fx.hanoi_report()))


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return render.map_html(render.render_map(fx.hanoi_report(hostile=True)))


def test_page_links_nothing_external(hanoi_html: str) -> None:
    assert "<script src" not in hanoi_html
    assert "<link" not in hanoi_html
    for cdn_thing in ("jsdelivr", "cdnjs", "bootstrap", "fontawesome", "awesome-markers", "code.jquery"):
        assert cdn_thing not in hanoi_html.lower()
    # every URL left is a link target or an XML namespace, never something the page loads
    for url in re.findall(r"https?://[^\s\"')]+", hanoi_html):
        assert url.startswith(("http://www.w3.org/", "https://leafletjs.com", "https://bugzilla.mozilla.org")), url
    assert 'url("data:image/png;base64,' in hanoi_html  # Leaflet's CSS images are inlined
    assert "url(images/" not in hanoi_html
    assert "sourceMappingURL" not in hanoi_html


def test_leaflet_inlined_jquery_only_when_needed(hanoi_html: str) -> None:
    assert 'version="1.9.3"' in hanoi_html
    assert "jQuery" not in hanoi_html
    fmap = render.render_map(fx.hanoi_report())
    folium.Marker([39.0, 125.7], popup=folium.Popup("user popup")).add_to(fmap)
    assert "jQuery" in render.map_html(fmap)


def test_size_limit(hanoi_html: str) -> None:
    assert len(hanoi_html.encode()) <= MAX_HTML_BYTES
    combined = render.map_html(render.render_map([fx.hanoi_report(), fx.vladivostok_report()]))
    assert len(combined.encode()) <= MAX_HTML_BYTES


def test_two_renders_are_byte_identical(tmp_path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    render.save_map(render.render_map(fx.hanoi_report()), first)
    render.save_map(render.render_map(fx.hanoi_report()), second)
    assert first.read_bytes() == second.read_bytes()
    # and folium's random ids are back to normal outside the renders
    assert folium.Marker([0, 0]).get_name() != folium.Marker([0, 0]).get_name()


def test_save_map_is_atomic(tmp_path, monkeypatch) -> None:
    target = tmp_path / "map.html"
    target.write_text("old map")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(render.os, "replace", broken_replace)
    with pytest.raises(OSError):
        render.save_map(render.render_map(fx.vladivostok_report()), target)
    assert target.read_text() == "old map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_map_content(hanoi_html: str) -> None:
    # legs: tooltips with the route basis and distance, colours by verdict, dashed straight line
    assert "rail route 3,890 km" in hanoi_html
    assert "road route 165 km" in hanoi_html
    assert "air: no route, straight line" in hanoi_html
    assert render.VERDICT_COLOURS["consistent"] in hanoi_html
    assert f'"dashArray": "{render.DASH_ESTIMATE}"' in hanoi_html
    # scale bar, layer control, legend, attribution, fitted view
    assert "L.control.scale()" in hanoi_html
    assert "L.control.layers(" in hanoi_html
    assert "Legs: rail" in hanoi_html and "Legs: road" in hanoi_html and "Legs: air" in hanoi_html
    assert "Natural Earth" in hanoi_html and "GeoNames (CC BY 4.0)" in hanoi_html
    assert "OpenStreetMap" not in hanoi_html
    assert ".fitBounds(" in hanoi_html
    # the popup quotes the sentence with the figure marked (HTML inside a JS string)
    assert "\\u003cmark\\u003e170 km\\u003c/mark\\u003e" in hanoi_html
    # a country is a label, not a pin
    assert "L.divIcon(" in hanoi_html and "rm-label" in hanoi_html


def test_rail_leg_follows_its_geometry() -> None:
    fmap = render.render_map(fx.vladivostok_report())
    lines = [e for e in _walk(fmap) if isinstance(e, folium.PolyLine)]
    assert len(lines) == 1
    assert len(lines[0].locations) == len(fx.RAIL_PYONGYANG_VLADIVOSTOK)
    assert lines[0].options["color"] == render.VERDICT_COLOURS["inconsistent"]


def test_view_ignores_country_label_points() -> None:
    fmap = render.render_map(fx.vladivostok_report())
    (fit,) = [e for e in _walk(fmap) if isinstance(e, render.FitView)]
    (south, west), (north, east) = fit.bounds
    assert south >= 39.0 and north <= 44.0  # Russia's label point at 60N does not widen the view
    assert west >= 125.0 and east <= 132.1


def test_osm_tiles_are_optional() -> None:
    html = render.map_html(render.render_map(fx.vladivostok_report(), tiles="osm"))
    assert "tile.openstreetmap.org" in html
    assert "OpenStreetMap" in html
    with pytest.raises(ValueError):
        render.render_map(fx.vladivostok_report(), tiles="satellite")


def test_basemap_is_clipped_to_the_journey() -> None:
    world = assets.basemap()
    assert 100 < len(world["features"]) <= 260
    clipped = render._clipped_basemap([[39.0, 125.7], [43.2, 131.9]])
    names = {f["properties"]["name"] for f in clipped["features"]}
    assert {"North Korea", "China", "Russia"} <= names
    assert "Brazil" not in names and "France" not in names
    for feature in clipped["features"]:
        for lon, lat in _coordinates(feature["geometry"]["coordinates"]):
            assert 125.7 - 16 <= lon <= 131.9 + 16 and 39.0 - 16 <= lat <= 43.2 + 16
            assert round(lon, 4) == lon and round(lat, 4) == lat


# --------------------------------------------------------------------------- draw order, halos, labels


def _lines(fmap, css_class: str) -> list:
    return [e for e in _walk(fmap) if isinstance(e, folium.PolyLine) and css_class in e.options.get("className", "")]


def test_inconsistent_leg_is_drawn_on_top_of_a_shared_track() -> None:
    fmap = render.render_map(fx.moscow_report())
    (panes,) = [e for e in _walk(fmap) if isinstance(e, render.LegPanes)]
    z = dict(panes.panes)
    (red,) = [l for l in _lines(fmap, "rm-itinerary-leg") if "rm-is-inconsistent" in l.options["className"]]
    (green,) = [l for l in _lines(fmap, "rm-itinerary-leg") if "rm-is-consistent" in l.options["className"]]
    assert red.options["color"] == render.VERDICT_COLOURS["inconsistent"]
    assert z[red.options["pane"]] > z[green.options["pane"]]
    # every halo is in a pane below every leg pane of a higher rank, and the consistent leg has one
    # along the track it shares with the red leg, wide enough to show as a border around it
    halos = _lines(fmap, "rm-halo")
    assert halos and all(h.options["interactive"] is False for h in halos)
    green_halos = [h for h in halos if h.options["color"] == green.options["color"]]
    assert green_halos
    assert max(h.options["weight"] for h in green_halos) >= red.options["weight"] + render.HALO_STEP
    assert all(z[h.options["pane"]] < z[red.options["pane"]] for h in green_halos)
    shared = {tuple(p) for h in green_halos for run in h.locations for p in run}
    assert {tuple(p) for p in fx.RAIL_USSURIYSK_MOSCOW[2:-2]} <= shared
    assert (fx.VLADIVOSTOK.lat, fx.VLADIVOSTOK.lon) not in shared  # the part only the green leg runs


def test_draw_order_is_by_verdict_then_as_listed() -> None:
    views = [
        render._LegView(fx.PYONGYANG, fx.MOSCOW, "rail", None, [(None, fx.result(_q(), v, "x", 1.0, 0))] if v else [])
        for v in ("inconsistent", None, "consistent", "unverifiable", "inconsistent", None)
    ]
    ordered = render._draw_order(views)
    assert [v.verdict for v in ordered] == [None, None, "consistent", "unverifiable", "inconsistent", "inconsistent"]
    assert ordered[-2] is views[0] and ordered[-1] is views[4] and ordered[0] is views[1]


def _q():
    return fx.vladivostok_report().results[0].claim.quantity


def test_leg_labels_are_apart_and_on_their_legs() -> None:
    fmap = render.render_map(fx.moscow_report())
    labels = [e for e in _walk(fmap) if isinstance(e, render.PointLabel)]
    assert len(labels) == 3  # two legs and the figure off the itinerary
    texts = [json.loads(label.content_js) for label in labels]
    assert any("only 1,000 km" in t for t in texts)
    points = [label.location for label in labels]
    for a in range(len(points)):
        for b in range(a + 1, len(points)):
            (lat1, lon1), (lat2, lon2) = points[a], points[b]
            assert abs(lat1 - lat2) > 2 or abs(lon1 - lon2) > 10, (texts[a], texts[b])
    # each label sits on (or just beside) its own line
    lines = _lines(fmap, "rm-leg ")
    for label in labels:
        lat, lon = label.location
        assert any(_near_polyline(lat, lon, line.locations, 0.5) for line in lines), label.location


def _near_polyline(lat, lon, points, tolerance_deg) -> bool:
    from shapely.geometry import LineString, Point

    return LineString([(p[1], p[0]) for p in points]).distance(Point(lon, lat)) <= tolerance_deg


def test_figure_off_the_itinerary_is_drawn_straight_without_a_gazetteer() -> None:
    report = fx.moscow_report()
    fmap = render.render_map(report)
    (claim_line,) = _lines(fmap, "rm-claim-leg")
    assert claim_line.options["color"] == render.VERDICT_COLOURS["inconsistent"]
    assert claim_line.options["dashArray"] == render.DASH_ESTIMATE
    assert [tuple(p) for p in claim_line.locations] == [fx.NOVOSIBIRSK.latlon, fx.MOSCOW.latlon]
    html = render.map_html(fmap)
    assert "not on a drawn leg" not in html
    assert "Figures off the itinerary" in html
    data = render.report_geojson(report)
    (claim,) = [f for f in data["features"] if f["properties"]["feature"] == "claim"]
    assert claim["properties"]["text"] == "only 1,000 km"
    assert claim["geometry"]["type"] == "LineString"
    assert claim["geometry"]["coordinates"][0] == [round(fx.NOVOSIBIRSK.lon, 5), round(fx.NOVOSIBIRSK.lat, 5)]


def test_figure_off_the_itinerary_with_no_mode_is_drawn_as_the_straight_line_it_is_checked_on(gazetteer) -> None:
    """"Novosibirsk lies only 1,000 km from Moscow" names no mode, so checks measure it on the
    straight line; the map draws and labels that line, not a rail or road route."""
    for pid in ("novosibirsk", "moscow"):
        if pid not in gazetteer.places:
            pytest.skip(f"bundled gazetteer has no {pid}")
    from routemap.geo import geodesic_km

    report = fx.moscow_report()
    by_id = {place.id: place for place in report.places}
    straight = geodesic_km(by_id["novosibirsk"].latlon, by_id["moscow"].latlon)
    fmap = render.render_map(report, gazetteer)
    (claim_line,) = _lines(fmap, "rm-claim-leg")
    ends = {tuple(round(c, 3) for c in claim_line.locations[0]), tuple(round(c, 3) for c in claim_line.locations[-1])}
    assert ends == {tuple(round(c, 3) for c in by_id[pid].latlon) for pid in ("novosibirsk", "moscow")}
    (label,) = [e for e in _walk(fmap) if isinstance(e, render.PointLabel) and "only 1,000 km" in e.content_js]
    text = json.loads(label.content_js)
    assert "straight line" in text and f"{straight:,.0f} km" in text
    assert "rail route" not in text and "road route" not in text


def test_claims_with_a_country_end_stay_listed() -> None:
    report = fx.vladivostok_report()
    loose = fx.result(report.results[0].claim.quantity, "unverifiable", "x", 100.0, None, "pyongyang", "russia", "rail")
    report = type(report)(report.article, report.places, report.legs, report.results + (loose,))
    fmap = render.render_map(report)
    assert _lines(fmap, "rm-claim-leg") == []
    assert "1 figure(s) not on a drawn leg" in render.map_html(fmap)


def test_place_labels_for_towns_and_stations_hover_for_hotels() -> None:
    fmap = render.render_map(fx.moscow_report())
    tooltips = {}
    for marker in _walk(fmap):
        if isinstance(marker, folium.CircleMarker):
            (tooltip,) = [c for c in marker._children.values() if isinstance(c, render.SafeTooltip)]
            tooltips[tuple(marker.location)] = tooltip
    for labelled in (fx.PYONGYANG, fx.MOSCOW, fx.KHASAN, fx.USSURIYSK, fx.NOVOSIBIRSK):
        tooltip = tooltips[labelled.latlon]
        assert tooltip.options.get("permanent") is True
        assert json.loads(tooltip.content_js) == labelled.name
    hotel = tooltips[(55.7586, 37.6210)]
    assert not hotel.options.get("permanent")
    # the legend lists only kinds on the map
    html = render.map_html(fmap)
    assert "hotel / landmark / building" in html and "border crossing" in html
    assert "water\u003c/div\u003e" not in render.map_html(render.render_map(fx.vladivostok_report()))


def test_place_labels_are_added_lowest_priority_first() -> None:
    content = render._collect((fx.moscow_report(),), None)
    order = [p.id for p in render._label_order(content)]
    # leg ends first, then cities before border crossings before hotels
    assert set(order[:4]) == {"pyongyang", "moscow", "vladivostok", "novosibirsk"}
    assert order.index("ussuriysk") < order.index("khasan") < order.index("metropole-moscow")


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_is_escaped(hostile_html: str) -> None:
    script_body = hostile_html.split("</head>", 1)[1]
    assert "<img src=x" not in hostile_html
    assert "<script>alert(2)" not in hostile_html
    assert "${alert(3)}" not in hostile_html
    assert "alert(2)</script>" not in hostile_html
    # no script element more than in a harmless map
    harmless = render.map_html(render.render_map(fx.hanoi_report()))
    assert hostile_html.count("<script") == harmless.count("<script")
    assert script_body.count("</script>") == 1
    # the title is HTML-escaped in <title>
    assert "<title>routemap: Title &lt;img src=x onerror=alert(1)&gt;" in hostile_html


def test_jinja_syntax_in_article_text_stays_text() -> None:
    report = fx.hanoi_report()
    evil = fx.place("pyongyang", "{{ 7*7 }}{% if true %}x{% endif %}", "city", "KP", 39.0, 125.7)
    report = type(report)(report.article, (evil,) + report.places[1:], report.legs, report.results)
    html = render.map_html(render.render_map(report))
    assert render.js_string(render._esc(evil.name))[1:-1] in html  # kept as text, not evaluated
    assert "{{" not in html.split("</head>", 1)[1]
    assert "{%" not in html


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_js_string_round_trips_and_is_inert(text: str) -> None:
    literal = render.js_string(text)
    assert json.loads(literal) == text
    for forbidden in ("<", ">", "&", "'", "{", "}", "\u2028", "\u2029"):
        assert forbidden not in literal


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_lonlat_and_claims() -> None:
    data = render.report_geojson(fx.vladivostok_report())
    assert data["type"] == "FeatureCollection"
    points = {f["properties"]["id"]: f for f in data["features"] if f["properties"]["feature"] == "place"}
    assert points["pyongyang"]["geometry"]["coordinates"] == [125.7625, 39.0392]  # lon, lat
    (leg,) = [f for f in data["features"] if f["properties"]["feature"] == "leg"]
    assert leg["geometry"]["type"] == "LineString"
    assert leg["geometry"]["coordinates"][0] == [125.7625, 39.0392]
    assert leg["geometry"]["coordinates"][-1] == [131.8855, 43.1155]
    assert leg["properties"]["verdict"] == "inconsistent"
    assert [c["text"] for c in leg["properties"]["claims"]] == ["680km", "roughly 20 hours"]
    assert leg["properties"]["claims"][0]["checks"][0]["expected"] == 1180.0
    json.dumps(data, allow_nan=False)  # serialisable, no NaN


def test_geojson_keeps_claims_without_a_leg() -> None:
    report = fx.vladivostok_report()
    loose = fx.result(report.results[0].claim.quantity, "unverifiable", "length in CN", 100.0, None)
    report = type(report)(report.article, report.places, report.legs, report.results + (loose,))
    data = render.report_geojson(report)
    claims = [f for f in data["features"] if f["properties"]["feature"] == "claim"]
    assert len(claims) == 1 and claims[0]["geometry"] is None
    html = render.map_html(render.render_map(report))
    assert "1 figure(s) not on a drawn leg" in html


# --------------------------------------------------------------------------- import cost


def test_cli_check_does_not_import_folium() -> None:
    code = (
        "import sys, routemap.cli, routemap.cli.map, routemap.cli.check\n"
        "assert 'folium' not in sys.modules, 'folium imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": os.getcwd()})


# --------------------------------------------------------------------------- helpers


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _coordinates(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from _coordinates(c)
