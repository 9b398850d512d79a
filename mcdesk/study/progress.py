"""A learner's progress per targeted skill; every change queues an outbox event with it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.content.skill_states import (
    MASTERY,
    STAGE_LABELS,
    Readiness,
    SkillStage,
    SkillState,
    last_opened,
    readiness,
    skill_states,
    state_of,
)
from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.streams import EventKind
from mcdesk.store.outbox import add_event
from mcdesk.store.tables import SelfCheckRun, SkillProgress

__all__ = [
    "MASTERY",
    "STAGE_LABELS",
    "Readiness",
    "SkillStage",
    "SkillState",
    "add_active_time",
    "last_opened",
    "mark_studied",
    "readiness",
    "record_link_opened",
    "record_opened",
    "record_selfcheck",
    "skill_states",
    "state_of",
]


LINK_CHARS = 500  # a lesson's link, as much as a teacher needs to recognise it


def _row(
    session: Session, learner_id: str, pack_id: str, skill_id: str, now: datetime
) -> SkillProgress:
    row = session.get(SkillProgress, (learner_id, pack_id, skill_id))
    if row is None:
        row = SkillProgress(
            learner_id=learner_id,
            pack_id=pack_id,
            skill_id=skill_id,
            first_opened_at=now,
            last_opened_at=now,
        )
    return row


def record_opened(
    engine: Engine, *, learner_id: str, pack_id: str, skill_id: str, now: datetime
) -> None:
    with Session(engine) as session:
        row = _row(session, learner_id, pack_id, skill_id, now)
        row.last_opened_at = now
        session.add(row)
        body = {
            "learner_id": learner_id,
            "pack_id": pack_id,
            "skill_id": skill_id,
            "at": now.isoformat(),
        }
        add_event(session, kind=EventKind.SKILL_OPENED, body=body, now=now)
        session.commit()


def add_active_time(
    engine: Engine, *, learner_id: str, pack_id: str, skill_id: str, seconds: int, now: datetime
) -> int:
    """Add active seconds; returns the skill's new total."""
    if seconds <= 0:
        raise ValueError("active time to add must be positive")
    with Session(engine) as session:
        row = _row(session, learner_id, pack_id, skill_id, now)
        row.active_seconds += seconds
        session.add(row)
        body = {
            "learner_id": learner_id,
            "pack_id": pack_id,
            "skill_id": skill_id,
            "active_seconds": row.active_seconds,
        }
        add_event(
            session,
            kind=EventKind.ACTIVE_TIME,
            body=body,
            now=now,
            coalesce_key=f"active_time:{learner_id}:{pack_id}:{skill_id}",
        )
        session.commit()
        return row.active_seconds


def mark_studied(
    engine: Engine, *, learner_id: str, pack_id: str, skill_id: str, now: datetime
) -> None:
    """The learner reached the end of the lesson (first time counts)."""
    with Session(engine) as session:
        row = _row(session, learner_id, pack_id, skill_id, now)
        if row.studied_at is not None:
            return
        row.studied_at = now
        session.add(row)
        body = {
            "learner_id": learner_id,
            "pack_id": pack_id,
            "skill_id": skill_id,
            "at": now.isoformat(),
        }
        add_event(session, kind=EventKind.SKILL_STUDIED, body=body, now=now)
        session.commit()


def record_link_opened(
    engine: Engine, *, learner_id: str, pack_id: str, skill_id: str, url: str, now: datetime
) -> None:
    """The learner activated an outside link in a lesson: an event for the teacher's grid."""
    with Session(engine) as session:
        body = {
            "learner_id": learner_id,
            "pack_id": pack_id,
            "skill_id": skill_id,
            "url": url[:LINK_CHARS],
            "at": now.isoformat(),
        }
        add_event(session, kind=EventKind.LINK_OPENED, body=body, now=now)
        session.commit()


def record_selfcheck(
    engine: Engine,
    *,
    learner_id: str,
    pack_id: str,
    skill_id: str,
    credit: float,
    total: int,
    responses: Mapping[str, Any],
    now: datetime,
) -> str:
    """Store a finished self-check run; returns its id."""
    run_id = uuid7(unix_ms=int(now.timestamp() * 1000))
    with Session(engine) as session:
        session.add(
            SelfCheckRun(
                id=run_id,
                learner_id=learner_id,
                pack_id=pack_id,
                skill_id=skill_id,
                finished_at=now,
                # Stored in hundredths so partial credit survives an integer column.
                correct=round(credit * 100),
                total=total,
                responses=json.dumps(dict(responses), sort_keys=True),
            )
        )
        body = {
            "run_id": run_id,
            "learner_id": learner_id,
            "pack_id": pack_id,
            "skill_id": skill_id,
            "credit": round(credit, 2),
            "total": total,
            "responses": dict(responses),
        }
        add_event(session, kind=EventKind.SELFCHECK_RESULT, body=body, now=now)
        session.commit()
    return run_id
