"""The catalog: micro-credentials grouped by career cluster, one card each."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from mcdesk.ui.cards import READING_WIDTH, Card, ReadingColumn, preview_badge, text_label

if TYPE_CHECKING:
    from mcdesk.content.catalog import CatalogEntry

SUMMARY_CHARS = 220  # the card shows the start; the detail page shows all of it
TWO_COLUMNS_FROM = 1400  # px of view width; below it one column reads better
WIDE_WIDTH = 1480  # px; two cards of about a reading width each


def short(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first ``limit`` characters of ``text``, cut at a word, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def columns_for(width: int) -> int:
    """How many cards side by side fit a view ``width`` px wide."""
    return 2 if width >= TWO_COLUMNS_FROM else 1


def skills_line(skills: Sequence[str]) -> str:
    """The targeted skills on one line, as the card shows them."""
    return "Skills: " + " · ".join(skills)


class PackCard(Card):
    """One micro-credential: title, preview badge, short summary, its targeted skills."""

    def __init__(self, entry: CatalogEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pack_id = entry.id
        top = QHBoxLayout()
        top.setSpacing(10)
        self.title = text_label(entry.title, name="cardTitle")
        top.addWidget(self.title, 1)
        self.badge = preview_badge() if entry.preview else None
        if self.badge is not None:
            top.addWidget(self.badge)
        self.body.addLayout(top)
        self.body.addWidget(text_label(short(entry.summary)))
        self.skills = text_label(skills_line(entry.skill_titles), name="skills")
        self.body.addWidget(self.skills)
        self.body.addStretch(1)  # a taller neighbour in the row leaves space at the bottom
        preview = "Preview. " if entry.preview else ""
        self.setAccessibleName(entry.title)
        self.setAccessibleDescription(
            f"{preview}{entry.career_cluster}. {entry.summary} {skills_line(entry.skill_titles)}."
        )
        self.setToolTip("Open to see the whole summary and its skills")


class CatalogView(ReadingColumn):
    """Every installed micro-credential under a heading per career cluster.

    Cards sit in one column, or two side by side once the view is wide enough.
    """

    opened = Signal(str)  # pack id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Micro-credentials by career cluster")
        self.cards: list[PackCard] = []
        self.headings: list[QLabel] = []
        self.columns = 1
        self._entries: list[CatalogEntry] = []

    def show_entries(self, entries: Sequence[CatalogEntry]) -> None:
        self._entries = list(entries)
        self.columns = columns_for(self.viewport().width())
        self._build()

    def cluster_titles(self) -> list[str]:
        return [heading.text() for heading in self.headings]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = columns_for(self.viewport().width())
        if columns == self.columns or not self._entries:
            return
        focused = next((card.pack_id for card in self.cards if card.hasFocus()), None)
        self.columns = columns
        self._build()
        for card in self.cards:
            if card.pack_id == focused:
                card.setFocus()

    def _build(self) -> None:
        self.clear()
        self.cards, self.headings = [], []
        self.column.setMaximumWidth(WIDE_WIDTH if self.columns > 1 else READING_WIDTH)
        if self._entries:
            self.add(text_label("Micro-credentials", name="pageTitle"))
            self.add(
                text_label(
                    "Choose one to see its targeted skills. You can study them in any order.",
                    name="muted",
                )
            )
        else:
            self.add(text_label("No micro-credentials on this station yet", name="pageTitle"))
            self.add(
                text_label(
                    "Ask your teacher or administrator to add content packs "
                    "(mcdesk pack import) and start mcdesk again.",
                    name="muted",
                )
            )
        for cluster, group in groupby(self._entries, key=lambda entry: entry.career_cluster):
            heading = text_label(cluster, name="clusterHeading")
            heading.setAccessibleName(f"Career cluster: {cluster}")
            self.headings.append(heading)
            self.add(heading)
            holder = QWidget()
            grid = QGridLayout(holder)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(10)
            for index, entry in enumerate(group):
                card = PackCard(entry)
                card.clicked.connect(lambda _=False, pack_id=entry.id: self.opened.emit(pack_id))
                self.cards.append(card)
                self.keep_visible_on_focus(card)
                grid.addWidget(card, index // self.columns, index % self.columns)
            for column in range(self.columns):
                grid.setColumnStretch(column, 1)
            self.add(holder)
        self.finish()
