"""The durable side of an attempt: transactions, signed events, incidents, the result.

Every write is one ``BEGIN IMMEDIATE … COMMIT`` on the engine's sqlite3 connection
(WAL, ``synchronous=FULL``): the row change and its signed event commit together or not
at all. On a failure, the attempt in memory is put back to what the store holds.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam import records
from mcdesk.exam.eventlog import ExamEvent, append, read_events
from mcdesk.exam.logpush import queue_log
from mcdesk.exam.records import AttemptRow, SavedAnswer, iso
from mcdesk.exam.results import ExamResult, outbox_body, result_document, sign_result
from mcdesk.exam.states import (
    ACTION_STATES,
    AttemptState,
    CodeAction,
    CodeRequiredError,
    ExamError,
    ExamStateError,
    check_edge,
)
from mcdesk.exam.timer import ExamClock
from mcdesk.keys import key_id
from mcdesk.protocol.attempt_score import score_form
from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.items.parsed import ParsedItem, parse_bank
from mcdesk.protocol.streams import EventKind
from mcdesk.store.outbox import queue_event

EndedBy = Literal["submitted", "expired"]


@dataclass(slots=True)
class LoadedAttempt:
    """The attempt in memory: its row, its clock, the answers, and the bank while open."""

    row: AttemptRow
    clock: ExamClock
    answers: dict[str, SavedAnswer]
    grant: CodeAction | None = None  # what the last unlock code allows, used once
    bank: dict[str, ParsedItem] | None = None  # parsed once, when opened
    blueprint: Mapping[str, Any] | None = None
    position: str | None = None  # the item on screen, as last logged ("viewed")

    @property
    def total_s(self) -> float:
        return self.row.time_limit_s + self.row.extra_s

    def elapsed(self) -> float:
        """Fold the clock; elapsed seconds, never past the limit plus extensions."""
        elapsed = self.clock.checkpoint()
        self.clock.clamp(self.total_s)
        return min(elapsed, self.total_s)

    def move(self, state: AttemptState) -> None:
        check_edge(self.row.state, state)
        self.row.state = state

    def require_state(self, state: AttemptState) -> LoadedAttempt:
        if self.row.state != state:
            raise ExamStateError(f"the attempt is {self.row.state}, not {state}")
        return self

    def require_bank(self) -> LoadedAttempt:
        if self.bank is None or self.blueprint is None:
            raise ExamStateError("the item bank is not open: unlock it first")
        return self

    def require_item(self, item_id: str) -> None:
        if all(shown["id"] != item_id for shown in self.row.form["items"]):
            raise ExamError(f"item {item_id} is not on this attempt's form")

    def use_code(self, action: CodeAction) -> LoadedAttempt:
        """Consume the code that allows ``action``; CodeRequiredError without one."""
        if self.row.state not in ACTION_STATES[action]:
            raise ExamStateError(f"cannot {action} a {self.row.state} attempt")
        if self.grant != action:
            raise CodeRequiredError(f"{action} needs a teacher's code")
        self.grant = None  # a code allows one action, even if that action then fails
        return self

    def open_bank(self, *, blueprint: Mapping[str, Any], bank: Sequence[Mapping[str, Any]]) -> None:
        by_id = parse_bank(bank)
        missing = [shown["id"] for shown in self.row.form["items"] if shown["id"] not in by_id]
        if missing:
            raise ExamError(f"the item bank lacks items on this form: {', '.join(missing)}")
        self.bank, self.blueprint = by_id, blueprint


class ExamLedger:
    """Writes an attempt's changes and signed events in single transactions."""

    def __init__(
        self, db: sqlite3.Connection, *, key: Ed25519PrivateKey, wall: Callable[[], datetime]
    ) -> None:
        self.db = db
        self._key = key
        self._wall = wall

    @contextmanager
    def transaction(self, current: LoadedAttempt | None) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if current is not None:
                self._restore(current)
            raise

    def _restore(self, current: LoadedAttempt) -> None:
        """After a rollback, memory goes back to what the store holds."""
        current.row = records.read_attempt(self.db, current.row.id)
        current.answers = records.read_answers(self.db, current.row.id)
        if current.row.state == "running":
            current.clock.start()
        else:
            current.clock.stop()

    def log(
        self,
        current: LoadedAttempt,
        kind: str,
        data: dict[str, Any],
        *,
        now: datetime | None = None,
    ) -> ExamEvent:
        data = {**data, "elapsed_s": round(current.row.elapsed_s, 3)}
        return append(
            self.db,
            kind=kind,
            attempt_id=current.row.id,
            data=data,
            key=self._key,
            now=now or self._wall(),
        )

    def log_station(self, kind: str, data: dict[str, Any]) -> ExamEvent:
        """An event that belongs to no attempt (an accommodation set by a teacher)."""
        return append(
            self.db, kind=kind, attempt_id=None, data=data, key=self._key, now=self._wall()
        )

    def save(self, current: LoadedAttempt) -> None:
        """Write state and clock; a suspend seen since the last save becomes an incident."""
        current.row.elapsed_s = current.elapsed()
        records.write_progress(self.db, current.row)
        suspended = current.clock.take_suspended()
        if suspended > 0:
            detail = f"{suspended:.0f} s without the clock advancing normally; not charged"
            self.incident(current, kind="suspend", detail=detail, extra={"seconds": suspended})

    def incident(
        self, current: LoadedAttempt, *, kind: str, detail: str, extra: dict[str, Any]
    ) -> None:
        """Log an incident and queue it for the teacher's console and the server."""
        event = self.log(current, "incident", {"kind": kind, "detail": detail, **extra})
        body: dict[str, Any] = {"attempt_id": current.row.id, "learner_id": current.row.learner_id}
        body |= {"incident": kind, "detail": detail, "at": event.body["at"], "seq": event.seq}
        queue_event(self.db, kind=EventKind.EXAM_INCIDENT, body=body, now=self._wall())

    def finish(self, current: LoadedAttempt, ended_by: EndedBy) -> ExamResult:
        """End, score, sign, store and queue the result: one transaction."""
        current.require_bank()
        assert current.bank is not None
        assert current.blueprint is not None
        bank, level = current.bank, float(current.blueprint["proficiency_level"])
        now = self._wall()
        with self.transaction(current) as db:
            current.clock.stop()
            current.move(ended_by)
            current.row.ended_at = iso(now)
            self.save(current)
            ended = self.log(current, ended_by, {}, now=now)
            answers = records.read_answers(db, current.row.id)
            responses = {item: a.response for item, a in answers.items()}
            score = score_form(
                form=current.row.form, bank=bank, responses=responses, proficiency_level=level
            )
            document = result_document(
                result_id=uuid7(unix_ms=int(now.timestamp() * 1000)),
                row=current.row,
                answers=answers,
                score=score,
                events=read_events(db, attempt_id=current.row.id),
                ended=ended,
                station=self._station(),
            )
            result = sign_result(document, key=self._key, score=score)
            db.execute(
                "INSERT INTO exam_result (id, attempt_id, body, signature) VALUES (?, ?, ?, ?)",
                (result.id, result.attempt_id, result.body, result.signature),
            )
            current.move("scored")
            row = current.row
            row.score, row.max_score, row.passed = score.points, score.max_points, score.passed
            row.result_id = result.id
            db.execute(
                "UPDATE attempt SET state = ?, score = ?, max_score = ?, passed = ?, result_id = ? "
                "WHERE id = ?",
                (row.state, row.score, row.max_score, int(score.passed), result.id, row.id),
            )
            data = {
                "result_id": result.id,
                "result_sha256": hashlib.sha256(result.body).hexdigest(),
                "points": round(score.points, 6),
                "max_points": score.max_points,
                "passed": score.passed,
            }
            self.log(current, "scored", data, now=now)
            # The log first: the server checks the result's counter and hash against it.
            queue_log(db, now=now)
            queue_event(db, kind=EventKind.EXAM_RESULT, body=outbox_body(result), now=now)
        current.answers = answers
        current.bank = current.blueprint = None  # the keys leave memory with the attempt
        current.grant = None
        return result

    def _station(self) -> dict[str, str | None]:
        row = self.db.execute("SELECT id FROM station LIMIT 1").fetchone()
        return {
            "id": None if row is None else str(row[0]),
            "key_id": key_id(self._key.public_key()),
        }
