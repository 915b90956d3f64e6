"""``routemap map FILE...``: render articles to self-contained, offline Leaflet maps.

One HTML file per article in the output directory, named from the input's stem made safe as a
file name (``-`` is ``stdin``; a clash gets ``-2``, ``-3``...), or with ``--combine NAME`` one map
of all the articles (several reports about the same journey).  ``--geojson`` writes
``NAME.geojson`` beside each HTML file, ``--png`` a screenshot through headless Chromium.

A file that cannot be read or analysed gives one line naming it on stderr; the others are
still rendered and the command exits 2 at the end.  folium is imported only when this runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from routemap.cli.options import each_usable, fail_cleanly, gazetteer_option, load_gazetteer_from_options, world_option

__all__ = ["map_command", "safe_file_stem"]

_UNSAFE_CHARS = re.compile(r"[^\w.\-]+", re.UNICODE | re.VERBOSE)


def safe_file_stem(name: str) -> str:
    """``name`` as a file name stem: letters, digits, ``_ . -`` only, no leading dot."""
    stem = _UNSAFE_CHARS.sub("_", name).strip("._-")
    return stem[:120] or "map"


def _stem_of(path: str) -> str:
    return "stdin" if path == "-" else safe_file_stem(Path(path).stem)


@click.command(name="map")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@click.option(
    "-o",
    "--output-dir",
    "output_dir",
    type=click.Path(file_okay=False),
    default="maps",
    show_default=True,
    help="Directory for the maps (created if missing).",
)
@click.option("--combine", "combine", metavar="NAME", default=None, help="One map of all the articles, NAME.html.")
@click.option(
    "--tiles",
    type=click.Choice(["none", "osm"]),
    default="none",
    show_default=True,
    help="none: offline Natural Earth outlines only; osm: add OpenStreetMap tiles (needs the network to view).",
)
@click.option("--geojson", "write_geojson", is_flag=True, help="Also write NAME.geojson (RFC 7946) beside each map.")
@click.option("--png", "write_png", is_flag=True, help="Also write NAME.png through headless Chromium.")
@gazetteer_option
@world_option
@fail_cleanly
def map_command(
    files: tuple[str, ...],
    output_dir: str,
    combine: str | None,
    tiles: str,
    write_geojson: bool,
    write_png: bool,
    gazetteer_path: str | None,
    no_world: bool,
) -> None:
    """Render articles (text or HTML; - for stdin) to offline HTML maps."""
    import sys

    from routemap.errors import RoutemapError
    from routemap.pipeline import analyse_path

    if Path(output_dir).suffix.lower() in (".html", ".htm", ".geojson", ".png") and not Path(output_dir).is_dir():
        raise click.UsageError(
            f"-o {output_dir}: -o takes a directory; each map is named after its article "
            "(or use --combine NAME for one map of them all)")
    gazetteer = load_gazetteer_from_options(gazetteer_path, no_world)
    failures: list[str] = []
    analysed = list(each_usable(files, lambda path: analyse_path(path, gazetteer), failures))
    failed = bool(failures)

    if combine is not None:
        jobs = [(safe_file_stem(combine), [report for _, report in analysed])] if analysed else []
    else:
        jobs, used = [], set()
        for path, report in analysed:
            stem = base = _stem_of(path)
            n = 2
            while stem in used:
                stem, n = f"{base}-{n}", n + 1
            used.add(stem)
            jobs.append((stem, [report]))

    if not jobs:
        sys.exit(2)

    from routemap import render

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    for stem, reports in jobs:
        html_path = out / f"{stem}.html"
        render.save_map(render.render_map(reports, gazetteer, tiles=tiles), html_path)
        written = [html_path]
        if write_geojson:
            geojson_path = out / f"{stem}.geojson"
            render.save_geojson(render.report_geojson(reports, gazetteer), geojson_path)
            written.append(geojson_path)
        if write_png:
            png_path = out / f"{stem}.png"
            try:
                render.screenshot_map(html_path, png_path, allow_network=tiles == "osm")
                written.append(png_path)
            except RoutemapError as exc:
                click.echo(f"routemap: {png_path}: {exc}", err=True)
                failed = True
        click.echo(" ".join(str(p) for p in written))
    if failed:
        sys.exit(2)
