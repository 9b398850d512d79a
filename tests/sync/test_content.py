"""Content sync: catalog pulled, packs fetched in parts, resumed after a cut, checked."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from mcdesk.content.build import BuiltPack
from mcdesk.content.catalog import list_catalog, search_catalog
from mcdesk.content.errors import PackRefused
from mcdesk.keys import PublisherKey
from mcdesk.server.models import ContentBlob
from mcdesk.server.publish import PublishResult, current_pack_parts, publish_file
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import Pack, RemotePack
from mcdesk.sync.client import SyncError, fetch_server_key
from mcdesk.sync.content import (
    CATALOG_STREAM,
    ContentReport,
    apply_catalog,
    fetch_content,
    install_parts,
)
from mcdesk.sync.downloads import BROKEN
from mcdesk.sync.pull import PullRefused, pull_streams
from tests.contentpacks import build_version
from tests.server.conftest import RunningServer
from tests.sync.conftest import StationStore
from tests.sync.wire import wire_proxy

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
BLOBS = "/api/v1/blobs/"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only here: the station side does not depend on the server's database, and
    tests/server/test_content.py runs publishing and Range serving on PostgreSQL too."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


def publish(server: RunningServer, built: BuiltPack, trusted: dict[str, PublisherKey]) -> None:
    key = built.pack_key_file
    with Session(server.engine) as session:
        result: PublishResult = publish_file(
            session, path=built.output, pack_key_path=key, trusted=trusted, now=NOW
        )
    assert result.outcome == "published"


def sync_content(
    store: StationStore,
    url: str,
    trusted: dict[str, PublisherKey],
    progress: list[tuple[int, int, str]] | None = None,
) -> ContentReport:
    """Pull the catalog index, then fetch what it lists, through ``url``."""
    common = {
        "database": store.database,
        "station_key": store.identity.key,
        "station_id": store.identity.id,
        "server_url": url,
        "server_public_key": fetch_server_key(url),
    }
    pull_streams(**common, appliers={CATALOG_STREAM: apply_catalog})
    sink = None if progress is None else lambda d, t, detail: progress.append((d, t, detail))
    return fetch_content(**common, trusted=trusted, progress=sink)


def file_bytes(built: BuiltPack) -> int:
    """Bytes of the pack's distinct files: what a station without any of them fetches."""
    with zipfile.ZipFile(built.output) as archive:
        files = json.loads(archive.read("pack.json"))["files"]
    return sum({e["sha256"]: e["size"] for e in files}.values())


def installed(store: StationStore) -> dict[str, str]:
    with opened(store.database) as connection:
        return {entry.id: entry.version for entry in list_catalog(connection)}


def staged(store: StationStore) -> list[Path]:
    folder = store.database.parent / "downloads"
    return sorted(folder.iterdir()) if folder.exists() else []


def remote(store: StationStore) -> list[RemotePack]:
    engine = make_engine(store.database)
    try:
        with Session(engine) as session:
            return list(session.exec(select(RemotePack).order_by(col(RemotePack.pack_id))))
    finally:
        engine.dispose()


def test_a_published_pack_arrives_installed_and_searchable(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    publish(server, build_version(tmp_path, publisher_key), trusted)
    preview = build_version(tmp_path, publisher_key, pack_id="tour", title="Tour", preview=True)
    publish(server, preview, trusted)
    common = {
        "database": station_store.database,
        "station_key": station_store.identity.key,
        "station_id": station_store.identity.id,
        "server_url": server.base_url,
        "server_public_key": fetch_server_key(server.base_url),
    }
    pull_streams(**common, appliers={CATALOG_STREAM: apply_catalog})
    # The index alone installs nothing: the catalog the learner sees is still empty.
    assert [(r.pack_id, r.version, r.title) for r in remote(station_store)] == [
        ("sample-pack", "1.0.0", "Sample Pack"),
        ("tour", "1.0.0", "Tour"),
    ]
    assert installed(station_store) == {}
    progress: list[tuple[int, int, str]] = []
    report = fetch_content(
        **common, trusted=trusted, progress=lambda d, t, s: progress.append((d, t, s))
    )
    assert sorted(report.installed) == [("sample-pack", "1.0.0"), ("tour", "1.0.0")]
    assert report.refused == []
    assert installed(station_store) == {"sample-pack": "1.0.0", "tour": "1.0.0"}
    with opened(station_store.database) as connection:
        hits = search_catalog(connection, "framing crews")
    assert {hit.pack_id for hit in hits} == {"sample-pack", "tour"}
    assert progress[-1][0] == progress[-1][1] == report.bytes_fetched > 0
    assert [done for done, _, _ in progress] == sorted(done for done, _, _ in progress)
    assert staged(station_store) == []  # staging files go once installed
    again = sync_content(station_store, server.base_url, trusted)
    assert (again.installed, again.bytes_fetched) == ([], 0)


@pytest.mark.parametrize("reset", [True, False], ids=["reset", "closed"])
def test_an_interrupted_download_resumes_where_it_stopped(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
    reset: bool,
) -> None:
    big = build_version(tmp_path, publisher_key, media_bytes=400_000, preview=True)
    publish(server, big, trusted)
    size = file_bytes(big)
    half = size // 2
    cutter = wire_proxy(server.base_url, cut_after=half, cut_path=BLOBS, reset=reset)
    with cutter as cutting, pytest.raises(SyncError) as cut:
        sync_content(station_store, cutting.url, trusted)
    assert cutting.cut
    assert cut.value.reason == BROKEN
    assert installed(station_store) == {}  # nothing shows until the pack is whole
    kept = sum(path.stat().st_size for path in staged(station_store))
    [part] = [path for path in staged(station_store) if path.suffix == ".part"]
    resume_at = part.stat().st_size
    if reset:
        # A reset throws away what sat unread in the station's socket buffer.
        assert 0 < kept <= half
    else:
        assert kept == half  # every byte that arrived is kept
    with wire_proxy(server.base_url) as counting:
        report = sync_content(station_store, counting.url, trusted)
    assert report.installed == [("sample-pack", "1.0.0")]
    # Only what was missing travels again (a Range request from the part's size).
    after_cut = counting.body_bytes(BLOBS)
    assert after_cut == report.bytes_fetched == size - kept
    asked = [e for e in counting.exchanges if part.stem in e.request_line]
    assert [f"range: bytes={resume_at}-" in e.head.lower() for e in asked] == [True]
    assert staged(station_store) == []


def test_a_new_version_transfers_only_the_changed_files(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    v1 = build_version(tmp_path, publisher_key, lesson_bytes=20_000)
    publish(server, v1, trusted)
    sync_content(station_store, server.base_url, trusted)
    note = "Check the tape measure's hook before every shift."
    v2 = build_version(
        tmp_path, publisher_key, version="1.1.0", lesson_bytes=20_000, lesson_note=note
    )
    publish(server, v2, trusted)
    old = {e["sha256"] for e in json.loads(v1_manifest(station_store))["files"]}
    with wire_proxy(server.base_url) as counting:
        report = sync_content(station_store, counting.url, trusted)
    assert report.installed == [("sample-pack", "1.1.0")]
    assert installed(station_store) == {"sample-pack": "1.1.0"}
    new = json.loads(v1_manifest(station_store))["files"]
    changed = [e for e in new if e["sha256"] not in old]
    # The changed lesson and the bank (sealed for its version): nothing else travels.
    assert sorted(e["path"] for e in changed) == [
        "assessment/bank.sealed",
        "skills/measuring/lesson.md",
    ]
    assert counting.requests_to(BLOBS) == 2
    assert counting.body_bytes(BLOBS) == sum(e["size"] for e in changed)
    with opened(station_store.database) as connection:
        assert search_catalog(connection, "hook before every shift")


def v1_manifest(store: StationStore) -> bytes:
    with opened(store.database) as connection:
        return bytes(connection.execute("SELECT manifest FROM pack").fetchone()[0])


def test_a_damaged_file_is_refused_and_fetched_again_next_time(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    built = build_version(tmp_path, publisher_key)
    publish(server, built, trusted)
    with Session(server.engine) as session:
        blob = max(session.exec(select(ContentBlob)), key=lambda b: b.size)
        sha, good = blob.sha256, blob.data
        blob.data = good[:-1] + bytes([good[-1] ^ 1])  # same size, one bit flipped
        session.add(blob)
        session.commit()
    report = sync_content(station_store, server.base_url, trusted)
    assert report.installed == []
    [(pack_id, reason)] = report.refused
    assert pack_id == "sample-pack"
    assert "arrived damaged" in reason
    assert "fetched again at the next sync" in reason
    assert installed(station_store) == {}
    assert not any(path.name.startswith(sha) for path in staged(station_store))
    assert remote(station_store)[0].last_error == reason
    with Session(server.engine) as session:
        repaired = session.get(ContentBlob, sha)
        assert repaired is not None
        repaired.data = good
        session.add(repaired)
        session.commit()
    report = sync_content(station_store, server.base_url, trusted)
    # Only the damaged file travels again: the good ones waited in the staging folder.
    assert report.bytes_fetched == len(good)
    assert installed(station_store) == {"sample-pack": "1.0.0"}
    assert remote(station_store)[0].last_error is None


def test_an_untrusted_publisher_is_refused_before_any_file_travels(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    publish(server, build_version(tmp_path, publisher_key), trusted)
    with wire_proxy(server.base_url) as counting:
        report = sync_content(station_store, counting.url, trusted={})
    [(_, reason)] = report.refused
    assert "does not trust that key" in reason
    assert counting.requests_to(BLOBS) == 0
    assert installed(station_store) == {}
    assert staged(station_store) == []


def test_the_catalog_applier_refuses_a_malformed_entry_and_forgets_withdrawn_ones(
    template_store: Path,
) -> None:
    good = {
        "pack_id": "tour",
        "version": "1.0.0",
        "title": "Tour",
        "career_cluster": "Health Science",
        "summary": "A look around.",
        "preview": True,
        "manifest_sha256": "a" * 64,
        "size": 10,
        "file_count": 1,
    }
    bad_cases = [
        ({**good, "pack_id": "other"}, "names pack 'other'"),
        ({**good, "version": "one"}, "bad version"),
        ({**good, "manifest_sha256": "xyz"}, "bad manifest hash"),
        ({**good, "size": -1}, "bad size"),
        ({**good, "preview": "yes"}, "whether it is a preview"),
        ({key: value for key, value in good.items() if key != "title"}, "without a title"),
    ]
    engine = make_engine(template_store)
    try:
        for document, reason in bad_cases:
            with Session(engine) as session, pytest.raises(PullRefused, match=reason):
                apply_catalog(session, [("tour", document)], NOW)
        with Session(engine) as session:
            apply_catalog(session, [("tour", good)], NOW)
            session.commit()
        with Session(engine) as session:
            assert [r.pack_id for r in session.exec(select(RemotePack))] == ["tour"]
        with Session(engine) as session:
            apply_catalog(session, [("tour", None)], NOW)
            session.commit()
        with Session(engine) as session:
            assert session.exec(select(RemotePack)).first() is None
    finally:
        engine.dispose()


def test_install_parts_installs_a_pack_from_manifest_and_files(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    publish(server, build_version(tmp_path, publisher_key), trusted)
    with Session(server.engine) as session:
        [(manifest, signature, blobs)] = current_pack_parts(session)
    before = station_store.database.read_bytes()
    lesson = next(e for e in json.loads(manifest)["files"] if e["path"].endswith("lesson.md"))
    tampered = {**blobs, lesson["sha256"]: b"# Not the signed lesson\n"}
    with pytest.raises(PackRefused, match=r"does not match its SHA-256|has \d+ bytes"):
        install_parts(
            station_store.database, manifest, signature, tampered, trusted=trusted, now=NOW
        )
    missing = {sha: data for sha, data in blobs.items() if sha != lesson["sha256"]}
    with pytest.raises(PackRefused, match="missing file"):
        install_parts(
            station_store.database, manifest, signature, missing, trusted=trusted, now=NOW
        )
    assert station_store.database.read_bytes() == before
    result = install_parts(
        station_store.database, manifest, signature, blobs, trusted=trusted, now=NOW
    )
    assert (result.pack_id, result.outcome) == ("sample-pack", "installed")
    engine = make_engine(station_store.database)
    try:
        with Session(engine) as session:
            pack = session.get(Pack, "sample-pack")
            assert pack is not None
            assert hashlib.sha256(pack.manifest).digest() == hashlib.sha256(manifest).digest()
    finally:
        engine.dispose()


def test_a_cut_update_leaves_the_installed_version_in_place(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    publish(server, build_version(tmp_path, publisher_key, lesson_bytes=20_000), trusted)
    sync_content(station_store, server.base_url, trusted)
    v2 = build_version(
        tmp_path, publisher_key, version="2.0.0", lesson_bytes=20_000, lesson_note="Hard hats."
    )
    publish(server, v2, trusted)
    with (
        wire_proxy(server.base_url, cut_after=5_000, cut_path=BLOBS) as cutting,
        pytest.raises(SyncError),
    ):
        sync_content(station_store, cutting.url, trusted)
    assert installed(station_store) == {"sample-pack": "1.0.0"}
    with opened(station_store.database) as connection:
        assert search_catalog(connection, "framing crews")
        assert not search_catalog(connection, "hard hats")
    assert sync_content(station_store, server.base_url, trusted).installed == [
        ("sample-pack", "2.0.0")
    ]


def test_a_manifest_that_does_not_match_its_catalog_entry_is_refused(
    server: RunningServer,
    station_store: StationStore,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    publish(server, build_version(tmp_path, publisher_key), trusted)
    common = {
        "database": station_store.database,
        "station_key": station_store.identity.key,
        "station_id": station_store.identity.id,
        "server_url": server.base_url,
        "server_public_key": fetch_server_key(server.base_url),
    }
    pull_streams(**common, appliers={CATALOG_STREAM: apply_catalog})
    with opened(station_store.database) as connection:
        connection.execute("UPDATE remote_pack SET manifest_sha256 = ?", ("0" * 64,))
    report = fetch_content(**common, trusted=trusted)
    [(_, reason)] = report.refused
    assert "does not match its catalog entry" in reason
    assert installed(station_store) == {}
    assert staged(station_store) == []
