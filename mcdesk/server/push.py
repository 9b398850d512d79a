"""Storing a pushed batch exactly once, with signed receipts and flags for a person to see;
the events it stored go to the study tally and, for allowances used, to the allowances."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.allowances import read_use
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.streams import EventKind
from mcdesk.server.allowance_use import record_uses
from mcdesk.server.announcement_reads import record_reads
from mcdesk.server.batch import Carried, NewEvent, NewReceipt, write_batch
from mcdesk.server.bulk import insert_rows, table_of
from mcdesk.server.examlog import LogRefused, parse_chunk
from mcdesk.server.issuing import badges_earned, issue_if_earned
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
from mcdesk.server.models import Result as ResultRow
from mcdesk.server.pushed_result import MAX_DOCUMENT_BYTES, result_row, signed_result
from mcdesk.server.signer import ServerSigner, public_key_from_b64
from mcdesk.server.study_tally.record import record_study


@dataclass(slots=True)
class PushOutcome:
    response: PushResponse = field(default_factory=PushResponse)
    conflict: bool = False
    flags: list[dict[str, Any]] = field(default_factory=list)  # rows not yet inserted


def _receipt_public(receipt: Receipt | NewReceipt) -> ReceiptPublic:
    return ReceiptPublic(
        event_id=receipt.event_id,
        body=receipt.body.decode("utf-8"),
        signature=base64.b64encode(receipt.signature).decode("ascii"),
    )


def _parsed(pushed: PushedEvent, body: bytes) -> tuple[dict[str, Any] | None, str]:
    """The event body as a document, or None and why it is not the canonical JSON object
    of its kind (parsed once: the carried log or result is read from this same document).
    """
    if hashlib.sha256(body).hexdigest() != pushed.body_sha256.lower():
        return None, "hash_mismatch"
    try:
        document = read_json(body, what="the event", max_bytes=MAX_DOCUMENT_BYTES)
    except JsonRefused:
        return None, "malformed"
    if not isinstance(document, dict) or canonical_json(document) != body:
        return None, "malformed"
    if document.get("kind") != pushed.kind:
        return None, "malformed"
    return document, ""


def _flag(outcome: PushOutcome, *, station_id: str, event_id: str, kind: str, detail: str) -> None:
    """A flag for a person to read, inserted with the batch's others (``_write_flags``)."""
    outcome.flags.append(
        {
            "station_id": station_id,
            "event_id": event_id,
            "kind": kind,
            "detail": detail,
            "created_at": datetime.now(UTC),
        }
    )


def _write_flags(session: Session, outcome: PushOutcome) -> None:
    insert_rows(session, table_of(Flag), outcome.flags)
    outcome.flags.clear()


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
    _flag(outcome, station_id=station_id, event_id=pushed.id, kind="conflict", detail=detail)


def _store(
    session: Session,
    *,
    station_id: str,
    item: NewEvent,
    signer: ServerSigner,
    now: datetime,
) -> NewReceipt | None:
    """One event, what it carries, and its receipt; None if another request stored it first."""
    try:
        # A savepoint: losing the race to a concurrent identical push must not abort
        # the rest of this batch's transaction (PostgreSQL would refuse every later query).
        with session.begin_nested():
            return write_batch(
                session, station_id=station_id, items=[item], signer=signer, now=now
            )[0]
    except IntegrityError:
        item.carried.findings.clear()
        return None


def _reject(
    session: Session, outcome: PushOutcome, *, station_id: str, event_id: str, reason: str, why: str
) -> None:
    outcome.response.rejected.append(Rejection(id=event_id, reason=reason))
    _flag(outcome, station_id=station_id, event_id=event_id, kind=reason, detail=why)


def _extra_for(
    session: Session,
    outcome: PushOutcome,
    *,
    station: Station,
    pushed: PushedEvent,
    document: dict[str, Any],
    key: Ed25519PublicKey,
    now: datetime,
) -> Carried | None:
    """What the event carries, checked; None (and the event rejected) if it fails a check."""
    extra = Carried()
    if pushed.kind == EventKind.EXAM_LOG:
        try:
            extra.log_entries = parse_chunk(document, key)
        except LogRefused as exc:
            _reject(
                session,
                outcome,
                station_id=station.id,
                event_id=pushed.id,
                reason="bad_signature",
                why=str(exc),
            )
            return None
    elif pushed.kind == EventKind.EXAM_RESULT:
        result, why = signed_result(document, key)
        if result is None:
            _reject(
                session,
                outcome,
                station_id=station.id,
                event_id=pushed.id,
                reason="bad_signature",
                why=why,
            )
            return None
        extra.result = result_row(result, station_id=station.id, event_id=pushed.id, now=now)
        if extra.result is None:
            outcome.response.rejected.append(Rejection(id=pushed.id, reason="malformed"))
            return None
        extra.result_document = result
    elif pushed.kind == EventKind.ALLOWANCE_USED:
        extra.allowance_use = read_use(document)
        if extra.allowance_use is None:
            outcome.response.rejected.append(Rejection(id=pushed.id, reason="malformed"))
            return None
    return extra


def _issue(session: Session, carried: Carried, *, now: datetime) -> None:
    """A badge for a result the server re-scored on arrival, if it counts."""
    if carried.result is None or carried.score is None or carried.result_document is None:
        return
    issue_if_earned(
        session,
        result=carried.result.stored(),
        document=carried.result_document,
        score=carried.score,
        now=now,
    )


def store_batch(
    session: Session,
    *,
    station: Station,
    events: list[PushedEvent],
    signer: ServerSigner,
    now: datetime,
) -> PushOutcome:
    """Store a batch in the session's one transaction; the caller commits.

    Outbox ``seq`` numbers may have holes (an unsent running total is replaced by a newer
    one), so they are not checked; the exam log, which is never coalesced, carries the
    chain the server checks. New events are written together (mcdesk.server.batch); if
    that clashes with a concurrent request, they are written one by one instead.
    """
    outcome = PushOutcome()
    station_id = station.id
    already = {
        event.event_id: event
        for event in session.exec(
            select(Event).where(
                col(Event.station_id) == station_id,
                col(Event.event_id).in_([pushed.id for pushed in events]),
            )
        )
    }
    new: list[NewEvent] = []
    new_ids: set[str] = set()
    again: list[PushedEvent] = []  # an id that came twice in this very batch
    key = public_key_from_b64(station.public_key)
    for pushed in sorted(events, key=lambda e: (e.seq, e.id)):
        body = pushed.body.encode("utf-8")
        document, reason = _parsed(pushed, body)
        if document is None:
            outcome.response.rejected.append(Rejection(id=pushed.id, reason=reason))
            continue
        if (stored := already.get(pushed.id)) is not None:
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=pushed)
            continue
        if pushed.id in new_ids:
            again.append(pushed)
            continue
        carried = _extra_for(
            session, outcome, station=station, pushed=pushed, document=document, key=key, now=now
        )
        if carried is not None:
            new.append(NewEvent(pushed, body, carried))
            new_ids.add(pushed.id)
    new = _unclaimed_results(session, outcome, station_id=station_id, items=new)
    stored_items = _write(session, station_id=station_id, items=new, signer=signer, now=now)
    record_study(session, station_id=station_id, written=stored_items)
    for unread in record_reads(session, station=station, written=stored_items):
        _flag(outcome, station_id=station_id, event_id=unread.event_id, kind=unread.kind,
              detail=unread.detail)  # fmt: skip
    issuing: list[Carried] = []
    for item, receipt in stored_items:
        if receipt is None:
            stored = _existing(session, station_id=station_id, event_id=item.pushed.id)
            if stored is None:  # what it carries clashed (its result id, stored meanwhile)
                _reject_claimed(session, outcome, station_id=station_id, item=item)
                continue
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=item.pushed)
            continue
        for finding in item.carried.findings:
            _flag(
                outcome,
                station_id=station_id,
                event_id=item.pushed.id,
                kind=finding.kind,
                detail=finding.detail,
            )
        outcome.response.accepted.append(item.pushed.id)
        outcome.response.receipts.append(_receipt_public(receipt))
        if item.carried.result is not None:
            issuing.append(item.carried)
    _write_flags(session, outcome)
    # One look for the whole batch at which results earn a badge (most do not, yet); only
    # a result withheld by nothing, re-scored and passed here can (standing.earns_badge).
    candidates = [c.result for c in issuing if c.result is not None and c.result.may_earn_badge()]
    earned = badges_earned(session, [result.stored() for result in candidates])
    for carried in issuing:
        if carried.result is not None and carried.result.id in earned:
            _issue(session, carried, now=now)
    # Last, after any badge: a use takes the change log's lock before its allowance row.
    for event_id, found in record_uses(session, station=station, written=stored_items, now=now):
        _flag(
            outcome, station_id=station_id, event_id=event_id, kind=found.kind, detail=found.detail
        )
    for pushed in again:
        stored = _existing(session, station_id=station_id, event_id=pushed.id)
        if stored is not None:
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=pushed)
    _write_flags(session, outcome)
    return outcome


def _reject_claimed(
    session: Session, outcome: PushOutcome, *, station_id: str, item: NewEvent
) -> None:
    result_id = item.carried.result.id if item.carried.result is not None else "?"
    _reject(
        session,
        outcome,
        station_id=station_id,
        event_id=item.pushed.id,
        reason="conflict",
        why=f"event {item.pushed.id} carries result {result_id!r}, which another event "
        "stored first; the first copy is kept",
    )


def _unclaimed_results(
    session: Session, outcome: PushOutcome, *, station_id: str, items: list[NewEvent]
) -> list[NewEvent]:
    """The items whose result id no other event holds; the rest rejected as conflicts.

    A result is stored once under its own id: a second event carrying the same id (a
    replay under a new event id, or a forgery) must not reach the insert and fail there.
    """
    wanted = [item.carried.result.id for item in items if item.carried.result is not None]
    if not wanted:
        return items
    holders = {
        result_id: (holder_station, holder_event)
        for result_id, holder_station, holder_event in session.exec(
            select(ResultRow.id, ResultRow.station_id, ResultRow.event_id).where(
                col(ResultRow.id).in_(wanted)
            )
        )
    }
    kept: list[NewEvent] = []
    for item in items:
        result = item.carried.result
        if result is not None:
            holder = holders.get(result.id)
            # This very event, stored by a concurrent push of the same batch: kept, so the
            # insert clashes on the event and it is answered as a duplicate.
            if holder is not None and holder != (station_id, item.pushed.id):
                _reject_claimed(session, outcome, station_id=station_id, item=item)
                continue
            holders[result.id] = (station_id, item.pushed.id)
        kept.append(item)
    return kept


def _write(
    session: Session,
    *,
    station_id: str,
    items: list[NewEvent],
    signer: ServerSigner,
    now: datetime,
) -> list[tuple[NewEvent, NewReceipt | None]]:
    """All together when nothing clashes, else one by one (a receipt None: stored by another)."""
    if not items:
        return []
    try:
        with session.begin_nested():
            receipts = write_batch(
                session, station_id=station_id, items=items, signer=signer, now=now
            )
        return list(zip(items, receipts, strict=True))
    except IntegrityError:
        for item in items:
            item.carried.findings.clear()
    return [
        (item, _store(session, station_id=station_id, item=item, signer=signer, now=now))
        for item in items
    ]
