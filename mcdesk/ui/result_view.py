"""The assessment result: pass or not yet, the score, each skill, what to review next.

It is given ratios and skill titles only, never items or keys, so it cannot show an answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from mcdesk.ui.cards import ReadingColumn, text_label

PASSED = "You passed 🎉"
NOT_YET = "Not yet ↻"
PASSED_NOTE = "Well done! You showed the skills this micro-credential asks for."
NOT_YET_NOTE = "You are on your way. Review the skills below, then try again."
EXPIRED_NOTE = "Time ran out, so your answers were handed in automatically."


def percent(ratio: float) -> int:
    """A ratio as a whole percentage, rounded down: 74.6% must not read as the 75% pass mark."""
    return min(max(math.floor(ratio * 100 + 1e-9), 0), 100)


def skill_words(ratio: float, met: bool) -> str:
    """E.g. "80% · ✔ Met" or "40% · ○ Not yet"."""
    return f"{percent(ratio)}% · {'✔ Met' if met else '○ Not yet'}"


class ResultView(ReadingColumn):
    """Shows one attempt's result; review buttons and Back to my home are its way out."""

    review_skill = Signal(str)  # skill id
    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Assessment result")
        self.outcome = text_label("")
        self.score = text_label("")
        self.review_buttons: dict[str, QPushButton] = {}
        self.done_button = QPushButton()

    def show_result(
        self,
        *,
        title: str,
        passed: bool,
        score_ratio: float,
        proficiency: float,
        skills: Sequence[tuple[str, str, float, bool]],
        review: Sequence[tuple[str, str]],
        retake_text: str,
        ended_by: str,
        server_note: str = "",
    ) -> None:
        """Show the result; ``ended_by`` is "submitted" or "expired" (time ran out)."""
        self.clear()
        self.review_buttons = {}
        self.add(text_label(title, name="muted"))
        self.outcome = text_label(PASSED if passed else NOT_YET, name="pageTitle")
        self.outcome.setAccessibleName("You passed" if passed else "Not yet")
        # The first stop for the keyboard (and a screen reader): the verdict, not a button
        # further down that would scroll the verdict out of sight.
        self.outcome.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.add(self.outcome)
        self.add(text_label(PASSED_NOTE if passed else NOT_YET_NOTE))
        if ended_by == "expired":
            self._add_notice(EXPIRED_NOTE)
        self.score = text_label(
            f"Your score: {percent(score_ratio)}% · pass mark {percent(proficiency)}%",
            name="resultScore",
        )
        self.add(self.score)
        if skills:
            self.add(text_label("Your skills", name="sectionTitle"))
            for _skill_id, skill_title, ratio, met in skills:
                self.add(self._skill_row(skill_title, ratio, met))
        if review:
            self.add(text_label("Skills to review", name="sectionTitle"))
            self.add(text_label("Open a skill to study it again.", name="hint"))
            for skill_id, skill_title in review:
                button = QPushButton(f"Review {skill_title}")
                button.setAccessibleName(f"Review {skill_title}")
                button.setAutoDefault(True)
                button.clicked.connect(lambda _=False, s=skill_id: self.review_skill.emit(s))
                self.review_buttons[skill_id] = button
                self.add(self._left(button))
        if retake_text:
            self.add(text_label(retake_text, name="retakeRule"))
        if server_note:
            self.add(text_label(server_note, name="muted"))
        self.done_button = QPushButton("Back to my home")
        self.done_button.setObjectName("primary")
        self.done_button.setAccessibleName("Back to my home")
        self.done_button.setAutoDefault(True)
        self.done_button.clicked.connect(self.done)
        self.add(self._left(self.done_button, top=12))
        self.finish()
        self.verticalScrollBar().setValue(0)

    def focus_outcome(self) -> None:
        """The page from its top, the keyboard on the verdict (after the locked window)."""
        self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)
        self.verticalScrollBar().setValue(0)

    def _skill_row(self, skill_title: str, ratio: float, met: bool) -> QWidget:
        """Title and words on one line, a bar under them: the bar is never the only sign."""
        row = QWidget()
        row.setObjectName("skillResult")
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 4, 0, 4)
        box.setSpacing(4)
        line = QHBoxLayout()
        line.addWidget(text_label(skill_title, name="cardTitle"), 1)
        words = text_label(skill_words(ratio, met), name="skillMet" if met else "skillNotYet")
        words.setWordWrap(False)
        line.addWidget(words)
        box.addLayout(line)
        bar = QProgressBar()
        bar.setRange(0, 100)
        bar.setValue(percent(ratio))
        bar.setTextVisible(False)
        bar.setAccessibleName(
            f"{skill_title}: {percent(ratio)}%, {'met' if met else 'not yet met'}"
        )
        box.addWidget(bar)
        return row

    def _left(self, button: QPushButton, *, top: int = 0) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, top, 0, 0)
        row.addWidget(button)
        row.addStretch(1)
        self.keep_visible_on_focus(button)
        return holder

    def _add_notice(self, text: str) -> None:
        notice = QFrame()
        notice.setObjectName("notice")
        box = QVBoxLayout(notice)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(text_label(text))
        self.add(notice)
