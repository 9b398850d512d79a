"""The station's exam event log as the server sees it: every entry verified, the chain checked.

Each pushed entry must hash and verify exactly as on the station (mcdesk.exam.eventlog).
The server keeps each station's newest ``seq`` and ``hash``; an entry that does not
follow on from them is still stored (refusing it would lose evidence) but flagged:
a jump in ``seq`` is a ``chain_gap`` (entries were deleted), a different hash at a seq
already seen, or a ``prev_hash`` that does not link, is a ``chain_fork`` (the log was
rewritten or restored from an old copy).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, col, select

from mcdesk.errors import McdeskError
from mcdesk.jsonread import read_json
from mcdesk.keys import verify_signature
from mcdesk.server.bodylimit import PUSH_BODY_BYTES
from mcdesk.server.models import ExamLogEntry
from mcdesk.server.storable import storable_int, storable_text

GENESIS = "0" * 64


class LogRefused(McdeskError):
    """An entry that is not what the station's key signed; nothing of the event is stored."""


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str  # chain_gap or chain_fork
    detail: str


@dataclass(frozen=True, slots=True)
class _Entry:
    seq: int
    kind: str
    attempt_id: str | None
    hash: str
    prev_hash: str


def _entry(raw: Any, key: Ed25519PublicKey) -> _Entry:
    try:
        body = base64.b64decode(raw["body"], validate=True)
        signature = base64.b64decode(raw["signature"], validate=True)
        digest, prev_hash = str(raw["hash"]), str(raw["prev_hash"])
        # JsonRefused is a ValueError: a deep or huge entry is refused like a malformed one.
        document = read_json(body, what="an exam-log entry", max_bytes=PUSH_BODY_BYTES)
        seq, kind = storable_int(int(document["seq"])), storable_text(str(document["kind"]))
        attempt_id = document.get("attempt_id")
        if attempt_id is not None:
            attempt_id = storable_text(str(attempt_id))
        prev_bytes, hash_bytes = bytes.fromhex(prev_hash), bytes.fromhex(digest)
    except (KeyError, TypeError, ValueError, OverflowError, binascii.Error):
        raise LogRefused("an exam-log entry is not base64 JSON with seq, kind and hashes") from None
    if hashlib.sha256(prev_bytes + body).hexdigest() != digest:
        raise LogRefused(f"exam-log entry {seq}: the body does not match its hash")
    if not verify_signature(key, signature, hash_bytes):
        raise LogRefused(f"exam-log entry {seq}: not signed by this station's key")
    return _Entry(seq, kind, attempt_id, digest, prev_hash)


def parse_chunk(document: dict[str, Any], key: Ed25519PublicKey) -> list[_Entry]:
    """Every entry of an ``exam_log`` event, verified, in seq order; LogRefused if any fails."""
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise LogRefused("an exam_log event carries no entries")
    entries = [_entry(raw, key) for raw in raw_entries]
    return sorted(entries, key=lambda e: e.seq)


def _newest(session: Session, station_id: str) -> tuple[int, str]:
    row = session.exec(
        select(ExamLogEntry.seq, ExamLogEntry.hash)
        .where(col(ExamLogEntry.station_id) == station_id)
        .order_by(col(ExamLogEntry.seq).desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


@dataclass(slots=True)
class ChainState:
    """One station's log as the server holds it, plus what this request adds (in memory)."""

    last_seq: int
    last_hash: str
    known: dict[int, str]  # seq -> hash, for the seqs this request touches

    def anchor(self, *, event_counter: int, chain_hash: str) -> Finding | None:
        """Does a result's (counter, hash) name an entry of the log?"""
        held = self.known.get(event_counter)
        if held is None:
            return Finding(
                "chain_gap",
                f"the result names exam-log entry {event_counter}, which the server never received",
            )
        if held != chain_hash:
            return Finding(
                "chain_fork",
                f"the result's chain hash differs from exam-log entry {event_counter} on the "
                "server",
            )
        return None


def _stored_hashes(session: Session, station_id: str, seqs: list[int]) -> dict[int, str]:
    """The stored hashes of ``seqs`` (those the server holds), in one query.

    A batch's seqs are nearly always one run (a chunk, the results anchored in it), so
    they are asked for as a range when it is dense, not as an IN list of a thousand
    values that the database driver parses anew each time; a sparse set (a hostile or
    odd station) is asked for by value, so the range never reads more than ~2x the rows.
    """
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    seq = col(ExamLogEntry.seq)
    low, high = wanted[0], wanted[-1]
    dense = high - low < 2 * len(wanted) + 64
    rows = session.exec(
        select(ExamLogEntry.seq, ExamLogEntry.hash).where(
            col(ExamLogEntry.station_id) == station_id,
            seq.between(low, high) if dense else seq.in_(wanted),
        )
    )
    keep = set(wanted)
    return {int(number): str(digest) for number, digest in rows if number in keep}


def load_state(session: Session, *, station_id: str, seqs: list[int]) -> ChainState:
    """The newest stored entry and the stored hashes of ``seqs``: two queries."""
    last_seq, last_hash = _newest(session, station_id)
    return ChainState(last_seq, last_hash, _stored_hashes(session, station_id, seqs))


def plan_chunk(
    state: ChainState, *, station_id: str, entries: list[_Entry]
) -> tuple[list[dict[str, object]], list[Finding]]:
    """The rows to insert for a chunk and where its chain breaks; ``state`` moves on."""
    findings: list[Finding] = []
    rows: list[dict[str, object]] = []
    for entry in entries:
        if entry.seq in state.known:
            if state.known[entry.seq] != entry.hash:
                findings.append(
                    Finding(
                        "chain_fork",
                        f"exam-log entry {entry.seq} arrived again with another hash: the "
                        "station's log was rewritten or restored from an older copy",
                    )
                )
            continue
        if entry.seq > state.last_seq + 1:
            findings.append(
                Finding(
                    "chain_gap",
                    f"exam-log entries {state.last_seq + 1}..{entry.seq - 1} are missing "
                    f"before entry {entry.seq}: they were deleted on the station",
                )
            )
        elif entry.seq == state.last_seq + 1 and entry.prev_hash != state.last_hash:
            findings.append(
                Finding(
                    "chain_fork",
                    f"exam-log entry {entry.seq} does not link to entry {state.last_seq}: the "
                    "log was rewritten",
                )
            )
        state.known[entry.seq] = entry.hash
        rows.append(
            {
                "station_id": station_id,
                "seq": entry.seq,
                "hash": entry.hash,
                "prev_hash": entry.prev_hash,
                "kind": entry.kind,
                "attempt_id": entry.attempt_id,
            }
        )
        if entry.seq > state.last_seq:
            state.last_seq, state.last_hash = entry.seq, entry.hash
    return rows, findings
