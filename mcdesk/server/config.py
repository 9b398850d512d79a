"""Server settings: one typed value, built on demand from the environment and options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from mcdesk.paths import resolve_paths
from mcdesk.server.admission import DB_SLOTS, MAX_WAITING, WAIT_SECONDS

DB_ENV = "MCDESK_SERVER_DB"
DB_SLOTS_ENV = "MCDESK_SERVER_DB_SLOTS"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Where the server keeps its data and where it listens."""

    database_url: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    # Off only in tests that need an unmigrated database (readiness must then say 503).
    migrate_on_start: bool = True
    # Requests holding a database session at once, per worker (mcdesk.server.admission).
    db_slots: int = DB_SLOTS
    max_waiting: int = MAX_WAITING
    wait_seconds: float = WAIT_SECONDS


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    """SQLite in MCDESK_HOME's data folder, under server/ (the folder is made on start)."""
    paths = resolve_paths(None if environ is None else dict(environ))
    return f"sqlite:///{paths.data_dir / 'server' / 'server.sqlite3'}"


def load_server_settings(
    *,
    database_url: str | None = None,
    host: str | None = None,
    port: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> ServerSettings:
    """Options win over MCDESK_SERVER_DB, which wins over the SQLite default."""
    env = os.environ if environ is None else environ
    url = database_url or env.get(DB_ENV) or default_database_url(env)
    slots = env.get(DB_SLOTS_ENV, "").strip()
    if slots and not (slots.isdigit() and 1 <= int(slots) <= 1000):
        raise ValueError(f"{DB_SLOTS_ENV} must be a whole number from 1 to 1000, not {slots!r}")
    return ServerSettings(
        database_url=url,
        host=host or DEFAULT_HOST,
        port=DEFAULT_PORT if port is None else port,
        db_slots=int(slots) if slots else DB_SLOTS,
    )
