"""Automatic sign-out after a period without input, with a counted-down warning first."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

# What a person at the keyboard does; paints, timers and focus changes are not presence.
ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


class IdleWatch(QObject):
    """Warns ``warn_before_ms`` before ``timeout_ms`` without input, then expires once.

    While running it filters every event of the application, so the filter does the
    least it can: an input only restarts an elapsed timer, and the single-shot timer
    that would start the warning re-arms itself for whatever quiet time is left.
    """

    warning = Signal(int)  # seconds left; at the start of the warning, then every second
    activity_resumed = Signal()  # input arrived during the warning
    expired = Signal()

    def __init__(self, *, timeout_ms: int, warn_before_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        if timeout_ms <= 0 or not 0 <= warn_before_ms <= timeout_ms:
            raise ValueError("need timeout_ms > 0 and 0 <= warn_before_ms <= timeout_ms")
        self._quiet_ms = timeout_ms - warn_before_ms
        self._warn_ms = warn_before_ms
        self._running = False
        self._warning = False
        self._seconds_left = 0
        self._since_input = QElapsedTimer()
        self._pointer = QPointF()
        self._quiet = self._timer(single_shot=True, slot=self._quiet_elapsed)
        self._expiry = self._timer(single_shot=True, slot=self._expire)
        self._expiry.setInterval(warn_before_ms)
        self._tick = self._timer(single_shot=False, slot=self._count_down)
        self._tick.setInterval(1000)

    def _timer(self, *, single_shot: bool, slot: Callable[[], None]) -> QTimer:
        # Precise: a coarse timer may be 5 % late, three seconds on a minute's warning.
        timer = QTimer(self)
        timer.setSingleShot(single_shot)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(slot)
        return timer

    @property
    def running(self) -> bool:
        return self._running

    @property
    def warning_shown(self) -> bool:
        """True between ``warning`` and either ``activity_resumed`` or ``expired``."""
        return self._warning

    def start(self) -> None:
        """Start (or restart) watching from now."""
        app = QApplication.instance()
        if not self._running and app is not None:
            app.installEventFilter(self)
        self._running = True
        self._restart_quiet()

    def stop(self) -> None:
        """Stop watching; nothing more is emitted until ``start``."""
        app = QApplication.instance()
        if self._running and app is not None:
            app.removeEventFilter(self)
        self._running = False
        self._warning = False
        for timer in (self._quiet, self._expiry, self._tick):
            timer.stop()

    def poke(self) -> None:
        """Count as input now (for activity Qt does not see as an input event)."""
        if not self._running:
            return
        if self._warning:
            self._restart_quiet()
            self.activity_resumed.emit()
            return
        self._since_input.restart()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY and self._moved(event):
            self.poke()
        return False  # only watching: every event goes on to its receiver

    def _moved(self, event: QEvent) -> bool:
        # Qt sends made-up moves (e.g. when a banner appears under a still pointer); only
        # a pointer that really moved is someone there. Other input always counts.
        if event.type() != QEvent.Type.MouseMove or not isinstance(event, QMouseEvent):
            return True
        where = event.globalPosition()
        moved = where != self._pointer
        self._pointer = where
        return moved

    def _restart_quiet(self) -> None:
        self._warning = False
        self._expiry.stop()
        self._tick.stop()
        self._since_input.restart()
        self._quiet.start(self._quiet_ms)

    def _quiet_elapsed(self) -> None:
        left = self._quiet_ms - self._since_input.elapsed()
        if left > 0:  # there was input since the timer was armed
            self._quiet.start(left)
            return
        if self._warn_ms == 0:
            self._expire()
            return
        self._warning = True
        self._seconds_left = math.ceil(self._warn_ms / 1000)
        self._expiry.start()
        self._tick.start()
        self.warning.emit(self._seconds_left)

    def _count_down(self) -> None:
        # Counts ticks rather than reading a clock: the banner steps 60, 59, … 1 evenly,
        # and the expiry timer, not this count, decides when time is up.
        self._seconds_left -= 1
        if self._seconds_left > 0:
            self.warning.emit(self._seconds_left)

    def _expire(self) -> None:
        self.stop()  # before emitting, so a slot may start the watch again
        self.expired.emit()
