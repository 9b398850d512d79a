"""Run in a child process by test_kiosk_x11.py: the kiosk under X11, escape keys sent.

Prints one JSON line: where the kiosk was after each key, and the smallest touch target.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from tests.ui.x11_exam_session import _look, _rect, _visible_windows, _wait, _xdotool


def _smallest_target(root: QWidget) -> list[int]:
    """The smallest width and height of any visible button under ``root``."""
    buttons = [b for b in root.findChildren(QAbstractButton) if b.isVisible()]
    return [min(b.width() for b in buttons), min(b.height() for b in buttons)]


def _click(widget: QWidget) -> None:
    centre = widget.mapToGlobal(widget.rect().center())
    _xdotool("mousemove", str(centre.x()), str(centre.y()), "click", "1")


def main(work: Path) -> None:
    import mcdesk.startup
    from mcdesk.exam.issuer import open_issuer
    from mcdesk.paths import resolve_paths
    from mcdesk.ui.kiosk_app import KIOSK_TEXT_SCALE, launch_kiosk
    from mcdesk.ui.theme import apply_theme
    from tests.ui.catalog_source import build_test_catalog

    packs, publishers = build_test_catalog(work / "catalog")
    mcdesk.startup.bundled_catalog_dir = lambda: packs  # type: ignore[attr-defined]
    mcdesk.startup.bundled_publishers_dir = lambda: publishers  # type: ignore[attr-defined]
    mcdesk.startup.bundled_pack_keys_dir = lambda: packs.parent / "keys"  # type: ignore[attr-defined]
    paths = resolve_paths()
    app = QApplication(["mcdesk"])
    apply_theme(app, text_scale=KIOSK_TEXT_SCALE)
    pool = QThreadPool()
    exits: list[int] = []
    station = launch_kiosk(paths=paths, pool=pool, finish=exits.append, out=None, err=None)
    shell, flow = station.shell, station.flow
    screen = flow.screen

    def slots() -> int:
        try:
            with sqlite3.connect(paths.database) as connection:
                return int(connection.execute("SELECT count(*) FROM exam_key_slot").fetchone()[0])
        except sqlite3.Error:
            return 0

    _wait(lambda: screen.pages.currentWidget() is screen.attract, "the attract screen")
    _wait(lambda: slots() > 0, "the code slots")
    geometry = shell.screen().geometry()
    _wait(lambda: shell.frameGeometry() == geometry, "full screen")
    _wait(lambda: _look(shell, shell)["active_is_lock"], "the kiosk to be active")
    QTest.qWait(300)
    windows_before = _visible_windows()
    seen: dict[str, Any] = {"screen": _rect(geometry), "start": _look(shell, shell)}
    seen["attract_target"] = _smallest_target(screen.attract)
    _click(screen.attract.start_button)
    _wait(lambda: screen.pages.currentWidget() is screen.explorer, "the explorer")
    _click(screen.explorer.cluster_buttons[0])
    QTest.qWait(300)
    seen["explorer_target"] = _smallest_target(screen)
    for key in ("alt+Tab", "alt+F4", "super+d", "ctrl+alt+BackSpace"):
        _xdotool("key", key)
        QTest.qWait(700)
        seen[key] = _look(shell, shell)
    _xdotool("mousemove", "3", "3", "click", "3")
    QTest.qWait(600)
    seen["right_click"] = _look(shell, shell)
    seen["new_visible_windows"] = _visible_windows() - windows_before
    seen["still_explorer"] = screen.pages.currentWidget() is screen.explorer

    # A teacher leaves with the station's code #1.
    _click(screen.done_button)
    _wait(lambda: screen.pages.currentWidget() is screen.attract, "the attract screen again")
    _click(screen.attract.staff_button)
    prompt = shell.overlay.prompt
    _wait(prompt.field.isEnabled, "the code field")
    prompt.choose("kiosk-leave")
    prompt.field.setFocus()
    with sqlite3.connect(paths.database) as connection:
        issuer = open_issuer(connection, teacher_id="demo-teacher", password="mcdesk-demo")
    assert issuer is not None
    _xdotool("type", "--delay", "30", issuer.code(1))
    _xdotool("key", "Return")
    _wait(lambda: exits == [0], "leaving with a code", 60_000)
    seen["left"] = not shell.locked
    sys.stdout.write(json.dumps(seen) + "\n")
    sys.stdout.flush()
    shell.close()
    pool.waitForDone()
    app.processEvents()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
