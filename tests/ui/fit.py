"""Does a screen fit? Labels cut short and widgets squeezed under their minimum, by name.

Reusable for any window or page (``fit_problems(root)``): the learner screens, the
assessment and the result page all run it at 1024×600 with 200% text.
"""

from __future__ import annotations

import contextlib
import re

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QWidget,
)
from pytestqt.exceptions import TimeoutError as WaitTimeout
from pytestqt.qtbot import QtBot

from mcdesk.ui.sync_status import ElidedLabel
from mcdesk.ui.theme import apply_theme

# Qt's own insides (a scroll bar's corner, a line edit's clear button): not ours to lay out.
_QT_INTERNAL = re.compile(r"^qt_")
_SHRINKABLE = (QSizePolicy.Policy.Ignored,)


def _name(widget: QWidget) -> str:
    text = widget.accessibleName()
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text() or text
    kind = type(widget).__name__
    shown = " ".join(str(text).split())[:60]
    return f"{kind} {widget.objectName() or ''} “{shown}”".replace("  ", " ")


def _scrolled(widget: QWidget, root: QWidget) -> bool:
    """Whether ``widget`` sits inside the content of a scroll area (it can be scrolled to)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            return True
        parent = area
    return False


def _internal(widget: QWidget) -> bool:
    node: QWidget | None = widget
    while node is not None:
        if _QT_INTERNAL.match(node.objectName()):
            return True
        node = node.parentWidget()
    return False


def _label_problem(label: QLabel) -> str | None:
    if isinstance(label, ElidedLabel):
        return None  # shortened on purpose; its whole text is its tool tip and name
    if not label.text():
        return None
    if label.wordWrap():
        wanted = label.heightForWidth(label.width())
        if wanted > 0 and label.height() < wanted:
            return f"cut short ({label.height()} of {wanted} px high)"
        return None
    hint = label.sizeHint()
    if label.width() < hint.width():
        return f"cut short ({label.width()} of {hint.width()} px wide)"
    if label.height() < hint.height():
        return f"cut short ({label.height()} of {hint.height()} px high)"
    return None


def _squeezed(widget: QWidget) -> str | None:
    policy = widget.sizePolicy()
    hint = widget.minimumSizeHint()
    floor_w = max(widget.minimumWidth(), hint.width())
    floor_h = max(widget.minimumHeight(), hint.height())
    if policy.horizontalPolicy() in _SHRINKABLE:
        floor_w = widget.minimumWidth()
    if policy.verticalPolicy() in _SHRINKABLE:
        floor_h = widget.minimumHeight()
    # A fixed height is the size hint by definition (a styled line edit's minimum hint can
    # exceed its own size hint by a border's width).
    if policy.verticalPolicy() == QSizePolicy.Policy.Fixed:
        floor_h = min(floor_h, max(widget.minimumHeight(), widget.sizeHint().height()))
    if widget.width() < floor_w or widget.height() < floor_h:
        return f"squeezed to {widget.width()}×{widget.height()} under {floor_w}×{floor_h}"
    return None


def _outside_parent(widget: QWidget, root: QWidget) -> str | None:
    """Part of the widget lies outside its parent (so it is cut), unless it scrolls there."""
    parent = widget.parentWidget()
    if parent is None or widget is root:
        return None
    area = parent.parentWidget()
    if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
        return None  # scroll content may be larger than the viewport: that is scrolling
    inside = QRect(0, 0, parent.width(), parent.height())
    if not inside.contains(widget.geometry()):
        return (
            f"sticks out of its parent ({widget.geometry()} in {parent.width()}×{parent.height()})"
        )
    return None


def fit_problems(root: QWidget) -> list[str]:
    """Every visible label cut short, widget squeezed or cut off, and sideways scrolling."""
    problems: list[str] = []
    for widget in (root, *root.findChildren(QWidget)):
        if not widget.isVisibleTo(root) or _internal(widget):
            continue
        if widget is not root and widget.isWindow():
            continue
        name = _name(widget)
        if isinstance(widget, QLabel) and (problem := _label_problem(widget)):
            problems.append(f"{name}: {problem}")
        if (problem := _squeezed(widget)) is not None:
            problems.append(f"{name}: {problem}")
        if (problem := _outside_parent(widget, root)) is not None:
            problems.append(f"{name}: {problem}")
        if isinstance(widget, QScrollArea) and widget.horizontalScrollBar().maximum() > 0:
            problems.append(f"{name}: scrolls sideways")
    return problems


def assert_fits(qtbot: QtBot, root: QWidget, *, screen: str) -> None:
    """Nothing on ``root`` is cut or squeezed, once wrapped text has settled."""
    QApplication.processEvents()
    # A scroll area and wrapped labels take a few event-loop passes to settle.
    with contextlib.suppress(WaitTimeout):
        qtbot.waitUntil(lambda: not fit_problems(root), timeout=3000)
    problems = fit_problems(root)
    assert problems == [], f"{screen} does not fit: " + "; ".join(problems)


def large_text(app: QApplication, *, scale: int = 200, high_contrast: bool = False) -> None:
    """The app's theme at ``scale`` percent text (as a learner's reading prefs set it)."""
    apply_theme(app, text_scale=scale, high_contrast=high_contrast)
