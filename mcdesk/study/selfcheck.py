"""One self-check run: a shuffled order, instant feedback, a score at the end.

Practice, never proctored: feedback shows the explanation and the right answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcdesk.content.skill_states import MASTERY
from mcdesk.protocol.scoring import ItemScore, response_problem, score_item


@dataclass(frozen=True, slots=True)
class Feedback:
    score: ItemScore
    explanation: str
    right_answer: str


def right_answer_text(item: Mapping[str, Any]) -> str:
    """The key in words, for practice feedback."""
    kind, answer = item["type"], item["answer"]
    text = {o["id"]: o["text"] for o in item.get("options", [])}
    if kind == "single_choice":
        return str(text[answer])
    if kind == "multiple_response":
        return "; ".join(text[a] for a in answer)
    if kind == "true_false":
        return "True" if answer else "False"
    if kind == "numeric":
        unit = f" {item['unit']}" if item.get("unit") else ""
        tolerance = f" (± {item['tolerance']:g})" if item.get("tolerance") else ""
        return f"{answer:g}{unit}{tolerance}"
    if kind == "short_text":
        accepted = answer.get("accepted") or []
        return " or ".join(accepted) if accepted else "see the explanation"
    if kind == "ordering":
        return " → ".join(text[a] for a in answer)
    prompts = {p["id"]: p["text"] for p in item["prompts"]}
    return "; ".join(f"{prompts[p]} → {text[o]}" for p, o in answer.items())


def _shuffled(item: Mapping[str, Any], rng: random.Random) -> dict[str, Any]:
    shown = dict(item)
    if item["type"] in ("single_choice", "multiple_response", "ordering", "matching"):
        options = list(item["options"])
        rng.shuffle(options)
        if item["type"] == "ordering" and [o["id"] for o in options] == list(item["answer"]):
            options.reverse()  # never present an ordering item already solved
        shown["options"] = options
    return shown


class SelfCheckRun:
    """Items in a fresh order each run; answer, see feedback, move on, get a score."""

    def __init__(self, items: Sequence[Mapping[str, Any]], *, seed: int) -> None:
        if not items:
            raise ValueError("a self-check needs at least one item")
        rng = random.Random(seed)
        order = list(items)
        rng.shuffle(order)
        self.items = [_shuffled(item, rng) for item in order]
        self.position = 0
        self.responses: dict[str, Any] = {}
        self.scores: dict[str, ItemScore] = {}

    @property
    def current(self) -> dict[str, Any]:
        return self.items[self.position]

    @property
    def finished(self) -> bool:
        return self.position >= len(self.items)

    def answer(self, response: Any) -> Feedback:
        """Score the current item (once); ValueError, with the reason, for a non-answer."""
        item = self.current
        if item["id"] in self.scores:
            raise ValueError("this item is already answered")
        if problem := response_problem(item, response):
            raise ValueError(problem)
        score = score_item(item, response)
        self.responses[item["id"]] = response
        self.scores[item["id"]] = score
        return Feedback(
            score=score, explanation=str(item["feedback"]), right_answer=right_answer_text(item)
        )

    def next(self) -> None:
        if self.current["id"] not in self.scores:
            raise ValueError("answer this item first")
        self.position += 1

    @property
    def credit(self) -> float:
        return sum(score.credit for score in self.scores.values())

    @property
    def mastered(self) -> bool:
        return self.finished and self.credit >= MASTERY * len(self.items)
