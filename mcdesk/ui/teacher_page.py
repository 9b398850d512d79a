"""What a teacher sees after signing in on a station (the unlock codes join it later)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from mcdesk.study.home import RosterEntry
from mcdesk.ui.cards import ReadingColumn, text_label


class TeacherPage(ReadingColumn):
    """The teacher's landing page on a station: who is on its roster, and sign-out."""

    sign_out = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Teacher page")
        self.sign_out_button = QPushButton("Sign out")

    def show_teacher(self, *, name: str, roster: Sequence[RosterEntry]) -> None:
        self.clear()
        self.add(text_label(f"Signed in as {name}", name="pageTitle"))
        self.add(
            text_label(
                "Unlock codes for assessments, progress tables and accommodations will "
                "appear here. For now this page shows who can sign in on this station.",
                name="muted",
            )
        )
        classes = sorted({entry.class_name for entry in roster})
        for class_name in classes:
            members = [e.display_name for e in roster if e.class_name == class_name]
            self.add(text_label(f"{class_name} — {len(members)} learners", name="sectionTitle"))
            self.add(text_label(", ".join(members)))
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setAccessibleDescription("Sign out and return to the sign-in screen")
        self.sign_out_button.clicked.connect(self.sign_out.emit)
        self.add(self.sign_out_button)
        self.finish()
