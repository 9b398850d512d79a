"""The ``accommodations`` stream on a station: a learner's extra time set on the server.

Documents ``{learner_id, time_multiplier, set_by, set_at}`` under ``learner:<id>`` go
through the station's own rule (mcdesk.exam.accommodations: 1 to 4 times the limit).
A cleared accommodation removes the row, even one a teacher set here later: the server
is where the school keeps them.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mcdesk.exam.accommodations import set_time_multiplier
from mcdesk.exam.states import ExamError
from mcdesk.store.tables import Learner
from mcdesk.sync.documents import number, raw_connection, split_key, text
from mcdesk.sync.pull import Item, PullRefused

SET_BY_SERVER = "server"


def apply_accommodations(session: Session, items: list[Item], now: datetime) -> None:
    """Set or clear each learner's time multiplier."""
    for key, document in items:
        _, learner_id = split_key(key, ("learner",))
        connection = raw_connection(session)
        if document is None:
            connection.execute("DELETE FROM accommodation WHERE learner_id = ?", (learner_id,))
            continue
        if text(document, "learner_id", key=key) != learner_id:
            raise PullRefused(f"{key}: the document is for another learner")
        if session.get(Learner, learner_id) is None:
            raise PullRefused(f"{key}: this learner is not on this station; sync again")
        try:
            set_time_multiplier(
                connection,
                learner_id=learner_id,
                multiplier=number(document, "time_multiplier", key=key),
                set_by=SET_BY_SERVER,
                now=now,
            )
        except ExamError as exc:
            raise PullRefused(f"{key}: {exc}") from None
