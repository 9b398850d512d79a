"""A micro-credential's summary and targeted skills (the study pages come later)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from mcdesk.ui.cards import ReadingColumn, left_aligned, meta_line, text_label

if TYPE_CHECKING:
    from mcdesk.content.catalog import CatalogEntry


class PackDetail(ReadingColumn):
    """One micro-credential; Back (or Esc) returns to where it was opened from."""

    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Micro-credential")
        # A long summary must scroll from the keyboard too (arrows, Page Up/Down).
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.back_button = QPushButton("← Back")
        self.entry: CatalogEntry | None = None
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back.emit)

    def show_entry(self, entry: CatalogEntry, *, back_to: str) -> None:
        """Show ``entry``; ``back_to`` names the page Back returns to."""
        self.entry = entry
        self.clear()
        self.back_button = QPushButton(f"← Back to {back_to}")
        self.back_button.clicked.connect(self.back.emit)
        self.add(left_aligned(self.back_button))
        self.keep_visible_on_focus(self.back_button)

        self.title = text_label(entry.title, name="pageTitle")
        self.add(self.title)
        self.add(
            meta_line(f"{entry.career_cluster} · version {entry.version}", preview=entry.preview)
        )
        self.summary = text_label(entry.summary)
        self.add(self.summary)
        count = len(entry.skill_titles)
        self.add(text_label(f"Targeted skills ({count})", name="clusterHeading"))
        self.skills = [
            text_label(f"{number}.  {title}") for number, title in enumerate(entry.skill_titles, 1)
        ]
        for label in self.skills:
            self.add(label)
        self.add(
            text_label(
                "Lessons, keywords and self-checks for these skills will open from this page.",
                name="muted",
            )
        )
        self.finish()
        self.verticalScrollBar().setValue(0)
