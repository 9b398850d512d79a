"""Revoking a badge with a reason, and the lists that publish revocations.

A revocation is a new change for the badge in its school's ``badges`` stream (status
"revoked", the same jwt). The OB 3.0 status list sets the badge's bit; a bit cannot carry
a reason, so the reason is kept here, in the stream and in the 2.0 revocation list.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from mcdesk.badges.issuer_key import issuer_key_from_private
from mcdesk.badges.ob2 import revocation_list
from mcdesk.badges.status_list import build_status_list
from mcdesk.errors import McdeskError
from mcdesk.server.badge_models import Badge
from mcdesk.server.issuing import STATUS_LIST, public_url, record_badge, status_list_url
from mcdesk.server.signer import load_signer

MAX_REASON = 500


class BadgeError(McdeskError):
    """A badge cannot be revoked or published as asked; the message says why."""


def find_badge(session: Session, *, credential_id: str) -> Badge | None:
    """The badge by its credential id, with or without the ``urn:uuid:`` prefix."""
    wanted = credential_id.strip()
    if not wanted.startswith("urn:uuid:"):
        wanted = f"urn:uuid:{wanted}"
    return session.get(Badge, wanted)


def revoke_badge(session: Session, *, credential_id: str, reason: str, now: datetime) -> Badge:
    """Revoke a badge and record it in its school's stream; the caller commits."""
    why = " ".join(reason.split())
    if not why:
        raise BadgeError("give the reason for revoking, in words (--reason)")
    if len(why) > MAX_REASON:
        raise BadgeError(f"the reason is {len(why)} characters; keep it under {MAX_REASON}")
    badge = find_badge(session, credential_id=credential_id)
    if badge is None:
        raise BadgeError(f"no badge {credential_id!r} on this server")
    if badge.revoked_at is not None:
        raise BadgeError(
            f"badge {badge.credential_id} was already revoked ({badge.revoked_reason})"
        )
    badge.revoked_at, badge.revoked_reason = now, why
    session.add(badge)
    record_badge(session, badge=badge, now=now)
    return badge


def status_list_jwt(session: Session, *, name: str, now: datetime) -> str:
    """The signed OB 3.0 status list ``name`` as published now; BadgeError if there is none."""
    base = public_url(session)
    if base is None:
        raise BadgeError("this server has no public URL (mcdesk server --public-url)")
    signer = load_signer(session)
    if name != STATUS_LIST or signer is None:
        raise BadgeError(f"no status list {name!r} on this server")
    revoked = session.exec(
        select(Badge.status_index).where(col(Badge.revoked_at).is_not(None))
    ).all()
    return build_status_list(
        key=issuer_key_from_private(signer.private_key),
        list_url=status_list_url(base, name),
        revoked=revoked,
        issued_at=now,
    )


def ob2_revocations(session: Session) -> dict[str, Any]:
    """The OB 2.0 RevocationList: every revoked hosted assertion id with its reason."""
    base = public_url(session)
    if base is None:
        raise BadgeError("this server has no public URL (mcdesk server --public-url)")
    revoked: dict[str, str] = {}
    for badge in session.exec(select(Badge).where(col(Badge.revoked_at).is_not(None))):
        assertion = json.loads(badge.assertion)  # written by mcdesk.server.issuing only
        revoked[str(assertion["id"])] = badge.revoked_reason or "revoked"
    return revocation_list(
        list_url=f"{base}/ob2/revocations", issuer_id=f"{base}/ob2/issuer", revoked=revoked
    )
