"""``true_false``: the key is a bool; all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import ItemScore, all_or_nothing


@dataclass(frozen=True, slots=True)
class TrueFalse:
    TYPE: ClassVar[str] = "true_false"
    SHUFFLED: ClassVar[bool] = False
    answer: Any

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        return cls(item["answer"])

    def problems(self) -> list[str]:
        return []

    def score(self, response: Any) -> ItemScore:
        return all_or_nothing(type(response) is type(self.answer) and response == self.answer)

    def answer_text(self) -> str:
        return "True" if self.answer else "False"
