"""One attempt of this station's record as its teacher page lists it: state, score, incidents.

Read-only raw sqlite3 on a connection the caller opened (``exam.record_pages`` reads the
page of attempts on a worker thread).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from mcdesk.content.skill_states import score_text
from mcdesk.protocol.live import incident_words

# What ``attempt_line`` reads, in order (``a`` attempt, ``l`` learner, ``p`` pack).
LINE_COLUMNS = (
    "a.id, l.display_name, coalesce(p.title, a.pack_id), a.created_at, a.state, "
    "a.score, a.max_score, a.passed"
)
INCIDENT_KINDS = ("incident", "interrupted")  # a crash is an incident to the teacher too

STATE_WORDS = {
    "ready": "Waiting for the start code",
    "unlocked": "Unlocked, not started",
    "running": "In progress",
    "paused": "Paused",
    "submitted": "Submitted",
    "expired": "Time ran out",
    "scored": "Submitted",
}


@dataclass(frozen=True, slots=True)
class Incident:
    at: str  # local "HH:MM:SS"
    words: str  # "left the window"
    detail: str  # what the station noted ("the assessment window lost the focus")


@dataclass(frozen=True, slots=True)
class AttemptLine:
    """One attempt on this station as the teacher page lists it."""

    attempt_id: str
    learner: str
    title: str  # the micro-credential
    started: str  # local "YYYY-MM-DD HH:MM"
    state: str  # in words
    score: str  # "6 of 8 (75%)", or "" before the end
    outcome: str  # "Pass", "Not yet", or "" before the end
    incidents: tuple[Incident, ...]


def _local(stored: str, zone: tzinfo | None, shape: str) -> str:
    try:
        moment = datetime.fromisoformat(stored)
    except ValueError:
        return stored
    return moment.astimezone(zone).strftime(shape)


def _incidents(
    connection: sqlite3.Connection, attempt_id: str, zone: tzinfo | None
) -> tuple[Incident, ...]:
    rows = connection.execute(
        f"SELECT kind, body FROM exam_event WHERE attempt_id = ? AND kind IN "
        f"({', '.join('?' for _ in INCIDENT_KINDS)}) ORDER BY seq",
        (attempt_id, *INCIDENT_KINDS),
    ).fetchall()
    found = []
    for kind, body in rows:
        event = json.loads(body)
        data = event.get("data", {})
        what = str(data.get("kind", "")) if kind == "incident" else str(kind)
        found.append(
            Incident(
                _local(str(event.get("at", "")), zone, "%H:%M:%S"),
                incident_words(what),
                str(data.get("detail", "")),
            )
        )
    return tuple(found)


def _ended_by(connection: sqlite3.Connection, attempt_id: str) -> str:
    row = connection.execute(
        "SELECT kind FROM exam_event WHERE attempt_id = ? AND kind IN ('submitted', 'expired') "
        "ORDER BY seq DESC LIMIT 1",
        (attempt_id,),
    ).fetchone()
    return "scored" if row is None else str(row[0])


def _score(score: float | None, most: float | None) -> str:
    if score is None or not most:
        return ""
    return f"{score_text(float(score), round(float(most)))} ({round(100 * score / most)}%)"


def attempt_line(
    connection: sqlite3.Connection, row: sqlite3.Row | tuple[Any, ...], zone: tzinfo | None
) -> AttemptLine:
    """One attempt as the page lists it, from a row of ``LINE_COLUMNS``."""
    attempt_id, learner, title, created, state, score, most, passed = tuple(row)[:8]
    ended = state == "scored"
    shown = _ended_by(connection, attempt_id) if ended else str(state)
    return AttemptLine(
        attempt_id=str(attempt_id),
        learner=str(learner),
        title=str(title),
        started=_local(str(created), zone, "%Y-%m-%d %H:%M"),
        state=STATE_WORDS.get(shown, shown),
        score=_score(score, most) if ended else "",
        outcome=("Pass" if passed else "Not yet") if ended else "",
        incidents=_incidents(connection, str(attempt_id), zone),
    )
