from __future__ import annotations

from mcdesk.study.activity import ActiveTimeMeter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def test_nothing_counts_until_the_window_is_active() -> None:
    clock = FakeClock()
    meter = ActiveTimeMeter(clock=clock)
    clock.advance(30)
    assert meter.take_seconds() == 0


def test_time_counts_while_active_with_recent_input() -> None:
    clock = FakeClock()
    meter = ActiveTimeMeter(clock=clock)
    meter.set_active(True)
    for _ in range(10):
        clock.advance(10)
        meter.note_input()
    assert meter.take_seconds() == 100
    assert meter.take_seconds() == 0


def test_idle_stops_the_count_a_minute_after_the_last_input() -> None:
    clock = FakeClock()
    meter = ActiveTimeMeter(clock=clock)
    meter.set_active(True)
    clock.advance(20)
    meter.note_input()
    clock.advance(600)  # learner walked away
    assert meter.take_seconds() == 80
    meter.note_input()  # back
    clock.advance(5)
    assert meter.take_seconds() == 5


def test_minimised_or_locked_stops_the_count() -> None:
    clock = FakeClock()
    meter = ActiveTimeMeter(clock=clock)
    meter.set_active(True)
    clock.advance(10)
    meter.set_active(False)  # minimised, another window, or the screen locked
    clock.advance(50)
    meter.note_input()  # input to another window does not count
    clock.advance(10)
    assert meter.take_seconds() == 10
    meter.set_active(True)
    clock.advance(3)
    assert meter.take_seconds() == 3


def test_fractions_carry_over_between_takes() -> None:
    clock = FakeClock()
    meter = ActiveTimeMeter(clock=clock)
    meter.set_active(True)
    clock.advance(1.6)
    assert meter.take_seconds() == 1
    meter.note_input()
    clock.advance(1.6)
    assert meter.take_seconds() == 2
