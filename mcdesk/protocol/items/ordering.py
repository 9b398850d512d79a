"""``ordering``: every option in its place; credit is the share in the right position."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import NO_CREDIT, ItemScore, Pairs, ids, pairs, share


@dataclass(frozen=True, slots=True)
class Ordering:
    TYPE: ClassVar[str] = "ordering"
    SHUFFLED: ClassVar[bool] = True
    options: Pairs
    answer: list[Any]

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        return cls(pairs(item.get("options", [])), list(item["answer"]))

    def problems(self) -> list[str]:
        if sorted(self.answer) != sorted(ids(self.options)):
            return ["answer must list every option id exactly once"]
        return []

    def score(self, response: Any) -> ItemScore:
        if not isinstance(response, list):
            return NO_CREDIT
        hits = sum(1 for a, b in zip(response, self.answer, strict=False) if a == b)
        return share(hits, len(self.answer))

    def answer_text(self) -> str:
        text = dict(self.options)
        return " → ".join(text[a] for a in self.answer)

    def solved_by(self, order: list[str]) -> bool:
        """Whether showing the options in ``order`` would show the item already solved."""
        return order == self.answer and len(order) > 1
