"""The app's own window while an assessment is locked: out of sight and impossible to close.

Alt+Tab used to bring the main window up behind the lock and Alt+F4 then closed it,
which closed the exam desk under a running attempt. While an attempt holds the station,
the window the app normally shows (the main window, or the ``--lockdown`` shell around
it) is hidden, so a window switcher has nothing else to offer, and a close request that
still reaches it (a window manager's, a script's) is refused and reported.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

from mcdesk.ui.lockdown import LockdownWindow


class MainWindowHold(QObject):
    """Hides ``window``'s top level while held and ``locked()``; refused closes are reported."""

    def __init__(
        self,
        window: QWidget,
        *,
        locked: Callable[[], bool],
        bring_lock_back: Callable[[], None],
        on_close_attempt: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._locked = locked
        self._bring_lock_back = bring_lock_back
        self._on_close_attempt = on_close_attempt
        self._top: QWidget | None = None
        self._state = Qt.WindowState.WindowNoState
        self._shell_was_locked = False

    @property
    def held(self) -> bool:
        return self._top is not None

    def hold(self) -> None:
        """Hide the app's window (and stand its lockdown shell aside) until ``let_go``."""
        if self._top is not None:
            return
        top = self._window.window()
        self._top, self._state = top, top.windowState()
        # The shell of a --lockdown station would fight the assessment's lock for the
        # front; the assessment's lock does everything the shell does meanwhile.
        self._shell_was_locked = isinstance(top, LockdownWindow) and top.locked
        if isinstance(top, LockdownWindow):
            top.release()
        for watched in {top, self._window}:
            watched.installEventFilter(self)
        top.hide()

    def let_go(self) -> None:
        """Show the app's window again as it was (the shell locked again, if it was)."""
        top, self._top = self._top, None
        if top is None:
            return
        for watched in {top, self._window}:
            watched.removeEventFilter(self)
        if isinstance(top, LockdownWindow) and self._shell_was_locked:
            top.lock()
        else:
            top.setWindowState(self._state)
            top.show()
        top.raise_()
        top.activateWindow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._top is None or not self._locked():
            return False
        kind = event.type()
        if kind == QEvent.Type.Close:
            event.ignore()
            self._on_close_attempt()
            return True
        if kind in (QEvent.Type.Show, QEvent.Type.WindowActivate) and watched is self._top:
            # Something mapped or focused it anyway: the lock goes back in front.
            QTimer.singleShot(0, self._back_behind)
        return False

    def _back_behind(self) -> None:
        if self._top is not None:
            self._top.hide()
            self._bring_lock_back()
