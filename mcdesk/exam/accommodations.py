"""Accommodations: a teacher-set time multiplier per learner (extra time)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from mcdesk.exam.states import ExamError
from mcdesk.protocol.documents import MAX_MULTIPLIER, MIN_MULTIPLIER


def set_time_multiplier(
    connection: sqlite3.Connection,
    *,
    learner_id: str,
    multiplier: float,
    set_by: str,
    now: datetime,
) -> None:
    """Record the learner's time multiplier, inside the caller's transaction."""
    if not MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER:
        raise ExamError(
            f"a time multiplier must be between {MIN_MULTIPLIER:g} and {MAX_MULTIPLIER:g}, "
            f"not {multiplier:g}"
        )
    connection.execute(
        "INSERT INTO accommodation (learner_id, time_multiplier, set_by, set_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (learner_id) DO UPDATE SET "
        "time_multiplier = excluded.time_multiplier, set_by = excluded.set_by, "
        "set_at = excluded.set_at",
        (learner_id, float(multiplier), set_by, now.isoformat()),
    )


def time_multiplier(connection: sqlite3.Connection, *, learner_id: str) -> float:
    """The learner's time multiplier; 1.0 without an accommodation."""
    row = connection.execute(
        "SELECT time_multiplier FROM accommodation WHERE learner_id = ?", (learner_id,)
    ).fetchone()
    return 1.0 if row is None else float(row[0])
