"""Signing in with a PIN or password, with throttling that survives restarts.

After five wrong tries in a row the next try waits 30 s, and every further wrong try
doubles the wait (capped at one hour; a teacher can clear it). Waits are kept in the
store as wall-clock times, because a monotonic clock does not survive a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from mcdesk.passwords import verify_secret
from mcdesk.store.tables import Learner, SignInThrottle, Teacher
from mcdesk.store.times import as_utc

FREE_TRIES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SignInResult:
    ok: bool
    wait_seconds: int = 0
    message: str = ""
    display_name: str = ""


def wait_after(failures: int) -> timedelta:
    """How long to wait after this many wrong tries in a row."""
    if failures < FREE_TRIES:
        return timedelta(0)
    doublings = min(failures - FREE_TRIES, 12)  # 30 s · 2^12 is past the cap already
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


def _attempt(
    session: Session, *, subject: str, stored_hash: str, secret: str, now: datetime, what: str
) -> SignInResult:
    stored = session.get(SignInThrottle, subject)
    throttle = stored or SignInThrottle(subject=subject)
    wait_until = as_utc(throttle.wait_until)
    if wait_until is not None and now < wait_until:
        seconds = int((wait_until - now).total_seconds() + 0.999)
        return SignInResult(
            ok=False,
            wait_seconds=seconds,
            message=f"Too many wrong tries. Wait {seconds} s, then try again.",
        )
    if verify_secret(secret, stored_hash):
        if stored is not None:
            session.delete(stored)
            session.commit()
        return SignInResult(ok=True)
    throttle.failures += 1
    wait = wait_after(throttle.failures)
    throttle.wait_until = now + wait if wait else None
    session.add(throttle)
    session.commit()
    if wait:
        seconds = int(wait.total_seconds())
        return SignInResult(
            ok=False,
            wait_seconds=seconds,
            message=f"That {what} is not right. Wait {seconds} s before the next try.",
        )
    left = FREE_TRIES - throttle.failures
    tries = "try" if left == 1 else "tries"
    return SignInResult(
        ok=False, message=f"That {what} is not right. {left} more {tries} before a wait."
    )


def sign_in_learner(engine: Engine, *, learner_id: str, pin: str, now: datetime) -> SignInResult:
    """Check a learner's PIN (4–6 digits)."""
    if not (pin.isdigit() and 4 <= len(pin) <= 6):
        return SignInResult(ok=False, message="A PIN is 4 to 6 digits.")
    with Session(engine) as session:
        learner = session.get(Learner, learner_id)
        if learner is None:
            return SignInResult(ok=False, message="That name is not on this station's roster.")
        return _attempt(
            session,
            subject=f"learner:{learner_id}",
            stored_hash=learner.pin_hash,
            secret=pin,
            now=now,
            what="PIN",
        )


def sign_in_teacher(engine: Engine, *, username: str, password: str, now: datetime) -> SignInResult:
    with Session(engine) as session:
        teacher = session.exec(select(Teacher).where(Teacher.username == username.strip())).first()
        if teacher is None:
            return SignInResult(ok=False, message="No teacher with that user name on this station.")
        result = _attempt(
            session,
            subject=f"teacher:{teacher.id}",
            stored_hash=teacher.password_hash,
            secret=password,
            now=now,
            what="password",
        )
        return replace(result, display_name=teacher.display_name) if result.ok else result


def clear_throttle(engine: Engine, *, learner_id: str) -> None:
    """A teacher lets a locked-out learner try again at once."""
    with Session(engine) as session:
        throttle = session.get(SignInThrottle, f"learner:{learner_id}")
        if throttle is not None:
            session.delete(throttle)
            session.commit()
