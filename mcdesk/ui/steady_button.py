"""A push button that keeps one size whatever text it shows, so its neighbours never move."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QPushButton, QWidget


class SteadyButton(QPushButton):
    """As big as the biggest of ``texts``: "⚐ Flag for review" and "⚑ Flagged" alike."""

    def __init__(self, texts: Sequence[str], parent: QWidget | None = None) -> None:
        if not texts:
            raise ValueError("a steady button needs the texts it will show")
        super().__init__(texts[0], parent)
        self._texts = tuple(texts)
        # Measures each text as a button of this style would show it (symbols may come
        # from a fallback font, so font metrics alone come out a pixel or two short).
        self._probe = QPushButton(self)
        self._probe.hide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        probe = self._probe
        probe.setObjectName(self.objectName())
        probe.setFont(self.font())
        for text in self._texts:
            probe.setText(text)
            probe.ensurePolished()
            hint = hint.expandedTo(probe.sizeHint())
        return hint

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
