"""Signing in with a PIN or password, throttled by mcdesk.throttle (the wait survives restarts).

After five wrong tries in a row the next try waits 30 s, and every further wrong try
doubles the wait (capped at one hour; a teacher can clear it). Each try is counted before
its PIN or password is checked, and waits run on this run's monotonic clock, so neither
tries at once nor a moved clock get past them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, Engine
from sqlmodel import Session, select

from mcdesk.passwords import verify_secret
from mcdesk.store.tables import Learner, Teacher
from mcdesk.throttle import AlchemyStatements, forget, station_reading, take_try

THROTTLE_TABLE = "signin_throttle"


@dataclass(frozen=True, slots=True)
class SignInResult:
    ok: bool
    wait_seconds: int = 0
    message: str = ""
    display_name: str = ""


def _attempt(
    engine: Engine,
    *,
    subject: str,
    stored_hash: str,
    secret: str,
    now: datetime,
    monotonic: Callable[[], float],
    what: str,
) -> SignInResult:
    with engine.begin() as connection:  # committed before the check: the try counts
        turn = take_try(
            AlchemyStatements(connection),
            table=THROTTLE_TABLE,
            subject=subject,
            reading=station_reading(monotonic),
            now=now,
        )
    if not turn.checked:
        return SignInResult(
            ok=False,
            wait_seconds=turn.wait_seconds,
            message=f"Too many wrong tries. Wait {turn.wait_seconds} s, then try again.",
        )
    if verify_secret(secret, stored_hash):
        with engine.begin() as connection:
            forget(AlchemyStatements(connection), table=THROTTLE_TABLE, subject=subject)
        return SignInResult(ok=True)
    return SignInResult(
        ok=False,
        wait_seconds=turn.wait_seconds,
        message=f"That {what} is not right. {turn.after_wrong()}",
    )


def sign_in_learner(
    engine: Engine,
    *,
    learner_id: str,
    pin: str,
    now: datetime,
    monotonic: Callable[[], float] = time.monotonic,
) -> SignInResult:
    """Check a learner's PIN (4–6 digits)."""
    if not (pin.isdigit() and 4 <= len(pin) <= 6):
        return SignInResult(ok=False, message="A PIN is 4 to 6 digits.")
    with Session(engine) as session:
        learner = session.get(Learner, learner_id)
        if learner is None:
            return SignInResult(ok=False, message="That name is not on this station's roster.")
        pin_hash = learner.pin_hash
    return _attempt(
        engine,
        subject=f"learner:{learner_id}",
        stored_hash=pin_hash,
        secret=pin,
        now=now,
        monotonic=monotonic,
        what="PIN",
    )


def sign_in_teacher(
    engine: Engine,
    *,
    username: str,
    password: str,
    now: datetime,
    monotonic: Callable[[], float] = time.monotonic,
) -> SignInResult:
    with Session(engine) as session:
        teacher = session.exec(select(Teacher).where(Teacher.username == username.strip())).first()
        if teacher is None:
            return SignInResult(ok=False, message="No teacher with that user name on this station.")
        teacher_id, password_hash, display_name = (
            teacher.id,
            teacher.password_hash,
            teacher.display_name,
        )
    result = _attempt(
        engine,
        subject=f"teacher:{teacher_id}",
        stored_hash=password_hash,
        secret=password,
        now=now,
        monotonic=monotonic,
        what="password",
    )
    return replace(result, display_name=display_name) if result.ok else result


def clear_throttle(engine: Engine, *, learner_id: str) -> None:
    """A teacher lets a locked-out learner try again at once."""
    with engine.begin() as connection:
        forget_learner_tries(connection, learner_id=learner_id)


def forget_learner_tries(connection: Connection, *, learner_id: str) -> None:
    """``clear_throttle`` inside the caller's transaction (a pulled page applies it so)."""
    forget(AlchemyStatements(connection), table=THROTTLE_TABLE, subject=f"learner:{learner_id}")
