"""``routemap places FILE...``: list the places each article names, with their mentions."""

from __future__ import annotations

from typing import Any

import click

from routemap.cli.options import fail_cleanly, print_results, format_option, gazetteer_option, load_gazetteer_from_options, world_option

__all__ = ["places", "article_places_dict"]


def article_places_dict(article, gazetteer) -> dict[str, Any]:
    """The JSON shape of one article's places, ordered by first mention."""
    from routemap.places import mentioned_places

    places = []
    for place_id, mentions in mentioned_places(article):
        place = gazetteer.get(place_id)
        places.append(
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "country": place.country,
                "lat": place.lat,
                "lon": place.lon,
                "mentions": [
                    {"start": m.start, "end": m.end, "text": m.surface, "sentence": m.sentence} for m in mentions
                ],
            }
        )
    return {"source": article.source, "title": article.title, "date": article.date, "places": places}


def _print_table(result: dict[str, Any], console) -> None:
    from rich.table import Table

    heading = result["source"]
    if result["title"]:
        heading += f" — {result['title']}"
    if result["date"]:
        heading += f" ({result['date']})"
    table = Table(title=heading, title_justify="left")
    table.add_column("place")
    table.add_column("id", style="dim")
    table.add_column("kind")
    table.add_column("country")
    table.add_column("mentions", justify="right")
    table.add_column("as written")
    for place in result["places"]:
        surfaces = sorted({m["text"] for m in place["mentions"]})
        table.add_row(
            place["name"],
            place["id"],
            place["kind"],
            place["country"] or "",
            str(len(place["mentions"])),
            ", ".join(surfaces),
        )
    if not result["places"]:
        table.caption = "no places found"
    console.print(table)


@click.command("places")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@gazetteer_option
@world_option
@format_option("table", "json")
@fail_cleanly
def places(files: tuple[str, ...], gazetteer_path: str | None, no_world: bool, output_format: str) -> None:
    """List the places each FILE names (text or HTML; '-' reads standard input)."""
    from routemap.places import build_article
    from routemap.reading import read_document

    gazetteer = load_gazetteer_from_options(gazetteer_path, no_world)

    def places_of(path: str) -> dict[str, Any]:
        return article_places_dict(build_article(read_document(path), gazetteer), gazetteer)

    print_results(files, places_of, _print_table, output_format)
