"""A line of news above the page with one button: the idle warning and the window's notices."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mcdesk.ui.cards import centred


class NoticeBar(QWidget):
    """Framed text and a button at the reading width, centred; hidden until shown."""

    def __init__(
        self, button: str, *, selectable: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        frame = QFrame()
        frame.setObjectName("notice")
        row = QHBoxLayout(frame)
        row.setContentsMargins(12, 8, 8, 8)
        self.text = QLabel()
        self.text.setWordWrap(True)
        if selectable:
            self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.text, 1)
        self.button = QPushButton(button)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(centred(frame, margins=(24, 10, 24, 0)))
        self.hide()
