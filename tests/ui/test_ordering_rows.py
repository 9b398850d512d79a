"""An ordering list shows each row whole on first display, in the self-check and the assessment."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QListWidget
from pytestqt.qtbot import QtBot

from mcdesk.ui.exam_view import ExamView
from mcdesk.ui.item_inputs import OrderingInput
from mcdesk.ui.selfcheck_view import SelfCheckView
from mcdesk.ui.theme import apply_theme

ORDERING: dict[str, Any] = {
    "id": "or",
    "type": "ordering",
    "prompt": "Put the steps of measuring a board in order",
    "feedback": "Hook, pull, read, mark.",
    "options": [
        {"id": "a", "text": "Hook the tape on the end of the board"},
        {"id": "b", "text": "Pull the tape out to the mark"},
        {"id": "c", "text": "Read the measurement"},
        {"id": "d", "text": "Mark it with a V"},
    ],
    "answer": ["a", "b", "c", "d"],
}


def assert_rows_apart(entries: QListWidget) -> None:
    rects = [entries.visualItemRect(entries.item(row)) for row in range(entries.count())]
    for above, below in itertools.pairwise(rects):
        assert above.bottom() < below.top(), f"rows overlap: {above} and {below}"
        assert above.height() >= entries.sizeHintForRow(0)


@pytest.mark.parametrize("scale", [100, 200])
def test_self_check_ordering_rows_do_not_overlap(
    qtbot: QtBot, themed: QApplication, scale: int
) -> None:
    apply_theme(themed, text_scale=scale)
    view = SelfCheckView(seed_source=random.Random(2))
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.start([ORDERING])
    view.show()
    qtbot.waitExposed(view)
    answer = view.current_input()
    assert isinstance(answer, OrderingInput)
    assert_rows_apart(answer.list)


def test_assessment_ordering_rows_do_not_overlap(qtbot: QtBot, themed: QApplication) -> None:
    view = ExamView()
    qtbot.addWidget(view)
    view.resize(1024, 600)
    view.show()
    items = [{k: v for k, v in ORDERING.items() if k not in ("answer", "feedback")}]
    view.show_paper(
        title="Basic Construction Math",
        items=items,
        answers={},
        flagged=set(),
        remaining_s=1800.0,
    )
    qtbot.waitExposed(view)
    answer = view.question.current_input()
    assert isinstance(answer, OrderingInput)
    assert_rows_apart(answer.list)
