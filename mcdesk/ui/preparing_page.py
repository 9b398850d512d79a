"""The page shown until the catalog is ready: what start-up is doing, or why it cannot start."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from mcdesk.ui.cards import centred, text_label

PREPARING_TEXT = "Opening this station's micro-credentials. This takes a moment."
FIRST_RUN_TEXT = (
    "The first start sets up this station and adds the micro-credentials that come "
    "with mcdesk. This takes a few seconds."
)


class PreparingPage(QWidget):
    """A title, a line saying what is happening and a busy bar, centred on the page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.title = text_label("Preparing the catalog…", name="pageTitle")
        # Only a real first run says it sets the station up (a restart after a crash
        # must not), and only once the store has been looked at, off the GUI thread.
        self.text = text_label(PREPARING_TEXT, name="muted")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("Preparing the catalog")
        for widget in (self.title, self.text, self.progress):
            column.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(centred(inner, margins=(24, 0, 24, 0)))
        layout.addStretch(2)

    def show_first_run(self) -> None:
        """The store was new: say that this first start sets the station up."""
        self.text.setText(FIRST_RUN_TEXT)

    def show_problem(self, text: str) -> None:
        """Start-up failed: say so, and stop looking busy."""
        self.title.setText("mcdesk cannot start")
        self.text.setText(text)
        self.progress.hide()
