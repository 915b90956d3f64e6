"""``routemap gazetteer``: validate and list the gazetteer (and ``find``, when installed)."""

from __future__ import annotations

import json
import sys

import click

from routemap.cli.options import fail_cleanly, format_option, gazetteer_option

__all__ = ["gazetteer", "check", "list_places"]


@click.group(name="gazetteer")
def gazetteer() -> None:
    """Validate, list and search the gazetteer."""


@gazetteer.command(name="check")
@click.argument("path", required=False, type=click.Path(dir_okay=False), envvar="ROUTEMAP_GAZETTEER")
@fail_cleanly
def check(path: str | None) -> None:
    """Validate a gazetteer file (default: the bundled one, or ROUTEMAP_GAZETTEER).

    Prints every problem as PATH:LINE: message and exits 1 if there is any.
    """
    from routemap.gazetteer import load_gazetteer, validate_gazetteer_file
    from routemap.network import network_km

    problems = validate_gazetteer_file(path)
    if problems:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found.", err=True)
        sys.exit(1)
    loaded = load_gazetteer(path)
    links = len(loaded.links)
    click.echo(
        f"{loaded.path}: OK, {len(loaded.places)} places, {links} link{'s' if links != 1 else ''}, "
        f"{network_km(loaded):,.0f} km of network"
    )


@gazetteer.command(name="list")
@gazetteer_option
@format_option("table", "json")
@fail_cleanly
def list_places(gazetteer_path: str | None, output_format: str) -> None:
    """List every place: id, name, aliases, kind, country and coordinates."""
    from routemap.gazetteer import load_gazetteer

    loaded = load_gazetteer(gazetteer_path)
    rows = [
        {
            "id": place.id,
            "name": place.name,
            "aliases": list(place.aliases),
            "kind": place.kind,
            "country": place.country,
            "lat": place.lat,
            "lon": place.lon,
        }
        for place in sorted(loaded.places.values(), key=lambda place: place.id)
    ]
    if output_format == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    columns = ("id", "name", "kind", "country", "lat", "lon", "aliases")
    cells = [
        [row["id"], row["name"], row["kind"], row["country"] or "", f"{row['lat']:.5f}", f"{row['lon']:.5f}", ", ".join(row["aliases"])]
        for row in rows
    ]
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        from rich.table import Table

        table = Table(*columns, title=f"{loaded.path}: {len(rows)} places")
        for cell in cells:
            table.add_row(*cell)
        console.print(table)
    else:
        click.echo("\t".join(columns))
        for cell in cells:
            click.echo("\t".join(cell))


try:  # another module adds `routemap gazetteer find`
    from routemap.cli.gazetteer_find import find
except ImportError:  # pragma: no cover - depends on what is installed
    pass
else:
    gazetteer.add_command(find, name="find")
