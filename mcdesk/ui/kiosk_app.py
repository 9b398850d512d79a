"""The kiosk's composition root: the locked window, its services, and start-up."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QThreadPool, QTimer

from mcdesk.ui.kiosk_flow import KioskFlow, KioskScreen
from mcdesk.ui.lockdown import LockdownWindow
from mcdesk.ui.startup_flow import StationStartup

if TYPE_CHECKING:
    from mcdesk.paths import Paths
    from mcdesk.settings import Settings

KIOSK_TEXT_SCALE = 175  # the theme's 11 pt base becomes ~19 pt: readable from a metre away
KIOSK_SETTINGS_FILE = "kiosk.json"


@dataclass(frozen=True, slots=True)
class KioskStation:
    shell: LockdownWindow
    flow: KioskFlow


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

    screen = KioskScreen()
    shell = LockdownWindow(screen, policy="log")
    shell.setWindowTitle("mcdesk — career explorer")
    shell.setAccessibleName("Career explorer")
    # One worker: a visit's tally and the next visitor's reads happen in order.
    queue = QThreadPool(shell)
    queue.setMaxThreadCount(1)
    desk = KioskDesk(paths.database)
    flow = KioskFlow(
        screen=screen,
        shell=shell,
        desk=desk,
        unlock=UnlockDesk(paths.database),
        settings_file=paths.config_dir / KIOSK_SETTINGS_FILE,
        pool=queue,
        finish=finish,
    )

    def ready(_settings: Settings) -> None:
        flow.start()

    startup = StationStartup(
        paths=paths, pool=pool, window=screen, finish=finish, out=out, err=err, on_ready=ready
    )
    shell.destroyed.connect(lambda: queue.start(desk.close))
    shell.lock()
    QTimer.singleShot(0, startup.start)
    return KioskStation(shell=shell, flow=flow)
