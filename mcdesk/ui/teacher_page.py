"""What a teacher sees after signing in on a station: codes, this station's assessments, roster."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from mcdesk.protocol.codes import format_code
from mcdesk.study.home import RosterEntry
from mcdesk.ui.attempt_cards import AttemptCard
from mcdesk.ui.cards import ReadingColumn, text_label
from mcdesk.ui.record_section import RecordSection

if TYPE_CHECKING:
    from mcdesk.exam.console import TeacherCodes


class TeacherPage(ReadingColumn):
    """The teacher's page on a station: codes, this station's assessments, the roster."""

    sign_out = Signal()
    close_app = Signal()  # only on a locked assessment station (--lockdown)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Teacher page")
        self.sign_out_button = QPushButton("Sign out")
        self.code_labels: list[QLabel] = []
        self._close_allowed = False
        self.close_button: QPushButton | None = None
        self.board_qr: QLabel | None = None
        # Kept through every re-draw: its filter, page and selection outlive the codes' arrival.
        self.record = RecordSection(keep_visible=self.keep_visible_on_focus)
        self._name = ""
        self._roster: list[RosterEntry] = []
        self._codes: TeacherCodes | None = None

    @property
    def attempt_cards(self) -> list[AttemptCard]:
        """The record's attempts with incidents on the page shown."""
        return self.record.cards

    def allow_close(self, allowed: bool) -> None:
        """Offer "Close mcdesk" (the station is locked and only a teacher may end it)."""
        self._close_allowed = allowed

    def show_teacher(
        self, *, name: str, roster: Sequence[RosterEntry], codes: TeacherCodes | None = None
    ) -> None:
        """Show the page for a teacher; the codes (and the record's pages) may come later."""
        self._name, self._roster, self._codes = name, list(roster), codes
        self._render()

    def _render(self) -> None:
        name, roster, codes = self._name, self._roster, self._codes
        self.column_layout.removeWidget(self.record)  # kept, not deleted with the rest
        self.clear()
        self.code_labels = []
        self.board_qr = None
        self.add(text_label(f"Signed in as {name}", name="pageTitle"))
        self.add(text_label("Unlock codes for this station", name="sectionTitle"))
        if codes is None:
            self.add(text_label("Opening your codes…", name="muted"))
        elif codes.from_server:
            self.add(text_label(codes.note, name="muted"))
            self.add(text_label(f"{codes.slots_left} codes left on this station.", name="muted"))
            if codes.board_url is not None:
                self._add_board(codes.board_url, codes.board_qr)
        elif not codes.codes:
            self.add(text_label(codes.note or "No unlock codes are available.", name="error"))
        else:
            self.add(
                text_label(
                    "The station asks for the code by its number (#). Each code works once. "
                    "Print a sheet with: mcdesk teacher code-sheet --station "
                    f'"{codes.station_name}" -o sheet.pdf',
                    name="muted",
                )
            )
            self.add(self._code_grid(codes.codes))
            left = f"{codes.slots_left} codes left on this station."
            if codes.low:
                left = "⚠ " + left + " Fewer than 20: sign in again here to add more."
            if codes.note:
                left += " " + codes.note
            self.add(text_label(left, name="error" if codes.low else "muted"))
        self.column_layout.addWidget(self.record)
        classes = sorted({entry.class_name for entry in roster})
        for class_name in classes:
            members = [e.display_name for e in roster if e.class_name == class_name]
            self.add(text_label(f"{class_name} — {len(members)} learners", name="sectionTitle"))
            self.add(text_label(", ".join(members)))
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.setAccessibleDescription("Sign out and return to the sign-in screen")
        self.sign_out_button.clicked.connect(self.sign_out.emit)
        self.add(self.sign_out_button)
        self.close_button = None
        if self._close_allowed:
            self.close_button = QPushButton("Close mcdesk on this station")
            self.close_button.setAccessibleDescription(
                "Ends the locked station session; the station's own log-in screen comes back."
            )
            self.close_button.clicked.connect(self.close_app.emit)
            self.add(self.close_button)
        self.finish()

    def _add_board(self, url: str, qr_png: bytes) -> None:
        """The live board's address, and a QR code to open it on a phone."""
        self.add(text_label("Live board for this lab", name="sectionTitle"))
        address = text_label(url)
        address.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add(address)
        pixmap = QPixmap()
        if qr_png and pixmap.loadFromData(qr_png, "PNG"):
            self.board_qr = QLabel()
            self.board_qr.setPixmap(pixmap)
            self.board_qr.setFixedSize(pixmap.size())  # scrolled to, never squeezed
            self.board_qr.setAccessibleName(f"QR code of the live board's address, {url}")
            self.add(self.board_qr)

    def _code_grid(self, codes: Sequence[tuple[int, str]]) -> QWidget:
        grid_holder = QWidget()
        grid = QGridLayout(grid_holder)
        grid.setContentsMargins(0, 0, 0, 0)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(self.font().pointSizeF() * 1.4)
        mono.setWeight(QFont.Weight.DemiBold)
        for index, (counter, code) in enumerate(codes):
            label = QLabel(f"#{counter}   {format_code(code)}")
            label.setFont(mono)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(f"Code number {counter}: {' '.join(code)}")
            grid.addWidget(label, index % 5, index // 5)
            self.code_labels.append(label)
        return grid_holder
