"""Write reports: the stable JSON contract and a terminal table.

:func:`report_to_dict` turns a :class:`~routemap.models.Report` into one JSON object per
article.  The contract (documented key by key in ``routemap/schema/report.schema.json``,
a JSON Schema draft 2020-12 shipped in the package; :func:`report_schema` loads it)::

    {"source", "title", "date",
     "places": [{"id", "name", "kind", "country", "lat", "lon", "mentions": [{"start", "end", "text"}]}],
     "legs":   [{"from", "to", "mode", "geodesic_km", "route_km", "path", + "basis", "km_low", "km_high", "km_by_country"}],
     "claims": [{"text", "start", "end", "kind", "value", "unit", "low", "high", "hedge",
                 "from", "to", "mode", + "within", "round_trip", "leg",
                 "checks": [{"basis", "expected", "unit", "ratio", "verdict", "note"}],
                 "verdict", "explanation"}]}

Keys marked ``+`` are documented extras.  Figures keep their exact values (km rounded to
0.1, ratios to 0.001, coordinates to 1e-6); only the explanations round for reading.
Output is deterministic: no timestamps, places in order of first mention.

:func:`print_table` prints reports with :mod:`rich` (imported when called), grouped by
article, readable in 100 columns; colour only when the console is a terminal.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Iterable

from routemap.errors import RoutemapError
from routemap.models import Check, ClaimResult, Leg, Place, Report, Route

__all__ = [
    "claim_to_dict", "SCHEMA_RESOURCE", "dumps_json", "report_to_dict", "report_schema", "print_table",
    "verdict_counts"]

SCHEMA_RESOURCE = "schema/report.schema.json"
"""Where the JSON Schema of :func:`report_to_dict` lives inside the package."""

VERDICT_STYLES = {"consistent": "green", "inconsistent": "bold red", "unverifiable": "yellow"}


def dumps_json(obj: Any, *, indent: bool = False) -> str:
    """The JSON text of a report (or any JSON-ready object): UTF-8 characters as they are,
    compact on one line (the JSON Lines form), or indented by 2 with ``indent``.

    orjson (C) does the encoding: on the bench corpus it serialises reports about 3 times
    faster than :func:`json.dumps`, and a NaN or infinity becomes ``null`` (valid JSON)
    instead of the invalid ``NaN``.
    """
    import orjson

    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 if indent else 0).decode("utf-8")


def _km(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _mentions_by_place(report: Report) -> dict[str, list[dict[str, Any]]]:
    """Place id -> its mentions as JSON, in text order (the article's mentions grouped once)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for m in sorted(report.article.mentions, key=lambda m: (m.start, m.end)):
        grouped.setdefault(m.place_id, []).append({"start": m.start, "end": m.end, "text": m.surface})
    return grouped


def _place_dict(place: Place, mentions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "country": place.country,
        "lat": round(place.lat, 6),
        "lon": round(place.lon, 6),
        "mentions": mentions,
    }


def _geodesic(leg: Leg, gazetteer) -> float | None:
    from routemap.geo import geodesic_km

    try:
        return geodesic_km(gazetteer.get(leg.from_id).latlon, gazetteer.get(leg.to_id).latlon)
    except (RoutemapError, LookupError, AttributeError):
        return None


def _leg_dict(leg: Leg, route: Route | None, gazetteer) -> dict[str, Any]:
    geodesic = route.geodesic_km if route is not None else _geodesic(leg, gazetteer)
    return {
        "from": leg.from_id,
        "to": leg.to_id,
        "mode": leg.mode,
        "geodesic_km": _km(geodesic),
        "route_km": _km(route.km) if route is not None else None,
        "path": list(route.path) if route is not None else [leg.from_id, leg.to_id],
        "basis": route.basis if route is not None else None,
        "km_low": _km(route.km_low) if route is not None else None,
        "km_high": _km(route.km_high) if route is not None else None,
        "km_by_country": {k: _km(v) for k, v in sorted(route.km_by_country.items())} if route is not None else {},
    }


def _check_dict(check: Check) -> dict[str, Any]:
    return {
        "basis": check.basis,
        "expected": _km(check.expected),
        "unit": check.unit,
        "ratio": None if check.ratio is None else round(check.ratio, 3),
        "verdict": check.verdict,
        "note": check.note,
    }


def claim_to_dict(result: ClaimResult) -> dict[str, Any]:
    """One claim as in the JSON contract (``claims`` items)."""
    claim, quantity = result.claim, result.claim.quantity
    return {
        "text": quantity.text,
        "start": quantity.start,
        "end": quantity.end,
        "kind": quantity.kind,
        "value": quantity.value,
        "unit": quantity.unit,
        "low": round(quantity.low, 3),
        "high": None if quantity.high is None else round(quantity.high, 3),
        "hedge": quantity.hedge,
        "from": claim.from_id,
        "to": claim.to_id,
        "mode": claim.mode,
        "within": claim.within,
        "round_trip": claim.round_trip,
        "leg": claim.leg,
        "checks": [_check_dict(check) for check in result.checks],
        "verdict": result.verdict,
        "explanation": result.explanation,
    }


def report_to_dict(report: Report, gazetteer) -> dict[str, Any]:
    """The JSON contract for one article (see the module docstring and the schema)."""
    article = report.article
    mentions = _mentions_by_place(report)
    return {
        "source": article.source,
        "title": article.title,
        "date": article.date,
        "places": [_place_dict(place, mentions.get(place.id, [])) for place in report.places],
        "legs": [_leg_dict(leg, route, gazetteer) for leg, route in report.legs],
        "claims": [claim_to_dict(result) for result in report.results],
    }


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :func:`report_to_dict`, from the package."""
    from importlib.resources import files

    return json.loads(files("routemap").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8"))


def verdict_counts(reports: Iterable[Report]) -> dict[str, int]:
    """How many claims got each verdict, over all reports."""
    counts = {"consistent": 0, "inconsistent": 0, "unverifiable": 0}
    for report in reports:
        for result in report.results:
            counts[result.verdict] = counts.get(result.verdict, 0) + 1
    return counts


# --------------------------------------------------------------------------- terminal table


def _name(gazetteer, place_id: str | None) -> str:
    if place_id is None:
        return "?"
    try:
        return gazetteer.get(place_id).name
    except (RoutemapError, LookupError, AttributeError):
        return place_id


def _leg_text(result: ClaimResult, gazetteer) -> str:
    claim = result.claim
    if claim.from_id or claim.to_id:
        text = f"{_name(gazetteer, claim.from_id)} → {_name(gazetteer, claim.to_id)}"
    elif claim.within:
        text = f"in {claim.within}"
    else:
        text = "—"
    if claim.within and (claim.from_id or claim.to_id):
        text += f" (in {claim.within})"
    if claim.mode:
        text += f"\n{claim.mode}"
    if claim.round_trip:
        text += f", round trip ({claim.round_trip})"
    return text


def _basis_text(result: ClaimResult) -> str:
    if not result.checks:
        return "—"
    check = result.checks[0]
    if check.expected is None:
        return check.basis
    return f"{check.basis}\n{check.expected:,.0f} {check.unit}" if check.expected >= 100 else f"{check.basis}\n{check.expected:g} {check.unit}"


def print_table(reports: Iterable[Report], console=None, gazetteer=None) -> None:
    """Print reports as tables, one per article, to a rich ``console`` (stdout by default)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if console is None:
        import sys

        tty = sys.stdout.isatty()
        console = Console(width=None if tty else 100, no_color=not tty, highlight=False, soft_wrap=False)
    for report in reports:
        article = report.article
        heading = article.source + (f" — {article.title}" if article.title else "") + (f" ({article.date})" if article.date else "")
        if not report.results:
            console.print(Text(heading, style="bold"))
            console.print("  no distances, durations or speeds found\n")
            continue
        table = Table(title=heading, title_justify="left", title_style="bold", show_lines=True, expand=True)
        table.add_column("figure", ratio=2)
        table.add_column("leg", ratio=3)
        table.add_column("basis / expected", ratio=3)
        table.add_column("verdict", min_width=12, no_wrap=True)
        table.add_column("explanation", ratio=8)
        for result in report.results:
            table.add_row(
                result.claim.quantity.text,
                _leg_text(result, gazetteer),
                _basis_text(result),
                Text(result.verdict, style=VERDICT_STYLES.get(result.verdict, "")),
                result.explanation,
            )
        console.print(table)
        counts = verdict_counts([report])
        console.print("  " + ", ".join(f"{n} {verdict}" for verdict, n in counts.items()) + "\n")
