"""The assessment's top bar: its title, the time left, and the time warnings."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mcdesk.ui.cards import text_label

TEN_MINUTES_S = 600
LAST_MINUTE_S = 60
TEN_MINUTES_TEXT = "10 minutes left"
LAST_MINUTE_SAVED = "1 minute left — your answers are saved"
# Said instead while an answer is still on its way to the disk: never claim saved early.
LAST_MINUTE_SAVING = "1 minute left — your last answers are being saved"


def restyle(widget: QWidget, name: str) -> None:
    """Change the objectName the stylesheet keys on, and make the new style apply."""
    if widget.objectName() != name:
        widget.setObjectName(name)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def clock_text(seconds: float) -> str:
    """Time left as a clock, rounded up so "0:00" means the time is really over."""
    total = max(0, math.ceil(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def clock_words(seconds: float) -> str:
    """Time left for a screen reader, to the minute so it is not read out every second."""
    minutes = math.ceil(max(seconds, 0) / 60)
    if minutes <= 1:
        return "Time left: 1 minute or less"
    return f"Time left: about {minutes} minutes"


class ExamHeader(QWidget):
    """Title and clock; a banner at 10 minutes and at 1 minute, each shown once per paper."""

    warned = Signal(str)  # the banner text
    teacher_requested = Signal()  # the proctor wants the code overlay (time, pause, leave)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = text_label("", name="examTitle")
        self.busy_label = text_label("Handing in your answers…", name="busyNote")
        self.busy_label.hide()
        self.timer_label = text_label("", name="examTimer")
        self.timer_label.setWordWrap(False)
        bar = QWidget()
        bar.setObjectName("examHeader")
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 8, 16, 8)
        row.addWidget(self.title_label, 1)
        row.addWidget(self.busy_label)
        row.addWidget(self.timer_label)
        self.teacher_button = QPushButton("Teacher…")
        self.teacher_button.setAccessibleName("Teacher")
        self.teacher_button.setAccessibleDescription(
            "For your teacher: add time, pause or leave the assessment with a code."
        )
        self.teacher_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # off the learner's Tab path
        self.teacher_button.clicked.connect(self.teacher_requested)
        row.addWidget(self.teacher_button)
        self.time_banner = text_label("", name="warning")
        self.time_banner.setContentsMargins(16, 6, 16, 6)
        self.time_banner.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.time_banner)
        self._fired: set[str] = set()
        self._saved = True

    def reset(self, title: str) -> None:
        """A new paper: its title, and both warnings ready to fire again."""
        self.title_label.setText(title)
        self._fired = set()
        self.time_banner.hide()

    def set_remaining(self, seconds: float) -> None:
        """The clock's text and style change together: colour is never the only sign."""
        clock = f"Time left {clock_text(seconds)}"
        if seconds <= LAST_MINUTE_S:
            name, text = "error", f"⚠ {clock}"
        elif seconds <= TEN_MINUTES_S:
            name, text = "warning", f"⚠ {clock}"
        else:
            name, text = "examTimer", clock
        # Called every second or so: touch the widgets only when what they show changes.
        if text != self.timer_label.text():
            self.timer_label.setText(text)
        words = clock_words(seconds)
        if words != self.timer_label.accessibleName():
            self.timer_label.setAccessibleName(words)
        restyle(self.timer_label, name)
        if seconds <= LAST_MINUTE_S and "last_minute" not in self._fired:
            # Reached straight from above ten minutes, one warning is enough.
            self._fired |= {"last_minute", "ten_minutes"}
            self._warn(self._last_minute_text(), "error")
        elif seconds <= TEN_MINUTES_S and "ten_minutes" not in self._fired:
            self._fired.add("ten_minutes")
            self._warn(TEN_MINUTES_TEXT, "warning")
        elif seconds > TEN_MINUTES_S and not self.time_banner.isHidden():
            self.time_banner.hide()  # extra time given: the warning no longer holds

    def set_saved(self, saved: bool) -> None:
        """Whether every answer is durable: the last-minute banner only then says so."""
        self._saved = saved
        shown = "last_minute" in self._fired and self.time_banner.isVisibleTo(self)
        if shown and self.time_banner.text() != self._last_minute_text():
            self.time_banner.setText(self._last_minute_text())

    def set_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)

    def _last_minute_text(self) -> str:
        return LAST_MINUTE_SAVED if self._saved else LAST_MINUTE_SAVING

    def _warn(self, text: str, name: str) -> None:
        self.time_banner.setText(text)
        restyle(self.time_banner, name)
        self.time_banner.show()
        # A screen reader hears the warning without the learner moving focus.
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.time_banner, text))
        self.warned.emit(text)
