"""What every item type shares: the score, the response states, option pairs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol, Self

ResponseState = Literal["unanswered", "partly", "answered"]
Pairs = tuple[tuple[str, str], ...]  # (id, text) in the order the pack lists them


@dataclass(frozen=True, slots=True)
class ItemScore:
    credit: float
    correct: bool


NO_CREDIT = ItemScore(credit=0.0, correct=False)


def all_or_nothing(ok: bool) -> ItemScore:
    return ItemScore(credit=1.0 if ok else 0.0, correct=ok)


def share(hits: int, total: int) -> ItemScore:
    """Partial credit: ``hits`` of ``total`` parts right."""
    credit = hits / total if total else 0.0
    return ItemScore(credit=credit, correct=hits == total and total > 0)


def pairs(entries: Iterable[Mapping[str, Any]]) -> Pairs:
    # Scoring needs the ids only; a re-score may see options without their text.
    return tuple((str(entry["id"]), str(entry.get("text", ""))) for entry in entries)


def ids(entries: Pairs) -> list[str]:
    return [entry_id for entry_id, _ in entries]


class ItemModel(Protocol):
    """One item type: parsed once from the item's JSON, then asked about its key."""

    TYPE: ClassVar[str]
    SHUFFLED: ClassVar[bool]  # options are shown in a drawn order

    @classmethod
    def parse(cls, item: Mapping[str, Any]) -> Self: ...

    def problems(self) -> list[str]:
        """What is wrong with the key, in words an author can act on (empty if fine)."""
        ...

    def score(self, response: Any) -> ItemScore:
        """Credit for a response (not None); a malformed one earns 0, never an error."""
        ...

    def answer_text(self) -> str:
        """The key in words, for practice feedback."""
        ...
