"""Rows of an attempt in the store (raw sqlite3): the attempt, its answers, the outbox."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from mcdesk.exam.forms import Form
from mcdesk.exam.states import STATES, AttemptState, ExamError
from mcdesk.protocol.canonical import canonical_json

MAX_RESPONSE_CHARS = 20_000
ATTEMPT_COLUMNS = (
    "id, learner_id, pack_id, pack_version, seed, form, state, time_limit_s, extra_s, "
    "elapsed_s, created_at, ended_at, score, max_score, passed, result_id"
)


@dataclass(slots=True)
class AttemptRow:
    id: str
    learner_id: str
    pack_id: str
    pack_version: str
    seed: int
    form: Form
    state: AttemptState
    time_limit_s: float
    extra_s: float
    elapsed_s: float
    created_at: str
    ended_at: str | None = None
    score: float | None = None
    max_score: float | None = None
    passed: bool | None = None
    result_id: str | None = None


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    response: Any  # the decoded JSON value; None when cleared or only flagged
    flagged: bool
    saved_at: str


def iso(moment: datetime) -> str:
    """A stored time: UTC, ISO 8601 with its offset."""
    return moment.astimezone(UTC).isoformat()


def encode_response(response: Any) -> str | None:
    """A response as stored: canonical JSON text, or None to clear the answer."""
    if response is None:
        return None
    try:
        text = canonical_json(response).decode("utf-8")
    except (TypeError, ValueError) as exc:
        raise ExamError(f"a response must be plain JSON data: {exc}") from exc
    if len(text) > MAX_RESPONSE_CHARS:
        raise ExamError(f"a response may be at most {MAX_RESPONSE_CHARS} characters")
    return text


def insert_attempt(connection: sqlite3.Connection, row: AttemptRow) -> None:
    connection.execute(
        "INSERT INTO attempt (id, learner_id, pack_id, pack_version, seed, form, state, "
        "time_limit_s, extra_s, elapsed_s, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            row.id,
            row.learner_id,
            row.pack_id,
            row.pack_version,
            row.seed,
            canonical_json(row.form).decode("utf-8"),
            row.state,
            row.time_limit_s,
            row.extra_s,
            row.elapsed_s,
            row.created_at,
        ),
    )


def read_attempt(connection: sqlite3.Connection, attempt_id: str) -> AttemptRow:
    row = connection.execute(
        f"SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE id = ?", (attempt_id,)
    ).fetchone()
    if row is None:
        raise ExamError(f"no attempt {attempt_id} on this station")
    values = tuple(row)
    state = next((known for known in STATES if known == values[6]), None)
    if state is None:
        raise ExamError(f"attempt {attempt_id} has an unknown state {values[6]!r}")
    return AttemptRow(
        id=str(values[0]),
        learner_id=str(values[1]),
        pack_id=str(values[2]),
        pack_version=str(values[3]),
        seed=int(values[4]),
        form=cast(Form, json.loads(values[5])),
        state=state,
        time_limit_s=float(values[7]),
        extra_s=float(values[8]),
        elapsed_s=float(values[9]),
        created_at=str(values[10]),
        ended_at=values[11],
        score=values[12],
        max_score=values[13],
        passed=None if values[14] is None else bool(values[14]),
        result_id=values[15],
    )


def write_progress(connection: sqlite3.Connection, row: AttemptRow) -> None:
    """Store the attempt's state and clock (the fields that change while it runs)."""
    connection.execute(
        "UPDATE attempt SET state = ?, elapsed_s = ?, extra_s = ?, ended_at = ? WHERE id = ?",
        (row.state, row.elapsed_s, row.extra_s, row.ended_at, row.id),
    )


def read_answers(connection: sqlite3.Connection, attempt_id: str) -> dict[str, SavedAnswer]:
    answers = {}
    for item_id, response, flagged, saved_at in connection.execute(
        "SELECT item_id, response, flagged, saved_at FROM attempt_answer WHERE attempt_id = ? "
        "ORDER BY item_id",
        (attempt_id,),
    ):
        value = None if response is None else json.loads(response)
        answers[str(item_id)] = SavedAnswer(value, bool(flagged), str(saved_at))
    return answers


def save_response(
    connection: sqlite3.Connection, *, attempt_id: str, item_id: str, response: str | None, at: str
) -> None:
    connection.execute(
        "INSERT INTO attempt_answer (attempt_id, item_id, response, saved_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (attempt_id, item_id) DO UPDATE SET response = excluded.response, "
        "saved_at = excluded.saved_at",
        (attempt_id, item_id, response, at),
    )


def save_flag(
    connection: sqlite3.Connection, *, attempt_id: str, item_id: str, flagged: bool, at: str
) -> None:
    connection.execute(
        "INSERT INTO attempt_answer (attempt_id, item_id, flagged, saved_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (attempt_id, item_id) DO UPDATE SET flagged = excluded.flagged",
        (attempt_id, item_id, int(flagged), at),
    )


def last_viewed(connection: sqlite3.Connection, attempt_id: str) -> str | None:
    """The item the learner last had on screen (its ``viewed`` event), if any."""
    row = connection.execute(
        "SELECT body FROM exam_event WHERE attempt_id = ? AND kind = 'viewed' "
        "ORDER BY seq DESC LIMIT 1",
        (attempt_id,),
    ).fetchone()
    if row is None:
        return None
    data = json.loads(bytes(row[0])).get("data", {})
    item_id = data.get("item_id") if isinstance(data, dict) else None
    return None if item_id is None else str(item_id)


def earlier_forms(
    connection: sqlite3.Connection, *, learner_id: str, pack_id: str
) -> list[list[str]]:
    """The item ids of the learner's earlier attempts at this micro-credential, oldest first."""
    return [
        [str(item["id"]) for item in json.loads(form)["items"]]
        for (form,) in connection.execute(
            "SELECT form FROM attempt WHERE learner_id = ? AND pack_id = ? "
            "AND state NOT IN ('ready', 'unlocked') ORDER BY created_at, id",
            (learner_id, pack_id),
        )
    ]


def active_attempt(
    connection: sqlite3.Connection, *, learner_id: str, pack_id: str | None = None
) -> str | None:
    """The learner's newest unlocked, running or paused attempt (at one pack, if given)."""
    sql = (
        "SELECT id FROM attempt WHERE learner_id = ? AND state IN ('unlocked', 'running', 'paused')"
    )
    params: tuple[str, ...] = (learner_id,)
    if pack_id is not None:
        sql += " AND pack_id = ?"
        params += (pack_id,)
    row = connection.execute(sql + " ORDER BY created_at DESC, id DESC LIMIT 1", params).fetchone()
    return None if row is None else str(row[0])
