"""The wait after refused sign-ins, counted down once a second for the one learner or teacher
it was set for (the throttle in mcdesk.throttle says how long).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal


class SignInWait(QObject):
    """A sign-in wait for one learner or teacher, counted down once a second."""

    ticked = Signal()
    finished = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.seconds, self.subject = 0, ""
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def start(self, seconds: int, *, subject: str) -> None:
        self.seconds, self.subject = max(0, seconds), subject
        if self.seconds:
            self._timer.start()
        else:
            self._timer.stop()

    def stop(self) -> None:
        self.seconds = 0
        self._timer.stop()

    def blocks(self, subject: str) -> bool:
        """Only the one refused waits: the next learner at the station need not."""
        return self.seconds > 0 and subject == self.subject

    def _tick(self) -> None:
        self.seconds -= 1
        if self.seconds <= 0:
            self.stop()
            self.finished.emit()
        self.ticked.emit()
