"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable, Iterable, Iterator, TypeVar

import click

from routemap.errors import RoutemapError

__all__ = [
    "gazetteer_option",
    "world_option",
    "format_option",
    "fail_cleanly",
    "load_gazetteer_from_options",
    "describe_problem",
    "each_usable",
    "table_console",
    "print_results",
]

gazetteer_option = click.option(
    "--gazetteer",
    "gazetteer_path",
    type=click.Path(dir_okay=False),
    envvar="ROUTEMAP_GAZETTEER",
    default=None,
    help="Gazetteer YAML to use instead of the bundled one (env: ROUTEMAP_GAZETTEER).",
)

world_option = click.option(
    "--no-world",
    is_flag=True,
    default=False,
    help="Use the curated gazetteer alone, without the GeoNames world layer.",
)


T = TypeVar("T")


def describe_problem(path: str, exc: BaseException) -> str:
    """One line naming the file: RoutemapErrors already do; OSErrors get their file put first."""
    if isinstance(exc, RoutemapError):
        text = str(exc)
        named = path if path != "-" else "<stdin>"
        return text if named in text else f"{named}: {text}"
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return f"{path}: {reason}"


def table_console():
    """A rich Console for tables: the terminal's width on a terminal, else 120 columns and
    no colour, so piped tables stay readable and free of escape codes."""
    from rich.console import Console

    tty = sys.stdout.isatty()
    return Console(width=None if tty else 120, no_color=not tty, highlight=False)


def print_results(
    files: Iterable[str],
    work: Callable[[str], dict[str, Any]],
    print_table: Callable[[dict[str, Any], Any], None],
    output_format: str,
) -> None:
    """Run ``work`` on each file and print its result: a table per file as it comes, or one
    JSON array at the end; exit 2 when a file could not be used (the others still print)."""
    import json

    console = table_console() if output_format == "table" else None
    failed: list[str] = []
    results = []
    for _, result in each_usable(files, work, failed):
        if console is not None:
            print_table(result, console)
        else:
            results.append(result)
    if output_format == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(2)


def each_usable(paths: Iterable[str], work: Callable[[str], T], failed: list[str]) -> Iterator[tuple[str, T]]:
    """``(path, work(path))`` for each input that can be used.  An input that cannot be read
    or parsed gets one line on stderr naming it and is added to ``failed``; the others go on."""
    for path in paths:
        try:
            result = work(path)
        except (RoutemapError, OSError, UnicodeError) as exc:
            click.echo(f"routemap: {describe_problem(path, exc)}", err=True)
            failed.append(path)
            continue
        yield path, result


def format_option(*choices: str, default: str = "table") -> Callable:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def fail_cleanly(func: Callable) -> Callable:
    """Turn a RoutemapError (or an unreadable file) into one line on stderr and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RoutemapError as exc:
            click.echo(f"routemap: {exc}", err=True)
            sys.exit(2)
        except BrokenPipeError:
            # The reader went away (`routemap ... | head`): not an error of ours.
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:
            where = getattr(exc, "filename", None)
            reason = exc.strerror or str(exc)
            click.echo(f"routemap: {where}: {reason}" if where else f"routemap: {reason}", err=True)
            sys.exit(2)

    return wrapper


def load_gazetteer_from_options(gazetteer_path: str | None, no_world: bool = False):
    """The gazetteer the options name (bundled by default), with the world layer beneath it
    unless ``--no-world``."""
    from routemap.gazetteer import load_gazetteer

    gazetteer = load_gazetteer(gazetteer_path)
    if no_world:
        return gazetteer
    from routemap.world import load_world

    return gazetteer.attach_world(load_world())
