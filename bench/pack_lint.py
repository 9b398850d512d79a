"""The whole bundled catalog linted, against reading its source files (the floor).

The floor reads every file under content_cache/src once; the figure is `lint_source` on
every pack source (it reads the folder as `pack build` does, then runs every rule).
"""

from __future__ import annotations

import argparse
import time

from measure import ROOT, median, table

from mcdesk.content.lint import lint_source

SOURCES = ROOT / "content_cache" / "src"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    packs = sorted(p for p in SOURCES.iterdir() if (p / "pack.toml").is_file())
    files = sorted(p for p in SOURCES.rglob("*") if p.is_file())
    floors, figures = [], []
    findings = 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        size = sum(len(path.read_bytes()) for path in files)
        floors.append(time.perf_counter() - t0)
        t1 = time.perf_counter()
        findings = sum(len(lint_source(pack).findings) for pack in packs)
        figures.append(time.perf_counter() - t1)
    figure, floor = median(figures), median(floors)
    table(
        f"Pack lint: {len(packs)} bundled packs, {len(files)} files, {size / 1e6:.2f} MB, "
        f"{findings} findings, median of {args.runs}",
        [
            (
                "lint the catalog",
                f"{figure * 1000:.0f} ms",
                f"{floor * 1000:.1f} ms (read files)",
                f"{figure / floor:.0f}×",
                "(report)",
            )
        ],
    )


if __name__ == "__main__":
    main()
