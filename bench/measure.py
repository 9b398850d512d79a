"""Shared helpers for the benchmarks: percentiles, child-process timing, the result table."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of a non-empty sample."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass(frozen=True, slots=True)
class ProcessRun:
    seconds: float
    peak_rss_mib: float
    stdout: str


def run_process(argv: Sequence[str], *, env: dict[str, str]) -> ProcessRun:
    """Run a child to completion; wall time and that child's own peak RSS (wait4)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        list(argv), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {child.returncode}:\n{out}")
    # ru_maxrss is KiB on Linux.
    return ProcessRun(seconds=seconds, peak_rss_mib=usage.ru_maxrss / 1024, stdout=out)


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def table(title: str, rows: list[tuple[str, str, str, str, str]]) -> None:
    """Print rows of (measure, figure, floor, ratio, target) under a title."""
    header = ("measure", "figure", "floor (same run)", "ratio", "target")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    print(f"\n## {title}  ({sys.platform}, python {sys.version.split()[0]})\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
