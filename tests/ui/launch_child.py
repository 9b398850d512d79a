"""Run the real app (``mcdesk.ui.app.main``) in this process and report what a person waits for.

Used as a child process by tests/ui/test_startup_imports.py and bench/startup.py:

    python tests/ui/launch_child.py [--until signin|home|codes] [--record-imports]

Prints ``mark <name> <CLOCK_MONOTONIC seconds>`` when the sign-in screen is painted with
its roster (``signin``); with ``--until home``, also when a demo learner's home is painted
after their PIN (``home``); with ``--until codes`` (a first run), also when the first code
slots are sealed, i.e. set-up has finished (``codes``); ``rss <MiB>`` at sign-in; with
``--record-imports``, one ``gui-import <module>`` line per module the GUI thread imported
before sign-in was painted, and one ``loaded <module>`` line per module any thread had
imported when that paint happened (before anything the paint starts can run).
CLOCK_MONOTONIC is one clock for every process, so the parent subtracts its launch time.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType


class GuiThreadImports(MetaPathFinder):
    """Notes each module first imported on the main (GUI) thread; finds nothing itself."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.recording = True

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if self.recording and threading.current_thread() is threading.main_thread():
            self.names.append(fullname)
        return None


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> int:
    until = argv[argv.index("--until") + 1] if "--until" in argv else "signin"
    recorder = GuiThreadImports()
    if "--record-imports" in argv:
        sys.meta_path.insert(0, recorder)
    else:
        recorder.recording = False

    from mcdesk.ui.pyside_imports import skip_source_scans

    skip_source_scans()  # as mcdesk/__main__.py does, before the app's imports
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from mcdesk.ui import app as ui_app

    qt_app = QApplication(["mcdesk"])

    def mark(name: str) -> None:
        _say(f"mark {name} {time.monotonic():.6f}")

    class Watch(QObject):
        """Waits for the sign-in page (with names) and then the home page to be painted."""

        def __init__(self, window: ui_app.MainWindow) -> None:
            super().__init__(window)
            self.window, self.stage = window, "signin"
            self.loaded: list[str] = []
            window.signin_view.installEventFilter(self)
            window.home_view.installEventFilter(self)

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is self.window.pages.currentWidget():
                if self.stage == "signin" and watched is self.window.signin_view:
                    if self.window.signin_view.names.count() > 0:
                        self.stage = "after-signin"
                        if recorder.recording:
                            self.loaded = sorted(sys.modules)
                        QTimer.singleShot(0, self.signed_in_screen)
                elif self.stage == "home" and watched is self.window.home_view:
                    self.stage = "done"
                    mark("home")
                    QTimer.singleShot(
                        0, self.wait_for_codes if until == "codes" else self.window.close
                    )
            return False

        def wait_for_codes(self) -> None:
            """First run: set-up ends when the first code slots are sealed (polled, 20 ms)."""
            import sqlite3

            from mcdesk.paths import resolve_paths

            database = resolve_paths().database
            with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
                row = connection.execute("SELECT count(*) FROM exam_key_slot").fetchone()
            if row[0]:
                mark("codes")
                self.window.close()
            else:
                QTimer.singleShot(20, self.wait_for_codes)

        def signed_in_screen(self) -> None:
            mark("signin")
            recorder.recording = False
            _say(f"rss {_rss_mib():.1f}")
            for name in recorder.names:
                _say(f"gui-import {name}")
            for name in self.loaded:
                _say(f"loaded {name}")
            if until == "signin":
                self.window.close()
                return
            from mcdesk.demo_values import DEMO_LEARNER_PIN

            view = self.window.signin_view
            self.stage = "home"
            # The first row that is a name (class headings cannot be picked).
            rows = range(view.names.count())
            view.names.setCurrentRow(next(r for r in rows if view.names.item(r).flags()))
            view.pin.setText(DEMO_LEARNER_PIN)
            view.submit_learner()

    def attach() -> None:
        windows = [w for w in qt_app.topLevelWidgets() if isinstance(w, ui_app.MainWindow)]
        Watch(windows[0])

    QTimer.singleShot(0, attach)
    return ui_app.main([])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
