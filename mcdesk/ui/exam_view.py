# long because: one view, the question page's wiring (navigator, flag, save marks, tab
# order); its parts are already exam_header, exam_question and exam_panels.
"""The assessment itself: one question at a time, a navigator, the timer, submit.

A pure view: the owner hands in the paper and the time, and hears about answers,
flags and submit through signals. Answers show "✔ Saved" only after the owner says
so with ``mark_saved``: every answer is durable before the learner is told it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from mcdesk.protocol.items.base import ResponseState
from mcdesk.protocol.items.registry import response_state
from mcdesk.ui.cards import text_label
from mcdesk.ui.exam_header import ExamHeader
from mcdesk.ui.exam_navigator import QuestionNavigator
from mcdesk.ui.exam_panels import ConfirmPanel, PausedPanel
from mcdesk.ui.exam_question import QuestionPanel
from mcdesk.ui.exam_saves import SaveLedger
from mcdesk.ui.item_inputs import TextInput
from mcdesk.ui.steady_button import SteadyButton

TEXT_DEBOUNCE_MS = 400  # typing saves once the learner pauses, not on every key
MIN_ITEM_WIDTH = 760  # px the question keeps before the navigator may take more columns
MAX_NAV_COLUMNS = 3
FLAG_TEXTS = ("⚐ Flag for review", "⚑ Flagged")


def _same(a: Any, b: Any) -> bool:
    # True == 1 in Python; a response that changes type is a change.
    return type(a) is type(b) and a == b


class ExamView(QWidget):
    """The assessment: answers, flags and submit go out as signals; data comes in by methods."""

    answered = Signal(str, object)  # item id, response (None: cleared)
    flagged = Signal(str, bool)  # item id, flagged for review
    navigated = Signal(int)  # index of the question now on screen (logged: a resume opens it)
    submit_requested = Signal()
    time_warning = Signal(str)  # the banner text, once per warning

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Assessment")
        self._items: list[Mapping[str, Any]] = []
        self._responses: dict[str, Any] = {}  # latest response per item, as the owner knows it
        self._flags: set[str] = set()
        self._saves = SaveLedger()
        self._index = 0
        self._busy = False
        self._paused = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(TEXT_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.flush_pending)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(0)
        self._refit.timeout.connect(self._fit_navigator)

        self.header = ExamHeader()
        self.header.warned.connect(self.time_warning)
        self.teacher_requested = self.header.teacher_requested
        self.timer_label = self.header.timer_label
        self.time_banner = self.header.time_banner

        self.question = QuestionPanel()
        self.question.keep_order.connect(self._commit)
        self.question.retry.connect(self._retry)
        self.previous_button = self._button("‹ Previous", "Previous question", "Alt+P")
        self.previous_button.clicked.connect(lambda: self.go_to(self._index - 1, focus=False))
        self.flag_button = self._button(FLAG_TEXTS, "Flag for review", "Alt+F")
        self.flag_button.setCheckable(True)
        self.flag_button.toggled.connect(self._on_flag_toggled)
        self.next_button = self._button("Next ›", "Next question", "Alt+N")
        self.next_button.clicked.connect(self._next)
        self.submit_button = self._button("Submit", "Submit the assessment", "")
        self.submit_button.setObjectName("submitButton")
        self.submit_button.clicked.connect(self.open_confirm)
        bar = QHBoxLayout()
        bar.setContentsMargins(24, 6, 24, 10)
        for button in (self.previous_button, self.flag_button, self.next_button):
            bar.addWidget(button)
        bar.addStretch(1)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.question, 1)
        left.addLayout(bar)
        self.navigator = QuestionNavigator()
        self.navigator.chosen.connect(lambda index: self.go_to(index, focus=True))
        side = QVBoxLayout()
        side.setContentsMargins(0, 8, 12, 8)
        side.addWidget(text_label("Questions", name="sectionTitle"))
        side.addWidget(self.navigator, 1)
        # Beside the questions, not in the bar under them: the bar must fit 1024 px at 150% text.
        side.addWidget(self.submit_button)
        self.exam_page = QWidget()
        row = QHBoxLayout(self.exam_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 1)
        row.addLayout(side)

        self.confirm = ConfirmPanel()
        self.confirm.go_back.connect(self.close_confirm)
        self.confirm.confirmed.connect(self._submit)
        self.paused_panel = PausedPanel()
        self.pages = QStackedWidget()
        for page in (self.exam_page, self.confirm, self.paused_panel):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)
        self._shortcuts: list[QShortcut] = []
        for keys, action in (
            ("Alt+N", self._next),
            ("Ctrl+Right", self._next),
            ("Alt+P", lambda: self.go_to(self._index - 1, focus=True)),
            ("Ctrl+Left", lambda: self.go_to(self._index - 1, focus=True)),
            ("Alt+F", self.flag_button.toggle),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.exam_page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
            self._shortcuts.append(shortcut)

    def _button(self, text: str | tuple[str, ...], name: str, keys: str) -> QPushButton:
        # A button whose text changes keeps the width of its widest text: Next stays put.
        button = QPushButton(text) if isinstance(text, str) else SteadyButton(text)
        button.setAccessibleName(name)
        button.setAutoDefault(True)  # Enter presses the focused button
        if keys:
            button.setToolTip(f"{name} ({keys})")
            button.setAccessibleDescription(f"Shortcut: {keys}")
        return button

    # --- what the owner tells the view -------------------------------------------------

    def show_paper(
        self,
        *,
        title: str,
        items: Sequence[Mapping[str, Any]],
        answers: Mapping[str, Any],
        flagged: AbstractSet[str],
        remaining_s: float,
        position: str | None = None,
    ) -> None:
        """Show a form: items in order (no keys), saved answers and flags restored.

        ``position`` is the item to open on (where the learner was before a crash).
        """
        if not items:
            raise ValueError("an assessment paper needs at least one item")
        self._debounce.stop()
        self._items = list(items)
        ids = [str(item["id"]) for item in self._items]
        self._responses = {i: answers[i] for i in ids if answers.get(i) is not None}
        self._saves = SaveLedger(ids, saved=set(self._responses))
        self._flags = set(flagged) & set(ids)
        self.header.reset(title)
        self.navigator.set_count(len(ids))
        for index in range(len(ids)):
            self._refresh_navigator(index)
        self._fit_navigator()
        self._paused = self._busy = False
        self.pages.setCurrentWidget(self.exam_page)
        self._update_enabled()
        self._index = -1
        self.go_to(ids.index(position) if position in ids else 0, focus=True)
        self.set_remaining(remaining_s)

    def set_remaining(self, seconds: float) -> None:
        """Update the clock; the 10-minute and 1-minute warnings fire once each per paper."""
        self.header.set_saved(not self.unsaved())
        self.header.set_remaining(seconds)

    def mark_saved(self, item_id: str) -> None:
        """The owner made one `answered` emission of this item durable (call once per emission)."""
        if self._saves.saved(item_id):
            self._refresh_save(item_id)

    def mark_save_failed(self, item_id: str, message: str) -> None:
        """One `answered` emission of this item could not be saved: say so and offer a retry."""
        if self._saves.failed(item_id, message):
            self._refresh_save(item_id)

    def set_busy(self, busy: bool) -> None:
        """While the owner submits: nothing can be answered, flagged or pressed."""
        if busy:
            self.flush_pending()
        self._busy = busy
        self.header.set_busy(busy)
        self.confirm.set_busy(busy)
        self._update_enabled()
        if not busy:
            self._focus_page()

    def set_paused(self, paused: bool, message: str) -> None:
        """Cover the questions with ``message`` (e.g. while the teacher pauses)."""
        if paused:
            self.flush_pending()
        self._paused = paused
        self.paused_panel.set_message(message)
        self.pages.setCurrentWidget(self.paused_panel if paused else self.exam_page)
        self._update_enabled()
        if not paused:
            self._focus_page()

    def flush_pending(self) -> None:
        """Send a typed answer still waiting for the debounce now (before submit or time up)."""
        if self._saves.pending is not None:
            self._commit()

    def unsaved(self) -> list[str]:
        """Items whose latest answer is not confirmed durable yet."""
        return self._saves.unsaved()

    # --- navigation ----------------------------------------------------------------------

    @property
    def current_index(self) -> int:
        return self._index

    def item_id_at(self, index: int) -> str:
        return str(self._items[index]["id"])

    def go_to(self, index: int, *, focus: bool = True) -> None:
        """Show question ``index``; ``focus`` puts the keyboard on its answer."""
        if not self._live() or not 0 <= index < len(self._items) or index == self._index:
            return
        self.flush_pending()
        self._index = index
        item = self._items[index]
        item_id = str(item["id"])
        answer = self.question.show_item(
            item, number=index + 1, total=len(self._items), response=self._responses.get(item_id)
        )
        # Typing waits for a pause; a choice, a move or a match is sent at once.
        answer.changed.connect(self._on_typed if isinstance(answer, TextInput) else self._on_chosen)
        self._chain_tab_order()
        self.flag_button.blockSignals(True)  # showing a flag is not setting one
        self.flag_button.setChecked(item_id in self._flags)
        self.flag_button.blockSignals(False)
        self._refresh_flag_button()
        self._refresh_save(item_id)
        self.navigator.set_current(index)
        self.previous_button.setEnabled(index > 0)
        last = index == len(self._items) - 1
        self.next_button.setText("Review and submit ›" if last else "Next ›")
        self.next_button.setAccessibleName("Review and submit" if last else "Next question")
        if focus:
            self.question.focus_input()
        self.navigated.emit(index)

    def _next(self) -> None:
        if not self._live():
            return
        if self._index == len(self._items) - 1:
            self.open_confirm()
        else:
            self.go_to(self._index + 1, focus=self.focusWidget() is not self.next_button)

    def open_confirm(self) -> None:
        """The submit check: what is unanswered or flagged, Go back or Submit my answers."""
        if not self._live():
            return
        self.flush_pending()
        states = [self._state(n - 1) for n in range(1, len(self._items) + 1)]
        ids = [str(item["id"]) for item in self._items]
        self.confirm.show_summary(
            total=len(ids),
            unanswered=[n for n, state in enumerate(states, 1) if state == "unanswered"],
            flagged=[n for n, i in enumerate(ids, 1) if i in self._flags],
            partly=[n for n, state in enumerate(states, 1) if state == "partly"],
        )
        self.pages.setCurrentWidget(self.confirm)
        self._update_enabled()
        self.confirm.back_button.setFocus()  # the safe choice is the default one

    def close_confirm(self) -> None:
        self.pages.setCurrentWidget(self.exam_page)
        self._update_enabled()
        self.question.focus_input()

    def _submit(self) -> None:
        # Busy at once, so a second press cannot submit twice; set_busy(False) undoes it.
        self.set_busy(True)
        self.submit_requested.emit()

    # --- answers and flags ---------------------------------------------------------------

    def _current_id(self) -> str:
        return str(self._items[self._index]["id"])

    def _on_typed(self) -> None:
        if not self._live():
            return
        item_id = self._current_id()
        self._saves.typing(item_id)
        self._debounce.start()
        self._refresh_save(item_id)

    def _on_chosen(self) -> None:
        if self._live():
            self._commit()

    def _commit(self) -> None:
        """Send the answer on screen if it differs from the one the owner has."""
        self._debounce.stop()
        item_id = self._current_id()
        if self.question.current_input().show_problem():
            self._saves.settle()  # "abc" for a number: the widget says so, nothing is sent
            self._refresh_save(item_id)
            self.question.set_save_state(
                "⚠ Not saved", "error", retry=False, answered=item_id in self._responses
            )
            return
        response = self.question.response()
        if _same(response, self._responses.get(item_id)):
            self._saves.settle()  # typed, then typed back: nothing new to save
            self._refresh_save(item_id)
            return
        if response is None:
            self._responses.pop(item_id, None)
        else:
            self._responses[item_id] = response
        self._emit(item_id, response)

    def _emit(self, item_id: str, response: Any) -> None:
        self._saves.sent(item_id)
        self._refresh_save(item_id)
        self._refresh_navigator(self._index_of(item_id))
        self.answered.emit(item_id, response)

    def _retry(self) -> None:
        item_id = self._current_id()
        self._emit(item_id, self._responses.get(item_id))

    def _on_flag_toggled(self, on: bool) -> None:
        if not self._live():
            self.flag_button.blockSignals(True)  # nothing may change while busy or paused
            self.flag_button.setChecked(not on)
            self.flag_button.blockSignals(False)
            return
        item_id = self._current_id()
        if on:
            self._flags.add(item_id)
        else:
            self._flags.discard(item_id)
        self._refresh_flag_button()
        self._refresh_navigator(self._index)
        self.flagged.emit(item_id, on)

    # --- keeping what is shown true --------------------------------------------------------

    def _index_of(self, item_id: str) -> int:
        return next(i for i, item in enumerate(self._items) if str(item["id"]) == item_id)

    def _refresh_save(self, item_id: str) -> None:
        answered = item_id in self._responses
        if item_id == self._current_id():
            text, name = self._saves.status(item_id, answered=answered)
            retry = bool(self._saves.error(item_id))
            self.question.set_save_state(text, name, retry=retry, answered=answered)
        self._refresh_navigator(self._index_of(item_id))
        self.header.set_saved(not self.unsaved())

    def _state(self, index: int) -> ResponseState:
        item = self._items[index]
        return response_state(item, self._responses.get(str(item["id"])))

    def _refresh_navigator(self, index: int) -> None:
        item_id = str(self._items[index]["id"])
        state = self._state(index)
        self.navigator.set_state(
            index,
            answered=state != "unanswered",
            flagged=item_id in self._flags,
            unsaved=bool(self._saves.error(item_id)),
            partly=state == "partly",
        )

    def _refresh_flag_button(self) -> None:
        on = self.flag_button.isChecked()
        self.flag_button.setText(FLAG_TEXTS[1] if on else FLAG_TEXTS[0])

    def _chain_tab_order(self) -> None:
        # The answer widget is made anew per question, which puts it last in Tab order.
        chain = [
            *self.question.focus_chain(),
            self.previous_button,
            self.flag_button,
            self.next_button,
            *self.navigator.buttons,
            self.submit_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _focus_page(self) -> None:
        if self.pages.currentWidget() is self.confirm:
            self.confirm.back_button.setFocus()
        elif self.pages.currentWidget() is self.exam_page:
            self.question.focus_input()

    def _live(self) -> bool:
        return not (self._busy or self._paused) and bool(self._items)

    def _update_enabled(self) -> None:
        answering = self._live() and self.pages.currentWidget() is self.exam_page
        self.exam_page.setEnabled(answering)
        for shortcut in self._shortcuts:
            shortcut.setEnabled(answering)

    def _fit_navigator(self) -> None:
        # More navigator columns only while the question keeps its reading room.
        self.navigator.fit(self.width() - MIN_ITEM_WIDTH, most=MAX_NAV_COLUMNS)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._items:
            self._fit_navigator()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A learner's text size can arrive after the paper is shown (a resume after a
        # crash): the navigator's fixed width must follow, once the new font is in.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self._items:
            self._refit.start()  # a timer of the view's own: it never outlives the view
