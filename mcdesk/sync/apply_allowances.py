"""The ``allowances`` stream on a station: a teacher's exception for one learner.

Documents ``{id, learner_id, pack_id, kind, reason, granted_by, granted_at}`` under
``allowance:<id>`` (mcdesk.protocol.allowances). An extra attempt or a waived review
becomes an ``allowance`` row that the retake rule reads and the next attempt that needs
it uses up (mcdesk.exam.retake); pulled again, a row keeps its use. A cleared lockout
forgets the learner's wrong PIN tries at once and keeps no row.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mcdesk.protocol.allowances import MAX_REASON, RETAKE_KINDS, AllowanceKind
from mcdesk.store.tables import Learner
from mcdesk.study.signin import forget_learner_tries
from mcdesk.sync.documents import optional_text, raw_connection, split_key, text
from mcdesk.sync.pull import Item, PullRefused

_UPSERT = (
    "INSERT INTO allowance (id, learner_id, pack_id, kind, reason, granted_by, granted_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET learner_id = excluded.learner_id,"
    " pack_id = excluded.pack_id, kind = excluded.kind, reason = excluded.reason,"
    " granted_by = excluded.granted_by, granted_at = excluded.granted_at"
)


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
            ),
        )
