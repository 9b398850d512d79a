"""Pull streams on the server: every change appended with a cursor, read back in order.

A writer calls ``record`` in the transaction that changes the entity, with the entity's
whole current document (or None when it is deleted). A station pulls the rows of a
stream after its cursor that are meant for its school, for every school, or for it alone.

Cursor safety: ids come from one sequence, but on PostgreSQL two transactions can commit
their ids out of order, and a reader that saw id 11 before 10 committed would skip 10
for good. ``record`` therefore takes a table lock first, so change writers run one at a
time and their ids become visible in order. Changes are rare (administration), so the
lock costs nothing that matters. SQLite serializes writers anyway.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, text
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.documents import MAX_PULL_PAGE
from mcdesk.protocol.streams import STREAMS
from mcdesk.server.models import Change, PullItem, PullResponse, Station

# Per-stream hooks that turn a stored document into what one station receives (for
# example, a pack key wrapped under that station's exam key). None drops the item.
Renderer = Callable[[Session, Station, dict[str, Any]], dict[str, Any] | None]
# Per-stream hooks run before a page is read, e.g. sealing code slots the station is owed;
# they may commit (now is the request's time, after the cursor the page is read from).
Preparer = Callable[[Session, Station, datetime, int], object]


def lock(session: Session) -> None:
    """Take the change writers' lock now (``record`` takes it too): one writer at a time."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE change IN SHARE ROW EXCLUSIVE MODE"))


def record(
    session: Session,
    *,
    stream: str,
    key: str,
    document: Mapping[str, Any] | None,
    now: datetime,
    school_id: str | None = None,
    station_id: str | None = None,
) -> None:
    """Append a change in the caller's transaction (the caller commits)."""
    record_many(
        session,
        stream=stream,
        entries=[(key, document)],
        now=now,
        school_id=school_id,
        station_id=station_id,
    )


def record_many(
    session: Session,
    *,
    stream: str,
    entries: Sequence[tuple[str, Mapping[str, Any] | None]],
    now: datetime,
    school_id: str | None = None,
    station_id: str | None = None,
) -> None:
    """Append one change per (key, document), in order, with one multi-row insert."""
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}")
    if not entries:
        return
    lock(session)
    session.flush()  # the caller's pending rows first, as record() always did
    rows = [
        {
            "stream": stream,
            "school_id": school_id,
            "station_id": station_id,
            "key": key,
            "document": None if document is None else canonical_json(dict(document)),
            "created_at": now,
        }
        for key, document in entries
    ]
    session.execute(insert(Change), rows)


def read(
    session: Session,
    *,
    stream: str,
    station: Station,
    after: int,
    limit: int = MAX_PULL_PAGE,
    renderers: Mapping[str, Renderer] | None = None,
) -> PullResponse:
    """The station's changes in ``stream`` after ``after``, oldest first, at most ``limit``.

    Only the newest change of each key within the page is sent: older ones are history.
    """
    if stream not in STREAMS:
        raise ValueError(f"unknown stream {stream!r}")
    audience = or_(
        col(Change.station_id) == station.id,
        (col(Change.station_id).is_(None))
        & (col(Change.school_id).is_(None) | (col(Change.school_id) == station.school_id)),
    )
    rows = list(
        session.exec(
            select(Change)
            .where(col(Change.stream) == stream, col(Change.id) > after, audience)
            .order_by(col(Change.id))
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    newest: dict[str, Change] = {}
    for row in rows:
        newest.pop(row.key, None)  # keep page order by the newest change of each key
        newest[row.key] = row
    render = (renderers or {}).get(stream)
    items: list[PullItem] = []
    for row in newest.values():
        document = None if row.document is None else json.loads(row.document)
        if document is not None and render is not None:
            document = render(session, station, document)
            if document is None:
                continue
        items.append(PullItem(key=row.key, document=document))
    cursor = rows[-1].id if rows and rows[-1].id is not None else after
    return PullResponse(stream=stream, items=items, cursor=cursor, more=more)
