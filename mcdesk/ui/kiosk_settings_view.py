"""The kiosk settings a teacher opens with a code: what to show, idle time, school, programs."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mcdesk.study.kiosk import IDLE_SECONDS_RANGE, LANGUAGES, Cluster, KioskSettings
from mcdesk.ui.touch import TARGET_PX, big_button, touch_scrolling


class KioskSettingsPage(QWidget):
    """A form over ``KioskSettings``; emits the edited copy on save."""

    saved = Signal(object)  # KioskSettings
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Kiosk settings")
        self._clusters: list[Cluster] = []
        self.pack_boxes: dict[str, QCheckBox] = {}
        self.program_fields: dict[str, QLineEdit] = {}
        self.idle = QSpinBox()
        self.idle.setRange(*IDLE_SECONDS_RANGE)
        self.idle.setSuffix(" s")
        self.idle.setMinimumHeight(TARGET_PX)
        self.school = QLineEdit()
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("a PNG or SVG file on this station (optional)")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://… the school's program page (optional)")
        for field in (self.school, self.logo, self.url):
            field.setMinimumHeight(TARGET_PX)
        language = QLabel(
            f"{LANGUAGES[0]} — the installed content has one language, so there is no choice yet."
        )
        language.setWordWrap(True)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Start over after (no touch)", self.idle)
        form.addRow("School name", self.school)
        form.addRow("Logo file", self.logo)
        form.addRow("Program page (QR code)", self.url)
        form.addRow("Language", language)
        self.packs_box = QVBoxLayout()
        self.programs_box = QFormLayout()
        # A long cluster name goes above its field rather than squeezing it off the screen.
        self.programs_box.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        body = QWidget()
        column = QVBoxLayout(body)
        title = QLabel("Kiosk settings")
        title.setObjectName("pageTitle")
        column.addWidget(title)
        column.addLayout(form)
        column.addWidget(QLabel("Program at this school, for each career cluster"))
        column.addLayout(self.programs_box)
        column.addWidget(QLabel("Micro-credentials to show (none ticked: all of them)"))
        column.addLayout(self.packs_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        touch_scrolling(scroll)
        self.save_button = big_button("Save and go back to the kiosk", name="primary")
        self.save_button.clicked.connect(self._save)
        self.cancel_button = big_button("Cancel")
        self.cancel_button.clicked.connect(self.cancelled.emit)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)

    def edit(self, settings: KioskSettings, clusters: Sequence[Cluster]) -> None:
        """Fill the form from ``settings`` for the installed ``clusters`` (all of them)."""
        self._clusters = list(clusters)
        self.idle.setValue(settings.idle_seconds)
        self.school.setText(settings.school_name)
        self.logo.setText(settings.logo_path)
        self.url.setText(settings.program_url)
        for layout in (self.packs_box, self.programs_box):
            while layout.count():
                item = layout.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.setParent(None)
                    widget.deleteLater()
        self.pack_boxes, self.program_fields = {}, {}
        shown = set(settings.shown_packs)
        for cluster in self._clusters:
            heading = QLabel(cluster.name)
            heading.setObjectName("cardTitle")
            heading.setWordWrap(True)
            heading.setTextFormat(Qt.TextFormat.PlainText)
            self.packs_box.addWidget(heading)
            field = QLineEdit(settings.program_for(cluster.name))
            field.setMinimumHeight(TARGET_PX)
            field.setAccessibleName(f"Program for {cluster.name}")
            # "&" doubled: a form label would take the next letter as its shortcut.
            self.programs_box.addRow(cluster.name.replace("&", "&&"), field)
            self.program_fields[cluster.name] = field
            for pack in cluster.packs:
                box = QCheckBox(pack.title.replace("&", "&&"))
                box.setAccessibleName(f"Show {pack.title} ({cluster.name})")
                box.setMinimumHeight(TARGET_PX)
                box.setChecked(pack.id in shown)
                self.packs_box.addWidget(box)
                self.pack_boxes[pack.id] = box

    def _save(self) -> None:
        self.saved.emit(self.current())

    def current(self) -> KioskSettings:
        """The settings as the form shows them now."""
        return KioskSettings(
            shown_packs=tuple(pid for pid, box in self.pack_boxes.items() if box.isChecked()),
            idle_seconds=self.idle.value(),
            school_name=self.school.text().strip(),
            logo_path=self.logo.text().strip(),
            programs={k: f.text().strip() for k, f in self.program_fields.items() if f.text()},
            program_url=self.url.text().strip(),
        )
