"""The local code issuer of a standalone station (the teacher console).

Its 32-byte secret is made at setup and stored only sealed under the teacher's password:
``AESGCM(scrypt(password, salt)).encrypt(nonce, secret)``. Anyone who knows the password
can mint codes for this station, so the issuer is exactly as strong as that password.
The teacher row's password hash (``passwords.py``, n=2**14) is the cheaper target for an
offline guess, which is why the issuer does not pretend to be stronger than it: the demo
teacher's password is public, so a demo station's codes are not secret either.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mcdesk.protocol.codes import code_for
from mcdesk.protocol.slots import DEFAULT_PARAMS, NONCE_BYTES, SALT_BYTES, ScryptParams

SECRET_BYTES = 32
# The issuer table has no cost columns, so the cost is fixed here; changing it means
# re-sealing every issuer (open with the old cost, seal with the new one).
ISSUER_PARAMS: ScryptParams = DEFAULT_PARAMS
MAX_CODES_AT_ONCE = 1000


class IssuerError(Exception):
    """An issuer cannot be made or used; the message says why."""


@dataclass(frozen=True, slots=True)
class Issuer:
    """An opened issuer: it can mint this station's codes while it is in memory."""

    id: str
    teacher_id: str
    station_id: str
    secret: bytes = field(repr=False)

    def code(self, counter: int) -> str:
        return code_for(self.secret, station_id=self.station_id, counter=counter)

    def codes(self, *, start: int, count: int) -> list[tuple[int, str]]:
        """(counter, code) for ``count`` counters from ``start``."""
        if start < 1 or not 1 <= count <= MAX_CODES_AT_ONCE:
            raise IssuerError(f"codes start at #1 and come at most {MAX_CODES_AT_ONCE} at a time")
        return [(counter, self.code(counter)) for counter in range(start, start + count)]


def _aad(*, issuer_id: str, teacher_id: str, station_id: str) -> bytes:
    # Binds the sealed secret to its row: it cannot be moved to another teacher or station.
    return f"mcdesk-issuer|{issuer_id}|{teacher_id}|{station_id}".encode()


@dataclass(frozen=True, slots=True)
class SealedIssuer:
    """A new issuer and its sealed row, made before anything is written."""

    issuer: Issuer
    salt: bytes
    nonce: bytes
    sealed_secret: bytes


def seal_issuer(*, teacher_id: str, station_id: str, password: str) -> SealedIssuer:
    """A fresh issuer secret sealed under the teacher's password (one scrypt run)."""
    issuer = Issuer(
        id=str(uuid.uuid4()),
        teacher_id=teacher_id,
        station_id=station_id,
        secret=os.urandom(SECRET_BYTES),
    )
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    key = ISSUER_PARAMS.derive(password.encode("utf-8"), salt)
    aad = _aad(issuer_id=issuer.id, teacher_id=teacher_id, station_id=station_id)
    sealed = AESGCM(key).encrypt(nonce, issuer.secret, aad)
    return SealedIssuer(issuer=issuer, salt=salt, nonce=nonce, sealed_secret=sealed)


def has_issuer(connection: sqlite3.Connection, *, teacher_id: str, station_id: str) -> bool:
    row = connection.execute(
        "SELECT 1 FROM issuer WHERE teacher_id = ? AND station_id = ?", (teacher_id, station_id)
    ).fetchone()
    return row is not None


def save_issuer(connection: sqlite3.Connection, sealed: SealedIssuer, *, now: datetime) -> None:
    issuer = sealed.issuer
    if has_issuer(connection, teacher_id=issuer.teacher_id, station_id=issuer.station_id):
        raise IssuerError("this teacher already has a code issuer for this station")
    connection.execute(
        "INSERT INTO issuer (id, teacher_id, station_id, salt, nonce, sealed_secret, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            issuer.id,
            issuer.teacher_id,
            issuer.station_id,
            sealed.salt,
            sealed.nonce,
            sealed.sealed_secret,
            now.isoformat(),
        ),
    )


def create_issuer(
    connection: sqlite3.Connection,
    *,
    teacher_id: str,
    station_id: str,
    password: str,
    now: datetime,
) -> Issuer:
    """Make this station's issuer for a teacher, sealed under the teacher's password."""
    if has_issuer(connection, teacher_id=teacher_id, station_id=station_id):
        raise IssuerError("this teacher already has a code issuer for this station")
    sealed = seal_issuer(teacher_id=teacher_id, station_id=station_id, password=password)
    save_issuer(connection, sealed, now=now)
    return sealed.issuer


def open_issuer(
    connection: sqlite3.Connection,
    *,
    teacher_id: str,
    password: str,
    station_id: str | None = None,
) -> Issuer | None:
    """The teacher's issuer (for one station if given); None if the password is wrong."""
    query = "SELECT id, station_id, salt, nonce, sealed_secret FROM issuer WHERE teacher_id = ?"
    parameters: tuple[str, ...] = (teacher_id,)
    if station_id is not None:
        query += " AND station_id = ?"
        parameters += (station_id,)
    row = connection.execute(query + " ORDER BY created_at", parameters).fetchone()
    if row is None:
        return None
    issuer_id, row_station, salt, nonce, sealed = row
    aad = _aad(issuer_id=issuer_id, teacher_id=teacher_id, station_id=row_station)
    try:
        key = ISSUER_PARAMS.derive(password.encode("utf-8"), bytes(salt))
        secret = AESGCM(key).decrypt(bytes(nonce), bytes(sealed), aad)
    except (InvalidTag, ValueError):
        return None
    return Issuer(id=issuer_id, teacher_id=teacher_id, station_id=row_station, secret=secret)


def issuer_stations(connection: sqlite3.Connection, *, teacher_id: str) -> list[str]:
    """Ids of the stations this teacher holds an issuer for (nothing secret)."""
    rows = connection.execute(
        "SELECT station_id FROM issuer WHERE teacher_id = ? ORDER BY created_at", (teacher_id,)
    ).fetchall()
    return [str(row[0]) for row in rows]
