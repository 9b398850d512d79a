"""The kiosk's composition root: the locked window, its services, start-up and shut-down."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QThreadPool, QTimer

from mcdesk.ui.background import close_queue, worker_queue
from mcdesk.ui.kiosk_flow import KioskFlow
from mcdesk.ui.kiosk_screen import KIOSK_SHEET, KioskScreen
from mcdesk.ui.lockdown import LockdownWindow
from mcdesk.ui.startup_flow import StationStartup, after_first_paint

if TYPE_CHECKING:
    from mcdesk.paths import Paths
    from mcdesk.settings import Settings
    from mcdesk.study.home import RosterEntry
    from mcdesk.study.kiosk import KioskDesk
    from mcdesk.ui.sync_worker import SyncWorker

KIOSK_TEXT_SCALE = 175  # the theme's 11 pt base becomes ~19 pt: readable from a metre away
KIOSK_SETTINGS_FILE = "kiosk.json"


class KioskStation:
    """A running kiosk: its locked window and what it owns, ended by ``close``.

    Threading rule: the kiosk's worker queue belongs to this object, not to the window.
    A pool that is a child of the window is destroyed inside the window's deletion,
    which runs with the GIL held (``LockdownWindow.event`` is Python): waiting there for
    a task that needs the GIL never returns. ``close`` drains the queue first.
    """

    def __init__(
        self,
        *,
        shell: LockdownWindow,
        flow: KioskFlow,
        startup: StationStartup,
        queue: QThreadPool,
        desk: KioskDesk,
    ) -> None:
        self.shell, self.flow, self.startup = shell, flow, startup
        self._queue, self._desk = queue, desk
        self.sync: SyncWorker | None = None  # once start-up has read the settings
        self._closed = False

    def close(self) -> None:
        """Stop sealing codes and the idle watch, unlock, finish queued work, close the window.

        On the GUI thread. A code batch already running finishes on its own pool (the
        caller drains that pool); no further batch starts.
        """
        if self._closed:
            return
        self._closed = True
        self.startup.stop_sealing()
        self.flow.stop()
        if self.sync is not None:
            self.sync.stop()  # a round under way stops at its next request
            self.sync.wait()
        self.shell.release()
        close_queue(self._queue, self._desk.close)
        self.shell.close()


def launch_kiosk(
    *,
    paths: Paths,
    pool: QThreadPool,
    finish: Callable[[int], None],
    out: TextIO | None,
    err: TextIO | None,
) -> KioskStation:
    """Lock the station on the kiosk's "Preparing…" screen and start start-up on ``pool``."""
    from mcdesk.exam.unlock import UnlockDesk
    from mcdesk.study.kiosk import KioskDesk
    from mcdesk.ui.sync_worker import SyncWorker

    screen = KioskScreen()
    shell = LockdownWindow(screen, policy="log")
    shell.setWindowTitle("mcdesk — career explorer")
    shell.setAccessibleName("Career explorer")
    shell.overlay.setStyleSheet(KIOSK_SHEET)  # the staff door's choices touch-sized too
    # One worker: a visit's tally and the next visitor's reads happen in order.
    queue = worker_queue()  # the application's, never the window's: see KioskStation
    desk = KioskDesk(paths.database)

    def leave(code: int) -> None:
        startup.stop_sealing()  # the teacher's code ends the kiosk: no new code batch
        finish(code)

    flow = KioskFlow(
        screen=screen,
        shell=shell,
        desk=desk,
        unlock=UnlockDesk(paths.database),
        settings_file=paths.config_dir / KIOSK_SETTINGS_FILE,
        pool=queue,
        finish=leave,
    )

    def ready(settings: Settings, _roster: list[RosterEntry]) -> None:
        flow.start()
        # A kiosk has no sign-in screen: a demo station seals its code slots once the
        # attract screen, the one a visitor acts on, has been painted.
        after_first_paint(screen.attract, then=startup.seal_codes)
        # The day's totals go to the school's server, if this station has one (a station
        # without one never touches the network); each finished visit is sent soon.
        sync = SyncWorker(
            database=paths.database,
            station_key_path=paths.station_key,
            settings_url=settings.server_url,
            parent=screen,
        )
        flow.visit_recorded.connect(sync.sync_soon)
        station.sync = sync
        QTimer.singleShot(0, sync.start)

    startup = StationStartup(
        paths=paths, pool=pool, window=screen, finish=finish, out=out, err=err, on_ready=ready
    )
    shell.lock()
    station = KioskStation(shell=shell, flow=flow, startup=startup, queue=queue, desk=desk)
    QTimer.singleShot(0, startup.start)
    return station
