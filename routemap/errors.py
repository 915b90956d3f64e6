"""Exceptions and warnings raised by routemap.

Every routemap exception derives from :class:`RoutemapError` and also from the
builtin it refines, so callers can catch either.  A claim that the map does not
support is a *result* (a verdict), never an exception: exceptions are only for
input that cannot be used.
"""

from __future__ import annotations

__all__ = [
    "RoutemapError",
    "GazetteerError",
    "GazetteerProblem",
    "UnknownPlaceError",
    "NoRouteError",
    "InputError",
    "AmbiguousPlaceWarning",
]

from dataclasses import dataclass


class RoutemapError(Exception):
    """Base class of every routemap exception."""


@dataclass(frozen=True, slots=True)
class GazetteerProblem:
    """One problem found while validating a gazetteer file."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


class GazetteerError(RoutemapError, ValueError):
    """A gazetteer file cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[GazetteerProblem] | tuple[GazetteerProblem, ...]):
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid gazetteer"
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        super().__init__(first + more)


class UnknownPlaceError(RoutemapError, LookupError):
    """A name or id is not in the gazetteer.  ``candidates`` holds close names."""

    def __init__(self, name: str, candidates: tuple[str, ...] = ()):
        self.name = name
        self.candidates = tuple(candidates)
        msg = f"Unknown place {name!r}."
        if self.candidates:
            msg += " Did you mean: " + ", ".join(self.candidates) + "?"
        super().__init__(msg)


class NoRouteError(RoutemapError, LookupError):
    """The network has no path between two places for a mode."""

    def __init__(self, from_id: str, to_id: str, mode: str, *, from_name: str | None = None,
                 to_name: str | None = None, hint: str = ""):
        self.from_id, self.to_id, self.mode = from_id, to_id, mode
        ends = [f"{name} ({place_id})" if name and name != place_id else repr(place_id)
                for name, place_id in ((from_name, from_id), (to_name, to_id))]
        super().__init__(f"No {mode} route from {ends[0]} to {ends[1]} in the gazetteer's network." + (f" {hint}" if hint else ""))


class InputError(RoutemapError, ValueError):
    """An article cannot be read or parsed.  ``source`` names the file, ``line`` where known."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source, self.message, self.line = source, message, line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class AmbiguousPlaceWarning(UserWarning):
    """A name matched several places and one was chosen."""
