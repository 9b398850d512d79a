"""Start-up, off the GUI thread: open the store, set the station up, load the catalog.

The window is already on screen; each step runs on the pool and the next is started from
its success callback on the GUI thread. Messages go to the window, and to the terminal
for whoever started mcdesk from one (the streams may be None in a windowed build).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO, cast

from PySide6.QtCore import QEvent, QObject, QThreadPool, QTimer
from PySide6.QtWidgets import QWidget

from mcdesk.ui import alerts
from mcdesk.ui.background import run_in_background
from mcdesk.ui.tasks import (
    CodeSealing,
    OpenedStation,
    PreparedCatalog,
    SlotWriter,
    finish_setup,
    load_study_core,
    make_station_identity,
    open_station,
    prepare_catalog,
)

if TYPE_CHECKING:
    from mcdesk.paths import Paths
    from mcdesk.settings import Settings
    from mcdesk.startup import SetupNeeds
    from mcdesk.study.home import RosterEntry
    from mcdesk.ui.kiosk_screen import KioskScreen
    from mcdesk.ui.main_window import MainWindow

PAINT_AT_THE_LATEST_MS = 10_000


class _FirstPaint(QObject):
    """Calls ``then`` once, just after ``widget`` is first painted (or after a while anyway)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        # A window that is never painted (minimised, covered) still gets there.
        QTimer.singleShot(PAINT_AT_THE_LATEST_MS, self._call)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            QTimer.singleShot(0, self._call)  # after this paint has reached the screen
        return False

    def _call(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            then()


def after_first_paint(widget: QWidget, *, then: Callable[[], None]) -> None:
    """Run ``then`` on the GUI thread once ``widget`` has been painted."""
    _FirstPaint(widget, then)


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
    """Drives start-up; ``finish(code)`` ends the app (self-test, or a fatal error).

    The sign-in screen is painted from a raw sqlite3 roster read (on a first run, a
    store made from the schema snapshot and the demo class in raw sqlite3); only then
    does the pool import the study core (SQLAlchemy, SQLModel, pydantic, cryptography:
    most of a warm start's time and memory), finish a first run's set-up (station key,
    bundled packs) and, after both, seal a demo station's code slots. A sign-in typed
    before the study flow exists is held and handed to it once it does.
    """

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
        on_ready: Callable[[Settings, list[RosterEntry]], None] | None = None,
        slot_writer: SlotWriter | None = None,
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
        self._slot_writer = slot_writer or SlotWriter()
        self._ready: tuple[Settings, list[RosterEntry]] | None = None
        self._held: tuple[str, str, str] | None = None  # ("learner" | "teacher", who, secret)
        self._sealing: CodeSealing | None = None  # a demo station's code slots, if due
        self._later: SetupNeeds | None = None  # set-up left for after the sign-in paint
        self._settings: Settings | None = None
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

    def _on_opened(self, opened: OpenedStation) -> None:
        paths, settings, hints = self._paths, opened.settings, not self._self_test
        if opened.first_run:
            self._window.show_first_run()
        # Only the app's sign-in screen is painted before set-up is finished; the
        # self-test and the kiosk want the whole catalog first.
        defer = (
            not self._self_test
            and self._on_ready_callback is not None
            and hasattr(self._window, "signin_view")
        )
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: prepare_catalog(
                paths, settings, with_login_hints=hints, defer_setup=defer
            ),
            on_success=lambda prepared: self._on_ready(settings, prepared),
            on_failure=self._on_failed,
        )
        message = opened.damaged_message
        if message is not None:
            say(self._err, f"warning: {message}")
            if not self._self_test:
                alerts.show_warning(self._window, "The local database was damaged", message)

    def _on_ready(self, settings: Settings, prepared: PreparedCatalog) -> None:
        self._settings, self._later = settings, prepared.later
        if prepared.later is None:  # else "Preparing…" stays until the packs are in
            self._show_catalog(settings, prepared)
        if self._self_test:
            self._finish(self._self_test_verdict(prepared))
            return
        if prepared.login_hints:
            say(self._out, prepared.login_hints)
        if prepared.exam_keys_pending or prepared.codes_short:
            self._sealing = CodeSealing(
                self._paths,
                settings,
                first_run=prepared.exam_keys_pending,
                writer=self._slot_writer,
            )
        if self._on_ready_callback is None:
            self.seal_codes()  # no screen to wait for
            return
        window = self._window
        if not hasattr(window, "signin_view"):
            # The kiosk: no sign-in screen to paint first; it seals after its own paint.
            callback, self._on_ready_callback = self._on_ready_callback, None
            callback(settings, prepared.roster)
            return
        self._ready = (settings, prepared.roster)
        self._show_sign_in(prepared.roster, station_name=settings.station_name)
        after_first_paint(window.signin_view, then=self._after_sign_in_painted)

    def _show_catalog(self, settings: Settings, prepared: PreparedCatalog) -> None:
        self._window.show_catalog(prepared.entries, station_name=settings.station_name)
        if prepared.refused:
            say(self._err, "warning: " + refused_notice(prepared.refused))
            if not self._self_test:
                self._window.show_notice(refused_notice(prepared.refused))

    @property
    def _main(self) -> MainWindow:
        """The app's window (only the app, never the kiosk, shows sign-in)."""
        return cast("MainWindow", self._window)

    def _show_sign_in(self, roster: list[RosterEntry], *, station_name: str) -> None:
        view = self._main.signin_view
        view.learner_sign_in.connect(self._hold_learner)
        view.teacher_sign_in.connect(self._hold_teacher)
        view.show_roster(roster, station_name=station_name)
        view.reset()
        self._main.show_page(view)
        self._main.set_user(None)

    def _hold_learner(self, learner_id: str, pin: str) -> None:
        self._held = ("learner", learner_id, pin)
        self._main.signin_view.set_busy(True)

    def _hold_teacher(self, username: str, password: str) -> None:
        self._held = ("teacher", username, password)
        self._main.signin_view.set_busy(True)

    def _after_sign_in_painted(self) -> None:
        """The pool's turn: the study core's imports, then set-up left for later, then
        a demo station's code slots (one after the other: each alone is quicker, and a
        PIN typed at once waits for the first two only)."""
        if self._stopped:
            return  # the window closed before its sign-in screen was painted
        run_in_background(
            parent=self,
            pool=self._pool,
            task=load_study_core,
            on_success=lambda _: self._finish_setup(),
            on_failure=self._on_failed,
        )

    def _finish_setup(self) -> None:
        """A first run's station key first, so its code slots can be sealed while the
        bundled packs are imported (scrypt runs outside the GIL and before any write)."""
        later, settings, paths = self._later, self._settings, self._paths
        self._later = None
        if later is None or settings is None or self._stopped:
            self._set_up()
            return
        if later.station:
            run_in_background(
                parent=self,
                pool=self._pool,
                task=lambda: make_station_identity(paths, settings),
                on_success=lambda _: self._import_bundled(replace(later, station=False)),
                on_failure=self._on_failed,
            )
        else:
            self._import_bundled(later)

    def _import_bundled(self, later: SetupNeeds) -> None:
        settings, paths = self._settings, self._paths
        self.seal_codes()
        if not later.any or settings is None or self._stopped:
            self._set_up()
            return
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: finish_setup(paths, settings, later),
            on_success=lambda prepared: self._set_up(prepared),
            on_failure=self._on_failed,
        )

    def _set_up(self, prepared: PreparedCatalog | None = None) -> None:
        """Set-up finished: the filled catalog, the study flow, then the code slots."""
        if prepared is not None and self._settings is not None and not self._stopped:
            self._show_catalog(self._settings, prepared)
        self._begin_studying()
        self.seal_codes()

    def _begin_studying(self) -> None:
        callback, ready = self._on_ready_callback, self._ready
        if callback is None or ready is None or self._stopped:
            return  # done, not ready, or the window closed while the core was imported
        self._on_ready_callback = None  # once
        view = self._main.signin_view
        view.learner_sign_in.disconnect(self._hold_learner)
        view.teacher_sign_in.disconnect(self._hold_teacher)
        callback(*ready)  # the study flow answers the sign-in signals from now on
        held, self._held = self._held, None
        if held is not None:
            kind, who, secret = held
            view.set_busy(False)
            signal = view.learner_sign_in if kind == "learner" else view.teacher_sign_in
            signal.emit(who, secret)

    def seal_codes(self) -> None:
        """Seal a demo station's code slots a batch per task; call once sign-in is painted.

        scrypt for 40 slots is seconds of CPU and 64 MiB a run: it waits for the screen
        a person acts on, and comes in batches so closing the app waits for one at most.
        """
        sealing, self._sealing = self._sealing, None
        if sealing is not None and not self._stopped:  # a late first paint after closing
            self._seal_next(sealing)

    def stop_sealing(self) -> None:
        """No further batch after the one running, and no study flow (the app is closing)."""
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
