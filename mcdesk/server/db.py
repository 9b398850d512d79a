"""The server's engine, migrations and readiness check, for SQLite or PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
HEAD_REVISION = "0015"
# Any constant works: it only has to be the same in every worker that migrates at once.
MIGRATION_LOCK_ID = 0x6D63_6473  # "mcds"
# Connections beyond the pool's size, for work outside the request places
# (mcdesk.server.admission): readiness probes and the slot sealer.
POOL_OVERFLOW = 5
# A wait this long for a connection means overload: answered 503, never a stuck thread.
POOL_TIMEOUT_SECONDS = 10.0


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    """An engine for the server database; SQLite files get WAL and serialized writers.

    ``pool_size`` is one connection per request place (mcdesk.server.admission), so an
    admitted request never waits for a connection; ``POOL_OVERFLOW`` more serve the rest.
    """
    parsed = make_url(url)
    pool: dict[str, float] = {
        "pool_size": pool_size,
        "max_overflow": POOL_OVERFLOW,
        "pool_timeout": POOL_TIMEOUT_SECONDS,
    }
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **pool)
    if not parsed.database or parsed.database == ":memory:":
        pool = {}  # one shared in-memory connection: no queue to size
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        assert isinstance(dbapi_connection, sqlite3.Connection)
        # SQLAlchemy then manages transactions itself, so savepoints and BEGIN work.
        dbapi_connection.isolation_level = None
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA busy_timeout=30000",
        ):
            dbapi_connection.execute(pragma)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock up front: a read-then-write transaction cannot then fail
        # halfway on a lock upgrade, and concurrent pushes queue instead of erroring.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _lock_for_migration(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several workers start at once; PostgreSQL DDL is transactional, so one lock
        # held until commit makes the others wait and then find nothing to do.
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Apply the server's migrations up to ``revision`` in one transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        _lock_for_migration(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The database's revision, or None when it is unreachable or not migrated."""
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except SQLAlchemyError:
        return None
    return None if row is None else str(row[0])


def is_ready(engine: Engine) -> bool:
    return current_revision(engine) == HEAD_REVISION
