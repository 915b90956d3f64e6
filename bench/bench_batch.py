"""``routemap batch``: peak memory on a large corpus, and scaling on a Dask cluster.

Memory: ``routemap batch CORPUS -o OUT --jobs 2`` runs as a subprocess (the venv's entry
point) while psutil samples its whole process tree (the parent and the workers) every
100 ms.  Two figures: the peak of the summed resident set sizes (RSS; pages shared between
processes -- the Python binary, libraries -- count once per process, so it is an upper
bound) and the peak of the summed proportional set sizes (PSS; shared pages split between
the processes that share them: the tree's real share of physical memory).

Scaling: the same slice of the corpus through ``run_batch(engine="dask")`` on a
``distributed.LocalCluster`` of 1 and then 2 worker processes (one thread each, loopback
only); workers load the gazetteer before the clock starts.

    python bench/bench_batch.py bench/corpus/corpus-100k.jsonl --slice 5000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["measure_memory", "measure_dask", "slice_corpus", "run", "main", "MEMORY_TARGET_MB", "SCALING_TARGET"]

MEMORY_TARGET_MB = 250
SCALING_TARGET = 1.7


def _routemap() -> list[str]:
    script = Path(sys.executable).parent / "routemap"
    return [str(script)] if script.exists() else [sys.executable, "-m", "routemap"]


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for _ in handle)


def measure_memory(corpus: Path, out: Path, *, jobs: int = 2, interval: float = 0.1) -> dict:
    """Peak RSS of the process tree of ``routemap batch`` over ``corpus``."""
    import psutil

    command = _routemap() + ["batch", str(corpus), "-o", str(out), "--jobs", str(jobs), "--no-progress"]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(process.pid)
    peak_tree = peak_one = peak_pss = 0
    peak_processes = 0
    while process.poll() is None:
        try:
            members = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = total_pss = 0
        for member in members:
            try:
                info = member.memory_full_info()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total += info.rss
            total_pss += getattr(info, "pss", info.rss)
            peak_one = max(peak_one, info.rss)
        peak_tree = max(peak_tree, total)
        peak_pss = max(peak_pss, total_pss)
        peak_processes = max(peak_processes, len(members))
        time.sleep(interval)
    stderr = process.communicate()[1]
    seconds = time.perf_counter() - started
    articles = _count_lines(corpus)
    written = _count_lines(out) if out.exists() else 0
    return {
        "command": " ".join(["routemap", *command[1:]]) if command[0].endswith("routemap") else " ".join(command),
        "exit_code": process.returncode,
        "articles": articles,
        "lines_written": written,
        "seconds": seconds,
        "articles_per_s": written / seconds if seconds else 0.0,
        "peak_tree_mb": peak_tree / 2**20,
        "peak_pss_mb": peak_pss / 2**20,
        "peak_process_mb": peak_one / 2**20,
        "processes": peak_processes,
        "summary": stderr.strip().splitlines()[-1] if stderr.strip() else "",
    }


def slice_corpus(corpus: Path, articles: int, directory: Path) -> Path:
    """The first ``articles`` lines of ``corpus`` as their own file."""
    target = directory / f"{corpus.stem}-first{articles}.jsonl"
    if not target.exists():
        with open(corpus, "rb") as source, open(target, "wb") as sink:
            for number, line in enumerate(source):
                if number >= articles:
                    break
                sink.write(line)
    return target


def measure_dask(corpus: Path, out_dir: Path, *, workers: tuple[int, ...] = (1, 2), chunksize: int | None = None) -> dict:
    """Seconds of ``run_batch(engine="dask")`` over ``corpus`` with each number of workers."""
    import logging
    import warnings

    from distributed import Client, LocalCluster

    from routemap.batch import run_batch, warm_up_worker

    warnings.filterwarnings("ignore", message=".*already have a cluster running.*")

    results = {}
    for count in workers:
        with LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster, Client(cluster) as client:
            client.wait_for_workers(count)
            client.run(warm_up_worker, None, False)  # gazetteer and imports before the clock
            out = out_dir / f"dask-{count}.jsonl"
            started = time.perf_counter()
            summary = run_batch(
                [corpus], out, engine="dask", scheduler=cluster.scheduler_address, chunksize=chunksize, progress=False
            )
            seconds = time.perf_counter() - started
        results[count] = {
            "seconds": seconds,
            "articles": summary.articles + summary.errors,
            "articles_per_s": (summary.articles + summary.errors) / seconds,
            "errors": summary.errors,
        }
    return results


def run(corpus_large: Path, *, slice_articles: int = 5000, work_dir: Path | None = None, jobs: int = 2) -> dict:
    work_dir = work_dir or Path(tempfile.mkdtemp(prefix="routemap-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    memory = measure_memory(corpus_large, work_dir / "batch-out.jsonl", jobs=jobs)
    dask_slice = slice_corpus(corpus_large, slice_articles, work_dir)
    dask = measure_dask(dask_slice, work_dir)
    ratio = dask[1]["seconds"] / dask[2]["seconds"] if 1 in dask and 2 in dask else None
    cores = os.cpu_count()
    lines = [
        "## `routemap batch`: memory and scaling",
        "",
        f"`{memory['command']}` over {memory['articles']:,} articles "
        f"(exit code {memory['exit_code']}, {memory['lines_written']:,} lines written):",
        "",
        f"- **peak RSS of the process tree: {memory['peak_tree_mb']:.0f} MB** (target < {MEMORY_TARGET_MB} MB; "
        f"{memory['processes']} processes: the parent and {jobs} workers; largest single process "
        f"{memory['peak_process_mb']:.0f} MB; RSS counts shared pages once in every process)",
        f"- peak PSS of the process tree (shared pages split between processes): **{memory['peak_pss_mb']:.0f} MB**",
        f"- {memory['seconds']:.1f} s, {memory['articles_per_s']:,.0f} articles/s with {jobs} workers "
        "(including start-up: workers load the gazetteer)",
        f"- its summary line: `{memory['summary']}`",
        "",
        f"Dask (`--engine dask`) on a `LocalCluster` of 1 then 2 worker processes, one thread each, over the "
        f"first {dask_slice.name.rsplit('first', 1)[-1].split('.')[0]} articles (the client reads, orders and writes):",
        "",
        "| workers | seconds | articles/s |",
        "|---:|---:|---:|",
        *[f"| {count} | {row['seconds']:.1f} | {row['articles_per_s']:,.0f} |" for count, row in sorted(dask.items())],
        "",
        f"**2 workers / 1 worker: {ratio:.2f}×** (target ≥ {SCALING_TARGET}×). This machine has {cores} cores, "
        "which the client process (JSON parsing, ordering, writing) shares with the two workers.",
        "",
    ]
    return {
        "markdown": "\n".join(lines),
        "figures": {
            "batch_peak_mb": memory["peak_tree_mb"],
            "batch_peak_pss_mb": memory["peak_pss_mb"],
            "batch_articles_per_s": memory["articles_per_s"],
            "batch_exit_code": memory["exit_code"],
            "batch_complete": memory["lines_written"] == memory["articles"],
            "dask": dask,
            "dask_ratio": ratio,
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--slice", type=int, default=5000, help="articles for the Dask runs")
    parser.add_argument("--work-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    print(run(args.corpus, slice_articles=args.slice, work_dir=args.work_dir)["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
