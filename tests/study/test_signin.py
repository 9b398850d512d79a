from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import Engine

from mcdesk.demo import DEMO_LEARNER_PIN, DEMO_TEACHER_PASSWORD
from mcdesk.passwords import verify_secret
from mcdesk.paths import Paths
from mcdesk.store.engine import make_engine
from mcdesk.study import signin
from mcdesk.study.signin import SignInResult, clear_throttle, sign_in_learner, sign_in_teacher
from mcdesk.throttle import wait_after
from tests.conftest import NOW
from tests.exam.conftest import FakeMonotonic

ADA = "demo-learner-01"


def test_the_right_pin_signs_in(demo_engine: Engine) -> None:
    assert sign_in_learner(demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=NOW).ok


def test_wrong_pins_count_down_then_wait_and_doubling(demo_engine: Engine) -> None:
    # Waits run on the monotonic clock (issue 10 item 9): time passes on it, with the wall.
    mono = FakeMonotonic()
    messages = [
        sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=NOW, monotonic=mono).message
        for _ in range(4)
    ]
    assert messages[0] == "That PIN is not right. 4 more tries before a wait."
    assert messages[3] == "That PIN is not right. 1 more try before a wait."
    fifth = sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=NOW, monotonic=mono)
    assert (fifth.ok, fifth.wait_seconds) == (False, 30)
    # During the wait even the right PIN is not checked.
    mono.advance(10)
    early = sign_in_learner(
        demo_engine,
        learner_id=ADA,
        pin=DEMO_LEARNER_PIN,
        now=NOW + timedelta(seconds=10),
        monotonic=mono,
    )
    assert (early.ok, early.wait_seconds) == (False, 20)
    mono.advance(21)
    sixth = sign_in_learner(
        demo_engine, learner_id=ADA, pin="9999", now=NOW + timedelta(seconds=31), monotonic=mono
    )
    assert sixth.wait_seconds == 60
    later = NOW + timedelta(seconds=31 + 61)
    mono.advance(61)
    assert sign_in_learner(
        demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=later, monotonic=mono
    ).ok
    # Success clears the count: a new wrong PIN starts again at five tries.
    again = sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=later, monotonic=mono)
    assert again.message.endswith("4 more tries before a wait.")


def test_the_wait_survives_a_restart(demo_engine: Engine, home: Paths) -> None:
    mono = FakeMonotonic()
    for _ in range(5):
        sign_in_learner(demo_engine, learner_id=ADA, pin="0000", now=NOW, monotonic=mono)
    demo_engine.dispose()
    restarted = make_engine(home.database)
    mono.advance(5)
    try:
        result = sign_in_learner(
            restarted,
            learner_id=ADA,
            pin=DEMO_LEARNER_PIN,
            now=NOW + timedelta(seconds=5),
            monotonic=mono,
        )
        assert (result.ok, result.wait_seconds) == (False, 25)
    finally:
        restarted.dispose()


def test_ten_wrong_pins_at_once_are_checked_only_for_the_free_tries(
    demo_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    counting = threading.Lock()

    def counted_verify(secret: str, stored: str) -> bool:
        with counting:
            checked.append(secret)
        time.sleep(0.05)  # a real PIN check takes tens of ms; keep the window that wide
        return verify_secret(secret, stored)

    monkeypatch.setattr(signin, "verify_secret", counted_verify)
    start = threading.Barrier(10)

    def one_try() -> SignInResult:
        start.wait()
        return sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=NOW)

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: one_try(), range(10)))
    assert len(checked) == 5
    assert sum(r.message.startswith("Too many wrong tries") for r in results) == 5
    assert not any(r.ok for r in results)


def test_a_pin_check_holds_no_lock_on_the_store(
    demo_engine: Engine, home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[bool] = []

    def verify_while_writing(secret: str, stored: str) -> bool:
        # Another writer (an answer in an assessment) must not queue behind a scrypt run.
        with sqlite3.connect(home.database, timeout=0.1) as other:
            other.execute("UPDATE learner SET display_name = display_name WHERE id = ?", (ADA,))
        written.append(True)
        return verify_secret(secret, stored)

    monkeypatch.setattr(signin, "verify_secret", verify_while_writing)
    assert sign_in_learner(demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=NOW).ok
    assert written == [True]


def test_a_teacher_can_clear_a_wait(demo_engine: Engine) -> None:
    for _ in range(5):
        sign_in_learner(demo_engine, learner_id=ADA, pin="0000", now=NOW)
    clear_throttle(demo_engine, learner_id=ADA)
    assert sign_in_learner(demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=NOW).ok


def test_waits_double_and_stop_at_an_hour() -> None:
    assert [wait_after(n).total_seconds() for n in (4, 5, 6, 7)] == [0, 30, 60, 120]
    assert wait_after(40) == timedelta(hours=1)


def test_malformed_pins_and_unknown_learners_say_so(demo_engine: Engine) -> None:
    assert (
        sign_in_learner(demo_engine, learner_id=ADA, pin="12a4", now=NOW).message
        == "A PIN is 4 to 6 digits."
    )
    assert (
        "not on this station's roster"
        in sign_in_learner(demo_engine, learner_id="x", pin="1234", now=NOW).message
    )


def test_teacher_password(demo_engine: Engine) -> None:
    assert sign_in_teacher(
        demo_engine, username="teacher", password=DEMO_TEACHER_PASSWORD, now=NOW
    ).ok
    wrong = sign_in_teacher(demo_engine, username="teacher", password="guess", now=NOW)
    assert wrong.message.startswith("That password is not right.")
    assert (
        "No teacher"
        in sign_in_teacher(demo_engine, username="nobody", password="x", now=NOW).message
    )
