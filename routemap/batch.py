"""Check a corpus of articles in parallel and write one JSON line per article.

Inputs are files (any suffix; ``.jsonl`` files are read as JSON Lines), directories
(searched recursively for ``.txt``, ``.html`` and ``.htm`` files, in sorted order) and JSON
Lines files whose lines are ``{"id": ..., "text": ...}`` or ``{"id": ..., "html": ...}``
(the source is the id, or ``FILE:LINE`` when there is none).

Each output line is the ``check --format jsonl`` record of one article
(:func:`routemap.report.report_to_dict`), or ``{"source": ..., "error": ...}`` for an
article that cannot be read or parsed; the run goes on after an error.  Lines come out in
the order of the inputs, whatever the number of workers.

Memory stays flat however large the corpus: inputs are generators, and at most a fixed
number of chunks of articles are in flight at any time (a sliding window of
``apply_async`` results in a process pool, or of futures on a Dask cluster).  Each line is
written with a single ``write()`` of the line and its newline, so a crash or Ctrl-C never
leaves a torn last line; :func:`read_done_sources` (``--resume``) reads what an earlier run
wrote and truncates a torn line left by anything else.

Workers load the gazetteer once (a pool initializer, or a per-process cache on Dask).
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import json
import logging
import os
import re
import signal
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from routemap.errors import RoutemapError
from routemap.models import Document
from routemap.report import dumps_json

__all__ = [
    "ARTICLE_SUFFIXES",
    "BatchItem",
    "ArticleOutcome",
    "BatchSummary",
    "iter_inputs",
    "count_inputs",
    "read_done_sources",
    "check_article",
    "run_batch",
    "map_filename",
    "warm_up_worker",
]

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".html", ".htm")
"""Suffixes of the article files taken from a directory."""

JSONL_SUFFIX = ".jsonl"

_UNSAFE_FILENAME_CHARS = re.compile(r"(?P<unsafe>[^A-Za-z0-9._-]+)", re.VERBOSE)

ArticleFn = Callable[[Document, Any], tuple[dict, int, int]]
"""``(document, gazetteer) -> (record, claims, inconsistent claims)``."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One article to check: a file to read (``path``), text already read (``text``), or
    an input that already failed (``error``).  ``origin`` is ``FILE:LINE`` for a line of a
    JSON Lines file, used to name the line in error messages."""

    source: str
    path: str | None = None
    text: str | bytes | None = None
    kind: str | None = None
    origin: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """What a worker sends back for one article: the output line and its counts."""

    source: str
    line: str
    claims: int = 0
    inconsistent: int = 0
    error: bool = False


ERRORS_SHOWN = 10
"""How many error messages a run prints on the terminal (the output has every one)."""


@dataclass(slots=True)
class BatchSummary:
    """Counts of one batch run (``articles`` excludes errors and skipped sources)."""

    articles: int = 0
    claims: int = 0
    inconsistent: int = 0
    errors: int = 0
    skipped: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    output: str = ""
    first_errors: list[str] = field(default_factory=list)
    """The messages of the first :data:`ERRORS_SHOWN` errors, for the terminal (all of them
    are in the output)."""

    @property
    def rate(self) -> float:
        """Articles (good and bad) per second."""
        done = self.articles + self.errors
        return done / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        """The one-line summary printed at the end of a run."""
        parts = [
            _count(self.articles, "article"),
            f"{_count(self.claims, 'claim')} ({self.inconsistent:,} inconsistent)",
            _count(self.errors, "error"),
        ]
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped (already in output)")
        parts.append(f"{self.rate:,.1f} articles/s in {self.seconds:,.1f} s")
        head = "interrupted after " if self.interrupted else ""
        return f"batch: {head}" + ", ".join(parts) + (f" -> {self.output}" if self.output else "")


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _one_line(message: str) -> str:
    return " ".join(_well_formed(str(message)).split())


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _well_formed(text: str) -> str:
    """``text`` with each lone surrogate (a JSON Lines input can escape one: ``"\\udc80"``)
    replaced by U+FFFD, one character for one so offsets hold; such text cannot be written
    as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def _walk_articles(directory: Path) -> Iterator[Path]:
    """Article files under ``directory``, recursively, in sorted path order."""
    entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows symlinks; a broken link is not a dir
        except OSError:
            is_dir = False
        if is_dir:
            if entry.is_symlink():
                continue  # never follow directory links (loops)
            yield from _walk_articles(path)
        elif path.suffix.lower() in ARTICLE_SUFFIXES:
            yield path


def _jsonl_items(path: Path) -> Iterator[BatchItem]:
    """Items of a JSON Lines file, one per non-blank line, read as a stream."""
    name = str(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield BatchItem(source=name, error=_one_line(f"{name}: {exc.strerror or exc}"))
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            origin = f"{name}:{number}"
            try:
                record = json.loads(raw)
            except (UnicodeDecodeError, ValueError) as exc:
                yield BatchItem(source=origin, origin=origin, error=_one_line(f"{origin}: invalid JSON: {exc}"))
                continue
            if not isinstance(record, dict):
                yield BatchItem(source=origin, origin=origin, error=f"{origin}: expected a JSON object with \"text\" or \"html\"")
                continue
            ident = record.get("id")
            source = origin if ident is None or ident == "" else str(ident)
            if isinstance(record.get("text"), str):
                yield BatchItem(source=source, text=record["text"], kind="text", origin=origin)
            elif isinstance(record.get("html"), str):
                yield BatchItem(source=source, text=record["html"], kind="html", origin=origin)
            else:
                yield BatchItem(source=source, origin=origin, error=f"{origin}: no \"text\" or \"html\" string")


def iter_inputs(paths: Iterable[str | os.PathLike]) -> Iterator[BatchItem]:
    """The articles named by ``paths`` (files, directories, JSON Lines files), streamed.

    A path that does not exist becomes an error item rather than stopping the run.
    """
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for article_path in _walk_articles(path):
                yield BatchItem(source=str(article_path), path=str(article_path))
        elif path.suffix.lower() == JSONL_SUFFIX and path.is_file():
            yield from _jsonl_items(path)
        else:
            yield BatchItem(source=str(path), path=str(path))


def count_inputs(paths: Iterable[str | os.PathLike]) -> int:
    """How many items :func:`iter_inputs` yields (for the progress bar), cheaply."""
    total = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            total += sum(1 for _ in _walk_articles(path))
        elif path.suffix.lower() == JSONL_SUFFIX and path.is_file():
            try:
                with open(path, "rb") as handle:
                    total += sum(1 for raw in handle if raw.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


# --------------------------------------------------------------------------- output and resume


def read_done_sources(output: str | os.PathLike) -> set[str]:
    """Sources already done in an output file, for ``--resume``.

    Lines are complete when they end with a newline and parse as a JSON object; the file is
    cut at the end of the last such line when the tail is anything else (a torn last line).
    Sources whose line is an error are not done: their lines are dropped (the file is
    rewritten through a temporary file and renamed, so it is never half-written) and the
    resumed run tries them again, so every source keeps exactly one line.
    """
    done: set[str] = set()
    path = Path(output)
    if not path.exists():
        return done
    good_end = 0
    errors = 0
    with open(path, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            if not isinstance(record, dict) or "source" not in record:
                break
            if "error" in record:
                errors += 1
            else:
                done.add(str(record["source"]))
            good_end += len(raw)
    if good_end != path.stat().st_size:
        log.warning("%s: truncating an incomplete last line at byte %d", path, good_end)
        os.truncate(path, good_end)
    if errors:
        log.info("%s: retrying %d sources that failed before", path, errors)
        _drop_error_lines(path)
    return done


def _drop_error_lines(path: Path) -> None:
    """Rewrite ``path`` without its ``{"source", "error"}`` lines, atomically."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as handle:
            for raw in handle:
                if "error" not in json.loads(raw):
                    out.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_line(handle: BinaryIO, line: str) -> None:
    """Write one complete line with one ``write()`` call, then flush."""
    data = (line + "\n").encode("utf-8")
    written = handle.write(data)
    while written is not None and written < len(data):  # a raw file may write partially
        data = data[written:]
        written = handle.write(data)
    handle.flush()


# --------------------------------------------------------------------------- the work


def map_filename(source: str) -> str:
    """A deterministic, safe and unique HTML file name for an article's map."""
    stem = _UNSAFE_FILENAME_CHARS.sub("_", source).strip("._")[-80:] or "article"
    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}.html"


def check_article(document: Document, gazetteer: Any, maps_dir: str | None = None) -> tuple[dict, int, int]:
    """Analyse one document: its ``check --format jsonl`` record and claim counts.

    With ``maps_dir``, also render the article's map there (folium imported only then).
    """
    from routemap.pipeline import analyse
    from routemap.report import report_to_dict

    report = analyse(document, gazetteer)
    record = report_to_dict(report, gazetteer)
    if maps_dir is not None:
        from routemap.render import render_map, save_map

        save_map(render_map([report], gazetteer), os.path.join(maps_dir, map_filename(document.source)))
    inconsistent = sum(1 for result in report.results if result.verdict == "inconsistent")
    return record, len(report.results), inconsistent


@dataclass(frozen=True, slots=True)
class _WorkerConfig:
    gazetteer_path: str | None = None
    no_world: bool = False
    article_fn: ArticleFn | None = None


_WORKER_GAZETTEERS: dict[tuple[str | None, bool], Any] = {}


def _load_gazetteer(gazetteer_path: str | None, no_world: bool) -> Any:
    """The gazetteer of a worker process, loaded once per process and options."""
    key = (gazetteer_path, no_world)
    if key not in _WORKER_GAZETTEERS:
        from routemap.cli.options import load_gazetteer_from_options

        _WORKER_GAZETTEERS[key] = load_gazetteer_from_options(gazetteer_path, no_world)
    return _WORKER_GAZETTEERS[key]


WARM_UP_TEXT = "A train ran 100 km from Pyongyang to Sinuiju in about 4 hours.\n"


def warm_up_worker(gazetteer_path: str | None = None, no_world: bool = False) -> bool:
    """Load the gazetteer and the pipeline in this process (lazy imports, unit registry)
    by checking one short text; ``True`` when that worked.  Run on every Dask worker."""
    from routemap import reading

    try:
        gazetteer = _load_gazetteer(gazetteer_path, no_world)
        check_article(reading.document_from_text(WARM_UP_TEXT, source="<warm-up>"), gazetteer)
    except Exception:  # the articles will report the problem, one line each
        log.debug("warm-up failed", exc_info=True)
        return False
    return True


_POOL_CONFIG: _WorkerConfig | None = None


def _init_pool_worker(config: _WorkerConfig) -> None:
    """Pool initializer: ignore Ctrl-C (the parent handles it) and load the gazetteer."""
    global _POOL_CONFIG
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _POOL_CONFIG = config
    try:
        _load_gazetteer(config.gazetteer_path, config.no_world)
    except Exception:  # reported on the first article, as a clean error in the parent
        pass


def _read_item(item: BatchItem) -> BatchItem:
    """``item`` with the file's bytes in ``text`` (a path item read), or an error item."""
    if item.path is None or item.error is not None:
        return item
    try:
        mode = os.stat(item.path).st_mode
        if not stat.S_ISREG(mode):
            return BatchItem(source=item.source, error=f"{item.path}: not a regular file")
        with open(item.path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return BatchItem(source=item.source, error=_one_line(f"{item.path}: {exc.strerror or exc}"))
    # kind None: the reader decides from the suffix and the content, as ``check`` does.
    return BatchItem(source=item.source, text=data, kind=None, origin=item.path)


def _document(item: BatchItem) -> Document:
    from routemap import reading

    if isinstance(item.text, bytes):
        return reading.document_from_bytes(item.text, item.source, kind=item.kind)
    return reading.document_from_text(item.text or "", source=item.source, kind=item.kind or "text")


def _error_outcome(source: str, message: str) -> ArticleOutcome:
    line = dumps_json({"source": _well_formed(source), "error": _one_line(message)})
    return ArticleOutcome(source=source, line=line, error=True)


def _process_item(item: BatchItem, config: _WorkerConfig) -> ArticleOutcome:
    item = _read_item(item)
    if isinstance(item.text, str) and _LONE_SURROGATE.search(item.text):
        item = dataclasses.replace(item, text=_well_formed(item.text))
    if _LONE_SURROGATE.search(item.source):
        item = dataclasses.replace(item, source=_well_formed(item.source))
    if item.error is not None:
        return _error_outcome(item.source, item.error)
    where = item.origin or item.source
    try:
        gazetteer = _load_gazetteer(config.gazetteer_path, config.no_world)
        article_fn = config.article_fn or check_article
        document = _document(item)
        record, claims, inconsistent = article_fn(document, gazetteer)
    except RoutemapError as exc:
        message = str(exc)
        return _error_outcome(item.source, message if message.startswith(where) else f"{where}: {message}")
    except (OSError, ValueError) as exc:  # undecodable bytes and the like
        return _error_outcome(item.source, f"{where}: {type(exc).__name__}: {exc}")
    except Exception as exc:  # a bug must not stop a corpus run: report it on the article's line
        log.debug("internal error on %s", where, exc_info=True)
        return _error_outcome(item.source, f"{where}: internal error: {type(exc).__name__}: {exc}")
    line = dumps_json(record)
    return ArticleOutcome(source=item.source, line=line, claims=claims, inconsistent=inconsistent)


def _process_chunk(chunk: list[BatchItem], config: _WorkerConfig | None = None) -> list[ArticleOutcome]:
    """Work of one task: every item of a chunk, in order."""
    config = config or _POOL_CONFIG or _WorkerConfig()
    return [_process_item(item, config) for item in chunk]


def _chunks(items: Iterable[BatchItem], size: int) -> Iterator[list[BatchItem]]:
    chunk: list[BatchItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- engines


class _SerialEngine:
    """Everything in this process (``--jobs 1``): no pool to start."""

    def __init__(self, config: _WorkerConfig):
        self.config = config
        self.window = 1

    def submit(self, chunk: list[BatchItem]) -> list[ArticleOutcome]:
        return _process_chunk(chunk, self.config)

    def result(self, handle: list[ArticleOutcome]) -> list[ArticleOutcome]:
        return handle

    def close(self, cancel: bool = False) -> None:
        pass


class _PoolEngine:
    """A process pool; workers load the gazetteer in their initializer.

    On Linux the workers are forked, all at start-up (before the progress bar's thread
    exists); elsewhere they are spawned.  A worker that dies (killed, out of memory) stops
    the run with an error instead of hanging it; what was written stays whole.
    """

    def __init__(self, config: _WorkerConfig, jobs: int):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_pool_worker, initargs=(config,))
        self.pool.submit(int).result()  # start the workers now
        self.window = jobs * 4

    def submit(self, chunk: list[BatchItem]) -> Any:
        return self.pool.submit(_process_chunk, chunk)

    def result(self, handle: Any) -> list[ArticleOutcome]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return handle.result()
        except BrokenProcessPool as exc:
            raise RoutemapError(f"a worker process died ({exc}); rerun with --resume to go on") from None

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=True, cancel_futures=cancel)


class _DaskEngine:
    """A Dask distributed cluster (a scheduler address, or a local cluster of ``jobs``).

    The client reads files itself (workers may be other machines) and sends chunks of
    article texts; each worker process loads the gazetteer once and keeps it.
    """

    def __init__(self, config: _WorkerConfig, jobs: int, scheduler: str | None):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise RoutemapError("--engine dask needs dask[distributed]: pip install 'routemap[dask]'") from exc
        self.config = config
        self.cluster = None
        if scheduler is None:
            self.cluster = LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            scheduler = self.cluster.scheduler_address
        try:
            self.client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise RoutemapError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
        workers = len(self.client.scheduler_info().get("workers", {})) or jobs
        self.window = max(2, workers * 3)
        if config.article_fn is None:
            self.client.run(warm_up_worker, config.gazetteer_path, config.no_world)

    def submit(self, chunk: list[BatchItem]) -> Any:
        chunk = [_read_item(item) for item in chunk]
        return self.client.submit(_process_chunk, chunk, self.config, pure=False)

    def result(self, handle: Any) -> list[ArticleOutcome]:
        return handle.result()

    def close(self, cancel: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# --------------------------------------------------------------------------- the run


@dataclass(slots=True)
class _Progress:
    """A rich progress bar on a terminal; nothing otherwise."""

    total: int | None
    enabled: bool
    _bar: Any = field(default=None)
    _task: Any = field(default=None)
    _skipped: int = 0

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self._bar = Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("checking", total=self.total, rate="")
        return self

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, count)
            speed = self._bar.tasks[0].speed
            self._bar.update(self._task, rate=f"{speed:,.1f} articles/s" if speed else "")

    def skip(self) -> None:
        """A source already in the output (``--resume``): one article fewer to do, so that
        the count, the rate and the ETA speak of this run's work only."""
        if self._bar is not None:
            self._skipped += 1
            task = self._bar.tasks[0]
            self._bar.update(self._task, total=None if task.total is None else task.total - 1,
                             description=f"checking ({self._skipped:,} already done)")

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()


def _open_output(output: str, resume: bool) -> tuple[BinaryIO, set[str], bool]:
    if output == "-":
        return sys.stdout.buffer, set(), False
    done = read_done_sources(output) if resume else set()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    return open(output, "ab" if resume else "wb", buffering=0), done, True


def run_batch(
    inputs: Iterable[str | os.PathLike],
    output: str | os.PathLike,
    *,
    jobs: int | None = None,
    resume: bool = False,
    maps_dir: str | os.PathLike | None = None,
    gazetteer_path: str | None = None,
    no_world: bool = False,
    engine: str = "process",
    scheduler: str | None = None,
    chunksize: int | None = None,
    progress: bool | None = None,
    article_fn: ArticleFn | None = None,
) -> BatchSummary:
    """Check every article of ``inputs`` and write JSON Lines to ``output`` (``-``: stdout).

    ``jobs`` workers (default: every core; 1 runs in this process) or a Dask cluster
    (``engine="dask"``, at ``scheduler`` or a local one).  ``article_fn(document, gazetteer)
    -> (record, claims, inconsistent)`` replaces :func:`check_article` (it must be
    picklable for more than one job).  ``progress`` shows a bar (default: when stderr is a
    terminal).  Ctrl-C stops cleanly: the summary says ``interrupted`` and every line written
    is whole.  Returns the counts.
    """
    inputs = [str(path) for path in inputs]
    output = str(output)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if engine not in ("process", "dask"):
        raise RoutemapError(f"unknown engine {engine!r}; expected 'process' or 'dask'")
    if maps_dir is not None:
        os.makedirs(maps_dir, exist_ok=True)
        if article_fn is None:
            article_fn = functools.partial(check_article, maps_dir=str(maps_dir))
    config = _WorkerConfig(gazetteer_path=gazetteer_path, no_world=no_world, article_fn=article_fn)
    if progress is None:
        progress = sys.stderr.isatty()
    if chunksize is None:
        # A Dask task costs the scheduler (which shares the client's process) a few ms: chunks
        # of 128 articles keep that small next to the work (2 workers / 1 went from about
        # 1.6x with 32 to 1.7-1.8x on the bench); a local pool's tasks are cheap.
        chunksize = {"dask": 128, "process": 16 if jobs > 1 else 1}[engine]

    summary = BatchSummary(output=output)
    handle, done, close_handle = _open_output(output, resume)
    total = count_inputs(inputs) if progress else None
    started = time.perf_counter()
    engine_impl: Any = None
    cancel = False
    try:
        if engine == "dask":
            engine_impl = _DaskEngine(config, jobs, scheduler)
        elif jobs == 1:
            engine_impl = _SerialEngine(config)
        else:
            engine_impl = _PoolEngine(config, jobs)
        with _Progress(total=total, enabled=bool(progress)) as bar:

            def pending_items() -> Iterator[BatchItem]:
                for item in iter_inputs(inputs):
                    if item.source in done:
                        summary.skipped += 1
                        bar.skip()
                        continue
                    yield item

            in_flight: collections.deque = collections.deque()

            def drain_one() -> None:
                for outcome in engine_impl.result(in_flight.popleft()):
                    _write_line(handle, outcome.line)
                    if outcome.error:
                        summary.errors += 1
                        if len(summary.first_errors) < ERRORS_SHOWN:
                            summary.first_errors.append(json.loads(outcome.line)["error"])
                    else:
                        summary.articles += 1
                        summary.claims += outcome.claims
                        summary.inconsistent += outcome.inconsistent
                    bar.advance()

            for chunk in _chunks(pending_items(), chunksize):
                in_flight.append(engine_impl.submit(chunk))
                while len(in_flight) >= engine_impl.window:
                    drain_one()
            while in_flight:
                drain_one()
    except KeyboardInterrupt:
        summary.interrupted = True
        cancel = True
    finally:
        summary.seconds = time.perf_counter() - started
        if engine_impl is not None:
            try:
                engine_impl.close(cancel=cancel)
            except Exception:  # pragma: no cover - shutting down after an interrupt
                log.debug("error closing the engine", exc_info=True)
        if close_handle:
            handle.close()
    return summary
