"""Open the store at start-up: check it, move a damaged one aside, upgrade it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mcdesk.paths import Paths
from mcdesk.store.connection import connect
from mcdesk.store.health import diagnose, quarantine
from mcdesk.store.migrate import HEAD_REVISION, current_revision, upgrade


@dataclass(frozen=True, slots=True)
class DamagedStore:
    """A store that could not be used and where it was moved."""

    reason: str
    moved_to: Path

    def message(self) -> str:
        return (
            f"The local database was damaged: {self.reason}. It was moved to {self.moved_to} "
            "(nothing was deleted) and mcdesk started with a fresh one. Results that were "
            "already synced are safe on the server; give the moved file to your "
            "administrator if anything is missing."
        )


@dataclass(frozen=True, slots=True)
class OpenedStore:
    database: Path
    revision_before: str | None
    damaged: DamagedStore | None

    @property
    def fresh(self) -> bool:
        return self.revision_before is None


def open_store(paths: Paths, *, now: datetime) -> OpenedStore:
    """Make the store ready for use; raises NewerDatabaseError for a newer release's store."""
    paths.ensure()
    damaged = None
    reason = diagnose(paths.database)
    if reason is not None:
        moved_to = quarantine(paths.database, paths.damaged_dir, now=now)
        damaged = DamagedStore(reason=reason, moved_to=moved_to)
    connection = connect(paths.database)
    try:
        before = current_revision(connection)
    finally:
        connection.close()
    if before != HEAD_REVISION:
        upgrade(paths.database)
    return OpenedStore(database=paths.database, revision_before=before, damaged=damaged)
