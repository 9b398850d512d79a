"""One sync round against a real server: the key pinned, events pushed, the outcome recorded."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, select

from mcdesk.keys import public_key_b64, write_private_key
from mcdesk.store.engine import make_engine
from mcdesk.store.tables import Station, SyncState
from mcdesk.sync.client import SyncError
from mcdesk.sync.pinning import SERVER_PUBLIC_KEY, pin_enrolled_key
from mcdesk.sync.round import (
    STEPS,
    CancellableSession,
    Progress,
    RoundCancelled,
    RoundContext,
    RoundReport,
    Step,
    run_round,
    server_url_to_use,
)
from mcdesk.sync.status import (
    LAST_ERROR_KEY,
    LAST_STAGE_KEY,
    LAST_SUCCESS_KEY,
    describe,
    read_status,
)
from tests.conftest import NOW
from tests.server.conftest import RunningServer
from tests.sync.conftest import StationStore


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """SQLite only: what a round does does not depend on the server's database."""
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


def keyed_station(store: StationStore) -> Path:
    """Give the store its station row and key file, as a first run would; the key's path."""
    key_path = store.database.parent / f"{store.identity.id}.ed25519"
    write_private_key(key_path, store.identity.key)
    engine = make_engine(store.database)
    try:
        with Session(engine) as session:
            session.add(
                Station(
                    id=store.identity.id,
                    name="Lab 1",
                    public_key=public_key_b64(store.identity.key.public_key()),
                    created_at=NOW,
                )
            )
            session.commit()
    finally:
        engine.dispose()
    return key_path


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def state(database: Path) -> dict[str, str]:
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            return {row.key: row.value for row in session.exec(select(SyncState))}
    finally:
        engine.dispose()


def test_a_round_pins_the_key_pushes_and_records_its_success(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)
    station_store.add_events(3)
    seen: list[Progress] = []

    report = run_round(
        database=station_store.database,
        station_key_path=key_path,
        server_url=server.base_url,
        progress=seen.append,
    )

    assert (report.push.accepted, report.push.remaining) == (3, 0)
    assert station_store.unsent() == 0
    assert seen == [
        Progress("push", 0, 3, "sending 3 records"),
        Progress("push", 3, 3, "3 of 3 records sent"),
    ]
    facts = state(station_store.database)
    assert facts["server_url"] == server.base_url
    assert SERVER_PUBLIC_KEY in facts
    assert facts["last_attempt_at"] <= facts[LAST_SUCCESS_KEY]
    assert LAST_ERROR_KEY not in facts
    status = read_status(station_store.database)
    assert status.enrolled_url == server.base_url
    assert (status.events_waiting, status.failing) == (0, False)
    assert status.last_success_at is not None
    now = status.last_success_at + timedelta(minutes=3)
    assert describe(status, now) == "Synced 3 min ago · nothing waiting"


def test_a_down_server_records_the_reason_and_the_next_success_clears_it(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)
    station_store.add_events(2)
    down = closed_port_url()  # as if the settings file named it

    with pytest.raises(SyncError, match="server unreachable"):
        run_round(database=station_store.database, station_key_path=key_path, server_url=down)

    status = read_status(station_store.database, settings_url=down)
    assert (status.enrolled_url, status.server_url) == (None, down)
    assert status.failing
    assert status.last_error == "server unreachable"
    assert status.last_success_at is None
    assert status.events_waiting == 2
    assert status.last_attempt_at is not None
    assert describe(status, status.last_attempt_at + timedelta(minutes=2)) == (
        "2 records waiting to send · last tried 2 min ago: the server could not be reached"
        " · never synced"
    )

    run_round(
        database=station_store.database, station_key_path=key_path, server_url=server.base_url
    )
    status = read_status(station_store.database)
    assert (status.failing, status.last_error, status.events_waiting) == (False, None, 0)


def test_a_server_with_another_key_is_refused_and_nothing_is_sent(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)
    station_store.add_events(2)
    impostor = Ed25519PrivateKey.generate().public_key()
    pin_enrolled_key(database=station_store.database, server_url=server.base_url, key=impostor)

    with pytest.raises(SyncError, match="presents a different key"):
        run_round(
            database=station_store.database, station_key_path=key_path, server_url=server.base_url
        )

    assert station_store.unsent() == 2
    status = read_status(station_store.database)
    assert status.last_error is not None
    assert "presents a different key" in status.last_error
    assert state(station_store.database)[SERVER_PUBLIC_KEY] == public_key_b64(impostor)


def test_later_steps_run_after_the_push_and_a_failing_step_keeps_what_went_before(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)
    station_store.add_events(2)
    order: list[str] = []

    def pull(context: RoundContext) -> str:
        order.append(f"pull {context.station_id}")
        context.progress(Progress("pull", 1, 1))
        raise SyncError("the roster could not be read")

    with pytest.raises(SyncError, match="roster"):
        run_round(
            database=station_store.database,
            station_key_path=key_path,
            server_url=server.base_url,
            steps=(*STEPS, Step("pull", pull)),
        )

    assert order == ["pull station-a"]
    assert station_store.unsent() == 0  # the push before it kept its receipts
    assert read_status(station_store.database).last_error == "the roster could not be read"


def test_a_round_records_each_stage_it_finishes_and_where_a_failure_stopped_it(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)

    def round_with(steps: tuple[Step, ...] = STEPS, url: str = server.base_url) -> RoundReport:
        return run_round(
            database=station_store.database, station_key_path=key_path, server_url=url, steps=steps
        )

    report = round_with()
    assert report.finished == ["pin", "push", "pull", "content"]
    assert state(station_store.database)[LAST_STAGE_KEY] == "content"

    def pull(context: RoundContext) -> str:
        raise SyncError("the roster could not be read")

    with pytest.raises(SyncError, match="roster"):
        round_with((STEPS[0], Step("pull", pull), STEPS[2]))
    assert state(station_store.database)[LAST_STAGE_KEY] == "push"

    with pytest.raises(SyncError, match="server unreachable"):
        round_with(url=closed_port_url())
    assert LAST_STAGE_KEY not in state(station_store.database)  # not even the key was pinned


def test_a_cancelled_session_stops_the_round_without_recording_a_failure(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)
    station_store.add_events(1)
    http = CancellableSession()
    http.cancel()

    with pytest.raises(RoundCancelled):
        run_round(
            database=station_store.database,
            station_key_path=key_path,
            server_url=server.base_url,
            session=http,
        )

    status = read_status(station_store.database)
    assert (status.last_error, status.events_waiting) == (None, 1)


def test_a_station_without_its_key_file_is_told_plainly(
    station_store: StationStore, server: RunningServer
) -> None:
    key_path = keyed_station(station_store)
    key_path.unlink()

    with pytest.raises(SyncError, match="the station key cannot be used"):
        run_round(
            database=station_store.database, station_key_path=key_path, server_url=server.base_url
        )


def test_the_settings_url_comes_before_the_enrolled_one(tmp_path: Path) -> None:
    from mcdesk.store.migrate import upgrade

    database = tmp_path / "station.sqlite3"
    upgrade(database)
    assert server_url_to_use(database, settings_url=None) is None
    key = Ed25519PrivateKey.generate().public_key()
    pin_enrolled_key(database=database, server_url="https://enrolled.example", key=key)
    assert server_url_to_use(database, settings_url=None) == "https://enrolled.example"
    assert server_url_to_use(database, settings_url="https://x.example") == "https://x.example"
