"""Real signed exam results in a station's store, queued as the exam ledger queues them.

An attempt is sat without the engine's timer and unlock codes but through the same
store code: the attempt row and its answers (``records``), a signed, hash-chained event
per step in the station's exam log (``eventlog.append``), then what ``ExamLedger.finish``
does in one transaction: ``score_form``, ``result_document``, ``sign_result``, the
``exam_result`` row, the ``scored`` event, ``queue_log`` (the log chunk the server
anchors the result in) and the ``exam_result`` outbox event with ``outbox_body``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mcdesk.exam import records
from mcdesk.exam.eventlog import ExamEvent, append, read_events
from mcdesk.exam.forms import draw_form
from mcdesk.exam.logpush import queue_log
from mcdesk.exam.records import AttemptRow, iso
from mcdesk.exam.results import RESULT_KIND, ExamResult, outbox_body, result_document, sign_result
from mcdesk.keys import key_id
from mcdesk.protocol.attempt_score import score_form
from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.items.parsed import parse_bank
from mcdesk.store.connection import connect
from mcdesk.store.outbox import queue_event
from tests.exam.bank import BLUEPRINT, PACK, VERSION, make_bank, right, wrong

EXAM_RESULT = "exam_result"  # the outbox event kinds ExamLedger.finish queues
EXAM_LOG = "exam_log"


@dataclass(frozen=True, slots=True)
class Paper:
    """What an attempt is sat on: a pack version, its blueprint, and its opened item bank."""

    pack_id: str
    version: str
    blueprint: Mapping[str, Any]
    bank: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {str(item["id"]): item for item in self.bank})


TEST_PAPER = Paper(PACK, VERSION, BLUEPRINT, make_bank())


@dataclass(frozen=True, slots=True)
class Candidate:
    """Who sits an attempt, where, with which station key, and how their answers go."""

    station_id: str
    key: Ed25519PrivateKey
    learner_id: str
    seed: int


class _Log:
    """Appends an attempt's events to the station's exam log, at a clock the caller moves."""

    def __init__(
        self, db: sqlite3.Connection, key: Ed25519PrivateKey, attempt_id: str, now: datetime
    ) -> None:
        self.db, self.key, self.attempt_id, self.now = db, key, attempt_id, now

    def __call__(self, kind: str, data: dict[str, Any]) -> ExamEvent:
        return append(
            self.db, kind=kind, attempt_id=self.attempt_id, data=data, key=self.key, now=self.now
        )


def _sit(
    db: sqlite3.Connection, who: Candidate, *, paper: Paper, start: datetime, with_log: bool
) -> ExamResult:
    """One attempt, answered, submitted, scored, signed and queued (caller's transaction)."""
    rng = random.Random(who.seed)
    form = draw_form(blueprint=paper.blueprint, bank=paper.bank, seed=who.seed)
    row = AttemptRow(
        id=uuid7(unix_ms=int(start.timestamp() * 1000)),
        learner_id=who.learner_id,
        pack_id=paper.pack_id,
        pack_version=paper.version,
        seed=who.seed,
        form=form,
        state="running",
        time_limit_s=float(paper.blueprint.get("time_limit_minutes", 30)) * 60,
        extra_s=0.0,
        elapsed_s=0.0,
        created_at=iso(start),
    )
    records.insert_attempt(db, row)
    log = _Log(db, who.key, row.id, start)
    log("created", {"learner_id": who.learner_id, "pack_id": paper.pack_id, "form": form})
    log("unlocked", {"action": "start", "counter": who.seed % 40 + 1})
    log("started", {})
    for shown in form["items"]:
        log.now += timedelta(seconds=rng.randint(20, 120))
        item = paper.by_id[shown["id"]]
        response = right(item) if rng.random() < 0.7 else wrong(item)
        text = records.encode_response(response)
        records.save_response(
            db, attempt_id=row.id, item_id=shown["id"], response=text, at=iso(log.now)
        )
        log("answered", {"item_id": shown["id"], "response": response})
    if rng.random() < 0.2:
        log("incident", {"kind": "focus_lost", "detail": "the window lost focus"})
    log.now += timedelta(seconds=5)
    row.state, row.ended_at = "submitted", iso(log.now)
    row.elapsed_s = (log.now - start).total_seconds()
    records.write_progress(db, row)
    ended = log("submitted", {})
    answers = records.read_answers(db, row.id)
    score = score_form(
        form=form,
        bank=parse_bank(paper.bank),
        responses={item: a.response for item, a in answers.items()},
        proficiency_level=float(paper.blueprint["proficiency_level"]),
    )
    document = result_document(
        result_id=uuid7(unix_ms=int(log.now.timestamp() * 1000)),
        row=row,
        answers=answers,
        score=score,
        events=read_events(db, attempt_id=row.id),
        ended=ended,
        station={"id": who.station_id, "key_id": key_id(who.key.public_key())},
    )
    result = sign_result(document, key=who.key, score=score)
    db.execute(
        "INSERT INTO exam_result (id, attempt_id, body, signature) VALUES (?, ?, ?, ?)",
        (result.id, result.attempt_id, result.body, result.signature),
    )
    db.execute(
        "UPDATE attempt SET state = 'scored', score = ?, max_score = ?, passed = ?, "
        "result_id = ? WHERE id = ?",
        (score.points, score.max_points, int(score.passed), result.id, row.id),
    )
    scored = {
        "result_id": result.id,
        "result_sha256": hashlib.sha256(result.body).hexdigest(),
        "points": round(score.points, 6),
        "max_points": score.max_points,
        "passed": score.passed,
    }
    log("scored", scored)
    if with_log:
        queue_log(db, now=log.now)  # the log first: the server anchors the result in it
    queue_event(db, kind=EXAM_RESULT, body=outbox_body(result), now=log.now)
    return result


CLASS_SIZE = 25


def learner_of(station_id: str, n: int) -> str:
    """The learner who sits attempt ``n`` at a station: a class of CLASS_SIZE takes turns."""
    return f"{station_id}-learner-{n % CLASS_SIZE:02d}"


def sit_exams(
    database: Path,
    *,
    key: Ed25519PrivateKey,
    station_id: str,
    count: int,
    seed: int,
    start: datetime,
    paper: Paper = TEST_PAPER,
    with_log: bool = True,
) -> list[ExamResult]:
    """``count`` attempts by a class of CLASS_SIZE learners at a station, each its own transaction.

    ``with_log=False`` queues the results alone, without the exam-log chunk the ledger
    queues before each: the server then stores them but flags each as anchored in no log.
    """
    db = connect(database)
    db.isolation_level = None  # BEGIN IMMEDIATE … COMMIT, as the ledger writes
    results = []
    try:
        for n in range(count):
            who = Candidate(station_id, key, learner_of(station_id, n), seed * 7919 + n)
            db.execute("BEGIN IMMEDIATE")
            try:
                at = start + timedelta(minutes=3 * n)
                results.append(_sit(db, who, paper=paper, start=at, with_log=with_log))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
    finally:
        db.close()
    return results


def verified_result(event_body: bytes, station_key: Ed25519PublicKey) -> dict[str, Any]:
    """The signed result inside an exam_result body, checked against the station's key."""
    event = json.loads(event_body)
    signed = base64.b64decode(event["result"], validate=True)
    station_key.verify(base64.b64decode(event["signature"], validate=True), signed)
    document: dict[str, Any] = json.loads(signed)
    if document.get("kind") != RESULT_KIND or document.get("id") != event.get("result_id"):
        raise ValueError("the signed document is not the result this event names")
    return document
