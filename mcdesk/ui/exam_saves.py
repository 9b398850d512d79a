"""What the learner is told about saving: "Saving…" until the owner confirms the latest answer.

Plain Python, no widgets: the rule that nothing reads "Saved" before it is durable lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

SAVING = "Saving…"
SAVED = "✔ Saved"


@dataclass
class _ItemSaves:
    waiting: int = 0  # answers sent to the owner and not acknowledged yet
    saved: bool = False  # the owner confirmed the latest answer sent is durable
    error: str = ""


class SaveLedger:
    """Answers sent and acknowledged, per item; acknowledgements come once per send, in order."""

    def __init__(
        self, item_ids: Iterable[str] = (), *, saved: AbstractSet[str] = frozenset()
    ) -> None:
        # Answers handed back by the owner were read from its store: they are durable.
        self._items = {i: _ItemSaves(saved=i in saved) for i in item_ids}
        self.pending: str | None = None  # item whose typed answer is not even sent yet

    def typing(self, item_id: str) -> None:
        self.pending = item_id
        self._items[item_id].error = ""

    def settle(self) -> None:
        """The typing ended with the answer the owner already has: nothing new to save."""
        self.pending = None

    def sent(self, item_id: str) -> None:
        if self.pending == item_id:
            self.pending = None
        state = self._items[item_id]
        state.waiting += 1
        state.error = ""

    def saved(self, item_id: str) -> bool:
        """One send is durable; False for an item this paper does not have."""
        state = self._items.get(item_id)
        if state is None:
            return False
        state.waiting = max(state.waiting - 1, 0)
        if state.waiting == 0:
            state.saved = True
            state.error = ""  # the latest answer sent is durable, whatever failed before it
        return True

    def failed(self, item_id: str, message: str) -> bool:
        """One send could not be saved; False for an item this paper does not have."""
        state = self._items.get(item_id)
        if state is None:
            return False
        state.waiting = max(state.waiting - 1, 0)
        state.error = message
        return True

    def error(self, item_id: str) -> str:
        return self._items[item_id].error

    def unsaved(self) -> list[str]:
        """Items whose latest answer is not confirmed durable."""
        return [
            item_id
            for item_id, state in self._items.items()
            if state.waiting or state.error or self.pending == item_id
        ]

    def status(self, item_id: str, *, answered: bool) -> tuple[str, str]:
        """The words under the answer and their style: muted, good or error."""
        state = self._items[item_id]
        if state.error:
            return f"⚠ Not saved: {state.error}", "error"
        if state.waiting or self.pending == item_id:
            return SAVING, "muted"
        if state.saved and answered:
            return SAVED, "good"
        return "", "muted"  # nothing to save: no answer yet, or an answer cleared and saved
