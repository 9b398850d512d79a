"""Using a teacher's allowance: marked used by the attempt that needed it, and reported.

Called inside the transaction that stores the attempt (``ExamEngine.create_attempt``),
so the attempt, the allowance's use and the ``allowance_used`` event commit together or
not at all: a crash can neither leave a new attempt with its allowance still free nor
use an allowance up for an attempt that was never stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from mcdesk.exam.states import ExamError
from mcdesk.protocol.allowances import AllowanceUse, use_body
from mcdesk.protocol.streams import EventKind
from mcdesk.store.outbox import queue_event


class AllowanceGoneError(ExamError):
    """An allowance the retake rule counted on was used meanwhile (or withdrawn)."""


def use_allowances(
    connection: sqlite3.Connection,
    *,
    allowance_ids: Sequence[str],
    attempt_id: str,
    learner_id: str,
    pack_id: str,
    now: datetime,
) -> None:
    """Mark each allowance used by the attempt and queue its event, in the caller's transaction.

    Raises AllowanceGoneError (the caller rolls back) when one is no longer this learner's
    unused allowance for the pack: the attempt must not start on an allowance it lacks.
    """
    for allowance_id in allowance_ids:
        marked = connection.execute(
            "UPDATE allowance SET used_by_attempt = ? WHERE id = ? AND learner_id = ?"
            " AND pack_id = ? AND used_by_attempt IS NULL",
            (attempt_id, allowance_id, learner_id, pack_id),
        ).rowcount
        if marked != 1:
            raise AllowanceGoneError(
                "The teacher's allowance for this attempt has been used already "
                "(perhaps on another station): ask your teacher."
            )
        use = AllowanceUse(allowance_id, attempt_id, learner_id, pack_id, now)
        queue_event(connection, kind=EventKind.ALLOWANCE_USED, body=use_body(use), now=now)
