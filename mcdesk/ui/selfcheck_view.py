"""The self-check runner: one item at a time, instant feedback, a score at the end."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mcdesk.content.skill_states import MASTERY, score_text
from mcdesk.study.selfcheck import SelfCheckRun
from mcdesk.ui.item_inputs import ItemInput, instructions, make_item_input


class SelfCheckView(QWidget):
    """Runs self-check items; emits ``finished(credit, total, responses)`` at the end."""

    finished = Signal(float, int, dict)
    back_to_lesson = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, seed_source: random.Random | None = None
    ) -> None:
        super().__init__(parent)
        self._seeds = seed_source or random.Random()
        self._items: Sequence[Mapping[str, Any]] = ()
        self._run: SelfCheckRun | None = None
        self._input: ItemInput | None = None

        self.progress = QLabel()
        self.progress.setObjectName("selfcheckProgress")
        self.prompt = QLabel()
        self.prompt.setTextFormat(Qt.TextFormat.MarkdownText)
        self.prompt.setWordWrap(True)
        self.prompt.setObjectName("selfcheckPrompt")
        self.how = QLabel()
        self.how.setWordWrap(True)
        self.how.setObjectName("hint")
        # The answer sits in a holder made before the buttons: a screen reader reads in the
        # order widgets were made, so the choices come before "Check answer".
        self.answer_holder = QWidget()
        self.answer_area = QVBoxLayout(self.answer_holder)
        self.answer_area.setContentsMargins(0, 0, 0, 0)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setObjectName("feedback")
        self.feedback.setFrameShape(QFrame.Shape.StyledPanel)
        self.feedback.hide()
        self.check_button = QPushButton("Check answer")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.check)
        self.next_button = QPushButton("Next question")
        self.next_button.clicked.connect(self.advance)
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(self.restart)
        self.back_button = QPushButton("Back to the lesson")
        self.back_button.clicked.connect(self.back_to_lesson.emit)

        buttons = QHBoxLayout()
        for button in (self.check_button, self.next_button, self.retry_button, self.back_button):
            button.setAutoDefault(True)  # Enter activates the focused button, as in a dialog
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.prompt)
        layout.addWidget(self.how)
        layout.addWidget(self.answer_holder)
        layout.addWidget(self.feedback)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def start(self, items: Sequence[Mapping[str, Any]]) -> None:
        self._items = items
        self.restart()

    def restart(self) -> None:
        """A fresh run: a new order of items and options."""
        self._run = SelfCheckRun(self._items, seed=self._seeds.randrange(2**32))
        self._show_item()

    @property
    def run(self) -> SelfCheckRun:
        assert self._run is not None, "start() first"
        return self._run

    def current_input(self) -> ItemInput:
        assert self._input is not None
        return self._input

    def _show_item(self) -> None:
        run = self.run
        item = run.current
        if self._input is not None:
            self._input.deleteLater()
        self.progress.setText(f"Question {run.position + 1} of {len(run.items)}")
        self.prompt.setText(str(item["prompt"]))
        self.how.setText(instructions(item))
        self._input = make_item_input(item)
        self.answer_area.addWidget(self._input)
        self.feedback.hide()
        self.check_button.setVisible(True)
        self.check_button.setEnabled(True)
        self.next_button.setVisible(False)
        self.retry_button.setVisible(False)
        self.back_button.setVisible(False)
        self._input.setFocus()

    def check(self) -> None:
        run = self.run
        if self.current_input().show_problem():
            self.feedback.hide()
            self.current_input().setFocus()  # the box says what it needs; nothing is graded
            return
        response = self.current_input().response()
        if response is None:
            self._say("Answer the question first (or choose your best guess).", tone="hint")
            return
        feedback = run.answer(response)
        self.current_input().set_locked(True)
        if feedback.score.correct:
            head = "✓ Correct."
            tone = "right"
        elif feedback.score.credit > 0:
            head = f"◐ Partly right ({feedback.score.credit:.0%})."
            tone = "partly"
        else:
            head = "✗ Not quite."
            tone = "wrong"
        answer = "" if feedback.score.correct else f"<br><b>Answer:</b> {feedback.right_answer}"
        self._say(f"<b>{head}</b> {feedback.explanation}{answer}", tone=tone)
        self.check_button.setVisible(False)
        last = run.position == len(run.items) - 1
        self.next_button.setText("See my score" if last else "Next question")
        self.next_button.setVisible(True)
        self.next_button.setFocus()

    def advance(self) -> None:
        run = self.run
        run.next()
        if not run.finished:
            self._show_item()
            return
        self._show_score()

    def _show_score(self) -> None:
        run = self.run
        total = len(run.items)
        share = run.credit / total
        if self._input is not None:
            self._input.deleteLater()
            self._input = None
        self.progress.setText("Self-check finished")
        self.prompt.setText(f"**You scored {score_text(run.credit, total)} ({share:.0%}).**")
        if run.mastered:
            self.how.setText("Mastered! This skill now counts as ready for the assessment.")
        else:
            self.how.setText(
                f"Mastery needs {MASTERY:.0%}. Review the lesson, then try again: "
                "the questions come in a new order."
            )
        self.feedback.hide()
        self.next_button.setVisible(False)
        self.retry_button.setVisible(True)
        self.back_button.setVisible(True)
        self.retry_button.setFocus()
        self.finished.emit(run.credit, total, dict(run.responses))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter anywhere in the question checks the answer, then moves on."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._run is not None:
            if self.check_button.isVisible():
                self.check()
            elif self.next_button.isVisible():
                self.advance()
            event.accept()
            return
        super().keyPressEvent(event)

    def _say(self, html: str, *, tone: str) -> None:
        self.feedback.setProperty("tone", tone)
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)
        self.feedback.setText(html)
        self.feedback.show()
