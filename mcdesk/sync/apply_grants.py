"""The ``grants`` stream on a station: which micro-credentials a class or learner may open.

Documents ``{id, pack_id, class_id, learner_id, opens_at, closes_at}`` under
``grant:<id>`` become ``access_grant`` rows (read by mcdesk.content.access); a deleted
grant (revoked on the server) removes its row. A grant names a class or a learner, never
both: the station opens a grant to whoever matches either.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from mcdesk.store.tables import AccessGrant, Learner, SchoolClass
from mcdesk.sync.documents import moment, optional_text, split_key, text
from mcdesk.sync.pull import Item, PullRefused


def apply_grants(session: Session, items: list[Item], now: datetime) -> None:
    """Upsert or remove each grant of the page."""
    del now
    for key, document in items:
        _, grant_id = split_key(key, ("grant",))
        existing = session.get(AccessGrant, grant_id)
        if document is None:
            if existing is not None:
                session.delete(existing)
            continue
        class_id = optional_text(document, "class_id", key=key)
        learner_id = optional_text(document, "learner_id", key=key)
        if (class_id is None) == (learner_id is None):
            raise PullRefused(f"{key}: a grant is for a class or for one learner")
        if class_id is not None and session.get(SchoolClass, class_id) is None:
            raise PullRefused(f"{key}: its class {class_id} is not on this station; sync again")
        if learner_id is not None and session.get(Learner, learner_id) is None:
            raise PullRefused(f"{key}: its learner {learner_id} is not on this station; sync again")
        grant = existing or AccessGrant(id=grant_id, pack_id="")
        grant.pack_id = text(document, "pack_id", key=key)
        grant.class_id, grant.learner_id = class_id, learner_id
        grant.opens_at = moment(document, "opens_at", key=key)
        grant.closes_at = moment(document, "closes_at", key=key)
        session.add(grant)
    session.flush()
