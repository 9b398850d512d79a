"""The background sync worker against a real server on loopback, through proxies we control."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from mcdesk.sync.backoff import Backoff
from mcdesk.sync.client import fetch_server_key
from mcdesk.sync.pinning import pin_enrolled_key
from mcdesk.sync.status import read_status
from mcdesk.ui.sync_worker import SyncWorker
from tests.conftest import NOW
from tests.server.conftest import RunningServer, server  # noqa: F401  (a fixture)
from tests.sync.conftest import StationStore, make_station, template_store  # noqa: F401
from tests.sync.proxy import DROP, PASS, FaultProxy, fault_proxy
from tests.sync.test_round import keyed_station

WAIT_MS = 10_000


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: the worker's schedule does not depend on the server's database."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def station(
    server: RunningServer,  # noqa: F811
    template_store: Path,  # noqa: F811
    tmp_path: Path,
) -> StationStore:
    store = make_station(server, template_store, tmp_path, station_id="station-a")
    keyed_station(store)
    return store


class Highest(random.Random):
    """Backoff always draws its ceiling: a retry the test can only beat by probing."""

    def uniform(self, a: float, b: float) -> float:
        return b


@contextmanager
def worker_for(station: StationStore, url: str | None, **options: object) -> Iterator[SyncWorker]:
    """A worker with short intervals, stopped and joined on the way out."""
    settings: dict[str, object] = {
        "interval_s": 60.0,
        "probe_interval_s": 60.0,
        "backoff": Backoff(base=0.05, cap=0.2),
        "watch_network": False,
        **options,
    }
    worker = SyncWorker(
        database=station.database,
        station_key_path=station.database.parent / f"{station.identity.id}.ed25519",
        settings_url=url,
        **settings,  # type: ignore[arg-type]
    )
    try:
        yield worker
    finally:
        worker.stop()
        assert worker.wait(WAIT_MS), "the sync thread did not end"
        # Deleted here, on the GUI thread: left to Python's cycle collector, a QObject
        # could be destroyed on whichever thread happens to collect (the app parents it
        # to the window, which Qt deletes on the GUI thread).
        shiboken6.delete(worker)


def synced(worker: SyncWorker) -> bool:
    status = worker.snapshot.status
    return (
        status is not None
        and not worker.snapshot.syncing
        and status.last_success_at is not None
        and not status.failing
    )


def failing(worker: SyncWorker) -> bool:
    status = worker.snapshot.status
    return status is not None and status.failing


class GatedProxy(FaultProxy):
    """Holds every request until ``gate`` opens; counts requests and the most in flight."""

    def __init__(self, target: tuple[str, int]) -> None:
        super().__init__(target, modes=[PASS], seed=0)
        self.gate = threading.Event()
        self.paths: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._count = threading.Lock()

    def _forward(self, request: bytes) -> bytes:
        with self._count:
            self.paths.append(request.split(b" ", 2)[1].decode())
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.gate.wait(WAIT_MS / 1000)
            return super()._forward(request)
        finally:
            with self._count:
                self.in_flight -= 1


@contextmanager
def gated_proxy(target_url: str) -> Iterator[GatedProxy]:
    host, port = target_url.removeprefix("http://").split(":")
    proxy = GatedProxy((host, int(port)))
    thread = threading.Thread(target=proxy.serve, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.gate.set()
        proxy.close()
        thread.join(timeout=10)


def test_the_worker_syncs_at_start_and_again_on_its_interval(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(2)
    with worker_for(station, server.base_url, interval_s=0.1) as worker:
        seen: list[str] = []
        worker.progress.connect(lambda stage, done, total, _detail: seen.append(stage))
        worker.start()
        qtbot.waitUntil(lambda: synced(worker) and station.unsent() == 0, timeout=WAIT_MS)
        assert worker.snapshot.headline(worker.snapshot.status.last_success_at).text == (  # type: ignore[union-attr]
            "Synced just now"
        )
        assert "push" in seen
        first = worker.rounds

        station.add_events(1)  # nobody presses anything: the interval sends it
        qtbot.waitUntil(lambda: station.unsent() == 0 and worker.rounds > first, timeout=WAIT_MS)


def test_the_waiting_count_stays_current_between_rounds(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    with worker_for(station, server.base_url, refresh_s=0.05) as worker:
        worker.start()
        qtbot.waitUntil(lambda: synced(worker), timeout=WAIT_MS)
        station.add_events(3)  # a learner at work; the next round is a minute away
        qtbot.waitUntil(
            lambda: (
                worker.snapshot.status is not None and worker.snapshot.status.events_waiting == 3
            ),
            timeout=WAIT_MS,
        )
        assert worker.rounds == 1


def test_the_worker_backs_off_and_succeeds_once_the_server_is_back(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(3)
    with (
        fault_proxy(server.base_url, modes=[DROP], seed=1) as proxy,
        worker_for(station, proxy.url) as worker,
    ):
        worker.start()
        qtbot.waitUntil(lambda: worker.rounds >= 3, timeout=WAIT_MS)  # retried, not given up
        assert failing(worker)
        assert worker.snapshot.status.last_error == "server unreachable"  # type: ignore[union-attr]
        assert station.unsent() == 3

        proxy.modes = [PASS]
        qtbot.waitUntil(lambda: synced(worker), timeout=WAIT_MS)
        assert station.unsent() == 0


def test_a_probe_retries_at_once_when_the_network_returns(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(1)
    with (
        fault_proxy(server.base_url, modes=[DROP], seed=1) as proxy,
        worker_for(
            station,
            proxy.url,
            backoff=Backoff(base=600, cap=600),
            rng=Highest(),
            probe_interval_s=0.05,
        ) as worker,
    ):
        worker.start()
        qtbot.waitUntil(lambda: failing(worker), timeout=WAIT_MS)
        retry_in = worker.snapshot.retry_in(worker.snapshot.status.last_attempt_at)  # type: ignore[union-attr,arg-type]
        assert retry_in is not None
        assert retry_in > 60  # the backoff alone would wait ten minutes
        assert (
            "retrying in" in worker.snapshot.headline(worker.snapshot.status.last_attempt_at).text
        )  # type: ignore[union-attr,arg-type]

        proxy.modes = [PASS]
        qtbot.waitUntil(lambda: synced(worker), timeout=WAIT_MS)
        assert worker.rounds == 2
        assert station.unsent() == 0


def test_a_refusing_server_is_not_probed_into_a_busy_loop(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(1)
    with worker_for(
        station,
        server.base_url,
        backoff=Backoff(base=600, cap=600),
        rng=Highest(),
        probe_interval_s=0.01,
    ) as worker:
        station.database.parent.joinpath("station-a.ed25519").unlink()  # refused at once
        worker.start()
        qtbot.waitUntil(lambda: failing(worker), timeout=WAIT_MS)
        # Not a network problem: the health check answering must not bring a retry.
        assert not worker._probe_timer.isActive()
        assert worker.rounds == 1


def test_rounds_never_overlap_and_a_request_during_one_runs_once_after(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(2)
    with (
        gated_proxy(server.base_url) as proxy,
        worker_for(station, proxy.url) as worker,
    ):
        worker.start()
        qtbot.waitUntil(lambda: proxy.in_flight == 1, timeout=WAIT_MS)
        for _ in range(3):
            worker.sync_now()
            worker.sync_soon()
        assert worker.running
        proxy.gate.set()
        qtbot.waitUntil(lambda: worker.rounds == 2 and not worker.running, timeout=WAIT_MS)

    assert proxy.most_in_flight == 1
    assert proxy.paths.count("/api/v1/server-key") == 2  # the round, and one more after it
    assert station.unsent() == 0


def test_a_station_without_a_server_stays_idle_until_it_is_enrolled(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(1)
    with worker_for(station, None) as worker:
        with qtbot.waitSignal(worker.status_changed, timeout=WAIT_MS):
            worker.start()
        assert worker.snapshot.status is not None
        assert worker.snapshot.headline(NOW).text == "Not connected to a school server"
        worker.sync_now()  # only looks again: still nothing to sync with
        qtbot.waitUntil(lambda: not worker._looking, timeout=WAIT_MS)
        assert (worker.server_url, worker.rounds, worker.running) == (None, 0, False)

        pin_enrolled_key(
            database=station.database,
            server_url=server.base_url,
            key=fetch_server_key(server.base_url),
        )
        worker.sync_now()
        qtbot.waitUntil(lambda: synced(worker), timeout=WAIT_MS)
        assert worker.server_url == server.base_url
        assert station.unsent() == 0


def test_stop_ends_the_thread_and_starts_nothing_after(
    qtbot: QtBot,
    station: StationStore,
    server: RunningServer,  # noqa: F811
) -> None:
    station.add_events(2)
    with gated_proxy(server.base_url) as proxy, worker_for(station, proxy.url) as worker:
        worker.start()
        qtbot.waitUntil(lambda: proxy.in_flight == 1, timeout=WAIT_MS)  # a round under way
        worker.stop()
        proxy.gate.set()
        assert worker.wait(WAIT_MS)
        worker.sync_now()
        worker.start()
        assert worker._pool.activeThreadCount() == 0
        assert worker.rounds == 0

    # The round stopped before its push: nothing sent, nothing marked failed.
    assert proxy.paths == ["/api/v1/server-key"]
    assert station.unsent() == 2
    assert read_status(station.database).last_error is None
