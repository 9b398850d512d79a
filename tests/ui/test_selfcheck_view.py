"""Every item type answered right and wrong, by mouse and by keyboard alone."""

from __future__ import annotations

import random
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox
from pytestqt.qtbot import QtBot

from mcdesk.ui.item_inputs import (
    ChoiceInput,
    MatchingInput,
    OrderingInput,
    TextInput,
    make_item_input,
)
from mcdesk.ui.selfcheck_view import SelfCheckView

OPTIONS = [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}, {"id": "c", "text": "Gamma"}]
ITEMS: dict[str, dict[str, Any]] = {
    "single_choice": {
        "id": "sc",
        "type": "single_choice",
        "prompt": "Pick Beta",
        "feedback": "B.",
        "options": OPTIONS,
        "answer": "b",
    },
    "multiple_response": {
        "id": "mr",
        "type": "multiple_response",
        "prompt": "A and C",
        "feedback": "AC.",
        "options": OPTIONS,
        "answer": ["a", "c"],
    },
    "true_false": {
        "id": "tf",
        "type": "true_false",
        "prompt": "True?",
        "feedback": "Yes.",
        "answer": True,
    },
    "numeric": {
        "id": "nu",
        "type": "numeric",
        "prompt": "3 ft in inches",
        "feedback": "36.",
        "answer": 36,
        "tolerance": 0,
        "unit": "in",
    },
    "short_text": {
        "id": "st",
        "type": "short_text",
        "prompt": "Unit of resistance",
        "feedback": "Ohm.",
        "answer": {"accepted": ["ohm", "ohms"]},
    },
    "ordering": {
        "id": "or",
        "type": "ordering",
        "prompt": "Order",
        "feedback": "ABC.",
        "options": OPTIONS,
        "answer": ["a", "b", "c"],
    },
    "matching": {
        "id": "ma",
        "type": "matching",
        "prompt": "Match",
        "feedback": "M.",
        "prompts": [{"id": "p", "text": "P"}, {"id": "q", "text": "Q"}],
        "options": OPTIONS,
        "answer": {"p": "b", "q": "c"},
    },
}


def answer_with_keyboard(qtbot: QtBot, widget: Any, item: dict[str, Any], *, right: bool) -> None:
    """Answer using only keys, the way a keyboard user would."""
    kind = item["type"]
    widget.setFocus()
    if isinstance(widget, ChoiceInput):
        values = [o["id"] for o in item.get("options", [])] or [True, False]
        texts = {o["id"]: o["text"] for o in item.get("options", [])} or {
            True: "True",
            False: "False",
        }
        wanted = item["answer"] if right else next(v for v in values if v != item["answer"])
        for value in wanted if isinstance(wanted, list) else [wanted]:
            button = next(
                b for b in widget.findChildren(QAbstractButton) if b.text() == texts[value]
            )
            button.setFocus()
            qtbot.keyClick(button, Qt.Key.Key_Space)
    elif isinstance(widget, TextInput):
        wrong = "30" if kind == "numeric" else "3 0"  # a wrong number: a word is refused
        text = wrong if not right else ("36 in" if kind == "numeric" else " OHMS ")
        qtbot.keyClicks(widget.edit, text)
    elif isinstance(widget, OrderingInput):
        order = [
            widget.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.list.count())
        ]
        target = item["answer"] if right else list(reversed(item["answer"]))
        for position, option_id in enumerate(target):
            widget.list.setCurrentRow(order.index(option_id))
            for _ in range(order.index(option_id) - position):
                qtbot.keyClick(widget.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
            order.remove(option_id)
            order.insert(position, option_id)
    elif isinstance(widget, MatchingInput):
        for box, prompt_id in zip(widget.findChildren(QComboBox), ["p", "q"], strict=True):
            chosen = item["answer"][prompt_id] if right else "a"
            box.setFocus()
            for _ in range([o["id"] for o in item["options"]].index(chosen) + 1):
                qtbot.keyClick(box, Qt.Key.Key_Down)


def shown(qtbot: QtBot, seed: int) -> SelfCheckView:
    """A runner in an active window, so keyboard focus behaves as on a desktop."""
    view = SelfCheckView(seed_source=random.Random(seed))
    qtbot.addWidget(view)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


@pytest.mark.parametrize("kind", list(ITEMS))
@pytest.mark.parametrize("right", [True, False])
def test_every_type_answered_right_and_wrong_by_keyboard(
    qtbot: QtBot, kind: str, right: bool
) -> None:
    view = shown(qtbot, 7)
    view.start([ITEMS[kind]])
    answer_with_keyboard(qtbot, view.current_input(), ITEMS[kind], right=right)
    qtbot.keyClick(view.check_button, Qt.Key.Key_Return)
    text = view.feedback.text()
    assert view.feedback.isVisible()
    assert ("✓ Correct." in text) is right
    assert ITEMS[kind]["feedback"] in text
    if not right:
        assert "Answer:" in text
    assert view.next_button.hasFocus()


def test_a_whole_self_check_by_keyboard_alone_ends_with_a_score(qtbot: QtBot) -> None:
    view = shown(qtbot, 3)
    items = list(ITEMS.values())
    view.start(items)
    with qtbot.waitSignal(view.finished) as done:
        for _ in items:
            item = next(i for i in items if i["id"] == view.run.current["id"])
            answer_with_keyboard(
                qtbot, view.current_input(), view.run.current, right=item["id"] != "tf"
            )
            qtbot.keyClick(view.check_button, Qt.Key.Key_Return)
            qtbot.keyClick(view.next_button, Qt.Key.Key_Return)
    credit, total, responses = done.args
    assert (credit, total) == (6.0, 7)
    assert set(responses) == {i["id"] for i in items}
    assert "You scored 6 of 7 (86%)" in view.prompt.text()  # issue 9.14: one score format
    assert "Mastered!" in view.how.text()
    assert view.retry_button.hasFocus()


def test_checking_without_an_answer_asks_for_one(qtbot: QtBot) -> None:
    view = SelfCheckView(seed_source=random.Random(1))
    qtbot.addWidget(view)
    view.show()
    view.start([ITEMS["numeric"]])
    view.check()
    assert "Answer the question first" in view.feedback.text()
    assert view.check_button.isVisible()


def test_try_again_draws_a_new_order(qtbot: QtBot) -> None:
    view = SelfCheckView(seed_source=random.Random(5))
    qtbot.addWidget(view)
    view.start(list(ITEMS.values()))
    orders = set()
    for _ in range(6):
        orders.add(tuple(item["id"] for item in view.run.items))
        view.restart()
    assert len(orders) > 1


def test_inputs_report_no_response_until_answered(qtbot: QtBot) -> None:
    for kind, item in ITEMS.items():
        widget = make_item_input(item)
        qtbot.addWidget(widget)
        if kind != "ordering":  # a list always has some order
            assert widget.response() is None, kind
