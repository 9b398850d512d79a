"""Content on the station: the server's catalog index, then packs fetched in parts.

Two stages, like a transfer session that remembers where it stopped:

1. ``apply_catalog`` (the applier of the ``catalog`` pull stream) records what the server
   publishes in ``remote_pack``, inside the pull page's transaction. Nothing is
   downloaded there, so a page commits at once.
2. ``fetch_content`` brings every listed pack newer than the installed one: the signed
   manifest first, checked (trusted publisher, schema, limits) before any file is asked
   for; then only the files the station lacks, by SHA-256, into ``<data>/downloads``
   (``<sha>.part`` while arriving, resumed with an HTTP Range request from its size;
   ``<sha>.blob`` once complete and its SHA-256 checked); then one transaction installs
   the pack with every check a ``.mcpack`` import makes. Only then does it show.

A download cut anywhere leaves the installed catalog as it was; the next call resumes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from mcdesk.content.errors import PackRefused
from mcdesk.content.install import ImportResult, install_verified
from mcdesk.content.limits import DEFAULT_LIMITS, PackLimits
from mcdesk.content.verify import SignedManifest, verify_files, verify_manifest
from mcdesk.content.versions import parse_version
from mcdesk.keys import PublisherKey
from mcdesk.protocol.files import MANIFEST_KIND
from mcdesk.protocol.streams import Stream
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import Blob, Pack, RemotePack
from mcdesk.sync.answers import signed_answer_body
from mcdesk.sync.client import NOT_UNDERSTOOD, SyncError, refusal
from mcdesk.sync.downloads import (
    ContentProgress,
    Meter,
    SignedServer,
    discard,
    download,
    read_staged,
    staged_size,
    sweep,
)
from mcdesk.sync.pull import Item, PullRefused
from mcdesk.sync.status import NOTHING_USED

CATALOG_STREAM = Stream.CATALOG
PACKS_PATH = "/api/v1/packs/"
STAGING_DIR = "downloads"
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
SHA256 = re.compile(r"[0-9a-f]{64}")
VERSION = re.compile(r"(0|[1-9][0-9]{0,5})(\.(0|[1-9][0-9]{0,5})){2}")  # as the manifest schema


@dataclass(slots=True)
class ContentReport:
    """What one ``fetch_content`` did."""

    installed: list[tuple[str, str]] = field(default_factory=list)  # (pack id, version)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (pack id, reason)
    files_fetched: int = 0
    bytes_fetched: int = 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


# --- Stage 1: the catalog index --------------------------------------------------------


def _text(document: Mapping[str, Any], name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise PullRefused(f"catalog entry without a {name}")
    return value


def _count(document: Mapping[str, Any], name: str) -> int:
    value = document.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise PullRefused(f"catalog entry with a bad {name}: {value!r}")
    return value


def _catalog_row(key: str, document: Mapping[str, Any], now: datetime) -> RemotePack:
    """A checked catalog entry; PullRefused (the whole page is refused) when malformed."""
    pack_id = _text(document, "pack_id")
    if pack_id != key or not SLUG.fullmatch(pack_id):
        raise PullRefused(f"catalog entry {key!r} names pack {pack_id!r}")
    version = _text(document, "version")
    if not VERSION.fullmatch(version):
        raise PullRefused(f"catalog entry {pack_id} has a bad version {version!r}")
    manifest_sha256 = _text(document, "manifest_sha256")
    if not SHA256.fullmatch(manifest_sha256):
        raise PullRefused(f"catalog entry {pack_id} has a bad manifest hash")
    preview = document.get("preview")
    if not isinstance(preview, bool):
        raise PullRefused(f"catalog entry {pack_id} does not say whether it is a preview")
    return RemotePack(
        pack_id=pack_id,
        version=version,
        title=_text(document, "title"),
        career_cluster=_text(document, "career_cluster"),
        summary=_text(document, "summary"),
        preview=preview,
        manifest_sha256=manifest_sha256,
        size=_count(document, "size"),
        file_count=_count(document, "file_count"),
        updated_at=now,
    )


def apply_catalog(session: Session, items: list[Item], now: datetime) -> None:
    """The ``catalog`` stream's applier: remember what the server offers; fetch nothing."""
    for key, document in items:
        existing = session.get(RemotePack, key)
        if document is None:
            # Withdrawn from the server: forget the offer; an installed pack stays.
            if existing is not None:
                session.delete(existing)
            continue
        row = _catalog_row(key, document, now)
        if existing is not None and existing.manifest_sha256 == row.manifest_sha256:
            row.last_error = existing.last_error
        session.merge(row)
    session.flush()


# --- The manifest, checked before any file --------------------------------------------


def _fetch_manifest(
    server: SignedServer,
    entry: RemotePack,
    *,
    server_key: Ed25519PublicKey,
    trusted: Mapping[str, PublisherKey],
    limits: PackLimits,
) -> SignedManifest:
    """The entry's signed manifest, checked before any of its files is asked for."""
    response = server.get(f"{PACKS_PATH}{entry.pack_id}/{entry.version}")
    if response.status_code == 404:
        raise PackRefused(
            f"the server no longer offers {entry.pack_id} {entry.version}; the next catalog "
            "pull says what replaced it"
        )
    if response.status_code != 200:
        raise refusal(response)
    what = f"the manifest of {entry.pack_id} {entry.version} from the server"
    envelope, answer = signed_answer_body(
        response,
        kind=MANIFEST_KIND,
        key=server_key,
        what=what,
        asked={"pack_id": entry.pack_id, "version": entry.version},
    )
    try:
        # The manifest travels beside the signed body (base64 once, not twice); the body
        # holds its SHA-256.
        manifest = base64.b64decode(envelope["manifest"], validate=True)
        signature = base64.b64decode(answer["signature"], validate=True)
    except (KeyError, TypeError, binascii.Error):
        raise SyncError(NOT_UNDERSTOOD) from None
    if hashlib.sha256(manifest).hexdigest() != answer.get("manifest_sha256"):
        raise SyncError(f"{what} is not the one the server signed; {NOTHING_USED}")
    if hashlib.sha256(manifest).hexdigest() != entry.manifest_sha256:
        raise PackRefused(
            f"the manifest the server sent for {entry.pack_id} {entry.version} does not match "
            "its catalog entry; nothing of it was downloaded"
        )
    signed = verify_manifest(manifest, signature, trusted=trusted, limits=limits)
    if (signed.pack_id, signed.version) != (entry.pack_id, entry.version):
        raise PackRefused(
            f"the server sent {signed.pack_id} {signed.version} when asked for "
            f"{entry.pack_id} {entry.version}"
        )
    return signed


# --- Installing from parts -------------------------------------------------------------


def _stored(engine: Engine, shas: Iterable[str]) -> dict[str, bytes]:
    """The station's own copies of these files (pack files already installed)."""
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    with Session(engine) as db:
        rows = db.exec(select(Blob.sha256, Blob.data).where(col(Blob.sha256).in_(wanted)))
        return {sha: bytes(data) for sha, data in rows}


def _stored_shas(engine: Engine, shas: Iterable[str]) -> set[str]:
    wanted = sorted(set(shas))
    if not wanted:
        return set()
    with Session(engine) as db:
        return set(db.exec(select(Blob.sha256).where(col(Blob.sha256).in_(wanted))))


def _install(
    engine: Engine,
    signed: SignedManifest,
    blobs: Callable[[str], bytes | None],
    *,
    now: datetime,
) -> ImportResult:
    """Gather the pack's files by SHA-256 (given, else the station's), verify, install."""
    entries = signed.files
    given = {entry["sha256"]: blobs(entry["sha256"]) for entry in entries}
    stored = _stored(engine, [sha for sha, data in given.items() if data is None])
    files: dict[str, bytes] = {}
    for entry in entries:
        data = given[entry["sha256"]]
        if data is None:
            data = stored.get(entry["sha256"])
        if data is None:
            raise PackRefused(
                f"missing file {entry['path']!r}: neither the download nor this station has it"
            )
        files[entry["path"]] = data
    pack = verify_files(signed, files)  # the manifest was verified before its files came
    return install_verified(pack, engine=engine, now=now)


def install_parts(
    database: Path,
    manifest: bytes,
    signature: bytes,
    blobs: Mapping[str, bytes],
    *,
    trusted: Mapping[str, PublisherKey],
    now: datetime,
    limits: PackLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """Install a pack given as manifest, signature and files by SHA-256 (a provisioning file).

    Files the station already holds may be left out. The checks are a ``.mcpack``
    import's; a refusal (PackRefused) leaves the store untouched.
    """
    signed = verify_manifest(manifest, signature, trusted=trusted, limits=limits)
    engine = make_engine(database)
    try:
        return _install(engine, signed, blobs.get, now=now)
    finally:
        engine.dispose()


# --- Stage 2: fetching ------------------------------------------------------------------


def _wanted(engine: Engine) -> list[RemotePack]:
    """Catalog entries newer than what is installed, or not installed at all."""
    with Session(engine) as db:
        offered = list(db.exec(select(RemotePack).order_by(col(RemotePack.pack_id))))
        installed = dict(db.exec(select(Pack.id, Pack.version)).all())
    return [
        entry
        for entry in offered
        if entry.pack_id not in installed
        or parse_version(entry.version) > parse_version(installed[entry.pack_id])
    ]


def _note(engine: Engine, pack_id: str, reason: str | None) -> None:
    with Session(engine) as db:
        row = db.get(RemotePack, pack_id)
        if row is not None and row.last_error != reason:
            row.last_error = reason
            db.add(row)
            db.commit()


def _download_files(
    server: SignedServer, folder: Path, signed: SignedManifest, *, held: set[str], meter: Meter
) -> None:
    """Fetch every file of the pack the station lacks; one damaged file stops none of the rest."""
    title = str(signed.manifest["title"])
    problems: list[str] = []
    for file in signed.files:
        if file["sha256"] in held:
            continue
        try:
            download(
                server,
                folder,
                sha256=file["sha256"],
                size=int(file["size"]),
                label=f"{file['path']} of {title}",
                meter=meter,
            )
        except PackRefused as exc:
            problems.append(str(exc))
    if problems:
        more = f" (and {len(problems) - 1} more files)" if len(problems) > 1 else ""
        raise PackRefused(problems[0] + more)


def fetch_content(
    *,
    database: Path,
    station_key: Ed25519PrivateKey,
    station_id: str,
    server_url: str,
    server_public_key: Ed25519PublicKey,
    trusted: Mapping[str, PublisherKey],
    session: requests.Session | None = None,
    progress: ContentProgress | None = None,
    now: Callable[[], datetime] = _utc_now,
    timeout: float = 30,
    staging: Path | None = None,
    limits: PackLimits = DEFAULT_LIMITS,
) -> ContentReport:
    """Download and install every catalog entry newer than the installed pack.

    A pack that cannot be used (untrusted, damaged, refused by the version rules) is
    reported in ``refused`` and the others go on. A transport failure raises SyncError:
    packs installed before it stay installed, and partial files stay to be resumed.
    """
    server = SignedServer(
        session or requests.Session(), station_key, station_id, server_url, timeout, now
    )
    folder = staging or database.parent / STAGING_DIR
    report = ContentReport()
    engine = make_engine(database)
    try:
        plans: list[SignedManifest] = []
        for entry in _wanted(engine):
            try:
                plans.append(
                    _fetch_manifest(
                        server, entry, server_key=server_public_key, trusted=trusted, limits=limits
                    )
                )
            except PackRefused as exc:
                _note(engine, entry.pack_id, str(exc))
                report.refused.append((entry.pack_id, str(exc)))
        listed = {e["sha256"]: int(e["size"]) for plan in plans for e in plan.files}
        lacking = {
            sha: size for sha, size in listed.items() if sha not in _stored_shas(engine, listed)
        }
        meter = Meter(
            total=sum(size - staged_size(folder, sha, size) for sha, size in lacking.items()),
            progress=progress,
        )
        if lacking:
            meter.add(0, f"{len(plans)} micro-credentials to bring up to date")
        waiting: set[str] = set()
        for signed in plans:
            try:
                # Asked again per pack: installing the one before may have dropped a file
                # this one shares with the version it replaced.
                held = _stored_shas(engine, (file["sha256"] for file in signed.files))
                _download_files(server, folder, signed, held=held, meter=meter)
                result = _install(
                    engine,
                    signed,
                    lambda sha: read_staged(folder, sha),
                    now=now(),
                )
            except PackRefused as exc:
                waiting |= {file["sha256"] for file in signed.files}
                _note(engine, signed.pack_id, str(exc))
                report.refused.append((signed.pack_id, str(exc)))
                continue
            discard(folder, (file["sha256"] for file in signed.files))
            _note(engine, signed.pack_id, None)
            report.installed.append((result.pack_id, result.version))
        sweep(folder, keep=waiting)
        report.files_fetched, report.bytes_fetched = meter.files, meter.done
    finally:
        engine.dispose()
    return report
