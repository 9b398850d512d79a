"""The station's exam event log: append-only, hash-chained, each event signed.

Each row's ``body`` is canonical JSON of ``{id, seq, kind, attempt_id, at, data}``;
``hash`` is SHA-256 of the previous row's hash (as bytes) followed by the body, and
``signature`` is the station key's Ed25519 signature of the hash bytes. Editing a body
breaks its hash, re-hashing it breaks the signature, deleting a row leaves a gap in
``seq`` or a broken ``prev_hash`` link. Deleting the newest rows cannot be seen here;
the server sees it when a later event arrives (results carry the counter and hash).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mcdesk.keys import verify_signature
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.ids import uuid7

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class ExamEvent:
    seq: int
    id: str
    kind: str
    attempt_id: str | None
    hash: str
    prev_hash: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the stored record, and where: a row of a table or an event."""

    where: str
    what: str
    seq: int | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def chain_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


def last_event(connection: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the newest event, or (0, genesis) for an empty log."""
    row = connection.execute(
        "SELECT seq, hash FROM exam_event ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))


def append(
    connection: sqlite3.Connection,
    *,
    kind: str,
    attempt_id: str | None,
    data: dict[str, Any],
    key: Ed25519PrivateKey,
    now: datetime,
) -> ExamEvent:
    """Add one signed event inside the caller's write transaction (BEGIN IMMEDIATE)."""
    # The caller holds the write lock, so max + 1 cannot race another writer.
    last_seq, prev_hash = last_event(connection)
    seq = last_seq + 1
    event_id = uuid7(unix_ms=int(now.timestamp() * 1000))
    document = {
        "id": event_id,
        "seq": seq,
        "kind": kind,
        "attempt_id": attempt_id,
        "at": now.isoformat(),  # informational only: the wall clock proves nothing
        "data": data,
    }
    body = canonical_json(document)
    digest = chain_hash(prev_hash, body)
    connection.execute(
        "INSERT INTO exam_event (seq, id, kind, attempt_id, body, prev_hash, hash, signature) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, event_id, kind, attempt_id, body, prev_hash, digest, key.sign(bytes.fromhex(digest))),
    )
    return ExamEvent(seq, event_id, kind, attempt_id, digest, prev_hash, document)


def _hex(text: Any) -> bytes | None:
    try:
        return bytes.fromhex(text) if isinstance(text, str) and len(text) == 64 else None
    except ValueError:
        return None


def _column_mismatch(columns: dict[str, Any], body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(document, dict):
        return "the body is not a JSON object"
    for name, value in columns.items():
        if document.get(name) != value:
            return f"the row's {name} differs from the signed body"
    return None


def verify_log(connection: sqlite3.Connection, public_key: Ed25519PublicKey) -> list[Problem]:
    """Every problem in the log, oldest first; an empty list means the chain is intact."""
    problems: list[Problem] = []
    expected_seq, expected_prev = 1, GENESIS_HASH
    rows = connection.execute(
        "SELECT seq, id, kind, attempt_id, body, prev_hash, hash, signature FROM exam_event "
        "ORDER BY seq"
    ).fetchall()
    for seq, event_id, kind, attempt_id, raw_body, prev_hash, digest, signature in rows:
        found: list[str] = []
        body = bytes(raw_body)
        if seq != expected_seq:
            found.append(f"gap in seq: events {expected_seq}..{seq - 1} are missing")
        if prev_hash != expected_prev:
            found.append("broken link: prev_hash is not the previous event's hash")
        prev_bytes, hash_bytes = _hex(prev_hash), _hex(digest)
        if prev_bytes is None or hash_bytes is None:
            found.append("hash mismatch: the stored hashes are not SHA-256 hex")
        else:
            if hashlib.sha256(prev_bytes + body).hexdigest() != digest:
                found.append("hash mismatch: the body was edited after it was signed")
            if not verify_signature(public_key, bytes(signature), hash_bytes):
                found.append("signature invalid: not signed by this station's key")
        columns = {"seq": seq, "id": event_id, "kind": kind, "attempt_id": attempt_id}
        if (mismatch := _column_mismatch(columns, body)) is not None:
            found.append(mismatch)
        problems.extend(Problem(where=f"exam_event seq {seq}", what=w, seq=seq) for w in found)
        expected_seq, expected_prev = seq + 1, digest
    return problems


def read_events(connection: sqlite3.Connection, *, attempt_id: str) -> list[ExamEvent]:
    """The events of one attempt, oldest first, as stored (verify the log to trust them)."""
    events = []
    for seq, event_id, kind, attempt, raw_body, prev_hash, digest in connection.execute(
        "SELECT seq, id, kind, attempt_id, body, prev_hash, hash FROM exam_event "
        "WHERE attempt_id = ? ORDER BY seq",
        (attempt_id,),
    ):
        try:
            body = json.loads(bytes(raw_body))
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        events.append(ExamEvent(seq, event_id, kind, attempt, digest, prev_hash, body))
    return events
