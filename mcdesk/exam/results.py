"""Scoring a whole form and the signed result document.

The result carries what the server needs to re-score (the form and the responses) but
never an answer key or a per-item verdict: a learner who can read the station's files
must not learn which of their answers were right.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import mcdesk
from mcdesk.exam.eventlog import ExamEvent
from mcdesk.exam.records import AttemptRow, SavedAnswer
from mcdesk.protocol.attempt_score import AttemptScore, score_from_json
from mcdesk.protocol.canonical import canonical_json

RESULT_KIND = "mcdesk-exam-result"
PAUSE_KINDS = frozenset({"paused", "interrupted", "left"})


@dataclass(frozen=True, slots=True)
class ExamResult:
    """A stored, signed result: the exact bytes signed, and the document they encode."""

    id: str
    attempt_id: str
    body: bytes
    signature: bytes
    document: dict[str, Any]
    score: AttemptScore

    @property
    def passed(self) -> bool:
        return self.score.passed


def sign_result(
    document: dict[str, Any], *, key: Ed25519PrivateKey, score: AttemptScore
) -> ExamResult:
    """Canonical JSON of the document, signed by the station key."""
    body = canonical_json(document)
    return ExamResult(
        id=str(document["id"]),
        attempt_id=str(document["attempt_id"]),
        body=body,
        signature=key.sign(body),
        document=document,
        score=score,
    )


def outbox_body(result: ExamResult) -> dict[str, Any]:
    """The outbox event for a result: the exact signed bytes travel, base64-encoded."""
    return {
        "result_id": result.id,
        "attempt_id": result.attempt_id,
        "result": base64.b64encode(result.body).decode("ascii"),
        "signature": base64.b64encode(result.signature).decode("ascii"),
    }


def result_document(
    *,
    result_id: str,
    row: AttemptRow,
    answers: Mapping[str, SavedAnswer],
    score: AttemptScore,
    events: list[ExamEvent],
    ended: ExamEvent,
    station: Mapping[str, str | None],
) -> dict[str, Any]:
    """The result as signed: who, what, the form and responses, timings, incidents, score."""
    started = next((e for e in events if e.kind == "started"), None)
    return {
        "kind": RESULT_KIND,
        "schema_version": 1,
        "id": result_id,
        "attempt_id": row.id,
        "learner_id": row.learner_id,
        "pack_id": row.pack_id,
        "pack_version": row.pack_version,
        "station": dict(station),
        "app_version": mcdesk.__version__,
        "form": row.form,
        "responses": {
            item_id: {"response": a.response, "flagged": a.flagged, "saved_at": a.saved_at}
            for item_id, a in sorted(answers.items())
        },
        "timing": {
            "time_limit_s": row.time_limit_s,
            "extra_s": row.extra_s,
            "elapsed_s": round(row.elapsed_s, 3),
            "created_at": row.created_at,
            "started_at": None if started is None else started.body.get("at"),
            "ended_at": row.ended_at,
            "ended_by": ended.kind,
            "pauses": sum(1 for e in events if e.kind in PAUSE_KINDS),
        },
        "incidents": [
            {**e.body.get("data", {}), "at": e.body.get("at"), "seq": e.seq}
            for e in events
            if e.kind == "incident"
        ],
        "codes": [
            {**e.body.get("data", {}), "at": e.body.get("at"), "seq": e.seq}
            for e in events
            if e.kind == "unlocked"
        ],
        "score": score.to_json(),
        # The station's event counter and chain hash at submit: the server sees any
        # event deleted before this one as a gap or a broken chain.
        "event_counter": ended.seq,
        "chain_hash": ended.hash,
    }


def read_result(connection: sqlite3.Connection, *, attempt_id: str) -> ExamResult | None:
    """The stored result of an attempt, as stored (``verify_result`` says if it can be trusted)."""
    row = connection.execute(
        "SELECT id, body, signature FROM exam_result WHERE attempt_id = ?", (attempt_id,)
    ).fetchone()
    if row is None:
        return None
    body = bytes(row[1])
    document = json.loads(body)
    return ExamResult(
        id=str(row[0]),
        attempt_id=attempt_id,
        body=body,
        signature=bytes(row[2]),
        document=document,
        score=score_from_json(document["score"]),
    )
