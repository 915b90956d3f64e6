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
* shows what matters: lines are stacked by verdict (inconsistent on top, then unverifiable,
  consistent, no figure; one Leaflet pane per verdict), a line under another of a different
  colour along shared track gets a wider halo so both show, each line's distance label is put
  on a stretch no earlier-labelled line runs along and clear of places and other labels,
  figures between two known places on no itinerary leg are drawn too (their reference route,
  else a dashed straight line), towns/stations/border crossings carry permanent name labels
  (decluttered in the page; hotels and landmarks on hover), and the view is fitted with
  padding that keeps the title, legend and other boxes off the journey;
* is deterministic: element ids come from a counter (:func:`deterministic_ids`), not ``uuid4``,
  and nothing depends on time, so the same input gives a byte-identical file.

folium is imported here only; the CLI imports this module lazily so ``routemap check`` stays fast.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import math
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

DRAW_RANKS: dict[str | None, int] = {None: 0, "consistent": 1, "unverifiable": 2, "inconsistent": 3}
"""Legs are drawn bottom to top in this order of verdict (no figure lowest, inconsistent on top),
each rank in its own Leaflet pane so that toggling a layer cannot change the stacking."""
LEG_PANE_Z = 360
"""z-index of the lowest leg pane: rank ``r`` draws its halos at ``LEG_PANE_Z + 2r`` and its legs at
``LEG_PANE_Z + 2r + 1``, above the basemap (250) and below the place markers (overlay pane, 400)."""
HALO_STEP = 4.0
"""Pixels a leg is widened, where a leg of another colour is drawn over it along shared track,
per leg drawn over it: the lower leg shows as a coloured border around the upper one."""

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
    ("city", "city / town", ("city", "town", "village")),
    ("station", "station", ("station",)),
    ("border_crossing", "border crossing", ("border_crossing",)),
    ("airport", "airport", ("airport",)),
    ("port", "port", ("port",)),
    ("hotel", "hotel / landmark / building", ("hotel", "landmark", "building")),
    ("water", "water", ("water",)),
)
"""Legend rows: the style shown, its text, and the place kinds it stands for (a row is shown
only when the map has a place of one of them)."""

LABELLED_PLACE_KINDS = ("city", "border_crossing", "town", "station", "airport", "port", "village")
"""Kinds of place named on the map by a permanent label, in order of priority when labels
collide (the page hides a label that would overlap a leg's label or a label of higher
priority); other kinds (hotels, landmarks, water, regions) are named on hover only."""
POINT_LESS_KINDS = ("country", "region")
"""Kinds whose coordinates are a label position, not a place one can travel to or from."""

EXPECTED_VIEW_PX = (1100.0, 480.0)
"""The width and height in pixels the journey is expected to fill when the page fits it (a
1200 x 800 window less the title and legend boxes): the scale at which leg labels are placed
so as not to cover places or each other."""
LABEL_OVERHANG = 40.0
"""Pixels a leg label may reach beyond the journey's extent (beyond, it may be off the view)."""
LABEL_MARGIN = 5.0
"""Pixels kept free around a leg label when placing it."""
SHORT_LEG_LABELS = 3.0
"""A line shorter on screen than this many times its label's width gets its label beside it."""
LABEL_FRACTIONS = (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9)
"""Where along a stretch of a leg its distance label may go, in order of preference."""

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
    """Fits the view to ``bounds`` so that no control box (title, legend, layer switch, scale,
    attribution) covers any of it, then keeps place labels from overlapping.

    The page measures the boxes in each corner of the map and, for every corner, pads the view
    either vertically (below/above the box) or horizontally (beside it); of the 16 choices it
    takes the one that allows the largest zoom (then the most free area), and calls
    ``fitBounds`` with that ``paddingTopLeft``/``paddingBottomRight``, without animation (an
    animated first zoom leaves the basemap pane's renderer sized for the world view).

    Place labels (``.rm-place-label``, added lowest priority first) are hidden where they would
    overlap a leg's label or a label of higher priority; this is redone after every zoom and move.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (map, bounds, maxZoom, gap, labelRoom) {
                var container = map.getContainer();
                function cornerSize(v, h) {
                    var box = container.getBoundingClientRect(), width = 0, height = 0;
                    container.querySelectorAll(".leaflet-" + v + ".leaflet-" + h + " .leaflet-control").forEach(function (el) {
                        var r = el.getBoundingClientRect();
                        if (!r.width || !r.height) { return; }
                        width = Math.max(width, h === "left" ? r.right - box.left : box.right - r.left);
                        height = Math.max(height, v === "top" ? r.bottom - box.top : box.bottom - r.top);
                    });
                    return {v: v, h: h, width: width + gap, height: height + gap};
                }
                function bestPadding() {
                    var size = map.getSize(), best = null;
                    var corners = [cornerSize("top", "left"), cornerSize("top", "right"),
                                   cornerSize("bottom", "left"), cornerSize("bottom", "right")];
                    for (var choice = 0; choice < 16; choice++) {
                        var pad = {top: gap, right: gap + labelRoom, bottom: gap, left: gap};
                        corners.forEach(function (c, i) {
                            if ((choice >> i) & 1) { pad[c.h] = Math.max(pad[c.h], c.width); }
                            else { pad[c.v] = Math.max(pad[c.v], c.height); }
                        });
                        var free = L.point(size.x - pad.left - pad.right, size.y - pad.top - pad.bottom);
                        if (free.x < 120 || free.y < 120) { continue; }
                        var zoom = Math.min(maxZoom, map.getBoundsZoom(bounds, false,
                            L.point(pad.left + pad.right, pad.top + pad.bottom)));
                        var score = zoom * 1e8 + free.x * free.y;
                        if (best === null || score > best.score) { best = {score: score, pad: pad}; }
                    }
                    return best ? best.pad : {top: gap, right: gap + labelRoom, bottom: gap, left: gap};
                }
                function overlaps(a, b) {
                    return a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom + 2 && b.top < a.bottom + 2;
                }
                function declutter() {
                    var pane = map.getPane("tooltipPane"), kept = [];
                    pane.querySelectorAll(".rm-leg-label").forEach(function (el) { kept.push(el.getBoundingClientRect()); });
                    // place labels were added lowest priority first
                    Array.prototype.slice.call(pane.querySelectorAll(".rm-place-label")).reverse().forEach(function (el) {
                        el.style.visibility = "";
                        var r = el.getBoundingClientRect();
                        if (kept.some(function (k) { return overlaps(r, k); })) { el.style.visibility = "hidden"; }
                        else { kept.push(r); }
                    });
                }
                var pad = bestPadding();
                map.fitBounds(bounds, {paddingTopLeft: [pad.left, pad.top], paddingBottomRight: [pad.right, pad.bottom],
                                       maxZoom: maxZoom, animate: false});
                declutter();
                map.on("zoomend moveend overlayadd", declutter);
            })({{ this._parent.get_name() }}, {{ this.bounds|tojson }}, {{ this.max_zoom|tojson }}, {{ this.gap|tojson }},
               {{ this.label_room|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], padding: int = 10, max_zoom: int = 9, label_room: int = 0) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.gap = padding
        self.max_zoom = max_zoom
        self.label_room = label_room
        """Extra pixels on the right for the label of the easternmost place."""


class LegPanes(MacroElement):
    """Creates the Leaflet panes the legs and their halos are drawn in (see :data:`DRAW_RANKS`)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {% for name, z in this.panes %}
            if (!{{ this._parent.get_name() }}.getPane({{ name|tojson }})) {
                {{ this._parent.get_name() }}.createPane({{ name|tojson }}).style.zIndex = {{ z }};
            }
            {% endfor %}
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "LegPanes"
        self.panes = []
        for rank in sorted(set(DRAW_RANKS.values())):
            self.panes.append((_halo_pane(rank), LEG_PANE_Z + 2 * rank))
            self.panes.append((_leg_pane(rank), LEG_PANE_Z + 2 * rank + 1))


def _leg_pane(rank: int) -> str:
    return f"routemapLegs{rank}"


def _halo_pane(rank: int) -> str:
    return f"routemapHalos{rank}"


class PointLabel(MacroElement):
    """A permanent, non-interactive tooltip at a fixed point (not bound to a layer) holding
    routemap-built HTML, shown while its parent group is on the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.tooltip({{ this.options|tojson }})
                .setLatLng({{ this.location|tojson }})
                .setContent({{ this.content_js }});
            {{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, content_html: str, location: Sequence[float], class_name: str, direction: str = "center") -> None:
        super().__init__()
        self._name = "PointLabel"
        self.content_js = js_string(content_html)
        self.location = [round(float(location[0]), 5), round(float(location[1]), 5)]
        self.options = {"permanent": True, "direction": direction, "interactive": False, "className": class_name}


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
.leaflet-tooltip.rm-leg-label.rm-claim-label { border-style: dashed; }
.leaflet-tooltip.rm-label-inconsistent { border: 2px solid #d7191c; }
.leaflet-tooltip.rm-label-unverifiable { border: 2px solid #e69500; }
.leaflet-tooltip.rm-place-label { padding: 0 2px; background: none; border: 0; box-shadow: none; color: #1a1a1a;
  font: 600 11.5px/1.2 system-ui, sans-serif; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.leaflet-tooltip.rm-place-label::before { display: none; }
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
    claim_only: bool = False
    """True for figures between two known places that no itinerary leg joins: drawn along
    their reference route (or straight), listed as ``claim`` features in the GeoJSON."""

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
    claim_legs: list[_LegView] = field(default_factory=list)
    """Figures with both ends known that are on no itinerary leg (drawn); ``loose`` keeps the rest."""

    @property
    def drawn(self) -> list[_LegView]:
        """Every line on the map: the itinerary legs, then the figures off the itinerary."""
        return self.legs + self.claim_legs


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
    claim_legs: dict[tuple[str, str, str | None], _LegView] = {}
    undrawn: list[tuple[Report, ClaimResult]] = []
    for report, result in loose:
        view = _claim_leg(result, places, claim_legs, gazetteer)
        if view is None:
            undrawn.append((report, result))
        else:
            view.results.append((report, result))
    return _MapContent(
        reports, list(places.values()), list(legs.values()), undrawn, mentions, list(claim_legs.values())
    )


def _claim_leg(
    result: ClaimResult,
    places: dict[str, Place],
    claim_legs: dict[tuple[str, str, str | None], _LegView],
    gazetteer: Any,
) -> _LegView | None:
    """The line to draw for a figure on no itinerary leg whose two ends are known places
    (``None`` when an end is open, unknown, or a country/region): its reference route from
    :func:`routemap.network.reference_route` when a gazetteer is given, else a straight line."""
    claim = result.claim
    if not claim.from_id or not claim.to_id or claim.from_id == claim.to_id:
        return None
    start = _lookup(claim.from_id, places, gazetteer)
    end = _lookup(claim.to_id, places, gazetteer)
    if start is None or end is None or start.kind in POINT_LESS_KINDS or end.kind in POINT_LESS_KINDS:
        return None
    key = (*sorted((start.id, end.id)), claim.mode)
    view = claim_legs.get(key)  # type: ignore[arg-type]
    if view is None:
        route = _reference_route(gazetteer, start.id, end.id, claim.mode)
        mode = claim.mode if claim.mode is not None or route is None else route.mode
        view = claim_legs[key] = _LegView(start, end, mode, route, claim_only=True)  # type: ignore[index]
        places.setdefault(start.id, start)
        places.setdefault(end.id, end)
    return view


def _reference_route(gazetteer: Any, from_id: str, to_id: str, mode: str | None) -> Route | None:
    """The route a figure off the itinerary is measured against, or ``None`` (a straight line
    is drawn) without a gazetteer, or for a figure of no stated mode: checks measure those
    on the straight line (see :func:`routemap.checks.check_claims`)."""
    if gazetteer is None or mode is None:
        return None
    from routemap.network import reference_route

    try:
        route = reference_route(gazetteer, from_id, to_id, mode)
    except (RoutemapError, LookupError, ValueError):
        return None
    return route


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
        if view.mode is None:
            return f"straight line {_km(km)} km (no mode stated)"
        return f"{MODE_LABELS.get(view.mode, view.mode)}: no route, straight line {_km(km)} km"
    if route.basis == "estimate":
        span = f" ({_km(route.km_low)}–{_km(route.km_high)})" if route.km_low is not None else ""
        return f"{route.mode} estimate {_km(route.km)} km{span}"
    return f"{route.basis} {_km(route.km)} km"


def _map_label(view: _LegView) -> str:
    """The text on the map next to a line: the route's length; for a figure off the
    itinerary also the figure(s) stated."""
    if not view.claim_only:
        return _leg_label(view)
    figures = ", ".join(dict.fromkeys(result.claim.quantity.text for _, result in view.results))
    if view.route is None:
        from geopy.distance import geodesic

        return f"{figures} vs straight line {_km(geodesic(view.start.latlon, view.end.latlon).km)} km"
    return f"{figures} vs {_leg_label(view)}"


def _leg_popup(view: _LegView, combined: bool) -> str:
    mode = MODE_LABELS.get(view.mode, str(view.mode))
    parts = [
        '<div class="rm-popup">',
        f"<b>{_esc(view.start.name)} → {_esc(view.end.name)}</b> ({_esc(mode)})<br>",
    ]
    if view.claim_only:
        parts.append('<div class="rm-meta">A figure between these places on no leg of the itinerary; '
                     "drawn along the route it is checked against (the straight line when it names "
                     "no mode).</div>")
    parts += [
        f'<span class="rm-km">{_esc(_leg_label(view))}</span>',
    ]
    route = view.route
    if route is not None:
        parts.append(f'<div class="rm-meta">straight line {_esc(_km(route.geodesic_km))} km')
        if route.km_by_country:
            by_country = ", ".join(f"{code} {_km(km)} km" for code, km in sorted(route.km_by_country.items()))
            parts.append(f"; by country: {_esc(by_country)}")
        if len(route.path) > 2:
            stops = len(route.path) - 2
            parts.append(f"; {stops} intermediate stop{'' if stops == 1 else 's'} on the network")
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


def _legend(content: _MapContent, halos: bool = False) -> str:
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
    if halos:
        rows.append(
            '<div class="row"><svg width="34" height="12"><line x1="1" y1="6" x2="33" y2="6" '
            f'stroke="{VERDICT_COLOURS["consistent"]}" stroke-width="{4.5 + HALO_STEP:g}"/>'
            f'<line x1="1" y1="6" x2="33" y2="6" stroke="{VERDICT_COLOURS["inconsistent"]}" stroke-width="4.5"/></svg>'
            "legs sharing track (lower one as border)</div>"
        )
    kinds = {place.kind for place in content.places}
    place_rows = [
        f'<div class="row">{dot(PLACE_STYLES[style])}{label}</div>'
        for style, label, covered in LEGEND_PLACE_KINDS
        if kinds.intersection(covered)
    ]
    if "country" in kinds:
        place_rows.append(
            '<div class="row"><svg width="34" height="12"><text x="2" y="10" font-size="9" fill="#555">ABC</text>'
            "</svg>country</div>"
        )
    if place_rows:
        rows.append("<b>Places</b>")
        rows += place_rows
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


_Segment = tuple[tuple[float, float], tuple[float, float]]


def _segments(points: Sequence[tuple[float, float]]) -> list[_Segment]:
    """The polyline's segments as direction-free keys (ends rounded to 4 decimals, about 10 m),
    so that two legs along the same network links share keys."""
    rounded = [(round(lat, 4), round(lon, 4)) for lat, lon in points]
    return [(a, b) if a <= b else (b, a) for a, b in zip(rounded, rounded[1:])]


def _rank(view: _LegView) -> int:
    return DRAW_RANKS.get(view.verdict, 0)


def _colour(view: _LegView) -> str:
    return VERDICT_COLOURS.get(view.verdict or "", NO_CLAIM_COLOUR)


def _weight(view: _LegView) -> float:
    return 3.0 if view.straight else LEG_WEIGHTS.get(view.mode, 3.0)


def _draw_order(views: Sequence[_LegView]) -> list[_LegView]:
    """The lines bottom to top: by :data:`DRAW_RANKS` of their verdict, then as listed
    (itinerary legs in travel order, then figures off the itinerary)."""
    return [view for _, view in sorted(enumerate(views), key=lambda item: (_rank(item[1]), item[0]))]


def _halos(ordered: Sequence[_LegView], segments: Sequence[list[_Segment]]) -> list[list[tuple[float, list]]]:
    """For each line in draw order, its halo: ``(weight, runs of [lat, lon] points)`` where a
    line of another colour drawn above it runs along the same track.  The halo is ``HALO_STEP``
    pixels wider than the widest line over it per line over it, so every one of them shows."""
    sets = [set(segs) for segs in segments]
    halos: list[list[tuple[float, list]]] = []
    for index, view in enumerate(ordered):
        above = [
            (sets[j], _weight(ordered[j]))
            for j in range(index + 1, len(ordered))
            if _colour(ordered[j]) != _colour(view)
        ]
        by_weight: dict[float, list[list[list[float]]]] = {}
        if above:
            points = _unwrap(ordered[index].points())
            run: list[list[float]] = []
            run_weight: float | None = None
            for k, segment in enumerate(segments[index]):
                over = [weight for segs, weight in above if segment in segs]
                weight = max(_weight(view), *over) + HALO_STEP * len(over) if over else None
                if weight != run_weight:
                    if run_weight is not None and len(run) > 1:
                        by_weight.setdefault(run_weight, []).append(run)
                    run, run_weight = ([points[k]] if weight is not None else []), weight
                if weight is not None:
                    run.append(points[k + 1])
            if run_weight is not None and len(run) > 1:
                by_weight.setdefault(run_weight, []).append(run)
        halos.append(sorted(by_weight.items()))
    return halos


def _mercator(point: Sequence[float]) -> tuple[float, float]:
    lat = max(-85.0, min(85.0, point[0]))
    return math.radians(point[1]), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _from_mercator(x: float, y: float) -> tuple[float, float]:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2), math.degrees(x)


def _along(points: Sequence[tuple[float, float]], fraction: float) -> tuple[float, float]:
    """The point ``fraction`` of the way along a projected polyline."""
    lengths = [math.dist(a, b) for a, b in zip(points, points[1:])]
    target = sum(lengths) * fraction
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if length > 0 and target <= length:
            t = target / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        target -= length
    return points[-1]


@dataclass(frozen=True)
class _LabelSpot:
    """Where a line's distance label goes: a point on the line and the side of it."""

    lat: float
    lon: float
    direction: str = "center"


_LABEL_SHIFTS = {"center": (0.0, 0.0), "top": (0.0, 1.0), "bottom": (0.0, -1.0), "right": (1.0, 0.0), "left": (-1.0, 0.0)}
"""Label direction -> which way its box's centre moves off the point, in units of half its
size plus the tooltip's arrow (y upwards)."""


def _leg_label_size(text: str) -> tuple[float, float]:
    """A leg label's rough size in pixels (11.5 px system font, 5 px padding)."""
    return 12 + 6.4 * len(text), 20.0


def _place_label_box(place: Place) -> tuple[float, float, float, float] | None:
    """``(dx, dy, half width, half height)`` in pixels of a place's permanent label off its dot."""
    if place.kind not in LABELLED_PLACE_KINDS:
        return None
    radius = PLACE_STYLES.get(place.kind, DEFAULT_PLACE_STYLE)["radius"]
    width = 6 + 7.0 * len(place.name)
    return radius + 2 + width / 2, 0.0, width / 2, 8.0


def _label_points(
    ordered: Sequence[_LegView], segments: Sequence[list[_Segment]], places: Sequence[Place] = ()
) -> list[_LabelSpot]:
    """Where each line's distance label goes (in draw order), chosen top line first.

    Candidates, in order of preference: :data:`LABEL_FRACTIONS` of the two longest stretches of
    the line that no line labelled before it runs along (all of the line if there is none),
    centred on the line; then the same points with the label beside the line (above, below,
    right, left); then the same along all of the line.  The first candidate that covers no
    place dot, no place label and no label placed before is taken, else the one that overlaps
    least; a label reaching out of the journey's extent is taken only when nothing else is
    possible.  Computed in Web Mercator (the map draws straight segments there), in pixels at
    the scale the journey is expected to be shown at (:data:`EXPECTED_VIEW_PX`).  On a line
    shorter than :data:`SHORT_LEG_LABELS` labels, the label goes beside the line first, and
    the line itself counts as something not to cover.
    """
    import numpy as np

    projected = [[_mercator(p) for p in _unwrap(view.points())] for view in ordered]
    xs = [x for line in projected for x, _ in line]
    ys = [y for line in projected for _, y in line]
    if not xs:
        return []
    scale = min(
        EXPECTED_VIEW_PX[0] / max(max(xs) - min(xs), 1e-9), EXPECTED_VIEW_PX[1] / max(max(ys) - min(ys), 1e-9)
    )
    extent = (  # the journey's extent in pixels, with some of the fit's padding to spare
        min(xs) * scale - LABEL_OVERHANG, min(ys) * scale - LABEL_OVERHANG,
        max(xs) * scale + LABEL_OVERHANG, max(ys) * scale + LABEL_OVERHANG,
    )
    # obstacles: (centre x, centre y, half width, half height) in pixels
    obstacles: list[tuple[float, float, float, float]] = []
    for place in places:
        if place.kind in POINT_LESS_KINDS:
            continue
        x, y = _mercator(place.latlon)
        radius = PLACE_STYLES.get(place.kind, DEFAULT_PLACE_STYLE)["radius"] + 1
        obstacles.append((x * scale, y * scale, radius, radius))
        box = _place_label_box(place)
        if box is not None:
            obstacles.append((x * scale + box[0], y * scale + box[1], box[2], box[3]))
    labelled: set[_Segment] = set()
    out: list[_LabelSpot] = [_LabelSpot(0.0, 0.0)] * len(ordered)
    for index in reversed(range(len(ordered))):
        line = [(x * scale, y * scale) for x, y in projected[index]]
        segs = segments[index]
        runs: list[tuple[int, int]] = []  # (first point, last point) of stretches not labelled yet
        for k, segment in enumerate(segs):
            if segment in labelled:
                continue
            if runs and runs[-1][1] == k:
                runs[-1] = (runs[-1][0], k + 1)
            else:
                runs.append((k, k + 1))
        whole = (0, len(line) - 1)
        runs.sort(key=lambda r: (-_length(line[r[0] : r[1] + 1]), r[0]))
        runs = runs[:2] or [whole]
        points = [_along(line[a : b + 1], f) for a, b in runs for f in LABEL_FRACTIONS]
        if whole not in runs:
            points_whole = [_along(line, f) for f in LABEL_FRACTIONS]
        else:
            points_whole = []
        width, height = _leg_label_size(_map_label(ordered[index]))
        centred = [(p, "center") for p in points]
        beside = [(p, d) for d in ("top", "bottom", "right", "left") for p in points]
        # a label on a short line would hide it: put it beside the line first
        short = _length(line) < SHORT_LEG_LABELS * width
        candidates: list[tuple[tuple[float, float], str]] = beside + centred if short else centred + beside
        candidates += [(p, d) for d in _LABEL_SHIFTS for p in points_whole]
        centres = np.array(
            [
                (px + _LABEL_SHIFTS[d][0] * (width / 2 + 6), py + _LABEL_SHIFTS[d][1] * (height / 2 + 6))
                for (px, py), d in candidates
            ]
        )
        line_obstacles = [(x, y, 3.0, 3.0) for x, y in (_along(line, i / 24) for i in range(25))] if short else []
        if obstacles or line_obstacles:
            obs = np.array(obstacles + line_obstacles)
            # LABEL_MARGIN px to spare: the page hides a place label 2 px from a leg label
            gap_x = np.abs(centres[:, None, 0] - obs[None, :, 0]) / (width / 2 + LABEL_MARGIN + obs[None, :, 2])
            gap_y = np.abs(centres[:, None, 1] - obs[None, :, 1]) / (height / 2 + LABEL_MARGIN + obs[None, :, 3])
            clearance = np.maximum(gap_x, gap_y).min(axis=1)
        else:
            clearance = np.full(len(candidates), np.inf)
        # a label reaching out of the journey's extent may end up off the fitted view
        outside = (
            (centres[:, 0] - width / 2 < extent[0])
            | (centres[:, 0] + width / 2 > extent[2])
            | (centres[:, 1] - height / 2 < extent[1])
            | (centres[:, 1] + height / 2 > extent[3])
        )
        clearance = np.where(outside, 0.0, clearance)
        free = np.flatnonzero(clearance >= 1.0)
        choice = int(free[0]) if free.size else int(np.argmax(clearance))
        (px, py), direction = candidates[choice]
        centre = centres[choice]
        obstacles.append((float(centre[0]), float(centre[1]), width / 2, height / 2))
        labelled.update(segs)
        lat, lon = _from_mercator(px / scale, py / scale)
        out[index] = _LabelSpot(lat, lon, direction)
    return out


def _length(points: Sequence[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))


def _bounds(content: _MapContent) -> list[list[float]] | None:
    lats: list[float] = []
    lons: list[float] = []
    # Country and region points are label positions far from the journey: they do not
    # set the view unless they are all there is.
    located = [p for p in content.places if p.kind not in ("country", "region")] or content.places
    for place in located:
        lats.append(place.lat)
        lons.append(place.lon)
    for view in content.drawn:
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
        fmap = OfflineMap(
            location=None,
            tiles=None,
            control_scale=True,
            zoom_start=2,
            world_copy_jump=False,
            # vector outlines draw sharp at any zoom: fit the journey closely (tiles would blur)
            zoom_snap=0.25 if tiles == "none" else 1,
        )
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

        halos = _add_legs(fmap, content, combined)
        _add_places(fmap, content)

        AttributionText(_esc(assets.ATTRIBUTION)).add_to(fmap)
        HtmlControl(_title_box(content), "topleft", "rm-box rm-title").add_to(fmap)
        HtmlControl(_legend(content, halos), "bottomright", "rm-box rm-legend").add_to(fmap)
        folium.LayerControl(collapsed=True).add_to(fmap)
        if bounds is not None:
            FitView(bounds, label_room=_label_room(content)).add_to(fmap)
    return fmap


def _label_room(content: _MapContent) -> int:
    """Pixels the label of the easternmost labelled place reaches right of its dot."""
    labelled = [p for p in content.places if p.kind in LABELLED_PLACE_KINDS]
    if not labelled:
        return 0
    east = max(labelled, key=lambda p: (p.lon, p.id))
    box = _place_label_box(east)
    return round(box[0] + box[2]) if box else 0


def _add_legs(fmap: folium.Map, content: _MapContent, combined: bool) -> bool:
    """Draw the legs and the figures off the itinerary, bottom to top by :func:`_draw_order`
    (each verdict in its own pane), with halos where lines share track and a distance label
    on each; True if any halo was drawn."""
    ordered = _draw_order(content.drawn)
    if not ordered:
        return False
    segments = [_segments(view.points()) for view in ordered]
    halos = _halos(ordered, segments)
    label_points = _label_points(ordered, segments, content.places)
    LegPanes().add_to(fmap)
    groups: dict[str | None, folium.FeatureGroup] = {}
    modes = sorted({view.mode for view in content.legs}, key=lambda m: (m is None, m or ""))
    for mode in modes:
        groups[mode] = folium.FeatureGroup(name=f"Legs: {MODE_LABELS.get(mode, 'other')}").add_to(fmap)
    claims_group = None
    if content.claim_legs:
        claims_group = folium.FeatureGroup(name="Figures off the itinerary").add_to(fmap)
    for view, halo, label_point in zip(ordered, halos, label_points):
        group = claims_group if view.claim_only else groups[view.mode]
        colour, rank = _colour(view), _rank(view)
        for weight, runs in halo:
            outline = folium.PolyLine(runs, color=colour, weight=weight, opacity=0.9, class_name="rm-halo")
            outline.options.update(pane=_halo_pane(rank), interactive=False)
            outline.add_to(group)
        kind = "rm-claim-leg" if view.claim_only else "rm-itinerary-leg"
        line = folium.PolyLine(
            _unwrap(view.points()),
            color=colour,
            weight=_weight(view),
            opacity=0.9,
            dash_array=DASH_ESTIMATE if view.straight else None,
            class_name=f"rm-leg {kind} rm-leg-{view.mode or 'unknown'} rm-is-{view.verdict or 'unchecked'}",
        )
        line.options["pane"] = _leg_pane(rank)
        line.add_child(SafePopup(_leg_popup(view, combined), max_width=420))
        line.add_to(group)
        label_class = f"rm-leg-label rm-label-{view.verdict or 'none'}" + (" rm-claim-label" if view.claim_only else "")
        PointLabel(
            _esc(_map_label(view)), (label_point.lat, label_point.lon), label_class, label_point.direction
        ).add_to(group)
    return any(halos)


def _label_order(content: _MapContent) -> list[Place]:
    """Places in the order their labels take priority: leg ends, then by
    :data:`LABELLED_PLACE_KINDS`, then the most mentioned, then by name and id."""
    ends = {view.start.id for view in content.drawn} | {view.end.id for view in content.drawn}
    rank = {kind: i for i, kind in enumerate(LABELLED_PLACE_KINDS)}
    return sorted(
        content.places,
        key=lambda p: (
            p.id not in ends,
            rank.get(p.kind, len(rank)),
            -len(content.mentions.get(p.id, ())),
            p.name,
            p.id,
        ),
    )


def _add_places(fmap: folium.Map, content: _MapContent) -> None:
    countries = [p for p in content.places if p.kind == "country"]
    # lowest priority first: the important dots are drawn on top, and the page's declutter
    # walks the labels from the last added
    others = [p for p in reversed(_label_order(content)) if p.kind != "country"]
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
            if place.kind in LABELLED_PLACE_KINDS:
                # a permanent label (the page hides it where it would overlap another)
                marker.add_child(
                    SafeTooltip(
                        _esc(place.name),
                        permanent=True,
                        direction="right",
                        offset=[round(style["radius"]) + 1, 0],
                        class_name="rm-place-label",
                    )
                )
            else:
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
    """The claim as in the JSON report, with its article and the sentence that states it."""
    from routemap.report import claim_to_dict

    article, quantity = report.article, result.claim.quantity
    sentence = (
        article.sentence_text(quantity.sentence) if 0 <= quantity.sentence < len(article.sentences) else None
    )
    return {"source": article.source, **claim_to_dict(result), "sentence": sentence}


def _lonlat(point: tuple[float, float]) -> list[float]:
    lat, lon = point
    return [round(lon, GEOJSON_DECIMALS), round(lat, GEOJSON_DECIMALS)]


def report_geojson(reports: Report | Iterable[Report], gazetteer: Any = None) -> dict:
    """RFC 7946 FeatureCollection: places as Points, legs as LineStrings with their claims,
    and figures tied to no leg as ``claim`` features: a LineString (the line the map draws,
    named by ``drawn_basis``) when both their ends are known places, else no geometry.
    Coordinates are (lon, lat)."""
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
    for view in content.claim_legs:
        geometry = {"type": "LineString", "coordinates": [_lonlat(p) for p in view.points()]}
        drawn = {"drawn_basis": view.route.basis if view.route else "straight line", "drawn_label": _leg_label(view)}
        for report, result in view.results:
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {"feature": "claim", **_claim_properties(report, result), **drawn},
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
