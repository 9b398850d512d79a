"""Item type → model, and what callers ask of an item without knowing its type.

Credit is a number from 0 to 1; ``correct`` means full credit. Responses are plain JSON
values: an option id, a list of option ids, a bool, the text typed (numeric and
short_text), an ordered list of option ids, or {prompt id: option id}.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcdesk.protocol.items.base import NO_CREDIT, ItemModel, ItemScore, ResponseState
from mcdesk.protocol.items.matching import Matching
from mcdesk.protocol.items.multiple_response import MultipleResponse
from mcdesk.protocol.items.numeric import Numeric, number_problem
from mcdesk.protocol.items.ordering import Ordering
from mcdesk.protocol.items.short_text import ShortText
from mcdesk.protocol.items.single_choice import SingleChoice
from mcdesk.protocol.items.true_false import TrueFalse

MODELS: dict[str, type[ItemModel]] = {
    model.TYPE: model
    for model in (
        SingleChoice,
        MultipleResponse,
        TrueFalse,
        Numeric,
        ShortText,
        Ordering,
        Matching,
    )
}
ITEM_TYPES = tuple(MODELS)
SHUFFLED_TYPES = frozenset(name for name, model in MODELS.items() if model.SHUFFLED)


def parse_item(item: Mapping[str, Any]) -> ItemModel:
    """The typed model of an item with a key; ValueError for a type mcdesk does not know."""
    model = MODELS.get(str(item["type"]))
    if model is None:
        raise ValueError(f"unknown item type {item['type']!r}")
    return model.parse(item)


def item_problems(item: Mapping[str, Any]) -> list[str]:
    """What is wrong with one item's key, in words an author can act on (empty if fine)."""
    options = [str(option["id"]) for option in item.get("options", [])]
    problems = ["option ids repeat"] if len(set(options)) != len(options) else []
    return problems + parse_item(item).problems()


def _model(item: ItemModel | Mapping[str, Any]) -> ItemModel:
    # A bank or self-check parses its items once (protocol.items.parsed); an item given
    # as JSON (one item looked at once, as in a test) is parsed here.
    return parse_item(item) if isinstance(item, Mapping) else item


def score_item(item: ItemModel | Mapping[str, Any], response: Any) -> ItemScore:
    """Score a response; a missing or malformed response earns 0, never an error."""
    if response is None:
        return NO_CREDIT
    return _model(item).score(response)


def answer_text(item: ItemModel | Mapping[str, Any]) -> str:
    """The key in words, for practice feedback."""
    return _model(item).answer_text()


def response_problem(item: ItemModel | Mapping[str, Any], response: Any) -> str | None:
    """Why a response is not an answer to this item at all (None: it can be scored)."""
    # A word in a number box is a slip to point out, not a wrong answer to grade or save.
    model = _model(item)
    if not isinstance(model, Numeric) or response is None:
        return None
    return number_problem(response, unit=model.unit)


def response_state(item: Mapping[str, Any], response: Any) -> ResponseState:
    """Whether ``response`` answers all of ``item``: a matching with 1 of 3 rows is "partly".

    Needs only what the learner sees (type, prompts), never the key.
    """
    if response is None or response == [] or response == {}:
        return "unanswered"
    if item["type"] == Matching.TYPE:
        prompts = [str(prompt["id"]) for prompt in item.get("prompts", [])]
        chosen = response if isinstance(response, Mapping) else {}
        filled = sum(1 for prompt in prompts if chosen.get(prompt) is not None)
        if filled == 0:
            return "unanswered"
        return "answered" if filled == len(prompts) else "partly"
    return "answered"
