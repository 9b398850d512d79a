"""Content sync over a ~20 MB catalog: what travels for a one-lesson update and a resume.

A throwaway publisher builds 10 packs (two skills each, ~100 KB lessons and large,
incompressible images; the first pack is ~5 MB), a real server (uvicorn on loopback)
publishes them, and stations pull the catalog index and fetch the packs through a
loopback proxy that counts every byte both ways, request and answer heads included.

- First sync: all of it, against the catalog's distinct file bytes.
- One lesson changed in one pack (a new version): the bytes on the wire against the
  changed bytes (the new lesson, the bank sealed for the new version, the new signed
  manifest). Target (issue 5): ≤ changed + 5%.
- A fresh station's download cut at 50% of the large pack, then resumed: the bytes sent
  twice, as a fraction of that pack. Target: ≤ 5%. Cut by a clean close (the server or
  a proxy going away) and by a reset (RST: bytes still unread in the station's socket
  buffer are lost, the worst case on loopback).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from measure import ROOT, table

sys.path.insert(0, str(ROOT))  # the test helpers: pack builder, counting proxy

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from mcdesk.content.build import BuiltPack
from mcdesk.keys import PublisherKey, new_publisher, public_key_b64
from mcdesk.server.admin import register_station
from mcdesk.server.app import create_app
from mcdesk.server.config import ServerSettings
from mcdesk.server.db import make_engine
from mcdesk.server.publish import publish_file
from mcdesk.store.migrate import upgrade
from mcdesk.sync.client import SyncError, fetch_server_key
from mcdesk.sync.content import CATALOG_STREAM, apply_catalog, fetch_content
from mcdesk.sync.pull import pull_streams
from tests.contentpacks import build_version
from tests.sync.wire import WireProxy, wire_proxy

BLOBS = "/api/v1/blobs/"
LESSON_BYTES = 100_000
LARGE_MEDIA = 2_400_000  # per skill: the large pack is ~5 MB
MEDIA = 750_000
PACKS = 10
LINK_RATE = 12.5e6  # bytes a second: a 100 Mbit/s link, faster than most school uplinks


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The server app under uvicorn on a loopback socket, in a thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(ServerSettings(database_url=database_url)),
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def manifest_of(built: BuiltPack) -> tuple[bytes, list[dict[str, object]]]:
    with zipfile.ZipFile(built.output) as archive:
        manifest = archive.read("pack.json")
    return manifest, list(json.loads(manifest)["files"])


def distinct_bytes(packs: list[BuiltPack]) -> int:
    sizes = {str(e["sha256"]): int(str(e["size"])) for p in packs for e in manifest_of(p)[1]}
    return sum(sizes.values())


class Station:
    """A fresh station store registered on the server."""

    def __init__(self, template: Path, folder: Path, name: str, server_db: str) -> None:
        folder.mkdir(parents=True)
        self.database = folder / "mcdesk.sqlite3"
        self.database.write_bytes(template.read_bytes())
        self.key = Ed25519PrivateKey.generate()
        self.id = name
        engine = make_engine(server_db)
        try:
            with Session(engine) as session:
                register_station(
                    session,
                    station_id=name,
                    name=name,
                    public_key_b64=public_key_b64(self.key.public_key()),
                    now=datetime.now(UTC),
                )
        finally:
            engine.dispose()

    def sync(self, url: str, trusted: dict[str, PublisherKey]) -> None:
        common = {
            "database": self.database,
            "station_key": self.key,
            "station_id": self.id,
            "server_url": url,
            "server_public_key": fetch_server_key(url),
        }
        pull_streams(**common, appliers={CATALOG_STREAM: apply_catalog})
        report = fetch_content(**common, trusted=trusted)
        if report.refused:
            raise RuntimeError(f"refused: {report.refused}")


def counted(station: Station, base_url: str, trusted: dict[str, PublisherKey]) -> WireProxy:
    with wire_proxy(base_url) as proxy:
        station.sync(proxy.url, trusted)
    return proxy


def cut_and_resume(
    station: Station,
    base_url: str,
    trusted: dict[str, PublisherKey],
    *,
    at: int,
    reset: bool,
    rate: float | None = None,
) -> int:
    """Blob bytes sent during the cut attempt and the resume together."""
    cutter = wire_proxy(base_url, cut_after=at, cut_path=BLOBS, reset=reset, rate=rate)
    with cutter as cutting:
        try:
            station.sync(cutting.url, trusted)
        except SyncError:
            pass
        else:
            raise RuntimeError("the download was not cut")
    resumed = counted(station, base_url, trusted)
    return cutting.body_bytes(BLOBS) + resumed.body_bytes(BLOBS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="server database URL (default: SQLite in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        key = root / "keys" / "bench-publisher.key"
        publisher = new_publisher(key, name="Bench Publisher")
        trusted = {publisher.key_id: publisher}
        t0 = time.perf_counter()
        packs = [
            build_version(
                root,
                key,
                pack_id=f"pack-{n:02d}",
                title=f"Pack {n:02d}",
                lesson_bytes=LESSON_BYTES,
                media_bytes=LARGE_MEDIA if n == 0 else MEDIA,
                seed=n,
            )
            for n in range(PACKS)
        ]
        build_seconds = time.perf_counter() - t0
        catalog = distinct_bytes(packs)
        server_db = args.db or f"sqlite:///{root / 'server.sqlite3'}"
        template = root / "template.sqlite3"
        upgrade(template)
        with serving(server_db) as base_url:
            engine = make_engine(server_db)
            try:
                with Session(engine) as session:
                    for built in packs:
                        publish_file(
                            session,
                            path=built.output,
                            pack_key_path=built.pack_key_file,
                            trusted=trusted,
                            now=datetime.now(UTC),
                        )
            finally:
                engine.dispose()
            first = Station(template, root / "a", "station-a", server_db)
            t0 = time.perf_counter()
            full = counted(first, base_url, trusted)
            first_seconds = time.perf_counter() - t0

            changed_pack = packs[3]
            v2 = build_version(
                root,
                key,
                pack_id=changed_pack.pack_id,
                version="1.1.0",
                title=f"Pack {3:02d}",
                lesson_bytes=LESSON_BYTES,
                media_bytes=MEDIA,
                seed=3,
                lesson_note="Check the tape measure's hook before every shift.",
            )
            engine = make_engine(server_db)
            try:
                with Session(engine) as session:
                    publish_file(
                        session,
                        path=v2.output,
                        pack_key_path=v2.pack_key_file,
                        trusted=trusted,
                        now=datetime.now(UTC),
                    )
            finally:
                engine.dispose()
            old_files = {str(e["sha256"]) for e in manifest_of(changed_pack)[1]}
            new_manifest, new_files = manifest_of(v2)
            changed_files = [e for e in new_files if str(e["sha256"]) not in old_files]
            changed = len(new_manifest) + sum(int(str(e["size"])) for e in changed_files)
            update = counted(first, base_url, trusted)

            large = distinct_bytes([packs[0]])
            clean = Station(template, root / "b", "station-b", server_db)
            sent_clean = cut_and_resume(clean, base_url, trusted, at=large // 2, reset=False)
            reset = Station(template, root / "c", "station-c", server_db)
            sent_reset = cut_and_resume(reset, base_url, trusted, at=large // 2, reset=True)
            paced = Station(template, root / "d", "station-d", server_db)
            sent_paced = cut_and_resume(
                paced, base_url, trusted, at=large // 2, reset=True, rate=LINK_RATE
            )
        # The whole catalog as v2 left it: what a station without a cut fetches once.
        whole = distinct_bytes([v2 if p is changed_pack else p for p in packs])
        again_clean, again_reset = sent_clean - whole, sent_reset - whole
        again_paced = sent_paced - whole

    mb = 1e6
    print(
        f"\ncatalog: {PACKS} packs, {catalog / mb:.1f} MB of distinct files "
        f"(large pack {large / mb:.1f} MB), built in {build_seconds:.1f} s; "
        f"server database {'PostgreSQL' if args.db else 'SQLite'}"
    )
    print(
        f"changed: {', '.join(str(e['path']) for e in changed_files)} and the manifest; "
        f"{update.requests_to('')} requests for the update"
    )
    table(
        "Content update (bytes on the wire, both ways, heads included)",
        [
            (
                "first sync, whole catalog",
                f"{full.total() / mb:.2f} MB in {first_seconds:.1f} s",
                f"{catalog / mb:.2f} MB of files",
                f"{full.total() / catalog:.3f}",
                "reported",
            ),
            (
                "one lesson changed → update",
                f"{update.total() / 1000:.1f} kB",
                f"{changed / 1000:.1f} kB changed",
                f"{update.total() / changed:.3f}",
                "≤ 1.05",
            ),
            (
                "resume after a cut at 50% (close)",
                f"{again_clean / 1000:.1f} kB sent twice",
                f"{large / mb:.2f} MB pack",
                f"{again_clean / large:.2%}",
                "≤ 5%",
            ),
            (
                "resume after a cut at 50% (reset, 100 Mbit/s)",
                f"{again_paced / 1000:.1f} kB sent twice",
                f"{large / mb:.2f} MB pack",
                f"{again_paced / large:.2%}",
                "≤ 5%",
            ),
            (
                "resume after a cut at 50% (reset, loopback)",
                f"{again_reset / 1000:.1f} kB sent twice",
                f"{large / mb:.2f} MB pack",
                f"{again_reset / large:.2%}",
                "reported",
            ),
        ],
    )


if __name__ == "__main__":
    main()
