"""Verify + import of the bundled catalog, in MB/s, against SHA-256 over the same bytes.

The floor is hashlib.sha256 over every pack file's bytes, the least any verification
must do. The figure is `verify_pack` + `install_verified` of every bundled pack into a
fresh store (signature, schema, per-file hashes, one transaction each, FTS5 index).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from datetime import UTC, datetime

from measure import median, table

from mcdesk.content.bundled import read_bundled_index
from mcdesk.content.install import install_verified
from mcdesk.content.verify import verify_pack
from mcdesk.keys import load_trusted_publishers
from mcdesk.paths import bundled_catalog_dir, bundled_publishers_dir, resolve_paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.engine import make_engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    entries = read_bundled_index(bundled_catalog_dir())
    trusted = load_trusted_publishers(bundled_publishers_dir())
    total = sum(e.file.stat().st_size for e in entries)
    floors, verifies, imports = [], [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        for e in entries:
            hashlib.sha256(e.file.read_bytes()).digest()
        floors.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as home:
            os.environ["MCDESK_HOME"] = home
            paths = resolve_paths()
            open_store(paths, now=datetime.now(UTC))
            engine = make_engine(paths.database)
            t1 = time.perf_counter()
            verified = [verify_pack(e.file, trusted=trusted) for e in entries]
            t2 = time.perf_counter()
            for pack in verified:
                install_verified(pack, engine=engine, now=datetime.now(UTC))
            t3 = time.perf_counter()
            engine.dispose()
        verifies.append(t2 - t1)
        imports.append(t3 - t1)
    mb = total / 1e6
    floor_rate = mb / median(floors)
    verify_rate = mb / median(verifies)
    import_rate = mb / median(imports)
    table(
        f"Pack verify + import: {len(entries)} bundled packs, {mb:.2f} MB, median of {args.runs}",
        [
            (
                "verify only",
                f"{verify_rate:.1f} MB/s",
                f"{floor_rate:.1f} MB/s",
                f"{verify_rate / floor_rate:.3f}",
                "(report)",
            ),
            (
                "verify + import",
                f"{import_rate:.1f} MB/s",
                f"{floor_rate:.1f} MB/s",
                f"{import_rate / floor_rate:.3f}",
                "(report)",
            ),
            (
                "verify + import, per pack",
                f"{median(imports) / len(entries) * 1000:.1f} ms",
                f"{median(floors) / len(entries) * 1000:.3f} ms",
                "",
                "",
            ),
        ],
    )


if __name__ == "__main__":
    main()
