"""One score, one set of words: the self-check, the skill page and the pack page agree."""

from __future__ import annotations

import random
from typing import Any

from pytestqt.qtbot import QtBot

from mcdesk.study.progress import SkillState
from mcdesk.ui.item_inputs import OrderingInput
from mcdesk.ui.selfcheck_view import SelfCheckView
from mcdesk.ui.skill_view import SkillView
from tests.ui.test_pack_page import _page, shown_texts

ORDERING: dict[str, Any] = {
    "id": "or",
    "type": "ordering",
    "prompt": "Order",
    "feedback": "ABCD.",
    "options": [{"id": x, "text": x.upper()} for x in "abcd"],
    "answer": ["a", "b", "c", "d"],
}


def test_partial_credit_reads_the_same_on_the_pack_page_and_after_a_self_check(
    qtbot: QtBot,
) -> None:
    page = _page(qtbot, states={"plans": SkillState("plans", "studied", 90, True, (5.75, 8))})
    assert "Self-check: 5.75 of 8" in shown_texts(page)  # not "5.8 of 8"

    view = SelfCheckView(seed_source=random.Random(4))
    qtbot.addWidget(view)
    view.start([ORDERING])
    answer = view.current_input()
    assert isinstance(answer, OrderingInput)
    # Two of four in place: a, b, then d and c swapped.
    answer.set_response(["a", "b", "d", "c"])
    view.check()
    view.advance()
    assert "You scored 0.5 of 1 (50%)" in view.prompt.text()  # not "0.5 out of 1"


def test_the_skill_page_and_the_pack_page_show_a_stage_with_one_symbol(qtbot: QtBot) -> None:
    state = SkillState("plans", "mastered", 60, True, (5.0, 5))
    page = _page(qtbot, states={"plans": state})
    skill = SkillView()
    qtbot.addWidget(skill)
    skill.set_state(state)
    assert page.skill_cards["plans"].state.text() == "✔ Self-check mastered"
    assert skill.state_line.text().startswith("✔ Self-check mastered")  # was "★"
