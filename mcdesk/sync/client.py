"""Pushing the outbox: signed batches out, verified receipts in, one transaction per batch.

An event counts as sent once its verified receipt is stored; the outbox row itself is
kept, because ``add_event`` takes the next ``seq`` as the table's maximum plus one.
Nothing here sleeps or starts threads: the caller decides when to retry (see backoff).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from mcdesk import jsonread
from mcdesk.protocol.documents import MAX_PUSH_EVENTS, PUSH_PATH, SERVER_KEY_PATH
from mcdesk.protocol.signing import signed_headers
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import OutboxEvent, SyncReceipt, SyncState

LAST_PUSH_KEY = "last_push_at"
NOT_UNDERSTOOD = "response was not understood"
# Bounds on what the server may answer: a pull page or push answer, and one receipt.
MAX_ANSWER_BYTES = 64 * 1024 * 1024
MAX_RECEIPT_BYTES = 64 * 1024


class SyncError(Exception):
    """A push or key fetch failed; nothing local changed. ``reason`` is in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class PushReport:
    """What one ``push_once`` did."""

    accepted: int = 0
    duplicate: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    batches: int = 0
    remaining: int = 0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def endpoint(server_url: str, path: str) -> tuple[str, str]:
    """The full URL and the path the server sees (and the station signs)."""
    base = server_url.rstrip("/")
    try:
        parts = urlsplit(base)
        parts.port  # noqa: B018  (reading it checks it: a port past 65535 raises here)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SyncError(f"{server_url[:200]!r} is not a server address (http(s)://host[:port])")
    return base + path, parts.path + path


def send(
    session: requests.Session, method: str, url: str, *, timeout: float, **kwargs: Any
) -> requests.Response:
    """One HTTP exchange; transport failures and 5xx become a SyncError."""
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise SyncError(f"server did not answer within {timeout:g} s") from None
    except requests.ConnectionError:
        raise SyncError("server unreachable") from None
    except requests.RequestException:
        raise SyncError("the connection broke before the server answered") from None
    if response.status_code >= 500:
        raise SyncError(f"server error {response.status_code}")
    return response


def read_json(response: requests.Response) -> Any:
    """The server's answer as JSON, bounded like every JSON from outside; SyncError if not."""
    try:
        return jsonread.read_json(
            response.content, what="the server's answer", max_bytes=MAX_ANSWER_BYTES
        )
    except jsonread.JsonRefused:
        raise SyncError(NOT_UNDERSTOOD) from None


def refusal(response: requests.Response) -> SyncError:
    """A 4xx answer in words, with the server's own reason when it gave one."""
    try:
        detail = read_json(response).get("detail")
    except (SyncError, AttributeError):
        detail = None
    why = f": {detail}" if isinstance(detail, str) else ""
    return SyncError(f"the server refused the request ({response.status_code}){why}")


def fetch_server_key(
    server_url: str, *, session: requests.Session | None = None, timeout: float = 10
) -> Ed25519PublicKey:
    """The server's receipt-signing public key, from GET /api/v1/server-key."""
    url, _ = endpoint(server_url, SERVER_KEY_PATH)
    response = send(session or requests.Session(), "GET", url, timeout=timeout)
    if response.status_code != 200:
        raise refusal(response)
    answer = read_json(response)
    try:
        raw = base64.b64decode(answer["public_key"], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (KeyError, TypeError, ValueError, binascii.Error):
        raise SyncError(NOT_UNDERSTOOD) from None


@dataclass(frozen=True, slots=True)
class _Receipt:
    event_id: str
    body: bytes
    signature: bytes
    received_at: str


def _verified_receipt(
    raw: Any, *, expected: dict[str, OutboxEvent], station_id: str, key: Ed25519PublicKey
) -> _Receipt:
    """A receipt that the pinned key signed for one of this batch's events, byte for byte."""
    try:
        event_id = raw["event_id"]
        body = raw["body"].encode("utf-8")
        signature = base64.b64decode(raw["signature"], validate=True)
        fields = jsonread.read_json(body, what="a receipt", max_bytes=MAX_RECEIPT_BYTES)
        received_at = fields["received_at"]
    except (KeyError, TypeError, AttributeError, ValueError, binascii.Error):
        raise SyncError(NOT_UNDERSTOOD) from None
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise SyncError("a receipt was not signed by the pinned server key") from None
    event = expected.get(event_id)
    if (
        event is None
        or not isinstance(fields, dict)
        or fields.get("event_id") != event_id
        or fields.get("station_id") != station_id
        or fields.get("body_sha256") != hashlib.sha256(event.body).hexdigest()
        or not isinstance(received_at, str)
    ):
        raise SyncError("a receipt did not match the event that was sent")
    return _Receipt(event_id, body, signature, received_at)


@dataclass(slots=True)
class _BatchAnswer:
    accepted: list[str]
    duplicate: list[str]
    rejected: list[tuple[str, str]]
    receipts: list[_Receipt]


def read_answer(
    answer: Any, *, batch: list[OutboxEvent], station_id: str, key: Ed25519PublicKey
) -> _BatchAnswer:
    """Check the push response accounts for every event sent, each receipt verified."""
    expected = {event.id: event for event in batch}
    try:
        accepted = [str(i) for i in answer["accepted"]]
        duplicate = [str(i) for i in answer["duplicate"]]
        rejected = [(str(r["id"]), str(r["reason"])) for r in answer["rejected"]]
        raw_receipts = list(answer["receipts"])
    except (KeyError, TypeError):
        raise SyncError(NOT_UNDERSTOOD) from None
    receipts = [
        _verified_receipt(raw, expected=expected, station_id=station_id, key=key)
        for raw in raw_receipts
    ]
    sent_ok = accepted + duplicate
    answered = sent_ok + [event_id for event_id, _ in rejected]
    if sorted(answered) != sorted(expected) or sorted(r.event_id for r in receipts) != sorted(
        sent_ok
    ):
        raise SyncError(NOT_UNDERSTOOD)
    return _BatchAnswer(accepted, duplicate, rejected, receipts)


def unsent_events(session: Session, *, after: int, limit: int) -> list[OutboxEvent]:
    """Events with no stored receipt and ``seq`` past ``after``, in seq order."""
    unsent = ~exists().where(col(SyncReceipt.event_id) == col(OutboxEvent.id))
    query = (
        select(OutboxEvent)
        .where(unsent, col(OutboxEvent.seq) > after)
        .order_by(col(OutboxEvent.seq))
        .limit(limit)
    )
    return list(session.exec(query))


def pending_count(session: Session) -> int:
    """How many outbox events have no stored receipt yet."""
    unsent = ~exists().where(col(SyncReceipt.event_id) == col(OutboxEvent.id))
    return session.exec(select(func.count()).select_from(OutboxEvent).where(unsent)).one()


def request_body(batch: list[OutboxEvent]) -> bytes:
    events = [
        {
            "id": event.id,
            "seq": event.seq,
            "kind": event.kind,
            "body": event.body.decode("utf-8"),
            "body_sha256": hashlib.sha256(event.body).hexdigest(),
        }
        for event in batch
    ]
    return json.dumps({"events": events}).encode("utf-8")


def push_once(
    *,
    database: Path,
    station_key: Ed25519PrivateKey,
    station_id: str,
    server_url: str,
    server_public_key: Ed25519PublicKey,
    session: requests.Session | None = None,
    batch_size: int = MAX_PUSH_EVENTS,
    timeout: float = 10,
    now: Callable[[], datetime] = _utc_now,
) -> PushReport:
    """Push every unsent outbox event once, in batches; raises SyncError on a failed batch.

    Batches before a failed one keep their stored receipts; the failed batch changes
    nothing. Rejected events stay unsent and are reported, not retried in this call.
    """
    if not 1 <= batch_size <= MAX_PUSH_EVENTS:
        raise ValueError(f"batch_size must be between 1 and {MAX_PUSH_EVENTS}")
    http = session or requests.Session()
    url, path = endpoint(server_url, PUSH_PATH)
    report = PushReport()
    engine = make_engine(database)
    try:
        after = 0
        while True:
            with Session(engine) as db:
                batch = unsent_events(db, after=after, limit=batch_size)
            if not batch:
                break
            body = request_body(batch)
            headers = signed_headers(
                key=station_key,
                station_id=station_id,
                method="POST",
                path=path,
                body=body,
                timestamp=int(now().timestamp()),
            )
            headers["Content-Type"] = "application/json"
            response = send(http, "POST", url, timeout=timeout, data=body, headers=headers)
            if response.status_code not in (200, 409):
                raise refusal(response)
            answer = read_answer(
                read_json(response), batch=batch, station_id=station_id, key=server_public_key
            )
            with Session(engine) as db:
                for receipt in answer.receipts:
                    db.merge(
                        SyncReceipt(
                            event_id=receipt.event_id,
                            body=receipt.body,
                            signature=receipt.signature,
                            received_at=receipt.received_at,
                        )
                    )
                db.merge(SyncState(key=LAST_PUSH_KEY, value=now().isoformat()))
                db.commit()
            report.batches += 1
            report.accepted += len(answer.accepted)
            report.duplicate += len(answer.duplicate)
            report.rejected.extend(answer.rejected)
            # Past this batch even if some were rejected: a refused event must not stall
            # the ones behind it, nor be sent again and again within one call.
            after = batch[-1].seq
        with Session(engine) as db:
            report.remaining = pending_count(db)
    finally:
        engine.dispose()
    return report
