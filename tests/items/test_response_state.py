"""Whether a response answers all of an item: the rule the navigator and submit check share."""

from __future__ import annotations

from typing import Any

import pytest

from mcdesk.protocol.items.registry import response_state
from tests.ui.shown_items import ITEMS

MATCHING = ITEMS["matching"]  # two prompts, p and q


@pytest.mark.parametrize(
    ("response", "state"),
    [
        (None, "unanswered"),
        ({}, "unanswered"),
        ({"p": None}, "unanswered"),
        ({"p": "b"}, "partly"),
        ({"p": "b", "q": "c"}, "answered"),
        ({"p": "b", "zz": "c"}, "partly"),  # a prompt not on the item fills nothing
    ],
)
def test_a_matching_is_answered_only_when_every_row_is(response: Any, state: str) -> None:
    assert response_state(MATCHING, response) == state


@pytest.mark.parametrize("kind", [k for k in ITEMS if k != "matching"])
def test_other_kinds_are_answered_by_any_response(kind: str) -> None:
    assert response_state(ITEMS[kind], None) == "unanswered"
    assert response_state(ITEMS[kind], ["a"] if kind != "true_false" else False) == "answered"
