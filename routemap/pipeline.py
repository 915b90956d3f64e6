"""The whole pipeline for one article: document -> places -> figures -> claims -> checks -> Report.

:func:`analyse` is pure over a :class:`~routemap.models.Document` and a gazetteer;
:func:`analyse_path` reads the file first (``-`` is stdin).  The stage modules are imported
on first use so that importing :mod:`routemap.pipeline` stays cheap for the command line.
"""

from __future__ import annotations

from pathlib import Path

from routemap.errors import RoutemapError
from routemap.models import Document, Itinerary, Leg, Place, Report, Route

__all__ = ["analyse", "analyse_path", "leg_route", "mentioned_places"]


def mentioned_places(article, gazetteer) -> tuple[Place, ...]:
    """The places an article mentions, each once, in order of first mention."""
    seen: dict[str, Place] = {}
    for mention in sorted(article.mentions, key=lambda m: (m.start, m.end)):
        if mention.place_id in seen:
            continue
        try:
            seen[mention.place_id] = gazetteer.get(mention.place_id)
        except (RoutemapError, LookupError):
            continue
    return tuple(seen.values())


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
    return Report(article=article, places=mentioned_places(article, gazetteer), legs=legs, results=results)


def analyse_path(path: str | Path, gazetteer) -> Report:
    """Read an article (text or HTML; ``-`` for stdin) and :func:`analyse` it."""
    from routemap.reading import read_document

    return analyse(read_document(path), gazetteer)
