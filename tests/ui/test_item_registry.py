"""The UI has one answer widget and one how-to line for every item type, through one map."""

from __future__ import annotations

from mcdesk.protocol.items.registry import ITEM_TYPES
from mcdesk.ui.item_inputs import INPUTS


def test_every_item_type_has_one_input() -> None:
    assert set(INPUTS) == set(ITEM_TYPES)
