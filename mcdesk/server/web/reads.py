"""Reads for the pages: who has read each announcement of a class, and a learner's reads.

Counts come from ``announcement_read`` (mcdesk.server.announcement_reads): one row per
learner and announcement, so "read by 12 of 25" counts people, not showings. The class's
learners are today's roster: a learner who joined after a post counts as not yet read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from mcdesk.server.announcement_reads import AnnouncementRead
from mcdesk.server.announcements import KEY_PREFIX, STREAM
from mcdesk.server.models import Change, Learner, SchoolClass
from mcdesk.server.web.progress import from_ms


@dataclass(frozen=True, slots=True)
class ReadBy:
    read: int
    learners: int
    not_read: tuple[str, ...]  # display names, sorted


def read_by(
    session: Session, *, school_class: SchoolClass, announcement_ids: Iterable[str]
) -> dict[str, ReadBy]:
    """For each announcement of the class: how many of its learners read it, who has not."""
    ids = sorted(set(announcement_ids))
    roster = dict(
        session.exec(
            select(Learner.id, Learner.display_name).where(col(Learner.class_id) == school_class.id)
        ).all()
    )
    read: dict[str, set[str]] = {i: set() for i in ids}
    if ids:
        for announcement_id, learner_id in session.exec(
            select(AnnouncementRead.announcement_id, AnnouncementRead.learner_id).where(
                col(AnnouncementRead.announcement_id).in_(ids)
            )
        ):
            if learner_id in roster:  # a learner moved to another class since is not counted
                read[announcement_id].add(learner_id)
    return {
        i: ReadBy(
            read=len(read[i]),
            learners=len(roster),
            not_read=tuple(sorted(name for lid, name in roster.items() if lid not in read[i])),
        )
        for i in ids
    }


@dataclass(frozen=True, slots=True)
class Read:
    at: datetime
    text: str  # the announcement's words as posted


def reads_of(session: Session, *, learner: Learner) -> list[Read]:
    """The announcements the learner has read, with when (the station's clock)."""
    rows = session.exec(
        select(AnnouncementRead.announcement_id, AnnouncementRead.read_ms).where(
            col(AnnouncementRead.learner_id) == learner.id
        )
    ).all()
    if not rows:
        return []
    texts: dict[str, str] = {}
    for key, document in session.exec(
        select(Change.key, Change.document)
        .where(
            col(Change.stream) == STREAM,
            col(Change.key).in_([KEY_PREFIX + a for a, _ in rows]),
            col(Change.document).is_not(None),
        )
        .order_by(col(Change.id))
    ):
        body = json.loads(document) if document is not None else {}
        if isinstance(body, dict):
            texts[key.removeprefix(KEY_PREFIX)] = str(body.get("text", ""))
    return [Read(from_ms(ms), texts.get(a, "")) for a, ms in rows]
