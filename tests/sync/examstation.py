"""A station store with a roster and a real exam engine, registered on a running server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.results import ExamResult
from mcdesk.keys import public_key_b64
from mcdesk.paths import resolve_paths
from mcdesk.store.bootstrap import open_store
from mcdesk.sync.client import PushReport, fetch_server_key, push_once
from tests.conftest import NOW
from tests.exam.bank import (
    BLUEPRINT,
    LEARNER,
    OTHER_LEARNER,
    PACK,
    VERSION,
    make_bank,
    right,
    wrong,
)
from tests.exam.conftest import ROSTER, FakeMonotonic, FakeWall
from tests.server.admitted import admit
from tests.server.conftest import RunningServer, StationIdentity, enrol

BANK = make_bank(per_skill=3)


@dataclass
class ExamStation:
    """A station store with a roster, its registered identity, and a running exam engine."""

    database: Path
    identity: StationIdentity
    server: RunningServer
    engine: ExamEngine | None = None

    def open(self) -> ExamEngine:
        self.close()
        self.engine = ExamEngine(
            database=self.database,
            station_key=self.identity.key,
            monotonic=FakeMonotonic(),
            wall=FakeWall(),
        )
        return self.engine

    def close(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    def take(self, *, correct: int, delete_seq_before_submit: int | None = None) -> ExamResult:
        """One attempt with ``correct`` right answers, submitted; optionally delete a log row."""
        engine = self.open()
        attempt_id = engine.create_attempt(
            learner_id=LEARNER, pack_id=PACK, pack_version=VERSION, blueprint=BLUEPRINT, bank=BANK
        )
        engine.unlock(attempt_id, action="start", counter=1)
        engine.start()
        by_id = {item["id"]: item for item in BANK}
        for number, item_id in enumerate(shown["id"] for shown in engine.form["items"]):
            item = by_id[item_id]
            engine.answer(
                item_id=item_id, response=right(item) if number < correct else wrong(item)
            )
        if delete_seq_before_submit is not None:
            with sqlite3.connect(self.database) as raw:
                raw.execute("DELETE FROM exam_event WHERE seq = ?", (delete_seq_before_submit,))
        result = engine.submit()
        self.close()
        return result

    def push(self) -> PushReport:
        return push_once(
            database=self.database,
            station_key=self.identity.key,
            station_id=self.identity.id,
            server_url=self.server.base_url,
            server_public_key=fetch_server_key(self.server.base_url),
        )


@pytest.fixture
def exam_station(server: RunningServer, tmp_path: Path) -> Iterator[ExamStation]:
    paths = resolve_paths({"MCDESK_HOME": str(tmp_path / "home")})
    open_store(paths, now=NOW)
    with sqlite3.connect(paths.database) as raw:
        for statement in ROSTER:
            raw.execute(statement)
    identity = enrol(server.engine, station_id="lab-1")
    # The server counts results only for its own learners with a grant.
    admit(server.engine, station_id=identity.id, learner_ids=[LEARNER, OTHER_LEARNER], pack_id=PACK)
    with sqlite3.connect(paths.database) as raw:  # this station's row, as first run makes it
        raw.execute(
            "INSERT INTO station (id, name, public_key, created_at) VALUES (?, ?, ?, ?)",
            (identity.id, "Lab 1", public_key_b64(identity.key.public_key()), NOW.isoformat()),
        )
    station = ExamStation(paths.database, identity, server)
    yield station
    station.close()
