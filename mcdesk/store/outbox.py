"""The outbox: events written in the same transaction as the change they report.

Rule for the sync work: rows are marked sent when their receipt is stored, never deleted,
because ``seq`` (the station's event counter) is the maximum over the table plus one.
The only deletion is coalescing, which replaces an unsent event with a newer total.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.ids import uuid7
from mcdesk.store.tables import OutboxEvent, SyncReceipt


def add_event(
    session: Session,
    *,
    kind: str,
    body: dict[str, Any],
    now: datetime,
    coalesce_key: str | None = None,
) -> OutboxEvent:
    """Queue an event in the caller's transaction (it commits or rolls back with the change).

    With a ``coalesce_key``, an unsent event with the same key is replaced: use it only
    for events whose body carries a running total, so nothing is lost by the replacement.
    """
    # Writers take the database lock first (BEGIN IMMEDIATE), so max + 1 cannot race.
    # Read before coalescing: a replaced event's number is never given out again.
    last = session.exec(select(func.max(OutboxEvent.seq))).one()
    if coalesce_key is not None:
        # Only events the server has not acknowledged: a receipted one is history.
        receipted = select(SyncReceipt.event_id)
        session.execute(
            delete(OutboxEvent).where(
                col(OutboxEvent.coalesce_key) == coalesce_key,
                col(OutboxEvent.id).not_in(receipted),
            )
        )
    event = OutboxEvent(
        id=uuid7(unix_ms=int(now.timestamp() * 1000)),
        seq=(last or 0) + 1,
        kind=kind,
        body=canonical_json({"kind": kind, **body}),
        created_at=now,
        coalesce_key=coalesce_key,
    )
    session.add(event)
    session.flush()  # the next add_event in this transaction must see this seq
    return event
