# long because: one screen, two panels (a learner's name and PIN, a teacher's password)
# that share the busy state, the waits and the message lines; the wait is sign_in_wait.
"""The station's sign-in screen: learners pick their name and type a PIN; teachers a password."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mcdesk.study.home import RosterEntry
from mcdesk.ui.cards import ShownRowsList
from mcdesk.ui.sign_in_wait import SignInWait

LEARNER_ID = Qt.ItemDataRole.UserRole
FOLDED_NAME = Qt.ItemDataRole.UserRole + 1
CLASS_NAME = Qt.ItemDataRole.UserRole + 2
PIN_FORMAT = re.compile(r"\d{4,6}")


def _fold(text: str) -> str:
    """Case- and accent-free text, so typing "jose" finds "José"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _label(text: str = "", *, name: str = "hint", buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)  # 150 % text must wrap, not clip
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def _row(*parts: QWidget | int) -> QHBoxLayout:
    """Widgets side by side; a number is a stretch between them."""
    row = QHBoxLayout()
    for part in parts:
        if isinstance(part, int):
            row.addStretch(part)
        else:
            row.addWidget(part, 1 if isinstance(part, QLineEdit) else 0)
    return row


def _field(name: str, description: str, *, object_name: str, secret: bool = False) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(object_name)
    field.setAccessibleName(name)
    field.setAccessibleDescription(description)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _button(text: str, description: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text)
    button.setAccessibleDescription(description)
    button.setAutoDefault(True)  # Enter on a focused button presses it
    return button


class SignInView(QWidget):
    """Pick your name and type a PIN, or sign in as a teacher; emits what was typed."""

    learner_sign_in = Signal(str, str)  # learner_id, pin
    teacher_sign_in = Signal(str, str)  # user name, password

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False
        self._picked: str | None = None  # the learner the PIN field and message are for
        self.filter = _field(
            "Find your name", "Type to narrow the list; Down moves into it.", object_name="search"
        )
        self.filter.setPlaceholderText("Type part of your name")
        self.filter.setClearButtonEnabled(True)
        self.names = ShownRowsList()
        self.names.setObjectName("roster")
        self.names.setAccessibleName("Names")
        self.names.setAccessibleDescription("Up and Down pick your name; Enter moves to the PIN.")
        self.pin = _field("PIN", "4 to 6 digits; Enter signs in.", object_name="pin", secret=True)
        # Digits only, but the length is checked on sign-in so a short PIN gets a message
        # (a 4-6 validator would make Enter silently do nothing).
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,6}")))
        self.pin.setInputMethodHints(
            Qt.InputMethodHint.ImhDigitsOnly | Qt.InputMethodHint.ImhSensitiveData
        )
        self.sign_in_button = _button("Sign in", "Sign in with the chosen name and PIN.")
        self.sign_in_button.setObjectName("primary")
        self.teacher_button = _button("Teacher sign-in", "Sign in with a user name instead.")
        self.station, self.chosen = _label(name="muted"), _label()
        self.message, self.wait_label = _label(), _label()

        self.user_name = _field("User name", "Your teacher user name.", object_name="userName")
        self.password = _field("Password", "Enter signs in.", object_name="password", secret=True)
        self.teacher_sign_in_button = _button("Sign in as teacher", "Check the password.")
        self.teacher_sign_in_button.setObjectName("primary")
        self.back_button = _button("Back to learners", "Return to the list of names.")
        self.teacher_message, self.teacher_wait_label = _label(), _label()

        self._learner_wait, self._teacher_wait = SignInWait(self), SignInWait(self)
        for wait, label in (
            (self._learner_wait, self.message),
            (self._teacher_wait, self.teacher_message),
        ):
            wait.ticked.connect(self._sync)
            wait.finished.connect(partial(self._say, label, "You can try again now."))
        self.pages = QStackedWidget()
        self.learner_panel, self.teacher_panel = QWidget(), QWidget()
        self._lay_out()
        self._connect()
        self.reset()

    def _lay_out(self) -> None:
        # Rows share lines where they can: at 150 % text on a 600 px screen every line
        # given to a label is one name fewer in sight.
        learner = QVBoxLayout(self.learner_panel)
        learner.addLayout(
            _row(_label("Who is signing in?", name="pageTitle"), 1, self.teacher_button)
        )
        learner.addWidget(self.station)
        learner.addLayout(_row(_label("Find your name", name="", buddy=self.filter), self.filter))
        learner.addWidget(self.names, 1)
        learner.addWidget(self.chosen)
        learner.addLayout(
            _row(_label("PIN", name="", buddy=self.pin), self.pin, self.sign_in_button)
        )
        learner.addWidget(self.message)
        learner.addWidget(self.wait_label)

        buttons = _row(self.teacher_sign_in_button, self.back_button, 1)
        teacher = QVBoxLayout(self.teacher_panel)
        teacher.addWidget(_label("Teacher sign-in", name="pageTitle"))
        for text, field in (("User name", self.user_name), ("Password", self.password)):
            teacher.addWidget(_label(text, name="", buddy=field))
            teacher.addWidget(field)
        teacher.addLayout(buttons)
        teacher.addWidget(self.teacher_message)
        teacher.addWidget(self.teacher_wait_label)
        teacher.addStretch(1)

        self.pages.addWidget(self.learner_panel)
        self.pages.addWidget(self.teacher_panel)
        self.pages.setMaximumWidth(640)  # a calm column, even on a wide screen
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(self.pages, 100)
        outer.addStretch(1)
        for chain in (
            (self.filter, self.names, self.pin, self.sign_in_button, self.teacher_button),
            (self.user_name, self.password, self.teacher_sign_in_button, self.back_button),
        ):
            for before, after in itertools.pairwise(chain):
                QWidget.setTabOrder(before, after)

    def _connect(self) -> None:
        self.filter.textChanged.connect(self._apply_filter)
        # Enter goes on to the PIN once a name is picked, else into the list to pick one.
        self.filter.returnPressed.connect(
            lambda: self._go_to_pin() if self._selected_id() else self._enter_list()
        )
        self.filter.installEventFilter(self)
        self.names.installEventFilter(self)
        self.names.itemActivated.connect(self._go_to_pin)
        self.names.itemSelectionChanged.connect(self._on_pick)
        self.pin.returnPressed.connect(self.submit_learner)
        self.sign_in_button.clicked.connect(self.submit_learner)
        self.teacher_button.clicked.connect(self.show_teacher_panel)
        self.user_name.returnPressed.connect(self.password.setFocus)
        self.user_name.textChanged.connect(self._sync)
        self.password.returnPressed.connect(self.submit_teacher)
        self.teacher_sign_in_button.clicked.connect(self.submit_teacher)
        self.back_button.clicked.connect(self.show_learner_panel)
        self.pages.currentChanged.connect(self._on_panel_changed)

    def show_roster(self, entries: Sequence[RosterEntry], *, station_name: str) -> None:
        """Fill the list, grouped under class headings, and start afresh (see ``reset``)."""
        self.names.clear()
        bold = self.names.font()
        bold.setBold(True)
        heading_of: str | None = None
        for entry in sorted(entries, key=lambda e: (_fold(e.class_name), _fold(e.display_name))):
            if entry.class_name != heading_of:
                heading_of = entry.class_name
                heading = QListWidgetItem(heading_of)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)  # the arrow keys skip it
                heading.setFont(bold)  # a heading by weight and place, in any colour theme
                heading.setData(CLASS_NAME, heading_of)
                heading.setData(Qt.ItemDataRole.AccessibleTextRole, f"Class {heading_of}")
                self.names.addItem(heading)
            item = QListWidgetItem(entry.display_name)
            item.setData(LEARNER_ID, entry.learner_id)
            item.setData(FOLDED_NAME, _fold(entry.display_name))
            item.setData(CLASS_NAME, entry.class_name)
            spoken = f"{entry.display_name}, {entry.class_name}"
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
            self.names.addItem(item)
        self.station.setText(f"Station: {station_name}")
        self.reset()

    def reset(self) -> None:
        """An empty learner panel; running waits end (the store still enforces them)."""
        self._learner_wait.stop()
        self._teacher_wait.stop()
        self._busy = False
        self.names.clearSelection()
        self.filter.clear()
        self._apply_filter()
        for field in (self.pin, self.user_name, self.password):
            field.clear()
        self._say(self.teacher_message, "")
        self.show_learner_panel()

    def show_teacher_panel(self) -> None:
        """Switch to the user name and password panel."""
        self.pages.setCurrentWidget(self.teacher_panel)
        self.user_name.setFocus()

    def show_learner_panel(self) -> None:
        """Switch back to the list of names."""
        self.pages.setCurrentWidget(self.learner_panel)
        self.password.clear()
        self._sync()
        self.filter.setFocus()

    def set_busy(self, busy: bool) -> None:
        """Lock the inputs while the (slow) check runs elsewhere."""
        self._busy = busy
        teacher = self.pages.currentWidget() is self.teacher_panel
        if busy:
            self._say(self.teacher_message if teacher else self.message, "Checking…")
        self._sync()
        if not busy:
            (self.password if teacher else self.pin).setFocus()

    def show_learner_refused(self, message: str, wait_seconds: int) -> None:
        """The PIN was refused; if ``wait_seconds`` > 0 this learner waits that long."""
        self.set_busy(False)  # a refusal means the check is over
        self.pin.clear()
        self._say(self.message, message, error=True)
        self._learner_wait.start(wait_seconds, subject=self._selected_id() or "")
        self._sync()

    def show_teacher_refused(self, message: str, wait_seconds: int) -> None:
        """The password was refused; if ``wait_seconds`` > 0 this teacher waits that long."""
        self.set_busy(False)
        self.password.clear()
        self._say(self.teacher_message, message, error=True)
        self._teacher_wait.start(wait_seconds, subject=_fold(self.user_name.text().strip()))
        self._sync()

    def submit_learner(self) -> None:
        """Emit ``learner_sign_in`` if a name is picked and the PIN looks like one."""
        learner_id, pin = self._selected_id(), self.pin.text()
        if self._busy or (learner_id and self._learner_wait.blocks(learner_id)):
            return  # the disabled button and the countdown already say why
        if learner_id is None:
            self._say(self.message, "Pick your name first.", error=True)
            self.filter.setFocus()
        elif not PIN_FORMAT.fullmatch(pin):
            self._say(self.message, "A PIN is 4 to 6 digits.", error=True)
            self.pin.selectAll()
            self.pin.setFocus()
        else:
            self._say(self.message, "")
            self.pin.clear()  # the PIN should not linger in a widget once it is sent
            self.learner_sign_in.emit(learner_id, pin)

    def submit_teacher(self) -> None:
        """Emit ``teacher_sign_in`` if a user name and a password were typed."""
        name, password = self.user_name.text().strip(), self.password.text()
        if self._busy or (name and self._teacher_wait.blocks(_fold(name))):
            return
        if not name or not password:
            missing = self.password if name else self.user_name
            self._say(
                self.teacher_message, f"Type your {missing.accessibleName().lower()}.", error=True
            )
            missing.setFocus()
            return
        self._say(self.teacher_message, "")
        self.password.clear()
        self.teacher_sign_in.emit(name, password)

    def _apply_filter(self) -> None:
        needle = _fold(self.filter.text().strip())
        items = [self.names.item(row) for row in range(self.names.count())]
        for item in items:
            if item.data(LEARNER_ID) is not None:
                item.setHidden(needle not in item.data(FOLDED_NAME))
        matches = self._visible_names()
        classes = {item.data(CLASS_NAME) for item in matches}
        for item in items:
            if item.data(LEARNER_ID) is None:  # a heading shows only above a match
                item.setHidden(item.data(CLASS_NAME) not in classes)
        current = self.names.currentItem()
        if current is not None and current.isHidden():
            self.names.clearSelection()
        if len(matches) == 1:
            self.names.setCurrentItem(matches[0])
        if not self.names.count():
            self._say(self.message, "No learners on this station yet. Ask your teacher.")
        else:
            missing = f"No name matches “{self.filter.text().strip()}”. Check the spelling."
            self._say(self.message, missing if needle and not matches else "")
        self._sync()

    def _visible_names(self) -> list[QListWidgetItem]:
        items = (self.names.item(row) for row in range(self.names.count()))
        return [i for i in items if i.data(LEARNER_ID) is not None and not i.isHidden()]

    def _selected_id(self) -> str | None:
        selected = [item for item in self.names.selectedItems() if not item.isHidden()]
        return str(selected[0].data(LEARNER_ID)) if selected else None

    def _on_pick(self) -> None:
        picked = self._selected_id()
        if picked != self._picked:
            self._picked = picked
            # A PIN typed or refused belongs to the learner it was typed for, not the next.
            self.pin.clear()
            if self.message.objectName() == "error":
                self._say(self.message, "")
        self._sync()

    def _enter_list(self) -> None:
        visible = self._visible_names()
        if visible and self._selected_id() is None:
            self.names.setCurrentItem(visible[0])
        if visible:
            self.names.setFocus()

    def _go_to_pin(self) -> None:
        if self._selected_id() is not None:
            self.pin.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.filter and key == Qt.Key.Key_Down:
                self._enter_list()
                return True
            if watched is self.names and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._go_to_pin()
                return True
            first = next(iter(self._visible_names()), None)
            if watched is self.names and key == Qt.Key.Key_Up and self.names.currentItem() is first:
                self.filter.setFocus()  # Up from the first name goes back to typing
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The list hid every row while away (see ShownRowsList): the filter says which show.
        self._apply_filter()

    def _on_panel_changed(self, _index: int) -> None:
        if self.pages.currentWidget() is self.learner_panel:
            self._apply_filter()  # back from the teacher panel: rows as the filter says

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.pages.currentWidget() is self.teacher_panel:
            self.show_learner_panel()
            return
        super().keyPressEvent(event)

    def _sync(self) -> None:
        """Enable, disable and label everything from the current state."""
        learner_id = self._selected_id()
        picked = self.names.selectedItems()[0].text() if learner_id else ""
        # Says in words which name is picked: the list shows it by colour only.
        self.chosen.setText(f"Signing in as {picked}" if picked else "No name picked yet")
        for widget in (self.filter, self.names, self.pin, self.user_name, self.password):
            widget.setEnabled(not self._busy)
        self.teacher_button.setEnabled(not self._busy)
        self.back_button.setEnabled(not self._busy)
        for button, label, wait, subject in (
            (self.sign_in_button, self.wait_label, self._learner_wait, learner_id or ""),
            (
                self.teacher_sign_in_button,
                self.teacher_wait_label,
                self._teacher_wait,
                _fold(self.user_name.text().strip()),
            ),
        ):
            waiting = wait.blocks(subject)
            button.setEnabled(not self._busy and not waiting)
            label.setText(f"Wait {wait.seconds} s before the next try" if waiting else "")
            label.setVisible(waiting)

    def _say(self, label: QLabel, text: str, *, error: bool = False) -> None:
        # An error says so in words too ("⚠"), not only by the theme's colour.
        label.setObjectName("error" if error else "hint")
        label.style().unpolish(label)
        label.style().polish(label)
        label.setText(f"⚠ {text}" if error and text else text)
        label.setVisible(bool(text))
