"""One-time enrolment tokens: an operator makes one, a station redeems it once.

Redeeming also makes the server the station's code issuer: a code secret and the
station's exam key, owing it its first ``SLOTS_AHEAD`` code slots (mcdesk.server.issuer).
The slots cost one scrypt run each, so the request seals none: the worker's sealer
threads do (mcdesk.server.sealer), and the station's first pull brings them.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from mcdesk.protocol.ids import BadStationId, check_station_id
from mcdesk.server.admin import StationError, register_station
from mcdesk.server.issuer import new_issuer_keys, save_issuer
from mcdesk.server.models import EnrolToken, Station
from mcdesk.server.signer import public_key_from_b64

TOKEN_BYTES = 20  # 160 bits, written as 32 base32 letters and digits in groups of four


class EnrolError(Exception):
    """A token refused; ``gone`` when it existed but is used or expired (HTTP 410)."""

    def __init__(self, reason: str, *, gone: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.gone = gone


def normalise_token(token: str) -> str:
    """The token as typed, minus spaces and dashes, in capitals (it is read aloud and typed)."""
    return "".join(token.split()).replace("-", "").upper()


def token_hash(token: str) -> str:
    return hashlib.sha256(normalise_token(token).encode("utf-8")).hexdigest()


def _new_token_text() -> str:
    # Base32 never starts with "-", so the token is safe after --token on a command line.
    text = base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _aware(when: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored here is UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def new_enrol_token(
    session: Session, *, school_id: str, station_name: str, ttl: timedelta, now: datetime
) -> str:
    """A fresh token to show the operator once; only its hash is stored."""
    token = _new_token_text()
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
    try:
        check_station_id(station_id)  # before the token is looked at: a refusal spends nothing
    except BadStationId as exc:
        raise EnrolError(str(exc)) from None
    digest = token_hash(token)
    row = session.get(EnrolToken, digest)
    if row is None:
        raise EnrolError("unknown enrolment token")
    if row.used_at is not None:
        again = None if row.station_id != station_id else session.get(Station, station_id)
        if again is not None and again.public_key == public_key_b64:
            # The same station asking again: its first answer was lost on the way back.
            return again
        raise EnrolError("this enrolment token was used already", gone=True)
    if _aware(row.expires_at) <= now:
        raise EnrolError("this enrolment token has expired", gone=True)
    school_id, station_name = row.school_id, row.station_name
    try:
        public_key_from_b64(public_key_b64)
    except ValueError as exc:
        raise EnrolError(f"not an Ed25519 public key: {exc}") from exc
    if session.get(Station, station_id) is not None:
        raise EnrolError(f"station {station_id!r} is registered already")
    session.rollback()  # end the read before the conditional claim below
    keys = new_issuer_keys()
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
        station = register_station(
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
    try:
        save_issuer(session, keys, station_id=station.id, slots=[], now=now)
        session.commit()
    except SQLAlchemyError:
        # The station is enrolled all the same: its first code_slots pull makes the
        # issuer and owes the slots then (mcdesk.server.issuer.owe_slots).
        session.rollback()
    session.refresh(station)
    return station
