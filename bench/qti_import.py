"""QTI import of 1,000 items, in items/s, against reading and parsing the same XML.

The package is QTI 3.0, built by the tests' package writer (tests/content/qtipackages.py)
with the seven mapped interaction types in turn. The floor opens the zip and parses every
item with the standard library's ElementTree, the least an import must do; the figure is
`import_qti` into a fresh source folder: safe parsing, mapping, key checks, TOML written.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from measure import ROOT, median, table

sys.path.insert(0, str(ROOT))

from mcdesk.content.qti.folder import import_qti
from tests.content.qtipackages import every_interaction, write_package

MAPPED = ["choice", "multi", "text", "numeric", "order", "match", "associate"]


def package(path: Path, count: int) -> Path:
    """``count`` items, each a mapped interaction with its own identifier."""
    templates = every_interaction()
    items = {}
    for n in range(count):
        kind = MAPPED[n % len(MAPPED)]
        xml = templates[f"{kind}.xml"].replace(f'identifier="{kind.title()}"', f'identifier="q{n}"')
        items[f"items/q{n}.xml"] = xml
    return write_package(path, items, version="3.0")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    floors, figures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        zipped = package(Path(tmp) / "bank.zip", args.items)
        for run in range(args.runs):
            t0 = time.perf_counter()
            with zipfile.ZipFile(zipped) as archive:
                for name in archive.namelist():
                    ElementTree.fromstring(archive.read(name))
            floors.append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            done = import_qti(
                zipped,
                folder=Path(tmp) / f"src-{run}",
                self_check=False,
                pack_id="bench-pack",
                title="Bench",
                cluster="Manufacturing",
            )
            figures.append(time.perf_counter() - t1)
            assert len(done.report.items) == args.items, done.report.skipped[:3]
    rate, floor = args.items / median(figures), args.items / median(floors)
    table(
        f"QTI import: {args.items} items (QTI 3.0, 7 interaction types), median of {args.runs}",
        [
            (
                "import_qti",
                f"{rate:,.0f} items/s",
                f"{floor:,.0f} items/s (read + parse)",
                f"{rate / floor:.3f}",
                "(report)",
            )
        ],
    )


if __name__ == "__main__":
    main()
