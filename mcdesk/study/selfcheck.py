"""One self-check run: a shuffled order, instant feedback, a score at the end.

Practice, never proctored: feedback shows the explanation and the right answer.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mcdesk.content.skill_states import MASTERY
from mcdesk.protocol.items.base import ItemModel, ItemScore
from mcdesk.protocol.items.ordering import Ordering
from mcdesk.protocol.items.parsed import parse_bank
from mcdesk.protocol.items.registry import SHUFFLED_TYPES, answer_text, response_problem, score_item


@dataclass(frozen=True, slots=True)
class Feedback:
    score: ItemScore
    explanation: str
    right_answer: str


def _shuffled(item: Mapping[str, Any], model: ItemModel, rng: random.Random) -> dict[str, Any]:
    shown = dict(item)
    if model.TYPE in SHUFFLED_TYPES:
        options = list(item["options"])
        rng.shuffle(options)
        order = [str(o["id"]) for o in options]
        if isinstance(model, Ordering) and model.solved_by(order):
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
        # Each key parsed once for the run, not at every answer.
        self._models = {parsed.id: parsed.model for parsed in parse_bank(order).values()}
        self.items = [_shuffled(item, self._models[str(item["id"])], rng) for item in order]
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
        model = self._models[str(item["id"])]
        if problem := response_problem(model, response):
            raise ValueError(problem)
        score = score_item(model, response)
        self.responses[item["id"]] = response
        self.scores[item["id"]] = score
        return Feedback(
            score=score, explanation=str(item["feedback"]), right_answer=answer_text(model)
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
