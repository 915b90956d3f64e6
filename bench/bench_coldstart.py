"""The command line's cold start: wall time of ``routemap check ARTICLE`` in a new process.

Runs the virtual environment's ``routemap`` entry point (the one a user runs) once to warm
the file-system cache, then ``--runs`` more times, and reports the median.  When it is over
the 0.5 s target, ``python -X importtime`` names the imports that cost the most.

    python bench/bench_coldstart.py examples/some-article.txt
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["routemap_command", "time_command", "import_offenders", "run", "main", "TARGET_SECONDS"]

TARGET_SECONDS = 0.5

IMPORTTIME_LINE = re.compile(
    r"""
    ^import\ time:\s+(?P<own>\d+)\s+\|\s+(?P<cumulative>\d+)\s+\|\s(?P<indent>\s*)(?P<module>\S+)\s*$
    """,
    re.VERBOSE,
)


def routemap_command() -> list[str]:
    """The ``routemap`` script next to this Python (the venv's entry point)."""
    script = Path(sys.executable).parent / "routemap"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "routemap"]


def time_command(command: list[str], runs: int = 5) -> tuple[list[float], int]:
    """Wall seconds of each of ``runs`` runs (after one warm-up), and the last exit code."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    subprocess.run(command, capture_output=True, env=env)
    times, code = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
        code = completed.returncode
    return times, code


def import_offenders(article: Path, top: int = 12) -> list[tuple[str, float, float]]:
    """``(module, cumulative s, own s)`` of the costliest top-level imports of a check."""
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "routemap", "check", str(article)],
        capture_output=True,
        text=True,
    )
    rows = []
    for line in completed.stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            depth = len(match.group("indent")) // 2
            rows.append((depth, match.group("module"), int(match.group("cumulative")) / 1e6, int(match.group("own")) / 1e6))
    shallow = [row for row in rows if row[0] <= 1]
    shallow.sort(key=lambda row: row[2], reverse=True)
    return [(module, cumulative, own) for _depth, module, cumulative, own in shallow[:top]]


def run(article: Path, *, runs: int = 5) -> dict:
    command = routemap_command() + ["check", str(article)]
    times, code = time_command(command, runs=runs)
    median = statistics.median(times)
    python_only, _ = time_command([sys.executable, "-c", "pass"], runs=runs)
    lines = [
        "## Cold start of the command line",
        "",
        f"`routemap check {article.name}` in a new process (the venv's `routemap` entry point), "
        f"median of {runs} runs after one warm-up (exit code {code}):",
        "",
        f"- **{median:.3f} s** (runs: {', '.join(f'{t:.3f}' for t in times)}; target < {TARGET_SECONDS} s)",
        f"- for scale, a bare `python -c pass`: {statistics.median(python_only):.3f} s",
        "",
    ]
    offenders: list = []
    if median > TARGET_SECONDS:
        offenders = import_offenders(article)
        lines += [
            "Over the target: the costliest imports (`python -X importtime`, top-level and their direct children):",
            "",
            "| module | cumulative s | own s |",
            "|---|---:|---:|",
            *[f"| `{module}` | {cumulative:.3f} | {own:.3f} |" for module, cumulative, own in offenders],
            "",
        ]
    return {
        "markdown": "\n".join(lines),
        "figures": {"coldstart_s": median, "coldstart_runs": times, "exit_code": code, "offenders": offenders},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(run(args.article, runs=args.runs)["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
