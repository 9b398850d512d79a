"""Allowances used on stations: the first use counts for every station, a second is flagged.

A station queues an ``allowance_used`` event in the transaction that creates the attempt
(mcdesk.exam.allowance_use). ``record_uses`` runs once per pushed batch, in the push's
own transaction, with the events this transaction stored (never one another request
stored first, so a re-sent event records nothing twice). The first use is written onto
the ``allowance`` row and into the ``allowances`` stream, so other stations stop
offering it after their next pull; a later use of the same allowance by another attempt
(two stations offline at once) is kept as an event, its attempt and result stand, and a
person is asked to look (``allowance_used_twice``). A use that names an allowance this
server does not hold, or holds for another learner, pack or school, records nothing and
is flagged ``allowance_mismatch``.

Concurrency: every writer of a use takes the change log's lock (mcdesk.server.changes)
before touching an allowance row, after its events are inserted, as badge issuing does:
uses are written one transaction at a time on PostgreSQL, and the conditional update
(``used_event_id IS NULL``) makes the first commit the only one that sets them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from mcdesk.protocol.allowances import KEY_PREFIX, RETAKE_KINDS, AllowanceUse
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.allowance_table import Allowance
from mcdesk.server.allowances import allowance_document
from mcdesk.server.batch import NewEvent, NewReceipt
from mcdesk.server.examlog import Finding
from mcdesk.server.models import Event, Learner, SchoolClass, Station, Teacher

USED_TWICE = "allowance_used_twice"
MISMATCH = "allowance_mismatch"


def record_uses(
    session: Session,
    *,
    station: Station,
    written: Iterable[tuple[NewEvent, NewReceipt | None]],
    now: datetime,
) -> list[tuple[str, Finding]]:
    """Record the uses this transaction's new events report; (event id, finding) to flag."""
    uses = [
        (item.pushed.id, item.carried.allowance_use)
        for item, receipt in written
        if receipt is not None and item.carried.allowance_use is not None
    ]
    if not uses:
        return []
    changes.lock(session)
    found: list[tuple[str, Finding]] = []
    for event_id, use in sorted(uses, key=lambda u: (u[1].used_at, u[0])):
        finding = _record(session, station=station, event_id=event_id, use=use, now=now)
        if finding is not None:
            found.append((event_id, finding))
            session.execute(
                update(Event)
                .where(
                    col(Event.station_id) == station.id,
                    col(Event.event_id) == event_id,
                    col(Event.flagged).is_(None),
                )
                .values(flagged=finding.kind)
            )
    return found


def _mismatch(session: Session, row: Allowance | None, use: AllowanceUse, station: Station) -> str:
    """Why this use cannot be of this allowance, in words; empty if it can."""
    if row is None:
        return "which this server does not hold"
    if row.kind not in RETAKE_KINDS or row.learner_id != use.learner_id:
        return "which is not this learner's extra attempt or waived review"
    if row.pack_id != use.pack_id:
        return f"which is for {row.pack_id}, not {use.pack_id}"
    school = session.exec(
        select(SchoolClass.school_id)
        .join(Learner, col(Learner.class_id) == col(SchoolClass.id))
        .where(col(Learner.id) == row.learner_id)
    ).first()
    if school is None or school != station.school_id:
        return "which is for a learner of another school"
    return ""


def _record(
    session: Session, *, station: Station, event_id: str, use: AllowanceUse, now: datetime
) -> Finding | None:
    row = session.get(Allowance, use.allowance_id, populate_existing=True)
    why = _mismatch(session, row, use, station)
    if row is None or why:
        return Finding(
            MISMATCH,
            f"attempt {use.attempt_id} reports using allowance {use.allowance_id}, {why}; "
            "nothing was recorded",
        )
    first = session.execute(
        update(Allowance)
        .where(col(Allowance.id) == row.id, col(Allowance.used_event_id).is_(None))
        .values(
            used_attempt_id=use.attempt_id,
            used_at=use.used_at,
            used_station_id=station.id,
            used_event_id=event_id,
        )
    )
    session.refresh(row)
    if first.rowcount == 1:  # type: ignore[attr-defined]
        teacher = session.get(Teacher, row.granted_by)
        changes.record(
            session,
            stream=Stream.ALLOWANCES,
            key=KEY_PREFIX + row.id,
            document=allowance_document(
                row, granted_by="" if teacher is None else teacher.display_name
            ),
            now=now,
            school_id=station.school_id,
        )
        return None
    if (row.used_station_id, row.used_attempt_id) == (station.id, use.attempt_id):
        return None  # this very use, reported again under another event: already counted
    first_station = session.get(Station, row.used_station_id or "")
    learner = session.get(Learner, row.learner_id)
    return Finding(
        USED_TWICE,
        f"{row.kind} {row.id} for {learner.display_name if learner else row.learner_id} "
        f"({row.pack_id}) was used again by attempt {use.attempt_id} on this station at "
        f"{use.used_at.isoformat()}; attempt {row.used_attempt_id} on "
        f"{first_station.name if first_station else row.used_station_id} used it first; "
        "both attempts are kept",
    )
