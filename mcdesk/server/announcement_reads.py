"""Which learner has read which announcement, kept from pushed ``announcement_read`` events.

One row per (announcement, learner), whatever the number of stations or re-sends: the
push path inserts with ON CONFLICT DO NOTHING, rows in sorted key order, in the push's
own transaction, so concurrent pushes on PostgreSQL count a read once and never deadlock
on each other. An event that names an announcement the server does not know (or one of
another school) or a learner outside the announcement's class is stored and receipted
like any event, not counted, and flagged for a person to see. What "read" means on a
station: mcdesk.study.announcement_reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, col, select

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.streams import EventKind
from mcdesk.server.announcements import KEY_PREFIX, STREAM
from mcdesk.server.batch import NewEvent, NewReceipt
from mcdesk.server.models import Change, Learner, ServerTable, Station
from mcdesk.server.storable import storable_text
from mcdesk.server.study_tally.fold import event_ms

MAX_READ_BYTES = 2048  # a read's body is ~150 bytes: a larger one is not read at all
MAX_ID_CHARS = 64  # announcement ids are UUIDs (36); learner ids are the roster's ids
UNKNOWN_ANNOUNCEMENT = "unknown_announcement"
NOT_IN_CLASS = "not_in_class"


class AnnouncementRead(ServerTable, table=True):
    """The first read of one announcement by one learner, on whichever station it was."""

    __tablename__ = "announcement_read"

    announcement_id: str = Field(primary_key=True)
    learner_id: str = Field(primary_key=True, index=True)
    station_id: str = Field(foreign_key="station.id")
    event_id: str
    read_ms: int = Field(sa_column=Column(BigInteger, nullable=False))  # the station's clock


@dataclass(frozen=True, slots=True)
class NotCounted:
    """A read event stored but not counted, and why (a flag's kind and words)."""

    event_id: str
    kind: str
    detail: str


def _id(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return storable_text(value, max_chars=MAX_ID_CHARS)
    except ValueError:
        return None


def _reads(
    written: Iterable[tuple[NewEvent, NewReceipt | None]],
) -> tuple[list[tuple[str, str, str, int]], list[NotCounted]]:
    """(event id, announcement id, learner id, ms) of each stored read; the malformed ones."""
    found, refused = [], []
    for item, receipt in written:
        if receipt is None or item.pushed.kind != EventKind.ANNOUNCEMENT_READ:
            continue
        event_id = item.pushed.id
        try:
            document = read_json(item.body, what="the event", max_bytes=MAX_READ_BYTES)
        except JsonRefused:
            document = None  # too long: counted as malformed below
        if not isinstance(document, dict):
            document = {}
        announcement = _id(document.get("announcement_id"))
        learner, at = _id(document.get("learner_id")), event_ms(event_id)
        if announcement is None or learner is None or at is None:
            why = "an announcement read without a usable announcement id, learner id or time"
            refused.append(NotCounted(event_id, UNKNOWN_ANNOUNCEMENT, why))
            continue
        found.append((event_id, announcement, learner, at))
    return found, refused


def _announcement_classes(
    session: Session, *, school_id: str | None, ids: set[str]
) -> dict[str, str]:
    """Announcement id → class id, for the ids the school's change log has ever posted."""
    rows = session.exec(
        select(Change.key, Change.document).where(
            col(Change.stream) == STREAM,
            col(Change.school_id) == school_id,
            col(Change.key).in_([KEY_PREFIX + i for i in sorted(ids)]),
            col(Change.document).is_not(None),
        )
    ).all()
    classes = {}
    for key, document in rows:
        body = json.loads(document) if document is not None else {}
        if isinstance(body, dict) and isinstance(body.get("class_id"), str):
            classes[key.removeprefix(KEY_PREFIX)] = body["class_id"]
    return classes


def record_reads(
    session: Session,
    *,
    station: Station,
    written: Iterable[tuple[NewEvent, NewReceipt | None]],
) -> list[NotCounted]:
    """Count the reads this transaction stored (the caller commits); the ones not counted."""
    found, refused = _reads(written)
    if not found:
        return refused
    classes = _announcement_classes(
        session, school_id=station.school_id, ids={a for _, a, _, _ in found}
    )
    learners = dict(
        session.exec(
            select(Learner.id, Learner.class_id).where(
                col(Learner.id).in_(sorted({learner for _, _, learner, _ in found}))
            )
        ).all()
    )
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for event_id, announcement, learner, at in found:
        class_id = classes.get(announcement)
        if class_id is None:
            why = f"read of announcement {announcement!r}, which this school never posted"
            refused.append(NotCounted(event_id, UNKNOWN_ANNOUNCEMENT, why))
            continue
        if learners.get(learner) != class_id:
            why = (
                f"read by learner {learner!r}, not in the class announcement {announcement} was for"
            )
            refused.append(NotCounted(event_id, NOT_IN_CLASS, why))
            continue
        key = (announcement, learner)
        if key not in rows or at < rows[key]["read_ms"]:  # the batch's first read of it
            rows[key] = {
                "announcement_id": announcement, "learner_id": learner,
                "station_id": station.id, "event_id": event_id, "read_ms": at,
            }  # fmt: skip
    if rows:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        statement = insert(AnnouncementRead.__table__).values(  # type: ignore[attr-defined]
            [rows[key] for key in sorted(rows)]  # one order for every worker: no deadlock
        )
        session.execute(
            statement.on_conflict_do_nothing(index_elements=["announcement_id", "learner_id"])
        )
    return refused
