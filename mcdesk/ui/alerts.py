"""Message boxes that do not block the event loop (opened, not exec'd)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def _box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return box


def show_warning(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A window-modal warning; the work behind it carries on."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.open()
    return box


def show_critical(
    parent: QWidget, title: str, text: str, *, on_closed: Callable[[], None]
) -> QMessageBox:
    """A window-modal error; ``on_closed`` runs when it is dismissed."""
    box = _box(parent, QMessageBox.Icon.Critical, title, text)
    box.finished.connect(lambda _result: on_closed())
    box.open()
    return box
