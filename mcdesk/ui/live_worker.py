"""The live channel in the background: reports on a thread of their own, commands to the GUI.

Threading rules: each exchange (one signed POST, commands checked against the pinned key)
runs on this worker's own one-thread pool: never on the GUI thread, never behind a sync
round (a round may download packs for minutes), never on the queue that saves answers.
The schedule lives on the GUI thread: an exchange every ``REPORT_EVERY_S`` while an
attempt is open (so a command arrives within about a second), every
``IDLE_REPORT_EVERY_S`` otherwise, and at once when what the screens show changes.
Commands come back as ``commands_arrived``; the exam flow applies them on the desk's queue
and hands each ``Ack`` to ``acknowledge``, which the next report carries.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from mcdesk.protocol.live import IDLE_REPORT_EVERY_S, REPORT_EVERY_S
from mcdesk.sync.live_report import Activity
from mcdesk.ui.background import run_in_background, worker_queue

if TYPE_CHECKING:
    from mcdesk.exam.remote import Ack
    from mcdesk.sync.live_link import Exchange, LiveLink


def _make_link(database: Path, station_key_path: Path, server_url: str) -> LiveLink | None:
    """The link, once the station has pinned its server's key (worker thread)."""
    from mcdesk.keys import read_private_key
    from mcdesk.store.connection import opened
    from mcdesk.sync.live_link import LiveLink
    from mcdesk.sync.pinning import pinned_server_key

    server_key = pinned_server_key(database)
    if server_key is None:
        return None
    with opened(database, read_only=True) as connection:
        row = connection.execute("SELECT id FROM station").fetchone()
    if row is None:
        return None
    return LiveLink(server_url, str(row[0]), read_private_key(station_key_path), server_key)


class LiveWorker(QObject):
    """Sends this station's live state to its server and brings proctor commands back."""

    commands_arrived = Signal(object)  # an Exchange

    def __init__(
        self,
        *,
        database: Path,
        station_key_path: Path,
        activity: Callable[[], Activity],
        parent: QObject | None = None,
        busy_every_s: float = REPORT_EVERY_S,
        idle_every_s: float = IDLE_REPORT_EVERY_S,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._key_path = station_key_path
        self._activity = activity
        self._busy_ms = round(busy_every_s * 1000)
        self._idle_ms = round(idle_every_s * 1000)
        self._pool = worker_queue()  # never a child of the window: see worker_queue
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._exchange)
        self._server_url: str | None = None
        self._link: LiveLink | None = None
        self._acks: list[Ack] = []
        self._sending = False
        self._again = False
        self._stopped = False
        self.exchanges = 0  # finished, for the curious (and the tests)
        self.last_error: str | None = None

    def start(self, server_url: str) -> None:
        """Start reporting to ``server_url`` (again after an enrolment to a new one)."""
        if self._stopped or server_url == self._server_url:
            return
        self._server_url, self._link = server_url, None
        self.poke()

    def poke(self) -> None:
        """What the screens show changed: report it now (after the exchange under way)."""
        if self._stopped or self._server_url is None:
            return
        if self._sending:
            self._again = True
        else:
            self._timer.start(0)

    def acknowledge(self, ack: Ack) -> None:
        """A command was applied or refused: the next report says so, sent at once."""
        self._acks.append(ack)
        self.poke()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._pool.clear()

    @property
    def pool(self) -> QThreadPool:
        """The worker's own thread (drained by the window before it is deleted)."""
        return self._pool

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def _exchange(self) -> None:
        if self._stopped or self._server_url is None or self._sending:
            return
        self._sending, self._again = True, False
        activity, acks, self._acks = self._activity(), self._acks, []
        url, database, key_path = self._server_url, self._database, self._key_path
        link = self._link

        def task() -> tuple[LiveLink | None, Exchange | None]:
            from mcdesk.sync.live_report import live_report

            current = link or _make_link(database, key_path, url)
            if current is None:
                return None, None
            report = live_report(database, activity, acks=[a.document() for a in acks])
            return current, current.exchange(report)

        def failed(error: Exception) -> None:
            self._acks = acks + self._acks  # said again next time
            self._done(None, str(getattr(error, "reason", error)), busy=activity.attempt_id)

        run_in_background(
            parent=self,
            pool=self._pool,
            task=task,
            on_success=lambda result: self._finished(result, busy=activity.attempt_id),
            on_failure=failed,
        )

    def _finished(self, result: tuple[Any, Any], *, busy: str | None) -> None:
        link, exchange = result
        self._link = link
        self._done(exchange, None, busy=busy)

    def _done(self, exchange: Exchange | None, error: str | None, *, busy: str | None) -> None:
        self._sending = False
        self.exchanges += 1
        self.last_error = error
        if self._stopped:
            return
        if exchange is not None and (exchange.commands or exchange.refused):
            self.commands_arrived.emit(exchange)
        if self._again:
            self._timer.start(0)
        else:
            self._timer.start(self._busy_ms if busy else self._idle_ms)
