"""A teacher's sign-in to the Teacher Resource Center, throttled by the one throttle.

Wrong passwords are throttled per name by mcdesk.throttle
in the database, whichever worker answers: each try is counted before its password is
checked; after five wrong ones in a row, a wait of 30 s that doubles with each further
wrong one (at most an hour). A name as typed costs at most one small row, keyed by a hash
of the name, and rows idle for a day are dropped. A right password starts a session
(mcdesk.server.web.sessions); the password itself is never kept.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from mcdesk.errors import McdeskError
from mcdesk.passwords import hash_secret, verify_secret
from mcdesk.server.models import Teacher
from mcdesk.server.schools import MAX_NAME_CHARS
from mcdesk.throttle import AlchemyStatements, forget, forget_idle, take_try, wall_reading

THROTTLE_TABLE = "teacher_throttle"
# Far longer than the longest wait (an hour), so no row goes while it holds a name back.
IDLE_ROWS_KEPT = timedelta(days=1)
# Checked when the username is unknown, so a wrong name costs what a wrong password does.
_DUMMY_HASH: list[str] = []


class SignInRefused(McdeskError):
    """Wrong name or password, or too many tries: the words go back to the page."""

    def __init__(self, reason: str, *, wait: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_secret("not a password anyone has"))
    return _DUMMY_HASH[0]


def throttle_subject(username: str) -> str:
    """The throttle row of a name as typed: SHA-256 of it normalised (NFKC, trimmed, casefolded)."""
    name = unicodedata.normalize("NFKC", username).strip().casefold()
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def sign_in(session: Session, *, username: str, password: str, now: datetime) -> Teacher:
    """The teacher, or SignInRefused; every try is counted before it is checked."""
    if len(username.strip()) > MAX_NAME_CHARS:
        # No teacher has such a name (schools.py refuses them), so no row is kept for it.
        raise SignInRefused(
            f"A teacher name is at most {MAX_NAME_CHARS} characters. Check it and try again."
        )
    subject = throttle_subject(username)
    turn = take_try(
        AlchemyStatements(session.connection()),
        table=THROTTLE_TABLE,
        subject=subject,
        reading=wall_reading(now),
        now=now,
    )
    session.commit()  # counted before the password is checked, and the row let go
    forget_idle(
        AlchemyStatements(session.connection()), table=THROTTLE_TABLE, before=now - IDLE_ROWS_KEPT
    )
    session.commit()
    if not turn.checked:
        raise SignInRefused(
            f"Too many wrong passwords: try again in {turn.wait_seconds} s.", wait=True
        )
    name = username.strip().lower()
    teacher = session.exec(select(Teacher).where(col(Teacher.username) == name)).first()
    stored = teacher.password_hash if teacher is not None else None
    if teacher is not None and stored and verify_secret(password, stored):
        forget(AlchemyStatements(session.connection()), table=THROTTLE_TABLE, subject=subject)
        return teacher
    if stored is None:
        verify_secret(password, _dummy_hash())
    raise SignInRefused("That name and password do not match. Check them and try again.")
