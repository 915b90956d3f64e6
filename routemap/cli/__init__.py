"""The ``routemap`` command line: a thin adapter over the library.

Each command lives in its own module under :mod:`routemap.cli` and is imported only when
it is invoked, so ``routemap check`` never pays for folium.  Every command turns a
:class:`routemap.errors.RoutemapError` into a one-line message and exit code 2.
"""

from __future__ import annotations

import importlib
import logging

import click

__all__ = ["main"]

# command name -> (module, attribute); imported on first use.
COMMANDS: dict[str, tuple[str, str]] = {
    "gazetteer": ("routemap.cli.gazetteer", "gazetteer"),
    "route": ("routemap.cli.route", "route"),
    "places": ("routemap.cli.places", "places"),
    "claims": ("routemap.cli.claims", "claims"),
    "check": ("routemap.cli.check", "check"),
    "map": ("routemap.cli.map", "map_command"),
    "batch": ("routemap.cli.batch", "batch"),
}

HELP = {
    "gazetteer": "Validate, list and search the gazetteer.",
    "route": "Measure the route between two places by rail, road or air.",
    "places": "List the places an article mentions.",
    "claims": "List the distances, durations and speeds an article states.",
    "check": "Check an article's figures against geography.",
    "map": "Render articles to self-contained Leaflet maps.",
    "batch": "Check a corpus of articles in parallel, to JSON Lines.",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Help text without importing every command module.
        with formatter.section("Commands"):
            formatter.write_dl([(name, HELP[name]) for name in COMMANDS])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="routemap")
@click.option("-v", "--verbose", count=True, help="More log output.")
@click.option("-q", "--quiet", count=True, help="Less log output.")
def main(verbose: int, quiet: int) -> None:
    """routemap: map the places a journey article names and check its figures."""
    level = logging.WARNING - 10 * verbose + 10 * quiet
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
