"""``short_text``: typed words that match an accepted answer or a pattern; all or nothing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from mcdesk.protocol.items.base import ItemScore, all_or_nothing


def _normalise(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True, slots=True)
class ShortText:
    TYPE: ClassVar[str] = "short_text"
    SHUFFLED: ClassVar[bool] = False
    accepted: tuple[str, ...]
    pattern: Any  # a regular expression (str) or None

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self:
        answer = item["answer"]
        return cls(tuple(answer.get("accepted") or ()), answer.get("pattern"))

    def problems(self) -> list[str]:
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                return [f"pattern does not compile: {exc}"]
        return []

    def score(self, response: Any) -> ItemScore:
        return all_or_nothing(self._matches(response))

    def _matches(self, response: Any) -> bool:
        if not isinstance(response, str):
            return False
        given = _normalise(response)
        if any(given == _normalise(accepted) for accepted in self.accepted):
            return True
        pattern = self.pattern
        return isinstance(pattern, str) and re.fullmatch(pattern, given, re.IGNORECASE) is not None

    def answer_text(self) -> str:
        return " or ".join(self.accepted) if self.accepted else "see the explanation"
