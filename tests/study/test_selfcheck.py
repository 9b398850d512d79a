from __future__ import annotations

from typing import Any

import pytest

from mcdesk.protocol.items.registry import answer_text as right_answer_text
from mcdesk.study.selfcheck import SelfCheckRun

ITEMS: list[dict[str, Any]] = [
    {"id": "q1", "type": "true_false", "prompt": "p", "feedback": "f1", "answer": True},
    {
        "id": "q2",
        "type": "single_choice",
        "prompt": "p",
        "feedback": "f2",
        "answer": "b",
        "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
    },
    {
        "id": "q3",
        "type": "ordering",
        "prompt": "p",
        "feedback": "f3",
        "answer": ["x", "y", "z"],
        "options": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}],
    },
    {
        "id": "q4",
        "type": "numeric",
        "prompt": "p",
        "feedback": "f4",
        "answer": 36,
        "tolerance": 0,
        "unit": "in",
    },
    {
        "id": "q5",
        "type": "matching",
        "prompt": "p",
        "feedback": "f5",
        "answer": {"p1": "m", "p2": "n"},
        "prompts": [{"id": "p1", "text": "one"}, {"id": "p2", "text": "two"}],
        "options": [{"id": "m", "text": "M"}, {"id": "n", "text": "N"}],
    },
]
RIGHT = {"q1": True, "q2": "b", "q3": ["x", "y", "z"], "q4": "36", "q5": {"p1": "m", "p2": "n"}}


def _play(run: SelfCheckRun, answers: dict[str, Any]) -> None:
    while not run.finished:
        run.answer(answers.get(run.current["id"]))
        run.next()


def test_a_retry_draws_a_fresh_order() -> None:
    orders = {
        tuple(item["id"] for item in SelfCheckRun(ITEMS, seed=seed).items) for seed in range(20)
    }
    assert len(orders) > 5


def test_ordering_items_are_never_shown_already_solved() -> None:
    for seed in range(50):
        shown = next(i for i in SelfCheckRun(ITEMS, seed=seed).items if i["id"] == "q3")
        assert [o["id"] for o in shown["options"]] != ["x", "y", "z"]


def test_feedback_explains_and_gives_the_key() -> None:
    run = SelfCheckRun(ITEMS, seed=1)
    while run.current["id"] != "q5":
        run.answer(None)
        run.next()
    feedback = run.answer({"p1": "m", "p2": "m"})
    assert (feedback.score.credit, feedback.score.correct) == (0.5, False)
    assert feedback.explanation == "f5"
    assert feedback.right_answer == "one → M; two → N"
    with pytest.raises(ValueError, match="already answered"):
        run.answer(RIGHT["q5"])


def test_mastery_needs_80_percent_of_the_latest_run() -> None:
    all_right = SelfCheckRun(ITEMS, seed=3)
    _play(all_right, RIGHT)
    assert (all_right.credit, all_right.mastered) == (5.0, True)
    four = SelfCheckRun(ITEMS, seed=3)
    _play(four, {**RIGHT, "q4": "35"})
    assert four.mastered  # 4 of 5 is 80 %
    three = SelfCheckRun(ITEMS, seed=3)
    _play(three, {**RIGHT, "q4": "35", "q1": False})
    assert not three.mastered


def test_you_answer_before_moving_on() -> None:
    run = SelfCheckRun(ITEMS, seed=0)
    with pytest.raises(ValueError, match="answer this item first"):
        run.next()


@pytest.mark.parametrize(
    ("item_id", "text"), [("q1", "True"), ("q2", "B"), ("q3", "X → Y → Z"), ("q4", "36 in")]
)
def test_keys_in_words(item_id: str, text: str) -> None:
    assert right_answer_text(next(i for i in ITEMS if i["id"] == item_id)) == text


def test_a_word_for_a_number_is_refused_not_graded() -> None:
    run = SelfCheckRun([ITEMS[3]], seed=1)
    with pytest.raises(ValueError, match="Type a number, like 2 7/16"):
        run.answer("sixty")
    assert run.scores == {}
    assert run.responses == {}
    assert run.answer("2 7/16").score.correct is False  # a number, so graded
