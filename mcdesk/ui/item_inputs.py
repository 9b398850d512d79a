"""Answer widgets for the seven item types, usable by mouse and by keyboard alone.

Each gives its response as the plain JSON value ``mcdesk.protocol.scoring`` expects, or
None while unanswered. Self-checks and the assessment share them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mcdesk.protocol.scoring import NOT_A_NUMBER, number_problem

NUMBER_EXAMPLE = NOT_A_NUMBER  # the box's example and its refusal are the same words


class ItemInput(QWidget):
    """Base: a response, a way to lock it after checking, and a change signal."""

    changed = Signal()

    def response(self) -> Any:
        raise NotImplementedError

    def set_response(self, response: Any) -> None:
        """Show a saved response (None: unanswered) without emitting ``changed``."""
        # Restoring is not answering: the owner must not save it again or call it new.
        with QSignalBlocker(self):
            self._show_response(response)

    def _show_response(self, response: Any) -> None:
        raise NotImplementedError

    def problem(self) -> str | None:
        """Why what is on screen is not an answer at all (None: it can be checked or saved)."""
        return None

    def show_problem(self) -> bool:
        """Show why what is on screen is not an answer; False when it is one."""
        return self.problem() is not None

    def set_locked(self, locked: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(not locked)


class ChoiceInput(ItemInput):
    """single_choice and true_false (radio buttons); multiple_response (check boxes)."""

    def __init__(
        self, options: list[tuple[Any, str]], *, many: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._group = QButtonGroup(self)
        self._group.setExclusive(not many)
        self._values: list[Any] = []
        for index, (value, text) in enumerate(options):
            button: QRadioButton | QCheckBox = QCheckBox(text) if many else QRadioButton(text)
            button.setAccessibleName(text)
            self._group.addButton(button, index)
            self._values.append(value)
            layout.addWidget(button)
        self._many = many
        # The group's own name: a screen reader says what the buttons are for.
        self.setAccessibleName("Answer choices" if many else "Answer choice")
        self.setFocusProxy(self._group.buttons()[0])
        self._group.buttonToggled.connect(lambda *_: self.changed.emit())

    def response(self) -> Any:
        chosen = [self._values[i] for i, b in enumerate(self._group.buttons()) if b.isChecked()]
        if self._many:
            return chosen or None
        return chosen[0] if chosen else None

    def _show_response(self, response: Any) -> None:
        wanted = response if self._many and isinstance(response, list) else [response]
        # An exclusive group refuses to uncheck its last button; None must clear it.
        self._group.setExclusive(False)
        for value, button in zip(self._values, self._group.buttons(), strict=True):
            # Type as well as value: True == 1 must not tick an option whose id is 1.
            button.setChecked(any(type(v) is type(value) and v == value for v in wanted))
        self._group.setExclusive(not self._many)


class TextInput(ItemInput):
    """numeric (with its unit beside the box, and a number asked for) and short_text."""

    def __init__(self, *, unit: str | None, numeric: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._unit, self._numeric = unit, numeric
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setAccessibleName("Your answer" + (f", in {unit}" if unit else ""))
        self.edit.setPlaceholderText(NUMBER_EXAMPLE if numeric else "Type your answer")
        self._fit_box()
        self.edit.textChanged.connect(self._typed)
        layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)
        if unit:
            layout.addWidget(QLabel(unit))
        layout.addStretch(1)
        column.addLayout(layout)
        self.refusal = QLabel()
        self.refusal.setObjectName("error")
        self.refusal.setWordWrap(True)
        self.refusal.hide()
        column.addWidget(self.refusal)

    def _fit_box(self) -> None:
        # Wide enough for its example at any text size; no wider, a number is short.
        fonts = self.edit.fontMetrics()
        room = fonts.horizontalAdvance(self.edit.placeholderText()) + 4 * fonts.averageCharWidth()
        self.edit.setMinimumWidth(room)
        self.edit.setMaximumWidth(max(360, room))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_box()

    def response(self) -> Any:
        text = self.edit.text().strip()
        return text or None

    def problem(self) -> str | None:
        if not self._numeric or self.response() is None:
            return None
        return number_problem(self.response(), unit=self._unit)

    def show_problem(self) -> bool:
        """Say under the box why it holds no number; False when it holds one (or nothing)."""
        problem = self.problem()
        self.refusal.setText(problem or "")
        self.refusal.setVisible(problem is not None)
        # The box itself says it, so a screen reader hears why on the field it is in.
        self.edit.setAccessibleDescription(problem or "")
        return problem is not None

    def _typed(self) -> None:
        if self.refusal.isVisible() and self.problem() is None:
            self.show_problem()  # fixed: the warning goes as soon as the text is a number
        self.changed.emit()

    def _show_response(self, response: Any) -> None:
        self.edit.setText("" if response is None else str(response))


class _OrderList(QListWidget):
    """A list whose selected entry moves with Alt+Up / Alt+Down."""

    move_requested = Signal(int)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # Rows are placed once, before the style sheet's padding makes each one taller:
        # lay them out again once polished, or they overlap on first display.
        if event.type() in (QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self.scheduleDelayedItemsLayout()
            self.updateGeometry()
        return handled

    def sizeHint(self) -> QSize:
        """Tall enough for every row: a list to reorder should not scroll inside itself."""
        rows = sum(self.sizeHintForRow(row) for row in range(self.count()))
        return QSize(super().sizeHint().width(), rows + 2 * self.frameWidth() + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        if event.modifiers() & Qt.KeyboardModifier.AltModifier and event.key() in steps:
            self.move_requested.emit(steps[Qt.Key(event.key())])
            event.accept()
            return
        super().keyPressEvent(event)


class OrderingInput(ItemInput):
    """A list to put in order: drag, the Up/Down buttons, or Alt+Up / Alt+Down."""

    def __init__(self, options: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = _OrderList()
        self.list.setAccessibleName(
            "Items to put in order. Alt+Up and Alt+Down move the selected item."
        )
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for option_id, text in options:
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, option_id)
            self.list.addItem(entry)
        self.list.setCurrentRow(0)
        self.setFocusProxy(self.list)
        self.list.model().rowsMoved.connect(lambda *_: self.changed.emit())
        layout.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.list.move_requested.connect(self.move)
        for label, step, keys in (("Move up", -1, "Alt+Up"), ("Move down", 1, "Alt+Down")):
            button = QPushButton(label)
            button.setToolTip(keys)
            button.clicked.connect(lambda _=False, s=step: self.move(s))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        entry = self.list.takeItem(row)
        self.list.insertItem(target, entry)
        self.list.setCurrentRow(target)
        self.changed.emit()

    def response(self) -> Any:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _show_response(self, response: Any) -> None:
        if not isinstance(response, list):
            return  # unanswered: the order as drawn stays
        rank = {option_id: index for index, option_id in enumerate(response)}
        entries = [self.list.takeItem(0) for _ in range(self.list.count())]
        # Options a saved order does not name (none, normally) keep their place at the end.
        entries.sort(key=lambda e: rank.get(e.data(Qt.ItemDataRole.UserRole), len(rank)))
        for entry in entries:
            self.list.addItem(entry)
        self.list.setCurrentRow(0)


class MatchingInput(ItemInput):
    """One drop-down per prompt."""

    def __init__(
        self,
        prompts: list[tuple[str, str]],
        options: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._boxes: dict[str, QComboBox] = {}
        for prompt_id, text in prompts:
            box = QComboBox()
            box.addItem("Choose…", None)
            for option_id, option_text in options:
                box.addItem(option_text, option_id)
            box.setAccessibleName(f"Match for {text}")
            box.currentIndexChanged.connect(lambda *_: self.changed.emit())
            label = QLabel(text)
            label.setWordWrap(True)
            label.setBuddy(box)
            layout.addRow(label, box)
            self._boxes[prompt_id] = box
        self.setFocusProxy(next(iter(self._boxes.values())))

    def response(self) -> Any:
        chosen = {
            p: box.currentData() for p, box in self._boxes.items() if box.currentData() is not None
        }
        return chosen or None

    def _show_response(self, response: Any) -> None:
        chosen = response if isinstance(response, Mapping) else {}
        for prompt_id, box in self._boxes.items():
            index = box.findData(chosen.get(prompt_id)) if prompt_id in chosen else 0
            box.setCurrentIndex(max(index, 0))


def _pairs(entries: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
    return [(str(e["id"]), str(e["text"])) for e in entries]


BUILDERS: dict[str, Callable[[Mapping[str, Any]], ItemInput]] = {
    "single_choice": lambda item: ChoiceInput(_pairs(item["options"]), many=False),
    "multiple_response": lambda item: ChoiceInput(_pairs(item["options"]), many=True),
    "true_false": lambda item: ChoiceInput([(True, "True"), (False, "False")], many=False),
    "numeric": lambda item: TextInput(unit=item.get("unit"), numeric=True),
    "short_text": lambda item: TextInput(unit=None, numeric=False),
    "ordering": lambda item: OrderingInput(_pairs(item["options"])),
    "matching": lambda item: MatchingInput(_pairs(item["prompts"]), _pairs(item["options"])),
}


def make_item_input(item: Mapping[str, Any]) -> ItemInput:
    """The answer widget for an item, by its type."""
    return BUILDERS[str(item["type"])](item)


def instructions(item: Mapping[str, Any]) -> str:
    """One line telling the learner how to answer this type."""
    return {
        "single_choice": "Choose one answer.",
        "multiple_response": "Choose every answer that applies.",
        "true_false": "Choose True or False.",
        "numeric": f"{NUMBER_EXAMPLE}." + (f" Unit: {item['unit']}." if item.get("unit") else ""),
        "short_text": "Type a short answer.",
        "ordering": "Put these in the right order: drag them, or use Alt+Up and Alt+Down.",
        "matching": "Choose the match for each item.",
    }[str(item["type"])]
