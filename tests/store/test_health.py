"""A damaged store is detected, moved aside with a timestamp (never deleted), and replaced."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from mcdesk.paths import Paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.store.health import NewerDatabaseError, diagnose
from mcdesk.store.migrate import HEAD_REVISION, current_revision
from tests.conftest import NOW


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\xffnot a database\x13" * 500)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _corrupted_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 8, len(data), 4096):
        data[offset : offset + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))


def _wrong_schema(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
        connection.execute("INSERT INTO recipes VALUES ('soup')")


def _missing_table(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE learner")


DAMAGE: list[tuple[Callable[[Path], None], str]] = [
    (_garbage, "not a SQLite database"),
    (_truncated, "SQLite"),
    (_corrupted_page, "SQLite"),
    (_wrong_schema, "no mcdesk schema version"),
    (_missing_table, "tables are missing for schema"),
]


def _store_with_data(home: Paths) -> None:
    open_store(home, now=NOW)
    with opened(home.database) as connection:
        connection.execute("INSERT INTO school VALUES ('s1', 'Precious School')")
    with opened(home.database) as connection:
        # Fold the WAL into the main file so damaging the file damages the data.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.mark.parametrize(("damage", "reason"), DAMAGE, ids=[d[0].__name__ for d in DAMAGE])
def test_a_damaged_store_is_moved_aside_and_a_fresh_one_starts(
    home: Paths, damage: Callable[[Path], None], reason: str
) -> None:
    _store_with_data(home)
    damage(home.database)
    damaged_bytes = home.database.read_bytes()

    store = open_store(home, now=NOW)

    assert store.damaged is not None
    assert reason in store.damaged.reason
    moved = store.damaged.moved_to
    assert moved.parent == home.damaged_dir
    assert moved.name == "mcdesk-20261122-093000.sqlite3"
    assert moved.read_bytes() == damaged_bytes  # kept exactly as it was
    assert str(moved) in store.damaged.message()
    with opened(home.database) as connection:
        assert current_revision(connection) == HEAD_REVISION
        # Issue 10 item 8: what can still be read is salvaged into the new store; here only
        # a dropped table leaves the school's own page readable.
        schools = connection.execute("SELECT count(*) FROM school").fetchone()[0]
        assert schools == (1 if damage is _missing_table else 0)


def test_two_damaged_stores_in_the_same_second_are_both_kept(home: Paths) -> None:
    for _ in range(2):
        _store_with_data(home)
        _garbage(home.database)
        open_store(home, now=NOW)
    assert len(list(home.damaged_dir.glob("mcdesk-*.sqlite3"))) == 2


def test_a_store_from_a_newer_release_is_left_alone(home: Paths) -> None:
    _store_with_data(home)
    with opened(home.database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    before = home.database.read_bytes()
    with pytest.raises(NewerDatabaseError, match="newer version of mcdesk"):
        open_store(home, now=NOW)
    assert home.database.read_bytes() == before
    assert not home.damaged_dir.exists()


def test_missing_and_empty_files_are_not_damage(home: Paths) -> None:
    home.ensure()
    assert diagnose(home.database) is None
    home.database.write_bytes(b"")
    assert diagnose(home.database) is None
    assert open_store(home, now=NOW).damaged is None
