"""Render reports as self-contained, offline Leaflet maps (folium) and as GeoJSON.

:func:`render_map` turns one or more :class:`~routemap.models.Report` s (several articles about
the same journey give one combined map) into a :class:`folium.Map` that callers may add to;
:func:`save_map` writes it atomically.  The page:

* makes no network request when opened from disk (unless ``tiles="osm"``): Leaflet and its CSS
  and images are inlined from ``xstatic-leaflet`` (see :mod:`routemap.assets`), no
  Bootstrap / font-awesome / awesome-markers; markers are ``CircleMarker`` s and ``DivIcon``
  labels; the basemap is Natural Earth country outlines, clipped to the journey's surroundings
  (its bounding box plus a margin of its span, at least 15 degrees, on each side) so that
  each page carries only the part it shows;
* escapes every string that comes from an article or a gazetteer for the context it lands in:
  HTML is built with :func:`html.escape` and handed to JavaScript as a JSON string literal with
  ``<``, ``>``, ``&``, ``'`` written as ``\\uXXXX`` (never inside a template literal), so neither
  markup, ``</script>``, backticks nor ``${...}`` in a place name or a sentence can run;
* is deterministic: element ids come from a counter (:func:`deterministic_ids`), not ``uuid4``,
  and nothing depends on time, so the same input gives a byte-identical file.

folium is imported here only; the CLI imports this module lazily so ``routemap check`` stays fast.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from routemap import assets
from routemap.errors import RoutemapError, UnknownPlaceError
from routemap.models import Article, ClaimResult, Leg, Place, Report, Route

__all__ = [
    "VERDICT_COLOURS",
    "NO_CLAIM_COLOUR",
    "TILE_CHOICES",
    "OfflineMap",
    "render_map",
    "map_html",
    "save_map",
    "report_geojson",
    "save_geojson",
    "write_atomic",
    "deterministic_ids",
    "js_string",
    "find_chromium",
    "screenshot_map",
    "CHROMIUM_ARGS",
    "CHROMIUM_MISSING_HELP",
]

TILE_CHOICES = ("none", "osm")

VERDICT_COLOURS: dict[str, str] = {
    "consistent": "#1a9641",
    "inconsistent": "#d7191c",
    "unverifiable": "#e69500",
}
NO_CLAIM_COLOUR = "#2c7bb6"
VERDICT_ORDER = ("inconsistent", "unverifiable", "consistent")
"""A leg with several claims takes the first verdict in this order that any of them has."""

LEG_WEIGHTS: dict[str | None, float] = {"rail": 4.5, "road": 3.5, "sea": 3.0, "air": 2.5, "foot": 2.0, None: 3.0}
DASH_ESTIMATE = "6 8"
"""Dash pattern of a leg drawn as a straight line (route ``basis == "estimate"`` or no route)."""

MODE_LABELS = {"rail": "rail", "road": "road", "air": "air", "sea": "sea", "foot": "foot", None: "unknown mode"}

# kind -> CircleMarker style; countries are drawn as labels instead.
PLACE_STYLES: dict[str, dict[str, Any]] = {
    "city": dict(radius=7, color="#ffffff", weight=1.5, fill_color="#333333"),
    "town": dict(radius=5.5, color="#ffffff", weight=1.5, fill_color="#333333"),
    "village": dict(radius=4.5, color="#ffffff", weight=1.5, fill_color="#555555"),
    "region": dict(radius=5, color="#333333", weight=1, fill_color="#bbbbbb"),
    "station": dict(radius=5, color="#111111", weight=2.5, fill_color="#ffffff"),
    "border_crossing": dict(radius=6, color="#111111", weight=2, fill_color="#ffd400"),
    "airport": dict(radius=5, color="#ffffff", weight=1.5, fill_color="#6a3d9a"),
    "port": dict(radius=5, color="#ffffff", weight=1.5, fill_color="#1f78b4"),
    "hotel": dict(radius=4, color="#ffffff", weight=1, fill_color="#c51b7d"),
    "landmark": dict(radius=4, color="#ffffff", weight=1, fill_color="#c51b7d"),
    "building": dict(radius=4, color="#ffffff", weight=1, fill_color="#c51b7d"),
    "water": dict(radius=6, color="#ffffff", weight=1.5, fill_color="#2b8cbe"),
}
DEFAULT_PLACE_STYLE = dict(radius=5, color="#ffffff", weight=1.5, fill_color="#777777")
LEGEND_PLACE_KINDS = (
    ("city", "city / town"),
    ("station", "station"),
    ("border_crossing", "border crossing"),
    ("hotel", "hotel / landmark / building"),
    ("water", "water"),
)

BASEMAP_MARGIN_DEG = 15.0
BASEMAP_MARGIN_SHARE = 1.0
BASEMAP_DECIMALS = 4
GEOJSON_DECIMALS = 5

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
CHROMIUM_MISSING_HELP = (
    "PNG output needs Chromium and the Python package playwright: "
    "install them with `apt-get install chromium` and `pip install playwright` "
    "(or set ROUTEMAP_CHROMIUM to a Chromium binary); never `playwright install`"
)


# --------------------------------------------------------------------------- escaping


def js_string(text: str) -> str:
    """``text`` as a JavaScript string literal safe inside an HTML ``<script>`` element.

    JSON double-quoted string (backslashes, quotes and control characters escaped by
    :func:`json.dumps`); ``<``, ``>``, ``&``, ``'`` and the line separators U+2028/U+2029 as
    ``\\uXXXX`` so ``</script>`` or ``<!--`` cannot end the script.  Backticks and ``${`` are
    inert in a double-quoted string.
    """
    return (
        json.dumps(text, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("{", "\\u007b")
        .replace("}", "\\u007d")
    )


def _esc(text: object) -> str:
    """Text as HTML: :func:`html.escape`, and braces as character references so that no
    ``{{``/``{%`` from an article can reach a Jinja template (folium re-parses rendered
    snippets as templates)."""
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


# --------------------------------------------------------------------------- deterministic ids

_ID_LOCK = threading.RLock()


@contextlib.contextmanager
def deterministic_ids(prefix: str = "r") -> Iterator[None]:
    """Within the block, branca/folium elements get ids ``{prefix}1``, ``{prefix}2``, ...

    folium names every element ``<kind>_<random hex>``; a counter makes the HTML reproducible.
    The patch is process-wide while the block runs (guarded by a lock against other renders in
    this process); wrap your own additions to a returned map in it to keep them reproducible.
    """
    counter = itertools.count(1)
    with _ID_LOCK:
        original = Element.__dict__["_generate_id"]
        Element._generate_id = classmethod(lambda cls: f"{prefix}{next(counter)}")  # type: ignore[method-assign]
        try:
            yield
        finally:
            Element._generate_id = original  # type: ignore[method-assign]


class RawElement(Element):
    """An element whose text goes into the page as it is (branca would compile it as Jinja)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawElement"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _macro_render_raw(self: MacroElement, **kwargs: Any) -> None:
    """:meth:`branca.element.MacroElement.render`, but the rendered macros are added as
    :class:`RawElement` s instead of being compiled again as Jinja templates: 5x faster, and
    text such as ``{{ ... }}`` in a snippet stays text."""
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    module = self._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = module.get(part)
        if macro is not None:
            getattr(figure, part).add_child(RawElement(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


@contextlib.contextmanager
def _raw_macro_rendering() -> Iterator[None]:
    with _ID_LOCK:
        original = MacroElement.__dict__["render"]
        MacroElement.render = _macro_render_raw  # type: ignore[method-assign]
        try:
            yield
        finally:
            MacroElement.render = original  # type: ignore[method-assign]


# --------------------------------------------------------------------------- folium elements


class OfflineMap(folium.Map):
    """A :class:`folium.Map` whose page links nothing: Leaflet is inlined, no CDN resources.

    ``default_js``/``default_css`` are empty; :meth:`render` puts Leaflet's CSS and JavaScript,
    the default marker icon (``data:`` URIs) and routemap's styles into the page header, and
    jQuery as well when a folium :class:`folium.Popup` (which needs it) has been added.
    Other folium plugins added by a user still bring their own CDN links.
    """

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
        header = figure.header
        header.add_child(RawElement(assets.style_tag(assets.leaflet_css() + _PAGE_CSS)), name="leaflet_css", index=1)
        scripts = assets.leaflet_js() + assets.default_icon_js()
        if _needs_jquery(self):
            scripts = assets.jquery_js() + scripts
        header.add_child(RawElement(assets.script_tag(scripts)), name="leaflet", index=1)
        super().render(**kwargs)


def _needs_jquery(root: Element) -> bool:
    stack = [root]
    while stack:
        element = stack.pop()
        if isinstance(element, folium.Popup):
            return True
        stack.extend(element._children.values())
    return False


class SafeTooltip(MacroElement):
    """A tooltip whose content is trusted HTML built by routemap, passed as a JS string literal."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip({{ this.content_js }}, {{ this.options|tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str, **options: Any) -> None:
        super().__init__()
        self._name = "SafeTooltip"
        self.content_js = js_string(content_html)
        self.options = options


class SafePopup(MacroElement):
    """A popup whose content is trusted HTML built by routemap, passed as a JS string literal
    (folium's own Popup puts its content in a JavaScript template literal and needs jQuery)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindPopup({{ this.content_js }}, {{ this.options|tojavascript }});
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str, max_width: int = 380) -> None:
        super().__init__()
        self._name = "SafePopup"
        self.content_js = js_string(content_html)
        self.options = {"max_width": max_width, "max_height": 420}


class HtmlControl(MacroElement):
    """A small fixed box (legend, title) as a Leaflet control holding routemap-built HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
            {{ this.get_name() }}.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.content_js }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.content_js = js_string(content_html)
        self.position = position
        self.css_class = css_class


class AttributionText(MacroElement):
    """Adds fixed attribution text to the map's attribution control."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_js }});
        {% endmacro %}
        """
    )

    def __init__(self, text_html: str) -> None:
        super().__init__()
        self._name = "AttributionText"
        self.text_js = js_string(text_html)


class FitView(MacroElement):
    """``fitBounds`` without animation: an animated first zoom leaves the basemap pane's
    renderer sized for the world view (the outlines then stop at a line)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], padding: int = 30, max_zoom: int = 9) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.options = {"padding": [padding, padding], "maxZoom": max_zoom, "animate": False}


class BasemapLayer(Layer):
    """Country outlines as a non-interactive ``L.geoJSON`` in its own pane below the legs."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            if (!{{ this._parent.get_name() }}.getPane("routemapBasemap")) {
                {{ this._parent.get_name() }}.createPane("routemapBasemap").style.zIndex = 250;
            }
            var {{ this.get_name() }} = L.geoJSON({{ this.data_js }}, {
                pane: "routemapBasemap",
                interactive: false,
                style: {{ this.style|tojson }}
            });
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, name: str, style: dict, show: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "BasemapLayer"
        self.data_js = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c").replace(
            ">", "\\u003e"
        ).replace("&", "\\u0026")
        self.style = style


_PAGE_CSS = """
.leaflet-container { background: #dbe7f0; font: 13px/1.35 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.rm-box { background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0,0,0,.35); max-width: 330px; }
.rm-box h1 { font-size: 14px; margin: 0 0 3px; }
.rm-box .rm-meta { color: #555; font-size: 11px; }
.rm-legend { font-size: 11.5px; }
.rm-legend .row { display: flex; align-items: center; gap: 6px; margin: 2px 0; white-space: nowrap; }
.rm-legend svg { flex: none; }
.rm-label div { font: 600 11px/1.1 system-ui, sans-serif; color: #555; letter-spacing: .08em;
  text-transform: uppercase; text-align: center; text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap; }
.rm-popup blockquote { margin: 4px 0; padding: 3px 7px; border-left: 3px solid #aaa; background: #f6f6f6; }
.rm-popup mark { background: #ffe066; padding: 0 1px; }
.rm-popup table { border-collapse: collapse; font-size: 11.5px; margin: 3px 0; }
.rm-popup td, .rm-popup th { border-bottom: 1px solid #ddd; padding: 1px 4px; text-align: left; vertical-align: top; }
.rm-verdict { display: inline-block; color: #fff; border-radius: 3px; padding: 0 4px; font-size: 11px; font-weight: 600; }
.rm-claim { margin: 6px 0 8px; }
.rm-km { font-weight: 600; }
.leaflet-tooltip.rm-leg-label { padding: 1px 5px; font-size: 11.5px; opacity: .9; }
"""


# --------------------------------------------------------------------------- what the map shows


@dataclass
class _LegView:
    """A leg to draw: its ends, route and the claims about it (from one or several reports)."""

    start: Place
    end: Place
    mode: str | None
    route: Route | None
    results: list[tuple[Report, ClaimResult]] = field(default_factory=list)

    @property
    def verdict(self) -> str | None:
        verdicts = {result.verdict for _, result in self.results}
        return next((v for v in VERDICT_ORDER if v in verdicts), None)

    @property
    def straight(self) -> bool:
        return self.route is None or self.route.basis == "estimate" or len(self.route.geometry) < 2

    def points(self) -> list[tuple[float, float]]:
        if self.straight:
            return [self.start.latlon, self.end.latlon]
        return list(self.route.geometry)  # type: ignore[union-attr]


@dataclass
class _MapContent:
    reports: tuple[Report, ...]
    places: list[Place]
    legs: list[_LegView]
    loose: list[tuple[Report, ClaimResult]]
    mentions: dict[str, list[tuple[Article, int, int, int]]]


def _as_reports(reports: Report | Iterable[Report]) -> tuple[Report, ...]:
    return (reports,) if isinstance(reports, Report) else tuple(reports)


def _lookup(place_id: str, known: dict[str, Place], gazetteer: Any) -> Place | None:
    if place_id in known:
        return known[place_id]
    if gazetteer is None:
        return None
    try:
        return gazetteer.get(place_id)
    except (UnknownPlaceError, LookupError):
        return None


def _collect(reports: tuple[Report, ...], gazetteer: Any) -> _MapContent:
    places: dict[str, Place] = {}
    mentions: dict[str, list[tuple[Article, int, int, int]]] = {}
    for report in reports:
        for place in report.places:
            places.setdefault(place.id, place)
        for mention in report.article.mentions:
            mentions.setdefault(mention.place_id, []).append(
                (report.article, mention.sentence, mention.start, mention.end)
            )
    legs: dict[tuple[str, str, str | None], _LegView] = {}
    loose: list[tuple[Report, ClaimResult]] = []
    for report in reports:
        views: list[_LegView | None] = []
        for leg, route in report.legs:
            start = _lookup(leg.from_id, places, gazetteer)
            end = _lookup(leg.to_id, places, gazetteer)
            if start is None or end is None:
                views.append(None)
                continue
            places.setdefault(start.id, start)
            places.setdefault(end.id, end)
            key = (*sorted((leg.from_id, leg.to_id)), leg.mode)
            view = legs.get(key)  # type: ignore[arg-type]
            if view is None:
                view = legs[key] = _LegView(start, end, leg.mode, route)  # type: ignore[index]
            elif view.route is None and route is not None:
                view.route = route
            views.append(view)
        for result in report.results:
            view = _leg_of(result, report.legs, views)
            if view is None:
                loose.append((report, result))
            else:
                view.results.append((report, result))
    return _MapContent(reports, list(places.values()), list(legs.values()), loose, mentions)


def _leg_of(
    result: ClaimResult, legs: Sequence[tuple[Leg, Route | None]], views: Sequence[_LegView | None]
) -> _LegView | None:
    claim = result.claim
    if claim.leg is not None and 0 <= claim.leg < len(views):
        return views[claim.leg]
    if claim.from_id and claim.to_id:
        ends = {claim.from_id, claim.to_id}
        for (leg, _), view in zip(legs, views):
            if view is not None and {leg.from_id, leg.to_id} == ends and claim.mode in (None, leg.mode):
                return view
    return None


# --------------------------------------------------------------------------- HTML snippets


def _km(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    return f"{text} {unit}"


def _quote(article: Article, sentence: int, start: int, end: int, limit: int = 420) -> str:
    """The sentence holding ``text[start:end]`` as escaped HTML with that span in ``<mark>``
    (shortened around the span to about ``limit`` characters)."""
    if 0 <= sentence < len(article.sentences):
        s = article.sentences[sentence]
        first, last = min(s.start, start), max(s.end, end)
    else:
        first, last = max(0, start - 160), min(len(article.text), end + 160)
    lo, hi = first, last
    if hi - lo > limit:
        spare = max(0, limit - (end - start)) // 2
        lo, hi = max(lo, start - spare), min(hi, end + spare)
    before, marked, after = article.text[lo:start], article.text[start:end], article.text[end:hi]
    prefix = "…" if lo > first else ""
    suffix = "…" if hi < last else ""
    return (
        f"<blockquote>{prefix}{_esc(before.lstrip())}<mark>{_esc(marked)}</mark>"
        f"{_esc(after.rstrip())}{suffix}</blockquote>"
    )


def _badge(verdict: str | None) -> str:
    colour = VERDICT_COLOURS.get(verdict or "", NO_CLAIM_COLOUR)
    return f'<span class="rm-verdict" style="background:{colour}">{_esc(verdict or "no claim")}</span>'


def _claim_html(report: Report, result: ClaimResult, show_source: bool) -> str:
    quantity = result.claim.quantity
    parts = ['<div class="rm-claim">', _badge(result.verdict), f" <b>{_esc(quantity.text)}</b>"]
    if show_source:
        parts.append(f' <span class="rm-meta">{_esc(report.article.title or report.article.source)}</span>')
    parts.append(_quote(report.article, quantity.sentence, quantity.start, quantity.end))
    if result.checks:
        parts.append("<table><tr><th>check</th><th>expected</th><th>ratio</th><th>verdict</th></tr>")
        for check in result.checks:
            ratio = "–" if check.ratio is None else f"{check.ratio:.2f}"
            parts.append(
                f"<tr><td>{_esc(check.basis)}</td><td>{_esc(_number(check.expected, check.unit))}</td>"
                f"<td>{_esc(ratio)}</td><td>{_esc(check.verdict)}</td></tr>"
            )
            if check.note:
                parts.append(f'<tr><td colspan="4" class="rm-meta">{_esc(check.note)}</td></tr>')
        parts.append("</table>")
    if result.explanation:
        parts.append(f"<div>{_esc(result.explanation)}</div>")
    parts.append("</div>")
    return "".join(parts)


def _leg_label(view: _LegView) -> str:
    route = view.route
    if route is None:
        from geopy.distance import geodesic

        km = geodesic(view.start.latlon, view.end.latlon).km
        return f"{MODE_LABELS.get(view.mode, view.mode)}: no route, straight line {_km(km)} km"
    if route.basis == "estimate":
        span = f" ({_km(route.km_low)}–{_km(route.km_high)})" if route.km_low is not None else ""
        return f"{route.mode} estimate {_km(route.km)} km{span}"
    return f"{route.basis} {_km(route.km)} km"


def _leg_popup(view: _LegView, combined: bool) -> str:
    mode = MODE_LABELS.get(view.mode, str(view.mode))
    parts = [
        '<div class="rm-popup">',
        f"<b>{_esc(view.start.name)} → {_esc(view.end.name)}</b> ({_esc(mode)})<br>",
        f'<span class="rm-km">{_esc(_leg_label(view))}</span>',
    ]
    route = view.route
    if route is not None:
        parts.append(f'<div class="rm-meta">straight line {_esc(_km(route.geodesic_km))} km')
        if route.km_by_country:
            by_country = ", ".join(f"{code} {_km(km)} km" for code, km in sorted(route.km_by_country.items()))
            parts.append(f"; by country: {_esc(by_country)}")
        if len(route.path) > 2:
            parts.append(f"; {len(route.path) - 2} intermediate stops on the network")
        parts.append("</div>")
    if not view.results:
        parts.append('<div class="rm-meta">The article states no figure for this leg.</div>')
    for report, result in view.results:
        parts.append(_claim_html(report, result, combined))
    parts.append("</div>")
    return "".join(parts)


def _place_popup(place: Place, content: _MapContent) -> str:
    where = ", ".join(x for x in (place.kind.replace("_", " "), place.country or "") if x)
    parts = [
        '<div class="rm-popup">',
        f"<b>{_esc(place.name)}</b> <span class=\"rm-meta\">{_esc(where)}</span><br>",
        f'<span class="rm-meta">{place.lat:.4f}, {place.lon:.4f}',
    ]
    if place.source:
        parts.append(f"; {_esc(place.source)}")
    parts.append("</span>")
    for article, sentence, start, end in content.mentions.get(place.id, [])[:2]:
        parts.append(_quote(article, sentence, start, end, limit=300))
    parts.append("</div>")
    return "".join(parts)


def _title_box(content: _MapContent) -> str:
    parts = []
    for report in content.reports:
        article = report.article
        title = article.title or Path(article.source).name or article.source
        counts: dict[str, int] = {}
        for result in report.results:
            counts[result.verdict] = counts.get(result.verdict, 0) + 1
        summary = ", ".join(f"{n} {verdict}" for verdict, n in sorted(counts.items())) or "no figures checked"
        meta = " · ".join(x for x in (article.date, article.source) if x)
        parts.append(f"<h1>{_esc(title)}</h1><div class=\"rm-meta\">{_esc(meta)}<br>{_esc(summary)}</div>")
    if content.loose:
        parts.append(
            f'<details class="rm-popup"><summary>{len(content.loose)} figure(s) not on a drawn leg</summary>'
        )
        for report, result in content.loose:
            parts.append(_claim_html(report, result, len(content.reports) > 1))
        parts.append("</details>")
    return "".join(parts)


def _legend(content: _MapContent) -> str:
    def line(colour: str, dash: str | None = None, weight: float = 4) -> str:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return (
            f'<svg width="34" height="10"><line x1="1" y1="5" x2="33" y2="5" stroke="{colour}" '
            f'stroke-width="{weight}"{dash_attr}/></svg>'
        )

    def dot(style: dict) -> str:
        return (
            f'<svg width="34" height="16"><circle cx="17" cy="8" r="{min(style["radius"], 7)}" '
            f'fill="{style["fill_color"]}" stroke="{style["color"] if style["color"] != "#ffffff" else "#999"}" '
            f'stroke-width="{min(style["weight"], 2)}"/></svg>'
        )

    rows = ["<b>Legs (colour = verdict of its figures)</b>"]
    for verdict, colour in VERDICT_COLOURS.items():
        rows.append(f'<div class="row">{line(colour)}{verdict}</div>')
    rows.append(f'<div class="row">{line(NO_CLAIM_COLOUR)}no figure stated</div>')
    rows.append(f'<div class="row">{line("#444", None, 4.5)}along the network / great circle</div>')
    rows.append(f'<div class="row">{line("#444", DASH_ESTIMATE, 3)}straight line: estimate or no route</div>')
    rows.append("<b>Places</b>")
    for kind, label in LEGEND_PLACE_KINDS:
        rows.append(f'<div class="row">{dot(PLACE_STYLES[kind])}{label}</div>')
    rows.append('<div class="row"><svg width="34" height="12"><text x="2" y="10" font-size="9" fill="#555">ABC</text></svg>country</div>')
    return "".join(rows)


# --------------------------------------------------------------------------- geometry helpers


def _unwrap(points: Sequence[tuple[float, float]]) -> list[list[float]]:
    """Points with longitudes made continuous across the antimeridian (for drawing)."""
    out: list[list[float]] = []
    for lat, lon in points:
        if out:
            prev = out[-1][1]
            while lon - prev > 180:
                lon -= 360
            while lon - prev < -180:
                lon += 360
        out.append([round(lat, 5), round(lon, 5)])
    return out


def _bounds(content: _MapContent) -> list[list[float]] | None:
    lats: list[float] = []
    lons: list[float] = []
    # Country and region points are label positions far from the journey: they do not
    # set the view unless they are all there is.
    located = [p for p in content.places if p.kind not in ("country", "region")] or content.places
    for place in located:
        lats.append(place.lat)
        lons.append(place.lon)
    for view in content.legs:
        for lat, lon in _unwrap(view.points()):
            lats.append(lat)
            lons.append(lon)
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


@dataclass(frozen=True)
class _Country:
    iso_a2: str | None
    name: str | None
    geometry: Any


def _basemap_countries() -> tuple[tuple[_Country, ...], Any]:
    from shapely import STRtree
    from shapely.geometry import shape

    cached = getattr(_basemap_countries, "_cache", None)
    if cached is None:
        data = assets.basemap()
        countries = tuple(
            _Country(f["properties"].get("iso_a2"), f["properties"].get("name"), shape(f["geometry"]))
            for f in data["features"]
        )
        cached = (countries, STRtree([c.geometry for c in countries]))
        _basemap_countries._cache = cached  # type: ignore[attr-defined]
    return cached


def _round_coordinates(coords: Any, decimals: int) -> Any:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(v), decimals) for v in coords]
        return [_round_coordinates(c, decimals) for c in coords]
    return coords


def _clipped_basemap(bounds: list[list[float]] | None) -> dict:
    """The basemap's countries cut to ``bounds`` plus a margin (the whole world without bounds)."""
    import shapely
    from shapely.geometry import box, mapping

    countries, tree = _basemap_countries()
    if bounds is None:
        south, west, north, east = -90.0, -180.0, 90.0, 180.0
    else:
        (south, west), (north, east) = bounds
        lat_margin = max(BASEMAP_MARGIN_DEG, (north - south) * BASEMAP_MARGIN_SHARE)
        lon_margin = max(BASEMAP_MARGIN_DEG, (east - west) * BASEMAP_MARGIN_SHARE)
        south, north = max(-90.0, south - lat_margin), min(90.0, north + lat_margin)
        west, east = max(-180.0, west - lon_margin), min(180.0, east + lon_margin)
    region = box(west, south, east, north)
    features = []
    for index in sorted(int(i) for i in tree.query(region)):
        country = countries[index]
        geom = country.geometry
        if not region.contains(geom):
            geom = shapely.clip_by_rect(geom, west, south, east, north)
        if geom.geom_type == "GeometryCollection":
            geom = shapely.union_all([g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        shape_dict = mapping(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {"iso_a2": country.iso_a2, "name": country.name},
                "geometry": {
                    "type": shape_dict["type"],
                    "coordinates": _round_coordinates(shape_dict["coordinates"], BASEMAP_DECIMALS),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --------------------------------------------------------------------------- the map


def render_map(reports: Report | Iterable[Report], gazetteer: Any = None, tiles: str = "none") -> folium.Map:
    """A self-contained Leaflet map of one report, or one combined map of several.

    ``gazetteer`` (optional) supplies places a leg names that a report does not carry.
    ``tiles`` is ``"none"`` (offline: Natural Earth outlines only) or ``"osm"`` (adds an
    OpenStreetMap tile layer, which needs the network when the page is opened).
    The returned map can be added to; :func:`save_map` writes it.
    """
    if tiles not in TILE_CHOICES:
        raise ValueError(f"tiles must be one of {TILE_CHOICES}, not {tiles!r}")
    content = _collect(_as_reports(reports), gazetteer)
    combined = len(content.reports) > 1
    with deterministic_ids("r"):
        titles = [r.article.title or Path(r.article.source).name for r in content.reports]
        figure = Figure(title=_esc("routemap: " + " / ".join(t for t in titles if t)))
        fmap = OfflineMap(location=None, tiles=None, control_scale=True, zoom_start=2, world_copy_jump=False)
        figure.add_child(fmap)
        bounds = _bounds(content)

        if tiles == "osm":
            folium.TileLayer("OpenStreetMap", name="OpenStreetMap", overlay=False, control=True).add_to(fmap)
        BasemapLayer(
            _clipped_basemap(bounds),
            name="Basemap: Natural Earth outlines",
            style={
                "color": "#8a8a8a",
                "weight": 0.8,
                "fillColor": "#f4f1ea",
                "fillOpacity": 0.0 if tiles == "osm" else 1.0,
            },
        ).add_to(fmap)

        _add_legs(fmap, content, combined)
        _add_places(fmap, content)

        AttributionText(_esc(assets.ATTRIBUTION)).add_to(fmap)
        HtmlControl(_title_box(content), "topleft", "rm-box rm-title").add_to(fmap)
        HtmlControl(_legend(content), "bottomright", "rm-box rm-legend").add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
        if bounds is not None:
            FitView(bounds).add_to(fmap)
    return fmap


def _add_legs(fmap: folium.Map, content: _MapContent, combined: bool) -> None:
    groups: dict[str | None, folium.FeatureGroup] = {}
    modes = sorted({view.mode for view in content.legs}, key=lambda m: (m is None, m or ""))
    for mode in modes:
        groups[mode] = folium.FeatureGroup(name=f"Legs: {MODE_LABELS.get(mode, 'other')}").add_to(fmap)
    for view in content.legs:
        colour = VERDICT_COLOURS.get(view.verdict or "", NO_CLAIM_COLOUR)
        line = folium.PolyLine(
            _unwrap(view.points()),
            color=colour,
            weight=LEG_WEIGHTS.get(view.mode, 3.0) if not view.straight else 3.0,
            opacity=0.9,
            dash_array=DASH_ESTIMATE if view.straight else None,
            class_name=f"rm-leg rm-leg-{view.mode or 'unknown'}",
        )
        line.add_child(SafeTooltip(_esc(_leg_label(view)), permanent=True, direction="center", class_name="rm-leg-label"))
        line.add_child(SafePopup(_leg_popup(view, combined), max_width=420))
        line.add_to(groups[view.mode])


def _add_places(fmap: folium.Map, content: _MapContent) -> None:
    countries = [p for p in content.places if p.kind == "country"]
    others = [p for p in content.places if p.kind != "country"]
    if countries:
        labels = folium.FeatureGroup(name="Countries").add_to(fmap)
        for place in countries:
            width = 12 + 8 * len(place.name)
            marker = folium.Marker(
                [place.lat, place.lon],
                icon=folium.DivIcon(
                    html=f"<div>{_esc(place.name)}</div>",
                    icon_size=(width, 14),
                    icon_anchor=(width // 2, 7),
                    class_name="rm-label",
                ),
            )
            marker.add_child(SafePopup(_place_popup(place, content)))
            marker.add_to(labels)
    if others:
        group = folium.FeatureGroup(name="Places").add_to(fmap)
        for place in others:
            style = PLACE_STYLES.get(place.kind, DEFAULT_PLACE_STYLE)
            marker = folium.CircleMarker(
                [place.lat, place.lon],
                radius=style["radius"],
                color=style["color"],
                weight=style["weight"],
                fill=True,
                fill_color=style["fill_color"],
                fill_opacity=1.0,
                class_name=f"rm-place rm-{place.kind}",
            )
            marker.add_child(SafeTooltip(f"<b>{_esc(place.name)}</b> ({_esc(place.kind.replace('_', ' '))})"))
            marker.add_child(SafePopup(_place_popup(place, content)))
            marker.add_to(group)


def map_html(fmap: folium.Map) -> str:
    """The map's complete HTML page."""
    with deterministic_ids("s"), _raw_macro_rendering():
        return fmap.get_root().render()


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same directory and
    :func:`os.replace`, so a reader never sees a half-written file."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_map(fmap: folium.Map, path: str | os.PathLike) -> None:
    """Write the map as one self-contained HTML file, atomically."""
    write_atomic(path, map_html(fmap))


# --------------------------------------------------------------------------- GeoJSON


def _claim_properties(report: Report, result: ClaimResult) -> dict:
    claim, quantity = result.claim, result.claim.quantity
    article = report.article
    sentence = (
        article.sentence_text(quantity.sentence) if 0 <= quantity.sentence < len(article.sentences) else None
    )
    return {
        "source": article.source,
        "text": quantity.text,
        "kind": quantity.kind,
        "value": quantity.value,
        "unit": quantity.unit,
        "low": quantity.low,
        "high": quantity.high,
        "hedge": quantity.hedge,
        "from": claim.from_id,
        "to": claim.to_id,
        "mode": claim.mode,
        "within": claim.within,
        "round_trip": claim.round_trip,
        "sentence": sentence,
        "verdict": result.verdict,
        "explanation": result.explanation,
        "checks": [
            {
                "basis": c.basis,
                "expected": c.expected,
                "unit": c.unit,
                "ratio": c.ratio,
                "verdict": c.verdict,
                "note": c.note,
            }
            for c in result.checks
        ],
    }


def _lonlat(point: tuple[float, float]) -> list[float]:
    lat, lon = point
    return [round(lon, GEOJSON_DECIMALS), round(lat, GEOJSON_DECIMALS)]


def report_geojson(reports: Report | Iterable[Report], gazetteer: Any = None) -> dict:
    """RFC 7946 FeatureCollection: places as Points, legs as LineStrings with their claims,
    and figures tied to no leg as features without geometry.  Coordinates are (lon, lat)."""
    content = _collect(_as_reports(reports), gazetteer)
    features: list[dict] = []
    for place in content.places:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _lonlat(place.latlon)},
                "properties": {
                    "feature": "place",
                    "id": place.id,
                    "name": place.name,
                    "kind": place.kind,
                    "country": place.country,
                    "source": place.source,
                    "mentions": len(content.mentions.get(place.id, [])),
                },
            }
        )
    for view in content.legs:
        route = view.route
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [_lonlat(p) for p in view.points()]},
                "properties": {
                    "feature": "leg",
                    "from": view.start.id,
                    "to": view.end.id,
                    "from_name": view.start.name,
                    "to_name": view.end.name,
                    "mode": view.mode,
                    "basis": route.basis if route else None,
                    "km": route.km if route else None,
                    "km_low": route.km_low if route else None,
                    "km_high": route.km_high if route else None,
                    "geodesic_km": route.geodesic_km if route else None,
                    "km_by_country": dict(sorted(route.km_by_country.items())) if route else {},
                    "path": list(route.path) if route else [view.start.id, view.end.id],
                    "label": _leg_label(view),
                    "verdict": view.verdict,
                    "claims": [_claim_properties(r, res) for r, res in view.results],
                },
            }
        )
    for report, result in content.loose:
        features.append(
            {"type": "Feature", "geometry": None, "properties": {"feature": "claim", **_claim_properties(report, result)}}
        )
    return {"type": "FeatureCollection", "features": features}


def save_geojson(data: dict, path: str | os.PathLike) -> None:
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n")


# --------------------------------------------------------------------------- PNG through Chromium


def find_chromium() -> str | None:
    """A Chromium binary: ``$ROUTEMAP_CHROMIUM``, /usr/bin/chromium, or one on PATH."""
    candidates = [os.environ.get("ROUTEMAP_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def screenshot_map(
    html_path: str | os.PathLike,
    png_path: str | os.PathLike,
    *,
    width: int = 1200,
    height: int = 800,
    allow_network: bool = False,
) -> None:
    """Save a PNG of a map page through headless Chromium (Playwright's Python package).

    Requests other than ``file:`` and ``data:`` are blocked unless ``allow_network`` (for
    ``tiles="osm"``).  Raises :class:`RoutemapError` with install instructions when Chromium
    or playwright is missing.
    """
    executable = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise RoutemapError(CHROMIUM_MISSING_HELP) from None
    if executable is None:
        raise RoutemapError(CHROMIUM_MISSING_HELP)
    url = Path(html_path).resolve().as_uri()

    def route_handler(route: Any) -> None:
        if allow_network or route.request.url.split(":", 1)[0] in ("file", "data"):
            route.continue_()
        else:
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", route_handler)
            page.goto(url, wait_until="load")
            page.wait_for_function("() => window.L && document.querySelector('.leaflet-container')")
            page.wait_for_timeout(800 if allow_network else 300)
            tmp = Path(png_path).with_name(f".{Path(png_path).name}.tmp.png")
            page.screenshot(path=str(tmp))
            os.replace(tmp, png_path)
        finally:
            browser.close()
