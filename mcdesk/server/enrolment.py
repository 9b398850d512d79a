"""One-time enrolment tokens: an operator makes one, a station redeems it once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from mcdesk.server.admin import StationError, register_station
from mcdesk.server.models import EnrolToken, Station

TOKEN_BYTES = 24


class EnrolError(Exception):
    """A token refused; ``gone`` when it existed but is used or expired (HTTP 410)."""

    def __init__(self, reason: str, *, gone: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.gone = gone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def new_enrol_token(
    session: Session, *, school_id: str, station_name: str, ttl: timedelta, now: datetime
) -> str:
    """A fresh token to show the operator once; only its hash is stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        EnrolToken(
            token_hash=token_hash(token),
            school_id=school_id,
            station_name=station_name,
            expires_at=now + ttl,
        )
    )
    session.commit()
    return token


def redeem(
    session: Session, *, token: str, station_id: str, public_key_b64: str, now: datetime
) -> Station:
    """Register the station with the token's school and name; the token works once."""
    digest = token_hash(token)
    row = session.get(EnrolToken, digest)
    if row is None:
        raise EnrolError("unknown enrolment token")
    if row.used_at is not None:
        raise EnrolError("this enrolment token was used already", gone=True)
    if _aware(row.expires_at) <= now:
        raise EnrolError("this enrolment token has expired", gone=True)
    school_id, station_name = row.school_id, row.station_name
    # Conditional on still being unused: of two redeemers at once, only one updates the row.
    claimed = session.execute(
        update(EnrolToken)
        .where(col(EnrolToken.token_hash) == digest, col(EnrolToken.used_at).is_(None))
        .values(used_at=now, station_id=station_id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise EnrolError("this enrolment token was used already", gone=True)
    try:
        # Commits the claim and the station together.
        return register_station(
            session,
            station_id=station_id,
            name=station_name,
            public_key_b64=public_key_b64,
            now=now,
            school_id=school_id,
        )
    except StationError as exc:
        session.rollback()
        raise EnrolError(str(exc)) from exc
