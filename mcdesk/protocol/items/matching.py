"""``matching``: each prompt to one option; credit is the share of prompts matched right."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import NO_CREDIT, ItemScore, Pairs, ids, pairs, share


@dataclass(frozen=True, slots=True)
class Matching:
    TYPE: ClassVar[str] = "matching"
    SHUFFLED: ClassVar[bool] = True  # the option column
    options: Pairs
    prompts: Pairs
    answer: Mapping[str, Any]

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        return cls(
            pairs(item.get("options", [])), pairs(item.get("prompts", [])), dict(item["answer"])
        )

    def problems(self) -> list[str]:
        options, prompts = ids(self.options), ids(self.prompts)
        problems = []
        if len(set(prompts)) != len(prompts):
            problems.append("prompt ids repeat")
        if sorted(self.answer) != sorted(prompts):
            problems.append("answer must pair every prompt id")
        problems.extend(
            f"answer for {p!r} is not one of the options"
            for p, o in self.answer.items()
            if o not in options
        )
        if len(options) < len(prompts):
            problems.append("matching needs at least as many options as prompts")
        return problems

    def score(self, response: Any) -> ItemScore:
        if not isinstance(response, dict):
            return NO_CREDIT
        hits = sum(1 for p, o in self.answer.items() if response.get(p) == o)
        return share(hits, len(self.answer))

    def answer_text(self) -> str:
        text, prompts = dict(self.options), dict(self.prompts)
        return "; ".join(f"{prompts[p]} → {text[o]}" for p, o in self.answer.items())
