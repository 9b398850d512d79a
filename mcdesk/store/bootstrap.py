"""Open the store at start-up: check it, repair or salvage a damaged one, upgrade it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mcdesk.paths import Paths
from mcdesk.store.connection import connect
from mcdesk.store.health import diagnose, quarantine
from mcdesk.store.identity import remember_identity
from mcdesk.store.migrate import HEAD_REVISION, current_revision, upgrade
from mcdesk.store.repair import repair_in_place
from mcdesk.store.salvage import WORDS, SalvageReport, salvage
from mcdesk.store.snapshot import SNAPSHOT_REVISION, create_fresh_store, is_empty


@dataclass(frozen=True, slots=True)
class DamagedStore:
    """A store found damaged: repaired in place, or moved aside and salvaged."""

    reason: str
    moved_to: Path | None  # None when it was repaired in place
    salvaged: SalvageReport | None = None

    @property
    def lost(self) -> list[str]:
        """What could not be recovered, in words."""
        report = self.salvaged
        if report is None:
            return []
        came_back = set()
        if report.identity_from_copy:
            came_back.add(WORDS["station"])
        if report.pin_from_copy:
            came_back.add(WORDS["sync_state"])
        return [words for words in report.lost if words not in came_back]

    def message(self) -> str:
        """What happened, what was recovered and what was lost, in one paragraph."""
        report = self.salvaged
        if self.moved_to is None:
            return (
                f"The local database was damaged: {self.reason}. Only its indexes were (the "
                "search index and the like, made from the data), so they were rebuilt in "
                "place: nothing was lost and this station kept its identity."
            )
        found = f"The local database was damaged: {self.reason}. It was moved to {self.moved_to}"
        if report is None or (sum(report.copied.values()) == 0 and not report.identity_from_copy):
            return (
                f"{found} (nothing was deleted) and mcdesk started with a fresh one: nothing "
                "could be read from it. Results that were already synced are safe on the "
                "server; give the moved file to your administrator if anything is missing."
            )
        parts = [f"{found} (nothing was deleted) and everything readable was copied into a new one"]
        station_lost = WORDS["station"] in self.lost
        if not station_lost:
            parts.append("this station kept its identity")
        if report.pin_from_copy:
            parts.append("its server pin came back from its copy")
        lost = self.lost
        parts.append(f"lost: {', '.join(lost)}" if lost else "nothing was lost")
        parts.append("the search index was rebuilt")
        if report.cursors_reset:
            parts.append("the next sync fetches the school's data again")
        text = "; ".join(parts) + "."
        if station_lost:
            text += (
                " This station's identity could not be recovered, so it starts as a new "
                "station: an administrator must enrol it again."
            )
        return text


@dataclass(frozen=True, slots=True)
class OpenedStore:
    database: Path
    revision_before: str | None
    damaged: DamagedStore | None

    @property
    def fresh(self) -> bool:
        return self.revision_before is None


def _salvage(paths: Paths, reason: str, *, now: datetime) -> DamagedStore:
    """Move the damaged store aside, start a new one and copy into it what can be read."""
    moved_to = quarantine(paths.database, paths.damaged_dir, now=now)
    upgrade(paths.database)
    try:
        report = salvage(
            damaged=moved_to, target=paths.database, identity_file=paths.station_identity
        )
    except (sqlite3.Error, OSError, ValueError):
        report = None  # the copy was rolled back: the new store is empty, the old one kept
    return DamagedStore(reason=reason, moved_to=moved_to, salvaged=report)


def open_store(paths: Paths, *, now: datetime) -> OpenedStore:
    """Make the store ready for use; raises NewerDatabaseError for a newer release's store."""
    paths.ensure()
    damaged = None
    reason = diagnose(paths.database)
    if reason is not None:
        if repair_in_place(paths.database) and diagnose(paths.database) is None:
            damaged = DamagedStore(reason=reason, moved_to=None)
        else:
            damaged = _salvage(paths, reason, now=now)
    connection = connect(paths.database)
    try:
        before = current_revision(connection)
        empty = is_empty(connection)
    finally:
        connection.close()
    if empty:  # a first run: the head schema in one step, no Alembic (store/snapshot.py)
        create_fresh_store(paths.database)
    if (SNAPSHOT_REVISION if empty else before) != HEAD_REVISION:
        upgrade(paths.database)
    remember_identity(paths.database, paths.station_identity)
    return OpenedStore(database=paths.database, revision_before=before, damaged=damaged)
