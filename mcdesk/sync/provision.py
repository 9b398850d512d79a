"""Provisioning this station from a file (``mcdesk station provision FILE``), no network.

The file comes from ``mcdesk admin provision`` (format in mcdesk.server.provision). The
station adopts the id and Ed25519 key the server made for it, pins the server's key and
URL, applies every stream with the same appliers and cursors a pull uses, then installs
the packs the file carries.

Trust: the signature can only be checked against the server key inside the file, so a
provisioning file is trusted the way an enrolment token is, by how it arrived. A station
that already pinned a server key accepts only a file signed by that same key.

Refusals change nothing: the file is read and checked whole first, and identity, pins
and streams are written in one store transaction. The new key file is written beside
the old one and swapped in only after that transaction commits. Packs are installed
afterwards, each in its own transaction; a refused pack is reported and can come later.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import text as sql
from sqlmodel import Session, select

from mcdesk.content.errors import PackRefused
from mcdesk.exam.logpush import QUEUED_THROUGH_KEY
from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.keys import PublisherKey, key_id, public_key_b64, verify_signature, write_private_key
from mcdesk.protocol.files import FORMAT, MAX_FILE_BYTES, PROVISION_KIND
from mcdesk.protocol.streams import SIGNED_EVENT_KINDS
from mcdesk.store.engine import make_engine
from mcdesk.store.identity import remember_identity
from mcdesk.store.sync_state import SERVER_URL_KEY
from mcdesk.store.tables import Station, SyncState
from mcdesk.sync.appliers import STREAM_APPLIERS
from mcdesk.sync.content import install_parts
from mcdesk.sync.pinning import SERVER_PUBLIC_KEY
from mcdesk.sync.pull import CURSOR_PREFIX, Applier, Item, PullRefused, cursor_of

MAKE_ANOTHER = "make a new one with `mcdesk admin provision`"


class ProvisionRefused(Exception):
    """The file cannot be used; nothing was changed. The message says why and what to do."""


PackParts = tuple[bytes, bytes, dict[str, bytes]]


@dataclass(frozen=True, slots=True)
class ProvisionFile:
    """A checked provisioning file: its signature holds under the key it carries."""

    server_url: str | None
    server_key: Ed25519PublicKey
    station_id: str
    station_name: str
    # None in an update file: the station keeps its key and identity.
    station_key: Ed25519PrivateKey | None = field(repr=False)
    school_name: str
    streams: dict[str, tuple[list[Item], int]]
    packs: list[PackParts]

    @property
    def update(self) -> bool:
        return self.station_key is None


@dataclass(slots=True)
class ProvisionReport:
    station_id: str
    station_name: str
    school: str
    items: dict[str, int] = field(default_factory=dict)
    installed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _damaged(what: str) -> ProvisionRefused:
    return ProvisionRefused(f"the provisioning file is damaged ({what}); {MAKE_ANOTHER}")


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise _damaged(f"{what} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except binascii.Error:
        raise _damaged(f"{what} is not base64") from None


def _text(document: Any, name: str, what: str) -> str:
    value = document.get(name) if isinstance(document, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise _damaged(f"{what} {name} is missing")
    return value


def _envelope(path: Path) -> tuple[bytes, bytes]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ProvisionRefused(
                f"{path} is over {MAX_FILE_BYTES // 2**20} MiB: not a provisioning file"
            )
        document = read_json(path.read_bytes(), what="it", max_bytes=MAX_FILE_BYTES)
    except OSError as exc:
        raise ProvisionRefused(f"cannot read {path}: {exc.strerror or exc}") from None
    except JsonRefused as exc:
        raise ProvisionRefused(
            f"{path} is not a provisioning file (not JSON): {exc}; it may be damaged or cut "
            f"short; {MAKE_ANOTHER}"
        ) from None
    kind = document.get("kind") if isinstance(document, dict) else None
    if kind != PROVISION_KIND:
        raise ProvisionRefused(f"{path} is not a provisioning file (its kind is {kind!r})")
    if document.get("format") != FORMAT:
        raise ProvisionRefused(
            f"{path} is provisioning format {document.get('format')!r}; this app reads "
            f"format {FORMAT} (update the app or the server)"
        )
    return _b64(document.get("body"), "the body"), _b64(document.get("signature"), "the signature")


def _object(payload: dict[str, Any], name: str) -> dict[str, Any]:
    """A member that must be an object; an empty one when missing (its fields then are)."""
    value = payload.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _damaged(f"{name} is not an object")
    return value


def _server_key(payload: dict[str, Any]) -> Ed25519PublicKey:
    stated = _object(payload, "server_key")
    raw = _b64(stated.get("public_key"), "the server key")
    try:
        key = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise _damaged("the server key is not an Ed25519 key") from None
    if key_id(key) != stated.get("key_id"):
        raise _damaged("the server key does not match its key id")
    return key


def _streams(payload: dict[str, Any]) -> dict[str, tuple[list[Item], int]]:
    raw = payload.get("streams")
    if not isinstance(raw, dict):
        raise _damaged("no streams")
    streams: dict[str, tuple[list[Item], int]] = {}
    for name, page in raw.items():
        items, cursor = (
            (page.get("items"), page.get("cursor")) if isinstance(page, dict) else (None, None)
        )
        if not isinstance(items, list) or not isinstance(cursor, int) or cursor < 0:
            raise _damaged(f"stream {name!r} is not a page")
        parsed: list[Item] = []
        for item in items:
            key = item.get("key") if isinstance(item, dict) else None
            document = item.get("document") if isinstance(item, dict) else None
            if not isinstance(key, str) or not (document is None or isinstance(document, dict)):
                raise _damaged(f"an item of stream {name!r}")
            parsed.append((key, document))
        streams[str(name)] = (parsed, cursor)
    return streams


def _packs(payload: dict[str, Any]) -> list[PackParts]:
    raw = payload.get("packs")
    if not isinstance(raw, list):
        raise _damaged("no pack list")
    packs = []
    for number, pack in enumerate(raw, start=1):
        blobs = pack.get("blobs") if isinstance(pack, dict) else None
        if not isinstance(blobs, dict):
            raise _damaged(f"pack {number} has no files")
        packs.append(
            (
                _b64(pack.get("manifest"), f"pack {number}'s manifest"),
                _b64(pack.get("signature"), f"pack {number}'s signature"),
                {
                    str(sha): _b64(data, f"pack {number}'s file {sha}")
                    for sha, data in blobs.items()
                },
            )
        )
    return packs


def read_provision_file(path: Path) -> ProvisionFile:
    """The checked contents of a provisioning file; ProvisionRefused with the reason."""
    body, signature = _envelope(path)
    try:
        payload = read_json(body, what="the body", max_bytes=MAX_FILE_BYTES)
    except JsonRefused as exc:
        raise _damaged(str(exc)) from None
    if not isinstance(payload, dict):
        raise _damaged("the body is not an object")
    server_key = _server_key(payload)
    if not verify_signature(server_key, signature, body):
        raise ProvisionRefused(
            f"{path}: the server's signature does not hold, so the file was changed or damaged "
            f"after it was made; {MAKE_ANOTHER}"
        )
    station = payload.get("station")
    station_key: Ed25519PrivateKey | None = None
    if payload.get("update") is not True:
        raw_key = _b64(
            station.get("private_key") if isinstance(station, dict) else None, "the station key"
        )
        try:
            station_key = Ed25519PrivateKey.from_private_bytes(raw_key)
        except ValueError:
            raise _damaged("the station key is not an Ed25519 key") from None
    server_url = payload.get("server_url")
    if server_url is not None and (
        not isinstance(server_url, str) or not server_url.startswith(("http://", "https://"))
    ):
        raise _damaged("the server address is not an http(s) URL")
    return ProvisionFile(
        server_url=server_url,
        server_key=server_key,
        station_id=_text(station, "id", "the station"),
        station_name=_text(station, "name", "the station"),
        station_key=station_key,
        school_name=str(_object(payload, "school").get("name") or ""),
        streams=_streams(payload),
        packs=_packs(payload),
    )


def _unsent_signed(session: Session) -> int:
    """Results and exam log entries signed by the current key that no server has yet."""
    unsent = session.execute(
        sql(
            "SELECT count(*) FROM outbox WHERE kind IN (:result, :log)"
            " AND id NOT IN (SELECT event_id FROM receipt)"
        ),
        {"result": SIGNED_EVENT_KINDS[0], "log": SIGNED_EVENT_KINDS[1]},
    ).scalar_one()
    marker = session.get(SyncState, QUEUED_THROUGH_KEY)
    after = 0 if marker is None else int(marker.value)
    unqueued = session.execute(
        sql("SELECT count(*) FROM exam_event WHERE seq > :after"), {"after": after}
    ).scalar_one()
    return int(unsent) + int(unqueued)


def _check(session: Session, file: ProvisionFile) -> None:
    pinned = session.get(SyncState, SERVER_PUBLIC_KEY)
    if pinned is not None and pinned.value != public_key_b64(file.server_key):
        raise ProvisionRefused(
            "this station is enrolled with another server (its pinned key differs from the "
            "key that signed this file); nothing was changed. Provision it from that server, "
            "or reset the station if it really moves to a new one"
        )
    pending = _unsent_signed(session)
    if pending:
        raise ProvisionRefused(
            f"this station holds {pending} assessment records not yet sent, signed by its "
            "current key; after provisioning they would no longer verify. Sync or export "
            "them first: mcdesk sync export (import the file on the server, then bring its "
            "receipts back). Nothing was changed"
        )


def _check_update(session: Session, file: ProvisionFile) -> None:
    """An update file is only for the station it names, pinned to the server that signed it."""
    station = session.exec(select(Station)).first()
    if station is None or station.id != file.station_id:
        raise ProvisionRefused(
            f"this update file is for station {file.station_name!r} ({file.station_id}), not "
            "this one; nothing was changed. Ask for this station's own file"
        )
    pinned = session.get(SyncState, SERVER_PUBLIC_KEY)
    if pinned is None or pinned.value != public_key_b64(file.server_key):
        raise ProvisionRefused(
            "this update file is signed by a server this station is not pinned to; nothing "
            "was changed"
        )


def _adopt(session: Session, file: ProvisionFile, now: datetime) -> None:
    assert file.station_key is not None  # an update file never adopts
    station = session.exec(select(Station)).first()
    public = public_key_b64(file.station_key.public_key())
    if station is None:
        session.add(
            Station(id=file.station_id, name=file.station_name, public_key=public, created_at=now)
        )
    else:
        # The primary key changes, so plain SQL: nothing in the store refers to it.
        session.execute(
            sql("UPDATE station SET id = :id, name = :name, public_key = :key"),
            {"id": file.station_id, "name": file.station_name, "key": public},
        )
    session.merge(SyncState(key=SERVER_PUBLIC_KEY, value=public_key_b64(file.server_key)))
    if file.server_url is not None:
        session.merge(SyncState(key=SERVER_URL_KEY, value=file.server_url))
    session.flush()


def _apply_streams(
    session: Session,
    file: ProvisionFile,
    appliers: Mapping[str, Applier],
    report: ProvisionReport,
    now: datetime,
) -> None:
    for stream, apply in appliers.items():
        if stream not in file.streams:
            continue
        items, cursor = file.streams[stream]
        if cursor_of(session, stream) > cursor:
            continue  # the station already holds newer data than this file
        try:
            apply(session, items, now)
        except PullRefused as exc:
            raise ProvisionRefused(f"the file's {stream} cannot be used here: {exc}") from None
        session.merge(SyncState(key=CURSOR_PREFIX + stream, value=str(cursor)))
        session.flush()
        report.items[stream] = len(items)


def import_provision(
    *,
    database: Path,
    key_path: Path,
    file: ProvisionFile,
    trusted: Mapping[str, PublisherKey],
    now: datetime,
    appliers: Mapping[str, Applier] = STREAM_APPLIERS,
) -> ProvisionReport:
    """Make this station the one the file describes (see the module docstring)."""
    report = ProvisionReport(file.station_id, file.station_name, file.school_name)
    staged = key_path.with_name(key_path.name + ".provisioned")
    staged.unlink(missing_ok=True)
    committed = False
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            if file.station_key is None:
                _check_update(session, file)
            else:
                _check(session, file)
                _adopt(session, file, now)
            _apply_streams(session, file, appliers, report, now)
            if file.station_key is not None:
                # The key is on disk before the store names it, and swapped in right after.
                write_private_key(staged, file.station_key)
            session.commit()
            committed = True
    finally:
        engine.dispose()
        if not committed:
            staged.unlink(missing_ok=True)
    if file.station_key is not None:
        try:
            os.replace(staged, key_path)
        except OSError as exc:
            raise ProvisionRefused(
                f"the station was provisioned but its new key could not replace {key_path} "
                f"({exc.strerror or exc}); move {staged} there by hand before syncing"
            ) from None
    remember_identity(database)  # the new id and pin, for salvaging a damaged store
    for manifest, signature, blobs in file.packs:
        try:
            result = install_parts(database, manifest, signature, blobs, trusted=trusted, now=now)
        except PackRefused as exc:
            report.refused.append(str(exc))
        else:
            report.installed.append(f"{result.pack_id} {result.version}")
    return report
