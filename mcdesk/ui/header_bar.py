"""The main window's header: the app's name, the search field and the page buttons.

At large text on a small screen it gives way so the search field stays usable.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from mcdesk.ui.cards import READING_WIDTH


def _nav_button(text: str, description: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text.replace("Aa  ", ""))
    button.setAccessibleDescription(description)
    button.setToolTip(description)
    return button


class HeaderBar(QWidget):
    """A row: name, search field, Catalog, My home, who is signed in, Text, Sign out/in."""

    def __init__(self, search_field: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.search_field = search_field
        self._row = row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.setSpacing(16)
        self.brand = QLabel("mcdesk")
        self.brand.setObjectName("brand")
        self.brand.setAccessibleName("mcdesk")
        row.addWidget(self.brand)
        search_field.setMaximumWidth(READING_WIDTH)
        row.addWidget(search_field, 100)
        self.catalog_button = _nav_button("Catalog", "Browse every micro-credential")
        self.home_button = _nav_button("My home", "Your micro-credentials and progress")
        self.user_label = QLabel()
        self.user_label.setObjectName("muted")
        self.prefs_button = _nav_button("Aa  Text", "Text size and high contrast")
        self.sign_out_button = _nav_button("Sign out", "Sign out of this station")
        self.sign_in_button = _nav_button("Sign in", "Go to the sign-in screen")
        for widget in (
            self.catalog_button,
            self.home_button,
            self.user_label,
            self.prefs_button,
            self.sign_out_button,
            self.sign_in_button,
        ):
            row.addWidget(widget)

    def fit(self, width: int, *, signed_in: bool) -> None:
        """Keep the search field usable at large text on small screens.

        What gives way, in order: the learner's name ("Hi, <name>" on the home page and the
        Sign out button still say who is here), then the app's name.
        """
        metrics = self.search_field.fontMetrics()
        self.search_field.setMinimumWidth(metrics.averageCharWidth() * 16)
        row = self._row
        droppable = [self.user_label, self.brand] if signed_in else [self.brand]
        in_row = [row.itemAt(i) for i in range(row.count())]
        widgets = [item.widget() for item in in_row if item is not None]
        fixed = [w for w in widgets if w is not None and w not in (self.search_field, *droppable)]
        margins = row.contentsMargins()
        shown = [w for w in fixed if not w.isHidden()]
        needed = (
            sum(w.sizeHint().width() for w in shown)
            + self.search_field.minimumWidth()
            + row.spacing() * len(shown)
            + margins.left()
            + margins.right()
        )
        needed += sum(w.sizeHint().width() + row.spacing() for w in droppable)
        for widget in droppable:
            fits = needed <= width
            widget.setVisible(fits)
            if not fits:
                needed -= widget.sizeHint().width() + row.spacing()
        if not signed_in:
            self.user_label.hide()
