"""Sync in the background: rounds on a schedule, on a thread of their own, never two at once.

Threading rules: rounds, probes and status reads run on this worker's own one-thread pool,
never on the GUI thread and never on the app's queue that saves a learner's answers (the
store is in WAL mode, so both work at once; a writer waits on ``busy_timeout``). The
schedule lives on the GUI thread. After ``stop()`` nothing new starts, and a round under
way stops before its next request; each of its transactions is whole, so nothing is
lost. ``wait()`` then joins the thread: call it once the window is gone.

Schedule: a round at start, then every ``interval_s`` while rounds succeed; after a
failure, exponential backoff with full jitter (``mcdesk.sync.backoff``). While the server
cannot be reached, a cheap probe (GET /api/v1/health) every ``probe_interval_s`` and
the OS's reachability signal (QNetworkInformation, when a backend loads) start a round
as soon as the network is back. A station with no server never touches the network.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from mcdesk.sync.backoff import Backoff
from mcdesk.sync.status import (
    Headline,
    SyncStatus,
    describe,
    headline,
    network_problem,
    read_status_or_none,
)
from mcdesk.ui.background import run_in_background, worker_queue

if TYPE_CHECKING:
    from mcdesk.sync.round import Progress

INTERVAL_S = 60.0  # between successful rounds
PROBE_INTERVAL_S = 10.0  # while the server cannot be reached
PROBE_TIMEOUT_S = 2.0
REFRESH_S = 15.0  # status re-read between rounds (one cheap query, no network)
HEALTH_PATH = "/api/v1/health"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SyncSnapshot:
    """What the indicator shows: the stored facts, and what the worker is doing about them."""

    status: SyncStatus | None
    syncing: bool = False
    retry_at: datetime | None = None

    def retry_in(self, now: datetime) -> float | None:
        if self.retry_at is None:
            return None
        return max(0.0, (self.retry_at - now).total_seconds())

    def headline(self, now: datetime) -> Headline:
        return headline(self.status, now, syncing=self.syncing, retry_in=self.retry_in(now))

    def describe(self, now: datetime) -> str:
        if self.status is None:
            return "Reading this station's sync status…"
        return describe(self.status, now, retry_in=self.retry_in(now))


@dataclass(frozen=True, slots=True)
class _Outcome:
    """A finished round as the GUI thread hears of it."""

    status: SyncStatus | None
    error: str | None = None  # None: the round succeeded
    cancelled: bool = False


class _ProgressRelay(QObject):
    """Carries progress from the worker thread; a child of the pool, which outlives its jobs."""

    moved = Signal(str, int, int, str)


def _round_task(
    *,
    database: Path,
    station_key_path: Path,
    server_url: str,
    settings_url: str | None,
    cancelled: threading.Event,
    relay: _ProgressRelay,
    timeout: float,
) -> _Outcome:
    """One round, then a fresh status read: runs on the worker thread."""
    # Imported here: requests and SQLModel load on the worker thread, and only on a
    # station that has a server to sync with.
    from mcdesk.sync.client import SyncError
    from mcdesk.sync.round import CancellableSession, RoundCancelled, run_round

    def report(progress: Progress) -> None:
        relay.moved.emit(progress.stage, progress.done, progress.total, progress.detail)

    error: str | None = None
    session = CancellableSession(cancelled)
    try:
        run_round(
            database=database,
            station_key_path=station_key_path,
            server_url=server_url,
            progress=report,
            session=session,
            timeout=timeout,
        )
    except RoundCancelled:
        return _Outcome(status=None, cancelled=True)
    except SyncError as exc:
        error = exc.reason
    finally:
        session.close()
    return _Outcome(status=read_status_or_none(database, settings_url=settings_url), error=error)


def _probe_task(url: str, timeout: float) -> bool:
    """Whether the server answers its health check: runs on the worker thread."""
    import requests

    try:
        with requests.Session() as http:
            return http.get(url + HEALTH_PATH, timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


class SyncWorker(QObject):
    """Runs sync rounds in the background and says how sync stands.

    ``status_changed`` carries a ``SyncSnapshot``; ``progress`` carries (stage, done,
    total, detail) from a running round; ``round_finished`` carries the error reason,
    or None after a success.
    """

    status_changed = Signal(object)
    progress = Signal(str, int, int, str)
    round_finished = Signal(object)

    def __init__(
        self,
        *,
        database: Path,
        station_key_path: Path,
        settings_url: str | None,
        parent: QObject | None = None,
        interval_s: float = INTERVAL_S,
        probe_interval_s: float = PROBE_INTERVAL_S,
        probe_timeout_s: float = PROBE_TIMEOUT_S,
        request_timeout_s: float = 10.0,
        refresh_s: float = REFRESH_S,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = _utc_now,
        watch_network: bool = True,
    ) -> None:
        super().__init__(parent)
        self._database = database
        self._station_key_path = station_key_path
        self._settings_url = settings_url
        self._interval_ms = round(interval_s * 1000)
        self._probe_timeout = probe_timeout_s
        self._request_timeout = request_timeout_s
        self._backoff = backoff or Backoff()
        self._rng = rng or random.Random()
        self._now = now
        self._watch_network = watch_network
        # One thread of its own: a round never waits behind, or holds up, an answer save.
        self._pool = worker_queue()
        self._relay = _ProgressRelay(self._pool)
        self._relay.moved.connect(self.progress)
        self._next = QTimer(self)  # the next round
        self._next.setSingleShot(True)
        self._next.timeout.connect(self._start_round)
        # Learners add to the outbox all the time: keep "12 waiting" true between rounds.
        self._refresh = QTimer(self)
        self._refresh.setInterval(round(refresh_s * 1000))
        self._refresh.timeout.connect(self._look)
        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(round(probe_interval_s * 1000))
        self._probe_timer.timeout.connect(self._probe)
        self._server_url: str | None = None
        self._cancel = threading.Event()  # set by stop(): the round's session refuses to go on
        self._running = False  # a round is on the pool
        self._probing = False
        self._looking = False
        self._again = False  # asked for while a round ran: one more when it ends
        self._started = False
        self._stopped = False
        self._network_watched = False
        self._unrecorded: str | None = None  # a failure the store could not be told of
        self.snapshot = SyncSnapshot(status=None)
        self.rounds = 0  # rounds finished, for the curious (and the tests)

    # Public ------------------------------------------------------------------------------

    @property
    def server_url(self) -> str | None:
        return self._server_url

    @property
    def running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Read the status, then sync at once if this station has a server."""
        if self._started or self._stopped:
            return
        self._started = True
        self._look()
        self._refresh.start()

    def sync_now(self) -> None:
        """A round as soon as possible (one more after the current one, if one is running)."""
        if self._stopped or not self._started:
            return
        if self._server_url is None:
            self._look()  # enrolled since the last look?
        elif self._running:
            self._again = True
        else:
            self._start_round()

    def sync_soon(self) -> None:
        """Something worth sending was just stored (an assessment result)."""
        self.sync_now()

    def stop(self) -> None:
        """No new round or probe from now on; a round under way stops at its next request."""
        self._stopped = True
        self._next.stop()
        self._probe_timer.stop()
        self._refresh.stop()
        self._pool.clear()  # queued, not started
        self._cancel.set()

    def wait(self, msecs: int = -1) -> bool:
        """Join the worker thread (after ``stop``); False if it is still busy at the deadline."""
        return self._pool.waitForDone(msecs)

    # Looking without syncing -------------------------------------------------------------

    def _look(self) -> None:
        if self._looking or self._running:
            return
        self._looking = True
        database, settings_url = self._database, self._settings_url
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: read_status_or_none(database, settings_url=settings_url),
            on_success=self._on_look,
            on_failure=lambda error: self._on_look(None),
        )

    def _on_look(self, status: SyncStatus | None) -> None:
        self._looking = False
        if self._stopped:
            return
        url = None if status is None else status.server_url
        if url is None:
            self._show(SyncSnapshot(status=status))  # no server: stay off the network
            return
        if status is not None and status.last_error is None and self._unrecorded:
            status = replace(status, last_error=self._unrecorded)
        first = self._server_url is None
        self._server_url = url
        if first:  # at start, or just enrolled
            self._watch_reachability()
            self._show(replace(self.snapshot, status=status))
            self._start_round()
        elif not self._running:
            self._show(replace(self.snapshot, status=status))

    # Rounds ------------------------------------------------------------------------------

    def _start_round(self) -> None:
        if self._stopped or self._server_url is None:
            return
        if self._running:
            self._again = True
            return
        self._next.stop()
        self._probe_timer.stop()
        self._running = True
        self._again = False
        self._show(SyncSnapshot(status=self.snapshot.status, syncing=True))
        database, key_path, url = self._database, self._station_key_path, self._server_url
        settings_url, relay, timeout = self._settings_url, self._relay, self._request_timeout
        cancelled = self._cancel
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: _round_task(
                database=database,
                station_key_path=key_path,
                server_url=url,
                settings_url=settings_url,
                cancelled=cancelled,
                relay=relay,
                timeout=timeout,
            ),
            on_success=self._on_round,
            # Not a SyncError: a bug, or a build without requests. Say it; try again later.
            on_failure=lambda error: self._on_round(
                _Outcome(status=self.snapshot.status, error=f"sync failed unexpectedly: {error}")
            ),
        )

    def _on_round(self, outcome: _Outcome) -> None:
        self._running = False
        if self._stopped or outcome.cancelled:
            return
        self.rounds += 1
        status = outcome.status or self.snapshot.status
        self._unrecorded = None
        if outcome.error is None:
            self._backoff.succeeded()
            self._next.start(self._interval_ms)
            self._show(SyncSnapshot(status=status))
        else:
            if status is not None and status.last_error is None:
                # Failed before the round could record it (no store, no requests).
                self._unrecorded = outcome.error
                status = replace(status, last_error=outcome.error, last_attempt_at=self._now())
            delay = self._backoff.failed(self._rng)
            self._next.start(round(delay * 1000))
            if network_problem(outcome.error):
                self._probe_timer.start()
            retry_at = self._now() + timedelta(seconds=delay)
            self._show(SyncSnapshot(status=status, retry_at=retry_at))
        self.round_finished.emit(outcome.error)
        if self._again:
            self._start_round()

    # Coming back online ------------------------------------------------------------------

    def _probe(self) -> None:
        if self._stopped or self._running or self._probing or self._server_url is None:
            return
        self._probing = True
        url, timeout = self._server_url.rstrip("/"), self._probe_timeout
        run_in_background(
            parent=self,
            pool=self._pool,
            task=lambda: _probe_task(url, timeout),
            on_success=self._on_probe,
            on_failure=lambda error: self._on_probe(False),
        )

    def _on_probe(self, reachable: bool) -> None:
        self._probing = False
        if reachable and not self._stopped and self._probe_timer.isActive():
            self._start_round()

    def _watch_reachability(self) -> None:
        """Hear from the OS when the network comes back; fine if no backend loads."""
        if self._network_watched or not self._watch_network:
            return
        self._network_watched = True
        from PySide6.QtNetwork import QNetworkInformation

        if not QNetworkInformation.loadBackendByFeatures(QNetworkInformation.Feature.Reachability):
            return
        info = QNetworkInformation.instance()
        if info is not None:
            info.reachabilityChanged.connect(self._on_reachability)

    def _on_reachability(self, reachability: object) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        back = reachability not in (
            QNetworkInformation.Reachability.Disconnected,
            QNetworkInformation.Reachability.Unknown,
        )
        # Only when waiting out a network failure: a working schedule needs no nudge.
        if back and self._probe_timer.isActive() and not self._stopped:
            self._start_round()

    def _show(self, snapshot: SyncSnapshot) -> None:
        self.snapshot = snapshot
        self.status_changed.emit(snapshot)
