from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from mcdesk.content.catalog import list_catalog, search_catalog
from mcdesk.paths import Paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine
from mcdesk.store.migrate import (
    HEAD_REVISION,
    MIGRATIONS_DIR,
    REVISIONS,
    current_revision,
    include_object,
    upgrade,
)
from mcdesk.store.tables import SQLModel
from tests.conftest import NOW

FIXTURE_0001 = Path(__file__).parent.parent / "fixtures" / "store-0001.sqlite3"


def test_the_revision_list_matches_the_migration_scripts() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    script = ScriptDirectory.from_config(config)
    walked = [rev.revision for rev in script.walk_revisions()]
    assert tuple(reversed(walked)) == REVISIONS
    assert script.get_current_head() == HEAD_REVISION


def test_a_fresh_store_is_migrated_to_head_and_matches_the_tables(home: Paths) -> None:
    store = open_store(home, now=NOW)
    assert store.fresh
    with opened(home.database) as connection:
        assert current_revision(connection) == HEAD_REVISION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    engine = make_engine(home.database)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        assert compare_metadata(context, SQLModel.metadata) == []
    engine.dispose()


def test_a_store_from_the_first_release_upgrades_in_place(home: Paths) -> None:
    home.ensure()
    shutil.copyfile(FIXTURE_0001, home.database)
    store = open_store(home, now=NOW)
    assert store.revision_before == "0001"
    assert store.damaged is None
    with opened(home.database) as connection:
        assert current_revision(connection) == HEAD_REVISION
        assert connection.execute("SELECT name FROM station").fetchone()[0] == "Lab 4 PC 7"
        assert connection.execute("SELECT display_name FROM learner").fetchone()[0] == "Ada Learner"
        assert [entry.title for entry in list_catalog(connection)] == ["Legacy Pack"]
        # Migration 0002 indexed the pack that was already installed, lesson text included.
        hits = search_catalog(connection, "framing crews")
        assert [hit.pack_id for hit in hits] == ["sample-pack"]
        assert hits[0].skill_id in {"measuring", "estimating"}


def test_opening_an_up_to_date_store_changes_nothing(home: Paths) -> None:
    open_store(home, now=NOW)
    before = home.database.read_bytes()
    again = open_store(home, now=NOW)
    assert again.revision_before == HEAD_REVISION
    assert home.database.read_bytes() == before


def test_the_fixture_really_is_at_the_first_revision() -> None:
    with sqlite3.connect(FIXTURE_0001) as connection:
        assert current_revision(connection) == "0001"


def test_revision_0008_keeps_throttle_counts_and_the_waits_still_running(home: Paths) -> None:
    home.ensure()
    upgrade(home.database, revision="0007")
    soon = datetime.now(UTC) + timedelta(minutes=10)
    with opened(home.database) as connection:
        connection.executemany(
            "INSERT INTO signin_throttle (subject, failures, wait_until) VALUES (?, ?, ?)",
            [
                ("learner:a", 6, soon.replace(tzinfo=None).isoformat(sep=" ")),
                ("learner:b", 2, None),
                ("learner:c", 7, "2001-01-01 00:00:00"),  # a wait long over
            ],
        )
        connection.executemany(
            "INSERT INTO code_throttle (subject, failures, wait_until) VALUES (?, ?, ?)",
            [("station", 5, soon.isoformat()), ("damaged", 9, "not a time")],
        )
    upgrade(home.database)
    with opened(home.database) as connection:
        rows = {
            (table, row[0]): (row[1], row[2])
            for table in ("signin_throttle", "code_throttle")
            for row in connection.execute(f"SELECT subject, failures, wait_left FROM {table}")
        }
    assert {key: failures for key, (failures, _) in rows.items()} == {
        ("signin_throttle", "learner:a"): 6,
        ("signin_throttle", "learner:b"): 2,
        ("signin_throttle", "learner:c"): 7,
        ("code_throttle", "station"): 5,
        ("code_throttle", "damaged"): 9,
    }
    for key in (("signin_throttle", "learner:a"), ("code_throttle", "station")):
        assert 540 < rows[key][1] <= 600  # the ten minutes left, give or take a slow run
    for key in (("signin_throttle", "learner:c"), ("code_throttle", "damaged")):
        assert rows[key][1] == 0


def test_revision_0012_refills_the_search_index_by_section(home: Paths) -> None:
    home.ensure()
    shutil.copyfile(FIXTURE_0001, home.database)
    upgrade(home.database, revision="0011")
    with opened(home.database) as connection:
        connection.execute(
            "INSERT INTO catalog_search (pack_id, skill_id, title, keywords, body) "
            "VALUES ('sample-pack', 'measuring', 'Measuring', '', 'a stale zebra row')"
        )
        connection.commit()
        assert search_catalog(connection, "zebra")
    upgrade(home.database)
    with opened(home.database) as connection:
        assert current_revision(connection) == HEAD_REVISION
        assert search_catalog(connection, "zebra") == []
        assert [hit.pack_id for hit in search_catalog(connection, "framing crews")] == [
            "sample-pack"
        ]
