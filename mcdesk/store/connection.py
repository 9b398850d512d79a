"""Raw sqlite3 connections with the station's pragmas.

Used on the start-up path (health check, revision check, catalog reads) where importing
SQLAlchemy would cost more than the whole query; writes go through SQLModel sessions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL: a committed answer or import survives a power cut, not just a crash.
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def apply_pragmas(connection: sqlite3.Connection) -> None:
    for pragma in PRAGMAS:
        connection.execute(pragma)


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open the store; read-only connections never create the file."""
    if read_only:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        connection.execute("PRAGMA busy_timeout=5000")
    else:
        connection = sqlite3.connect(path, check_same_thread=False)
        apply_pragmas(connection)
    connection.row_factory = sqlite3.Row
    return connection


@contextmanager
def opened(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection that commits on success, rolls back on error, and is always closed."""
    connection = connect(path, read_only=read_only)
    try:
        with connection:
            yield connection
    finally:
        connection.close()
