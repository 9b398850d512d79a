"""Start-up, off the GUI thread: open the store, set the station up, load the catalog.

The window is already on screen; each step runs on the pool and the next is started from
its success callback on the GUI thread. Messages go to the window, and to the terminal
for whoever started mcdesk from one (the streams may be None in a windowed build).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from PySide6.QtCore import QObject, QThreadPool

from mcdesk.ui import alerts
from mcdesk.ui.background import run_in_background
from mcdesk.ui.tasks import (
    CodeSealing,
    OpenedStation,
    PreparedCatalog,
    load_study_core,
    open_station,
    prepare_catalog,
)

if TYPE_CHECKING:
    from mcdesk.paths import Paths
    from mcdesk.settings import Settings
    from mcdesk.ui.kiosk_flow import KioskScreen
    from mcdesk.ui.main_window import MainWindow


def say(stream: TextIO | None, text: str) -> None:
    """Print a line to ``stream`` if there is one (a windowed build has none)."""
    if stream is not None:
        stream.write(text + "\n")
        stream.flush()


def refused_notice(refused: list[str]) -> str:
    """What to tell the user about bundled packs that were refused."""
    reasons = "\n".join(f"• {reason}" for reason in refused)
    return (
        f"Some micro-credentials that come with mcdesk could not be added ({len(refused)}):\n"
        f"{reasons}\nThe rest of the catalog works. Please tell your administrator."
    )


class StationStartup(QObject):
    """Drives start-up; ``finish(code)`` ends the app (self-test, or a fatal error)."""

    def __init__(
        self,
        *,
        paths: Paths,
        pool: QThreadPool,
        window: MainWindow | KioskScreen,
        finish: Callable[[int], None],
        out: TextIO | None,
        err: TextIO | None,
        self_test: bool = False,
        on_ready: Callable[[Settings], None] | None = None,
    ) -> None:
        super().__init__(window)
        self._on_ready_callback = on_ready
        self._paths = paths
        self._pool = pool
        self._window = window
        self._finish = finish
        self._out = out
        self._err = err
        self._self_test = self_test
        # Sign-in starts once the catalog is painted and the study core is imported.
        self._core_loaded = False
        self._ready: Settings | None = None
        self._sealing: CodeSealing | None = None  # a demo station's code slots, if due
        self._stopped = False

    def start(self) -> None:
        paths = self._paths
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: open_station(paths),
            on_success=self._on_opened,
            on_failure=self._on_failed,
        )
        if self._on_ready_callback is not None and not self._self_test:
            # Beside the store work, on the pool: never on the GUI thread (see load_study_core).
            run_in_background(
                parent=self,
                pool=self._pool,
                task=load_study_core,
                on_success=lambda _: self._study_core_loaded(),
                on_failure=self._on_failed,
            )

    def _study_core_loaded(self) -> None:
        self._core_loaded = True
        self._begin_studying()

    def _begin_studying(self) -> None:
        callback, settings = self._on_ready_callback, self._ready
        if callback is not None and settings is not None and self._core_loaded:
            self._on_ready_callback = None  # once
            callback(settings)

    def _on_opened(self, opened: OpenedStation) -> None:
        paths, settings, hints = self._paths, opened.settings, not self._self_test
        if opened.first_run:
            self._window.show_first_run()
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: prepare_catalog(paths, settings, with_login_hints=hints),
            on_success=lambda prepared: self._on_ready(settings, prepared),
            on_failure=self._on_failed,
        )
        message = opened.damaged_message
        if message is not None:
            say(self._err, f"warning: {message}")
            if not self._self_test:
                alerts.show_warning(self._window, "The local database was damaged", message)

    def _on_ready(self, settings: Settings, prepared: PreparedCatalog) -> None:
        entries = prepared.entries
        self._window.show_catalog(entries, station_name=settings.station_name)
        if prepared.refused:
            say(self._err, "warning: " + refused_notice(prepared.refused))
            if not self._self_test:
                self._window.show_notice(refused_notice(prepared.refused))
        if self._self_test:
            self._finish(self._self_test_verdict(prepared))
            return
        if prepared.login_hints:
            say(self._out, prepared.login_hints)
        if prepared.exam_keys_pending or prepared.codes_short:
            first_run = prepared.exam_keys_pending
            self._sealing = CodeSealing(self._paths, settings, first_run=first_run)
            if self._on_ready_callback is None:
                self.seal_codes()  # nothing to paint first
        self._ready = settings
        self._begin_studying()

    def seal_codes(self) -> None:
        """Seal a demo station's code slots a batch per task; call once sign-in is painted.

        scrypt for 40 slots is seconds of CPU and 64 MiB a run: it waits for the screen
        a person acts on, and comes in batches so closing the app waits for one at most.
        """
        sealing, self._sealing = self._sealing, None
        if sealing is not None and not self._stopped:  # a late first paint after closing
            self._seal_next(sealing)

    def stop_sealing(self) -> None:
        """No further batch after the one running (the app is closing)."""
        self._stopped = True

    def _seal_next(self, sealing: CodeSealing) -> None:
        def sealed(line: str | None) -> None:
            if line is not None:
                say(self._out, line)
                if not self._stopped:
                    self._seal_next(sealing)

        run_in_background(
            parent=self,
            pool=self._pool,
            task=sealing.next_batch,
            on_success=sealed,
            on_failure=lambda error: say(self._err, f"warning: exam codes not set up: {error}"),
        )

    def _self_test_verdict(self, prepared: PreparedCatalog) -> int:
        """0 when the catalog loaded whole; a refused bundled pack means a broken build."""
        if not prepared.entries:
            say(self._err, "self-test failed: the catalog is empty (no packs were imported)")
            return 1
        if prepared.refused:
            say(self._err, f"self-test failed: {len(prepared.refused)} bundled pack(s) refused")
            return 1
        say(self._out, f"self-test ok: {len(prepared.entries)} micro-credentials")
        return 0

    def _on_failed(self, error: Exception) -> None:
        from mcdesk.settings import SettingsError
        from mcdesk.store.health import NewerDatabaseError

        if isinstance(error, NewerDatabaseError | SettingsError):
            message = str(error)
        else:
            say(self._err, "".join(traceback.format_exception(error)).rstrip())
            message = f"Something unexpected went wrong while starting: {error!r}"
        if self._self_test:
            say(self._err, f"self-test failed: {message}")
            self._finish(1)
            return
        say(self._err, f"error: {message}")
        self._window.show_problem(message)
        alerts.show_critical(
            self._window, "mcdesk cannot start", message, on_closed=lambda: self._finish(1)
        )
