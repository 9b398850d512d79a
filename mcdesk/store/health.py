"""Start-up check of the store file, and moving a damaged one aside (never deleting it)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from mcdesk.errors import McdeskError
from mcdesk.store.migrate import EXPECTED_TABLES, REVISIONS, current_revision

SQLITE_HEADER = b"SQLite format 3\x00"


class NewerDatabaseError(McdeskError):
    """The store was written by a newer mcdesk; it is left alone."""


def diagnose(database: Path) -> str | None:
    """Why the store cannot be used, or None when it is usable (or absent, or empty).

    Raises NewerDatabaseError for a store from a newer release: that is not damage, and
    moving it aside would hide the learner's data from the newer app.
    """
    if not database.exists() or database.stat().st_size == 0:
        return None
    with database.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return "it is not a SQLite database (the file header is wrong)"
    try:
        connection = sqlite3.connect(database)
    except sqlite3.Error as exc:
        return f"SQLite cannot open it ({exc})"
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            return f"SQLite's integrity check failed ({problems[0]})"
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if not tables:
            return None
        revision = current_revision(connection)
    except sqlite3.Error as exc:
        return f"SQLite cannot read it ({exc})"
    finally:
        connection.close()
    if revision is None:
        return "it has tables but no mcdesk schema version (wrong schema)"
    if revision not in REVISIONS:
        raise NewerDatabaseError(
            f"The local database {database} was made by a newer version of mcdesk "
            f"(schema {revision}). Install that version or newer; the file was not changed."
        )
    missing = EXPECTED_TABLES[revision] - tables
    if missing:
        return f"tables are missing for schema {revision}: {', '.join(sorted(missing))}"
    return None


def quarantine(database: Path, damaged_dir: Path, *, now: datetime) -> Path:
    """Move the store (and its WAL and shared-memory files) aside with a timestamp."""
    damaged_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = damaged_dir / f"{database.stem}-{stamp}{database.suffix}"
    counter = 1
    while target.exists():
        target = damaged_dir / f"{database.stem}-{stamp}-{counter}{database.suffix}"
        counter += 1
    shutil.move(database, target)
    for suffix in ("-wal", "-shm"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            shutil.move(companion, target.with_name(target.name + suffix))
    return target
