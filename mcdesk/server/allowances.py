"""Allowances: a teacher's extra attempt, waived review or cleared lockout for one learner.

Each is a row of ``allowance`` (the learner's record, with the reason) and a change in the
``allowances`` stream (mcdesk.server.changes.record, in the same transaction), so
stations get it at their next pull and apply it (mcdesk.sync.apply_allowances).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from mcdesk.protocol.allowances import KEY_PREFIX, MAX_REASON, RETAKE_KINDS, AllowanceKind
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.allowance_table import Allowance
from mcdesk.server.grants import check_pack_id, is_published
from mcdesk.server.models import Learner, Station, Teacher
from mcdesk.server.schools import AdminError
from mcdesk.server.times import as_utc

MAX_FORM_ID = 64
KIND_WORDS = {
    AllowanceKind.EXTRA_ATTEMPT: "Extra attempt",
    AllowanceKind.WAIVE_REVIEW: "Review before retake waived",
    AllowanceKind.CLEAR_LOCKOUT: "Sign-in lockout cleared",
}


class PackNotPublished(AdminError):
    """An extra attempt or a waived review named a micro-credential this server lacks."""


@dataclass(frozen=True, slots=True)
class AllowanceListing:
    """One entry of a learner's record, as the learner's page shows it."""

    kind: str
    words: str
    pack_id: str | None
    reason: str
    granted_by: str
    granted_at: datetime
    used_at: datetime | None = None  # the station's time of the first use reported
    used_at_station: str | None = None  # that station's name


def new_form_id() -> str:
    """The id a page puts in an allowance form, so sending it twice records it once."""
    return uuid.uuid4().hex


def allowance_document(row: Allowance, *, granted_by: str) -> dict[str, Any]:
    granted_at = as_utc(row.granted_at)
    return {
        "id": row.id,
        "learner_id": row.learner_id,
        "pack_id": row.pack_id,
        "kind": row.kind,
        "reason": row.reason,
        "granted_by": granted_by,
        "granted_at": None if granted_at is None else granted_at.astimezone(UTC).isoformat(),
    } | _use_fields(row)


def _use_fields(row: Allowance) -> dict[str, Any]:
    """Once used: by which attempt, when and on which station (absent while unused)."""
    used_at = as_utc(row.used_at)
    if row.used_attempt_id is None or used_at is None:
        return {}
    return {
        "used_by_attempt": row.used_attempt_id,
        "used_at": used_at.astimezone(UTC).isoformat(),
        "used_station_id": row.used_station_id,
    }


def check_allowance(*, kind: str, pack_id: str, reason: str, form_id: str) -> AllowanceKind:
    """The kind, once the inputs make sense together; AdminError in words otherwise."""
    try:
        allowance = AllowanceKind(kind)
    except ValueError:
        raise AdminError("Choose what to allow: an extra attempt or waiving the review.") from None
    if allowance in RETAKE_KINDS:
        if not pack_id.strip() or check_pack_id(pack_id) == "*":
            raise AdminError("Choose a micro-credential: the allowance is for one.")
        if not reason.strip():
            raise AdminError("Give a reason: it is kept in the learner's record.")
    if len(reason.strip()) > MAX_REASON:
        raise AdminError(f"Keep the reason to {MAX_REASON} characters.")
    if not form_id or len(form_id) > MAX_FORM_ID:
        raise AdminError("This form is not one of ours: reload the page and try again.")
    return allowance


def allow(
    session: Session,
    *,
    learner: Learner,
    school_id: str,
    kind: str,
    pack_id: str,
    reason: str,
    teacher: Teacher,
    form_id: str,
    now: datetime,
) -> Allowance | None:
    """Record an allowance and its change, and commit; None if this form was recorded before.

    AdminError (nothing stored) for input that does not make sense, or a pack this server
    has not published: no station could use the allowance.
    """
    allowance = check_allowance(kind=kind, pack_id=pack_id, reason=reason, form_id=form_id)
    if allowance in RETAKE_KINDS and not is_published(session, pack_id.strip()):
        raise PackNotPublished(
            f"Choose a micro-credential published on this server: {pack_id.strip()!r} is not one."
        )
    row = Allowance(
        id=str(uuid.uuid4()),
        learner_id=learner.id,
        pack_id=pack_id.strip() if allowance in RETAKE_KINDS else None,
        kind=allowance.value,
        reason=" ".join(reason.split()),
        granted_by=teacher.id,
        granted_at=now,
        form_id=form_id,
    )
    try:
        with session.begin_nested():
            # On PostgreSQL a second worker's insert of the same form waits here for the
            # first to commit, then meets the unique form_id: one allowance, never two.
            session.add(row)
            session.flush()
    except IntegrityError:
        session.rollback()
        return None
    changes.record(
        session,
        stream=Stream.ALLOWANCES,
        key=KEY_PREFIX + row.id,
        document=allowance_document(row, granted_by=teacher.display_name),
        now=now,
        school_id=school_id,
    )
    session.commit()
    return row


def allowances_of(session: Session, *, learner_id: str) -> list[AllowanceListing]:
    """The learner's allowances, newest first, with who granted each."""
    rows = session.exec(
        select(Allowance, Teacher.display_name, Station.name)
        .join(Teacher, col(Teacher.id) == col(Allowance.granted_by))
        .outerjoin(Station, col(Station.id) == col(Allowance.used_station_id))
        .where(col(Allowance.learner_id) == learner_id)
        .order_by(col(Allowance.granted_at).desc(), col(Allowance.id))
    ).all()
    return [
        AllowanceListing(
            kind=row.kind,
            words=KIND_WORDS.get(AllowanceKind(row.kind), row.kind),
            pack_id=row.pack_id,
            reason=row.reason,
            granted_by=name,
            granted_at=as_utc(row.granted_at) or row.granted_at,
            used_at=as_utc(row.used_at),
            used_at_station=station or row.used_station_id,
        )
        for row, name, station in rows
    ]
