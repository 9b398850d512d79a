"""Touch-sized controls for the kiosk: big buttons, buttons that wrap their words onto more
lines instead of cutting them off, and areas a finger scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QPushButton, QScrollArea, QScroller, QSizePolicy, QWidget

TARGET_PX = 64  # touch targets: well past the 44 px minimum for a child's finger
BUTTON_SIDES_PX = 40  # a button's padding and border, left and right together (theme)


def _touch_sized(button: QPushButton, name: str) -> None:
    button.setObjectName(name)
    button.setMinimumHeight(TARGET_PX)
    button.setMinimumWidth(TARGET_PX * 2)
    button.setAutoDefault(True)


def big_button(text: str, *, name: str = "") -> QPushButton:
    """A touch-sized button; Enter or Space presses it when it has the focus."""
    button = QPushButton(text)
    _touch_sized(button, name)
    return button


def wrap_words(text: str, metrics: QFontMetrics, room: int) -> str:
    """``text`` broken into lines of at most ``room`` pixels (a long word gets a line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


class WrappingButton(QPushButton):
    """A touch-sized button whose words go onto more lines rather than being cut off.

    ``words`` is the text as written ("&" shows as "&"); the label is re-broken to the
    button's width whenever that changes (a long cluster name, large text, a small screen).
    """

    def __init__(self, words: str, *, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _touch_sized(self, name)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)  # so a scroll area makes room for every line
        self.setSizePolicy(policy)
        self.words = words
        self._show(words)

    def _show(self, lines: str) -> None:
        self.setText(lines.replace("&", "&&"))  # doubled: no letter becomes a shortcut

    def minimumSizeHint(self) -> QSize:
        # As narrow as a touch target, as tall as the lines it has now: the width is the
        # layout's to give, and the words follow it.
        return QSize(TARGET_PX * 2, super().sizeHint().height())

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        metrics = self.fontMetrics()
        lines = wrap_words(self.words, metrics, width - BUTTON_SIDES_PX).count("\n") + 1
        shown = self.text().count("\n") + 1
        frame = super().sizeHint().height() - shown * metrics.lineSpacing()  # padding, border
        return max(TARGET_PX, frame + lines * metrics.lineSpacing())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        lines = wrap_words(self.words, self.fontMetrics(), self.width() - BUTTON_SIDES_PX)
        if lines != self.text().replace("&&", "&"):
            self._show(lines)
            self.updateGeometry()


def touch_scrolling(area: QScrollArea) -> QScrollArea:
    """A finger drags the area's content, as on a phone (the mouse wheel works anyway)."""
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
    return area
