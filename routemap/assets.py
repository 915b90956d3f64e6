"""Offline assets for the maps: Leaflet, its CSS and images, jQuery, and the basemap.

A routemap map makes no network request when opened from disk, so everything folium would
link from a CDN is inlined instead, from registry packages installed with routemap:

* Leaflet 1.9 (``xstatic-leaflet``): ``leaflet.js`` and ``leaflet.css``, with the CSS's
  ``url(images/...)`` references (layer-control icon, default marker) turned into ``data:``
  URIs, since a relative URL would point next to the HTML file;
* the default marker icon as ``data:`` URIs, set on ``L.Marker`` so that markers a user adds
  to a returned map still draw offline (Leaflet's own icon-path detection cannot work when its
  CSS is inlined);
* jQuery (``xstatic-jquery``), only needed by folium's own ``Popup`` (routemap's popups do not
  use it): :class:`routemap.render.OfflineMap` inlines it only when such a popup is on the map;
* the basemap: Natural Earth 1:50m country outlines (public domain), simplified by
  ``scripts/make_basemap.py`` into ``routemap/data/basemap.geojson``.

Everything is read once and cached.  Inline text is made safe for its element: ``</`` inside a
script is written ``<\\/``, which JavaScript reads as the same string.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from importlib import resources
from pathlib import Path

__all__ = [
    "ATTRIBUTION",
    "OSM_ATTRIBUTION",
    "leaflet_js",
    "leaflet_css",
    "jquery_js",
    "default_icon_js",
    "script_tag",
    "style_tag",
    "basemap",
]

ATTRIBUTION = (
    "Basemap: Made with Natural Earth (public domain) | "
    "Places: routemap gazetteer, GeoNames (CC BY 4.0) | Map: routemap"
)
"""Attribution of the data every map uses (shown in Leaflet's attribution control)."""

OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

_SOURCE_MAP_LINE = re.compile(r"^//[#@]\s*sourceMappingURL=.*$", re.MULTILINE)
_CSS_IMAGE_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)images/(?P<file>[\w.-]+\.png)(?P=quote)\s*\)""", re.VERBOSE)
_CLOSING_TAG = re.compile(r"</(?P<tag>script|style)", re.IGNORECASE | re.VERBOSE)


def _leaflet_dir() -> Path:
    import xstatic.pkg.leaflet as xstatic_leaflet

    return Path(xstatic_leaflet.BASE_DIR)


def _jquery_dir() -> Path:
    import xstatic.pkg.jquery as xstatic_jquery

    return Path(xstatic_jquery.BASE_DIR)


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _inline_safe(code: str) -> str:
    """``code`` with ``</script`` / ``</style`` broken so it cannot close its element."""
    return _CLOSING_TAG.sub(lambda m: "<\\/" + m.group("tag"), code)


@functools.cache
def leaflet_js() -> str:
    """Leaflet's minified JavaScript, without its source-map comment."""
    code = (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    return _SOURCE_MAP_LINE.sub("", code).rstrip() + "\n"


@functools.cache
def leaflet_css() -> str:
    """Leaflet's CSS with its images inlined as ``data:`` URIs."""
    images = _leaflet_dir() / "images"
    css = (_leaflet_dir() / "leaflet.css").read_text(encoding="utf-8")
    return _CSS_IMAGE_URL.sub(lambda m: f'url("{_png_data_uri(images / m.group("file"))}")', css)


@functools.cache
def jquery_js() -> str:
    """jQuery (minified), without its source-map comment."""
    code = (_jquery_dir() / "jquery.min.js").read_text(encoding="utf-8")
    return _SOURCE_MAP_LINE.sub("", code).rstrip() + "\n"


@functools.cache
def default_icon_js() -> str:
    """JavaScript that gives ``L.Marker`` Leaflet's default pin as ``data:`` URIs."""
    images = _leaflet_dir() / "images"
    options = {
        "iconUrl": _png_data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _png_data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _png_data_uri(images / "marker-shadow.png"),
        "iconSize": [25, 41],
        "iconAnchor": [12, 41],
        "popupAnchor": [1, -34],
        "tooltipAnchor": [16, -28],
        "shadowSize": [41, 41],
    }
    return (
        "(function (options) {\n"
        "  L.Icon.Default.mergeOptions(options);\n"
        "  L.Marker.prototype.options.icon = L.icon(options);\n"
        "})(" + json.dumps(options) + ");\n"
    )


def script_tag(code: str) -> str:
    return "<script>\n" + _inline_safe(code) + "</script>"


def style_tag(css: str) -> str:
    return "<style>\n" + _inline_safe(css) + "</style>"


@functools.cache
def basemap() -> dict:
    """The bundled world basemap (GeoJSON FeatureCollection of simplified country outlines)."""
    text = resources.files("routemap").joinpath("data", "basemap.geojson").read_text(encoding="utf-8")
    return json.loads(text)
