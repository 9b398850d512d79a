"""Ready for assessment: the evidence, what to expect, the teacher's code prompt or a refusal."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from mcdesk.content.skill_states import Readiness
from mcdesk.exam.paper import Evidence
from mcdesk.exam.retake import EXTRA_ATTEMPT, RetakeDecision
from mcdesk.ui.code_prompt import CodePrompt
from mcdesk.ui.ready_view import ALL_MASTERED, CODE_HEADING, NOT_ALL_MASTERED, ReadyView
from mcdesk.ui.theme import apply_theme
from tests.ui.test_pack_page import assert_nothing_clipped

TITLES = {
    "measuring": "Linear Measurement",
    "area": "Area Measurement",
    "volume": "Cubic Measurement",
    "estimation": "Estimation",
}
PART_WAY = Readiness(skills=4, studied=3, mastered=2, weak=("area", "estimation"))
ALL_DONE = Readiness(skills=4, studied=4, mastered=4, weak=())
REFUSAL = "Review Area Measurement first, then you can take the assessment again."


class StandInCodePrompt(QWidget):
    """The owner's code prompt is someone else's widget: a field is all this page needs."""

    def __init__(self) -> None:
        super().__init__()
        self.field = QLineEdit()
        self.field.setAccessibleName("Unlock code")
        QVBoxLayout(self).addWidget(self.field)


def texts(view: QWidget) -> list[str]:
    shown = [label.text() for label in view.findChildren(QLabel) if label.isVisibleTo(view)]
    shown += [b.text() for b in view.findChildren(QAbstractButton) if b.isVisibleTo(view)]
    return shown


def evidence(
    *,
    retake_allowed: bool = True,
    retake_reason: str = "",
    teacher_note: str = "",
    **overrides: Any,
) -> Evidence:
    """What the exam core hands the page; a ``teacher_note`` is an allowance's who and why."""
    fields: dict[str, Any] = {
        "pack_id": "construction-math",
        "title": "Basic Construction Math",
        "readiness": PART_WAY,
        "skill_titles": TITLES,
        "time_limit_minutes": 30,
        "multiplier": 1.0,
        "proficiency": 0.75,
        "items": 12,
        "next_counter": 1,
        "interrupted_attempt": None,
    }
    retake = RetakeDecision(
        allowed=retake_allowed,
        reason=retake_reason or teacher_note,
        allowances=(EXTRA_ATTEMPT,) if teacher_note else (),
    )
    return Evidence(**(fields | overrides), retake=retake)


def ready(qtbot: QtBot, *, code_prompt: QWidget | None = None, **overrides: Any) -> ReadyView:
    view = ReadyView()
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show_ready(evidence(**overrides), code_prompt=code_prompt)
    return view


def test_the_evidence_names_what_is_still_to_work_on(qtbot: QtBot) -> None:
    view = ready(qtbot)
    assert view.evidence.text() == (
        "Skills studied 3 of 4; self-checks mastered 2 of 4; "
        "still to work on: Area Measurement, Estimation"
    )
    assert NOT_ALL_MASTERED in texts(view)  # a gentle note, not a barrier


def test_all_mastered_says_ready(qtbot: QtBot) -> None:
    view = ready(qtbot, readiness=ALL_DONE)
    assert view.evidence.text() == "Skills studied 4 of 4; self-checks mastered 4 of 4"
    assert ALL_MASTERED in texts(view)
    assert NOT_ALL_MASTERED not in texts(view)


@pytest.mark.parametrize(
    ("minutes", "multiplier", "items", "expected"),
    [
        (30, 1.0, 12, "12 questions · 30 minutes · pass mark 75%"),
        (30, 1.5, 12, "12 questions · 30 minutes (45 with your extra time) · pass mark 75%"),
        (25, 1.25, 1, "1 question · 25 minutes (about 31 with your extra time) · pass mark 75%"),
    ],
)
def test_what_to_expect(
    qtbot: QtBot, minutes: float, multiplier: float, items: int, expected: str
) -> None:
    view = ready(qtbot, time_limit_minutes=minutes, multiplier=multiplier, items=items)
    assert view.expect.text() == expected
    assert any("The screen will lock" in text for text in texts(view))


def test_the_code_prompt_is_embedded_under_its_heading(qtbot: QtBot) -> None:
    prompt = StandInCodePrompt()
    view = ready(qtbot, code_prompt=prompt)
    assert CODE_HEADING in texts(view)
    assert view.code_prompt is prompt
    assert view.isAncestorOf(prompt)
    assert prompt.isVisibleTo(view)


def test_a_refused_retake_shows_the_reason_and_no_code_prompt(qtbot: QtBot) -> None:
    prompt = StandInCodePrompt()
    qtbot.addWidget(prompt)
    view = ready(qtbot, retake_allowed=False, retake_reason=REFUSAL, code_prompt=prompt)
    shown = texts(view)
    assert REFUSAL in shown
    assert CODE_HEADING not in shown
    assert NOT_ALL_MASTERED not in shown  # no "you can take it now" beside a refusal
    assert view.code_prompt is None
    assert not view.isAncestorOf(prompt)


def test_showing_the_page_again_keeps_the_owners_code_prompt_alive(qtbot: QtBot) -> None:
    prompt = StandInCodePrompt()
    qtbot.addWidget(prompt)
    view = ready(qtbot, code_prompt=prompt)
    view.show_ready(
        evidence(readiness=ALL_DONE, retake_allowed=False, retake_reason=REFUSAL),
        code_prompt=None,
    )
    qtbot.wait(0)  # let deleteLater run for the old page
    assert prompt.field.accessibleName() == "Unlock code"  # not deleted with the page
    assert not view.isAncestorOf(prompt)


def test_not_now_by_button_and_by_escape(qtbot: QtBot) -> None:
    prompt = StandInCodePrompt()
    view = ready(qtbot, code_prompt=prompt)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    assert view.back_button.accessibleName() == "Not now"
    view.back_button.setFocus()
    with qtbot.waitSignal(view.back, timeout=1000):
        qtbot.keyClick(view.back_button, Qt.Key.Key_Space)
    prompt.field.setFocus()
    with qtbot.waitSignal(view.back, timeout=1000):
        qtbot.keyClick(prompt.field, Qt.Key.Key_Escape)


def test_tab_reaches_the_code_field(qtbot: QtBot) -> None:
    prompt = StandInCodePrompt()
    view = ready(qtbot, code_prompt=prompt)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    view.back_button.setFocus()
    qtbot.keyClick(view.back_button, Qt.Key.Key_Tab)
    assert prompt.field.hasFocus()


def test_every_button_has_an_accessible_name(qtbot: QtBot) -> None:
    view = ready(qtbot)
    for button in view.findChildren(QAbstractButton):
        if button.isVisibleTo(view):
            assert button.accessibleName(), button.text()


def test_never_shows_an_answer_key(qtbot: QtBot) -> None:
    # Titles go in; a key that exists only in the engine's item must not come out.
    secret = {"id": "est-as-1", "answer": "ZEBRA-KEY"}
    view = ready(qtbot)
    assert not any(secret["answer"] in text for text in texts(view))


@pytest.mark.parametrize("allowed", [True, False])
def test_nothing_is_cut_off_at_1024_by_600_with_large_text(
    qtbot: QtBot, themed: QApplication, allowed: bool
) -> None:
    apply_theme(themed, text_scale=150)
    view = ready(
        qtbot,
        retake_allowed=allowed,
        retake_reason=REFUSAL,
        multiplier=1.5,
        code_prompt=StandInCodePrompt(),
    )
    assert_nothing_clipped(qtbot, view)


def test_the_teachers_code_prompt_fits_at_1024_by_600_with_large_text(
    qtbot: QtBot, themed: QApplication
) -> None:
    apply_theme(themed, text_scale=150)
    prompt = CodePrompt()  # the widget the owner really passes in
    prompt.set_counter(12)
    view = ready(qtbot, multiplier=1.5, code_prompt=prompt)
    assert view.isAncestorOf(prompt.field)
    assert_nothing_clipped(qtbot, view)


def test_a_teachers_allowance_is_said_with_who_and_why(qtbot: QtBot) -> None:
    note = "Ms Lee allowed an extra attempt: The fire drill ended her second try"
    view = ready(qtbot, teacher_note=note, code_prompt=StandInCodePrompt())
    assert note in texts(view)
    assert CODE_HEADING in texts(view)
    refused = ready(qtbot, teacher_note=note, retake_allowed=False, retake_reason=REFUSAL)
    assert note not in texts(refused)  # never beside a refusal
