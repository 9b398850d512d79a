"""A learner's home: where they left off, their micro-credentials with progress, their badges."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mcdesk.content.skill_states import STAGE_LABELS, STAGE_SYMBOLS
from mcdesk.study.announcement_reads import DWELL_SECONDS
from mcdesk.ui.cards import Card, ReadingColumn, preview_badge, text_label
from mcdesk.ui.wallet_view import NO_BADGES as NO_BADGES
from mcdesk.ui.wallet_view import HeldBadgeCard, wallet_widgets

if TYPE_CHECKING:
    from mcdesk.study.grant_dates import ClosedPack
    from mcdesk.study.home import LearnerHome, PackProgress, SkillLine
    from mcdesk.sync.wallet import Wallet

NOTHING_GRANTED = "Your teacher has not opened any micro-credentials for you yet."


def greeting(learner_name: str) -> str:
    """The greeting by first name: "Hi, Ana" for "Ana Lima", just "Hi" without a name."""
    words = learner_name.split()
    return f"Hi, {words[0]}" if words else "Hi"


def mastered_text(progress: PackProgress) -> str:
    """How far the learner got, e.g. "2 of 3 skills mastered"."""
    total = len(progress.skills)
    return f"{progress.done} of {total} skill{'' if total == 1 else 's'} mastered"


def skill_line(line: SkillLine) -> str:
    """A skill's progress in one line: symbol, title and state words."""
    stage = line.state.stage
    return f"{STAGE_SYMBOLS[stage]} {line.title} · {STAGE_LABELS[stage]}"


class PackProgressCard(Card):
    """One granted micro-credential: a line per skill, how many are mastered, the next step."""

    def __init__(self, progress: PackProgress) -> None:
        super().__init__()
        entry = progress.entry
        self.pack_id = entry.id
        top = QHBoxLayout()
        top.setSpacing(10)
        self.title = text_label(entry.title, name="cardTitle")
        top.addWidget(self.title, 1)
        self.badge = preview_badge() if entry.preview else None
        if self.badge is not None:
            top.addWidget(self.badge)
        self.body.addLayout(top)
        closes = progress.closes
        self.closes = None
        if closes is not None:  # under the title: the date matters more than the skills
            self.closes = text_label(closes.words, name="error" if closes.urgent else "muted")
            self.body.addWidget(self.closes)
        self.skill_lines = [
            text_label(skill_line(line), name="skillLine") for line in progress.skills
        ]
        for label in self.skill_lines:
            self.body.addWidget(label)
        self.mastered = text_label(mastered_text(progress), name="muted")
        self.next_step = text_label(f"Next step: {progress.next_step}", name="nextStep")
        self.body.addWidget(self.mastered)
        self.body.addWidget(self.next_step)
        preview = "Preview. " if entry.preview else ""
        # Words only: a screen reader would read the symbols as "white circle" and so on.
        skills = "; ".join(
            f"{line.title}: {STAGE_LABELS[line.state.stage]}" for line in progress.skills
        )
        self.setAccessibleName(entry.title)
        dates = "" if closes is None else f"{closes.words.replace(' · ', ': ')}. "
        self.setAccessibleDescription(
            f"{preview}{dates}{mastered_text(progress)}. Next step: {progress.next_step}. {skills}."
        )
        self.setToolTip("Open this micro-credential")


def closed_card(closed: ClosedPack) -> QFrame:
    """A micro-credential whose grant closed: said plainly, not a button (it opens nothing)."""
    frame = QFrame()
    frame.setObjectName("closedCard")
    box = QVBoxLayout(frame)
    box.setContentsMargins(16, 12, 16, 12)  # plus the styled border and margin: a card's 18, 14
    box.addWidget(text_label(closed.title, name="cardTitle"))
    box.addWidget(text_label(closed.words, name="muted"))
    frame.setAccessibleName(f"{closed.title}: closed")
    frame.setAccessibleDescription(closed.words)
    return frame


class HomeView(ReadingColumn):
    """The signed-in learner's start page; every action leaves through a signal."""

    open_pack = Signal(str)  # pack id
    open_skill = Signal(str, str)  # pack id, skill id
    open_badge = Signal(str)  # credential id
    browse_catalog = Signal()
    # Announcement ids whose card stayed on screen for DWELL_SECONDS (the rule of "read":
    # mcdesk.study.announcement_reads); each id once per show_home.
    notices_read = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("My home page")
        self.notice_ids: list[str] = []  # beside notice_cards, in the same order
        self._reported: set[str] = set()
        # One timer, restarted by every scroll, resize or showing: it fires only once the
        # page has held still that long, and never while the page is hidden.
        self._dwell = QTimer(self)
        self._dwell.setSingleShot(True)
        self._dwell.setInterval(DWELL_SECONDS * 1000)
        self._dwell.timeout.connect(self._report_notices)
        self.verticalScrollBar().valueChanged.connect(self._restart_dwell)
        self.greeting = QLabel()
        self.continue_card: Card | None = None
        self.pack_cards: dict[str, PackProgressCard] = {}
        self.badge_cards: dict[str, HeldBadgeCard] = {}
        self.browse_button = QPushButton()  # replaced by each show_home
        self.notice_cards: list[Card] = []
        self.closed_cards: list[QFrame] = []

    def show_home(
        self,
        *,
        learner_name: str,
        home: LearnerHome,
        skill_titles: Mapping[tuple[str, str], str],
        wallet: Wallet | None = None,
    ) -> None:
        """Show ``home``; ``skill_titles`` maps (pack id, skill id) to the skill's title."""
        self.clear()
        self.pack_cards = {}
        self.greeting = text_label(greeting(learner_name), name="pageTitle")
        self.add(self.greeting)
        self.notice_cards = self._notice_cards(home)
        self.notice_ids = [notice.id for notice in home.notices]
        self._reported = set()
        for card in self.notice_cards:
            self.add(card)
        self.continue_card = self._continue_card(home, skill_titles)
        if self.continue_card is not None:
            self.add(self.continue_card)

        self.add(text_label("My micro-credentials", name="clusterHeading"))
        if not home.mine:
            self.add(text_label(NOTHING_GRANTED, name="muted"))
        for progress in home.mine:
            card = PackProgressCard(progress)
            card.clicked.connect(lambda _=False, pid=card.pack_id: self.open_pack.emit(pid))
            self.pack_cards[card.pack_id] = card
            self.add(card)
        self.closed_cards = [closed_card(closed) for closed in home.closed]
        for closed in self.closed_cards:
            self.add(closed)

        self.add(text_label("My badges", name="clusterHeading"))
        widgets, self.badge_cards = wallet_widgets(wallet, open_badge=self.open_badge.emit)
        for widget in widgets:
            self.add(widget)

        # Last, so that tabbing to it also scrolls the badges above it into view.
        self.browse_button = QPushButton("Browse the whole catalog")
        self.browse_button.setAccessibleName("Browse the whole catalog")
        self.browse_button.setAccessibleDescription(
            "See every micro-credential on this station, grouped by career cluster"
        )
        self.browse_button.clicked.connect(self.browse_catalog.emit)
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 14, 0, 0)
        row.addWidget(self.browse_button)
        row.addStretch(1)
        self.add(holder)
        self.keep_visible_on_focus(self.browse_button)
        self.finish()
        self.verticalScrollBar().setValue(0)
        self._restart_dwell()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._restart_dwell()

    def hideEvent(self, event: QHideEvent) -> None:
        self._dwell.stop()  # another page, or signed out: nothing on screen any more
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._restart_dwell()

    def _restart_dwell(self) -> None:
        if self.notice_ids and self.isVisible():
            self._dwell.start()

    def notice_on_screen(self, card: QWidget) -> bool:
        """Whether ``card`` shows whole in the page's view (or fills it, when taller)."""
        if not card.isVisible() or self.window().isMinimized():
            return False
        shown = card.visibleRegion().boundingRect().height()
        return shown > 0 and shown >= min(card.height(), self.viewport().height())

    def _report_notices(self) -> None:
        if not self.isVisible():
            return
        seen = [
            notice_id
            for card, notice_id in zip(self.notice_cards, self.notice_ids, strict=True)
            if notice_id not in self._reported and self.notice_on_screen(card)
        ]
        if seen:
            self._reported.update(seen)
            self.notices_read.emit(seen)

    def _notice_cards(self, home: LearnerHome) -> list[Card]:
        """The class's announcements, newest first, each with its due date in words."""
        cards = []
        for notice in home.notices:
            card = Card()
            card.setObjectName("noticeCard")
            card.body.addWidget(text_label("From your teacher", name="muted"))
            card.body.addWidget(text_label(notice.text))
            if notice.due_words:
                card.body.addWidget(text_label(notice.due_words, name="cardTitle"))
            posted = f"Posted {notice.posted_on}" + (
                f" by {notice.posted_by}" if notice.posted_by else ""
            )
            card.body.addWidget(text_label(posted, name="muted"))
            due = f" {notice.due_words}." if notice.due_words else ""
            card.setAccessibleName(f"Announcement from your teacher: {notice.text}.{due}")
            cards.append(card)
        return cards

    def _continue_card(
        self, home: LearnerHome, skill_titles: Mapping[tuple[str, str], str]
    ) -> Card | None:
        if home.continue_at is None:
            return None
        pack_id, skill_id = home.continue_at
        progress = next((p for p in home.mine if p.entry.id == pack_id), None)
        # Access may have ended since: offer only what the learner can still open.
        if progress is None:
            return None
        skill = skill_titles.get(home.continue_at) or next(
            (line.title for line in progress.skills if line.skill_id == skill_id), None
        )
        if skill is None:
            return None
        where = f"{skill} · {progress.entry.title}"
        card = Card()
        card.setObjectName("continueCard")
        card.body.addWidget(text_label("Continue where you left off", name="muted"))
        card.body.addWidget(text_label(where, name="cardTitle"))
        card.setAccessibleName(f"Continue where you left off: {where}")
        card.setAccessibleDescription(f"Open the lesson “{skill}” in {progress.entry.title}")
        card.clicked.connect(lambda _=False: self.open_skill.emit(pack_id, skill_id))
        return card
