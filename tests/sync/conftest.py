"""Sync fixtures: the server tests' real uvicorn server, and real SQLite station stores."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, col, func, select

from mcdesk.store.engine import make_engine
from mcdesk.store.migrate import upgrade
from mcdesk.store.outbox import add_event
from mcdesk.store.tables import OutboxEvent, SyncReceipt
from tests.conftest import NOW
from tests.server.conftest import (  # noqa: F401  (fixtures pytest finds by name)
    RunningServer,
    StationIdentity,
    database_url,
    enrol,
    postgres_port,
    server,
)
from tests.sync.examstation import exam_station  # noqa: F401  (a fixture pytest finds by name)


@dataclass(frozen=True, slots=True)
class StationStore:
    """A station's migrated SQLite store and its identity as the server registered it."""

    database: Path
    identity: StationIdentity

    def add_events(self, count: int) -> list[str]:
        """Queue ``count`` events through the real outbox; their ids in seq order."""
        engine = make_engine(self.database)
        try:
            with Session(engine) as session:
                ids = [
                    add_event(session, kind="skill_studied", body={"n": n}, now=NOW).id
                    for n in range(count)
                ]
                session.commit()
        finally:
            engine.dispose()
        return ids

    def outbox(self) -> list[OutboxEvent]:
        with self._session() as session:
            return list(session.exec(select(OutboxEvent).order_by(col(OutboxEvent.seq))))

    def receipts(self) -> list[SyncReceipt]:
        with self._session() as session:
            return list(session.exec(select(SyncReceipt)))

    def unsent(self) -> int:
        with self._session() as session:
            stored = select(SyncReceipt.event_id)
            query = select(func.count()).where(col(OutboxEvent.id).not_in(stored))
            return session.exec(query.select_from(OutboxEvent)).one()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        engine = make_engine(self.database)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()


@pytest.fixture
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated store per test, copied for each station (Alembic runs once)."""
    path = tmp_path_factory.mktemp("template") / "station.sqlite3"
    upgrade(path)
    return path


def make_station(
    running: RunningServer, template: Path, folder: Path, *, station_id: str
) -> StationStore:
    """A station with its own copy of the store, registered on the running server."""
    database = folder / f"{station_id}.sqlite3"
    database.write_bytes(template.read_bytes())
    return StationStore(database=database, identity=enrol(running.engine, station_id=station_id))


@pytest.fixture
def station_store(
    server: RunningServer,  # noqa: F811
    template_store: Path,
    tmp_path: Path,
) -> StationStore:
    return make_station(server, template_store, tmp_path, station_id="station-a")
