"""The locked assessment window, fed real key, clipboard and window events offscreen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QKeyCombination, QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from mcdesk.ui.lockdown import LockdownWindow, Policy

K, M = Qt.Key, Qt.KeyboardModifier
NO = M.NoModifier
ROOT = Path(__file__).resolve().parents[2]


class Answer(QLineEdit):
    """A learner's answer field that notes every context menu it is asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.menus = 0
        self.setAccessibleName("Answer")

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.menus += 1  # no real menu: its exec() would wait for a click


class Exam(QWidget):
    """Stands in for the assessment: an answer field, a button and a count of Enter."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = Answer()
        self.next_button = QPushButton("Next")
        self.returns = 0
        self.answer.returnPressed.connect(self._returned)
        layout = QVBoxLayout(self)
        layout.addWidget(self.answer)
        layout.addWidget(self.next_button)

    def _returned(self) -> None:
        self.returns += 1

    def shortcut(self, combo: QKeyCombination) -> list[int]:
        """A window-wide shortcut on ``combo``; the list grows each time it fires."""
        fired: list[int] = []
        shortcut = QShortcut(QKeySequence(combo), self)
        shortcut.activated.connect(lambda: fired.append(1))
        return fired


Made = tuple[LockdownWindow, Exam, list[tuple[str, str]]]
Locked = Callable[..., Made]


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[Locked]:
    """Builds a lockdown window around an ``Exam`` and returns (window, exam, incidents)."""
    clipboard = QGuiApplication.clipboard()
    made: list[LockdownWindow] = []

    def make(*, policy: Policy = "block", lock: bool = True) -> Made:
        exam = Exam()
        window = LockdownWindow(exam, policy=policy)
        qtbot.addWidget(window, before_close_func=lambda w: w.release())
        made.append(window)
        incidents: list[tuple[str, str]] = []
        window.incident.connect(lambda kind, detail: incidents.append((kind, detail)))
        if lock:
            with qtbot.waitActive(window):
                window.lock()
        else:
            with qtbot.waitActive(window):
                window.show()
                window.activateWindow()
        exam.answer.setFocus()
        return window, exam, incidents

    yield make
    clipboard.clear()
    # Destroy the windows now, not at some later restyle of every widget in the app.
    for window in made:
        window.release()
        window.close()
        window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


SWALLOWED = [
    (K.Key_F4, M.AltModifier, "Alt+F4"),
    (K.Key_Escape, NO, "Esc"),
    (K.Key_W, M.ControlModifier, "Ctrl+W"),
    (K.Key_Q, M.ControlModifier, "Ctrl+Q"),
    (K.Key_F11, NO, "F11"),
    (K.Key_Tab, M.AltModifier, "Alt+Tab"),
    (K.Key_Backtab, M.AltModifier | M.ShiftModifier, "Alt+Shift+Tab"),
    (K.Key_Escape, M.AltModifier, "Alt+Esc"),
    (K.Key_Escape, M.ControlModifier, "Ctrl+Esc"),
    (K.Key_Super_L, M.MetaModifier, "Meta"),
    (K.Key_Meta, M.MetaModifier, "Meta"),
    (K.Key_D, M.MetaModifier, "Meta+D"),
    (K.Key_C, M.ControlModifier, "Ctrl+C"),
    (K.Key_X, M.ControlModifier, "Ctrl+X"),
    (K.Key_V, M.ControlModifier, "Ctrl+V"),
    (K.Key_Insert, M.ShiftModifier, "Shift+Ins"),
    (K.Key_Insert, M.ControlModifier, "Ctrl+Ins"),
    (K.Key_P, M.ControlModifier, "Ctrl+P"),
    (K.Key_Print, NO, "Print"),
    (K.Key_F1, NO, "F1"),
    (K.Key_F5, NO, "F5"),
    (K.Key_F12, NO, "F12"),
    (K.Key_Menu, NO, "Menu"),
]


@pytest.mark.parametrize(("key", "modifiers", "name"), SWALLOWED, ids=[s[2] for s in SWALLOWED])
def test_a_swallowed_combination_never_reaches_the_content(
    qtbot: QtBot, make_window: Locked, key: Qt.Key, modifiers: Qt.KeyboardModifier, name: str
) -> None:
    window, exam, incidents = make_window()
    fired = exam.shortcut(QKeyCombination(modifiers, key))
    exam.answer.setText("42")
    exam.answer.selectAll()  # so Ctrl+X, had it arrived, would cut the answer
    assert QApplication.focusWidget() is exam.answer
    qtbot.keyClick(exam.answer, key, modifiers)
    assert exam.answer.text() == "42"
    assert fired == []
    # QTest presses the modifier keys first, and the Meta key alone is held back too.
    meta_first = [("blocked_key", "Meta")] if modifiers & M.MetaModifier and name != "Meta" else []
    assert incidents == [*meta_first, ("blocked_key", name)]
    assert window.isVisible()


def test_the_same_shortcuts_do_reach_an_unlocked_window(qtbot: QtBot, make_window: Locked) -> None:
    """The check above means something: unlocked, the keys arrive."""
    _window, exam, incidents = make_window(lock=False)
    fired = exam.shortcut(QKeyCombination(M.ControlModifier, K.Key_W))
    exam.answer.setText("42")
    exam.answer.selectAll()
    qtbot.keyClick(exam.answer, K.Key_W, M.ControlModifier)
    qtbot.keyClick(exam.answer, K.Key_X, M.ControlModifier)
    assert fired == [1]
    assert exam.answer.text() == ""
    assert incidents == []


def test_ordinary_typing_reaches_the_content(qtbot: QtBot, make_window: Locked) -> None:
    _window, exam, incidents = make_window()
    qtbot.keyClicks(exam.answer, "Ohm's law 12")
    qtbot.keyClick(exam.answer, K.Key_Backspace)
    qtbot.keyClick(exam.answer, K.Key_Left)
    qtbot.keyClick(exam.answer, K.Key_Space)
    qtbot.keyClick(exam.answer, K.Key_Return)
    assert exam.answer.text() == "Ohm's law  1"
    assert exam.returns == 1
    qtbot.keyClick(exam.answer, K.Key_A, M.ControlModifier)  # select all stays allowed
    qtbot.keyClicks(exam.answer, "V=IR")
    assert exam.answer.text() == "V=IR"
    qtbot.keyClick(exam.answer, K.Key_Tab)
    assert QApplication.focusWidget() is exam.next_button
    # AltGr arrives as Ctrl+Alt on Windows: "@" on a German keyboard is Ctrl+Alt+Q.
    exam.answer.setFocus()
    qtbot.keyClick(exam.answer, K.Key_At, M.ControlModifier | M.AltModifier)
    assert exam.answer.text() == "V=IR@"
    assert incidents == []


def test_holding_a_blocked_key_is_one_incident_a_second(
    qtbot: QtBot, make_window: Locked, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [100.0]
    monkeypatch.setattr("mcdesk.ui.lockdown.monotonic", lambda: now[0])
    _window, exam, incidents = make_window()
    for _ in range(3):
        qtbot.keyClick(exam.answer, K.Key_V, M.ControlModifier)
    qtbot.keyClick(exam.answer, K.Key_C, M.ControlModifier)
    assert incidents == [("blocked_key", "Ctrl+V"), ("blocked_key", "Ctrl+C")]
    now[0] += 1.0
    qtbot.keyClick(exam.answer, K.Key_V, M.ControlModifier)
    assert incidents[-1] == ("blocked_key", "Ctrl+V")
    assert len(incidents) == 3


def test_lock_fills_the_screen_and_close_is_refused_until_release(
    make_window: Locked,
) -> None:
    window, _exam, incidents = make_window()
    assert window.locked
    flags = window.windowFlags()
    for flag in (Qt.WindowType.FramelessWindowHint, Qt.WindowType.WindowStaysOnTopHint):
        assert flags & flag
    assert window.isFullScreen()
    assert window.geometry() == window.screen().geometry()  # 800×800 offscreen
    assert not window.close()
    assert window.isVisible()
    assert incidents == [("close_attempt", "window")]
    window.release()
    assert not window.locked
    assert window.close()
    assert not window.isVisible()


def test_the_clipboard_is_emptied_and_kept_empty_while_locked(
    qtbot: QtBot, make_window: Locked
) -> None:
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("answers.txt")
    window, exam, _incidents = make_window()
    assert clipboard.text() == ""
    clipboard.setText("copied from a browser")
    assert clipboard.text() == ""
    exam.answer.setText("secret")
    exam.answer.selectAll()
    exam.answer.copy()  # the menu-less way in: still nothing to carry out
    assert clipboard.text() == ""
    window.release()
    clipboard.setText("after the assessment")
    assert clipboard.text() == "after the assessment"


def test_context_menus_are_swallowed_while_locked(make_window: Locked) -> None:
    window, exam, _incidents = make_window()
    menu = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(4, 4), QPoint(4, 4))
    QApplication.sendEvent(exam.answer, menu)
    assert exam.answer.menus == 0
    window.release()
    QApplication.sendEvent(exam.answer, menu)
    assert exam.answer.menus == 1


def test_text_dropped_from_another_program_is_refused_while_locked(make_window: Locked) -> None:
    window, exam, _incidents = make_window()
    dragged = QMimeData()
    dragged.setText("answers from a USB stick")
    # QDragEnterEvent takes a QPoint, QDropEvent a QPointF (PySide6 6.8–6.11).
    point, buttons = exam.answer.rect().center(), Qt.MouseButton.LeftButton
    where = QPointF(point)

    def drag_and_drop() -> bool:
        """A drag from outside mcdesk (no source) onto the answer; was it taken in?"""
        enter = QDragEnterEvent(point, Qt.DropAction.CopyAction, dragged, buttons, NO)
        QApplication.sendEvent(exam.answer, enter)
        drop = QDropEvent(where, Qt.DropAction.CopyAction, dragged, buttons, NO)
        QApplication.sendEvent(exam.answer, drop)
        return enter.isAccepted()

    assert not drag_and_drop()
    assert exam.answer.text() == ""
    window.release()
    assert drag_and_drop()  # the check means something: unlocked, the drop lands
    assert exam.answer.text() == "answers from a USB stick"


def deactivate(window: QWidget) -> None:
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowDeactivate))


def test_losing_focus_under_block_pauses_behind_the_overlay(
    qapp: QApplication, make_window: Locked
) -> None:
    window, exam, incidents = make_window(policy="block")
    deactivate(window)
    assert incidents == [("focus_lost", "the assessment window lost the focus")]
    assert window.overlay.isVisible()
    assert "lost focus" in window.overlay.reason.text()
    assert not exam.isEnabled()
    # The application going inactive too is the same time away: no second incident.
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
    assert len(incidents) == 1
    QApplication.sendEvent(window, QEvent(QEvent.Type.WindowActivate))
    deactivate(window)
    assert len(incidents) == 2


def test_losing_focus_under_log_only_records_it(qapp: QApplication, make_window: Locked) -> None:
    window, exam, incidents = make_window(policy="log")
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)
    assert incidents == [
        ("focus_lost", "mcdesk is no longer the active program (ApplicationInactive)")
    ]
    assert not window.overlay.isVisible()
    assert exam.isEnabled()


@pytest.mark.parametrize("policy", ["block", "log"])
def test_a_screen_change_is_an_incident(
    qapp: QApplication, qtbot: QtBot, make_window: Locked, policy: Policy
) -> None:
    window, _exam, incidents = make_window(policy=policy)
    screen = QGuiApplication.primaryScreen()
    qapp.screenAdded.emit(screen)
    assert incidents == [("screen_added", screen.name())]
    assert window.overlay.isVisible() is (policy == "block")
    qapp.screenRemoved.emit(screen)
    assert incidents[-1] == ("screen_removed", screen.name())
    qtbot.wait(10)  # the screens are re-covered once the change settles
    assert window.geometry() == screen.geometry()


def test_the_overlay_takes_a_code_and_can_be_dismissed(qtbot: QtBot, make_window: Locked) -> None:
    window, exam, _incidents = make_window()
    codes: list[str] = []
    window.overlay_code_entered.connect(codes.append)
    window.set_overlay_counter(7)
    window.show_overlay("The assessment window lost focus.")
    prompt = window.overlay.prompt
    assert "code #7" in prompt.counter_label.text()
    assert prompt.button.text() == "Continue the assessment"
    assert window.overlay.geometry() == window.rect()
    assert QApplication.focusWidget() is prompt.field
    qtbot.keyClicks(prompt.field, "24681357")
    qtbot.keyClick(prompt.field, K.Key_Return)
    assert codes == ["24681357"]
    assert not prompt.field.isEnabled()  # busy while the code is checked
    window.overlay_refused("That code is not right.", 0)
    assert prompt.message.text() == "⚠ That code is not right."
    assert prompt.field.isEnabled()
    window.dismiss_overlay()
    assert not window.overlay.isVisible()
    assert exam.isEnabled()
    assert QApplication.focusWidget() is exam.answer  # back where the learner was


def test_nothing_reaches_the_content_under_the_overlay(qtbot: QtBot, make_window: Locked) -> None:
    window, exam, _incidents = make_window()
    window.show_overlay("A screen was connected.")
    overlay = window.overlay
    # With no codes left nothing can be typed, and still the keyboard stays here.
    assert overlay.isAncestorOf(QApplication.focusWidget())
    window.set_overlay_counter(12)
    overlay.prompt.focus_field()
    assert QApplication.focusWidget() is overlay.prompt.field
    for key in (K.Key_Tab, K.Key_Backtab):
        for _ in range(6):
            qtbot.keyClick(QApplication.focusWidget(), key)
            assert overlay.isAncestorOf(QApplication.focusWidget())
    exam.setEnabled(True)  # even if the content turns itself back on
    exam.answer.setFocus()
    qtbot.keyClicks(exam.answer, "typed under the overlay")
    assert exam.answer.text() == ""
    where = exam.answer.mapTo(window, exam.answer.rect().center())
    hit = window.childAt(where)
    assert hit is overlay or overlay.isAncestorOf(hit)  # the mouse lands on the overlay


def test_release_takes_everything_back(qtbot: QtBot, make_window: Locked) -> None:
    window, exam, incidents = make_window()
    window.show_overlay("Paused.")
    window.release()
    assert not window.overlay.isVisible()
    assert exam.isEnabled()
    exam.answer.setFocus()
    fired = exam.shortcut(QKeyCombination(NO, K.Key_Escape))
    qtbot.keyClick(exam.answer, K.Key_Escape)
    assert fired == [1]
    deactivate(window)
    assert incidents == []


def test_every_other_screen_gets_a_black_cover(tmp_path: Path) -> None:
    """Two offscreen screens (Qt's offscreen config file): the window on one, a cover on one."""
    config = tmp_path / "screens.json"
    screens = [
        {"name": "left", "x": 0, "y": 0, "width": 800, "height": 600},
        {"name": "right", "x": 800, "y": 0, "width": 640, "height": 480},
    ]
    config.write_text(json.dumps({"screens": screens}))
    child = """
import json
from PySide6.QtWidgets import QApplication, QLabel
from mcdesk.ui.lockdown import LockdownWindow
app = QApplication([])
window = LockdownWindow(QLabel("exam"))
window.lock()
app.processEvents()
rect = lambda r: [r.x(), r.y(), r.width(), r.height()]
covers = [w for w in app.topLevelWidgets() if w.isVisible() and w is not window]
print(json.dumps({"window": rect(window.geometry()), "covers": [rect(c.geometry()) for c in covers],
                  "screens": [s.name() for s in app.screens()]}))
window.release()
app.processEvents()
print(json.dumps(len([w for w in app.topLevelWidgets() if w.isVisible() and w is not window])))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-c", child], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    seen, left_open = (json.loads(line) for line in done.stdout.splitlines())
    assert seen["screens"] == ["left", "right"]
    assert seen["window"] == [0, 0, 800, 600]
    assert seen["covers"] == [[800, 0, 640, 480]]
    assert left_open == 0


def test_the_overlay_can_be_raised_before_the_window_is_shown(qtbot: QtBot) -> None:
    """A resumed attempt starts paused: the overlay comes up before ``lock``."""
    exam = Exam()
    window = LockdownWindow(exam)
    qtbot.addWidget(window)
    window.show_overlay("Resuming needs a code.")
    assert not exam.isEnabled()
    window.dismiss_overlay()
    assert exam.isEnabled()
    with pytest.raises(ValueError, match="policy"):
        LockdownWindow(QWidget(), policy="warn")  # type: ignore[arg-type]


def test_the_overlay_fits_1024_by_600_at_200_percent_even_when_the_size_comes_late(
    qtbot: QtBot, themed: QApplication
) -> None:
    """After a crash the learner's text size arrives once the lock is already up."""
    from mcdesk.ui.theme import apply_theme

    window = LockdownWindow(Exam())
    qtbot.addWidget(window)
    window.resize(1024, 600)
    window.show()
    qtbot.waitExposed(window)
    window.show_overlay("The assessment window lost focus: something else was used.")
    window.overlay.prompt.set_actions(["dismiss", "extend", "pause", "leave"])
    window.set_overlay_counter(9)
    apply_theme(themed, text_scale=200)
    qtbot.wait(50)
    QApplication.processEvents()

    def needs(w: QWidget) -> tuple[int, int]:
        hint = w.minimumSizeHint()
        tall = w.heightForWidth(w.width()) if w.hasHeightForWidth() else hint.height()
        return hint.width(), tall

    squeezed = [
        f"{type(w).__name__} {w.objectName() or w.accessibleName()}: {w.size()} < {needs(w)}"
        for w in window.overlay.findChildren(QWidget)
        if w.isVisibleTo(window.overlay)
        and w.layout() is None
        and (w.width() < needs(w)[0] or w.height() < needs(w)[1])
        and not isinstance(w, QScrollArea)
        and w.objectName() != "qt_scrollarea_viewport"
    ]
    assert squeezed == []  # seen under X11: the choices overlapped, the button cut


def test_the_code_field_takes_the_keys_once_the_code_number_arrives(
    qtbot: QtBot, make_window: Locked
) -> None:
    """A fresh lock learns which code to ask for a moment after its overlay is up."""
    window, exam, _incidents = make_window()
    window.show_overlay("The assessment window lost focus.")  # no code number yet
    window.set_overlay_counter(10)
    field = window.overlay.prompt.field
    qtbot.waitUntil(field.hasFocus)  # seen under X11: typed digits went to a radio button
    qtbot.keyClicks(QApplication.focusWidget(), "1199")
    assert field.text().replace(" ", "") == "1199"
    assert exam.answer.text() == ""
