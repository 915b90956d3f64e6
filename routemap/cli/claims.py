"""``routemap claims FILE...``: list the distances, durations and speeds each article states,
with their spans in the text and the leg (from, to, mode) each is tied to."""

from __future__ import annotations

from typing import Any

import click

from routemap.cli.options import fail_cleanly, print_results, format_option, gazetteer_option, load_gazetteer_from_options, world_option

__all__ = ["claims", "article_claims_dict"]


def _quantity_dict(quantity) -> dict[str, Any]:
    return {
        "kind": quantity.kind,
        "text": quantity.text,
        "start": quantity.start,
        "end": quantity.end,
        "sentence": quantity.sentence,
        "value": quantity.value,
        "unit": quantity.unit,
        "low": quantity.low,
        "high": quantity.high,
        "hedge": quantity.hedge,
        "paired_with": quantity.paired_with,
    }


def article_claims_dict(article, claims, itinerary) -> dict[str, Any]:
    """The JSON shape of one article's claims and itinerary."""
    return {
        "source": article.source,
        "title": article.title,
        "date": article.date,
        "claims": [
            {
                **_quantity_dict(claim.quantity),
                "from": claim.from_id,
                "to": claim.to_id,
                "via": list(claim.via),
                "mode": claim.mode,
                "within": claim.within,
                "round_trip": claim.round_trip,
                "leg": claim.leg,
                "pair": claim.pair.text if claim.pair is not None else None,
            }
            for claim in claims
        ],
        "itinerary": [
            {"from": leg.from_id, "to": leg.to_id, "mode": leg.mode, "sentence": leg.sentence}
            for leg in itinerary.legs
        ],
    }


def _number(value: float | None) -> str:
    if value is None:
        return "…"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _interval(claim: dict[str, Any]) -> str:
    base = {"distance": "km", "duration": "h", "speed": "km/h"}[claim["kind"]]
    low, high = claim["low"], claim["high"]
    if high is not None and high == low:
        return f"{_number(low)} {base}"
    return f"{_number(low)}–{_number(high)} {base}"


def _print_table(result: dict[str, Any], console) -> None:
    from rich.table import Table

    heading = result["source"]
    if result["title"]:
        heading += f" — {result['title']}"
    table = Table(title=heading, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("figure")
    table.add_column("span", style="dim")
    table.add_column("kind")
    table.add_column("hedge")
    table.add_column("as km/h/km·h")
    table.add_column("from")
    table.add_column("to")
    table.add_column("mode")
    table.add_column("within")
    table.add_column("leg", justify="right")
    for index, claim in enumerate(result["claims"]):
        figure = claim["text"] + (f" ({claim['pair']})" if claim["pair"] else "")
        table.add_row(
            str(index),
            figure,
            f"{claim['start']}-{claim['end']}",
            claim["kind"],
            claim["hedge"] or "",
            _interval(claim),
            claim["from"] or "?",
            claim["to"] or "?",
            claim["mode"] or "",
            claim["within"] or "",
            "" if claim["leg"] is None else str(claim["leg"]),
        )
    if not result["claims"]:
        table.caption = "no distances, durations or speeds found"
    else:
        legs = "; ".join(
            f"{i}: {leg['from']} → {leg['to']} ({leg['mode'] or '?'})" for i, leg in enumerate(result["itinerary"])
        )
        table.caption = f"itinerary: {legs}" if legs else "itinerary: no legs found"
    console.print(table)


@click.command("claims")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@gazetteer_option
@world_option
@format_option("table", "json")
@fail_cleanly
def claims(files: tuple[str, ...], gazetteer_path: str | None, no_world: bool, output_format: str) -> None:
    """List the distances, durations and speeds each FILE states (text or HTML; '-' reads
    standard input), each with its span, hedge and the leg it is tied to."""
    from routemap.claims import build_claims, build_itinerary
    from routemap.places import build_article
    from routemap.quantities import find_quantities
    from routemap.reading import read_document

    gazetteer = load_gazetteer_from_options(gazetteer_path, no_world)

    def claims_of(path: str) -> dict[str, Any]:
        article = build_article(read_document(path), gazetteer)
        article_claims = build_claims(article, find_quantities(article), gazetteer)
        return article_claims_dict(article, article_claims, build_itinerary(article, article_claims, gazetteer))

    print_results(files, claims_of, _print_table, output_format)
