"""A micro-credential's summary and targeted skills (the study pages come later)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mcdesk.ui.cards import ReadingColumn, preview_badge, text_label

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
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 8, 0, 0)
        row.addWidget(self.back_button)
        row.addStretch(1)
        self.add(holder)
        self.keep_visible_on_focus(self.back_button)

        self.title = text_label(entry.title, name="pageTitle")
        self.add(self.title)
        meta = QWidget()
        meta_row = QHBoxLayout(meta)
        meta_row.setContentsMargins(0, 0, 0, 0)
        meta_row.setSpacing(10)
        if entry.preview:
            meta_row.addWidget(preview_badge())
        meta_row.addWidget(
            text_label(f"{entry.career_cluster} · version {entry.version}", name="muted"), 1
        )
        self.add(meta)
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
