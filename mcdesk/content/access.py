"""Which micro-credentials a learner may open: grants to their class or to them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

ALL_PACKS = "*"


def granted_pack_ids(connection: sqlite3.Connection, *, learner_id: str, now: datetime) -> set[str]:
    """Pack ids open to this learner now (``{'*'}`` stands for the whole catalog)."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")  # stored as UTC text
    rows = connection.execute(
        """
        SELECT g.pack_id FROM access_grant AS g
        JOIN learner AS l ON l.id = ?
        WHERE (g.learner_id = l.id OR g.class_id = l.class_id)
          AND (g.opens_at IS NULL OR g.opens_at <= ?)
          AND (g.closes_at IS NULL OR g.closes_at > ?)
        """,
        (learner_id, stamp, stamp),
    )
    return {row[0] for row in rows}


def is_granted(granted: set[str], pack_id: str) -> bool:
    return ALL_PACKS in granted or pack_id in granted
