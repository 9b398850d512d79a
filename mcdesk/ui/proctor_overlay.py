"""The proctor overlay: the locked assessment stopped until a teacher types a code."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mcdesk.ui.code_prompt import CodePrompt

E = QEvent.Type


class _OverlayCard(QWidget):
    """The overlay's card: drawn in the palette's page colours (high contrast too)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
        painter.setBrush(palette.color(QPalette.ColorRole.Window))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 10, 10)


class ProctorOverlay(QWidget):
    """A dimmed pane over the whole assessment: stopped until a teacher types a code.

    The clock is not paused by the overlay itself (only a teacher's pause code does
    that), so the note under the title says so and the teacher can add time.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAccessibleName("Assessment stopped")
        self.card = _OverlayCard()
        self._fit_card()
        self.title = title = QLabel("Assessment stopped — a teacher must enter a code")
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setObjectName("hint")
        self.reason.setWordWrap(True)
        self.prompt = CodePrompt()
        self.prompt.set_actions(["dismiss"])
        inside = QVBoxLayout(self.card)
        inside.setContentsMargins(28, 24, 28, 20)
        inside.addWidget(title)
        inside.addWidget(self.reason)
        inside.addWidget(self.prompt)
        # Only where stopping was the person's own choice (the kiosk's staff door).
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        inside.addWidget(self.cancel_button)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 100)
        row.addStretch(1)
        column = QWidget()
        column.setObjectName("overlayColumn")
        outer = QVBoxLayout(column)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        # At 200 % text on a 1024×600 screen the card is taller than the screen: it
        # scrolls rather than squeezing the choices over each other.
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("overlayScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setStyleSheet(
            "QScrollArea#overlayScroll, QWidget#overlayColumn { background: transparent; }"
        )
        self.scroll_area.viewport().setAutoFillBackground(False)
        self.scroll_area.setWidget(column)
        whole = QVBoxLayout(self)
        whole.setContentsMargins(0, 0, 0, 0)
        whole.addWidget(self.scroll_area)

    def _fit_card(self) -> None:
        # A calm column that grows with the text size (at 200 % a fixed width clips).
        self.card.setMaximumWidth(max(620, 36 * self.fontMetrics().height()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (E.FontChange, E.StyleChange) and hasattr(self, "card"):
            self._fit_card()  # the learner's text size may come after the overlay

    def focus_prompt(self) -> None:
        """The code field takes the keys, scrolled into view (the card may be taller)."""
        self.prompt.focus_field()
        self.scroll_area.ensureWidgetVisible(self.prompt.field)

    def set_title(self, text: str, *, cancellable: bool = False) -> None:
        """Another heading (the kiosk's) and, if ``cancellable``, a Cancel button."""
        self.title.setText(text)
        self.setAccessibleName(text)
        self.cancel_button.setVisible(cancellable)

    def show_reason(self, reason: str, *, clock_running: bool = True) -> None:
        note = " The clock keeps running; your teacher can add time." if clock_running else ""
        text = f"{reason}{note}"
        self.reason.setText(text)
        self.reason.setAccessibleName(text)

    def paintEvent(self, event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), QColor(0, 0, 0, 176))

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab and Shift+Tab go round the overlay's controls only, never into the content.
        focus = QApplication.focusWidget()
        if focus is None or not self.isAncestorOf(focus):
            self.prompt.focus_field()
            return True
        candidate: QWidget | None = focus
        for _ in range(len(self.findChildren(QWidget)) + 1):
            assert candidate is not None  # the focus chain is a ring
            candidate = candidate.nextInFocusChain() if next else candidate.previousInFocusChain()
            if candidate is None or candidate is focus:
                break
            if (
                self.isAncestorOf(candidate)
                and candidate.isVisible()
                and candidate.isEnabled()
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                candidate.setFocus(Qt.FocusReason.TabFocusReason)
                break
        return True
