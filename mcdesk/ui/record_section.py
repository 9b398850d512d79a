"""The teacher page's record: filters, a count, one page of attempts, "Newer" and "Older".

The section never reads the store. It asks for a page with ``wanted(serial, query)``; the
owner reads it on the study queue and hands the page back with ``show_page(serial, page)``.
Only the answer to the newest request is shown: a filter changed while a page was being
read makes that page's answer stale, whatever order the answers arrive in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mcdesk.exam.record_pages import MAX_FILTER_CHARS, RecordKey, RecordQuery
from mcdesk.ui.attempt_cards import NO_ATTEMPTS, AttemptCard, attempt_widgets
from mcdesk.ui.cards import text_label

if TYPE_CHECKING:
    from mcdesk.exam.record_pages import RecordPage

ALL_CREDENTIALS = "All micro-credentials"
TYPING_PAUSE_MS = 300  # a name is read once the teacher stops typing, not at every letter
NONE_MATCH = "No assessments match these filters."
READING = "Reading this station's assessments…"


def count_text(page: RecordPage) -> str:
    """ "Showing 1–50 of 1,284 attempts", or why nothing is listed."""
    if not page.lines:
        return NONE_MATCH if page.query.filtered else NO_ATTEMPTS
    noun = "attempt" if page.total == 1 else "attempts"
    matching = "matching " if page.query.filtered else ""
    shown = f"{page.first:,}" if page.first == page.last else f"{page.first:,}–{page.last:,}"
    return f"Showing {shown} of {page.total:,} {matching}{noun}"


class RecordSection(QWidget):
    """This station's assessments: a filter by learner and micro-credential, pages of 50."""

    wanted = Signal(int, object)  # (serial, RecordQuery): read it, answer with show_page

    def __init__(self, keep_visible: Callable[[QWidget], None]) -> None:
        super().__init__()
        self._keep_visible = keep_visible
        self._serial = 0
        self._page: RecordPage | None = None
        self.cards: list[AttemptCard] = []
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(10)
        box.addWidget(text_label("Assessments on this station", name="sectionTitle"))

        self.learner_field = QLineEdit()
        self.learner_field.setMaxLength(MAX_FILTER_CHARS)
        self.learner_field.setPlaceholderText("Any learner")
        self.learner_field.setClearButtonEnabled(True)
        for clear in self.learner_field.findChildren(QToolButton):
            clear.setAccessibleName("Clear the learner filter")
        self.learner_field.setAccessibleName("Filter by learner name")
        self.learner_field.setAccessibleDescription(
            "Lists the attempts of learners whose name has this text."
        )
        self.credential_box = QComboBox()
        self.credential_box.setObjectName("filterChoice")
        # Qt names a combo box by its current choice; the form's label says what it is.
        self.credential_box.setAccessibleName("Filter by micro-credential")
        self.credential_box.addItem(ALL_CREDENTIALS, None)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Learner name", self.learner_field)
        form.addRow("&Micro-credential", self.credential_box)
        box.addLayout(form)

        self.count_label = text_label(READING)
        self.count_label.setObjectName("recordCount")
        box.addWidget(self.count_label)
        self.newer_button = QPushButton("Newer")
        self.newer_button.setAccessibleName("Show newer attempts")
        self.older_button = QPushButton("Older")
        self.older_button.setAccessibleName("Show older attempts")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.newer_button)
        row.addWidget(self.older_button)
        row.addStretch(1)
        box.addLayout(row)
        self.list_box = QVBoxLayout()
        self.list_box.setContentsMargins(0, 0, 0, 0)
        self.list_box.setSpacing(10)
        box.addLayout(self.list_box)
        for control in (self.learner_field, self.credential_box):
            keep_visible(control)
        for button in (self.newer_button, self.older_button):
            keep_visible(button)
            button.setEnabled(False)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_PAUSE_MS)
        self._typing.timeout.connect(self._filter_changed)
        self.learner_field.textEdited.connect(lambda _text: self._typing.start())
        self.learner_field.returnPressed.connect(self._filter_changed)
        self.credential_box.activated.connect(lambda _index: self._filter_changed())
        self.newer_button.clicked.connect(self._show_newer)
        self.older_button.clicked.connect(self._show_older)

    @property
    def page(self) -> RecordPage | None:
        """The page on screen, or None before the first answer."""
        return self._page

    def begin(self) -> None:
        """A new teacher: no filter, the newest page asked for."""
        self._clear(READING)
        self._ask(RecordQuery())

    def forget(self) -> None:
        """Signed out: nothing of the record stays on the page, late answers are dropped."""
        self._serial += 1
        self._clear("")

    def _clear(self, count: str) -> None:
        self._typing.stop()
        self.learner_field.clear()
        self._offer_credentials(())  # the last teacher's micro-credentials go too
        self._page = None
        self.count_label.setText(count)
        self.count_label.setAccessibleName(count)
        self.newer_button.setEnabled(False)
        self.older_button.setEnabled(False)
        self._set_lines([])

    def show_page(self, serial: int, page: RecordPage) -> None:
        """The answer to request ``serial``; an answer to an older request is dropped."""
        if serial != self._serial:
            return
        self._page = page
        self._offer_credentials(page.credentials)
        text = count_text(page)
        self.count_label.setText(text)
        self.count_label.setAccessibleName(text)
        focused = self.focusWidget()
        self.newer_button.setEnabled(page.has_newer)
        self.older_button.setEnabled(page.has_older)
        if focused is self.older_button and not page.has_older:
            self.newer_button.setFocus()  # the last page: focus stays on the paging row
        elif focused is self.newer_button and not page.has_newer:
            self.older_button.setFocus()
        self._set_lines(attempt_widgets(page.lines))
        # A screen reader hears where the list now stands without moving focus.
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(self.count_label, text))

    def _query(
        self, *, older_than: RecordKey | None = None, newer_than: RecordKey | None = None
    ) -> RecordQuery:
        pack_id = self.credential_box.currentData()
        return RecordQuery(
            learner=self.learner_field.text()[:MAX_FILTER_CHARS],
            pack_id=None if pack_id is None else str(pack_id),
            older_than=older_than,
            newer_than=newer_than,
        )

    def _ask(self, query: RecordQuery) -> None:
        self._serial += 1
        self.wanted.emit(self._serial, query)

    def _filter_changed(self) -> None:
        self._typing.stop()
        self._ask(self._query())

    def _show_older(self) -> None:
        if self._page is not None and self._page.oldest_key is not None:
            self._ask(self._query(older_than=self._page.oldest_key))

    def _show_newer(self) -> None:
        if self._page is not None and self._page.newest_key is not None:
            self._ask(self._query(newer_than=self._page.newest_key))

    def _offer_credentials(self, credentials: tuple[tuple[str, str], ...]) -> None:
        box = self.credential_box
        if [(box.itemData(i), box.itemText(i)) for i in range(1, box.count())] == list(credentials):
            return
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(ALL_CREDENTIALS, None)
        for pack_id, title in credentials:
            box.addItem(title, pack_id)
        box.setCurrentIndex(max(0, box.findData(chosen)) if chosen is not None else 0)
        box.blockSignals(False)

    def _set_lines(self, widgets: list[QWidget]) -> None:
        while self.list_box.count():
            item = self.list_box.takeAt(0)
            old = None if item is None else item.widget()
            if old is not None:
                old.hide()
                old.deleteLater()
        self.cards = []
        previous: QWidget = self.older_button
        for widget in widgets:
            self.list_box.addWidget(widget)  # in the window first: Tab order is per window
            if isinstance(widget, AttemptCard):
                self.cards.append(widget)
                self._keep_visible(widget)
                # New widgets join the end of the window's Tab chain (after "Sign out"):
                # Tab goes from "Older" through the page's cards instead.
                QWidget.setTabOrder(previous, widget)
                previous = widget
