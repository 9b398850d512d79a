"""Publishing packs on the server: verified like a station verifies them, stored once.

A published version is its signed manifest plus its files as content blobs (by SHA-256,
shared by every version that uses them) and, for a pack with a sealed bank, the pack key
that opens it. Publishing appends to the ``catalog`` pull stream (and ``pack_keys`` for
a key the server did not hold) in the same transaction, so a station never hears of a
pack whose files are not stored yet.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.content.bundled import read_bundled_index
from mcdesk.content.errors import PackRefused
from mcdesk.content.sealing import PackKey, SealError, bank_aad, read_pack_key, unseal
from mcdesk.content.verify import VerifiedPack, verify_pack
from mcdesk.content.versions import parse_version
from mcdesk.keys import PublisherKey, load_trusted_publishers
from mcdesk.paths import (
    bundled_catalog_dir,
    bundled_pack_keys_dir,
    bundled_publishers_dir,
    resolve_paths,
)
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.models import ContentBlob, PublishedPack, ServerPackKey

Outcome = Literal["published", "unchanged"]
# Parts of one pack version: manifest bytes, signature, file bytes by SHA-256.
PackParts = tuple[bytes, bytes, dict[str, bytes]]


class PublishError(Exception):
    """A pack was not published; the message says what is wrong and what to do."""


@dataclass(frozen=True, slots=True)
class PublishResult:
    pack_id: str
    version: str
    outcome: Outcome
    files: int
    new_blobs: int
    new_bytes: int
    key_stored: bool

    def summary(self) -> str:
        """One line for the operator."""
        if self.outcome == "unchanged":
            return f"{self.pack_id} {self.version} is already published; nothing changed"
        key = "; pack key stored" if self.key_stored else ""
        return (
            f"published {self.pack_id} {self.version}: {self.files} files, "
            f"{self.new_blobs} new ({self.new_bytes / 1000:.1f} kB){key}"
        )


def server_publishers_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Publisher keys the server trusts besides the bundled demo publisher."""
    paths = resolve_paths(None if environ is None else dict(environ))
    return paths.config_dir / "server" / "publishers"


def server_trusted_publishers(extra: Path | None = None) -> dict[str, PublisherKey]:
    """The bundled demo publisher plus every ``*.pub.json`` in the server's folder."""
    return load_trusted_publishers(bundled_publishers_dir(), extra or server_publishers_dir())


def catalog_document(pack: VerifiedPack, *, manifest_sha256: str, size: int) -> dict[str, Any]:
    """What the ``catalog`` stream tells stations about one published version."""
    manifest = pack.manifest
    return {
        "pack_id": pack.pack_id,
        "version": pack.version,
        "title": manifest["title"],
        "career_cluster": manifest["career_cluster"],
        "summary": manifest["summary"],
        "preview": bool(manifest["preview"]),
        "manifest_sha256": manifest_sha256,
        "size": size,
        "file_count": len(manifest["files"]),
    }


def _bank_key(pack: VerifiedPack, pack_key: PackKey | None) -> PackKey | None:
    """The key that opens the pack's sealed bank, checked by opening it; None without a bank."""
    assessment = pack.manifest.get("assessment") or {}
    bank = assessment.get("bank")
    if bank is None:
        return None
    if pack_key is None:
        raise PublishError(
            f"{pack.pack_id} {pack.version} has a sealed assessment bank: give its pack key "
            "with --pack-key (the .packkey.json file written when the pack was built)"
        )
    if pack_key.pack_id != pack.pack_id:
        raise PublishError(
            f"the pack key is for {pack_key.pack_id}, not {pack.pack_id}; give the right file"
        )
    if pack_key.key_id != bank["key_id"]:
        raise PublishError(
            f"wrong pack key: the bank of {pack.pack_id} {pack.version} was sealed with key "
            f"{bank['key_id']}, this file holds key {pack_key.key_id}"
        )
    try:
        unseal(
            pack.files[bank["path"]],
            pack_key=pack_key,
            aad=bank_aad(pack.pack_id, pack.version),
        )
    except SealError as exc:
        raise PublishError(f"the pack key does not open the bank of {pack.pack_id}: {exc}") from exc
    return pack_key


def newest_published(session: Session, pack_id: str) -> PublishedPack | None:
    """The newest published version of a pack, or None."""
    rows = session.exec(select(PublishedPack).where(col(PublishedPack.pack_id) == pack_id))
    return max(rows, key=lambda row: parse_version(row.version), default=None)


def _check_version(pack: VerifiedPack, newest: PublishedPack | None) -> bool:
    """True when this exact version is published already; PublishError when it may not be."""
    if newest is None:
        return False
    new, old = parse_version(pack.version), parse_version(newest.version)
    if new > old:
        return False
    if new == old:
        if newest.manifest == pack.manifest_bytes:
            return True
        raise PublishError(
            f"{pack.pack_id} {pack.version} is published already with different content; "
            "the publisher must raise the version"
        )
    raise PublishError(
        f"older than the published version: {pack.pack_id} {pack.version} < {newest.version}; "
        "stations would refuse it. Publish a newer version instead."
    )


def _store_blobs(session: Session, files: Mapping[str, bytes]) -> tuple[int, int]:
    """Add the files the server does not hold yet; how many, and their bytes."""
    by_sha = {hashlib.sha256(data).hexdigest(): data for data in files.values()}
    held = set(
        session.exec(select(ContentBlob.sha256).where(col(ContentBlob.sha256).in_(list(by_sha))))
    )
    new = {sha: data for sha, data in by_sha.items() if sha not in held}
    for sha, data in new.items():
        session.add(ContentBlob(sha256=sha, size=len(data), data=data))
    return len(new), sum(len(data) for data in new.values())


def publish_pack(
    session: Session, *, pack: VerifiedPack, pack_key: PackKey | None, now: datetime
) -> PublishResult:
    """Store a verified pack version with its files and key, and tell the catalog stream.

    One transaction (committed here): the catalog change is visible only with the blobs.
    """
    key = _bank_key(pack, pack_key)
    files = len(pack.manifest["files"])
    if _check_version(pack, newest_published(session, pack.pack_id)):
        return PublishResult(pack.pack_id, pack.version, "unchanged", files, 0, 0, False)
    manifest_sha256 = hashlib.sha256(pack.manifest_bytes).hexdigest()
    size = sum(int(entry["size"]) for entry in pack.manifest["files"])
    document = catalog_document(pack, manifest_sha256=manifest_sha256, size=size)
    # The first change takes the change-table lock (PostgreSQL): publishes run one at a time.
    changes.record(session, stream=Stream.CATALOG, key=pack.pack_id, document=document, now=now)
    new_blobs, new_bytes = _store_blobs(session, pack.files)
    session.add(
        PublishedPack(
            pack_id=pack.pack_id,
            version=pack.version,
            manifest=pack.manifest_bytes,
            signature=pack.signature,
            manifest_sha256=manifest_sha256,
            size=size,
            published_at=now,
        )
    )
    key_stored = key is not None and session.get(ServerPackKey, (key.pack_id, key.key_id)) is None
    if key is not None and key_stored:
        session.add(
            ServerPackKey(pack_id=key.pack_id, key_id=key.key_id, key=key.key, created_at=now)
        )
        changes.record(
            session,
            stream=Stream.PACK_KEYS,
            key=f"{key.pack_id}:{key.key_id}",
            document={"pack_id": key.pack_id, "key_id": key.key_id},
            now=now,
        )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise PublishError(
            f"{pack.pack_id} {pack.version} was being published by someone else at the same "
            "time; run the command again to see where it stands"
        ) from None
    return PublishResult(
        pack.pack_id, pack.version, "published", files, new_blobs, new_bytes, key_stored
    )


def publish_file(
    session: Session,
    *,
    path: Path,
    pack_key_path: Path | None,
    trusted: Mapping[str, PublisherKey],
    now: datetime,
) -> PublishResult:
    """Verify a ``.mcpack`` exactly as a station would, then publish it."""
    try:
        pack = verify_pack(path, trusted=trusted)
    except PackRefused as exc:
        raise PublishError(f"{path.name}: {exc}") from exc
    pack_key = None
    if pack_key_path is not None:
        try:
            pack_key = read_pack_key(pack_key_path)
        except SealError as exc:
            raise PublishError(str(exc)) from exc
    return publish_pack(session, pack=pack, pack_key=pack_key, now=now)


def bundled_pack_key(pack_id: str) -> Path | None:
    """The demo catalog's pack key file for ``pack_id``, if the source tree ships one."""
    path = bundled_pack_keys_dir() / f"{pack_id}.packkey.json"
    return path if path.is_file() else None


def publish_bundled(
    session: Session, *, trusted: Mapping[str, PublisherKey], now: datetime
) -> list[tuple[str, PublishResult | PublishError]]:
    """Publish every pack of the bundled catalog with the demo pack keys shipped beside it.

    Each pack is its own transaction; a refused one is reported and the rest go on.
    """
    catalog = bundled_catalog_dir()
    bundled = read_bundled_index(catalog)
    if not bundled:
        raise PublishError(f"no bundled catalog at {catalog} (is this a source checkout?)")
    outcomes: list[tuple[str, PublishResult | PublishError]] = []
    for entry in bundled:
        try:
            result: PublishResult | PublishError = publish_file(
                session,
                path=entry.file,
                pack_key_path=bundled_pack_key(entry.id),
                trusted=trusted,
                now=now,
            )
        except PublishError as exc:
            result = exc
        outcomes.append((entry.id, result))
    return outcomes


def current_pack_parts(session: Session) -> list[PackParts]:
    """The newest published version of every pack: manifest, signature, blobs by SHA-256."""
    versions: dict[str, str] = {}
    for pack_id, version in session.exec(select(PublishedPack.pack_id, PublishedPack.version)):
        if pack_id not in versions or parse_version(version) > parse_version(versions[pack_id]):
            versions[pack_id] = version
    parts: list[PackParts] = []
    for pack_id in sorted(versions):
        pack = session.get(PublishedPack, (pack_id, versions[pack_id]))
        assert pack is not None  # listed just above, and published versions are never deleted
        shas = sorted({entry["sha256"] for entry in json.loads(pack.manifest)["files"]})
        blobs = {
            blob.sha256: blob.data
            for blob in session.exec(select(ContentBlob).where(col(ContentBlob.sha256).in_(shas)))
        }
        parts.append((pack.manifest, pack.signature, blobs))
    return parts
