"""Active time from real Qt events: counted only while the window is in use and input recent.

The meter runs on a hand-driven clock, so the seconds asserted are exact and no test
waits for real time to pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.study.activity import ActiveTimeMeter
from mcdesk.ui.activity_hook import ActivityHook


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Window(QWidget):
    """A stand-in main window with a field to type into."""

    def __init__(self) -> None:
        super().__init__()
        self.edit = QLineEdit()
        QVBoxLayout(self).addWidget(self.edit)


def activate(qtbot: QtBot, widget: QWidget) -> None:
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def window(qtbot: QtBot) -> Window:
    window = Window()
    qtbot.addWidget(window)
    activate(qtbot, window)
    return window


@pytest.fixture
def counted() -> list[int]:
    return []


@pytest.fixture
def hook(window: Window, clock: Clock, counted: list[int]) -> Iterator[ActivityHook]:
    """A started hook whose flushes land in ``counted``; flushed by hand unless a test waits."""
    hook = ActivityHook(
        window=window, meter=ActiveTimeMeter(clock=clock), flush_interval_ms=3_600_000
    )
    hook.seconds_counted.connect(counted.append)
    hook.start()
    yield hook
    hook.stop()


def _key(qtbot: QtBot, window: Window) -> None:
    qtbot.keyClick(window.edit, Qt.Key.Key_A)


def _click(qtbot: QtBot, window: Window) -> None:
    qtbot.mouseClick(window.edit, Qt.MouseButton.LeftButton)


def _move(qtbot: QtBot, window: Window) -> None:
    # Qt drops a move to where the pointer already is; the second step always moves.
    qtbot.mouseMove(window, QPoint(11, 4))
    qtbot.mouseMove(window, QPoint(12, 6))


def _wheel(qtbot: QtBot, window: Window) -> None:
    at = QPointF(5, 5)
    wheel = QWheelEvent(
        at,
        window.mapToGlobal(at),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(window.edit, wheel)


@pytest.mark.parametrize("act", [_key, _click, _move, _wheel])
def test_input_keeps_time_counting_and_idle_time_does_not_count(
    qtbot: QtBot,
    window: Window,
    hook: ActivityHook,
    clock: Clock,
    counted: list[int],
    act: Callable[[QtBot, Window], None],
) -> None:
    clock.now += 50
    act(qtbot, window)  # at 50 s: the minute of grace starts again
    clock.now += 30
    hook.flush()
    assert counted == [80]
    clock.now += 600  # ten minutes with nobody there: only the rest of the minute counts
    hook.flush()
    assert counted == [80, 30]
    clock.now += 100
    hook.flush()
    assert counted == [80, 30]  # nothing counted, so nothing emitted
    act(qtbot, window)
    clock.now += 12
    hook.flush()
    assert counted == [80, 30, 12]


def test_minimised_time_does_not_count(
    qtbot: QtBot, window: Window, hook: ActivityHook, clock: Clock, counted: list[int]
) -> None:
    clock.now += 10
    window.showMinimized()
    clock.now += 40
    qtbot.keyClick(window.edit, Qt.Key.Key_A)  # input while minimised does not count
    clock.now += 40
    hook.flush()
    assert counted == [10]
    window.showNormal()
    activate(qtbot, window)
    clock.now += 5
    hook.flush()
    assert counted == [10, 5]


def test_another_window_in_front_stops_counting_and_its_input_does_not_count(
    qtbot: QtBot, window: Window, hook: ActivityHook, clock: Clock, counted: list[int]
) -> None:
    clock.now += 20
    other = QLineEdit()
    qtbot.addWidget(other)
    activate(qtbot, other)
    clock.now += 30
    qtbot.keyClick(other, Qt.Key.Key_A)
    clock.now += 30
    hook.flush()
    assert counted == [20]
    activate(qtbot, window)
    clock.now += 7
    hook.flush()
    assert counted == [20, 7]


def test_input_in_another_window_does_not_keep_time_counting(
    qtbot: QtBot, window: Window, hook: ActivityHook, clock: Clock, counted: list[int]
) -> None:
    other = QLineEdit()
    other.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitExposed(other)
    assert window.isActiveWindow()
    clock.now += 50
    qtbot.keyClick(other, Qt.Key.Key_A)
    clock.now += 50
    hook.flush()
    assert counted == [60]  # the minute after the window became active, no more


def test_a_locked_screen_stops_counting(
    qapp: QApplication, hook: ActivityHook, clock: Clock, counted: list[int]
) -> None:
    clock.now += 10
    # A screen lock reaches Qt as the application going inactive; offscreen has no lock,
    # so the test says what the platform would.
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
    clock.now += 300
    hook.flush()
    assert counted == [10]
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    clock.now += 4
    hook.flush()
    assert counted == [10, 4]


def test_the_timer_flushes_on_its_own(qtbot: QtBot, window: Window, clock: Clock) -> None:
    hook = ActivityHook(window=window, meter=ActiveTimeMeter(clock=clock), flush_interval_ms=20)
    hook.start()
    clock.now += 3
    with qtbot.waitSignal(hook.seconds_counted, timeout=2000) as flushed:
        pass
    hook.stop()
    assert flushed.args == [3]


def test_stop_flushes_and_stops_listening(
    qtbot: QtBot, window: Window, clock: Clock, counted: list[int]
) -> None:
    meter = ActiveTimeMeter(clock=clock)
    hook = ActivityHook(window=window, meter=meter, flush_interval_ms=3_600_000)
    hook.seconds_counted.connect(counted.append)
    hook.start()
    clock.now += 12
    with qtbot.waitSignal(hook.seconds_counted, timeout=1000):
        hook.stop()
    assert counted == [12]
    assert not hook.running
    # Had the filter stayed, this key press would keep the meter counting past the minute.
    meter.set_active(True)
    clock.now += 100
    qtbot.keyClick(window.edit, Qt.Key.Key_A)
    clock.now += 30
    assert meter.take_seconds() == 60
