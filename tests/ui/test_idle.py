"""Signing out after inactivity: a counted-down warning, then expiry, unless someone acts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from mcdesk.ui.idle import IdleWatch

Event = tuple[str | int, ...]


@pytest.fixture
def target(qtbot: QtBot) -> QLineEdit:
    """Something on screen to type into and click on."""
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    qtbot.waitExposed(edit)
    return edit


@pytest.fixture
def watches() -> Iterator[Callable[..., tuple[IdleWatch, list[Event]]]]:
    """Make watches that record what they emit, in order; all stopped afterwards."""
    made: list[IdleWatch] = []

    def make(*, timeout_ms: int, warn_before_ms: int) -> tuple[IdleWatch, list[Event]]:
        watch = IdleWatch(timeout_ms=timeout_ms, warn_before_ms=warn_before_ms)
        events: list[Event] = []
        watch.warning.connect(lambda seconds: events.append(("warning", seconds)))
        watch.activity_resumed.connect(lambda: events.append(("resumed",)))
        watch.expired.connect(lambda: events.append(("expired",)))
        made.append(watch)
        return watch, events

    yield make
    for watch in made:
        watch.stop()


def test_without_input_it_warns_then_expires_once(
    qtbot: QtBot, watches: Callable[..., tuple[IdleWatch, list[Event]]], target: QLineEdit
) -> None:
    watch, events = watches(timeout_ms=400, warn_before_ms=200)
    with qtbot.waitSignal(watch.warning, timeout=3000) as warned:
        watch.start()
    assert warned.args == [1]
    assert watch.warning_shown
    with qtbot.waitSignal(watch.expired, timeout=3000):
        pass
    assert events == [("warning", 1), ("expired",)]
    assert not watch.running
    assert not watch.warning_shown
    # Stopped for good: neither time nor input brings anything more.
    with qtbot.assertNotEmitted(watch.expired, wait=450):
        qtbot.keyClick(target, Qt.Key.Key_A)
    assert events == [("warning", 1), ("expired",)]


def _key(qtbot: QtBot, target: QLineEdit) -> None:
    qtbot.keyClick(target, Qt.Key.Key_A)


def _click(qtbot: QtBot, target: QLineEdit) -> None:
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)


def _move(qtbot: QtBot, target: QLineEdit) -> None:
    # Qt drops a move to where the pointer already is; the second step always moves.
    qtbot.mouseMove(target, QPoint(7, 3))
    qtbot.mouseMove(target, QPoint(8, 5))


def _wheel(qtbot: QtBot, target: QLineEdit) -> None:
    at = QPointF(5, 5)
    wheel = QWheelEvent(
        at,
        target.mapToGlobal(at),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, wheel)


@pytest.mark.parametrize("act", [_key, _click, _move, _wheel])
def test_input_during_the_warning_resumes_and_restarts_the_wait(
    qtbot: QtBot,
    watches: Callable[..., tuple[IdleWatch, list[Event]]],
    target: QLineEdit,
    act: Callable[[QtBot, QLineEdit], None],
) -> None:
    watch, events = watches(timeout_ms=800, warn_before_ms=600)
    with qtbot.waitSignal(watch.warning, timeout=3000):
        watch.start()
    with qtbot.waitSignal(watch.activity_resumed, timeout=1000):
        act(qtbot, target)
    assert not watch.warning_shown
    assert watch.running
    with qtbot.waitSignal(watch.expired, timeout=5000):
        pass
    # The first warning did not run out: the wait began again, warning and all.
    assert events == [("warning", 1), ("resumed",), ("warning", 1), ("expired",)]


def test_input_before_the_warning_puts_it_off(
    qtbot: QtBot, watches: Callable[..., tuple[IdleWatch, list[Event]]], target: QLineEdit
) -> None:
    watch, events = watches(timeout_ms=700, warn_before_ms=200)
    watch.start()
    for _ in range(15):  # 750 ms of typing, longer than the 500 ms of quiet before a warning
        qtbot.wait(50)
        qtbot.keyClick(target, Qt.Key.Key_A)
    assert events == []
    with qtbot.waitSignal(watch.expired, timeout=5000):
        pass
    assert events == [("warning", 1), ("expired",)]


def test_poke_counts_as_input(
    qtbot: QtBot, watches: Callable[..., tuple[IdleWatch, list[Event]]]
) -> None:
    watch, events = watches(timeout_ms=800, warn_before_ms=600)
    with qtbot.waitSignal(watch.warning, timeout=3000):
        watch.start()
    with qtbot.waitSignal(watch.activity_resumed, timeout=1000):
        watch.poke()  # an "I'm still here" button, say
    assert events == [("warning", 1), ("resumed",)]


def test_the_warning_counts_down_each_second(
    qtbot: QtBot, watches: Callable[..., tuple[IdleWatch, list[Event]]]
) -> None:
    watch, events = watches(timeout_ms=2050, warn_before_ms=2000)
    with qtbot.waitSignal(watch.expired, timeout=8000):
        watch.start()
    assert events == [("warning", 2), ("warning", 1), ("expired",)]


def test_no_warning_period_means_straight_to_expiry(
    qtbot: QtBot, watches: Callable[..., tuple[IdleWatch, list[Event]]]
) -> None:
    watch, events = watches(timeout_ms=100, warn_before_ms=0)
    with qtbot.waitSignal(watch.expired, timeout=3000):
        watch.start()
    assert events == [("expired",)]


def test_stop_cancels_and_start_begins_again(
    qtbot: QtBot, watches: Callable[..., tuple[IdleWatch, list[Event]]], target: QLineEdit
) -> None:
    watch, events = watches(timeout_ms=300, warn_before_ms=100)
    watch.start()
    watch.stop()
    assert not watch.running
    with qtbot.assertNotEmitted(watch.warning, wait=400):
        qtbot.keyClick(target, Qt.Key.Key_A)
    assert events == []
    with qtbot.waitSignal(watch.expired, timeout=3000):
        watch.start()
    assert events == [("warning", 1), ("expired",)]


def test_a_warning_longer_than_the_timeout_is_refused() -> None:
    with pytest.raises(ValueError, match="warn_before_ms"):
        IdleWatch(timeout_ms=100, warn_before_ms=200)
