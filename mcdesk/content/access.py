"""Which micro-credentials a learner may open: grants to their class or to them, with dates."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

ALL_PACKS = "*"


@dataclass(frozen=True, slots=True)
class Grant:
    """One grant that reaches a learner; times are aware UTC (stored as naive UTC text)."""

    pack_id: str
    opens_at: datetime | None
    closes_at: datetime | None
    teacher: str  # the learner's class teacher: whom to ask about it

    def covers(self, pack_id: str) -> bool:
        return self.pack_id in (ALL_PACKS, pack_id)

    def open_at(self, now: datetime) -> bool:
        """The one rule: open from ``opens_at`` (inclusive) until ``closes_at`` (exclusive)."""
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )


def _utc(stored: str | None) -> datetime | None:
    if stored is None:
        return None
    return datetime.fromisoformat(str(stored)).replace(tzinfo=UTC)


def learner_grants(connection: sqlite3.Connection, *, learner_id: str) -> list[Grant]:
    """Every grant to the learner or their class, open or not, with the class teacher's name."""
    rows = connection.execute(
        """
        SELECT g.pack_id, g.opens_at, g.closes_at, coalesce(t.display_name, '')
        FROM access_grant AS g
        JOIN learner AS l ON l.id = ?
        LEFT JOIN school_class AS c ON c.id = l.class_id
        LEFT JOIN teacher AS t ON t.id = c.teacher_id
        WHERE g.learner_id = l.id OR g.class_id = l.class_id
        """,
        (learner_id,),
    )
    return [Grant(str(p), _utc(o), _utc(c), str(t)) for p, o, c, t in rows]


def granted_pack_ids(connection: sqlite3.Connection, *, learner_id: str, now: datetime) -> set[str]:
    """Pack ids open to this learner now (``{'*'}`` stands for the whole catalog)."""
    moment = now.astimezone(UTC)
    return {
        g.pack_id for g in learner_grants(connection, learner_id=learner_id) if g.open_at(moment)
    }


def is_granted(granted: set[str], pack_id: str) -> bool:
    return ALL_PACKS in granted or pack_id in granted


def open_until(grants: Iterable[Grant], pack_id: str, *, now: datetime) -> datetime | None:
    """When the learner's access to an open pack ends: None when a grant never closes."""
    ends = [g.closes_at for g in grants if g.covers(pack_id) and g.open_at(now)]
    if not ends or None in ends:
        return None
    return max(end for end in ends if end is not None)


def closed_since(grants: Iterable[Grant], pack_id: str, *, now: datetime) -> Grant | None:
    """The grant whose close ended the learner's access to ``pack_id`` (the latest), if it
    is closed now and no other grant opens it."""
    covering = [g for g in grants if g.covers(pack_id)]
    if any(g.open_at(now) for g in covering):
        return None
    closed = [g for g in covering if g.closes_at is not None and g.closes_at <= now]
    return max(closed, key=lambda g: g.closes_at or now, default=None)
