from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from mcdesk.demo import DEMO_LEARNER_PIN, DEMO_TEACHER_PASSWORD
from mcdesk.paths import Paths
from mcdesk.store.engine import make_engine
from mcdesk.study.signin import clear_throttle, sign_in_learner, sign_in_teacher, wait_after
from tests.conftest import NOW

ADA = "demo-learner-01"


def test_the_right_pin_signs_in(demo_engine: Engine) -> None:
    assert sign_in_learner(demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=NOW).ok


def test_wrong_pins_count_down_then_wait_and_doubling(demo_engine: Engine) -> None:
    messages = [
        sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=NOW).message for _ in range(4)
    ]
    assert messages[0] == "That PIN is not right. 4 more tries before a wait."
    assert messages[3] == "That PIN is not right. 1 more try before a wait."
    fifth = sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=NOW)
    assert (fifth.ok, fifth.wait_seconds) == (False, 30)
    # During the wait even the right PIN is not checked.
    early = sign_in_learner(
        demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=NOW + timedelta(seconds=10)
    )
    assert (early.ok, early.wait_seconds) == (False, 20)
    sixth = sign_in_learner(
        demo_engine, learner_id=ADA, pin="9999", now=NOW + timedelta(seconds=31)
    )
    assert sixth.wait_seconds == 60
    later = NOW + timedelta(seconds=31 + 61)
    assert sign_in_learner(demo_engine, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=later).ok
    # Success clears the count: a new wrong PIN starts again at five tries.
    again = sign_in_learner(demo_engine, learner_id=ADA, pin="9999", now=later)
    assert again.message.endswith("4 more tries before a wait.")


def test_the_wait_survives_a_restart(demo_engine: Engine, home: Paths) -> None:
    for _ in range(5):
        sign_in_learner(demo_engine, learner_id=ADA, pin="0000", now=NOW)
    demo_engine.dispose()
    restarted = make_engine(home.database)
    try:
        result = sign_in_learner(
            restarted, learner_id=ADA, pin=DEMO_LEARNER_PIN, now=NOW + timedelta(seconds=5)
        )
        assert (result.ok, result.wait_seconds) == (False, 25)
    finally:
        restarted.dispose()


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
