"""``routemap check FILE...``: check an article's figures against geography.

Prints a table (default), JSON (one object for one file, an array for several) or JSON
Lines (one object per line).  Exit codes: 0 fine; 1 when ``--fail-on`` matched a claim's
verdict; 2 when a file or an argument cannot be used — a one-line message names the file,
and the other files' results are still printed.

Cold start matters (``routemap check one.txt`` well under half a second), so this module
imports only click at load time; the pipeline, rich and the network come in when used.
"""

from __future__ import annotations

import sys

import click

from routemap.cli.options import each_usable, fail_cleanly, format_option, gazetteer_option, load_gazetteer_from_options, world_option

__all__ = ["check", "FAIL_ON_CHOICES"]

FAIL_ON_CHOICES = ("inconsistent", "unverifiable")


@click.command(name="check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, allow_dash=True))
@format_option("table", "json", "jsonl")
@click.option(
    "--fail-on",
    "fail_on",
    type=click.Choice(FAIL_ON_CHOICES),
    multiple=True,
    help="Exit 1 when any claim has this verdict (repeatable).",
)
@gazetteer_option
@world_option
@fail_cleanly
def check(files: tuple[str, ...], output_format: str, fail_on: tuple[str, ...], gazetteer_path: str | None, no_world: bool) -> None:
    """Check the distances, durations and speeds in articles (text or HTML; - for stdin)."""
    from routemap.pipeline import analyse_path

    gazetteer = load_gazetteer_from_options(gazetteer_path, no_world)
    unusable: list[str] = []
    reports = [report for _, report in each_usable(files, lambda path: analyse_path(path, gazetteer), unusable)]

    if output_format == "table":
        from routemap.report import print_table

        print_table(reports, None, gazetteer)
    else:
        from routemap.report import dumps_json, report_to_dict

        objects = [report_to_dict(report, gazetteer) for report in reports]
        if output_format == "jsonl":
            for obj in objects:
                click.echo(dumps_json(obj))
        elif len(files) == 1:
            if objects:
                click.echo(dumps_json(objects[0], indent=True))
        else:
            click.echo(dumps_json(objects, indent=True))

    if unusable:
        sys.exit(2)
    if fail_on and any(result.verdict in fail_on for report in reports for result in report.results):
        sys.exit(1)
