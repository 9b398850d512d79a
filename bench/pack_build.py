"""Building the whole bundled catalog, against zipping the same source files (the floor).

The figure is `build_pack` on every pack source (read and check the folder, validate the
manifest, seal the bank, sign, write a reproducible zip), and the same with the lint
first, as `make catalog` runs it. The floor zips every file of the same source folders,
DEFLATE level 9 as the builder uses. Packs are written to a temporary folder, with copies
of the demo pack keys, so nothing in the repository changes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import zipfile
from pathlib import Path

from measure import ROOT, median, table

from mcdesk.content.build import build_pack
from mcdesk.content.lint import lint_source

SOURCES = ROOT / "content_cache" / "src"
KEYS = ROOT / "content_cache" / "keys"


def zip_sources(packs: list[Path], out: Path) -> int:
    """Zip each source folder's files into one archive per pack; the bytes written."""
    written = 0
    for pack in packs:
        target = out / f"{pack.name}.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for path in sorted(p for p in pack.rglob("*") if p.is_file()):
                archive.write(
                    path, path.relative_to(pack).as_posix(), zipfile.ZIP_DEFLATED, compresslevel=9
                )
        written += target.stat().st_size
    return written


def build_all(packs: list[Path], out: Path, keys: Path, *, lint: bool) -> int:
    """Build every pack into ``out``; the bytes written."""
    written = 0
    for pack in packs:
        if lint:
            lint_source(pack)
        built = build_pack(
            pack,
            out / f"{pack.name}.mcpack",
            publisher_key=KEYS / "demo-publisher.key",
            pack_key_file=keys / f"{pack.name}.packkey.json",
        )
        written += built.size
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    packs = sorted(p for p in SOURCES.iterdir() if (p / "pack.toml").is_file())
    files = [p for pack in packs for p in pack.rglob("*") if p.is_file()]
    source_bytes = sum(p.stat().st_size for p in files)
    floors, builds, linted = [], [], []
    zipped = built = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        keys = root / "keys"
        shutil.copytree(KEYS / "packs", keys)
        for run in range(args.runs):
            out = root / f"run{run}"
            for kind in ("zip", "build", "lint"):
                (out / kind).mkdir(parents=True)
            t0 = time.perf_counter()
            zipped = zip_sources(packs, out / "zip")
            floors.append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            built = build_all(packs, out / "build", keys, lint=False)
            builds.append(time.perf_counter() - t1)
            t2 = time.perf_counter()
            build_all(packs, out / "lint", keys, lint=True)
            linted.append(time.perf_counter() - t2)
            shutil.rmtree(out)
    floor = median(floors)
    rows = [
        (
            "build every pack",
            f"{median(builds) * 1000:.0f} ms",
            f"{floor * 1000:.0f} ms (zip the sources)",
            f"{median(builds) / floor:.1f}×",
            "(report)",
        ),
        (
            "lint + build (make catalog)",
            f"{median(linted) * 1000:.0f} ms",
            f"{floor * 1000:.0f} ms (zip the sources)",
            f"{median(linted) / floor:.1f}×",
            "(report)",
        ),
    ]
    table(
        f"Pack build: {len(packs)} bundled packs, {len(files)} source files, "
        f"{source_bytes / 1e6:.2f} MB in, {built / 1e6:.2f} MB of packs out "
        f"({zipped / 1e6:.2f} MB zipped), median of {args.runs}",
        rows,
    )


if __name__ == "__main__":
    main()
