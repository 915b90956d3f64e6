"""``routemap gazetteer find NAME``: the places a name may mean, curated and GeoNames.

Lists the curated gazetteer's matches, then the world layer's (GeoNames) with country,
population and coordinates, and prints a YAML entry for the most likely GeoNames place,
ready to paste under ``places:`` of a gazetteer file (schema: docs/gazetteer.md).
"""

from __future__ import annotations

import click
import yaml

from routemap.cli.options import fail_cleanly, gazetteer_option, world_option
from routemap.models import Place

__all__ = ["find", "yaml_entry"]

MAX_WORLD_ROWS = 15


def _slug(place: Place) -> str:
    from routemap.gazetteer import normalise_name

    return "-".join(normalise_name(place.name).replace(".", " ").split()) or f"geonames-{place.geonames_id}"


def yaml_entry(place: Place) -> str:
    """A gazetteer entry for a world-layer place, in the bundled file's key order."""
    entry: dict[str, object] = {
        "id": _slug(place),
        "name": place.name,
        "kind": place.kind,
        "country": place.country,
        "lat": round(place.lat, 5),
        "lon": round(place.lon, 5),
    }
    if place.geonames_id is not None:
        entry["geonames"] = place.geonames_id
    if place.population:
        entry["population"] = place.population
    entry["source"] = f"GeoNames {place.geonames_id} (CC BY 4.0)" if place.geonames_id else "GeoNames (CC BY 4.0)"
    return yaml.safe_dump([entry], sort_keys=False, allow_unicode=True)


def _row(place: Place) -> str:
    population = f"{place.population:,}" if place.population else "-"
    return (
        f"  {place.id:<24} {place.name:<28} {place.kind:<8} {place.country or '--':<3} "
        f"pop {population:>13}  {place.lat:9.4f} {place.lon:10.4f}"
    )


@click.command(name="find")
@click.argument("name")
@gazetteer_option
@world_option
@fail_cleanly
def find(name: str, gazetteer_path: str | None, no_world: bool) -> None:
    """Show the places NAME may mean, in the curated gazetteer and in GeoNames.

    Prints, for the world layer's likeliest place, an entry to paste into a gazetteer file.
    """
    from routemap.gazetteer import load_gazetteer

    curated = load_gazetteer(gazetteer_path)
    found = curated.find(name)
    click.echo(f"curated gazetteer ({curated.path}): {len(found)} match{'es' if len(found) != 1 else ''}")
    for place in found:
        click.echo(_row(place))
    if no_world:
        return
    from routemap.world import ATTRIBUTION, load_world

    world = load_world()
    candidates = world.candidates(name)
    click.echo(f"world layer ({ATTRIBUTION}): {len(candidates)} match{'es' if len(candidates) != 1 else ''}")
    for place in candidates[:MAX_WORLD_ROWS]:
        click.echo(_row(place))
    if len(candidates) > MAX_WORLD_ROWS:
        click.echo(f"  ... and {len(candidates) - MAX_WORLD_ROWS} more")
    if not candidates:
        if not found:
            click.echo(f"No place called {name!r}.", err=True)
        return
    best = candidates[0]
    click.echo("\n# gazetteer entry for the first world match (check it before pasting):")
    click.echo(yaml_entry(best).rstrip())
