"""The ``allowances`` stream on a station: a teacher's exception for one learner.

Documents ``{id, learner_id, pack_id, kind, reason, granted_by, granted_at}`` under
``allowance:<id>`` (mcdesk.protocol.allowances). An extra attempt or a waived review
becomes an ``allowance`` row that the retake rule reads and the next attempt that needs
it uses up (mcdesk.exam.retake); pulled again, a row keeps its use. Once a station's use
reached the server, the document carries ``used_by_attempt`` (with ``used_at`` and
``used_station_id``) and every other station marks its row used too. A cleared lockout
forgets the learner's wrong PIN tries at once and keeps no row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from mcdesk.protocol.allowances import MAX_REASON, RETAKE_KINDS, AllowanceKind
from mcdesk.store.tables import Learner
from mcdesk.study.signin import forget_learner_tries
from mcdesk.sync.documents import optional_text, raw_connection, split_key, text
from mcdesk.sync.pull import Item, PullRefused

# A row's own use is kept; a use the server reports (another station's, or this one's
# from before a restore) marks an unused row used, so it is offered no more.
_UPSERT = (
    "INSERT INTO allowance (id, learner_id, pack_id, kind, reason, granted_by, granted_at,"
    " used_by_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
    " learner_id = excluded.learner_id, pack_id = excluded.pack_id, kind = excluded.kind,"
    " reason = excluded.reason, granted_by = excluded.granted_by,"
    " granted_at = excluded.granted_at,"
    " used_by_attempt = COALESCE(allowance.used_by_attempt, excluded.used_by_attempt)"
)
MAX_ID = 64  # an attempt id is a UUID (36)


def apply_allowances(session: Session, items: list[Item], now: datetime) -> None:
    """Store each retake allowance, and clear each lockout, of the page."""
    del now
    for key, document in items:
        _, allowance_id = split_key(key, ("allowance",))
        if document is None:
            raw_connection(session).execute("DELETE FROM allowance WHERE id = ?", (allowance_id,))
            continue
        learner_id = text(document, "learner_id", key=key)
        if session.get(Learner, learner_id) is None:
            raise PullRefused(f"{key}: this learner is not on this station; sync again")
        try:
            kind = AllowanceKind(text(document, "kind", key=key))
        except ValueError:
            raise PullRefused(f"{key}: kind is not one this station knows") from None
        if kind not in RETAKE_KINDS:
            forget_learner_tries(session.connection(), learner_id=learner_id)
            continue
        raw_connection(session).execute(
            _UPSERT,
            (
                allowance_id,
                learner_id,
                text(document, "pack_id", key=key),
                kind.value,
                (optional_text(document, "reason", key=key) or "")[: 2 * MAX_REASON],
                optional_text(document, "granted_by", key=key) or "",
                text(document, "granted_at", key=key),
                _used_by(document, key=key),
            ),
        )


def _used_by(document: dict[str, Any], *, key: str) -> str | None:
    """The attempt that used the allowance, as the server heard of it; None while unused."""
    attempt = optional_text(document, "used_by_attempt", key=key)
    if attempt is not None and (len(attempt) > MAX_ID or not attempt.isprintable()):
        raise PullRefused(f"{key}: used_by_attempt is not an attempt id")
    return attempt
