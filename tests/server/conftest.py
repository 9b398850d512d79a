"""Server fixtures: every test runs on SQLite and on a real PostgreSQL, over real HTTP."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine
from sqlmodel import Session

from mcdesk.keys import PublisherKey, public_key_b64
from mcdesk.paths import Paths
from mcdesk.server.admin import register_station
from mcdesk.server.app import create_app
from mcdesk.server.config import ServerSettings
from mcdesk.server.db import make_engine
from tests.server.postgres import create_database, running_cluster

if TYPE_CHECKING:
    from tests.server.badging import Lab


@pytest.fixture(scope="session")
def postgres_port() -> Iterator[int]:
    with running_cluster() as port:
        yield port


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind, fresh for every test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite3'}"
    port: int = request.getfixturevalue("postgres_port")
    return create_database(port, f"t_{uuid.uuid4().hex}")


@dataclass(frozen=True, slots=True)
class RunningServer:
    base_url: str
    engine: Engine  # a second engine on the same database, for looking behind the API

    def url(self, path: str) -> str:
        return self.base_url + path


@contextmanager
def serving(
    settings: ServerSettings, *, clock: Callable[[], datetime] | None = None
) -> Iterator[str]:
    """Run the app with uvicorn on a loopback socket in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound before the thread starts: no race for the port
    port = sock.getsockname()[1]
    app = create_app(settings) if clock is None else create_app(settings, clock=clock)
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture
def server(database_url: str) -> Iterator[RunningServer]:
    engine = make_engine(database_url)
    try:
        with serving(ServerSettings(database_url=database_url)) as base_url:
            yield RunningServer(base_url=base_url, engine=engine)
    finally:
        engine.dispose()


@dataclass(frozen=True, slots=True)
class StationIdentity:
    id: str
    key: Ed25519PrivateKey


def enrol(engine: Engine, *, station_id: str, school_id: str | None = None) -> StationIdentity:
    """Register a new station key directly (the enrolment flow comes later)."""
    key = Ed25519PrivateKey.generate()
    with Session(engine) as session:
        register_station(
            session,
            station_id=station_id,
            name=f"Lab {station_id}",
            public_key_b64=public_key_b64(key.public_key()),
            now=datetime.now(UTC),
            school_id=school_id,
        )
    return StationIdentity(id=station_id, key=key)


@pytest.fixture
def station(server: RunningServer) -> StationIdentity:
    return enrol(server.engine, station_id="station-a")


@pytest.fixture
def lab_for(
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., Lab]:
    """Lab 9 provisioned by file for a running server's school, the sample pack granted;
    ``valid_for_days`` gives the pack's badges an expiry first."""
    from tests.server.badging import provisioned_lab

    def provision(server: RunningServer, *, valid_for_days: int | None = None) -> Lab:
        if valid_for_days is not None:
            pack_toml = source / "pack.toml"
            badge_table = f"\n[badge]\nvalid_for_days = {valid_for_days}\n"
            pack_toml.write_text(pack_toml.read_text() + badge_table)
        return provisioned_lab(
            server, home=home, tmp_path=tmp_path, source=source, publisher_key=publisher_key,
            trusted=trusted, capsys=capsys,
        )  # fmt: skip

    return provision
