"""Recording that a learner has read a class announcement, once per learner and notice.

What "read" means here (the station cannot know a learner took the words in): the
notice's card was on screen, whole or filling the view, on the home page of the learner
signed in, for ``DWELL_SECONDS`` while the page held still (mcdesk.ui.home_view). The
first such time is recorded with an ``announcement_read`` outbox event in the same
transaction; later showings change nothing, so the teacher's "read by" counts people.
Raw sqlite3 and no SQLAlchemy: the home page imports this module before sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from mcdesk.protocol.streams import EventKind
from mcdesk.store.connection import connect
from mcdesk.store.outbox import queue_event

DWELL_SECONDS = 2  # on screen this long counts as read; a glance while clicking past does not
MAX_IDS = 20  # a home shows 5 notices; more ids in one call are not from a screen


def record_reads(
    database: Path, *, learner_id: str, announcement_ids: Iterable[str], now: datetime
) -> list[str]:
    """Record each announcement of the learner's class not yet read; the ids newly recorded.

    An id that is not an announcement of the learner's class on this station (taken down
    meanwhile, or never shown to them) is ignored: only what home could show counts.
    """
    wanted = list(dict.fromkeys(announcement_ids))[:MAX_IDS]
    recorded: list[str] = []
    connection = connect(database)
    try:
        connection.isolation_level = None  # the transaction is spelled out below
        connection.execute("BEGIN IMMEDIATE")  # outbox seq is max + 1: writers take turns
        try:
            for announcement_id in wanted:
                inserted = connection.execute(
                    "INSERT OR IGNORE INTO announcement_read "
                    "(learner_id, announcement_id, read_at) "
                    "SELECT l.id, a.id, ? FROM announcement AS a "
                    "JOIN learner AS l ON l.class_id = a.class_id WHERE a.id = ? AND l.id = ?",
                    (now.isoformat(), announcement_id, learner_id),
                )
                if inserted.rowcount != 1:  # read before, or not this learner's notice
                    continue
                body = {"learner_id": learner_id, "announcement_id": announcement_id}
                queue_event(
                    connection,
                    kind=EventKind.ANNOUNCEMENT_READ,
                    body=body | {"at": now.isoformat()},
                    now=now,
                )
                recorded.append(announcement_id)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    return recorded
