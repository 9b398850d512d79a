"""Sync by USB stick: the pending outbox out to a signed file, the server's receipts back in.

The export file carries the very push request a sync would send, signed by the station
key, so the server ingests it under the same exactly-once rules (``mcdesk admin
import-sync``). The server answers with a receipts file signed by its key; importing it
here (``mcdesk sync import-receipts``) marks those events sent, exactly as a network push
would. Exporting again before the receipts come back is harmless: the server answers
events it already holds as duplicates, with their original receipts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, select

from mcdesk.exam.logpush import queue_log
from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.keys import public_key_b64
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.files import (
    EXPORT_KIND,
    MAX_FILE_BYTES,
    RECEIPTS_KIND,
    FileRefused,
    read_signed_file,
    signed_file,
    write_private,
)
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import Station, SyncReceipt
from mcdesk.sync.apply_badges import server_did, store_badges
from mcdesk.sync.client import SyncError, pending_count, read_answer, request_body, unsent_events
from mcdesk.sync.documents import raw_connection
from mcdesk.sync.pinning import pinned_server_key

MAX_EXPORT_EVENTS = 100_000


@dataclass(frozen=True, slots=True)
class ExportReport:
    events: int
    path: Path


def export_outbox(
    *, database: Path, station_key: Ed25519PrivateKey, output: Path, now: datetime
) -> ExportReport:
    """Write every unsent event to ``output`` (mode 0600), exam log queued first."""
    engine = make_engine(database)
    try:
        with engine.begin() as connection:  # the log chunk and the marker in one transaction
            raw = connection.connection.dbapi_connection
            assert raw is not None
            queue_log(raw, now=now)  # type: ignore[arg-type]
        with Session(engine) as session:
            station = session.exec(select(Station)).one()
            events = unsent_events(session, after=0, limit=MAX_EXPORT_EVENTS)
    finally:
        engine.dispose()
    request = json.loads(request_body(events))
    body = canonical_json(
        {
            "station_id": station.id,
            "created_at": now.isoformat(),
            "events": request["events"],
        }
    )
    write_private(output, signed_file(EXPORT_KIND, body, station_key))
    return ExportReport(events=len(events), path=output)


@dataclass(frozen=True, slots=True)
class ReceiptsReport:
    stored: int
    rejected: list[tuple[str, str]]
    remaining: int
    badges: int = 0  # badges stored in the wallet
    badges_refused: list[tuple[str, str]] = field(default_factory=list)


def _listed(entry: Any, outbox: dict[str, Any], field: str | None = None) -> bool:
    """Whether an answer's entry (an id, or an object whose ``field`` is one) is ours."""
    if field is not None:
        entry = entry.get(field) if isinstance(entry, dict) else None
    return isinstance(entry, str) and entry in outbox


def import_receipts(*, database: Path, path: Path, now: datetime | None = None) -> ReceiptsReport:
    """Store the receipts in a server's answer file; every one checked as a push checks them.

    The file's ``badges`` (when present) go to the wallet through the stream's own code.
    """
    body, signature = read_signed_file(path, RECEIPTS_KIND)
    key = pinned_server_key(database)
    if key is None:
        raise FileRefused(
            "this station has no pinned server key: provision or enrol it first, "
            "then import the receipts"
        )
    try:
        key.verify(signature, body)
    except Exception:  # InvalidSignature; any failure means the same thing here
        raise FileRefused(
            f"{path} is not signed by this station's server: nothing was stored"
        ) from None
    try:
        answer: dict[str, Any] = read_json(body, what="the receipts", max_bytes=MAX_FILE_BYTES)
        station_id = str(answer["station_id"])
        lists = (answer["receipts"], answer["rejected"], answer["accepted"], answer["duplicate"])
        badges = answer.get("badges", [])
        if not all(isinstance(entries, list) for entries in (*lists, badges)):
            raise TypeError
    except JsonRefused as exc:
        raise FileRefused(f"{path} is damaged: {exc}; nothing was stored") from None
    except (KeyError, TypeError):
        raise FileRefused(f"{path} is damaged: the receipts cannot be read") from None
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            station = session.exec(select(Station)).one()
            if station.id != station_id:
                raise FileRefused(
                    f"{path} holds receipts for station {station_id}, not this one ({station.id})"
                )
            outbox = {event.id: event for event in unsent_events(session, after=0, limit=10**9)}
            answer_known = {
                "accepted": [i for i in answer["accepted"] if _listed(i, outbox)],
                "duplicate": [i for i in answer["duplicate"] if _listed(i, outbox)],
                "rejected": [r for r in answer["rejected"] if _listed(r, outbox, "id")],
                "receipts": [r for r in answer["receipts"] if _listed(r, outbox, "event_id")],
            }
            answered = answer_known["accepted"] + answer_known["duplicate"]
            answered += [r.get("id") for r in answer_known["rejected"]]
            known = [outbox[event_id] for event_id in dict.fromkeys(answered)]
            try:
                checked = read_answer(answer_known, batch=known, station_id=station.id, key=key)
            except SyncError as exc:
                raise FileRefused(f"{path}: {exc.reason}; nothing was stored") from None
            for receipt in checked.receipts:
                session.merge(
                    SyncReceipt(
                        event_id=receipt.event_id,
                        body=receipt.body,
                        signature=receipt.signature,
                        received_at=receipt.received_at,
                    )
                )
            intake = store_badges(
                raw_connection(session),
                badges,
                issuer=server_did(public_key_b64(key)),
                now=now or datetime.now(UTC),
            )
            session.commit()
            remaining = pending_count(session)
    finally:
        engine.dispose()
    return ReceiptsReport(
        stored=len(checked.receipts),
        rejected=checked.rejected,
        remaining=remaining,
        badges=intake.stored,
        badges_refused=intake.refused,
    )
