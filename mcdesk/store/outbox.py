"""The outbox: events written in the same transaction as the change they report.

Rule for the sync work: rows are marked sent when their receipt is stored, never deleted,
because ``seq`` (the station's event counter) is the maximum over the table plus one.
The only deletion is coalescing, which replaces an unsent event with a newer total.

``queue_event`` is the one way to record a change with its event: the exam calls it on
its sqlite3 transaction, and ``add_event`` calls it on a SQLModel session's connection
(study, kiosk). This module imports no SQLAlchemy, so the exam stays free of it.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.ids import uuid7

if TYPE_CHECKING:
    from sqlmodel import Session

    from mcdesk.store.tables import OutboxEvent


def queue_event(
    connection: sqlite3.Connection,
    *,
    kind: str,
    body: dict[str, Any],
    now: datetime,
    coalesce_key: str | None = None,
) -> tuple[str, int]:
    """Queue an event in the caller's transaction (it commits or rolls back with the change).

    Returns the event's id and seq. With a ``coalesce_key``, an unsent event with the
    same key is replaced: use it only for events whose body carries a running total, so
    nothing is lost by the replacement.
    """
    # Writers take the database lock first (BEGIN IMMEDIATE), so max + 1 cannot race.
    # Read before coalescing: a replaced event's number is never given out again.
    (last,) = connection.execute("SELECT MAX(seq) FROM outbox").fetchone()
    if coalesce_key is not None:
        # Only events the server has not acknowledged: a receipted one is history.
        connection.execute(
            "DELETE FROM outbox WHERE coalesce_key = ? "
            "AND id NOT IN (SELECT event_id FROM receipt)",
            (coalesce_key,),
        )
    event_id = uuid7(unix_ms=int(now.timestamp() * 1000))
    seq = int(last or 0) + 1
    # created_at as SQLAlchemy writes a DateTime to SQLite: naive UTC text.
    created_at = now.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    connection.execute(
        "INSERT INTO outbox (id, seq, kind, body, created_at, coalesce_key) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (event_id, seq, kind, canonical_json({"kind": kind, **body}), created_at, coalesce_key),
    )
    return event_id, seq


def add_event(
    session: Session,
    *,
    kind: str,
    body: dict[str, Any],
    now: datetime,
    coalesce_key: str | None = None,
) -> OutboxEvent:
    """``queue_event`` in a SQLModel session's transaction; the event as a row of the session."""
    from mcdesk.store.tables import OutboxEvent  # SQLModel: only session users pay for it

    session.flush()  # the session's pending changes go first, in the same transaction
    raw = session.connection().connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    event_id, _seq = queue_event(raw, kind=kind, body=body, now=now, coalesce_key=coalesce_key)
    event = session.get(OutboxEvent, event_id)
    assert event is not None
    return event
