"""The whole pipeline for one article: document -> places -> figures -> claims -> checks -> Report.

:func:`analyse` is pure over a :class:`~routemap.models.Document` and a gazetteer;
:func:`analyse_path` reads the file first (``-`` is stdin).  The stage modules are imported
on first use so that importing :mod:`routemap.pipeline` stays cheap for the command line.
"""

from __future__ import annotations

from pathlib import Path

from routemap.errors import RoutemapError
from routemap.models import Document, Itinerary, Leg, Place, Report, Route

__all__ = ["analyse", "analyse_path", "leg_route", "report_places"]


def report_places(article, legs, results, gazetteer) -> tuple[Place, ...]:
    """Every place the report names, each once: the places the article mentions, in order of
    first mention, then any other end of a leg or a claim (a claim may resolve "Singapore"
    the country to Singapore the city), so that every id in the JSON can be looked up."""
    from routemap.places import mentioned_places

    ids = [place_id for place_id, _ in mentioned_places(article)]
    for leg, _ in legs:
        ids += [leg.from_id, leg.to_id]
    for result in results:
        ids += [result.claim.from_id, result.claim.to_id, *result.claim.via]
    places: dict[str, Place] = {}
    for place_id in ids:
        if place_id is None or place_id in places:
            continue
        try:
            places[place_id] = gazetteer.get(place_id)
        except (RoutemapError, LookupError):
            continue
    return tuple(places.values())


def leg_route(leg: Leg, gazetteer) -> Route | None:
    """The reference route of an itinerary leg (``None`` when the leg has no mode or no ends)."""
    if leg.mode is None or leg.from_id == leg.to_id:
        return None
    from routemap.network import reference_route

    try:
        return reference_route(gazetteer, leg.from_id, leg.to_id, leg.mode)
    except (RoutemapError, LookupError, ValueError):
        return None


def analyse(document: Document, gazetteer) -> Report:
    """Find an article's places, figures and claims, and check every claim."""
    from routemap.checks import check_claims
    from routemap.claims import build_claims, build_itinerary
    from routemap.places import build_article
    from routemap.quantities import find_quantities

    article = build_article(document, gazetteer)
    quantities = find_quantities(article)
    claims = build_claims(article, quantities, gazetteer)
    itinerary = build_itinerary(article, claims, gazetteer) or Itinerary()
    results = check_claims(claims, gazetteer, itinerary)
    legs = tuple((leg, leg_route(leg, gazetteer)) for leg in itinerary.legs)
    return Report(article=article, places=report_places(article, legs, results, gazetteer), legs=legs, results=results)


def analyse_path(path: str | Path, gazetteer) -> Report:
    """Read an article (text or HTML; ``-`` for stdin) and :func:`analyse` it."""
    from routemap.reading import read_document

    return analyse(read_document(path), gazetteer)
