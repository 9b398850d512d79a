"""Render the main screens at 1280×800 into docs/screenshots (`make screenshots`).

Runs the real app on a throwaway MCDESK_HOME with the bundled catalog and drives it as a
learner would: sign in, home, a micro-credential, a lesson, a self-check with feedback,
then high contrast at 150%. Offscreen by default; set QT_QPA_PLATFORM=xcb to use X11.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 800)


def answer_somehow(widget: object) -> None:
    """Give any answer, as a learner having a go would: the first choice, or a number."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget

    assert isinstance(widget, QWidget)
    choices = [b for b in widget.findChildren(QAbstractButton) if b.isCheckable()]
    if choices:
        choices[0].click()
        return
    for field in widget.findChildren(QLineEdit):
        field.setText("120")
    for box in widget.findChildren(QComboBox):
        box.setCurrentIndex(1)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="mcdesk-shots-")
    os.environ["MCDESK_HOME"] = home

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    from mcdesk.paths import resolve_paths
    from mcdesk.study.prefs import ReadingPrefs
    from mcdesk.ui.app import launch
    from mcdesk.ui.study_flow import StudyFlow
    from mcdesk.ui.theme import apply_theme

    app = QApplication([sys.argv[0]])
    app.setApplicationName("mcdesk")
    apply_theme(app)
    pool = QThreadPool()
    window = launch(
        paths=resolve_paths(), pool=pool, finish=app.exit, out=io.StringIO(), err=sys.stderr
    )
    window.showNormal()
    window.resize(*SIZE)

    def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"screenshots: gave up waiting for {what}")
            app.processEvents()
            time.sleep(0.01)
        for _ in range(20):  # let layouts settle and paint
            app.processEvents()

    def shot(name: str) -> None:
        window.resize(*SIZE)
        wait_for(lambda: True, "paint")
        path = OUT / f"{name}.png"
        window.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT)}")

    OUT.mkdir(parents=True, exist_ok=True)
    wait_for(lambda: window.pages.currentWidget() is window.signin_view, "the sign-in screen")
    study = window.study
    assert isinstance(study, StudyFlow)
    signin = window.signin_view
    signin.filter.setText("Fat")
    wait_for(lambda: "Fatima" in signin.chosen.text(), "a name to be picked")
    signin.pin.setText("1234")
    shot("signin")
    signin.sign_in_button.click()
    wait_for(lambda: window.pages.currentWidget() is window.home_view, "home")
    shot("home")

    window.browse_catalog()
    shot("catalog")
    window.search_field.setText("wildcard mask")
    wait_for(lambda: window.pages.currentWidget() is window.results_view, "search results")
    wait_for(lambda: "Searching" not in window.results_view.summary.text(), "search results")
    shot("search")
    window.search_field.clear()

    study.open_pack("basic-construction-math")
    wait_for(lambda: window.pages.currentWidget() is window.pack_page, "the pack page")
    shot("micro-credential")
    study.open_skill("basic-construction-math", "area-measurement")
    wait_for(lambda: window.pages.currentWidget() is window.skill_view, "the skill")
    shot("lesson")

    view = window.skill_view
    view.start_selfcheck_button.click()
    runner = view.selfcheck
    wait_for(lambda: runner.isVisible(), "the self-check")
    answer_somehow(runner.current_input())
    runner.check()
    shot("selfcheck-feedback")

    study.apply_prefs(ReadingPrefs(text_scale=150, high_contrast=True))
    view.pages.setCurrentIndex(0)
    shot("high-contrast-150")
    study.show_home()
    wait_for(lambda: window.pages.currentWidget() is window.home_view, "home")
    shot("home-high-contrast-150")
    study.sign_out()
    pool.waitForDone()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
