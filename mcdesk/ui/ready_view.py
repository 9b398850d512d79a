"""Ready for assessment: the evidence so far, what to expect, where the teacher types a code."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

from mcdesk.content.skill_states import Readiness
from mcdesk.exam.paper import Evidence
from mcdesk.ui.cards import ReadingColumn, left_aligned, text_label
from mcdesk.ui.result_view import percent

NOT_ALL_MASTERED = (
    "You can take the assessment now. If you have time, practising the skills still to "
    "work on first gives you a better chance."
)
ALL_MASTERED = "You have studied and mastered every skill. You look ready."
CODE_HEADING = "Your teacher will type a code to start"
NO_CODE_PROMPT = "Ask your teacher to come to your computer."


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def minutes_text(minutes: float) -> str:
    """Whole minutes as a learner reads them; "about" when the time is not a whole minute."""
    whole = round(minutes)
    return f"{'' if abs(minutes - whole) < 0.01 else 'about '}{whole}"


def evidence_text(readiness: Readiness, skill_titles: Mapping[str, str]) -> str:
    """E.g. "Skills studied 3 of 4; self-checks mastered 2 of 4; still to work on: Estimation"."""
    parts = [
        f"Skills studied {readiness.studied} of {readiness.skills}",
        f"self-checks mastered {readiness.mastered} of {readiness.skills}",
    ]
    if readiness.weak:
        titles = ", ".join(skill_titles.get(s, s) for s in readiness.weak)
        parts.append(f"still to work on: {titles}")
    return "; ".join(parts)


def expect_text(
    *, items: int, time_limit_minutes: float, multiplier: float, proficiency: float
) -> str:
    """E.g. "12 questions · 30 minutes (45 with your extra time) · pass mark 75%"."""
    time = f"{minutes_text(time_limit_minutes)} minutes"
    if multiplier > 1:
        time += f" ({minutes_text(time_limit_minutes * multiplier)} with your extra time)"
    # Rounded as the result page rounds it: the two must never disagree.
    return f"{plural(items, 'question')} · {time} · pass mark {percent(proficiency)}%"


class ReadyView(ReadingColumn):
    """The learner's page before an assessment; the owner passes in the code prompt."""

    back = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Ready for assessment")
        self.back_button = QPushButton()
        self.evidence = text_label("")
        self.expect = text_label("")
        self.refusal = text_label("")
        self.teacher_note = text_label("")
        self._code_prompt: QWidget | None = None
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back)

    def show_ready(
        self, evidence: Evidence, *, code_prompt: QWidget | None, resuming: bool = False
    ) -> None:
        """Show ``evidence`` (the exam core's value object for this page); ``code_prompt`` is
        embedded only when an attempt is allowed, or an interrupted one is ``resuming``."""
        title, readiness, skill_titles = evidence.title, evidence.readiness, evidence.skill_titles
        retake = evidence.retake
        retake_allowed, retake_reason = retake.allowed or resuming, retake.reason
        # A teacher's allowance (extra attempt, waived review) says who and why in the reason.
        teacher_note = retake.reason if retake.allowances else ""
        self._release_code_prompt()
        self.clear()
        self.back_button = QPushButton("‹ Not now")
        self.back_button.setAccessibleName("Not now")
        self.back_button.setAccessibleDescription("Go back to the micro-credential (Esc)")
        self.back_button.setAutoDefault(True)
        self.back_button.clicked.connect(self.back)
        self.add(self._left(self.back_button))
        self.add(text_label("Ready for assessment", name="pageTitle"))
        self.add(text_label(title, name="muted"))

        self.add(text_label("What you have done", name="sectionTitle"))
        self.evidence = text_label(evidence_text(readiness, skill_titles), name="readiness")
        self.add(self.evidence)
        if retake_allowed:
            self.add(text_label(ALL_MASTERED if readiness.ready else NOT_ALL_MASTERED, name="hint"))
        self.teacher_note = text_label(teacher_note, name="hint")
        if retake_allowed and teacher_note:
            # A teacher's allowance (extra attempt, waived review), with who and why.
            self.add(self.teacher_note)

        self.add(text_label("What to expect", name="sectionTitle"))
        self.expect = text_label(
            expect_text(
                items=evidence.items,
                time_limit_minutes=evidence.time_limit_minutes,
                multiplier=evidence.multiplier,
                proficiency=evidence.proficiency,
            )
        )
        self.add(self.expect)
        self.add(
            text_label("The screen will lock until you finish. Ask your teacher if you need help.")
        )

        self.refusal = text_label(retake_reason, name="retakeRefusal")
        if not retake_allowed:
            self._add_notice(self.refusal)
        else:
            self.add(text_label(CODE_HEADING, name="sectionTitle"))
            if code_prompt is None:
                self.add(text_label(NO_CODE_PROMPT))
            else:
                self._embed(code_prompt)
        self.finish()
        self.verticalScrollBar().setValue(0)

    def show_interrupted(self, *, learner_name: str, title: str, code_prompt: QWidget) -> None:
        """After a crash: whose assessment stopped, and the prompt for a resume code."""
        self._release_code_prompt()
        self.clear()
        self.add(
            text_label(
                "Assessment interrupted — a teacher code is needed to resume", name="pageTitle"
            )
        )
        self.add(text_label(f"{learner_name} · {title}", name="sectionTitle"))
        self.add(
            text_label(
                "mcdesk stopped while this assessment was running. Every answer that showed "
                "“Saved” is kept, and the time while mcdesk was closed does not count. "
                "A teacher types the next code to continue.",
            )
        )
        self._embed(code_prompt)
        self.finish()
        self.verticalScrollBar().setValue(0)

    @property
    def code_prompt(self) -> QWidget | None:
        """The code prompt on the page now, if any."""
        return self._code_prompt

    def _embed(self, code_prompt: QWidget) -> None:
        self.add(code_prompt)
        code_prompt.show()
        for widget in (code_prompt, *code_prompt.findChildren(QWidget)):
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                self.keep_visible_on_focus(widget)
        self._code_prompt = code_prompt

    def _release_code_prompt(self) -> None:
        # The prompt belongs to the owner: clearing the page must not delete it with the rest.
        prompt, self._code_prompt = self._code_prompt, None
        if prompt is not None:
            self.column_layout.removeWidget(prompt)
            prompt.hide()
            prompt.setParent(None)

    def _left(self, button: QPushButton) -> QWidget:
        self.keep_visible_on_focus(button)
        return left_aligned(button)

    def _add_notice(self, label: QWidget) -> None:
        notice = QFrame()
        notice.setObjectName("notice")
        box = QVBoxLayout(notice)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(label)
        self.add(notice)
