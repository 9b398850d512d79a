"""The assessment's question navigator: numbered buttons that say each question's state."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QScrollArea, QSizePolicy, QWidget

GRID_SPACING = 6


def question_text(
    number: int, *, answered: bool, flagged: bool, unsaved: bool = False, partly: bool = False
) -> str:
    """What a navigator button shows: a number, a symbol and a word, e.g. "3 ✔ answered"."""
    if unsaved:
        return f"{number} ⚠ not saved"
    mark = "◐ " if answered and partly else "✔ " if answered else ""
    if flagged:
        return f"{number} {mark}⚑ flagged"
    if answered:
        # "partly", not "partly answered": one word more made the navigator too wide for
        # 1024 px at 200 % text (the button's name says it in full).
        return f"{number} {mark}{'partly' if partly else 'answered'}"
    return f"{number} ○ not answered"


def question_name(
    number: int, *, answered: bool, flagged: bool, unsaved: bool = False, partly: bool = False
) -> str:
    """The same state in words only: a screen reader reads "✔" as "heavy check mark"."""
    state = "partly answered" if answered and partly else "answered"
    words = [state if answered else "not answered"]
    if flagged:
        words.append("flagged for review")
    if unsaved:
        words.append("not saved")
    return f"Question {number}: {', '.join(words)}"


class QuestionNavigator(QScrollArea):
    """A grid of question buttons; one Tab stop, arrow keys move within it, Enter goes there."""

    chosen = Signal(int)  # index of the question to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("examNavigator")
        self.setAccessibleName("Questions")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        self.grid = QGridLayout(content)
        self.grid.setContentsMargins(2, 2, 2, 2)
        self.grid.setSpacing(GRID_SPACING)
        self.setWidget(content)
        self.buttons: list[QPushButton] = []
        self.columns = 1
        self._current = -1  # none yet
        self._tab_stop = -1
        # Measures the widest text a button can get, so columns never change width.
        self._probe = QPushButton(content)
        self._probe.setObjectName("navButton")
        self._probe.hide()
        bold = self._probe.font()
        bold.setBold(True)  # the current question's button is bold, and the widest
        self._probe.setFont(bold)

    def set_count(self, count: int) -> None:
        """Show ``count`` questions, all unanswered, the first one current."""
        for button in self.buttons:
            button.hide()
            button.deleteLater()
        self.buttons = []
        for index in range(count):
            button = QPushButton(self.widget())
            button.setObjectName("navButton")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, i=index: self.chosen.emit(i))
            button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            button.installEventFilter(self)
            self.buttons.append(button)
            self.set_state(index, answered=False, flagged=False)
        self._current = self._tab_stop = -1
        self.set_current(0)
        self._place()
        for button in self.buttons:
            button.show()  # now, not on the next event-loop pass: Tab must find them at once

    def set_state(
        self,
        index: int,
        *,
        answered: bool,
        flagged: bool,
        unsaved: bool = False,
        partly: bool = False,
    ) -> None:
        """``partly``: answered, but not all of it (a matching with rows left to choose)."""
        button = self.buttons[index]
        state = {"answered": answered, "flagged": flagged, "unsaved": unsaved, "partly": partly}
        button.setText(question_text(index + 1, **state))
        button.setAccessibleName(question_name(index + 1, **state))
        button.setToolTip(button.accessibleName())

    def set_current(self, index: int) -> None:
        """Mark the question on screen: bold and described, not by colour alone."""
        # Only the two buttons that change: a navigation must not restyle forty.
        for i, here in ((self._current, False), (index, True)):
            if not 0 <= i < len(self.buttons):
                continue
            button = self.buttons[i]
            # Bold comes from the theme's [current="true"] rule: a font set here as well
            # stuck to a button after it stopped being current (the style sheet kept it).
            button.setProperty("current", here)
            button.setAccessibleDescription("The question on screen now" if here else "")
            button.style().unpolish(button)
            button.style().polish(button)
        self._current = index
        self._move_tab_stop(index)

    def unit_width(self) -> int:
        """The width every button gets: enough for the longest text any question can show."""
        number = max(len(self.buttons), 1)
        # The buttons' font now (the text size may have changed since), in bold.
        bold = QFont(self.buttons[0].font() if self.buttons else self.font())
        bold.setBold(True)
        self._probe.setFont(bold)
        widest = 0
        for text in (
            question_text(number, answered=False, flagged=False),
            question_text(number, answered=True, flagged=True),
            question_text(number, answered=True, flagged=False, partly=True),
            question_text(number, answered=False, flagged=False, unsaved=True),
        ):
            self._probe.setText(text)
            self._probe.ensurePolished()
            widest = max(widest, self._probe.sizeHint().width())
        return widest

    def width_for(self, columns: int) -> int:
        """The navigator's width with ``columns`` columns, its scroll bar included."""
        margins = self.grid.contentsMargins()
        return (
            columns * self.unit_width()
            + (columns - 1) * GRID_SPACING
            + margins.left()
            + margins.right()
            + self.verticalScrollBar().sizeHint().width()
        )

    def fit(self, spare: int, *, most: int = 3) -> None:
        """As many columns (up to ``most``) as ``spare`` pixels allow, and at least one."""
        columns = 1
        while columns < most and self.width_for(columns + 1) <= spare:
            columns += 1
        self.set_columns(columns)

    def set_columns(self, columns: int) -> None:
        """Lay the buttons out in ``columns`` columns and take exactly the width that needs."""
        columns = max(columns, 1)
        self.setFixedWidth(self.width_for(columns))
        if columns != self.columns:
            self.columns = columns
            self._place()

    def _place(self) -> None:
        for button in self.buttons:
            self.grid.removeWidget(button)
        for index, button in enumerate(self.buttons):
            self.grid.addWidget(button, index // self.columns, index % self.columns)
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def _move_tab_stop(self, index: int) -> None:
        # One Tab stop for the whole grid: forty stops between Next and Submit would be a maze.
        if 0 <= self._tab_stop < len(self.buttons):
            self.buttons[self._tab_stop].setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._tab_stop = index
        self.buttons[index].setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QPushButton) or watched not in self.buttons:
            return super().eventFilter(watched, event)
        if event.type() == QEvent.Type.FocusIn:
            self._move_tab_stop(self.buttons.index(watched))
            self.ensureWidgetVisible(watched, 4, 4)
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._arrow(self.buttons.index(watched), event)
        return super().eventFilter(watched, event)

    def _arrow(self, index: int, event: QKeyEvent) -> bool:
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return False  # Alt+N and friends belong to the assessment, not the grid
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -self.columns,
            Qt.Key.Key_Down: self.columns,
            Qt.Key.Key_Home: -len(self.buttons),
            Qt.Key.Key_End: len(self.buttons),
        }
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.buttons[index].click()
            return True
        if key not in steps:
            return False
        target = min(max(index + steps[Qt.Key(key)], 0), len(self.buttons) - 1)
        self.buttons[target].setFocus(Qt.FocusReason.TabFocusReason)
        return True
