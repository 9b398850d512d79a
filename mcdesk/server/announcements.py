"""Announcements and due dates per class, recorded in the ``announcements`` pull stream.

The change log is their one record: posting records the whole document under
``announcement:<id>`` (mcdesk.server.changes.record, the one way a change is written), and
taking one down records the same key with no document. Stations of the school pull the
stream and show a class's announcements on its learners' home screen.
Documents: ``{id, class_id, text, due_on (YYYY-MM-DD or null), posted_at, posted_by}``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from mcdesk.server.changes import record
from mcdesk.server.models import Change, SchoolClass

STREAM = "announcements"
KEY_PREFIX = "announcement:"
MAX_TEXT = 500  # characters: a notice, not a letter
MAX_SHOWN = 200  # the newest a class page lists


class AnnouncementRefused(Exception):
    """Bad input, in words the teacher can act on; nothing was recorded."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Announcement:
    id: str
    class_id: str
    text: str
    due_on: date | None
    posted_at: str
    posted_by: str


def parse_due(text: str) -> date | None:
    """An optional due date typed as YYYY-MM-DD (what a date field sends)."""
    text = text.strip()
    if not text:
        return None
    refused = AnnouncementRefused("Type the due date as year-month-day, like 2026-12-18.")
    if len(text) != len("2026-12-18"):
        raise refused
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise refused from None


def post_announcement(
    session: Session,
    *,
    school_class: SchoolClass,
    text: str,
    due_on: date | None,
    posted_by: str,
    now: datetime,
) -> str:
    """Record a new announcement for the class (the caller commits); its id."""
    words = " ".join(text.split())
    if not words:
        raise AnnouncementRefused("Write the announcement first.")
    if len(words) > MAX_TEXT:
        raise AnnouncementRefused(f"Keep an announcement to {MAX_TEXT} characters.")
    announcement_id = str(uuid.uuid4())
    document = {
        "id": announcement_id,
        "class_id": school_class.id,
        "text": words,
        "due_on": None if due_on is None else due_on.isoformat(),
        "posted_at": now.isoformat(timespec="seconds"),
        "posted_by": posted_by,
    }
    record(
        session, stream=STREAM, key=KEY_PREFIX + announcement_id, document=document,
        now=now, school_id=school_class.school_id,
    )  # fmt: skip
    return announcement_id


def announcements_of(session: Session, *, school_class: SchoolClass) -> list[Announcement]:
    """The class's announcements still up, newest first (the change log's newest per key)."""
    rows = session.exec(
        select(Change.key, Change.document)
        .where(col(Change.stream) == STREAM, col(Change.school_id) == school_class.school_id)
        .order_by(col(Change.id))
    ).all()
    newest: dict[str, bytes | None] = {}
    for key, document in rows:
        newest[key] = document
    found = []
    for document in newest.values():
        if document is None:
            continue
        body = json.loads(document)
        if body.get("class_id") != school_class.id:
            continue
        due = body.get("due_on")
        found.append(
            Announcement(
                id=str(body["id"]),
                class_id=school_class.id,
                text=str(body["text"]),
                due_on=None if due is None else date.fromisoformat(due),
                posted_at=str(body["posted_at"]),
                posted_by=str(body.get("posted_by", "")),
            )
        )
    return sorted(found, key=lambda a: a.posted_at, reverse=True)[:MAX_SHOWN]


def take_down(
    session: Session, *, school_class: SchoolClass, announcement_id: str, now: datetime
) -> bool:
    """Record the announcement's removal, if it is one of this class's and still up."""
    if not any(
        a.id == announcement_id for a in announcements_of(session, school_class=school_class)
    ):
        return False
    record(
        session, stream=STREAM, key=KEY_PREFIX + announcement_id, document=None, now=now,
        school_id=school_class.school_id,
    )  # fmt: skip
    return True
