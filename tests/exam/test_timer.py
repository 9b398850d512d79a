from __future__ import annotations

from mcdesk.exam.timer import ExamClock
from tests.exam.conftest import FakeMonotonic


def test_time_accrues_only_while_running() -> None:
    mono = FakeMonotonic()
    clock = ExamClock(monotonic=mono, elapsed_s=10)
    mono.advance(100)
    assert clock.checkpoint() == 10
    clock.start()
    mono.advance(3)
    assert clock.checkpoint() == 13
    assert clock.stop() == 13
    mono.advance(20)
    assert clock.checkpoint() == 13


def test_a_clock_going_backwards_never_takes_time_away() -> None:
    mono = FakeMonotonic()
    clock = ExamClock(monotonic=mono)
    clock.start()
    mono.advance(5)
    clock.checkpoint()
    mono.advance(-50)
    assert clock.checkpoint() == 5
    mono.advance(2)
    assert clock.checkpoint() == 7
    assert ExamClock(monotonic=mono, elapsed_s=-3).checkpoint() == 0


def test_a_jump_past_the_suspend_threshold_is_not_charged_and_is_reported() -> None:
    mono = FakeMonotonic()
    clock = ExamClock(monotonic=mono, suspend_after_s=30)
    clock.start()
    mono.advance(30)  # a slow second is still time
    assert clock.checkpoint() == 30
    mono.advance(600)
    assert clock.checkpoint() == 30
    assert clock.take_suspended() == 600
    assert clock.take_suspended() == 0
    mono.advance(1)
    assert clock.checkpoint() == 31


def test_clamp_keeps_elapsed_within_the_limit() -> None:
    mono = FakeMonotonic()
    clock = ExamClock(monotonic=mono)
    clock.start()
    mono.advance(25)
    clock.checkpoint()
    clock.clamp(20)
    assert clock.checkpoint() == 20
