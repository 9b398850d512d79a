"""Schema revisions: read the current one cheaply, upgrade through Alembic when behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Kept in step with migrations/versions by tests/store/test_migrations.py, so start-up
# can tell "up to date" with one query instead of importing Alembic (~0.5 s).
REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
)
HEAD_REVISION = REVISIONS[-1]

# Tables each revision must have; a database claiming a revision without them is damaged.
EXPECTED_TABLES: dict[str, frozenset[str]] = {
    "0001": frozenset(
        {"station", "school", "teacher", "school_class", "learner", "blob", "pack", "pack_file"}
    ),
}
EXPECTED_TABLES["0002"] = EXPECTED_TABLES["0001"] | {"catalog_search"}
EXPECTED_TABLES["0003"] = EXPECTED_TABLES["0002"] | {
    "access_grant",
    "signin_throttle",
    "skill_progress",
    "selfcheck_run",
    "learner_prefs",
    "outbox",
}
EXPECTED_TABLES["0004"] = EXPECTED_TABLES["0003"]
# The assessment tables are plain SQL, read and written by mcdesk.exam with raw sqlite3.
EXAM_TABLES = frozenset(
    {
        "exam_key_slot",
        "wrapped_pack_key",
        "issuer",
        "code_entry",
        "code_throttle",
        "accommodation",
        "attempt",
        "attempt_answer",
        "exam_event",
        "exam_result",
    }
)
EXPECTED_TABLES["0005"] = EXPECTED_TABLES["0004"] | EXAM_TABLES
EXPECTED_TABLES["0006"] = EXPECTED_TABLES["0005"] | {"receipt", "sync_state"}
EXPECTED_TABLES["0007"] = EXPECTED_TABLES["0006"] | {"remote_pack"}
EXPECTED_TABLES["0008"] = EXPECTED_TABLES["0007"]
# The wallet is plain SQL too, read with raw sqlite3 before any ORM is imported.
WALLET_TABLES = frozenset({"badge"})
EXPECTED_TABLES["0009"] = EXPECTED_TABLES["0008"] | WALLET_TABLES
# Announcements are plain SQL as well (mcdesk.study.announcements reads them for home).
NOTICE_TABLES = frozenset({"announcement"})
EXPECTED_TABLES["0010"] = EXPECTED_TABLES["0009"] | NOTICE_TABLES
# A teacher's allowances (extra attempt, review waived): plain SQL read by mcdesk.exam.retake.
ALLOWANCE_TABLES = frozenset({"allowance"})
EXPECTED_TABLES["0011"] = EXPECTED_TABLES["0010"] | ALLOWANCE_TABLES
# Catalog search indexed by lesson section: same tables, the index refilled.
EXPECTED_TABLES["0012"] = EXPECTED_TABLES["0011"]
# Announcements a learner has read (mcdesk.study.announcement_reads): plain SQL.
READ_TABLES = frozenset({"announcement_read"})
EXPECTED_TABLES["0013"] = EXPECTED_TABLES["0012"] | READ_TABLES
# 0014 adds the record's indexes (attempt start time, exam events by attempt), no table.
EXPECTED_TABLES["0014"] = EXPECTED_TABLES["0013"]

# Revisions that leave the search index empty (they only run its DDL). The index is data
# made from the packs, so it is filled again by today's code, in the upgrade's own
# transaction, rather than by code frozen into a revision that could change shape.
SEARCH_INDEX_EMPTIED = frozenset({"0002", "0004", "0012"})

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic's filter: skips the FTS5 index, its shadow tables and the plain-SQL tables."""
    if type_ != "table" or name is None:
        return True
    plain = EXAM_TABLES | WALLET_TABLES | NOTICE_TABLES | ALLOWANCE_TABLES | READ_TABLES
    return not (name.startswith("catalog_search") or name in plain)


def current_revision(connection: sqlite3.Connection) -> str | None:
    """The store's revision, or None for an empty database."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if not has_table:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def empties_search_index(before: str | None, after: str | None) -> bool:
    """Whether upgrading from ``before`` to ``after`` ran a revision that emptied the index."""
    if before is None or after is None:  # a fresh store has no packs to index
        return False
    ran = REVISIONS[REVISIONS.index(before) + 1 : REVISIONS.index(after) + 1]
    return any(revision in SEARCH_INDEX_EMPTIED for revision in ran)


def upgrade(database: Path, *, revision: str = "head") -> None:
    """Apply migrations up to ``revision``, and fill an emptied search index, in one transaction."""
    from alembic import command
    from alembic.config import Config

    from mcdesk.store.engine import make_engine
    from mcdesk.store.search_index import rebuild_search_index

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = make_engine(database)
    try:
        with engine.begin() as connection:
            raw = connection.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)  # the station store is SQLite
            before = current_revision(raw)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if empties_search_index(before, current_revision(raw)):
                rebuild_search_index(raw)
    finally:
        engine.dispose()
