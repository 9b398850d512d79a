from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.engine import ExamEngine
from mcdesk.paths import Paths, resolve_paths
from mcdesk.store.bootstrap import open_store
from tests.conftest import NOW
from tests.exam.bank import LEARNER, OTHER_LEARNER, PACK, VERSION

ROSTER = (
    "INSERT INTO school (id, name) VALUES ('s1', 'Test High')",
    "INSERT INTO teacher (id, school_id, username, display_name, password_hash) "
    "VALUES ('t1', 's1', 'teach', 'Ms Teacher', 'x')",
    "INSERT INTO school_class (id, school_id, teacher_id, name) VALUES ('c1', 's1', 't1', 'Lab')",
    f"INSERT INTO learner (id, class_id, display_name, pin_hash) "
    f"VALUES ('{LEARNER}', 'c1', 'Ada', 'x')",
    f"INSERT INTO learner (id, class_id, display_name, pin_hash) "
    f"VALUES ('{OTHER_LEARNER}', 'c1', 'Ben', 'x')",
)


class FakeMonotonic:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeWall:
    """A wall clock the test can set forwards or back, as a careless user might."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def shift(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store at the head revision with a tiny roster, migrated once for the session."""
    root = tmp_path_factory.mktemp("exam-template")
    paths = resolve_paths({"MCDESK_HOME": str(root)})
    open_store(paths, now=NOW)
    connection = sqlite3.connect(paths.database)
    with connection:
        for statement in ROSTER:
            connection.execute(statement)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return paths.database


def copy_store(template: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, database)


@pytest.fixture
def store(home: Paths, store_template: Path) -> Path:
    """This test's store (in MCDESK_HOME), a copy of the template."""
    home.ensure()
    copy_store(store_template, home.database)
    return home.database


@pytest.fixture(scope="session")
def station_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def mono() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def wall() -> FakeWall:
    return FakeWall()


EngineFactory = Callable[[], ExamEngine]


@pytest.fixture
def make_engine(
    store: Path, station_key: Ed25519PrivateKey, mono: FakeMonotonic, wall: FakeWall
) -> Iterator[EngineFactory]:
    """Engines on this test's store and fake clocks; closed at the end."""
    made: list[ExamEngine] = []

    def make() -> ExamEngine:
        engine = ExamEngine(database=store, station_key=station_key, monotonic=mono, wall=wall)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()  # closing twice is harmless


def begin(
    engine: ExamEngine,
    *,
    bank: list[dict[str, Any]],
    blueprint: dict[str, Any],
    learner_id: str = LEARNER,
    counter: int = 1,
) -> str:
    """Create an attempt, unlock it with a start code and start it; its id."""
    attempt_id = engine.create_attempt(
        learner_id=learner_id, pack_id=PACK, pack_version=VERSION, blueprint=blueprint, bank=bank
    )
    engine.unlock(attempt_id, action="start", counter=counter)
    engine.start()
    return attempt_id
