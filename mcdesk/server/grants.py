"""Grants: a micro-credential opened to a class or one learner, between optional dates.

Dates are what an administrator types: ``YYYY-MM-DD`` means midnight at the start of
that day in this machine's time zone for ``opens``, and midnight at the end of that day
for ``closes`` (a grant closing 2026-12-18 is open all of that day). A full ISO date and
time (``2026-09-01T08:00``, optionally with an offset) is taken as given. Everything is
stored in UTC; a station compares in UTC too (mcdesk.content.access).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.protocol.ids import uuid7
from mcdesk.protocol.streams import Stream
from mcdesk.server import changes
from mcdesk.server.models import Grant, Learner, PublishedPack, School, SchoolClass
from mcdesk.server.schools import AdminError
from mcdesk.server.times import as_utc

ALL_PACKS = "*"  # the station's mcdesk.content.access.ALL_PACKS
_PACK_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


@dataclass(frozen=True, slots=True)
class GrantListing:
    id: str
    school: str
    pack_id: str
    to: str  # "class Welding 1" or "Ana Ruiz (Welding 1)"
    opens_at: datetime | None
    closes_at: datetime | None


def _utc(when: datetime | None) -> datetime | None:
    # SQLite gives naive UTC back; PostgreSQL gives an aware time in its session's zone.
    aware = as_utc(when)
    return None if aware is None else aware.astimezone(UTC)


def grant_document(grant: Grant) -> dict[str, Any]:
    def stamp(when: datetime | None) -> str | None:
        aware = _utc(when)
        return None if aware is None else aware.isoformat()

    return {
        "id": grant.id,
        "pack_id": grant.pack_id,
        "class_id": grant.class_id,
        "learner_id": grant.learner_id,
        "opens_at": stamp(grant.opens_at),
        "closes_at": stamp(grant.closes_at),
    }


def parse_when(text: str, *, option: str, end_of_day: bool, zone: tzinfo | None = None) -> datetime:
    """A typed date (or date and time) as an aware UTC datetime; AdminError if it is not one."""
    value = text.strip()
    try:
        if len(value) == len("YYYY-MM-DD"):
            day = date.fromisoformat(value)
            if end_of_day:
                day += timedelta(days=1)
            local = datetime.combine(day, time())
        else:
            local = datetime.fromisoformat(value)
    except ValueError:
        raise AdminError(
            f"{option} {text!r} is not a date: use YYYY-MM-DD, for example 2026-09-01 "
            "(or a date and time, 2026-09-01T08:00)"
        ) from None
    if local.tzinfo is None:
        # astimezone() on a naive time reads it as this machine's local time, with the
        # offset that applies on that date (summer time included).
        local = local.replace(tzinfo=zone) if zone is not None else local.astimezone()
    return local.astimezone(UTC)


# What the dates are called where they were typed: the command's options, or a form's fields.
OPTION_NAMES = ("--opens", "--closes")
FIELD_NAMES = ("The open date", "The close date")


def check_window(
    opens_at: datetime | None,
    closes_at: datetime | None,
    *,
    now: datetime,
    names: tuple[str, str] = OPTION_NAMES,
) -> None:
    opens, closes = names
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        raise AdminError(
            f"{closes} ({closes_at:%Y-%m-%d %H:%M} UTC) must be after "
            f"{opens[0].lower() + opens[1:]} ({opens_at:%Y-%m-%d %H:%M} UTC)"
        )
    if closes_at is not None and closes_at <= now:
        raise AdminError(
            f"{closes} ({closes_at:%Y-%m-%d %H:%M} UTC) is in the past: the grant would "
            "never be open"
        )


def check_pack_id(pack_id: str) -> str:
    pack_id = pack_id.strip()
    if pack_id != ALL_PACKS and not _PACK_ID.fullmatch(pack_id):
        raise AdminError(
            f"{pack_id!r} is not a pack id (lower-case letters, digits and dashes, like "
            "carpentry-basics; or * for every pack)"
        )
    return pack_id


def is_published(session: Session, pack_id: str) -> bool:
    if pack_id == ALL_PACKS:
        return True
    return (
        session.exec(select(PublishedPack).where(PublishedPack.pack_id == pack_id)).first()
        is not None
    )


def add_grant(
    session: Session,
    *,
    school_id: str,
    pack_id: str,
    class_id: str | None,
    learner_id: str | None,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    names: tuple[str, str] = OPTION_NAMES,
) -> Grant:
    """Open a pack to a class (``class_id``) or to one learner (``learner_id`` only)."""
    if (class_id is None) == (learner_id is None):
        raise AdminError("a grant is for a class or for one learner")
    check_window(opens_at, closes_at, now=now, names=names)
    grant = Grant(
        id=uuid7(),
        school_id=school_id,
        pack_id=check_pack_id(pack_id),
        # A learner's grant carries no class: the station opens a grant to whoever
        # matches its class_id OR its learner_id, so a class here would open it to all.
        class_id=class_id,
        learner_id=learner_id,
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=now,
    )
    session.add(grant)
    session.flush()
    changes.record(
        session,
        stream=Stream.GRANTS,
        key=f"grant:{grant.id}",
        document=grant_document(grant),
        now=now,
        school_id=school_id,
    )
    session.commit()
    return grant


def revoke_grant(session: Session, *, grant_id: str, now: datetime) -> Grant:
    grant = session.get(Grant, grant_id.strip())
    if grant is None:
        raise AdminError(f"no grant {grant_id!r}; `mcdesk admin grant list` shows them")
    session.delete(grant)
    changes.record(
        session,
        stream=Stream.GRANTS,
        key=f"grant:{grant.id}",
        document=None,
        now=now,
        school_id=grant.school_id,
    )
    session.commit()
    return grant


def list_grants(session: Session, *, school_id: str | None = None) -> list[GrantListing]:
    query = select(Grant).order_by(col(Grant.created_at), col(Grant.id))
    if school_id is not None:
        query = query.where(Grant.school_id == school_id)
    listing = []
    for grant in session.exec(query):
        school = session.get(School, grant.school_id)
        if grant.learner_id is not None:
            learner = session.get(Learner, grant.learner_id)
            school_class = None if learner is None else session.get(SchoolClass, learner.class_id)
            to = f"{learner.display_name if learner else grant.learner_id}"
            if school_class is not None:
                to += f" ({school_class.name})"
        else:
            school_class = session.get(SchoolClass, grant.class_id)
            to = f"class {school_class.name if school_class else grant.class_id}"
        listing.append(
            GrantListing(
                id=grant.id,
                school="" if school is None else school.name,
                pack_id=grant.pack_id,
                to=to,
                opens_at=_utc(grant.opens_at),
                closes_at=_utc(grant.closes_at),
            )
        )
    return listing
