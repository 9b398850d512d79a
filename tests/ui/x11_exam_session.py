"""A whole app under a real X server: sign in, a code, then the keys a learner would try.

Run by tests/ui/test_lockdown_x11.py as ``python -m tests.ui.x11_exam_session WORKDIR``
with DISPLAY set to an Xvfb that openbox manages (its stock configuration, as on a
general-purpose desktop). It drives the keys with xdotool, reads what the window manager
did with xprop, and prints one JSON line of what it saw for the test to judge.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QRect, Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

WAIT_MS = 90_000


def _wait(condition: Callable[[], bool], what: str, ms: int = WAIT_MS) -> None:
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        if clock.elapsed() > ms:
            raise SystemExit(f"timed out waiting for {what}")
        QTest.qWait(50)


def _xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, capture_output=True)


def _root(name: str) -> list[int]:
    """A root-window property of numbers (window ids, flags), as xprop prints them."""
    text = subprocess.run(
        ["xprop", "-root", name], check=True, capture_output=True, text=True
    ).stdout
    if "=" not in text and "#" not in text:
        return []
    values = text.replace("#", "=").split("=", 1)[1]
    return [int(v.strip(), 0) for v in values.split(",") if v.strip()]


def _visible_windows() -> int:
    """How many windows are mapped: an opened window-manager menu adds a dozen."""
    done = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", ".*"], capture_output=True, text=True
    )
    return len(done.stdout.split())


def _rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def _look(lock: QWidget, window: QWidget) -> dict[str, Any]:
    """Where the lock is, by the X server's and the window manager's account."""
    stacking = _root("_NET_CLIENT_LIST_STACKING")
    return {
        "locked": bool(getattr(lock, "locked", False)),
        "frame": _rect(lock.frameGeometry()),
        "active_is_lock": _root("_NET_ACTIVE_WINDOW")[:1] == [int(lock.winId())],
        "top_is_lock": bool(stacking) and stacking[-1] == int(lock.winId()),
        "showing_desktop": _root("_NET_SHOWING_DESKTOP")[:1] == [1],
        "main_window_visible": window.window().isVisible(),
    }


def main(work: Path) -> None:
    import mcdesk.startup
    from mcdesk.exam.issuer import open_issuer
    from mcdesk.paths import resolve_paths
    from mcdesk.ui.app import launch
    from mcdesk.ui.exam_flow import ExamFlow
    from mcdesk.ui.study_flow import StudyFlow
    from mcdesk.ui.theme import apply_theme
    from tests.ui.catalog_source import build_test_catalog

    packs, publishers = build_test_catalog(work / "catalog")
    mcdesk.startup.bundled_catalog_dir = lambda: packs  # type: ignore[attr-defined]
    mcdesk.startup.bundled_publishers_dir = lambda: publishers  # type: ignore[attr-defined]
    mcdesk.startup.bundled_pack_keys_dir = lambda: packs.parent / "keys"  # type: ignore[attr-defined]
    paths = resolve_paths()
    app = QApplication(["mcdesk"])
    apply_theme(app)
    pool = QThreadPool()
    window = launch(paths=paths, pool=pool, finish=app.exit, out=None, err=None)

    def count(sql: str) -> float:
        with sqlite3.connect(paths.database) as connection:
            row = connection.execute(sql).fetchone()
        return float(row[0] or 0) if row else 0.0

    def code(counter: int) -> str:
        with sqlite3.connect(paths.database) as connection:
            issuer = open_issuer(connection, teacher_id="demo-teacher", password="mcdesk-demo")
        assert issuer is not None
        return issuer.code(counter)

    _wait(lambda: window.pages.currentWidget() is window.signin_view, "the sign-in page")
    _wait(lambda: count("SELECT count(*) FROM exam_key_slot") > 0, "the code slots")
    _wait(lambda: window.exam is not None, "the study and exam flows")
    study, exam = window.study, window.exam
    assert isinstance(study, StudyFlow)
    assert isinstance(exam, ExamFlow)
    QTest.keyClicks(window.signin_view.filter, "Grace")
    QTest.keyClick(window.signin_view.filter, Qt.Key.Key_Return)
    QTest.keyClicks(window.signin_view.pin, "1234")
    QTest.keyClick(window.signin_view.pin, Qt.Key.Key_Return)
    _wait(lambda: window.pages.currentWidget() is window.home_view, "the learner's home")
    study.open_pack("carpentry-basics")
    _wait(lambda: window.pack_page.ready_button is not None, "the Ready button")
    assert window.pack_page.ready_button is not None
    window.pack_page.ready_button.click()
    _wait(lambda: window.pages.currentWidget() is window.ready_view, "the Ready page")
    QTest.keyClicks(exam.prompt.field, code(1))
    QTest.keyClick(exam.prompt.field, Qt.Key.Key_Return)
    _wait(lambda: exam.lockdown is not None and exam.lockdown.locked, "the lock")
    lock = exam.lockdown
    assert lock is not None
    screen = lock.screen().geometry()
    _wait(lambda: lock.frameGeometry() == screen, "full screen")
    _wait(lambda: _look(lock, window)["active_is_lock"], "the lock to be active")
    QTest.qWait(300)
    seen: dict[str, Any] = {"screen": _rect(screen), "start": _look(lock, window)}

    # Alt+Tab, then Alt+F4: the keys that used to freeze the assessment.
    _xdotool("key", "alt+Tab")
    QTest.qWait(600)
    _xdotool("key", "alt+F4")
    QTest.qWait(600)
    seen["after_alt_tab_alt_f4"] = _look(lock, window)
    seen["same_lock"] = exam.lockdown is lock
    before = count("SELECT elapsed_s FROM attempt")
    # Ticks still reach the store (the machine may be slow: no wall-clock bound here).
    _wait(lambda: count("SELECT elapsed_s FROM attempt") - before >= 2.0, "the clock", 60_000)
    seen["clock_running"] = True

    # Super+D (show desktop): the lock comes back in front, and the keyboard reaches it
    # (a remapped window Qt did not count as active took no keys, and the field of a
    # fresh lock's overlay opened after the keyboard had gone to a choice).
    _xdotool("key", "super+d")
    QTest.qWait(1000)
    seen["after_super_d"] = _look(lock, window)
    seen["overlay_after_hiding"] = lock.overlay.isVisible()
    _wait(lock.overlay.prompt.field.isEnabled, "the code field")
    _xdotool("type", "--delay", "30", code(2))
    _xdotool("key", "Return")
    _wait(lambda: not lock.overlay.isVisible(), "the overlay to go after Super+D", 30_000)
    seen["code_after_super_d"] = True
    # A teacher's code still works: five more minutes, typed as the teacher would.
    windows_before = _visible_windows()
    assert exam.view is not None
    exam.view.teacher_requested.emit()
    _wait(lock.overlay.isVisible, "the proctor overlay")
    _wait(lock.overlay.prompt.field.isEnabled, "the code field")
    lock.overlay.prompt.choose("extend")
    lock.overlay.prompt.field.setFocus()
    QTest.qWait(200)
    _xdotool("type", "--delay", "30", code(3))
    _xdotool("key", "Return")
    _wait(lambda: count("SELECT extra_s FROM attempt") == 300, "the extension", 30_000)
    _wait(lambda: not lock.overlay.isVisible(), "the overlay to go")
    seen["extended"] = True

    # Super+D again: the lock counted itself active after coming back, so a second time
    # away is an incident of its own and stops the attempt again.
    _xdotool("key", "super+d")
    QTest.qWait(1000)
    seen["second_super_d_overlay"] = lock.overlay.isVisible()
    seen["second_super_d"] = _look(lock, window)
    # A right click where the desktop would be: no window-manager menu.
    _xdotool("mousemove", "3", "3", "click", "3")
    QTest.qWait(600)
    seen["after_right_click"] = _look(lock, window)
    seen["new_visible_windows"] = _visible_windows() - windows_before
    sys.stdout.write(json.dumps(seen) + "\n")
    sys.stdout.flush()
    exam._close_locked()
    app.exit(0)
    window.close()
    pool.waitForDone()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
