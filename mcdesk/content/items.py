"""Consistency rules for items that a JSON Schema cannot express."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

ResponseState = Literal["unanswered", "partly", "answered"]

ITEM_TYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "numeric",
    "short_text",
    "ordering",
    "matching",
)


def _ids(entries: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(entry["id"]) for entry in entries]


def item_problems(item: Mapping[str, Any]) -> list[str]:
    """What is wrong with one item's key, in words an author can act on (empty if fine)."""
    kind = item["type"]
    answer = item["answer"]
    problems: list[str] = []
    options = _ids(item.get("options", []))
    if len(set(options)) != len(options):
        problems.append("option ids repeat")
    if kind == "single_choice" and answer not in options:
        problems.append(f"answer {answer!r} is not one of the options")
    elif kind == "multiple_response":
        problems.extend(
            f"answer {a!r} is not one of the options" for a in answer if a not in options
        )
    elif kind == "ordering" and sorted(answer) != sorted(options):
        problems.append("answer must list every option id exactly once")
    elif kind == "matching":
        prompts = _ids(item["prompts"])
        if len(set(prompts)) != len(prompts):
            problems.append("prompt ids repeat")
        if sorted(answer) != sorted(prompts):
            problems.append("answer must pair every prompt id")
        problems.extend(
            f"answer for {p!r} is not one of the options"
            for p, o in answer.items()
            if o not in options
        )
        if len(options) < len(prompts):
            problems.append("matching needs at least as many options as prompts")
    elif kind == "short_text":
        pattern = answer.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(f"pattern does not compile: {exc}")
    return problems


def response_state(item: Mapping[str, Any], response: Any) -> ResponseState:
    """Whether ``response`` answers all of ``item``: a matching with 1 of 3 rows is "partly".

    Needs only what the learner sees (type, prompts), never the key.
    """
    if response is None or response == [] or response == {}:
        return "unanswered"
    if item["type"] == "matching":
        prompts = _ids(item.get("prompts", []))
        chosen = response if isinstance(response, Mapping) else {}
        filled = sum(1 for prompt in prompts if chosen.get(prompt) is not None)
        if filled == 0:
            return "unanswered"
        return "answered" if filled == len(prompts) else "partly"
    return "answered"
