"""Teacher Resource Center sessions: signed cookies naming rows kept in the server database.

Security rules (docs/security.md, "Teacher Resource Center"):

- A session id is 32 random bytes, new at every sign-in (never one the browser brought),
  sent as ``id.HMAC-SHA256(key, "session|" id)``; the key lives in the database
  (``web_key``), never in the repository. Only SHA-256 of the id is stored, so a copy of
  the database opens no session.
- Sessions live in the database, not in a worker's memory: any worker or host answers.
- A session idle for ``IDLE_LIMIT`` is over: the next request deletes it and finds none.
  Sign-out deletes the row, so a copy of the cookie is worth nothing afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from mcdesk.server.signin_models import WebKey, WebSession

SESSION_COOKIE = "mcdesk_session"
# Binds the sign-in form's CSRF token before there is a session (and survives sign-out).
BROWSER_COOKIE = "mcdesk_browser"
IDLE_LIMIT = timedelta(minutes=30)
# A request this soon after the last one does not write: fewer writes, same expiry rule.
TOUCH_AFTER = timedelta(seconds=30)
_KEY_ID = "cookies"


def web_key(session: Session, *, now: datetime) -> bytes:
    """The cookie-signing key, made on first use (two workers racing keep the first one)."""
    found = session.get(WebKey, _KEY_ID)
    if found is not None:
        return found.key
    session.add(WebKey(id=_KEY_ID, key=secrets.token_bytes(32), created_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    stored = session.get(WebKey, _KEY_ID)
    assert stored is not None
    return stored.key


def _mac(key: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(key, f"{purpose}|{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_value(key: bytes, *, purpose: str, value: str) -> str:
    """``value.mac``: what goes into a cookie."""
    return f"{value}.{_mac(key, purpose, value)}"


def signed_value(key: bytes, *, purpose: str, cookie: str | None) -> str | None:
    """The value of a cookie signed for ``purpose``, or None when absent or forged."""
    if not cookie or cookie.count(".") != 1:
        return None
    value, mac = cookie.split(".")
    if not value or not hmac.compare_digest(mac, _mac(key, purpose, value)):
        return None
    return value


def new_secret() -> str:
    """A fresh random id: 32 bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def _id_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii")).hexdigest()


def start_session(session: Session, *, teacher_id: str, now: datetime) -> str:
    """A new session for this teacher; returns its id (idle sessions are swept first)."""
    session.execute(delete(WebSession).where(col(WebSession.last_seen) < now - IDLE_LIMIT))
    session_id = new_secret()
    session.add(
        WebSession(
            id_hash=_id_hash(session_id), teacher_id=teacher_id, created_at=now, last_seen=now
        )
    )
    session.commit()
    return session_id


def find_session(session: Session, *, session_id: str, now: datetime) -> WebSession | None:
    """The live session with this id, its idle clock restarted; None if unknown or idle too long."""
    row = session.exec(select(WebSession).where(WebSession.id_hash == _id_hash(session_id))).first()
    if row is None:
        return None
    last_seen = row.last_seen if row.last_seen.tzinfo else row.last_seen.replace(tzinfo=now.tzinfo)
    if now - last_seen > IDLE_LIMIT:
        session.delete(row)
        session.commit()
        return None
    if now - last_seen > TOUCH_AFTER:
        row.last_seen = now
        session.add(row)
        session.commit()
    return row


def end_session(session: Session, *, session_id: str) -> None:
    """Sign-out: the row goes, so the cookie opens nothing any more."""
    session.execute(delete(WebSession).where(col(WebSession.id_hash) == _id_hash(session_id)))
    session.commit()
