"""Storing a pushed batch exactly once, with signed receipts and flags for a person to see."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.canonical import canonical_json
from mcdesk.keys import verify_signature
from mcdesk.server.examlog import Finding, LogRefused, check_result_anchor, parse_chunk, store_chunk
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
from mcdesk.server.rescore import CannotRescore, differs, rescore
from mcdesk.server.signer import ServerSigner, public_key_from_b64

MAX_EVENTS = 500
EXAM_RESULT_KIND = "exam_result"
EXAM_LOG_KIND = "exam_log"


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


RESULT_FIELDS = (
    "id",
    "attempt_id",
    "learner_id",
    "pack_id",
    "pack_version",
    "form",
    "responses",
    "score",
    "event_counter",
    "chain_hash",
)


def _signed_result(body: bytes, station: Station) -> tuple[dict[str, Any] | None, str]:
    """The verified result document, or None and why its station signature does not hold."""
    document: dict[str, Any] = json.loads(body)
    try:
        signed = base64.b64decode(document["result"], validate=True)
        signature = base64.b64decode(document["signature"], validate=True)
        result = json.loads(signed)
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None, "the result or its signature is missing or not base64 JSON"
    if not verify_signature(public_key_from_b64(station.public_key), signature, signed):
        return None, "the result is not signed by this station's key"
    if not isinstance(result, dict) or result.get("id") != document.get("result_id"):
        return None, "result_id does not match the signed result"
    return result, ""


def _result_row(
    result: dict[str, Any], *, station_id: str, event_id: str, now: datetime
) -> ResultRow | None:
    """The Result row for a verified document, or None if the document lacks a field."""
    try:
        missing = [name for name in RESULT_FIELDS if name not in result]
        if missing:
            return None
        score = result["score"]
        return ResultRow(
            id=str(result["id"]),
            station_id=station_id,
            event_id=event_id,
            attempt_id=str(result["attempt_id"]),
            learner_id=str(result["learner_id"]),
            pack_id=str(result["pack_id"]),
            pack_version=str(result["pack_version"]),
            station_points=float(score["points"]),
            max_points=float(score["max_points"]),
            passed=bool(score["passed"]),
            event_counter=int(result["event_counter"]),
            chain_hash=str(result["chain_hash"]),
            received_at=now,
        )
    except (KeyError, TypeError, ValueError):
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


@dataclass(slots=True)
class _Extra:
    """What an event adds beside itself: exam-log entries or a result, and findings."""

    log_entries: list[Any] = field(default_factory=list)
    result: ResultRow | None = None
    result_document: dict[str, Any] | None = None
    findings: list[Finding] = field(default_factory=list)


def _store(
    session: Session,
    *,
    station_id: str,
    pushed: PushedEvent,
    body: bytes,
    extra: _Extra,
    signer: ServerSigner,
    now: datetime,
) -> Receipt | None:
    """Insert the event, what it carries, and its receipt; None if another request won."""
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
            event = Event(
                station_id=station_id,
                event_id=pushed.id,
                seq=pushed.seq,
                kind=pushed.kind,
                body=body,
                body_sha256=pushed.body_sha256.lower(),
                received_at=now,
            )
            session.add(event)
            session.flush()
            if extra.log_entries:
                extra.findings += store_chunk(
                    session, station_id=station_id, entries=extra.log_entries
                )
            if extra.result is not None:
                _check_result(session, extra)
                session.add(extra.result)
            event.flagged = extra.findings[0].kind if extra.findings else None
            session.add(receipt)
            session.flush()
    except IntegrityError:
        extra.findings.clear()
        return None
    return receipt


def _check_result(session: Session, extra: _Extra) -> None:
    """Anchor the result in the exam log and score it again (the server's score counts)."""
    row, document = extra.result, extra.result_document
    assert row is not None
    assert document is not None
    anchor = check_result_anchor(
        session,
        station_id=row.station_id,
        event_counter=row.event_counter,
        chain_hash=row.chain_hash,
    )
    if anchor is not None:
        extra.findings.append(anchor)
    try:
        score = rescore(session, document)
    except CannotRescore:
        return  # kept with the station's score; the admin report lists these (rescored False)
    row.server_points, row.rescored, row.passed = score.points, True, score.passed
    if differs(row.station_points, score):
        extra.findings.append(
            Finding(
                "score_mismatch",
                f"result {row.id}: the station scored {row.station_points:g}, the server "
                f"{score.points:g} of {score.max_points:g}; the server's score counts",
            )
        )


def _reject(
    session: Session, outcome: PushOutcome, *, station_id: str, event_id: str, reason: str, why: str
) -> None:
    outcome.response.rejected.append(Rejection(id=event_id, reason=reason))
    _flag(session, station_id=station_id, event_id=event_id, kind=reason, detail=why)


def _extra_for(
    session: Session,
    outcome: PushOutcome,
    *,
    station: Station,
    pushed: PushedEvent,
    body: bytes,
    now: datetime,
) -> _Extra | None:
    """What the event carries, checked; None (and the event rejected) if it fails a check."""
    extra = _Extra()
    if pushed.kind == EXAM_LOG_KIND:
        try:
            extra.log_entries = parse_chunk(
                json.loads(body), public_key_from_b64(station.public_key)
            )
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
    elif pushed.kind == EXAM_RESULT_KIND:
        result, why = _signed_result(body, station)
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
        extra.result = _result_row(result, station_id=station.id, event_id=pushed.id, now=now)
        if extra.result is None:
            outcome.response.rejected.append(Rejection(id=pushed.id, reason="malformed"))
            return None
        extra.result_document = result
    return extra


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
    chain the server checks.
    """
    outcome = PushOutcome()
    station_id = station.id
    for pushed in sorted(events, key=lambda e: (e.seq, e.id)):
        body = pushed.body.encode("utf-8")
        if (reason := _malformed(pushed, body)) is not None:
            outcome.response.rejected.append(Rejection(id=pushed.id, reason=reason))
            continue
        stored = _existing(session, station_id=station_id, event_id=pushed.id)
        if stored is not None:
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=pushed)
            continue
        extra = _extra_for(session, outcome, station=station, pushed=pushed, body=body, now=now)
        if extra is None:
            continue
        receipt = _store(
            session,
            station_id=station_id,
            pushed=pushed,
            body=body,
            extra=extra,
            signer=signer,
            now=now,
        )
        if receipt is None:
            stored = _existing(session, station_id=station_id, event_id=pushed.id)
            assert stored is not None  # the unique key refused us, so the row is there
            _seen_before(session, outcome, station_id=station_id, stored=stored, pushed=pushed)
            continue
        for finding in extra.findings:
            _flag(
                session,
                station_id=station_id,
                event_id=pushed.id,
                kind=finding.kind,
                detail=finding.detail,
            )
        outcome.response.accepted.append(pushed.id)
        outcome.response.receipts.append(_receipt_public(receipt))
    return outcome
