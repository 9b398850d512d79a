"""``multiple_response``: every right option; (right picked − wrong picked) / right, ≥ 0.

Picking everything earns nothing extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import NO_CREDIT, ItemScore, Pairs, ids, pairs


@dataclass(frozen=True, slots=True)
class MultipleResponse:
    TYPE: ClassVar[str] = "multiple_response"
    SHUFFLED: ClassVar[bool] = True
    options: Pairs
    answer: list[Any]

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        return cls(pairs(item.get("options", [])), list(item["answer"]))

    def problems(self) -> list[str]:
        options = ids(self.options)
        return [f"answer {a!r} is not one of the options" for a in self.answer if a not in options]

    def score(self, response: Any) -> ItemScore:
        if not isinstance(response, list):
            return NO_CREDIT
        chosen, right = set(response), set(self.answer)
        credit = max(0.0, (len(chosen & right) - len(chosen - right)) / len(right))
        return ItemScore(credit=credit, correct=chosen == right)

    def answer_text(self) -> str:
        text = dict(self.options)
        return "; ".join(text[a] for a in self.answer)
