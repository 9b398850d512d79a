"""``single_choice``: one option id is right; all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import ItemScore, Pairs, all_or_nothing, ids, pairs


@dataclass(frozen=True, slots=True)
class SingleChoice:
    TYPE: ClassVar[str] = "single_choice"
    SHUFFLED: ClassVar[bool] = True
    options: Pairs
    answer: Any

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        return cls(pairs(item.get("options", [])), item["answer"])

    def problems(self) -> list[str]:
        if self.answer not in ids(self.options):
            return [f"answer {self.answer!r} is not one of the options"]
        return []

    def score(self, response: Any) -> ItemScore:
        return all_or_nothing(type(response) is type(self.answer) and response == self.answer)

    def answer_text(self) -> str:
        return dict(self.options)[self.answer]
