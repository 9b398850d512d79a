"""Building blocks shared by the catalog pages: a scrolling reading column and a card."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QHideEvent, QKeyEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOption,
    QVBoxLayout,
    QWidget,
)

READING_WIDTH = 920  # px; keeps lines of summary text to a comfortable length


class _ScrolledContent(QWidget):
    """Content whose height comes from its width (wrapped text), never from a minimum.

    QScrollArea sizes resizable content to at least its minimum size hint, and wrapped
    labels report that at their narrowest, far taller than they are: it would scroll
    through empty space. Height for the actual width is what counts.
    """

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 0)


class ReadingColumn(QScrollArea):
    """A vertical scroll area whose content sits in a centred column of limited width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # Tab goes straight to the cards, which scroll into view as they get focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer = _ScrolledContent()
        row = QHBoxLayout(outer)
        row.setContentsMargins(24, 8, 24, 24)
        self.column = QWidget()
        self.column.setMaximumWidth(READING_WIDTH)
        self.column_layout = QVBoxLayout(self.column)
        self.column_layout.setContentsMargins(0, 0, 0, 0)
        self.column_layout.setSpacing(10)
        row.addStretch(1)
        row.addWidget(self.column, 100)
        row.addStretch(1)
        self.setWidget(outer)

    def clear(self) -> None:
        """Remove everything from the column."""
        while self.column_layout.count():
            item = self.column_layout.takeAt(0)
            widget = None if item is None else item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def add(self, widget: QWidget) -> QWidget:
        self.column_layout.addWidget(widget)
        if widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
            self.keep_visible_on_focus(widget)
        return widget

    def keep_visible_on_focus(self, widget: QWidget) -> None:
        """Scroll ``widget`` into view whenever it gets keyboard focus."""
        widget.installEventFilter(self)

    def finish(self) -> None:
        """Call after the last ``add``: keeps the content at the top."""
        self.column_layout.addStretch(1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Keyboard users must see what has focus: scroll it into view.
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self.ensureWidgetVisible(watched, 0, 24)
        return super().eventFilter(watched, event)


class ShownRowsList(QListWidget):
    """A list whose rows a screen reader finds only while the list itself is on screen.

    Qt reports a row as showing whenever it lies inside the list's rectangle, even while
    the page holding the list is hidden: screen readers read the roster during the
    assessment. Hidden rows report invisible, so every row hides with the list, and
    the rows the owner had hidden stay hidden when it comes back.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hidden_rows: set[int] = set()
        self._away = True  # not on screen (yet, or with its page): rows wait for the show
        self.model().rowsInserted.connect(self._on_rows_inserted)

    def _on_rows_inserted(self, _parent: object, first: int, last: int) -> None:
        if self._away:
            shift = last - first + 1
            self._hidden_rows = {r if r < first else r + shift for r in self._hidden_rows}
            for row in range(first, last + 1):
                self.setRowHidden(row, True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        if event.spontaneous():
            return  # a minimised window: nothing changed on the page
        if not self._away:
            self._hidden_rows = {row for row in range(self.count()) if self.isRowHidden(row)}
        self._away = True
        for row in range(self.count()):
            self.setRowHidden(row, True)

    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous() and self._away:
            self._away = False
            for row in range(self.count()):
                self.setRowHidden(row, row in self._hidden_rows)
        super().showEvent(event)

    def clear(self) -> None:
        self._hidden_rows = set()
        super().clear()


def text_label(text: str, *, name: str = "", rich: bool = False) -> QLabel:
    """A wrapping label that lets clicks through to the card under it."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setIndent(0)  # a styled border would otherwise indent the text
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    if name:
        label.setObjectName(name)
    return label


def left_aligned(widget: QWidget, *, top: int = 8) -> QWidget:
    """``widget`` at the start of its own row (a page's Back button, an action)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, top, 0, 0)
    row.addWidget(widget)
    row.addStretch(1)
    return holder


def meta_line(text: str, *, preview: bool) -> QWidget:
    """A muted line under a micro-credential's title, after a Preview badge if it is one."""
    meta = QWidget()
    row = QHBoxLayout(meta)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(10)
    if preview:
        row.addWidget(preview_badge())
    row.addWidget(text_label(text, name="muted"), 1)
    return meta


def preview_badge() -> QLabel:
    """Says "Preview" in words, not by colour alone."""
    badge = QLabel("Preview")
    badge.setObjectName("previewBadge")
    badge.setToolTip("A preview: you can study it, but it may have no assessment yet.")
    badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return badge


class Card(QAbstractButton):
    """A clickable, focusable panel: a button to assistive tech, Enter or Space opens it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # Minimum: cards side by side in a row grow to the same height.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 14, 18, 14)
        self.body.setSpacing(6)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.body.totalHeightForWidth(width)

    def sizeHint(self) -> QSize:
        return self.body.totalSizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.body.totalMinimumSize()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Let the stylesheet draw the panel (border, focus ring, hover).
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)


def centred(inner: QWidget, *, margins: tuple[int, int, int, int]) -> QWidget:
    """``inner`` in a row that keeps it to the reading width, centred."""
    inner.setMaximumWidth(READING_WIDTH)
    outer = QWidget()
    row = QHBoxLayout(outer)
    row.setContentsMargins(*margins)
    row.addStretch(1)
    row.addWidget(inner, 100)
    row.addStretch(1)
    return outer
