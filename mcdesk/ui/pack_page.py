"""One micro-credential to study: its targeted skills with progress, and assessment readiness."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from mcdesk.content.skill_states import (
    STAGE_LABELS,
    SkillState,
    readiness,
    score_text,
    stage_text,
    state_of,
)
from mcdesk.content.standards import Standard, standards_of
from mcdesk.ui.cards import Card, ReadingColumn, left_aligned, meta_line, text_label

if TYPE_CHECKING:
    from mcdesk.content.catalog import CatalogEntry

READY = "You look ready. Ask your teacher when you want to take the assessment."
PREVIEW_NOTE = "This is a preview: there is no assessment yet."
NO_ACCESS = "Ask your teacher for access to study this micro-credential."
STANDARDS_HEADING = "Industry standards"
STANDARDS_INTRO = "What you learn here lines up with these standards, named in your badge."
WEB_PAGE_NOTE = "Web page (available when online): "


def format_minutes(seconds: int) -> str:
    """Study time as a learner reads it: "less than a minute", "25 min", "1 h 05 min"."""
    minutes = max(seconds, 0) // 60
    if minutes == 0:
        return "less than a minute"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def breakable_url(url: str) -> str:
    """The address with a zero-width break after each slash: a long one wraps at 200% text."""
    return url.replace("/", "/\u200b")


def time_text(seconds: int) -> str:
    # "less than a minute" would wrongly suggest a skill never opened was tried.
    return "Time spent: " + ("none yet" if seconds <= 0 else format_minutes(seconds))


def assessment_text(assessment: Mapping[str, Any]) -> str:
    """Time limit and pass mark, e.g. "30 minutes · pass mark 75%"."""
    parts = []
    minutes = assessment.get("time_limit_minutes")
    if isinstance(minutes, int):
        parts.append(f"{minutes} minute{'' if minutes == 1 else 's'}")
    level = assessment.get("proficiency_level")
    if isinstance(level, int | float):
        parts.append(f"pass mark {round(level * 100)}%")
    return " · ".join(parts)


class SkillCard(Card):
    """One targeted skill: title, summary, state, time spent and the last self-check."""

    def __init__(self, skill: Mapping[str, Any], state: SkillState) -> None:
        super().__init__()
        self.skill_id: str = skill["id"]
        self.title = text_label(skill["title"], name="cardTitle")
        self.state = text_label(stage_text(state.stage), name="skillState")
        details = [time_text(state.active_seconds)]
        if state.last_score is not None:
            details.append(f"Self-check: {score_text(*state.last_score)}")
        for widget in (self.title, text_label(skill["summary"]), self.state):
            self.body.addWidget(widget)
        for line in details:
            self.body.addWidget(text_label(line, name="muted"))
        self.setAccessibleName(skill["title"])
        # Words only: a screen reader would read the symbol as "white circle".
        self.setAccessibleDescription(
            f"{STAGE_LABELS[state.stage]}. {skill['summary']} {'. '.join(details)}."
        )
        self.setToolTip("Open the lesson and self-check for this skill")


class PackPage(ReadingColumn):
    """A micro-credential's skills to open, in any order; Back (or Esc) returns."""

    back = Signal()
    open_skill = Signal(str)  # skill id
    ready_requested = Signal()  # the learner wants to take the assessment

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Micro-credential")
        self.back_button = QPushButton()  # replaced by each show_pack
        self.title = QLabel()
        self.skill_cards: dict[str, SkillCard] = {}
        self.readiness_label: QLabel | None = None  # ready, or what is still to work on
        self.standard_boxes: list[QFrame] = []
        self.ready_button: QPushButton | None = None
        self.entry: CatalogEntry | None = None
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back.emit)

    def show_pack(
        self,
        *,
        entry: CatalogEntry,
        manifest: Mapping[str, Any],
        states: Mapping[str, SkillState],
        granted: bool,
        back_to: str,
    ) -> None:
        """Show ``entry``; skills open only when ``granted``; ``back_to`` names the way back."""
        self.clear()
        self.skill_cards = {}
        self.standard_boxes = []
        self.readiness_label = None
        self.ready_button = None
        self.entry = entry
        self._add_header(entry, back_to)
        skills: list[Mapping[str, Any]] = list(manifest.get("skills", ()))
        if granted:
            self.add(text_label("Targeted skills — study them in any order", name="clusterHeading"))
            for skill in skills:
                card = SkillCard(skill, state_of(states, skill["id"]))
                card.clicked.connect(lambda _=False, sid=card.skill_id: self.open_skill.emit(sid))
                self.skill_cards[card.skill_id] = card
                self.add(card)
        else:
            self._add_notice(NO_ACCESS)
            self.add(text_label("Targeted skills", name="clusterHeading"))
            for skill in skills:
                # Plain text, no card: nothing here may look or act openable.
                self.add(text_label(skill["title"], name="cardTitle"))
                self.add(text_label(skill["summary"]))
        if entry.preview:
            self.add(text_label(PREVIEW_NOTE, name="muted"))
        elif granted and "assessment" in manifest:
            self._add_readiness(skills, states, manifest["assessment"])
        self._add_standards(standards_of(manifest), skills)
        self.finish()
        self.verticalScrollBar().setValue(0)

    def _add_header(self, entry: CatalogEntry, back_to: str) -> None:
        self.back_button = QPushButton(f"‹ Back to {back_to}")
        self.back_button.setAccessibleName(f"Back to {back_to}")
        self.back_button.setAccessibleDescription("Leave this micro-credential (Esc)")
        self.back_button.clicked.connect(self.back.emit)
        self.add(left_aligned(self.back_button))
        self.keep_visible_on_focus(self.back_button)
        self.title = text_label(entry.title, name="pageTitle")
        self.add(self.title)
        self.add(meta_line(entry.career_cluster, preview=entry.preview))
        self.add(text_label(entry.summary))

    def _add_notice(self, text: str) -> None:
        notice = QFrame()
        notice.setObjectName("notice")
        box = QVBoxLayout(notice)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(text_label(text))
        self.add(notice)

    def _add_readiness(
        self,
        skills: list[Mapping[str, Any]],
        states: Mapping[str, SkillState],
        assessment: Mapping[str, Any],
    ) -> None:
        shown = readiness([skill["id"] for skill in skills], states)
        self.add(text_label("Assessment readiness", name="clusterHeading"))
        self.add(
            text_label(
                f"Skills studied: {shown.studied} of {shown.skills} · "
                f"Self-checks mastered: {shown.mastered} of {shown.skills}"
            )
        )
        limits = assessment_text(assessment)
        if limits:
            self.add(text_label(limits, name="muted"))
        if shown.ready:
            text = READY
        else:
            titles = {skill["id"]: skill["title"] for skill in skills}
            text = "Still to work on: " + ", ".join(titles[sid] for sid in shown.weak)
        self.readiness_label = text_label(text, name="readiness")
        self.add(self.readiness_label)
        self.ready_button = button = QPushButton("Ready for assessment…")
        button.setObjectName("primary")
        button.setAccessibleName("Ready for assessment")
        button.setAccessibleDescription(
            "Shows what you have done so far; then your teacher types a code to start."
        )
        button.clicked.connect(self.ready_requested.emit)
        self.add(left_aligned(button, top=4))
        self.keep_visible_on_focus(button)

    def _add_standards(
        self, standards: tuple[Standard, ...], skills: list[Mapping[str, Any]]
    ) -> None:
        """Each standard as plain text: framework and code, title, the skills, its web page."""
        if not standards:
            return
        self.add(text_label(STANDARDS_HEADING, name="clusterHeading"))
        self.add(text_label(STANDARDS_INTRO, name="muted"))
        titles = {str(skill["id"]): str(skill["title"]) for skill in skills}
        for standard in standards:
            box = QFrame()
            box.setObjectName("standard")
            lines = QVBoxLayout(box)
            lines.setContentsMargins(0, 4, 0, 4)
            lines.setSpacing(2)
            covered = [titles.get(skill_id, skill_id) for skill_id in standard.skills]
            texts = [
                (f"{standard.framework} · {standard.code}", "cardTitle"),
                (standard.title, ""),
                ("Skills: " + ", ".join(covered) if covered else "All skills", "muted"),
                (WEB_PAGE_NOTE + breakable_url(standard.url), "muted"),
            ]
            for text, name in texts:
                lines.addWidget(text_label(text, name=name))
            # A screen reader reads the box as one entry rather than four loose lines.
            box.setAccessibleName(f"Standard: {standard.title}")
            box.setAccessibleDescription(
                ". ".join([texts[0][0], texts[2][0], WEB_PAGE_NOTE + standard.url])
            )
            self.standard_boxes.append(box)
            self.add(box)
