"""A number box takes what a learner types for a length, and asks again for anything else."""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mcdesk.ui.exam_view import ExamView
from mcdesk.ui.item_inputs import TextInput
from mcdesk.ui.selfcheck_view import SelfCheckView
from tests.ui.shown_items import ITEMS

ASK = "Type a number, like 2 7/16"
NUMERIC: dict[str, Any] = {
    "id": "nu",
    "type": "numeric",
    "prompt": "3 ft in inches",
    "feedback": "36.",
    "answer": 36,
    "tolerance": 0,
    "unit": "in",
}


def number_box(widget: object) -> TextInput:
    assert isinstance(widget, TextInput)
    return widget


def test_the_unit_is_shown_beside_the_box(qtbot: QtBot) -> None:
    view = SelfCheckView(seed_source=random.Random(1))
    qtbot.addWidget(view)
    view.start([NUMERIC])
    view.show()
    box = number_box(view.current_input())
    assert "in" in [label.text() for label in box.findChildren(type(box.refusal))]
    assert box.edit.accessibleName() == "Your answer, in in"


@pytest.mark.parametrize("typed", ["sixty", "abc", "3 0"])
def test_a_word_in_a_self_check_asks_for_a_number_and_grades_nothing(
    qtbot: QtBot, typed: str
) -> None:
    view = SelfCheckView(seed_source=random.Random(1))
    qtbot.addWidget(view)
    view.start([NUMERIC])
    view.show()
    box = number_box(view.current_input())
    qtbot.keyClicks(box.edit, typed)
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert box.refusal.isVisible()
    assert box.refusal.text() == ASK
    assert box.edit.accessibleDescription() == ASK
    assert not view.feedback.isVisible()  # not "✗ Not quite."
    assert view.run.scores == {}
    assert view.check_button.isVisible()
    box.edit.clear()
    qtbot.keyClicks(box.edit, "2 7/16")
    assert not box.refusal.isVisible()  # gone as soon as the text is a number
    qtbot.keyClick(box.edit, Qt.Key.Key_Return)
    assert "✗ Not quite." in view.feedback.text()  # a number: graded


@pytest.mark.parametrize("typed", ["12", "12.5", "3/4", "2 7/16", "-3"])
def test_lengths_as_learners_type_them_are_checked(qtbot: QtBot, typed: str) -> None:
    view = SelfCheckView(seed_source=random.Random(1))
    qtbot.addWidget(view)
    view.start([NUMERIC])
    view.show()
    box = number_box(view.current_input())
    qtbot.keyClicks(box.edit, typed)
    view.check()
    assert not box.refusal.isVisible()
    assert view.feedback.isVisible()
    assert list(view.run.responses.values()) == [typed]


def test_a_word_in_an_assessment_number_box_is_not_saved(qtbot: QtBot) -> None:
    view = ExamView()
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    view.show_paper(
        title="Basic Construction Math",
        items=[ITEMS["numeric"]],
        answers={},
        flagged=set(),
        remaining_s=1800.0,
    )
    sent: list[tuple[str, Any]] = []
    view.answered.connect(lambda item_id, response: sent.append((item_id, response)))
    box = number_box(view.question.current_input())
    qtbot.keyClicks(box.edit, "abc")
    view.flush_pending()
    assert sent == []
    assert box.refusal.text() == ASK
    assert box.refusal.isVisible()
    assert "Saved" not in view.question.save_label.text().replace("Not saved", "")
    box.edit.clear()
    qtbot.keyClicks(box.edit, "2 7/16")
    view.flush_pending()
    assert sent == [("nu", "2 7/16")]
    assert not box.refusal.isVisible()
