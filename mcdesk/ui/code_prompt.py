"""Where a teacher types an 8-digit unlock code and picks what it should do."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

CODE_DIGITS = 8
ASCII_DIGITS = "0123456789"  # str.isdigit() would let "²" and other scripts' digits in
GROUP = 4  # "1234 5678": two groups are easier to read off a sheet and to check
NO_CODES = (
    "This station has no unlock codes left. A teacher must refill them (sync or provisioning file)."
)
# action: (its choice when there are several, the button's text once it is chosen)
ACTIONS: dict[str, tuple[str, str]] = {
    "start": ("Start the assessment", "Start the assessment"),
    "resume": ("Resume the assessment", "Resume"),
    "extend": ("Add time", "Add time"),
    "pause": ("Pause", "Pause"),
    "leave": ("Leave the assessment (it stays paused; resume later)", "Leave"),
    "dismiss": ("Go on with the assessment", "Continue the assessment"),
    "kiosk-settings": ("Open the kiosk settings", "Open settings"),
    "kiosk-leave": ("Leave kiosk mode (close the career explorer)", "Leave kiosk mode"),
}
MINUTES_MIN, MINUTES_MAX, MINUTES_DEFAULT = 5, 60, 5


def group_code(text: str) -> str:
    """The digits of ``text`` as typed so far, grouped: "12345" → "1234 5"."""
    digits = "".join(c for c in text if c in ASCII_DIGITS)
    return digits if len(digits) <= GROUP else f"{digits[:GROUP]} {digits[GROUP:]}"


class CodeValidator(QValidator):
    """Digits and at most one space, 8 digits at most; groups them as they are typed.

    Grouping here rather than on ``textEdited`` keeps the field's undo history and cursor
    consistent: QLineEdit takes the grouped text and cursor from the validator.
    """

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        digits = sum(c in ASCII_DIGITS for c in text)
        if text.count(" ") > 1 or digits > CODE_DIGITS or digits + text.count(" ") < len(text):
            return QValidator.State.Invalid, text, pos
        # The cursor stays after the same digit; after a group's 4th digit it stays
        # before the gap, so the next digit typed there lands after the gap.
        before = sum(c in ASCII_DIGITS for c in text[:pos])
        return QValidator.State.Acceptable, group_code(text), before + (before > GROUP)


def _label(text: str = "", *, name: str = "hint") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class CodePrompt(QWidget):
    """A code field, a choice of action (and minutes to add) and a button; emits the code."""

    code_entered = Signal(str, str, int)  # digits, action, minutes to add (or 0)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._actions: list[str] = []
        self._busy = False
        self._has_codes = True
        self._wait_left = 0
        self._wait = QTimer(self)
        self._wait.setInterval(1000)
        self._wait.timeout.connect(self._tick)

        self.counter_label = _label(name="cardTitle")
        self.choice_label = _label("What should the code do?", name="")
        self.choices = QButtonGroup(self)
        self.choice_box = QWidget()
        self.choice_box.setAccessibleName("What the code does")
        self._choice_rows = QVBoxLayout(self.choice_box)
        self._choice_rows.setContentsMargins(0, 0, 0, 0)
        self.minutes = QSpinBox()
        self.minutes.setRange(MINUTES_MIN, MINUTES_MAX)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes to add")
        self.minutes.setAccessibleDescription("5 to 60 minutes; Up and Down change it.")
        self.minutes_label = _label("Minutes to add", name="")
        self.minutes_label.setBuddy(self.minutes)
        self.field = QLineEdit()
        self.field.setObjectName("unlockCode")
        self.field.setAccessibleName("Unlock code")
        self.field.setAccessibleDescription("The 8 digits from the code sheet; Enter sends it.")
        self.field.setValidator(CodeValidator(self.field))
        self.field.setMaxLength(CODE_DIGITS + 1)
        self.field.setPlaceholderText("8 digits")
        # Shown as typed, not as dots: the teacher checks it against the printed sheet.
        self.field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.field.setFont(_code_font(self.font()))
        wide = self.field.fontMetrics().horizontalAdvance("0000 00000") + 28
        self.field.setMinimumWidth(wide)
        self.field.setMaximumWidth(wide * 3 // 2)  # a code-sized box, even on a wide screen
        self.code_label = _label("Code", name="")
        self.code_label.setBuddy(self.field)
        self.button = QPushButton()
        self.button.setObjectName("primary")
        self.button.setAutoDefault(True)
        self.message = _label()
        self.wait_label = _label()
        self._lay_out()
        self.field.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        self.choices.idToggled.connect(self._sync)
        self.set_counter(None)
        self.set_actions(["start"])

    def _lay_out(self) -> None:
        minutes_row = QHBoxLayout()
        minutes_row.addWidget(self.minutes_label)
        minutes_row.addWidget(self.minutes)
        minutes_row.addStretch(1)
        self.minutes_row = QWidget()
        self.minutes_row.setLayout(minutes_row)
        minutes_row.setContentsMargins(0, 0, 0, 0)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_label)
        code_row.addWidget(self.field, 1)
        code_row.addWidget(self.button)
        code_row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)  # lines up with whatever holds it
        outer.addWidget(self.counter_label)
        outer.addWidget(self.choice_label)
        outer.addWidget(self.choice_box)
        outer.addWidget(self.minutes_row)
        outer.addLayout(code_row)
        outer.addWidget(self.message)
        outer.addWidget(self.wait_label)

    @property
    def offered_actions(self) -> list[str]:
        """What ``set_actions`` offered (not ``actions()``: that is QWidget's QAction list)."""
        return list(self._actions)

    @property
    def chosen_action(self) -> str:
        """The action the code will carry out."""
        if len(self._actions) == 1:
            return self._actions[0]
        return self._actions[max(0, self.choices.checkedId())]

    def set_counter(self, k: int | None) -> None:
        """Ask for code #k; None means no codes are left, so nothing can be typed."""
        self._has_codes = k is not None
        if k is None:
            self.counter_label.setText(NO_CODES)
        else:
            self.counter_label.setText(
                f"Teacher: enter code #{k} from your code sheet or teacher page"
            )
        self.counter_label.setAccessibleName(self.counter_label.text())
        self._sync()

    def set_actions(self, actions: Sequence[str]) -> None:
        """Offer these actions (a choice when there are several); the first is chosen."""
        unknown = [a for a in actions if a not in ACTIONS]
        if not actions or unknown or len(set(actions)) != len(actions):
            raise ValueError(f"actions must be distinct and among {sorted(ACTIONS)}: {actions}")
        self._actions = list(actions)
        for button in self.choices.buttons():
            self.choices.removeButton(button)
            self._choice_rows.removeWidget(button)
            button.hide()
            button.deleteLater()
        if len(actions) > 1:
            for index, action in enumerate(actions):
                radio = QRadioButton(ACTIONS[action][0])
                radio.setAccessibleName(ACTIONS[action][0])
                radio.setAccessibleDescription("Up and Down choose what the code does.")
                self.choices.addButton(radio, index)
                self._choice_rows.addWidget(radio)
            self.choices.button(0).setChecked(True)
        self.choice_label.setVisible(len(actions) > 1)
        self.choice_box.setVisible(len(actions) > 1)
        self.minutes.setValue(MINUTES_DEFAULT)
        chain = [*self.choices.buttons(), self.minutes, self.field, self.button]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)
        self._sync()

    def choose(self, action: str) -> None:
        """Pick one of the offered actions (as clicking its choice would)."""
        index = self._actions.index(action)  # ValueError for an action not offered
        if len(self._actions) > 1:
            self.choices.button(index).setChecked(True)

    def submit(self) -> None:
        """Emit ``code_entered`` if the field holds 8 digits; otherwise say why not."""
        if not self._accepting():
            return
        digits = self.field.text().replace(" ", "")
        if len(digits) != CODE_DIGITS:
            self._say(f"A code has {CODE_DIGITS} digits.", error=True)
            self.field.setFocus()
            return
        self._say("")
        self.field.clear()  # a used code is worthless, but it need not linger on screen
        action = self.chosen_action
        self.code_entered.emit(digits, action, self.minutes.value() if action == "extend" else 0)

    def set_busy(self, busy: bool) -> None:
        """Lock the inputs while the code is checked elsewhere (scrypt takes a moment)."""
        self._busy = busy
        if busy:
            self._say("Checking the code…")
        elif self.message.text() == "Checking the code…":
            self._say("")
        self._sync()
        if not busy and self._accepting():
            self.field.setFocus()

    def show_refused(self, message: str, wait_seconds: int) -> None:
        """The code was refused; with ``wait_seconds`` > 0 nothing can be typed until then."""
        self._busy = False
        self.field.clear()
        self._say(message, error=True)
        self._wait_left = max(0, wait_seconds)
        if self._wait_left:
            self._wait.start()
        else:
            self._wait.stop()
        self._sync()

    def reset(self) -> None:
        """An empty field, no message, no wait; the first action chosen again."""
        self._wait.stop()
        self._wait_left = 0
        self._busy = False
        self.field.clear()
        self._say("")
        if self.choices.buttons():
            self.choices.button(0).setChecked(True)
        self.minutes.setValue(MINUTES_DEFAULT)
        self._sync()

    def focus_field(self) -> None:
        """Put the keyboard in the code field, or as near it as the state allows."""
        for target in (self.field, self.choices.checkedButton(), self):
            if target is not None and target.isEnabled() and target.isVisible():
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)  # for when it is shown

    def _accepting(self) -> bool:
        return self._has_codes and not self._busy and self._wait_left == 0

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._wait.stop()
            self._wait_left = 0
            self._say("You can try again now.")
        self._sync()
        if self._accepting():
            self.field.setFocus()

    def _sync(self) -> None:
        """Enable, disable and label everything from the current state."""
        accepting = self._accepting()
        self.field.setEnabled(accepting)
        self.button.setEnabled(accepting)
        for control in (*self.choices.buttons(), self.minutes):
            control.setEnabled(self._has_codes and not self._busy)
        if self._actions:
            action = self.chosen_action
            self.minutes_row.setVisible(action == "extend")
            text = ACTIONS[action][1]
            self.button.setText(text)
            self.button.setAccessibleName(text)
            self.button.setAccessibleDescription("Check the code and carry out the action.")
        self.wait_label.setText(f"Wait {self._wait_left} s" if self._wait_left else "")
        self.wait_label.setVisible(bool(self._wait_left))

    def _say(self, text: str, *, error: bool = False) -> None:
        # An error says so in words too ("⚠"), not only by the theme's colour.
        self.message.setObjectName("error" if error else "hint")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(f"⚠ {text}" if error and text else text)
        self.message.setVisible(bool(text))


def _code_font(base: QFont) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSizeF(max(base.pointSizeF(), 11) * 1.6)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.5)
    return font
