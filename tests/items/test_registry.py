"""Every item type has one model, and the registry answers for it without a switch."""

from __future__ import annotations

from typing import Any

import pytest

from mcdesk.protocol.items.registry import (
    ITEM_TYPES,
    MODELS,
    SHUFFLED_TYPES,
    answer_text,
    item_problems,
    parse_item,
)

OPTIONS = [{"id": "a", "text": "Alpha"}, {"id": "b", "text": "Beta"}]
ITEMS: dict[str, dict[str, Any]] = {
    "single_choice": {"type": "single_choice", "options": OPTIONS, "answer": "b"},
    "multiple_response": {"type": "multiple_response", "options": OPTIONS, "answer": ["a", "b"]},
    "true_false": {"type": "true_false", "answer": False},
    "numeric": {"type": "numeric", "answer": 2.5, "unit": "in", "tolerance": 0.125},
    "short_text": {"type": "short_text", "answer": {"accepted": ["plumb", "level"]}},
    "ordering": {"type": "ordering", "options": OPTIONS, "answer": ["b", "a"]},
    "matching": {
        "type": "matching",
        "prompts": [{"id": "p", "text": "Pipe"}],
        "options": OPTIONS,
        "answer": {"p": "a"},
    },
}
TEXTS = {
    "single_choice": "Beta",
    "multiple_response": "Alpha; Beta",
    "true_false": "False",
    "numeric": "2.5 in (± 0.125)",
    "short_text": "plumb or level",
    "ordering": "Beta → Alpha",
    "matching": "Pipe → Alpha",
}


def test_the_seven_types_in_the_order_authors_are_told_them() -> None:
    assert tuple(ITEMS) == ITEM_TYPES
    assert {MODELS[name].TYPE for name in ITEM_TYPES} == set(ITEM_TYPES)
    assert {"single_choice", "multiple_response", "ordering", "matching"} == SHUFFLED_TYPES


@pytest.mark.parametrize("kind", ITEM_TYPES)
def test_each_model_checks_scores_and_says_its_key(kind: str) -> None:
    item = ITEMS[kind]
    model = parse_item(item)
    assert type(model) is MODELS[kind]
    assert model.problems() == []
    assert item_problems(item) == []
    assert answer_text(item) == TEXTS[kind]
    assert model.score([] if kind != "short_text" else 7).credit == 0.0


def test_a_type_mcdesk_does_not_know_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="unknown item type 'essay'"):
        parse_item({"type": "essay", "answer": "x"})


def test_the_shared_option_check_comes_before_the_type_s_own() -> None:
    item = {**ITEMS["single_choice"], "options": OPTIONS + OPTIONS[:1], "answer": "z"}
    assert item_problems(item) == [
        "option ids repeat",
        "answer 'z' is not one of the options",
    ]
