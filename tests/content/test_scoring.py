from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcdesk.protocol.scoring import parse_number, response_problem, score_item

CHOICE = {"type": "single_choice", "answer": "b", "options": [{"id": "a"}, {"id": "b"}]}
MULTI = {"type": "multiple_response", "answer": ["a", "c"]}
TF = {"type": "true_false", "answer": False}
NUMERIC = {"type": "numeric", "answer": 5.75, "tolerance": 0.01, "unit": "in"}
SHORT = {"type": "short_text", "answer": {"accepted": ["ohm", "ohms"], "pattern": r"^Ω$"}}
ORDER = {"type": "ordering", "answer": ["b", "c", "a"]}
MATCH = {"type": "matching", "answer": {"p1": "x", "p2": "y"}}


@pytest.mark.parametrize(
    ("item", "response", "credit", "correct"),
    [
        (CHOICE, "b", 1.0, True),
        (CHOICE, "a", 0.0, False),
        (CHOICE, ["b"], 0.0, False),
        (MULTI, ["c", "a"], 1.0, True),
        (MULTI, ["a"], 0.5, False),
        (MULTI, ["a", "b"], 0.0, False),
        (MULTI, ["a", "b", "c"], 0.5, False),
        (MULTI, "a", 0.0, False),
        (TF, False, 1.0, True),
        (TF, True, 0.0, False),
        (TF, 0, 0.0, False),
        (NUMERIC, "5 3/4", 1.0, True),
        (NUMERIC, "5.75 in", 1.0, True),
        (NUMERIC, '5.75"', 1.0, True),
        (NUMERIC, "23/4", 1.0, True),
        (NUMERIC, "5.8", 0.0, False),
        (NUMERIC, "five", 0.0, False),
        (NUMERIC, 5.75, 1.0, True),
        (SHORT, "  OHMS ", 1.0, True),
        (SHORT, "ω", 1.0, True),
        (SHORT, "volt", 0.0, False),
        (ORDER, ["b", "c", "a"], 1.0, True),
        (ORDER, ["b", "a", "c"], 1 / 3, False),
        (MATCH, {"p1": "x", "p2": "y"}, 1.0, True),
        (MATCH, {"p1": "x", "p2": "x"}, 0.5, False),
        (MATCH, ["x"], 0.0, False),
    ],
)
def test_every_type_right_wrong_and_partial(
    item: dict[str, Any], response: Any, credit: float, correct: bool
) -> None:
    score = score_item(item, response)
    assert score.credit == pytest.approx(credit)
    assert score.correct is correct


@pytest.mark.parametrize("item", [CHOICE, MULTI, TF, NUMERIC, SHORT, ORDER, MATCH])
def test_no_answer_scores_zero(item: dict[str, Any]) -> None:
    assert score_item(item, None).credit == 0.0


@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.text(),
        st.lists(st.text()),
        st.dictionaries(st.text(), st.text()),
    )
)
def test_any_response_gets_a_credit_between_0_and_1(response: Any) -> None:
    for item in (CHOICE, MULTI, TF, NUMERIC, SHORT, ORDER, MATCH):
        assert 0.0 <= score_item(item, response).credit <= 1.0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,200", 1200.0),
        ("0.75", 0.75),
        (".5", 0.5),
        ("-3/4", -0.75),
        ("2 1/2", 2.5),
        ("1/0", None),
        ("", None),
        ("1,20", None),
    ],
)
def test_numbers_as_learners_type_them(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["12", "12.5", "3/4", "2 7/16", "-3", "2 7/16 in", 12, 0.5])
def test_what_a_learner_types_for_a_length_is_an_answer(text: object) -> None:
    item = {"type": "numeric", "answer": 12, "unit": "in"}
    assert response_problem(item, text) is None


@pytest.mark.parametrize("text", ["abc", "sixty", "12 feet", "3 0", "1/0", True, "9" * 5000])
def test_anything_else_in_a_number_box_asks_for_a_number(text: object) -> None:
    item = {"type": "numeric", "answer": 12, "unit": "in"}
    assert response_problem(item, text) == "Type a number, like 2 7/16"
    assert score_item(item, text).credit == 0.0  # the server's re-score never raises on it


def test_other_item_types_take_any_response_to_score() -> None:
    assert response_problem({"type": "short_text", "answer": {}}, "sixty") is None
