"""Feeds the active-time meter from Qt: input in the window, and whether it is in use."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from mcdesk.study.activity import ActiveTimeMeter

INPUT = frozenset(
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
WINDOW_STATE = frozenset({QEvent.Type.ActivationChange, QEvent.Type.WindowStateChange})


class ActivityHook(QObject):
    """Tells ``meter`` about input and use of ``window``; emits whole seconds counted.

    A locked screen, a minimised window and another window in front all make the window
    not in use. Qt reports a locked screen as the application going inactive.
    """

    seconds_counted = Signal(int)

    def __init__(
        self,
        *,
        window: QWidget,
        meter: ActiveTimeMeter,
        flush_interval_ms: int = 15_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._meter = meter
        self._app_state = Qt.ApplicationState.ApplicationInactive
        self._running = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(flush_interval_ms)
        self._flush_timer.timeout.connect(self.flush)

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start listening and flushing; the window counts as in use if it is right now."""
        if self._running:
            return
        app = QApplication.instance()
        if not isinstance(app, QGuiApplication):
            raise RuntimeError("ActivityHook needs a running QApplication")
        self._running = True
        self._app_state = app.applicationState()
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._application_state_changed)
        self._flush_timer.start()
        self._meter.set_active(self._in_use())

    def stop(self) -> None:
        """Stop counting, flush what was counted and stop listening."""
        if not self._running:
            return
        self._running = False
        app = QApplication.instance()
        if isinstance(app, QGuiApplication):
            app.removeEventFilter(self)
            app.applicationStateChanged.disconnect(self._application_state_changed)
        self._flush_timer.stop()
        self._meter.set_active(False)  # nothing counts after a stop, even a late event
        self.flush()

    def flush(self) -> None:
        """Emit ``seconds_counted`` with the whole seconds counted since the last flush."""
        seconds = self._meter.take_seconds()
        if seconds > 0:
            self.seconds_counted.emit(seconds)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT and self._inside(watched):
            self._meter.note_input()
        elif kind in WINDOW_STATE and watched is self._window:
            self._meter.set_active(self._in_use())
        return False  # only watching: every event goes on to its receiver

    def _application_state_changed(self, state: Qt.ApplicationState) -> None:
        # Kept from the signal, not re-read: the signal is what platforms (and tests) report.
        self._app_state = state
        self._meter.set_active(self._in_use())

    def _in_use(self) -> bool:
        return (
            self._app_state == Qt.ApplicationState.ApplicationActive
            and self._window.isActiveWindow()
            and not self._window.isMinimized()  # some platforms keep a minimised window active
        )

    def _inside(self, watched: QObject) -> bool:
        """Input on the window, a widget in it, or a popup it opened (a combo's list)."""
        if isinstance(watched, QWindow):
            # Pointer moves over widgets without mouse tracking reach only the QWindow.
            return watched is self._window.windowHandle()
        widget = watched if isinstance(watched, QWidget) else None
        while widget is not None:
            if widget is self._window:
                return True
            widget = widget.parentWidget()
        return False
