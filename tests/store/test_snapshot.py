"""The frozen first-run schema (store/snapshot.py) equals what every migration builds."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from mcdesk.paths import Paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.store.migrate import HEAD_REVISION, current_revision, upgrade
from mcdesk.store.snapshot import SCHEMA, SNAPSHOT_REVISION, create_fresh_store
from tests.conftest import NOW


def _normalised(sql: str | None) -> str | None:
    """One statement's text with layout whitespace removed (SQLite keeps it verbatim)."""
    if sql is None:
        return None
    tight = re.sub(r"\s*([(),;])\s*", r"\1", sql.strip())
    return re.sub(r"\s+", " ", tight)


def _schema(database: Path) -> set[tuple[str, str, str, str | None]]:
    with opened(database, read_only=True) as connection:
        rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
        return {(row[0], row[1], row[2], _normalised(row[3])) for row in rows}


def _rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (the search index's config and the revision are rows too)."""
    with opened(database, read_only=True) as connection:
        tables = [
            str(row[0])
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'catalog_search'"
            )
        ]
        return {
            name: sorted(tuple(row) for row in connection.execute(f'SELECT * FROM "{name}"'))
            for name in tables
        }


def _migrated_ddl(database: Path) -> str:
    """The DDL a new revision leaves, to paste into SCHEMA when the test below fails."""
    with opened(database, read_only=True) as connection:
        rows = connection.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
        )
        return ";\n\n".join(str(row[0]) for row in rows)


def test_the_snapshot_equals_the_schema_every_migration_builds(tmp_path: Path) -> None:
    migrated, snapshot = tmp_path / "migrated.sqlite3", tmp_path / "snapshot.sqlite3"
    upgrade(migrated)
    create_fresh_store(snapshot)
    assert SNAPSHOT_REVISION == HEAD_REVISION, _migrated_ddl(migrated)
    assert _schema(snapshot) == _schema(migrated), _migrated_ddl(migrated)
    assert _rows(snapshot) == _rows(migrated)
    with opened(snapshot, read_only=True) as connection:
        assert current_revision(connection) == HEAD_REVISION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_comparison_sees_a_column_that_differs(tmp_path: Path) -> None:
    """The test above can fail: one column's type changed is a different schema."""
    migrated, changed = tmp_path / "migrated.sqlite3", tmp_path / "changed.sqlite3"
    upgrade(migrated)
    with sqlite3.connect(changed) as connection:
        connection.executescript(SCHEMA.replace("public_key VARCHAR", "public_key BLOB", 1))
    assert _schema(changed) != _schema(migrated)


def test_a_first_run_store_has_the_schema_the_migrations_build(home: Paths) -> None:
    store = open_store(home, now=NOW)
    assert store.fresh
    assert _schema(home.database) == _schema_after_upgrade(home.database.parent)


def _schema_after_upgrade(folder: Path) -> set[tuple[str, str, str, str | None]]:
    database = folder / "by-migrations.sqlite3"
    upgrade(database)
    return _schema(database)


def test_a_store_with_tables_is_never_overwritten(tmp_path: Path) -> None:
    database = tmp_path / "store.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE keep (x)")
        connection.execute("INSERT INTO keep VALUES (1)")
    with pytest.raises(ValueError, match="already has tables"):
        create_fresh_store(database)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT x FROM keep").fetchall() == [(1,)]


def test_a_failed_snapshot_leaves_an_empty_store_the_next_start_fills(home: Paths) -> None:
    home.ensure()
    broken = SCHEMA + "\nCREATE TABLE station (id);"  # the second station table fails
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mcdesk.store.snapshot.SCHEMA", broken)
        with pytest.raises(sqlite3.OperationalError):
            create_fresh_store(home.database)
    with opened(home.database, read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    open_store(home, now=NOW)
    with opened(home.database, read_only=True) as connection:
        assert current_revision(connection) == HEAD_REVISION
