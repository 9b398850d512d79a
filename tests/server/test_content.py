"""Publishing packs on the server, and serving manifests and files (with Range) to stations."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlmodel import Session, col, select

from mcdesk.cli import main
from mcdesk.content.sealing import new_pack_key, write_pack_key
from mcdesk.keys import PublisherKey
from mcdesk.protocol.signing import signed_headers
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.models import Change, ContentBlob, PublishedPack, ServerPackKey
from mcdesk.server.publish import (
    PublishError,
    PublishResult,
    current_pack_parts,
    publish_file,
    server_publishers_dir,
)
from tests.contentpacks import build_version
from tests.server.conftest import RunningServer, StationIdentity

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def publish(
    server: RunningServer,
    built: Path,
    trusted: dict[str, PublisherKey],
    *,
    key: Path | None = None,
) -> PublishResult:
    with Session(server.engine) as session:
        return publish_file(session, path=built, pack_key_path=key, trusted=trusted, now=NOW)


def pack_key_file(tmp_path: Path, pack_id: str = "sample-pack") -> Path:
    return tmp_path / "keys" / f"{pack_id}.packkey.json"


def get(
    server: RunningServer, station: StationIdentity, path: str, **headers: str
) -> requests.Response:
    signed = signed_headers(
        key=station.key,
        station_id=station.id,
        method="GET",
        path=path,
        body=b"",
        timestamp=int(time.time()),
    )
    return requests.get(server.url(path), headers={**signed, **headers}, timeout=30)


def changes(server: RunningServer, stream: str) -> list[tuple[str, dict[str, object]]]:
    with Session(server.engine) as session:
        rows = session.exec(
            select(Change).where(col(Change.stream) == stream).order_by(col(Change.id))
        )
        return [(row.key, json.loads(row.document or b"null")) for row in rows]


def test_publishing_stores_the_pack_and_tells_the_catalog_and_key_streams(
    server: RunningServer, publisher_key: Path, trusted: dict[str, PublisherKey], tmp_path: Path
) -> None:
    built = build_version(tmp_path, publisher_key)
    result = publish(server, built.output, trusted, key=pack_key_file(tmp_path))
    assert result.outcome == "published"
    assert result.files == built.file_count == 5
    assert result.new_blobs == 4  # both skills show the same figure: stored once
    with Session(server.engine) as session:
        stored = session.exec(select(PublishedPack)).one()
        manifest = json.loads(stored.manifest)
        blobs = {blob.sha256: blob.size for blob in session.exec(select(ContentBlob))}
        keys = list(session.exec(select(ServerPackKey)))
    assert {entry["sha256"]: entry["size"] for entry in manifest["files"]} == blobs
    assert stored.manifest_sha256 == hashlib.sha256(stored.manifest).hexdigest()
    assert [(k.pack_id, k.key_id) for k in keys] == [
        ("sample-pack", manifest["assessment"]["bank"]["key_id"])
    ]
    [(key, document)] = changes(server, "catalog")
    assert key == "sample-pack"
    assert document == {
        "pack_id": "sample-pack",
        "version": "1.0.0",
        "title": "Sample Pack",
        "career_cluster": "Architecture & Construction",
        "summary": "A small pack for tests.",
        "preview": False,
        "manifest_sha256": stored.manifest_sha256,
        "size": stored.size,
        "file_count": built.file_count,
    }
    [(key, document)] = changes(server, "pack_keys")
    assert document == {"pack_id": "sample-pack", "key_id": keys[0].key_id}  # no key material


def test_publishing_again_changes_nothing_and_a_new_version_adds_only_new_files(
    server: RunningServer, publisher_key: Path, trusted: dict[str, PublisherKey], tmp_path: Path
) -> None:
    key = pack_key_file(tmp_path)
    v1 = build_version(tmp_path, publisher_key)
    publish(server, v1.output, trusted, key=key)
    again = publish(server, v1.output, trusted, key=key)
    assert again.outcome == "unchanged"
    v2 = build_version(tmp_path, publisher_key, version="1.1.0", lesson_note="A new paragraph.")
    result = publish(server, v2.output, trusted, key=key)
    # The changed lesson, and the bank (sealed for its version); the rest is shared.
    assert result.new_blobs == 2
    assert not result.key_stored  # same pack key as 1.0.0
    assert [doc["version"] for _, doc in changes(server, "catalog")] == ["1.0.0", "1.1.0"]
    assert len(changes(server, "pack_keys")) == 1
    with Session(server.engine) as session:
        [(manifest, signature, blobs)] = current_pack_parts(session)
    assert json.loads(manifest)["version"] == "1.1.0"
    assert len(signature) == 64
    assert sorted(blobs) == sorted({e["sha256"] for e in json.loads(manifest)["files"]})


def test_publishing_refuses_with_a_reason_and_stores_nothing(
    server: RunningServer,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    key = pack_key_file(tmp_path)
    v2 = build_version(tmp_path, publisher_key, version="2.0.0")
    v1 = build_version(tmp_path, publisher_key, version="1.0.0")
    other = tmp_path / "other.packkey.json"
    write_pack_key(other, new_pack_key("sample-pack"))
    cases = [
        (v2.output, key, {}, "does not trust that key"),
        (v2.output, None, trusted, "give its pack key with --pack-key"),
        (v2.output, other, trusted, "wrong pack key"),
    ]
    for path, pack_key, trusting, reason in cases:
        with pytest.raises(PublishError, match=reason):
            publish(server, path, trusting, key=pack_key)
    with Session(server.engine) as session:
        assert session.exec(select(PublishedPack)).first() is None
        assert session.exec(select(ContentBlob)).first() is None
        assert session.exec(select(Change)).first() is None
    publish(server, v2.output, trusted, key=key)
    with pytest.raises(PublishError, match=r"older than the published version"):
        publish(server, v1.output, trusted, key=key)
    changed = build_version(tmp_path, publisher_key, version="2.0.0", lesson_note="Changed.")
    with pytest.raises(PublishError, match="published already with different content"):
        publish(server, changed.output, trusted, key=key)
    assert len(changes(server, "catalog")) == 1


def test_a_forged_or_foreign_pack_key_is_refused(
    server: RunningServer, publisher_key: Path, trusted: dict[str, PublisherKey], tmp_path: Path
) -> None:
    built = build_version(tmp_path, publisher_key)
    document = json.loads(pack_key_file(tmp_path).read_text())
    document["key"] = "A" * 43 + "="  # the key id claimed no longer matches the key
    forged = tmp_path / "forged.packkey.json"
    forged.write_text(json.dumps(document))
    with pytest.raises(PublishError, match="key_id does not match the key"):
        publish(server, built.output, trusted, key=forged)
    foreign = tmp_path / "foreign.packkey.json"
    write_pack_key(foreign, new_pack_key("another-pack"))
    with pytest.raises(PublishError, match="the pack key is for another-pack, not sample-pack"):
        publish(server, built.output, trusted, key=foreign)


def test_manifests_and_files_are_served_to_signed_stations(
    server: RunningServer,
    station: StationIdentity,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    built = build_version(tmp_path, publisher_key, preview=True)
    publish(server, built.output, trusted)
    answer = get(server, station, "/api/v1/packs/sample-pack/1.0.0")
    assert answer.status_code == 200
    with Session(server.engine) as session:
        stored = session.exec(select(PublishedPack)).one()
    assert base64.b64decode(answer.json()["manifest"]) == stored.manifest
    # The publisher's signature is inside the server-signed envelope (issue 10 item 7).
    signed = json.loads(base64.b64decode(answer.json()["body"]))
    assert base64.b64decode(signed["signature"]) == stored.signature
    missing = get(server, station, "/api/v1/packs/sample-pack/9.9.9")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "sample-pack 9.9.9 is not published on this server"

    lesson = max(json.loads(stored.manifest)["files"], key=lambda e: e["size"])
    sha, size = lesson["sha256"], lesson["size"]
    with Session(server.engine) as session:
        data = session.exec(select(ContentBlob.data).where(col(ContentBlob.sha256) == sha)).one()
    path = f"/api/v1/blobs/{sha}"
    whole = get(server, station, path)
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["ETag"] == f'"{sha}"'
    ranges = {
        "bytes=10-": (10, size - 1),
        "bytes=10-19": (10, 19),
        "bytes=0-0": (0, 0),
        f"bytes=5-{size * 2}": (5, size - 1),  # past the end: up to the end
        "bytes=-7": (size - 7, size - 1),
        f"bytes={size - 1}-": (size - 1, size - 1),
    }
    for header, (first, last) in ranges.items():
        part = get(server, station, path, Range=header)
        assert part.status_code == 206, header
        assert part.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
        assert part.content == data[first : last + 1]
    for header in ("bytes=9-3", "items=0-5", "bytes=0-1,4-5", "bytes=x-"):
        ignored = get(server, station, path, Range=header)  # not one well-formed range
        assert (ignored.status_code, ignored.content) == (200, data), header
    for header in (f"bytes={size}-", f"bytes={size + 100}-{size + 200}", "bytes=-0"):
        refused = get(server, station, path, Range=header)
        assert refused.status_code == 416, header
        assert refused.headers["Content-Range"] == f"bytes */{size}"


def test_unknown_or_malformed_files_and_unsigned_requests_are_refused(
    server: RunningServer,
    station: StationIdentity,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    tmp_path: Path,
) -> None:
    built = build_version(tmp_path, publisher_key, preview=True)
    publish(server, built.output, trusted)
    never_published = hashlib.sha256(b"not in any published pack").hexdigest()
    unknown = get(server, station, f"/api/v1/blobs/{never_published}")
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == f"no published file has SHA-256 {never_published}"
    for bad in ("abc", "A" * 64, "g" * 64):
        malformed = get(server, station, f"/api/v1/blobs/{bad}")
        assert malformed.status_code == 400
        assert "64 lower-case hex digits" in malformed.json()["detail"]
    unsigned = requests.get(server.url(f"/api/v1/blobs/{never_published}"), timeout=30)
    assert unsigned.status_code == 401
    unsigned = requests.get(server.url("/api/v1/packs/sample-pack/1.0.0"), timeout=30)
    assert unsigned.status_code == 401


def test_admin_publish_command(
    tmp_path: Path,
    publisher_key: Path,
    publisher: PublisherKey,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MCDESK_HOME", str(tmp_path / "home"))
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    db = ["--db", url]
    built = build_version(tmp_path, publisher_key)
    key = str(pack_key_file(tmp_path))
    assert main(["admin", "publish", str(built.output), "--pack-key", key, *db]) == 1
    assert "does not trust that key" in capsys.readouterr().err
    folder = server_publishers_dir()
    folder.mkdir(parents=True)
    (folder / "test.pub.json").write_text(publisher.to_json(), encoding="utf-8")
    assert main(["admin", "publish", str(built.output), *db]) == 1
    assert "--pack-key" in capsys.readouterr().err
    assert main(["admin", "publish", str(built.output), "--pack-key", key, *db]) == 0
    assert capsys.readouterr().out.startswith("published sample-pack 1.0.0")
    assert main(["admin", "publish", str(built.output), "--pack-key", key, *db]) == 0
    assert "already published" in capsys.readouterr().out
    assert main(["admin", "publish", "--bundled", *db]) == 0
    out = capsys.readouterr().out
    assert "published basic-construction-math " in out
    engine = make_engine(url)
    try:
        migrate(engine)
        with Session(engine) as session:
            packs = session.exec(select(PublishedPack.pack_id)).all()
            keys = session.exec(select(ServerPackKey.pack_id)).all()
    finally:
        engine.dispose()
    index = json.loads(Path("content_cache/packs/index.json").read_text())
    assert sorted(packs) == sorted([p["id"] for p in index["packs"]] + ["sample-pack"])
    shipped = Path("content_cache/keys/packs").glob("*.packkey.json")
    keyed = [path.name.removesuffix(".packkey.json") for path in shipped]
    assert len(keyed) >= 3
    assert sorted(keys) == sorted([*keyed, "sample-pack"])
