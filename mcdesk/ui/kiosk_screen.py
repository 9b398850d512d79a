"""The kiosk's screen: its pages in a stack under a bar with "I'm done", in text sized for a
metre away; the content of the locked window (KioskFlow drives it).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from mcdesk.ui.kiosk_settings_view import KioskSettingsPage
from mcdesk.ui.kiosk_view import AttractPage, ClosingPage, Countdown, ExplorerPage, TastePage
from mcdesk.ui.touch import big_button

if TYPE_CHECKING:
    from mcdesk.content.catalog import CatalogEntry

KIOSK_SHEET = """
QLabel#kioskHeadline { font-size: 34pt; font-weight: 600; }
QPushButton#kioskStart { font-size: 40pt; font-weight: 600; }
QLabel#pageTitle { font-size: 26pt; }
QRadioButton, QCheckBox { min-height: 64px; spacing: 16px; }
QRadioButton::indicator, QCheckBox::indicator { width: 32px; height: 32px; }
QLineEdit, QComboBox, QSpinBox { min-height: 56px; }
"""


class KioskScreen(QWidget):
    """The kiosk's pages under a bar with "I'm done"; the content of the locked window."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None, *, seeds: random.Random | None = None):
        super().__init__(parent)
        self.setAccessibleName("Career explorer")
        self.attract = AttractPage()
        self.explorer = ExplorerPage()
        self.taste = TastePage(seeds=seeds)
        self.closing = ClosingPage()
        self.settings = KioskSettingsPage()
        self.message = QLabel("Preparing the career explorer…")
        self.message.setObjectName("pageTitle")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        for page in (
            self.message,
            self.attract,
            self.explorer,
            self.taste,
            self.closing,
            self.settings,
        ):
            self.pages.addWidget(page)
        self.bar = QWidget()
        self.bar_title = QLabel("Career explorer")
        self.bar_title.setObjectName("pageTitle")
        self.done_button = big_button("I'm done — start over", name="kioskDone")
        self.done_button.setAccessibleDescription("Forgets everything you did here.")
        self.done_button.clicked.connect(self.done.emit)
        row = QHBoxLayout(self.bar)
        row.addWidget(self.bar_title, 1)
        row.addWidget(self.done_button)
        self.countdown = Countdown()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(self.bar)
        layout.addWidget(self.countdown)
        layout.addWidget(self.pages, 1)
        # Text for a metre away, on top of the app theme's larger base size.
        self.setStyleSheet(KIOSK_SHEET)
        self.pages.currentChanged.connect(self._bar_for_page)
        self._bar_for_page()

    def _bar_for_page(self, _index: int = 0) -> None:
        page = self.pages.currentWidget()
        self.bar.setVisible(page in (self.explorer, self.taste, self.closing))

    # StationStartup's screen (see startup_flow.StartupScreen) -------------------------

    def show_first_run(self) -> None:
        self.message.setText("Setting this station up for the first time…")

    def show_catalog(self, entries: Sequence[CatalogEntry], *, station_name: str) -> None:
        return  # the kiosk reads its own clusters once start-up is done

    def show_notice(self, text: str) -> None:
        return  # refused bundled packs are printed for the teacher; visitors need not see it

    def show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.pages.setCurrentWidget(self.message)
