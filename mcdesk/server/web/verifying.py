"""Checking a badge for the public verify page: the one verifier, pinned to this server.

The school's own issuer key is the only one trusted, and revocation is read from the
status and revocation lists as this server publishes them, straight from the database:
the page never calls itself over HTTP.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from mcdesk.badges.images import BadgeArt, badge_png
from mcdesk.badges.issuer_key import issuer_key_from_private
from mcdesk.badges.status_list import StatusUnavailable
from mcdesk.badges.summary import BadgeSummary, summarize
from mcdesk.badges.verdict import Check, CheckState, Outcome, Verdict
from mcdesk.badges.verify import StatusFetcher, verify_badge
from mcdesk.server.issuing import public_url, status_list_url
from mcdesk.server.revoking import BadgeError, find_badge, ob2_revocations, status_list_jwt
from mcdesk.server.signer import load_signer

HEADLINES = {
    Outcome.VERIFIED: "Verified",
    Outcome.REVOKED: "Revoked",
    Outcome.EXPIRED: "Expired",
    Outcome.INVALID: "Not valid",
    Outcome.UNCONFIRMED: "Not confirmed",
}


@dataclass(frozen=True, slots=True)
class CheckedBadge:
    """What the verify page shows: the verdict in words and the badge's facts."""

    outcome: str
    headline: str
    reason: str
    checks: tuple[Check, ...]
    summary: BadgeSummary | None
    image: str | None


def school_did(session: Session) -> str | None:
    """The did:key this server issues badges with (as issuing.py derives it), if it has one."""
    signer = load_signer(session)
    return None if signer is None else issuer_key_from_private(signer.private_key).did


def local_lists(session: Session, *, now: datetime) -> StatusFetcher:
    """A fetcher that answers this server's own published lists from the database."""
    base = public_url(session)

    def fetch(url: str) -> bytes:
        try:
            if base is not None and url == status_list_url(base):
                return status_list_jwt(session, name="1", now=now).encode()
            if base is not None and url == f"{base}/ob2/revocations":
                return json.dumps(ob2_revocations(session)).encode()
        except BadgeError as exc:
            raise StatusUnavailable(str(exc)) from None
        raise StatusUnavailable("it is not a list this server publishes")

    return fetch


def _image(summary: BadgeSummary) -> str:
    art = BadgeArt(title=summary.achievement, cluster=summary.career_cluster or "")
    return "data:image/png;base64," + base64.b64encode(badge_png(art)).decode("ascii")


def _revoked_reason(session: Session, verdict: Verdict) -> str:
    credential_id = verdict.credential.get("id") if verdict.credential is not None else None
    badge = find_badge(session, credential_id=credential_id) if credential_id else None
    if badge is not None and badge.revoked_reason:
        return f"revoked by the school: {badge.revoked_reason}"
    return verdict.reason


def check_badge(session: Session, *, data: bytes, now: datetime) -> CheckedBadge:
    """Run the one verifier on a badge, trusting only this school's issuer."""
    did = school_did(session)
    verdict = verify_badge(
        data,
        now=now,
        fetch_status=local_lists(session, now=now),
        trusted_issuers=[] if did is None else [did],
    )
    summary = None
    if verdict.credential is not None and verdict.version is not None:
        summary = summarize(verdict.credential, version=verdict.version)
    reason = verdict.reason
    if verdict.outcome is Outcome.REVOKED:
        reason = _revoked_reason(session, verdict)
    return CheckedBadge(
        outcome=verdict.outcome.name.lower(),
        headline=HEADLINES[verdict.outcome],
        reason=reason,
        checks=tuple(c for c in verdict.checks if c.state is not CheckState.NOT_CHECKED),
        summary=summary,
        image=None if summary is None else _image(summary),
    )
