"""Saved answers come back into every answer widget after a crash, silently and exactly."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox
from pytestqt.qtbot import QtBot

from mcdesk.ui.item_inputs import ItemInput, OrderingInput, make_item_input
from tests.ui.shown_items import ITEMS

SAVED: dict[str, Any] = {
    "single_choice": "b",
    "multiple_response": ["a", "c"],
    "true_false": False,
    "numeric": "5 3/4",
    "short_text": "ohms",
    "ordering": ["c", "a", "b"],
    "matching": {"p": "c", "q": "a"},
}


def made(qtbot: QtBot, kind: str) -> ItemInput:
    widget = make_item_input(ITEMS[kind])
    qtbot.addWidget(widget)
    return widget


def checked_texts(widget: ItemInput) -> list[str]:
    return [b.text() for b in widget.findChildren(QAbstractButton) if b.isChecked()]


@pytest.mark.parametrize("kind", list(ITEMS))
def test_a_saved_response_comes_back_as_the_same_response(qtbot: QtBot, kind: str) -> None:
    widget = made(qtbot, kind)
    widget.set_response(SAVED[kind])
    assert widget.response() == SAVED[kind]
    assert type(widget.response()) is type(SAVED[kind])


@pytest.mark.parametrize("kind", list(ITEMS))
def test_restoring_is_not_answering_no_changed_signal(qtbot: QtBot, kind: str) -> None:
    widget = made(qtbot, kind)
    changes: list[None] = []
    widget.changed.connect(lambda: changes.append(None))
    widget.set_response(SAVED[kind])
    widget.set_response(None)
    assert changes == []


@pytest.mark.parametrize("kind", [k for k in ITEMS if k != "ordering"])
def test_none_clears_a_restored_answer(qtbot: QtBot, kind: str) -> None:
    widget = made(qtbot, kind)
    widget.set_response(SAVED[kind])
    widget.set_response(None)
    assert widget.response() is None


def test_the_restored_answer_is_what_the_learner_sees(qtbot: QtBot) -> None:
    single = made(qtbot, "single_choice")
    single.set_response("b")
    assert checked_texts(single) == ["Beta"]
    many = made(qtbot, "multiple_response")
    many.set_response(["a", "c"])
    assert checked_texts(many) == ["Alpha", "Gamma"]
    true_false = made(qtbot, "true_false")
    true_false.set_response(False)
    assert checked_texts(true_false) == ["False"]
    ordering = made(qtbot, "ordering")
    assert isinstance(ordering, OrderingInput)
    ordering.set_response(["c", "a", "b"])
    assert [ordering.list.item(i).text() for i in range(3)] == ["Gamma", "Alpha", "Beta"]
    matching = made(qtbot, "matching")
    matching.set_response({"p": "c", "q": "a"})
    assert [box.currentText() for box in matching.findChildren(QComboBox)] == ["Gamma", "Alpha"]


def test_a_restored_single_choice_can_still_be_changed_by_keyboard(qtbot: QtBot) -> None:
    widget = made(qtbot, "single_choice")
    widget.set_response("a")
    with qtbot.waitSignal(widget.changed, timeout=1000):
        beta = next(b for b in widget.findChildren(QAbstractButton) if b.text() == "Beta")
        qtbot.keyClick(beta, Qt.Key.Key_Space)
    assert widget.response() == "b"  # still exclusive after the restore


def test_true_is_not_mistaken_for_an_option_whose_id_equals_it(qtbot: QtBot) -> None:
    widget = made(qtbot, "true_false")
    widget.set_response(1)  # not a bool: not a saved true_false answer
    assert widget.response() is None


def test_an_ordering_without_a_saved_order_keeps_the_order_drawn(qtbot: QtBot) -> None:
    widget = made(qtbot, "ordering")
    widget.set_response(None)
    assert widget.response() == ["a", "b", "c"]
