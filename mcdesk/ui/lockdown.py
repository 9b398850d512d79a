"""The locked assessment window: every screen covered, keys and the clipboard held back.

App-level lockdown on a general-purpose OS is best effort: Qt only sees the keys the OS
and window manager let through (never Ctrl+Alt+Del). What it cannot stop it records as
incidents. Labs that need more run mcdesk in the kiosk sessions under ``packaging/``.
"""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import Any, Literal

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QClipboard,
    QCloseEvent,
    QColor,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from mcdesk.ui.blocked_keys import blocked_combo
from mcdesk.ui.proctor_overlay import ProctorOverlay

Policy = Literal["log", "block"]
ACTIVATE_AGAIN_MS = 250
REPEAT_QUIET_S = 1.0  # a held-down key is one incident, not thirty a second
TOP = Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint

E = QEvent.Type
_KEYS = frozenset({E.KeyPress, E.KeyRelease, E.ShortcutOverride})
_INPUT = frozenset(
    {E.MouseButtonPress, E.MouseButtonRelease, E.MouseButtonDblClick, E.Wheel, E.InputMethod}
)
_DRAGS = frozenset({E.DragEnter, E.DragMove, E.Drop})
_FILTERED = _KEYS | _INPUT | _DRAGS | {E.ContextMenu}
_OWNS = {
    QClipboard.Mode.Clipboard: QClipboard.ownsClipboard,
    QClipboard.Mode.Selection: QClipboard.ownsSelection,
    QClipboard.Mode.FindBuffer: QClipboard.ownsFindBuffer,
}


class _Cover(QWidget):
    """A black full-screen window over a screen the assessment is not on."""

    pressed = Signal()
    close_attempted = Signal()

    def __init__(self, screen: QScreen) -> None:
        # Never takes the focus: a click here must not count as leaving the assessment.
        super().__init__(None, TOP | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.closable = False
        self.setWindowTitle("mcdesk — assessment in progress")
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.setGeometry(screen.geometry())  # see LockdownWindow._fit

    def paintEvent(self, event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), QColor("black"))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.setAccepted(self.closable)
        if not self.closable:
            self.close_attempted.emit()


class LockdownWindow(QMainWindow):  # a window to a screen reader ("frame"), not a filler
    """``content`` in a frameless full-screen window that holds the station while locked."""

    incident = Signal(str, str)  # kind, detail
    overlay_code_entered = Signal(str)
    _locked = False  # here too: Qt may send an event() before __init__ has set it

    def __init__(
        self, content: QWidget, *, policy: Policy = "block", parent: QWidget | None = None
    ) -> None:
        if policy not in ("log", "block"):
            raise ValueError(f"policy must be 'log' or 'block', not {policy!r}")
        super().__init__(parent, TOP)
        self.policy: Policy = policy
        self.content = content
        self._away = False  # focus was lost and the window has not been active since
        self._clearing = False
        self._reported: dict[str, float] = {}
        self._covers: list[_Cover] = []
        self._focus_before: QWidget | None = None
        self.setWindowTitle("mcdesk — assessment")
        self.setAccessibleName("Assessment")
        self.setCentralWidget(content)
        self.overlay = ProctorOverlay(self)
        self.overlay.hide()
        self.overlay.prompt.code_entered.connect(self._overlay_code)

    @property
    def locked(self) -> bool:
        return self._locked

    def lock(self) -> None:
        """Full screen, other screens covered, keys, clipboard and closing held back."""
        if self._locked:
            return
        self._locked, self._away = True, False
        _application().installEventFilter(self)
        for signal, slot in self._watched_signals():
            signal.connect(slot)
        self._empty_clipboard()
        self._refit()
        self.raise_()
        self.activateWindow()

    def release(self) -> None:
        """Undo ``lock`` (and any overlay); the window stays open until it is closed."""
        if not self._locked:
            return
        self._locked = False
        _application().removeEventFilter(self)
        for signal, slot in self._watched_signals():
            signal.disconnect(slot)
        self._close_covers()
        clipboard = QGuiApplication.clipboard()
        for mode in _clipboard_modes(clipboard):
            clipboard.clear(mode)  # nothing typed during the assessment is left to paste
        self.dismiss_overlay()

    def _watched_signals(self) -> list[tuple[Any, Callable[..., None]]]:
        """The application's signals a lock listens to (Any: PySide's SignalInstance)."""
        app, clipboard = _application(), QGuiApplication.clipboard()
        return [
            (clipboard.dataChanged, self._empty_clipboard),
            (clipboard.selectionChanged, self._empty_clipboard),
            (clipboard.findBufferChanged, self._empty_clipboard),
            (app.screenAdded, self._screen_added),
            (app.screenRemoved, self._screen_removed),
            (app.applicationStateChanged, self._application_state),
        ]

    def show_overlay(self, reason: str, *, clock_running: bool = True) -> None:
        """Stop behind the proctor overlay until ``dismiss_overlay``; says ``reason``."""
        self.overlay.show_reason(reason, clock_running=clock_running)
        if not self.overlay.isHidden():
            return
        focus = QApplication.focusWidget()
        inside = focus is not None and self.content.isAncestorOf(focus)
        self._focus_before = focus if inside else None
        # Disabled, the content takes no keys, clicks or shortcuts even if focus is forced.
        self.content.setEnabled(False)
        self.overlay.prompt.reset()
        self.overlay.setGeometry(self.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.focus_prompt()

    def dismiss_overlay(self) -> None:
        """Hide the overlay and give the content back its keyboard focus."""
        if self.overlay.isHidden():
            return
        self.overlay.hide()
        self.overlay.prompt.reset()
        self.content.setEnabled(True)
        before, self._focus_before = self._focus_before, None
        if before is not None and shiboken6.isValid(before) and before.isEnabled():
            before.setFocus(Qt.FocusReason.OtherFocusReason)

    def overlay_refused(self, message: str, wait_seconds: int) -> None:
        """The overlay's code was refused (see ``CodePrompt.show_refused``)."""
        self.overlay.prompt.show_refused(message, wait_seconds)

    def set_overlay_counter(self, k: int | None) -> None:
        """The overlay asks for code #k (None: no codes left)."""
        prompt = self.overlay.prompt
        prompt.set_counter(k)
        # The number arrives a moment after the overlay came up, when the field was still
        # closed and the keyboard went to a choice: the teacher's typing goes to the field.
        focus = QApplication.focusWidget()
        parked = focus is None or focus in (prompt, prompt.choices.checkedButton())
        if not self.overlay.isHidden() and (
            focus is None or parked or not self.overlay.isAncestorOf(focus)
        ):
            self.overlay.focus_prompt()

    def _overlay_code(self, code: str, action: str, minutes: int) -> None:
        self.overlay.prompt.set_busy(True)  # before emitting: a slot may answer at once
        self.overlay_code_entered.emit(code)

    def _refit(self) -> None:
        """Full screen on this window's screen, and every other screen covered."""
        if not self._locked:
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        # Some window managers leave a frameless window small while isFullScreen() already
        # says True; the geometry set outright makes it cover the screen anyway.
        self.setGeometry(screen.geometry())
        self._close_covers()
        mine = self.screen()
        for other in QGuiApplication.screens():
            if other is not mine:
                cover = _Cover(other)
                cover.pressed.connect(self._take_focus)
                cover.close_attempted.connect(lambda: self._close_attempt("cover"))
                self._covers.append(cover)

    def _close_covers(self) -> None:
        for cover in self._covers:
            cover.closable = True
            cover.close()
            cover.deleteLater()
        self._covers = []

    def _take_focus(self) -> None:
        self.raise_()
        self.activateWindow()

    def _on_screen(self) -> bool:
        handle = self.windowHandle()
        return handle is not None and handle.isExposed() and not self.isMinimized()

    def _come_back(self) -> None:
        """Hidden (show desktop, minimised, unmapped): back in front at once, and say so."""
        if not self._locked or self._on_screen():
            return
        self._focus_lost("the assessment window was hidden")
        # Mapped anew: a window manager's "show desktop" ends when a window maps, and
        # raising a window it has hidden does nothing.
        self.hide()
        self._refit()
        self._take_focus()
        QTimer.singleShot(ACTIVATE_AGAIN_MS, self._back_in_front)

    def _back_in_front(self) -> None:
        # Qt does not count a remapped window as active by itself (no WindowActivate), so
        # the lock asks again, and counts itself back: the next time away is an incident
        # of its own. Late enough that the hide's own deactivation is not a second one.
        if not self._locked or not self._on_screen():
            return
        self._take_focus()
        self._away = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Runs for every event of the application while locked: leave early.
        kind = event.type()
        if kind not in _FILTERED:
            if kind == E.Expose and watched is self.windowHandle() and not self._on_screen():
                QTimer.singleShot(0, self._come_back)
            return False
        if kind == E.ContextMenu:
            return True  # no Copy/Paste menus anywhere
        if kind in _DRAGS:
            # Dropping text from another program is pasting; drags inside mcdesk are fine.
            return isinstance(event, QDropEvent) and event.source() is None
        if isinstance(event, QKeyEvent) and (name := blocked_combo(event)) is not None:
            if kind == E.ShortcutOverride:
                event.accept()  # "the widget wants this key": no QShortcut or QAction fires
            elif kind == E.KeyPress and not event.isAutoRepeat():
                self._report_key(name)
            return True
        # Under the overlay the content gets no input, even if something re-enabled it.
        return (
            not self.overlay.isHidden()
            and isinstance(watched, QWidget)
            and (watched is self.content or self.content.isAncestorOf(watched))
        )

    def _report_key(self, name: str) -> None:
        now = monotonic()
        if now - self._reported.get(name, -REPEAT_QUIET_S) >= REPEAT_QUIET_S:
            self._reported[name] = now
            self.incident.emit("blocked_key", name)

    def _empty_clipboard(self) -> None:
        """Empty every clipboard; an empty one of our own is left alone (no loop)."""
        if self._clearing:
            return
        self._clearing = True
        try:
            clipboard = QGuiApplication.clipboard()
            for mode in _clipboard_modes(clipboard):
                if _OWNS[mode](clipboard) and not clipboard.text(mode):
                    continue
                # Empty text rather than clear(): on X11 clear() does nothing while another
                # program owns the clipboard, and setting data takes it over.
                clipboard.setText("", mode)
        finally:
            self._clearing = False

    def event(self, event: QEvent) -> bool:
        if self._locked and event.type() == E.WindowActivate:
            self._away = False
        elif self._locked and event.type() == E.WindowDeactivate:
            self._deactivated()
        elif self._locked and event.type() == E.WindowStateChange and self.isMinimized():
            QTimer.singleShot(0, self._come_back)  # a locked window is never minimized
        return super().event(event)

    def _deactivated(self) -> None:
        active = QApplication.activeWindow()
        if active is not None and active is not self:
            if any(active is cover for cover in self._covers):
                QTimer.singleShot(0, self._take_focus)
                return
            if self.isAncestorOf(active):
                return  # a dialog of the assessment's own
        self._focus_lost("the assessment window lost the focus")

    def _application_state(self, state: Qt.ApplicationState) -> None:
        if state != Qt.ApplicationState.ApplicationActive:
            self._focus_lost(f"mcdesk is no longer the active program ({state.name})")

    def _focus_lost(self, detail: str) -> None:
        if self._away:
            return  # one incident per time away, however many ways Qt reports it
        self._away = True
        self._record(
            "focus_lost", detail, "The assessment window lost focus: something else was used."
        )

    def _screen_added(self, screen: QScreen) -> None:
        name = screen.name()
        self._record("screen_added", name, f"A screen was connected ({name}).")
        QTimer.singleShot(0, self._refit)  # cover it too

    def _screen_removed(self, screen: QScreen) -> None:
        name = screen.name()
        self._record("screen_removed", name, f"A screen was disconnected ({name}).")
        # Later, when the screen is gone from screens() and its cover can go.
        QTimer.singleShot(0, self._refit)

    def _record(self, kind: str, detail: str, reason: str) -> None:
        self.incident.emit(kind, detail)
        if self.policy == "block":
            self.show_overlay(reason)

    def _close_attempt(self, detail: str) -> None:
        self.incident.emit("close_attempt", detail)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._locked:
            event.ignore()
            self._close_attempt("window")
        else:
            super().closeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.overlay.setGeometry(self.rect())


def _application() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication), "a QApplication runs before any window exists"
    return app


def _clipboard_modes(clipboard: QClipboard) -> list[QClipboard.Mode]:
    """Every clipboard there is, X11's middle-click selection and macOS's find buffer too."""
    present = (True, clipboard.supportsSelection(), clipboard.supportsFindBuffer())
    return [mode for mode, there in zip(_OWNS, present, strict=True) if there]
