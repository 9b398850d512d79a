"""An item parsed once: its JSON as the pack gives it, and its typed model.

A bank is parsed when it is opened (the station unseals it for an attempt, the server
for its re-score, a verifier to re-score a result), so scoring and the key in words ask
the model and never parse the item again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mcdesk.protocol.items.base import ItemModel
from mcdesk.protocol.items.registry import parse_item


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """``data`` is what is shown (prompt, options, figures); ``model`` owns the key."""

    data: Mapping[str, Any]
    model: ItemModel

    @property
    def id(self) -> str:
        return str(self.data["id"])


def parse_bank(items: Iterable[Mapping[str, Any]]) -> dict[str, ParsedItem]:
    """Every item by id, each parsed once; ValueError or KeyError for an item without a key."""
    parsed = (ParsedItem(item, parse_item(item)) for item in items)
    return {item.id: item for item in parsed}
