"""The status bar's sync indicator: a symbol and a few words, the whole story in the tooltip.

Plain data in (``SyncSnapshot``, progress), one signal out (``sync_requested``). Colours
come from the app's theme by object name, so high contrast and text size apply here too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from mcdesk.ui.sync_worker import SyncSnapshot

TONE_NAMES = {"good": "good", "problem": "error", "idle": "muted", "busy": "muted"}
# The symbol's meaning for a screen reader (its words come right after it).
TONE_WORDS = {"good": "Synced", "problem": "Sync problem", "idle": "Sync", "busy": "Syncing"}
COUNTDOWN_MS = 1000  # while "retrying in 40 s" is shown
REFRESH_MS = 30_000  # "Synced 2 min ago" stays true to the minute
BAR_STEPS = 1000  # QProgressBar holds an int: bytes past 2 GiB would not fit


def _utc_now() -> datetime:
    return datetime.now(UTC)


def megabytes(count: int) -> str:
    """ "3.2", "20": one decimal below 10 MB, whole numbers above."""
    value = count / 1_000_000
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def progress_words(stage: str, done: int, total: int, detail: str) -> str:
    """What a running stage is doing, in words."""
    if stage == "content":
        return f"Downloading course content: {megabytes(done)} of {megabytes(total)} MB"
    if stage == "push":
        if total == 0:
            return "Checking with the school server…"
        return f"Sending {done} of {total} records…"
    return f"Syncing: {detail}…" if detail else "Syncing…"


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when squeezed (large text on a small screen).

    ``text()`` stays whole (for the tooltip and screen readers); only the painting is cut,
    with the font and width of the moment.
    """

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def shown_text(self) -> str:
        room = self.contentsRect().width()
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room)

    def minimumSizeHint(self) -> QSize:
        width = self.fontMetrics().averageCharWidth() * 10
        return QSize(width, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        shown = self.shown_text()
        if shown == self.text():
            super().paintEvent(event)  # whole: exactly as any label
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)


class SyncStatusView(QWidget):
    """ "● Synced 2 min ago" and a Sync now button; a bar while course content downloads."""

    sync_requested = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, now: Callable[[], datetime] = _utc_now
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self._now = now
        self._snapshot = SyncSnapshot(status=None)
        # The status bar pads every label on both sides; here the symbol sits by its words.
        self.setStyleSheet("#syncStatus QLabel { padding: 2px 0px; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 0, 14, 0)
        row.setSpacing(4)
        self.mark = QLabel()
        self.mark.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.text = ElidedLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, BAR_STEPS)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Course content download")
        self.bar.setFixedWidth(self.fontMetrics().averageCharWidth() * 14)
        self.bar.hide()
        self.button = QPushButton("Sync now")
        self.button.setObjectName("link")
        self.button.setAccessibleName("Sync now")
        self.button.setAccessibleDescription(
            "Send results and progress to the school server now, and fetch what is new"
        )
        self.button.setToolTip("Send results and progress to the school server now")
        self.button.clicked.connect(self.sync_requested)
        self.button.hide()
        row.addWidget(self.mark)
        row.addWidget(self.text, 1)
        row.addWidget(self.bar)
        row.addWidget(self.button)
        self._refresh = QTimer(self)
        self._refresh.timeout.connect(self._render)
        self._progress: str | None = None
        self._render()

    @property
    def snapshot(self) -> SyncSnapshot:
        return self._snapshot

    def show_snapshot(self, snapshot: SyncSnapshot) -> None:
        """The worker's latest word; a finished round ends any progress shown."""
        self._snapshot = snapshot
        if not snapshot.syncing:
            self._progress = None
            self.bar.hide()
        self._render()

    def show_progress(self, stage: str, done: int, total: int, detail: str = "") -> None:
        """A running round's progress; the bar only for course content."""
        if not self._snapshot.syncing:
            return  # a late word from a round already over
        self._progress = progress_words(stage, done, total, detail)
        downloading = stage == "content" and total > 0
        self.bar.setVisible(downloading)
        if downloading:
            self.bar.setValue(min(BAR_STEPS, done * BAR_STEPS // total))
            self.bar.setAccessibleDescription(self._progress)
        self._render()

    def _render(self) -> None:
        now = self._now()
        snapshot = self._snapshot
        line = snapshot.headline(now)
        tone = TONE_NAMES.get(line.tone, "muted")
        if self.mark.objectName() != tone:
            self.mark.setObjectName(tone)
            self.mark.style().unpolish(self.mark)
            self.mark.style().polish(self.mark)
        self.mark.setText(line.mark)
        self.mark.setAccessibleName(TONE_WORDS.get(line.tone, "Sync"))
        text = self._progress if snapshot.syncing and self._progress else line.text
        self.text.setText(text)
        self.text.setAccessibleName(text)  # what it says, not "Sync status" with it hidden
        full = snapshot.describe(now)
        for widget in (self, self.mark, self.text):
            widget.setToolTip(full)
        self.text.setAccessibleDescription(full)
        connected = snapshot.status is not None and snapshot.status.connected
        # Left enabled while a round runs: disabling it would throw keyboard focus
        # elsewhere, and a press then only asks for one more round after this one.
        self.button.setVisible(connected)
        counting_down = snapshot.retry_at is not None and not snapshot.syncing
        self._refresh.start(COUNTDOWN_MS if counting_down else REFRESH_MS)
