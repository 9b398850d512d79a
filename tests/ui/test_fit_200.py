"""Every learner screen at 1024×600 with 200% text: nothing cut short, nothing squeezed.

The study screens are reached through the real app on a real store, as a learner would;
the Ready page, the assessment and the result page are filled with their data at the
size they get in the window. ``tests/ui/fit.py`` holds the checks, for other screens too.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.study.prefs import ReadingPrefs
from mcdesk.ui.exam_view import ExamView
from mcdesk.ui.item_inputs import TextInput
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.selfcheck_view import SelfCheckView
from mcdesk.ui.study_flow import StudyFlow
from tests.ui.conftest import Launched
from tests.ui.fit import assert_fits, large_text
from tests.ui.shown_items import ITEMS
from tests.ui.test_ready_view import ready
from tests.ui.test_result_view import result

StartApp = Callable[..., Launched]
WAIT = 30_000
SMALL_SCREEN = (1024, 600)
PAGE_AREA = (1024, 475)  # what the window leaves a page at 200% text on that screen


def _on(qtbot: QtBot, window: MainWindow, page: QWidget) -> None:
    qtbot.waitUntil(lambda: window.pages.currentWidget() is page, timeout=WAIT)


def _app_at(
    start_app: StartApp, qtbot: QtBot, *, size: tuple[int, int], contrast: bool
) -> MainWindow:
    window = start_app().window
    window.showNormal()
    window.resize(*size)
    _on(qtbot, window, window.signin_view)
    qtbot.waitUntil(lambda: window.signin_view.names.count() > 0, timeout=WAIT)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    large_text(app, scale=200, high_contrast=contrast)  # the sign-in screen, before any prefs
    return window


def _sign_in(qtbot: QtBot, window: MainWindow, *, contrast: bool) -> StudyFlow:
    view = window.signin_view
    qtbot.keyClicks(view.filter, "Grace Kim")
    qtbot.keyClick(view.filter, Qt.Key.Key_Return)
    qtbot.keyClicks(view.pin, "1234")
    qtbot.keyClick(view.pin, Qt.Key.Key_Return)
    _on(qtbot, window, window.home_view)
    study = window.study
    assert isinstance(study, StudyFlow)
    study.apply_prefs(ReadingPrefs(text_scale=200, high_contrast=contrast))
    return study


def test_every_study_screen_fits_at_1024_by_600_with_200_percent_text(
    start_app: StartApp, bundled: Path, qtbot: QtBot, themed: QApplication
) -> None:
    window = _app_at(start_app, qtbot, size=SMALL_SCREEN, contrast=False)
    assert_fits(qtbot, window, screen="sign-in")
    study = _sign_in(qtbot, window, contrast=False)
    assert_fits(qtbot, window, screen="home")
    window.browse_catalog()
    _on(qtbot, window, window.catalog_view)
    assert_fits(qtbot, window, screen="catalog")
    study.open_pack("carpentry-basics")
    _on(qtbot, window, window.pack_page)
    assert_fits(qtbot, window, screen="pack page")

    qtbot.keyClick(window.pack_page.skill_cards["measuring"], Qt.Key.Key_Return)
    _on(qtbot, window, window.skill_view)
    skill = window.skill_view
    assert_fits(qtbot, window, screen="lesson")
    assert skill.lesson.height() >= 6 * skill.lesson.fontMetrics().height()  # not one line
    skill.lesson.setFocus()
    qtbot.keyClick(skill.lesson, Qt.Key.Key_Tab)  # a keyword: its definition shows whole
    assert "A vertical framing member in a wall." in skill.definition_box.text()
    assert_fits(qtbot, window, screen="lesson with a keyword's definition")

    qtbot.mouseClick(skill.start_selfcheck_button, Qt.MouseButton.LeftButton)
    assert_fits(qtbot, window, screen="self-check")
    runner = skill.selfcheck
    answer = runner.current_input()
    answer.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    runner.check()
    assert runner.feedback.isVisible()
    assert_fits(qtbot, window, screen="self-check feedback")


def test_a_definition_is_whole_at_1280_by_800_with_200_percent_and_high_contrast(
    start_app: StartApp, bundled: Path, qtbot: QtBot, themed: QApplication
) -> None:
    window = _app_at(start_app, qtbot, size=(1280, 800), contrast=True)
    study = _sign_in(qtbot, window, contrast=True)
    study.open_skill("carpentry-basics", "measuring")
    _on(qtbot, window, window.skill_view)
    skill = window.skill_view
    skill.keyword_list.setFocus()
    skill.keyword_list.setCurrentRow(0)
    assert "A vertical framing member in a wall." in skill.definition_box.text()
    box = skill.definition_box
    assert_fits(qtbot, window, screen="lesson in high contrast")
    assert box.height() >= box.heightForWidth(box.width())  # not cut to one line


def _themed_page(qtbot: QtBot, page: QWidget, *, size: tuple[int, int] = PAGE_AREA) -> None:
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)


def test_a_numeric_self_check_with_its_refusal_and_feedback_fits(
    qtbot: QtBot, themed: QApplication
) -> None:
    large_text(themed)
    view = SelfCheckView(seed_source=random.Random(1))
    item: dict[str, Any] = {**ITEMS["numeric"], "feedback": "3 × 12 = 36.", "answer": 36}
    view.start([item])
    _themed_page(qtbot, view)
    answer = view.current_input()
    assert isinstance(answer, TextInput)
    qtbot.keyClicks(answer.edit, "sixty")
    view.check()
    assert answer.refusal.isVisible()
    assert_fits(qtbot, view, screen="number refused")


def test_the_ready_page_fits(qtbot: QtBot, themed: QApplication) -> None:
    large_text(themed)
    view = ready(qtbot)
    _themed_page(qtbot, view)
    assert_fits(qtbot, view, screen="ready page")


@pytest.mark.parametrize("kind", ["single_choice", "numeric", "ordering", "matching"])
def test_the_assessment_fits(qtbot: QtBot, themed: QApplication, kind: str) -> None:
    large_text(themed)
    view = ExamView()
    _themed_page(qtbot, view, size=SMALL_SCREEN)  # the locked window has the whole screen
    view.show_paper(
        title="Basic Construction Math",
        items=[ITEMS[kind], ITEMS["true_false"]],
        answers={},
        flagged=set(),
        remaining_s=1800.0,
    )
    assert_fits(qtbot, view, screen=f"assessment, {kind}")


@pytest.mark.parametrize("passed", [False, True])
def test_the_result_page_fits(qtbot: QtBot, themed: QApplication, passed: bool) -> None:
    large_text(themed)
    view = result(qtbot, passed=passed)
    _themed_page(qtbot, view)
    assert_fits(qtbot, view, screen="result page")


@pytest.mark.parametrize("contrast", [False, True])
def test_a_text_field_keeps_its_size_when_it_takes_focus(
    qtbot: QtBot, themed: QApplication, contrast: bool
) -> None:
    large_text(themed, high_contrast=contrast)
    holder = QWidget()
    field, other = QLineEdit(holder), QLineEdit(holder)
    _themed_page(qtbot, holder, size=(400, 200))
    other.setFocus()
    unfocused = field.sizeHint()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.style().unpolish(field)
    field.style().polish(field)
    assert field.sizeHint() == unfocused
