"""One badge from the wallet: what it says, and buttons to download it or share it.

Plain data in (a ``BadgeDetail``), signals out; the files are written by the flow on a
worker thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from mcdesk.ui.cards import ReadingColumn, left_aligned, text_label
from mcdesk.ui.wallet_view import issued_on

if TYPE_CHECKING:
    from mcdesk.study.badge_exports import BadgeDetail

PICTURE_PX = 128

# (action, button text, what it does, for a screen reader)
ACTIONS = (
    ("png", "Download badge image (PNG)", "A picture of the badge with the signed badge inside"),
    ("png2", "Download for Open Badges 2.0 sites (PNG)", "The same picture, older badge format"),
    ("svg", "Download badge image (SVG)", "A scalable picture with the signed badge inside"),
    ("json", "Download credential (JSON)", "The signed credential as a file for wallets"),
    ("pdf", "Save a certificate (PDF)", "A one-page certificate with a QR code to check it"),
    ("linkedin", "Add to LinkedIn profile", "Opens LinkedIn in your web browser"),
    ("copy", "Copy the verification link", "Copies the link anyone can open to check it"),
)


class BadgePage(ReadingColumn):
    """The badge page; every action leaves through ``action`` with its name."""

    back = Signal()
    action = Signal(str)  # one of ACTIONS' names

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Badge")
        self.back_button = QPushButton()
        self.title = QLabel()
        self.status = QLabel()
        self.buttons: dict[str, QPushButton] = {}
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.back.emit)

    def show_badge(self, detail: BadgeDetail, *, has_png2: bool, picture: bytes = b"") -> None:
        """Show ``detail`` and its badge ``picture`` (PNG); the 2.0 PNG only when sent."""
        self.clear()
        summary = detail.summary
        self.back_button = QPushButton("‹ Back to your home")
        self.back_button.setAccessibleName("Back to your home")
        self.back_button.setAccessibleDescription("Leave this badge (Esc)")
        self.back_button.clicked.connect(self.back.emit)
        self.add(left_aligned(self.back_button, top=0))
        self.keep_visible_on_focus(self.back_button)
        if picture:
            image = QLabel()
            pixmap = QPixmap()
            pixmap.loadFromData(picture, "PNG")
            side = PICTURE_PX
            image.setPixmap(
                pixmap.scaled(
                    side,
                    side,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
            image.setAccessibleName(f"Badge picture: {summary.achievement}")
            self.add(left_aligned(image, top=8))
        self.title = text_label(summary.achievement, name="pageTitle")
        self.add(self.title)
        if summary.career_cluster:
            self.add(text_label(summary.career_cluster, name="muted"))
        lapsed = detail.revoked or detail.expired
        if detail.revoked:
            words = f"Revoked by the school: {detail.revoked_reason or 'no reason given'}"
        elif detail.expired and summary.expires:
            words = f"Expired on {issued_on(summary.expires)}"
        else:
            words = f"Issued to {detail.learner_name} on {issued_on(summary.issued)}"
        self.status = text_label(words, name="" if lapsed else "nextStep")
        self.add(self.status)
        if summary.expires and not lapsed:
            self.add(text_label(f"Valid until {issued_on(summary.expires)}"))
        self.add(text_label(f"Issued by {summary.issuer_name}"))
        if summary.description:
            self.add(text_label(summary.description))
        self.add(text_label("Targeted skills", name="clusterHeading"))
        for skill in summary.skills:
            result = f" · {skill.result}%" if skill.result else ""
            self.add(text_label(f"{skill.name}{result}"))
        if detail.revoked:
            self._add_notice(
                "A revoked badge no longer counts: anyone who checks it is told so. "
                "You can still see it here."
            )
        elif detail.expired:
            self._add_notice(
                f"Issued to {detail.learner_name} on {issued_on(summary.issued)}. "
                "An expired badge no longer counts: anyone who checks it is told it has "
                "expired. Take the assessment again to earn it anew."
            )
        self._add_actions(detail, has_png2=has_png2)
        self.finish()
        self.verticalScrollBar().setValue(0)

    def _add_notice(self, text: str) -> None:
        notice = QFrame()
        notice.setObjectName("notice")
        box = QVBoxLayout(notice)
        box.setContentsMargins(12, 10, 12, 10)
        box.addWidget(text_label(text))
        self.add(notice)

    def _add_actions(self, detail: BadgeDetail, *, has_png2: bool) -> None:
        self.add(text_label("Download or share", name="clusterHeading"))
        self.buttons = {}
        shown = [a for a in ACTIONS if a[0] != "png2" or has_png2]
        for name, text, description in shown:
            button = QPushButton(text)
            button.setAccessibleName(text)
            button.setAccessibleDescription(description)
            button.clicked.connect(lambda _=False, n=name: self.action.emit(n))
            if name == "copy" and not detail.verify_url:
                button.setEnabled(False)
                button.setToolTip("The school server has no public address for this badge")
            self.add(left_aligned(button, top=4))
            self.keep_visible_on_focus(button)
            self.buttons[name] = button
