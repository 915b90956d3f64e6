"""``routemap route FROM TO``: the length of the way between two places by rail, road or air."""

from __future__ import annotations

import json

import click

from routemap.cli.options import fail_cleanly, format_option, gazetteer_option, load_gazetteer_from_options, world_option

__all__ = ["route", "route_to_dict"]


def route_to_dict(route) -> dict:  # noqa: ANN001 - a routemap.models.Route
    """The JSON form of a route: ids, mode, path and lengths rounded to 0.1 km."""
    return {
        "from": route.from_id,
        "to": route.to_id,
        "mode": route.mode,
        "path": list(route.path),
        "km": round(route.km, 1),
        "geodesic_km": round(route.geodesic_km, 1),
        "km_by_country": {country: round(km, 1) for country, km in sorted(route.km_by_country.items())},
    }


@click.command(name="route")
@click.argument("from_place", metavar="FROM")
@click.argument("to_place", metavar="TO")
@click.option(
    "--mode",
    type=click.Choice(["rail", "road", "air", "sea"]),
    default="rail",
    show_default=True,
    help="Along the rail, road or sea network, or the great circle for air.",
)
@format_option("table", "json")
@gazetteer_option
@world_option
@fail_cleanly
def route(from_place: str, to_place: str, mode: str, output_format: str, gazetteer_path: str | None, no_world: bool) -> None:
    """Measure the route between two places (names or ids) by rail, road or air.

    Reports the total length, the straight-line (geodesic) length, the length in each
    country and the places the route passes.
    """
    from routemap.errors import NoRouteError
    from routemap.network import find_route

    loaded = load_gazetteer_from_options(gazetteer_path, no_world)
    start, end = loaded.resolve(from_place), loaded.resolve(to_place)
    try:
        found = find_route(loaded, start.id, end.id, mode)
    except NoRouteError as exc:
        hint = "" if mode == "air" else (
            "Measure it with --mode air (the great circle), or add the places and their links to your "
            "gazetteer (docs/gazetteer.md).")
        raise NoRouteError(exc.from_id, exc.to_id, mode, from_name=start.name, to_name=end.name, hint=hint) from None
    data = route_to_dict(found)
    if output_format == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    names = [loaded.get(place_id).name for place_id in found.path]
    by_country = [(country, km) for country, km in sorted(found.km_by_country.items(), key=lambda item: -item[1])]
    from rich.console import Console

    console = Console()
    if console.is_terminal:
        from rich.table import Table

        table = Table(title=f"{start.name} → {end.name} by {mode} ({found.basis})", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row("length", f"{found.km:,.1f} km")
        table.add_row("straight line", f"{found.geodesic_km:,.1f} km")
        for country, km in by_country:
            table.add_row(f"in {country}", f"{km:,.1f} km")
        table.add_row("path", " → ".join(names))
        console.print(table)
    else:
        click.echo(f"{start.name} -> {end.name} by {mode} ({found.basis}): {found.km:,.1f} km")
        click.echo(f"straight line: {found.geodesic_km:,.1f} km")
        if by_country:
            click.echo("by country: " + ", ".join(f"{country} {km:,.1f} km" for country, km in by_country))
        click.echo("path: " + " -> ".join(names))
