"""Accommodations set on the server: a learner's time multiplier, sent to stations.

The bounds are the station's own (mcdesk.exam.accommodations): an accommodation only
ever adds time, at most four times the limit. The ``accommodations`` stream carries
``{learner_id, time_multiplier, set_by, set_at}`` under the key ``learner:<id>``; a
cleared accommodation is a deletion.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from mcdesk.protocol.documents import MAX_MULTIPLIER, MIN_MULTIPLIER
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.models import Accommodation, Learner, SchoolClass
from mcdesk.server.schools import AdminError
from mcdesk.server.times import as_utc

SET_BY_SERVER = "server"


def check_multiplier(multiplier: float) -> float:
    if not math.isfinite(multiplier) or not MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER:
        raise AdminError(
            f"a time multiplier must be between {MIN_MULTIPLIER:g} and {MAX_MULTIPLIER:g} "
            f"(1.5 is time and a half), not {multiplier:g}"
        )
    return float(multiplier)


def accommodation_document(row: Accommodation) -> dict[str, Any]:
    set_at = as_utc(row.set_at)
    return {
        "learner_id": row.learner_id,
        "time_multiplier": row.time_multiplier,
        "set_by": row.set_by,
        "set_at": None if set_at is None else set_at.astimezone(UTC).isoformat(),
    }


def _school_of(session: Session, learner_id: str) -> str:
    """The learner's school, with the learner's row locked until the commit (PostgreSQL):
    two changes to one learner's accommodation at once take turns, so the second sees the
    first's row instead of inserting a second one (which failed on the key, as a 500)."""
    learner = session.get(Learner, learner_id, with_for_update=True)
    school_class = None if learner is None else session.get(SchoolClass, learner.class_id)
    if school_class is None:
        raise AdminError(f"no learner {learner_id!r}")
    return school_class.school_id


def set_accommodation(
    session: Session, *, learner_id: str, multiplier: float, now: datetime
) -> Accommodation:
    multiplier = check_multiplier(multiplier)
    school_id = _school_of(session, learner_id)
    row = session.get(Accommodation, learner_id) or Accommodation(
        learner_id=learner_id, time_multiplier=multiplier, set_by=SET_BY_SERVER, set_at=now
    )
    row.time_multiplier, row.set_by, row.set_at = multiplier, SET_BY_SERVER, now
    session.add(row)
    session.flush()
    changes.record(
        session,
        stream=Stream.ACCOMMODATIONS,
        key=f"learner:{learner_id}",
        document=accommodation_document(row),
        now=now,
        school_id=school_id,
    )
    session.commit()
    return row


def clear_accommodation(session: Session, *, learner_id: str, now: datetime) -> bool:
    """Remove the learner's accommodation; False if there was none."""
    if session.get(Learner, learner_id, with_for_update=True) is None:
        return False  # no learner, so no accommodation either
    row = session.get(Accommodation, learner_id)
    if row is None:
        return False
    school_id = _school_of(session, learner_id)
    session.delete(row)
    changes.record(
        session,
        stream=Stream.ACCOMMODATIONS,
        key=f"learner:{learner_id}",
        document=None,
        now=now,
        school_id=school_id,
    )
    session.commit()
    return True
