"""The composition root: builds the application, its thread pool and the main window.

Nothing here touches the disk on the GUI thread; everything slow runs on the pool (see
``startup_flow``). SQLAlchemy, SQLModel and Alembic are only ever imported there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from mcdesk.paths import Paths, resolve_paths
from mcdesk.ui import tasks
from mcdesk.ui.background import worker_queue
from mcdesk.ui.main_window import MainWindow
from mcdesk.ui.pyside_imports import skip_source_scans
from mcdesk.ui.startup_flow import StationStartup, say
from mcdesk.ui.theme import apply_theme

if TYPE_CHECKING:
    from mcdesk.settings import Settings
    from mcdesk.study.home import RosterEntry
    from mcdesk.ui.lockdown import LockdownWindow
    from mcdesk.ui.sync_worker import SyncWorker

EXIT_OK, EXIT_FAILED, EXIT_NOT_AVAILABLE = 0, 1, 2
ROOMY_SCREEN = (1440, 900)  # below this the window opens maximized
WINDOW_SIZE = (1280, 860)


def _options(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="mcdesk", description="Open the mcdesk app.")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window, load the catalog, print how many micro-credentials, exit",
    )
    parser.add_argument("--lockdown", action="store_true", help="locked assessment mode")
    parser.add_argument("--kiosk", action="store_true", help="career-day kiosk mode")
    # Anything else (-platform, -style …) is for Qt.
    return parser.parse_known_args(list(argv))


def show_for_screen(window: MainWindow) -> None:
    """Maximized on small lab screens; a roomy window on large ones."""
    available = window.screen().availableGeometry()
    if available.width() < ROOMY_SCREEN[0] or available.height() < ROOMY_SCREEN[1]:
        window.showMaximized()
        return
    window.resize(*WINDOW_SIZE)
    frame = window.frameGeometry()
    frame.moveCenter(available.center())
    window.move(frame.topLeft())
    window.show()


def lock_station(window: MainWindow, *, finish: Callable[[int], None]) -> LockdownWindow:
    """Run the whole app locked: full screen, keys swallowed, close refused (log policy)."""
    from mcdesk.ui.lockdown import LockdownWindow

    shell = LockdownWindow(window, policy="log")
    window.lockdown_shell = shell

    def close_station() -> None:
        shell.release()
        finish(0)

    window.teacher_page.allow_close(True)
    window.teacher_page.close_app.connect(close_station)
    shell.lock()
    return shell


def start_syncing(window: MainWindow, *, paths: Paths, settings: Settings) -> SyncWorker:
    """The background sync worker and its status-bar indicator (idle without a server)."""
    from mcdesk.ui.sync_status import SyncStatusView
    from mcdesk.ui.sync_worker import SyncWorker

    sync = SyncWorker(
        database=paths.database,
        station_key_path=paths.station_key,
        settings_url=settings.server_url,
        parent=window,
    )
    indicator = SyncStatusView()
    window.add_status_widget(indicator)
    sync.status_changed.connect(indicator.show_snapshot)
    sync.progress.connect(indicator.show_progress)
    indicator.sync_requested.connect(sync.sync_now)
    window.closing.connect(sync.stop)
    window.sync = sync

    def on_page(_index: int) -> None:
        # A result page means a signed result was just stored: send it without waiting.
        if window.pages.currentWidget() is window.result_view:
            sync.sync_soon()

    window.pages.currentChanged.connect(on_page)
    QTimer.singleShot(0, sync.start)
    return sync


def launch(
    *,
    paths: Paths,
    pool: QThreadPool,
    finish: Callable[[int], None],
    out: TextIO | None,
    err: TextIO | None,
    self_test: bool = False,
    lockdown: bool = False,
) -> MainWindow:
    """Show the window in its "Preparing…" state and start start-up on ``pool``.

    With ``lockdown`` (an assessment station) the whole app runs inside a locked,
    full-screen shell; only a signed-in teacher can close it.
    """
    window = MainWindow(pool=pool, search=partial(tasks.search, paths.database))
    slot_writer = tasks.SlotWriter()  # the demo top-up and a teacher's refill take turns

    def start_studying(settings: Settings, roster: list[RosterEntry]) -> None:
        """Once the study core is imported (after the sign-in paint): the flows behind it."""
        from mcdesk.study.desk import StudyDesk
        from mcdesk.ui.study_flow import StudyFlow

        # One worker for the learner's reads and writes: a write and the read after it
        # (save a self-check, then show the page with its score) happen in that order.
        queue = worker_queue()
        window.own_pool(queue)
        study_desk = StudyDesk(paths.database)
        study = StudyFlow(
            window=window,
            desk=study_desk,
            pool=queue,
            station_name=settings.station_name,
            idle_minutes=settings.idle_sign_out_minutes,
            database=paths.database,
            server_url=settings.server_url,
            slot_writer=slot_writer,
        )
        window.study = study

        def make_exam_desk() -> ExamDesk:
            from mcdesk.keys import read_private_key

            return ExamDesk(paths.database, station_key=read_private_key(paths.station_key))

        from mcdesk.exam.desk import ExamDesk
        from mcdesk.ui.exam_flow import ExamFlow

        exam = ExamFlow(
            window=window,
            pool=queue,
            make_desk=make_exam_desk,
            learner=lambda: study.learner_id,
            on_done=study.show_home,
            on_left=study.sign_out,
            continue_as=study.continue_as,
        )
        window.exam = exam
        # Queued after the study flow's last time save (connected first), so nothing is cut off.
        window.closing.connect(exam.close)
        window.closing.connect(lambda: queue.start(study_desk.close))
        window.closing.connect(lambda: queue.waitForDone())  # the saves above, done
        study.begin(roster=roster)  # on screen already
        # On the same queue, so it lands after the sign-in screen: a crashed attempt first.
        exam.check_interrupted(then=lambda: None)
        sync = start_syncing(window, paths=paths, settings=settings)
        from mcdesk.ui.live_wiring import start_live

        start_live(window, paths=paths, sync=sync, study=study, exam=exam)

    startup = StationStartup(
        paths=paths,
        pool=pool,
        window=window,
        finish=finish,
        out=out,
        err=err,
        self_test=self_test,
        on_ready=start_studying,
        slot_writer=slot_writer,
    )
    window.closing.connect(startup.stop_sealing)
    window.show_preparing()
    if lockdown:
        lock_station(window, finish=finish)
    else:
        show_for_screen(window)
    # After the first paint has been queued, so the worker's imports do not delay it.
    QTimer.singleShot(0, startup.start)
    return window


def main(argv: list[str]) -> int:
    """Run the app until its window closes; returns the process exit code."""
    skip_source_scans()  # mcdesk.__main__ did already; any other caller gets it here
    options, qt_args = _options(argv)
    if options.kiosk:
        say(sys.stderr, "mcdesk --kiosk: not available yet")
        return EXIT_NOT_AVAILABLE
    paths = resolve_paths()
    if not options.self_test:
        say(sys.stdout, f"mcdesk keeps its data in {paths.data_dir}")
        say(sys.stdout, f"  settings: {paths.settings_file}")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(["mcdesk", *qt_args])
    app.setApplicationName("mcdesk")
    apply_theme(app)
    pool = QThreadPool()
    window = launch(
        paths=paths,
        pool=pool,
        finish=app.exit,
        out=sys.stdout,
        err=sys.stderr,
        self_test=options.self_test,
        lockdown=options.lockdown,
    )
    try:
        code = app.exec()
    finally:
        # A set-up import may still be running: let its transaction finish.
        pool.waitForDone()
        # Likewise a sync round (it stops at its next request once the window closed), and
        # the study queue's last task (a teacher's codes being sealed, the last time saved).
        window.close()
        window.wait_for_background()
        window.deleteLater()
    return int(code)
