"""The ``announcements`` stream on a station: a class's notices and due dates.

Documents ``{id, class_id, text, due_on, posted_at, posted_by}`` under
``announcement:<id>`` become ``announcement`` rows (read by mcdesk.study.announcements);
a deleted one (taken down on the server) removes its row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from mcdesk.store.tables import SchoolClass
from mcdesk.sync.documents import optional_text, raw_connection, split_key, text
from mcdesk.sync.pull import Item, PullRefused

MAX_TEXT = 2000  # characters kept; the server allows 500


def apply_announcements(session: Session, items: list[Item], now: datetime) -> None:
    """Upsert or remove each announcement of the page."""
    del now
    connection = raw_connection(session)
    for key, document in items:
        _, announcement_id = split_key(key, ("announcement",))
        if document is None:
            connection.execute("DELETE FROM announcement WHERE id = ?", (announcement_id,))
            continue
        class_id = text(document, "class_id", key=key)
        if session.get(SchoolClass, class_id) is None:
            raise PullRefused(f"{key}: its class {class_id} is not on this station; sync again")
        due_on = optional_text(document, "due_on", key=key)
        if due_on is not None:
            try:
                date.fromisoformat(due_on)
            except ValueError:
                raise PullRefused(f"{key}: due_on is not a date") from None
        connection.execute(
            "INSERT OR REPLACE INTO announcement (id, class_id, text, due_on, posted_at, posted_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                announcement_id,
                class_id,
                text(document, "text", key=key)[:MAX_TEXT],
                due_on,
                text(document, "posted_at", key=key),
                optional_text(document, "posted_by", key=key) or "",
            ),
        )
