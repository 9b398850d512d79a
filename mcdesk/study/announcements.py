"""A learner's class announcements and due dates, for the home screen (raw sqlite3)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from mcdesk.study.grant_dates import day_words

MAX_SHOWN = 5  # the newest few: home is a start page, not a notice board


@dataclass(frozen=True, slots=True)
class Notice:
    id: str
    text: str
    due_on: date | None
    due_words: str  # "Due 18 December", "Due today", "Was due 1 December", or ""
    posted_on: str  # YYYY-MM-DD
    posted_by: str


def due_words(due_on: date | None, *, today: date) -> str:
    if due_on is None:
        return ""
    if due_on == today:
        return "Due today"
    # Words like the grants' close dates beside them on home, not an ISO date.
    return f"{'Was due' if due_on < today else 'Due'} {day_words(due_on, today=today)}"


def notices_for(
    connection: sqlite3.Connection, *, learner_id: str, today: date
) -> tuple[Notice, ...]:
    """The newest announcements of the learner's class, newest first."""
    rows = connection.execute(
        "SELECT a.id, a.text, a.due_on, a.posted_at, a.posted_by FROM announcement AS a "
        "JOIN learner AS l ON l.class_id = a.class_id WHERE l.id = ? "
        "ORDER BY a.posted_at DESC, a.id LIMIT ?",
        (learner_id, MAX_SHOWN),
    ).fetchall()
    notices = []
    for notice_id, text, due, posted_at, posted_by in rows:
        due_on = None if due is None else date.fromisoformat(due)
        notices.append(
            Notice(
                str(notice_id),
                str(text),
                due_on,
                due_words(due_on, today=today),
                str(posted_at)[:10],
                str(posted_by),
            )
        )
    return tuple(notices)
