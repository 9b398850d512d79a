"""The wallet's badge page: open a badge, download it, share it; never on the GUI thread.

The learner picks where a file goes (QFileDialog, on the GUI thread, as a dialog must);
making and writing the file (baking, signing checks, the PDF) runs through the study
flow's worker queue, and the answer for a learner who has since signed out is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog

if TYPE_CHECKING:
    from mcdesk.study.badge_exports import BadgeDetail
    from mcdesk.ui.main_window import MainWindow

Run = Callable[[Callable[[], Any], Callable[[Any], None]], None]
# (suggested file path, filter) → the chosen path, or None when the learner cancelled.
ChoosePath = Callable[[str, str], str | None]

FILTERS = {
    "png": "PNG image (*.png)",
    "png2": "PNG image (*.png)",
    "svg": "SVG image (*.svg)",
    "json": "Credential JSON (*.json)",
    "pdf": "PDF document (*.pdf)",
}
ENDINGS = {"png": ".png", "png2": "-ob2.png", "svg": ".svg", "json": ".json", "pdf": ".pdf"}


def ask_where(suggested: str, file_filter: str) -> str | None:
    """The system's save dialog; None when cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(None, "Save your badge", suggested, file_filter)
    return chosen or None


def open_in_browser(url: str) -> None:
    QDesktopServices.openUrl(QUrl(url))


def _export(detail: BadgeDetail, action: str, path: Path) -> Path:
    """Runs on the worker: make the file and write it."""
    from mcdesk.study.badge_exports import ExportKind, export_badge, qr_png

    if action == "pdf":
        from mcdesk.ui.certificate import write_certificate

        qr = qr_png(detail.verify_url) if detail.verify_url else None
        return write_certificate(detail, path=path, qr=qr)
    kind = {
        "png": ExportKind.PNG,
        "png2": ExportKind.PNG_OB2,
        "svg": ExportKind.SVG,
        "json": ExportKind.JSON,
    }[action]
    return export_badge(detail, kind, path=path)


class BadgeFlow(QObject):
    """Shows a wallet badge and carries out what its page asks."""

    def __init__(
        self,
        *,
        window: MainWindow,
        database: Path,
        learner: Callable[[], str | None],
        run: Run,
        on_back: Callable[[], None],
        choose_path: ChoosePath = ask_where,
        open_url: Callable[[str], None] = open_in_browser,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(window)
        self._window = window
        self._database = database
        self._learner = learner
        self._run = run
        self.choose_path = choose_path
        self.open_url = open_url
        self._clock = clock
        self.detail: BadgeDetail | None = None
        self.saved: list[Path] = []  # what this run wrote, newest last
        page = window.badge_page
        page.back.connect(on_back)
        page.action.connect(self.act)

    def forget(self) -> None:
        """At sign-out: drop the badge on the page, so the next learner cannot reach it."""
        self.detail = None
        self._window.badge_page.clear()
        self._window.badge_page.buttons = {}

    def open(self, credential_id: str) -> None:
        """Check the stored badge on the worker, then show its page."""
        learner_id, database, now = self._learner(), self._database, self._clock()
        if learner_id is None:
            return

        def detail() -> tuple[BadgeDetail, bool, bytes]:
            from mcdesk.study.badge_exports import (
                ExportKind,
                badge_detail,
                badge_picture,
                export_kinds,
            )

            found = badge_detail(
                database, learner_id=learner_id, credential_id=credential_id, now=now
            )
            return found, ExportKind.PNG_OB2 in export_kinds(found), badge_picture(found)

        self._run(detail, self._show)

    def _show(self, answer: tuple[BadgeDetail, bool, bytes]) -> None:
        self.detail, has_png2, picture = answer
        self._window.badge_page.show_badge(self.detail, has_png2=has_png2, picture=picture)
        self._window.show_page(self._window.badge_page)
        self._window.badge_page.back_button.setFocus()

    def act(self, action: str) -> None:
        """One of the badge page's actions."""
        detail = self.detail
        if detail is None:
            return
        if action == "copy":
            if detail.verify_url:
                QGuiApplication.clipboard().setText(detail.verify_url)
                self._window.show_notice(f"Copied the verification link: {detail.verify_url}")
            return
        if action == "linkedin":
            from mcdesk.study.badge_exports import linkedin_url

            self.open_url(linkedin_url(detail))
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder or Path.home()) / f"{detail.file_stem}{ENDINGS[action]}")
        chosen = self.choose_path(suggested, FILTERS[action])
        if chosen is None:
            return
        self._run(lambda: _export(detail, action, Path(chosen)), self._saved)

    def _saved(self, path: Path) -> None:
        self.saved.append(path)
        # The folder's name only: a full path wraps to three lines at 200 % text and
        # squeezes the page on a 600-pixel lab screen; the whole path is in the tooltip.
        self._window.show_notice(
            f"Saved {path.name} in {path.parent.name or path.parent}", more=str(path)
        )
