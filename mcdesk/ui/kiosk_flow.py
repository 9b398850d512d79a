"""The career-day kiosk: a locked explorer that forgets each visitor and opens only to a code.

It is locked by the assessment's ``LockdownWindow`` and opened by the assessment's unlock
codes (``UnlockDesk``, one throttle): a teacher's code opens the settings or leaves the
kiosk. Only the day's anonymous totals are written; everything else of a visit lives in
widgets that a reset throws away.
"""

from __future__ import annotations

import importlib.util
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QObject, QThreadPool, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mcdesk.content.skill_states import score_text
from mcdesk.study.kiosk import Cluster, KioskSettings, Taste, load_settings, save_settings
from mcdesk.ui.background import run_in_background
from mcdesk.ui.idle import IdleWatch
from mcdesk.ui.kiosk_screen import KioskScreen

if TYPE_CHECKING:
    from mcdesk.exam.unlock import UnlockDesk, UnlockResult
    from mcdesk.study.kiosk import KioskDesk
    from mcdesk.ui.lockdown import LockdownWindow

WARN_MS = 10_000  # the countdown's length, inside the idle time
QR_MODULE_PX = 6
STAFF_TITLE = "Staff only — a teacher code opens the settings or leaves the kiosk"
STAFF_ACTIONS = ("kiosk-settings", "kiosk-leave")


@dataclass(slots=True)
class _Visit:
    """What one visitor did, in memory only; recorded as day totals, then dropped."""

    clusters: set[str] = field(default_factory=set)
    tastes: int = 0
    points: float = 0.0
    out_of: int = 0


class KioskFlow(QObject):
    """Drives the kiosk: the visitor's path, idle reset, the staff door behind a code."""

    visit_recorded = Signal()
    settings_applied = Signal()

    def __init__(
        self,
        *,
        screen: KioskScreen,
        shell: LockdownWindow,
        desk: KioskDesk,
        unlock: UnlockDesk,
        settings_file: Path,
        pool: QThreadPool,
        finish: Callable[[int], None],
        clock: Callable[[], datetime] | None = None,
        seeds: random.Random | None = None,
    ) -> None:
        super().__init__(screen)
        self.screen, self.shell, self.desk, self.unlock = screen, shell, desk, unlock
        self._settings_file = settings_file
        self._pool, self._finish = pool, finish
        self._clock = clock or (lambda: datetime.now(UTC))
        self._seeds = seeds or random.Random()
        self.settings = KioskSettings()
        self.clusters: list[Cluster] = []
        self._all_clusters: list[Cluster] = []
        self._visit: _Visit | None = None
        self._taste_cluster = ""
        self._taste_title = ""
        self.idle = self._make_idle()
        s = screen
        s.attract.started.connect(self.begin_visit)
        s.attract.staff.connect(self.open_staff_door)
        s.done.connect(self.forget_visitor)
        s.explorer.cluster_viewed.connect(self._cluster_viewed)
        s.explorer.taste_requested.connect(self._open_taste)
        s.taste.back.connect(lambda: s.pages.setCurrentWidget(s.explorer))
        s.taste.finished.connect(self._taste_finished)
        s.closing.explore_more.connect(self._explore_more)
        s.countdown.stay.connect(s.countdown.hide)
        s.settings.saved.connect(self._save_settings)
        s.settings.cancelled.connect(self.show_attract)
        shell.overlay_code_entered.connect(self._code_entered)
        shell.overlay.cancel_button.clicked.connect(shell.dismiss_overlay)

    def _make_idle(self) -> IdleWatch:
        timeout = self.settings.idle_seconds * 1000
        idle = IdleWatch(timeout_ms=timeout, warn_before_ms=min(WARN_MS, timeout // 2), parent=self)
        idle.warning.connect(self.screen.countdown.show_seconds)
        idle.activity_resumed.connect(self.screen.countdown.hide)
        idle.expired.connect(self.forget_visitor)
        return idle

    # Start-up -------------------------------------------------------------------------

    def start(self) -> None:
        """Read the settings and the clusters off the GUI thread, then show the attract screen."""
        file, desk = self._settings_file, self.desk

        def load() -> tuple[KioskSettings, list[Cluster], bytes | None]:
            settings = load_settings(file)
            return settings, desk.clusters(), _read_logo(settings.logo_path)

        run_in_background(
            parent=self, pool=self._pool, task=load, on_success=self._apply, on_failure=self._failed
        )

    def _apply(self, loaded: tuple[KioskSettings, list[Cluster], bytes | None]) -> None:
        settings, clusters, logo = loaded
        self.settings, self._all_clusters = settings, clusters
        wanted = set(settings.shown_packs)
        self.clusters = [
            Cluster(c.name, tuple(p for p in c.packs if not wanted or p.id in wanted))
            for c in clusters
        ]
        self.clusters = [c for c in self.clusters if c.packs]
        self.idle.stop()
        self.idle.deleteLater()
        self.idle = self._make_idle()
        attract = self.screen.attract
        attract.set_school(settings.school_name)
        pixmap = QPixmap()
        if logo is not None and pixmap.loadFromData(QByteArray(logo)):
            attract.logo.setPixmap(pixmap.scaledToHeight(160))
        else:
            attract.logo.clear()
        self.screen.bar_title.setText(settings.school_name or "Career explorer")
        self.screen.explorer.set_clusters(self.clusters)
        self.show_attract()
        self.settings_applied.emit()

    def _failed(self, error: Exception) -> None:
        self.screen.show_problem(f"The career explorer could not start: {error}")

    def stop(self) -> None:
        """The kiosk is closing: no countdown, no overlay, nothing more reacts to input."""
        self.idle.stop()
        self.screen.countdown.hide()
        self.shell.dismiss_overlay()

    # The visitor's path ---------------------------------------------------------------

    def show_attract(self) -> None:
        self.screen.pages.setCurrentWidget(self.screen.attract)
        self.screen.attract.start_button.setFocus()

    def begin_visit(self) -> None:
        self._visit = _Visit()
        self.screen.explorer.clear()
        self.screen.pages.setCurrentWidget(self.screen.explorer)
        buttons = self.screen.explorer.cluster_buttons
        if buttons:
            buttons[0].setFocus()
        self.idle.start()

    def _cluster_viewed(self, name: str) -> None:
        if self._visit is not None:
            self._visit.clusters.add(name)

    def _open_taste(self, pack_id: str) -> None:
        desk, seed = self.desk, self._seeds.randrange(2**31)
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: desk.taste(pack_id, seed=seed),
            on_success=self._show_taste,
            on_failure=self._failed,
        )

    def _show_taste(self, taste: Taste) -> None:
        if self._visit is None:
            return  # the visitor was forgotten while it loaded
        self._taste_cluster, self._taste_title = taste.career_cluster, taste.title
        self.screen.taste.show_taste(taste)
        self.screen.pages.setCurrentWidget(self.screen.taste)
        self.screen.taste.start_button.setFocus()

    def _taste_finished(self, credit: float, total: int) -> None:
        if self._visit is not None:
            self._visit.tastes += 1
            self._visit.points += credit
            self._visit.out_of += total
        program = self.settings.program_for(self._taste_cluster)
        school = self.settings.school_name or "this school"
        where = (
            f"Learn this at {school} in: {program}"
            if program
            else f"Ask about the {self._taste_cluster} programs at {school}."
        )
        self.screen.closing.show_result(
            score=f"You got {score_text(credit, total)} right in {self._taste_title}. Nice work!",
            program=where,
            qr=_qr_widget(self.settings.program_url),
        )
        self.screen.pages.setCurrentWidget(self.screen.closing)
        self.screen.closing.more_button.setFocus()

    def _explore_more(self) -> None:
        self.screen.taste.forget()
        self.screen.pages.setCurrentWidget(self.screen.explorer)

    def forget_visitor(self) -> None:
        """Count the visit, then wipe it from every widget: the attract screen returns."""
        visit, self._visit = self._visit, None
        self.idle.stop()
        s = self.screen
        s.countdown.hide()
        s.taste.forget()
        s.closing.forget()
        s.explorer.clear()
        self.shell.dismiss_overlay()
        self.show_attract()
        if visit is not None:
            self._record(visit)

    def _record(self, visit: _Visit) -> None:
        desk = self.desk
        viewed, tastes, points, out_of = (
            len(visit.clusters),
            visit.tastes,
            visit.points,
            visit.out_of,
        )
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: desk.record_visit(
                clusters_viewed=viewed, tastes=tastes, points=points, out_of=out_of
            ),
            on_success=lambda _counts: self.visit_recorded.emit(),
            on_failure=lambda _error: None,  # a lost tally must not stop the next visitor
        )

    # The staff door -------------------------------------------------------------------

    def open_staff_door(self) -> None:
        """The overlay asks for the station's next unlock code: settings or leave."""
        overlay = self.shell.overlay
        overlay.set_title(STAFF_TITLE, cancellable=True)
        overlay.prompt.set_actions(list(STAFF_ACTIONS))
        self.shell.show_overlay(
            "Type the next code from the teacher console or the printed code sheet.",
            clock_running=False,
        )
        self._ask_counter()

    def _ask_counter(self) -> None:
        unlock = self.unlock
        run_in_background(
            parent=self,
            pool=self._pool,
            task=unlock.next_counter,
            on_success=self.shell.set_overlay_counter,
            on_failure=self._failed,
        )

    def _code_entered(self, code: str) -> None:
        action = self.shell.overlay.prompt.chosen_action
        unlock, now = self.unlock, self._clock()

        def check() -> UnlockResult:
            result = unlock.try_code(code, action=action, now=now)
            # The exam key a right code releases is of no use here: dropped at once.
            return result

        run_in_background(
            parent=self,
            pool=self._pool,
            task=check,
            on_success=lambda result: self._code_checked(action, result),
            on_failure=self._failed,
        )

    def _code_checked(self, action: str, result: UnlockResult) -> None:
        if not result.ok:
            self.shell.overlay_refused(result.message, result.wait_seconds)
            self.shell.set_overlay_counter(result.counter)
            return
        self.shell.dismiss_overlay()
        if action == "kiosk-leave":
            self.idle.stop()
            self.shell.release()
            self._finish(0)
            return
        self.screen.settings.edit(self.settings, self._all_clusters)
        self.screen.pages.setCurrentWidget(self.screen.settings)

    def _save_settings(self, settings: KioskSettings) -> None:
        file, desk = self._settings_file, self.desk

        def save() -> tuple[KioskSettings, list[Cluster], bytes | None]:
            save_settings(file, settings)
            return settings, desk.clusters(), _read_logo(settings.logo_path)

        run_in_background(
            parent=self, pool=self._pool, task=save, on_success=self._apply, on_failure=self._failed
        )


def _read_logo(path: str) -> bytes | None:
    """The logo file's bytes (≤ 2 MB), or None; runs on the pool."""
    if not path:
        return None
    try:
        logo = Path(path)
        return logo.read_bytes() if logo.stat().st_size <= 2_000_000 else None
    except OSError:
        return None


def _qr_widget(url: str) -> QWidget | None:
    """A QR code to the program page, beside a line saying what it is (None without a page)."""
    if not url or importlib.util.find_spec("segno") is None:
        return None
    import segno

    code: Any = segno.make(url, error="m")
    png = io.BytesIO()
    # Whole pixels per module on white, with the quiet zone phones need to find the code.
    code.save(png, kind="png", scale=QR_MODULE_PX, border=4, dark="black", light="white")
    pixmap = QPixmap()
    pixmap.loadFromData(QByteArray(png.getvalue()))
    image = QLabel()
    image.setPixmap(pixmap)
    image.setAccessibleName(f"QR code to {url}")
    caption = QLabel("Scan this with a phone to see the program page and take it home.")
    caption.setWordWrap(True)
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(image)
    row.addWidget(caption, 1)
    return box
