"""Storing a pushed batch exactly once, with signed receipts and flags for a person to see."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.canonical import canonical_json
from mcdesk.keys import verify_signature
from mcdesk.server.models import (
    Event,
    Flag,
    PushedEvent,
    PushResponse,
    Receipt,
    ReceiptPublic,
    Rejection,
    Station,
)
from mcdesk.server.signer import ServerSigner, public_key_from_b64

MAX_EVENTS = 500
EXAM_RESULT_KIND = "exam_result"


@dataclass(slots=True)
class PushOutcome:
    response: PushResponse = field(default_factory=PushResponse)
    conflict: bool = False


def _receipt_public(receipt: Receipt) -> ReceiptPublic:
    return ReceiptPublic(
        event_id=receipt.event_id,
        body=receipt.body.decode("utf-8"),
        signature=base64.b64encode(receipt.signature).decode("ascii"),
    )


def _malformed(pushed: PushedEvent, body: bytes) -> str | None:
    """Why the event body is not the canonical JSON object of its kind, or None."""
    if hashlib.sha256(body).hexdigest() != pushed.body_sha256.lower():
        return "hash_mismatch"
    try:
        document = json.loads(body)
    except ValueError:
        return "malformed"
    if not isinstance(document, dict) or canonical_json(document) != body:
        return "malformed"
    return None if document.get("kind") == pushed.kind else "malformed"


def _bad_result_signature(body: bytes, station: Station) -> str | None:
    """Why an exam result's station signature does not hold, or None when it does."""
    document: dict[str, Any] = json.loads(body)
    try:
        signed = base64.b64decode(document["result"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
        result = json.loads(signed)
    except (KeyError, TypeError, ValueError, binascii.Error):
        return "the result or its signature is missing or not base64 JSON"
    if not verify_signature(public_key_from_b64(station.public_key), signature, signed):
        return "the result is not signed by this station's key"
    if not isinstance(result, dict) or result.get("id") != document.get("result_id"):
        return "result_id does not match the signed result"
    # Re-scoring the responses with the server's pack keys comes with the pack-key slice.
    return None


def _flag(session: Session, *, station_id: str, event_id: str, kind: str, detail: str) -> None:
    session.add(
        Flag(
            station_id=station_id,
            event_id=event_id,
            kind=kind,
            detail=detail,
            created_at=datetime.now(UTC),
        )
    )


def _existing(session: Session, *, station_id: str, event_id: str) -> Event | None:
    return session.get(Event, (station_id, event_id), populate_existing=True)


def _original_receipt(session: Session, *, station_id: str, event_id: str) -> Receipt:
    return session.exec(
        select(Receipt).where(
            col(Receipt.station_id) == station_id, col(Receipt.event_id) == event_id
        )
    ).one()


def _seen_before(
    session: Session, outcome: PushOutcome, *, station_id: str, stored: Event, pushed: PushedEvent
) -> None:
    """Same id again: the original receipt if the bytes match, else a flagged conflict."""
    if stored.body_sha256 == pushed.body_sha256.lower():
        outcome.response.duplicate.append(pushed.id)
        receipt = _original_receipt(session, station_id=station_id, event_id=pushed.id)
        outcome.response.receipts.append(_receipt_public(receipt))
        return
    outcome.conflict = True
    outcome.response.rejected.append(Rejection(id=pushed.id, reason="conflict"))
    detail = (
        f"event {pushed.id} re-sent with sha256 {pushed.body_sha256}; kept {stored.body_sha256}"
    )
    _flag(session, station_id=station_id, event_id=pushed.id, kind="conflict", detail=detail)


def _store(
    session: Session,
    *,
    station_id: str,
    pushed: PushedEvent,
    body: bytes,
    flagged: str | None,
    signer: ServerSigner,
    now: datetime,
) -> Receipt | None:
    """Insert the event and its receipt; None if another request stored the id first."""
    receipt_body = canonical_json(
        {
            "event_id": pushed.id,
            "station_id": station_id,
            "body_sha256": pushed.body_sha256.lower(),
            "seq": pushed.seq,
            "received_at": now.isoformat().replace("+00:00", "Z"),
            "server_key_id": signer.key_id,
        }
    )
    event = Event(
        station_id=station_id,
        event_id=pushed.id,
        seq=pushed.seq,
        kind=pushed.kind,
        body=body,
        body_sha256=pushed.body_sha256.lower(),
        received_at=now,
        flagged=flagged,
    )
    receipt = Receipt(
        station_id=station_id,
        event_id=pushed.id,
        body=receipt_body,
        signature=signer.sign(receipt_body),
    )
    try:
        # A savepoint: losing the race to a concurrent identical push must not abort
        # the rest of this batch's transaction (PostgreSQL would refuse every later query).
        with session.begin_nested():
            session.add(event)
            session.flush()
            session.add(receipt)
            session.flush()
    except IntegrityError:
        return None
    return receipt


def store_batch(
    session: Session,
    *,
    station: Station,
    events: list[PushedEvent],
    signer: ServerSigner,
    now: datetime,
) -> PushOutcome:
    """Store a batch in the session's one transaction; the caller commits."""
    outcome = PushOutcome()
    station_id = station.id
    last_seq: int = session.exec(
        select(func.coalesce(func.max(Event.seq), 0)).where(col(Event.station_id) == station_id)
    ).one()
    for pushed in sorted(events, key=lambda e: (e.seq, e.id)):
        body = pushed.body.encode("utf-8")
        if (reason := _malformed(pushed, body)) is not None:
            outcome.response.rejected.append(Rejection(id=pushed.id, reason=reason))
            continue
        stored = _existing(session, station_id=station_id, event_id=pushed.id)
        if stored is not None:
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=pushed)
            continue
        if pushed.kind == EXAM_RESULT_KIND and (why := _bad_result_signature(body, station)):
            outcome.response.rejected.append(Rejection(id=pushed.id, reason="bad_signature"))
            _flag(
                session, station_id=station_id, event_id=pushed.id, kind="bad_signature", detail=why
            )
            continue
        # Accepted (refusing would lose data) but shown: events may have been deleted.
        gap = pushed.seq > last_seq + 1
        receipt = _store(
            session,
            station_id=station_id,
            pushed=pushed,
            body=body,
            flagged="chain_gap" if gap else None,
            signer=signer,
            now=now,
        )
        if receipt is None:
            stored = _existing(session, station_id=station_id, event_id=pushed.id)
            assert stored is not None  # the unique key refused us, so the row is there
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=pushed)
            continue
        if gap:
            detail = f"seq {pushed.seq} arrived after {last_seq}: {last_seq + 1}.. missing"
            _flag(
                session, station_id=station_id, event_id=pushed.id, kind="chain_gap", detail=detail
            )
        last_seq = max(last_seq, pushed.seq)
        outcome.response.accepted.append(pushed.id)
        outcome.response.receipts.append(_receipt_public(receipt))
    return outcome
