"""Verifying a signed station request: who sent it, when, once, and unaltered."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from mcdesk.keys import verify_signature
from mcdesk.protocol.ids import STATION_ID
from mcdesk.protocol.signing import (
    NONCE_BYTES,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    STATION_HEADER,
    TIMESTAMP_HEADER,
    request_message,
)
from mcdesk.server.models import Nonce, Station
from mcdesk.server.signer import public_key_from_b64

MAX_SKEW = timedelta(seconds=300)
# A request older than MAX_SKEW is refused anyway, and a nonce is first seen at most
# MAX_SKEW after its timestamp: after twice that it can no longer be replayed.
NONCE_RETENTION = 2 * MAX_SKEW
MAX_NONCE_CHARS = 128
MAX_TIMESTAMP_CHARS = 12


class AuthError(Exception):
    """A request refused; the message says why and goes back to the station."""


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if not value:
        raise AuthError(f"missing header {name}")
    return value


def _timestamp(text: str, *, now: datetime) -> int:
    try:
        # Unix seconds fit in 12 digits for 30,000 years; more would overflow a float below.
        if len(text) > MAX_TIMESTAMP_CHARS:
            raise ValueError(text)
        timestamp = int(text)
    except ValueError:
        raise AuthError("the timestamp is not whole unix seconds") from None
    if abs(now.timestamp() - timestamp) > MAX_SKEW.total_seconds():
        raise AuthError("the timestamp is too far from the server's clock")
    return timestamp


def _check_nonce(text: str) -> None:
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise AuthError("the nonce is not hex") from None
    if len(raw) < NONCE_BYTES or len(text) > MAX_NONCE_CHARS:
        raise AuthError(f"the nonce must be {NONCE_BYTES} to {MAX_NONCE_CHARS // 2} bytes")


def _remember_nonce(session: Session, *, station_id: str, nonce: str, now: datetime) -> None:
    session.execute(delete(Nonce).where(col(Nonce.seen_at) < now - NONCE_RETENTION))
    session.add(Nonce(station_id=station_id, nonce=nonce, seen_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise AuthError("the nonce was used before (a replayed request)") from None


def authenticate(
    session: Session,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
) -> Station:
    """The station that signed this request, or AuthError with the reason.

    The signature is checked before the nonce is stored, so unsigned requests cannot fill
    the nonce table; the nonce is committed on its own, so a replay is refused even if
    the first request's work later fails.
    """
    station_id = _header(headers, STATION_HEADER)
    timestamp_text = _header(headers, TIMESTAMP_HEADER)
    nonce = _header(headers, NONCE_HEADER)
    signature_text = _header(headers, SIGNATURE_HEADER)
    # Not a station id at all: no need to look it up.
    station = session.get(Station, station_id) if STATION_ID.fullmatch(station_id) else None
    if station is None:
        raise AuthError("unknown station")
    if station.revoked_at is not None:
        raise AuthError("the station is revoked")
    timestamp = _timestamp(timestamp_text, now=now)
    _check_nonce(nonce)
    try:
        signature = base64.b64decode(signature_text, validate=True)
    except binascii.Error:
        raise AuthError("the signature is not base64") from None
    message = request_message(method=method, path=path, timestamp=timestamp, nonce=nonce, body=body)
    if not verify_signature(public_key_from_b64(station.public_key), signature, message):
        raise AuthError("bad signature")
    _remember_nonce(session, station_id=station.id, nonce=nonce, now=now)
    return station
