"""Text size and high contrast: a small dialog that applies each change at once."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mcdesk.study.prefs import TEXT_SCALES, ReadingPrefs


class ReadingPrefsDialog(QDialog):
    """Emits ``changed`` on every pick so the whole app restyles while the dialog is open."""

    changed = Signal(object)  # ReadingPrefs

    def __init__(self, prefs: ReadingPrefs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Text size and contrast")
        self.setAccessibleName("Text size and contrast")
        self._prefs = prefs
        title = QLabel("Text size")
        title.setObjectName("sectionTitle")
        self.sizes = QButtonGroup(self)
        row = QHBoxLayout()
        for scale in TEXT_SCALES:
            button = QRadioButton(f"{scale}%")
            button.setAccessibleName(f"Text size {scale} percent")
            button.setChecked(scale == prefs.text_scale)
            self.sizes.addButton(button, scale)
            row.addWidget(button)
        row.addStretch(1)
        self.sizes.idClicked.connect(self._on_change)
        self.contrast = QCheckBox("High contrast (white and yellow on black)")
        self.contrast.setAccessibleDescription("Makes text and borders stand out more.")
        self.contrast.setChecked(prefs.high_contrast)
        self.contrast.toggled.connect(self._on_change)
        note = QLabel("Your choice is kept for you on this station.")
        note.setObjectName("hint")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setIcon(QIcon())  # Fusion draws its icon over the word at large text sizes
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addSpacing(8)
        layout.addWidget(self.contrast)
        layout.addWidget(note)
        layout.addWidget(buttons)

    @property
    def prefs(self) -> ReadingPrefs:
        return self._prefs

    def _on_change(self, *_args: object) -> None:
        self._prefs = ReadingPrefs(
            text_scale=self.sizes.checkedId(), high_contrast=self.contrast.isChecked()
        )
        self.changed.emit(self._prefs)
