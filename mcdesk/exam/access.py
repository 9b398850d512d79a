"""An assessment starts only on a micro-credential granted to the learner, checked here."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from mcdesk.content.access import granted_pack_ids, is_granted
from mcdesk.exam.states import NotGrantedError

NOT_GRANTED = (
    "{title} is not open to this learner, so its assessment cannot start. "
    "A teacher can grant it (Teacher Resource Center, or mcdesk admin grant)."
)


def require_grant(
    connection: sqlite3.Connection, *, learner_id: str, pack_id: str, title: str, now: datetime
) -> None:
    """Raise NotGrantedError unless ``pack_id`` is granted to the learner and open at ``now``."""
    # The screens hide the button too, but the rule lives here so that no caller skips it.
    if not is_granted(granted_pack_ids(connection, learner_id=learner_id, now=now), pack_id):
        raise NotGrantedError(NOT_GRANTED.format(title=title))
