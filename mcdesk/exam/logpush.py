"""Queue the exam event log for the server, so it can re-check the chain station by station.

Entries travel in ``exam_log`` outbox events, each carrying the exact signed bodies with
their hashes and signatures. A marker in ``sync_state`` says how far the log has been
queued; each call queues what came after it, in the caller's write transaction, so the
log chunk and the result that follows it reach the outbox together or not at all.
"""

from __future__ import annotations

import base64
import sqlite3
from datetime import datetime

from mcdesk.protocol.streams import EventKind
from mcdesk.store.outbox import queue_event

QUEUED_THROUGH_KEY = "exam_log_queued_through"
ENTRIES_PER_EVENT = 200


def queued_through(connection: sqlite3.Connection) -> int:
    row = connection.execute(
        "SELECT value FROM sync_state WHERE key = ?", (QUEUED_THROUGH_KEY,)
    ).fetchone()
    return 0 if row is None else int(row[0])


def queue_log(connection: sqlite3.Connection, *, now: datetime) -> int:
    """Queue every log entry not queued yet (call inside a write transaction); how many."""
    after = queued_through(connection)
    rows = connection.execute(
        "SELECT seq, body, prev_hash, hash, signature FROM exam_event WHERE seq > ? ORDER BY seq",
        (after,),
    ).fetchall()
    for start in range(0, len(rows), ENTRIES_PER_EVENT):
        chunk = rows[start : start + ENTRIES_PER_EVENT]
        entries = [
            {
                "body": base64.b64encode(bytes(body)).decode("ascii"),
                "prev_hash": str(prev_hash),
                "hash": str(digest),
                "signature": base64.b64encode(bytes(signature)).decode("ascii"),
            }
            for _seq, body, prev_hash, digest, signature in chunk
        ]
        queue_event(
            connection,
            kind=EventKind.EXAM_LOG,
            body={"first_seq": int(chunk[0][0]), "entries": entries},
            now=now,
        )
    if rows:
        connection.execute(
            "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
            (QUEUED_THROUGH_KEY, str(int(rows[-1][0]))),
        )
    return len(rows)
