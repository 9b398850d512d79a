"""The result page: pass or not yet in words, per-skill results, review buttons, no answers."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QProgressBar, QWidget
from pytestqt.qtbot import QtBot

from mcdesk.ui.result_view import EXPIRED_NOTE, NOT_YET, PASSED, ResultView, percent
from mcdesk.ui.theme import apply_theme
from tests.ui.test_pack_page import assert_nothing_clipped

RETAKE = "You can retake after you review these skills; at most 2 attempts a day"
SKILLS = [
    ("measuring", "Linear Measurement", 1.0, True),
    ("area", "Area Measurement", 0.6666, False),
    ("estimation", "Estimation", 0.3333, False),
]
REVIEW = [("area", "Area Measurement"), ("estimation", "Estimation")]
# What a scored item looks like in the engine; the view must never be able to show its key.
SECRET_KEY_ITEM: dict[str, Any] = {"id": "area-as-1", "answer": "154 sq ft ZEBRA-KEY"}


def texts(view: QWidget) -> list[str]:
    shown = [label.text() for label in view.findChildren(QLabel) if label.isVisibleTo(view)]
    shown += [b.text() for b in view.findChildren(QAbstractButton) if b.isVisibleTo(view)]
    shown += [w.accessibleName() for w in view.findChildren(QWidget) if w.isVisibleTo(view)]
    return shown


def result(qtbot: QtBot, **overrides: Any) -> ResultView:
    view = ResultView()
    qtbot.addWidget(view)
    view.resize(1024, 600)
    args: dict[str, Any] = {
        "title": "Basic Construction Math",
        "passed": False,
        "score_ratio": 0.58,
        "proficiency": 0.75,
        "skills": SKILLS,
        "review": REVIEW,
        "retake_text": RETAKE,
        "ended_by": "submitted",
    }
    view.show_result(**(args | overrides))
    return view


def test_not_yet_says_so_in_words_with_the_score_and_pass_mark(qtbot: QtBot) -> None:
    view = result(qtbot)
    shown = texts(view)
    assert view.outcome.text() == NOT_YET
    assert view.outcome.accessibleName() == "Not yet"
    assert PASSED not in shown
    assert "Your score: 58% · pass mark 75%" in shown
    assert RETAKE in shown
    assert EXPIRED_NOTE not in shown


def test_a_pass_says_so_in_words_and_a_symbol(qtbot: QtBot) -> None:
    view = result(
        qtbot,
        passed=True,
        score_ratio=0.9,
        skills=[(s, t, 0.9, True) for s, t, _, _ in SKILLS],
        review=[],
        retake_text="",
    )
    assert view.outcome.text() == "You passed 🎉"
    assert view.outcome.accessibleName() == "You passed"
    shown = texts(view)
    assert "Your score: 90% · pass mark 75%" in shown
    assert "Skills to review" not in shown
    assert view.review_buttons == {}


def test_each_skill_has_a_bar_and_words_met_or_not_yet(qtbot: QtBot) -> None:
    view = result(qtbot)
    shown = texts(view)
    assert "100% · ✔ Met" in shown
    assert "66% · ○ Not yet" in shown
    assert "33% · ○ Not yet" in shown
    bars = [bar for bar in view.findChildren(QProgressBar) if bar.isVisibleTo(view)]
    assert [bar.value() for bar in bars] == [100, 66, 33]
    assert bars[1].accessibleName() == "Area Measurement: 66%, not yet met"


def test_a_score_just_under_the_pass_mark_never_reads_as_the_pass_mark() -> None:
    assert percent(0.7499) == 74
    assert percent(0.75) == 75
    assert percent(0.29) == 29  # 0.29 * 100 is 28.999… in floating point
    assert percent(1.2) == 100


def test_time_up_is_explained(qtbot: QtBot) -> None:
    view = result(qtbot, ended_by="expired", server_note="Your result is sent when online.")
    shown = texts(view)
    assert EXPIRED_NOTE in shown
    assert "Your result is sent when online." in shown


def test_review_buttons_and_home_by_keyboard(qtbot: QtBot) -> None:
    view = result(qtbot)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    assert list(view.review_buttons) == ["area", "estimation"]
    button = view.review_buttons["estimation"]
    assert button.accessibleName() == "Review Estimation"
    button.setFocus()
    with qtbot.waitSignal(view.review_skill, timeout=1000) as signal:
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert signal.args == ["estimation"]
    qtbot.keyClick(button, Qt.Key.Key_Tab)
    assert view.done_button.hasFocus()
    assert view.done_button.text() == "Back to my home"
    with qtbot.waitSignal(view.done, timeout=1000):
        qtbot.keyClick(view.done_button, Qt.Key.Key_Return)


def test_every_button_has_an_accessible_name(qtbot: QtBot) -> None:
    view = result(qtbot)
    for button in view.findChildren(QAbstractButton):
        if button.isVisibleTo(view):
            assert button.accessibleName(), button.text()


def test_never_shows_an_answer_key(qtbot: QtBot) -> None:
    view = result(qtbot)
    assert not any("ZEBRA-KEY" in text for text in texts(view))
    assert not any("154 sq ft" in text for text in texts(view))


def test_showing_another_result_replaces_the_last(qtbot: QtBot) -> None:
    view = result(qtbot)
    view.show_result(
        title="Electrical Basics",
        passed=True,
        score_ratio=1.0,
        proficiency=0.8,
        skills=[("ohm", "Ohm's Law", 1.0, True)],
        review=[],
        retake_text="",
        ended_by="submitted",
    )
    shown = texts(view)
    assert "Estimation" not in " ".join(shown)
    assert "Your score: 100% · pass mark 80%" in shown


@pytest.mark.parametrize("ended_by", ["submitted", "expired"])
def test_nothing_is_cut_off_at_1024_by_600_with_large_text(
    qtbot: QtBot, themed: QApplication, ended_by: str
) -> None:
    apply_theme(themed, text_scale=150)
    view = result(qtbot, ended_by=ended_by, server_note="Sent to the server when online.")
    assert_nothing_clipped(qtbot, view)
