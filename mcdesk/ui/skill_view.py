"""One targeted skill: its lesson with keywords and links beside it, and its self-check."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mcdesk.content.skill_states import SkillState, stage_text
from mcdesk.ui.lesson_view import LessonView
from mcdesk.ui.selfcheck_view import SelfCheckView
from mcdesk.ui.wrapped_text import FittedLabel, wrapping_list

# Sizes in lines of text (a line is ~18 px at 100% text), so they grow with the text size.
SIDE_PANEL_EM = 17  # ~300 px: a term and its definition without cramped wrapping
LESSON_MIN_LINES = 6  # never fewer lines of lesson in sight; the page scrolls instead
NARROW_BELOW_EM = 50  # ~900 px: below this, a lesson beside the panel is too narrow to read
OFFLINE_NOTE = "Available when online"
DEFINITION_HINT = "Move to a highlighted keyword in the lesson to see what it means here."
SHORTCUTS = "Alt+L shows the lesson, Alt+S the self-check."
NOT_STUDIED, STUDIED = "I've finished reading", "Marked as studied"
START, CONTINUE = "Start the self-check", "Continue the self-check"


def time_spent_text(seconds: int) -> str:
    """ "Time on this skill: 12 min", in whole minutes."""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    if hours:
        return f"Time on this skill: {hours} h {minutes} min"
    return f"Time on this skill: {minutes} min" if minutes else "Time on this skill: under 1 min"


def _breakable(url: str) -> str:
    """The address with break points after / . ? & = - (a label never breaks a word)."""
    return re.sub(r"([/.?&=-])", "\\1\u200b", url)


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class SkillView(QWidget):
    """A skill's Lesson and Self-check pages; what the learner does goes out as signals."""

    back = Signal()
    studied = Signal()
    selfcheck_finished = Signal(float, int, dict)  # credit, total, responses by item id
    link_opened = Signal(str)  # a lesson link the learner activated ("other resources")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._skill: Mapping[str, Any] = {}
        self._online = self._studied = self._selfcheck_running = False
        self._stage_text = ""
        self._arranged_for: tuple[bool, int] | None = None  # (narrow, line height)

        self.back_button = QPushButton("‹ Back")
        self.back_button.clicked.connect(self.back)
        self.title = _label("", "pageTitle")
        self.state_line = _label("", "muted")

        self.lesson = LessonView()
        self.lesson.setAccessibleDescription(
            f"The lesson text. Tab moves through keywords and links. {SHORTCUTS}"
        )
        self.lesson.keyword_focused.connect(self._show_definition)
        self.lesson.link_activated.connect(lambda url: self._show_link(url.toString()))
        self.lesson.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.definition_box = FittedLabel(DEFINITION_HINT)
        self.definition_box.setObjectName("definition")
        self.definition_box.setWordWrap(True)
        self.definition_box.setTextFormat(Qt.TextFormat.RichText)
        self.definition_box.setAccessibleName("Definition")
        self.definition_box.setAccessibleDescription("What the chosen keyword or link means.")
        self.keyword_list = wrapping_list(
            "Keywords", "Each keyword and its meaning; Up and Down move."
        )
        self.keyword_list.currentItemChanged.connect(self._on_keyword_chosen)
        self.link_list = wrapping_list(
            "Links", "Web pages about this skill; Enter tells how to open one."
        )
        self.link_list.itemActivated.connect(
            lambda item: self._show_link(item.data(Qt.ItemDataRole.UserRole))
        )
        self.keywords_heading = _label("Keywords", "sectionTitle")
        self.keywords_heading.setBuddy(self.keyword_list)
        self.links_heading = _label("Links", "sectionTitle")
        self.links_heading.setBuddy(self.link_list)
        self.side_panel = QWidget()
        self._panel_grid = QGridLayout(self.side_panel)
        self._panel_grid.setContentsMargins(0, 0, 0, 0)

        self.studied_button = QPushButton(NOT_STUDIED)
        self.studied_button.setAccessibleDescription(
            "Marks the lesson as studied; reading to its very end does too."
        )
        self.studied_button.clicked.connect(self._mark_studied)
        self.start_selfcheck_button = QPushButton(START)
        self.start_selfcheck_button.setObjectName("primary")
        self.start_selfcheck_button.setToolTip("Alt+S")
        self.start_selfcheck_button.setAccessibleDescription(
            f"Practice questions on this skill, with feedback. {SHORTCUTS}"
        )
        self.start_selfcheck_button.clicked.connect(self.show_selfcheck_page)
        self.selfcheck = SelfCheckView()
        self.selfcheck.setAccessibleName("Self-check")
        self.selfcheck.setAccessibleDescription(f"Practice questions. {SHORTCUTS}")
        self.selfcheck.back_to_lesson.connect(self.show_lesson_page)
        self.selfcheck.retry_button.clicked.connect(self._on_selfcheck_restarted)
        self.selfcheck.finished.connect(self._on_selfcheck_finished)

        self._body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._body.addWidget(self.lesson, 1)
        self._body.addWidget(self.side_panel)
        # The buttons stay in sight under the page, however far a short screen scrolls it.
        self.lesson_buttons = QWidget()
        buttons = QHBoxLayout(self.lesson_buttons)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.studied_button)
        buttons.addWidget(self.start_selfcheck_button)
        buttons.addStretch(1)
        self.lesson_page = QWidget()
        self.lesson_page.setAccessibleName("Lesson")
        page = QVBoxLayout(self.lesson_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.addLayout(self._body, 1)
        self.pages = QStackedWidget()
        self.pages.setAccessibleName("Lesson and self-check")
        self.pages.setAccessibleDescription(SHORTCUTS)
        self.pages.addWidget(self.lesson_page)
        self.pages.addWidget(self.selfcheck)
        self.pages.currentChanged.connect(self._on_page_changed)
        self._top = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self._top.addWidget(
            self.back_button, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        )
        self._top.addWidget(self.title, 1)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._top)
        column.addWidget(self.state_line)
        column.addWidget(self.pages, 1)
        # Large text on a short screen: the page scrolls as a whole rather than squeeze the
        # lesson to a line, the definition to a sliver and the feedback to nothing.
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.lesson_buttons)
        self._on_page_changed(0)
        self._arrange()  # the panel's widgets join this window, so they can join the tab order

        chain = [self.back_button, self.lesson, self.keyword_list, self.link_list]
        chain += [self.studied_button, self.start_selfcheck_button]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._follow_focus)
        for keys, show in (("Alt+L", self.show_lesson_page), ("Alt+S", self.show_selfcheck_page)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(show)

    def show_skill(
        self,
        *,
        pack_title: str,
        skill: Mapping[str, Any],
        lesson_markdown: str,
        images: Mapping[str, bytes],
        state: SkillState,
        online: bool = False,
    ) -> None:
        """Show ``skill`` (its manifest entry) on the Lesson page, scrolled to the top."""
        self._skill, self._online, self._studied = skill, online, state.studied
        self._selfcheck_running = False
        self.back_button.setText(f"‹ Back to {pack_title}")
        self.back_button.setAccessibleName(f"Back to {pack_title}")
        self.back_button.setAccessibleDescription(f"Leave this skill and return to {pack_title}.")
        self.title.setText(str(skill["title"]))
        self.set_state(state)
        keywords = [(str(k["term"]), str(k["definition"])) for k in skill.get("keywords", ())]
        self.lesson.show_lesson(lesson_markdown, images=images, keywords=keywords)

        note = "" if online else f"\n{OFFLINE_NOTE}"
        keyword_rows = [(f"{term}\n{meaning}", (term, meaning)) for term, meaning in keywords]
        links = skill.get("links", ())
        link_rows = [(f"{k['title']}\n{k['url']}{note}", str(k["url"])) for k in links]
        for entries, heading, rows in (
            (self.keyword_list, self.keywords_heading, keyword_rows),
            (self.link_list, self.links_heading, link_rows),
        ):
            entries.clear()
            for text, data in rows:
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, data)
                entries.addItem(item)
            entries.setVisible(bool(rows))
            heading.setVisible(bool(rows))
        self.definition_box.setText(DEFINITION_HINT)
        self._show_studied()
        self._show_selfcheck_button()
        self.pages.setCurrentWidget(self.lesson_page)

    def set_state(self, state: SkillState) -> None:
        """Show the skill's stage and time, e.g. once new progress is saved."""
        self._stage_text = stage_text(state.stage)
        self.set_time_spent(state.active_seconds)

    def set_time_spent(self, seconds: int) -> None:
        """Update the time while the learner studies."""
        self.state_line.setText(f"{self._stage_text}  ·  {time_spent_text(seconds)}")

    def show_lesson_page(self) -> None:
        """The lesson, with the keyboard in it (Alt+L)."""
        self.pages.setCurrentWidget(self.lesson_page)
        self.lesson.setFocus()

    def show_selfcheck_page(self) -> None:
        """The self-check (Alt+S): a run under way goes on, otherwise a new one starts."""
        items = self._skill.get("self_check")
        if not items:
            return
        self.pages.setCurrentWidget(self.selfcheck)
        if self._selfcheck_running:
            (self.selfcheck.focusWidget() or self.selfcheck).setFocus()
            return
        self._on_selfcheck_restarted()
        self.selfcheck.start(list(items))  # after the page switch, so its focus lands

    def _arrange(self) -> None:
        """The panel beside the lesson, or under it when beside would squeeze the lesson."""
        em = self.fontMetrics().height()
        narrow = self.width() < NARROW_BELOW_EM * em
        if self._arranged_for == (narrow, em):
            return
        self._arranged_for = (narrow, em)
        if narrow:
            # Keywords and links side by side: the lesson keeps most of a short screen.
            places = [(0, 0, 1, 2), (1, 0, 1, 1), (2, 0, 1, 1), (1, 1, 1, 1), (2, 1, 1, 1)]
            stretches = (0, 0, 1, 0, 0)
        else:
            places = [(row, 0, 1, 1) for row in range(5)]
            stretches = (0, 0, 3, 0, 1)
        panel = [self.definition_box, self.keywords_heading, self.keyword_list]
        panel += [self.links_heading, self.link_list]
        for widget, place in zip(panel, places, strict=True):
            self._panel_grid.removeWidget(widget)
            self._panel_grid.addWidget(widget, *place)
        for row, stretch in enumerate(stretches):
            self._panel_grid.setRowStretch(row, stretch)
        for entries in (self.keyword_list, self.link_list):
            entries.setMinimumHeight(3 * em)  # a whole two-line entry, however short the page
        self.lesson.setMinimumHeight(LESSON_MIN_LINES * em)
        # A narrow page gives the title its own line instead of three beside the button.
        self._top.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )
        self._body.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )
        self._body.setStretchFactor(self.lesson, 3 if narrow else 1)
        self._body.setStretchFactor(self.side_panel, 2 if narrow else 0)
        self.side_panel.setMinimumWidth(0 if narrow else SIDE_PANEL_EM * em)
        self.side_panel.setMaximumWidth(16_777_215 if narrow else SIDE_PANEL_EM * em)  # no max

    def _on_page_changed(self, _index: int) -> None:
        current = self.pages.currentWidget()
        self.lesson_buttons.setVisible(current is self.lesson_page)
        # A stack is as tall as its tallest page; the hidden one must not leave the shown one
        # scrolling through empty space.
        for page in (self.lesson_page, self.selfcheck):
            shown = QSizePolicy.Policy.Preferred if page is current else QSizePolicy.Policy.Ignored
            page.setSizePolicy(shown, shown)
        self.scroll_area.verticalScrollBar().setValue(0)  # a new page starts at its top

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep what has the keyboard in sight when the page scrolls (large text)."""
        content = self.scroll_area.widget()
        if new is None or content is None or not content.isAncestorOf(new):
            return
        if new is self.lesson:
            # The lesson's top at the top: the definition under it comes into sight too.
            top = self.lesson.mapTo(content, QPoint(0, 0)).y()
            self.scroll_area.verticalScrollBar().setValue(top)
        else:
            self.scroll_area.ensureWidgetVisible(new)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event: QEvent) -> None:
        # Larger text needs a wider panel and moves it under the lesson sooner.
        if event.type() == QEvent.Type.FontChange:
            self._arrange()
        super().changeEvent(event)

    def _show_definition(self, term: str, definition: str) -> None:
        self.definition_box.setText(f"<b>{html.escape(term)}</b>: {html.escape(definition)}")
        # Once laid out at its new height, the definition must be in sight (large text),
        # and so must the keyword, in a lesson that may have become shorter.
        QTimer.singleShot(0, self, self._keep_definition_in_sight)

    def _keep_definition_in_sight(self) -> None:
        self.lesson.ensure_focus_visible()
        self.scroll_area.ensureWidgetVisible(self.definition_box, 0, 0)

    def _on_keyword_chosen(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self._show_definition(*item.data(Qt.ItemDataRole.UserRole))

    def _show_link(self, url: str) -> None:
        # Links do not open from mcdesk in this release; say so rather than do nothing.
        note = "Open it in a web browser." if self._online else f"{OFFLINE_NOTE}."
        self.definition_box.setText(f"<b>Link</b>: {html.escape(_breakable(url))}<br>{note}")
        self.link_opened.emit(url)

    def _on_scrolled(self, value: int) -> None:
        # value > 0: a lesson that fits without scrolling (or a new one, which starts at the
        # top) is not "read to the end"; only the button counts then.
        if value > 0 and value == self.lesson.verticalScrollBar().maximum():
            self._mark_studied()

    def _mark_studied(self) -> None:
        if self._studied:
            return
        self._studied = True
        self._show_studied()
        self.studied.emit()

    def _show_studied(self) -> None:
        self.studied_button.setText(f"✔ {STUDIED}" if self._studied else NOT_STUDIED)
        self.studied_button.setAccessibleName(STUDIED if self._studied else NOT_STUDIED)
        self.studied_button.setEnabled(not self._studied)

    def _show_selfcheck_button(self) -> None:
        self.start_selfcheck_button.setText(CONTINUE if self._selfcheck_running else START)
        self.start_selfcheck_button.setAccessibleName(self.start_selfcheck_button.text())
        self.start_selfcheck_button.setEnabled(bool(self._skill.get("self_check")))

    def _on_selfcheck_restarted(self) -> None:
        self._selfcheck_running = True
        self._show_selfcheck_button()

    def _on_selfcheck_finished(self, credit: float, total: int, responses: dict[str, Any]) -> None:
        self._selfcheck_running = False
        self._show_selfcheck_button()
        self.selfcheck_finished.emit(credit, total, responses)
