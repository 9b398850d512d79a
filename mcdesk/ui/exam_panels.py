"""The assessment's in-view panels: submit confirmation and pause, plus the clock's words.

Panels, not dialogs: the locked window must stay the only window on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mcdesk.ui.cards import ReadingColumn, text_label


def numbers_text(numbers: Sequence[int]) -> str:
    """ "question 4" or "questions 4, 7"."""
    listed = ", ".join(str(n) for n in numbers)
    return f"question {listed}" if len(numbers) == 1 else f"questions {listed}"


def confirm_lines(
    *, total: int, unanswered: Sequence[int], flagged: Sequence[int], partly: Sequence[int] = ()
) -> list[str]:
    """What the learner reads before submitting: what is missing, what they meant to check."""
    if unanswered and partly:
        lines = [
            f"You have not answered {numbers_text(unanswered)}, and only partly answered "
            f"{numbers_text(partly)}. Submit anyway?"
        ]
    elif unanswered:
        lines = [f"You have not answered {numbers_text(unanswered)}. Submit anyway?"]
    elif partly:
        lines = [f"You have only partly answered {numbers_text(partly)}. Submit anyway?"]
    else:
        everything = "the question" if total == 1 else f"all {total} questions"
        lines = [f"You have answered {everything}. Submit now?"]
    if flagged:
        lines.append(f"You flagged {numbers_text(flagged)} for review.")
    lines.append("Once you submit, you cannot change your answers.")
    return lines


class ConfirmPanel(ReadingColumn):
    """ "Submit anyway?" with Go back (the default, and Esc) and Submit my answers."""

    go_back = Signal()
    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("examConfirm")
        self.setAccessibleName("Submit your answers?")
        self.add(text_label("Submit your answers?", name="pageTitle"))
        self.summary = text_label("", name="confirmSummary")
        self.flagged = text_label("")
        self.final = text_label("", name="hint")
        self.busy = text_label("Handing in your answers…", name="busyNote")
        for label in (self.summary, self.flagged, self.final, self.busy):
            self.add(label)
        self.busy.hide()
        row_holder = QWidget()
        row = QHBoxLayout(row_holder)
        row.setContentsMargins(0, 8, 0, 0)
        self.back_button = QPushButton("‹ Go back")
        self.back_button.setAccessibleName("Go back to the questions")
        self.back_button.setAccessibleDescription("Keep working on your answers (Esc)")
        self.back_button.clicked.connect(self.go_back)
        self.submit_button = QPushButton("Submit my answers")
        self.submit_button.setObjectName("primary")
        self.submit_button.setAccessibleName("Submit my answers")
        self.submit_button.setAccessibleDescription("Hand in the assessment now")
        self.submit_button.clicked.connect(self.confirmed)
        for button in (self.back_button, self.submit_button):
            button.setAutoDefault(True)  # Enter presses the focused button
            row.addWidget(button)
            self.keep_visible_on_focus(button)
        row.addStretch(1)
        self.add(row_holder)
        self.finish()
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back_button.click)  # a disabled button ignores it

    def show_summary(
        self,
        *,
        total: int,
        unanswered: Sequence[int],
        flagged: Sequence[int],
        partly: Sequence[int] = (),
    ) -> None:
        lines = confirm_lines(total=total, unanswered=unanswered, flagged=flagged, partly=partly)
        self.summary.setText(lines[0])
        self.flagged.setText(lines[1] if flagged else "")
        self.flagged.setVisible(bool(flagged))
        self.final.setText(lines[-1])
        self.verticalScrollBar().setValue(0)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.back_button.setEnabled(not busy)
        self.submit_button.setEnabled(not busy)


class PausedPanel(ReadingColumn):
    """Covers the questions while the assessment is paused; nothing here can be answered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("examPaused")
        self.setAccessibleName("Assessment paused")
        self.add(text_label("The assessment is paused", name="pageTitle"))
        self.message = text_label("", name="pausedMessage")
        self.add(self.message)
        self.finish()

    def set_message(self, message: str) -> None:
        self.message.setText(message)
