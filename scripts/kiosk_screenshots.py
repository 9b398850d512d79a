"""Walk every kiosk screen in a real X11 window and save a screenshot of each.

Needs an X server with a window manager (Xvfb + openbox, see MACHINE notes) in DISPLAY and
imagemagick's ``import``. Runs the real kiosk (``launch_kiosk``) on a throwaway
MCDESK_HOME with the bundled catalog, and drives it as a visitor and then a teacher would:

    DISPLAY=:99 python scripts/kiosk_screenshots.py --out docs/screenshots
    DISPLAY=:98 python scripts/kiosk_screenshots.py --text-scale 200 --prefix small-
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--prefix", default="", help="put before each file's screen name")
    parser.add_argument("--text-scale", type=int, default=None, help="percent (kiosk default)")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("needs an X server in DISPLAY (Xvfb + openbox)", file=sys.stderr)
        return 2
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    os.environ["MCDESK_HOME"] = tempfile.mkdtemp(prefix="mcdesk-kiosk-shots-")
    args.out.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import Qt, QThreadPool
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractButton, QApplication, QPushButton

    from mcdesk.demo_values import DEMO_TEACHER_ID, DEMO_TEACHER_PASSWORD
    from mcdesk.exam.issuer import open_issuer
    from mcdesk.paths import resolve_paths
    from mcdesk.ui.kiosk_app import KIOSK_TEXT_SCALE, launch_kiosk
    from mcdesk.ui.theme import apply_theme

    app = QApplication([sys.argv[0]])
    app.setApplicationName("mcdesk")
    apply_theme(app, text_scale=args.text_scale or KIOSK_TEXT_SCALE)
    paths = resolve_paths()
    pool = QThreadPool()
    kiosk = launch_kiosk(paths=paths, pool=pool, finish=lambda _c: None, out=None, err=None)
    flow, shell = kiosk.flow, kiosk.shell
    s = flow.screen

    def until(done: Callable[[], bool], what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.02)

    def settle() -> None:
        end = time.monotonic() + 0.6
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def shot(name: str) -> None:
        settle()
        target = args.out / f"{args.prefix}kiosk-{name}.png"
        subprocess.run(["import", "-window", "root", str(target)], check=True)
        print(target)

    def slots() -> int:
        if not paths.database.exists():
            return 0
        with sqlite3.connect(paths.database) as c:
            if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'exam_key_slot'").fetchone():
                return 0
            return int(c.execute("SELECT count(*) FROM exam_key_slot").fetchone()[0])

    def code(counter: int) -> str:
        with sqlite3.connect(paths.database) as c:
            issuer = open_issuer(c, teacher_id=DEMO_TEACHER_ID, password=DEMO_TEACHER_PASSWORD)
        assert issuer is not None
        return issuer.code(counter)

    def visit(*, closing: str, screens: bool = True) -> None:
        s.attract.start_button.click()
        s.explorer.cluster_buttons[0].click()
        if screens:
            shot("explorer")
        tries = [b for b in s.explorer.findChildren(QPushButton) if b.text().startswith("Try ")]
        tries[0].click()
        until(lambda: s.pages.currentWidget() is s.taste, "the taste")
        if screens:
            shot("taste")
        s.taste.start_button.click()
        view = s.taste.selfcheck
        for n in range(5):
            if s.pages.currentWidget() is s.closing:
                break
            if n == 0 and screens:
                shot("question")
            holder = view.answer_holder
            choices = [b for b in holder.findChildren(QAbstractButton) if b.isCheckable()]
            if choices:
                choices[0].click()
            view.check()
            if view.check_button.isVisible():
                view.current_input().set_response(view.run.current["answer"])
                view.check()
            if n == 0 and screens:
                shot("feedback")
            view.advance()
        until(lambda: s.pages.currentWidget() is s.closing, "the closing screen")
        shot(closing)

    try:
        until(lambda: s.pages.currentWidget() is s.attract, "the attract screen")
        until(lambda: slots() > 0, "the demo's code slots")
        shot("attract")
        visit(closing="closing")
        s.closing.more_button.click()
        flow.idle.warning.emit(10)  # what the idle watch shows 10 s before the reset
        shot("countdown")
        flow.forget_visitor()
        s.attract.staff_button.click()
        prompt = shell.overlay.prompt
        until(prompt.field.isEnabled, "the code field")
        prompt.choose("kiosk-settings")
        QTest.keyClicks(prompt.field, code(1))
        shot("staff-code")
        QTest.keyClick(prompt.field, Qt.Key.Key_Return)
        until(lambda: s.pages.currentWidget() is s.settings, "the settings")
        page = s.settings
        page.school.setText("Lincoln Middle School")
        page.url.setText("https://lincoln.example.org/cte")
        programs = ["Agriscience Pathway", "Construction Academy", "Business & Marketing"]
        for program, field in zip(programs, page.program_fields.values(), strict=False):
            field.setText(f"{program} (grades 9–12)")
        shot("settings")
        page.save_button.click()
        until(lambda: s.pages.currentWidget() is s.attract, "the attract screen again")
        until(lambda: s.attract.school.text() == "Lincoln Middle School", "the school name")
        shot("attract-after-settings")
        visit(closing="closing-program", screens=False)
        flow.forget_visitor()
    finally:
        kiosk.close()
        pool.waitForDone()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
