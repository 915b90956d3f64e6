"""``routemap batch``: check a corpus of articles in parallel, to JSON Lines."""

from __future__ import annotations

import sys

import click

from routemap.cli.options import fail_cleanly, gazetteer_option, world_option

__all__ = ["batch"]


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSON Lines report to write, one line per article ('-' for stdout).",
)
@click.option("--maps", "maps_dir", type=click.Path(file_okay=False), default=None, help="Also render a map per article into this directory.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: every core).")
@click.option("--resume", is_flag=True, default=False, help="Skip articles whose source is already in the output; append the rest.")
@gazetteer_option
@world_option
@click.option(
    "--engine",
    type=click.Choice(["process", "dask"]),
    default="process",
    show_default=True,
    help="Run on a local process pool or on a Dask distributed cluster.",
)
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster of --jobs workers).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@fail_cleanly
def batch(
    inputs: tuple[str, ...],
    output: str,
    maps_dir: str | None,
    jobs: int | None,
    resume: bool,
    gazetteer_path: str | None,
    no_world: bool,
    engine: str,
    scheduler: str | None,
    progress: bool | None,
) -> None:
    """Check every article of INPUT... and write one JSON line per article.

    INPUT is an article file, a directory (searched recursively for .txt, .html and .htm
    files) or a JSON Lines file of {"id", "text"} or {"id", "html"} objects.  An article that
    cannot be read becomes a {"source", "error"} line and the run goes on.
    """
    from routemap.batch import run_batch

    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if resume and output == "-":
        raise click.UsageError("--resume needs an output file, not stdout")
    if gazetteer_path is not None:
        # A bad --gazetteer fails here, once, before any worker starts.
        from routemap.gazetteer import load_gazetteer

        load_gazetteer(gazetteer_path)
    summary = run_batch(
        inputs,
        output,
        jobs=jobs,
        resume=resume,
        maps_dir=maps_dir,
        gazetteer_path=gazetteer_path,
        no_world=no_world,
        engine=engine,
        scheduler=scheduler,
        progress=progress,
    )
    for message in summary.first_errors:
        click.echo(f"routemap: {message}", err=True)
    if summary.errors > len(summary.first_errors):
        click.echo(f"routemap: ... and {summary.errors - len(summary.first_errors):,} more errors in {output}", err=True)
    click.echo(summary.describe(), err=True)
    if summary.interrupted:
        sys.exit(130)
    if summary.errors and not summary.articles and not summary.skipped:
        # Bad files among good ones are reported and counted (exit 0); nothing usable at all
        # (a mistyped directory, say) is an error of the arguments.
        click.echo(f"routemap: no input could be used (the error lines are in {output})", err=True)
        sys.exit(2)
