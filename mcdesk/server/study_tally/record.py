"""Keeping the study tally up to date in the push's own transaction.

Called once per pushed batch with the events this transaction stored (never one another
request stored first, so nothing counts twice). Each (learner, pack, skill, station)
gets one upsert whose SET combines the stored row with the batch's part in SQL, so
concurrent pushes on PostgreSQL add up row by row, in sorted key order (no deadlock).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from mcdesk.jsonread import JsonRefused, read_json
from mcdesk.protocol.streams import EventKind
from mcdesk.server.batch import NewEvent, NewReceipt
from mcdesk.server.bodylimit import PUSH_BODY_BYTES
from mcdesk.server.study_tally.fold import (
    STUDY_KINDS,
    Tally,
    TallyKey,
    combine,
    event_ms,
    event_tally,
    key_of,
    learner_of,
)
from mcdesk.server.study_tally.models import LearnerEvent, StudyTally

_TABLE = StudyTally.__table__  # type: ignore[attr-defined]
_KEYS = ("learner_id", "pack_id", "skill_id", "station_id")
# Rows per statement: 13 columns × 500 stays far below SQLite's 32,766 bound parameters.
CHUNK_ROWS = 500
# What a learner's timeline lists beside results (which have their own table).
TIMELINE_KINDS = STUDY_KINDS | {EventKind.EXAM_INCIDENT}


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _row(key: TallyKey, station_id: str, tally: Tally) -> dict[str, Any]:
    run_id, credit, total = tally.run if tally.run is not None else (None, None, None)
    learner_id, pack_id, skill_id = key
    return {
        "learner_id": learner_id,
        "pack_id": pack_id,
        "skill_id": skill_id,
        "station_id": station_id,
        "opened": tally.opened,
        "marked": tally.marked,
        "seconds": tally.seconds,
        "run_id": run_id,
        "run_credit": credit,
        "run_total": total,
        "links": tally.links,
        "last_ms": tally.last_ms,
        "reviewed_ms": tally.reviewed_ms,
    }


def upsert_tallies(session: Session, *, station_id: str, tallies: dict[TallyKey, Tally]) -> None:
    """Add each tally to its stored row (made if missing), combining as ``fold.combine`` does."""
    keys = sorted(tallies)
    for start in range(0, len(keys), CHUNK_ROWS):
        rows = [_row(key, station_id, tallies[key]) for key in keys[start : start + CHUNK_ROWS]]
        session.execute(_upsert(session, rows))


def _upsert(session: Session, rows: list[dict[str, Any]]) -> Any:
    statement = _insert(session)(_TABLE).values(rows)
    new, old = statement.excluded, _TABLE.c
    # Run ids compare as Python compares them (code points): bytewise "C" on PostgreSQL,
    # whatever the database's collation; SQLite's default BINARY already is.
    pg = session.get_bind().dialect.name == "postgresql"
    new_run, old_run = (
        (new.run_id.collate("C"), old.run_id.collate("C")) if pg else (new.run_id, old.run_id)
    )
    newer = and_(new.run_id.is_not(None), or_(old.run_id.is_(None), new_run > old_run))
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEYS),
        set_={
            "opened": or_(old.opened, new.opened),
            "marked": or_(old.marked, new.marked),
            "seconds": case((new.seconds > old.seconds, new.seconds), else_=old.seconds),
            "run_id": case((newer, new.run_id), else_=old.run_id),
            "run_credit": case((newer, new.run_credit), else_=old.run_credit),
            "run_total": case((newer, new.run_total), else_=old.run_total),
            "links": old.links + new.links,
            "last_ms": _later(old.last_ms, new.last_ms),
            "reviewed_ms": _later(old.reviewed_ms, new.reviewed_ms),
        },
    )
    return statement


def _later(old: Any, new: Any) -> Any:
    """The later of two moments in SQL, either of them NULL (``fold._later``)."""
    return case((old.is_(None), new), (new > old, new), else_=old)


def record_study(
    session: Session, *, station_id: str, written: Iterable[tuple[NewEvent, NewReceipt | None]]
) -> None:
    """Fold the events this transaction stored (a receipt) into the tally and timeline index."""
    tallies: dict[TallyKey, Tally] = {}
    named: list[dict[str, Any]] = []
    for item, receipt in written:
        if receipt is None or item.pushed.kind not in TIMELINE_KINDS:
            continue
        try:
            document = read_json(item.body, what="the event", max_bytes=PUSH_BODY_BYTES)
        except JsonRefused:
            continue
        if not isinstance(document, dict):
            continue
        kind, event_id = item.pushed.kind, item.pushed.id
        learner, at = learner_of(document), event_ms(event_id)
        if learner is not None and at is not None:
            row = {"station_id": station_id, "event_id": event_id, "learner_id": learner}
            named.append(row | {"kind": kind, "at_ms": at})
        key = key_of(document) if kind in STUDY_KINDS else None
        if key is not None:
            part = event_tally(kind, document, event_id=event_id)
            tallies[key] = combine(tallies[key], part) if key in tallies else part
    upsert_tallies(session, station_id=station_id, tallies=tallies)
    for start in range(0, len(named), CHUNK_ROWS):
        rows = named[start : start + CHUNK_ROWS]
        index = _insert(session)(LearnerEvent.__table__).values(rows)  # type: ignore[attr-defined]
        session.execute(index.on_conflict_do_nothing(index_elements=["station_id", "event_id"]))
