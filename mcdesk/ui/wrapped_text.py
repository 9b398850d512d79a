"""Widgets whose text wraps to the width they are given: a keyboard list whose entries
wrap instead of scrolling sideways, and a label its layout never cuts short.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from mcdesk.ui.cards import ShownRowsList


class WrappedEntries(QStyledItemDelegate):
    """Wraps an entry to the width it is painted in.

    Qt wraps a stylesheet-padded entry as if the padding took no room, then paints it
    inside the padding: a line that only just fitted comes out cut short with "…".
    """

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        fitted = QStyleOptionViewItem(option)
        self.initStyleOption(fitted, index)
        style = option.widget.style() if option.widget else QApplication.style()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, fitted, option.widget)
        fitted.rect = QRect(fitted.rect.topLeft(), QSize(text.width(), fitted.rect.height()))
        return super().sizeHint(fitted, index)


class FittedLabel(QLabel):
    """A wrapped label whose layout never gives it less height than its text needs.

    Layouts ask a wrapped label for one line at least; in a grid beside a list the
    definition came out cut to that one line at large text.
    """

    def hasHeightForWidth(self) -> bool:
        return False  # the height comes from the hints below, for the width it has now

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if self.width() <= 0:
            return hint
        return QSize(hint.width(), max(hint.height(), self.heightForWidth(self.width())))

    def sizeHint(self) -> QSize:
        return super().sizeHint().expandedTo(self.minimumSizeHint())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # a new width wraps the text anew: ask the layout again


def wrapping_list(name: str, description: str) -> QListWidget:
    """A list for the keyboard whose entries wrap instead of scrolling sideways."""
    entries = ShownRowsList()
    entries.setAccessibleName(name)
    entries.setAccessibleDescription(description)
    entries.setWordWrap(True)
    entries.setItemDelegate(WrappedEntries(entries))
    entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    entries.setResizeMode(QListWidget.ResizeMode.Adjust)  # rewrap when the width changes
    # By item, an entry taller than the list could never be scrolled to its end.
    entries.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
    # Its height is the panel's share of the page, not the sum of its entries.
    entries.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    return entries
