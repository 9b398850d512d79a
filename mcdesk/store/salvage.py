"""Salvaging a damaged store: every readable row copied into a fresh one, row by row.

Like SQLite's ``.recover``, but with the station's schema: each table of the damaged
file is read in rowid order; where a damaged page stops the read, the read resumes past
it, so one bad page costs the rows on that page, not the table. The full-text index is
never copied: it is rebuilt from the packs. The station's identity and sync pin come
back from their copy beside the store (mcdesk.store.identity) when their own rows were
lost. The damaged file itself is never written to.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mcdesk.store.identity import CURSOR_PREFIX, read_identity
from mcdesk.store.migrate import EXPECTED_TABLES, current_revision
from mcdesk.store.repair import SEARCH_INDEX
from mcdesk.store.search_index import rebuild_search_index

MIN_ROWID = -(2**63)
MAX_ROWID = 2**63 - 1
NOT_COPIED = ("alembic_version", "sqlite_")

# What a person calls each table; a table not named here is called by its name.
WORDS = {
    "station": "this station's identity",
    "sync_state": "sync state (server pin, cursors)",
    "outbox": "records waiting to be sent",
    "receipt": "the server's receipts",
    "exam_key_slot": "assessment code slots",
    "wrapped_pack_key": "assessment pack keys",
    "issuer": "the teacher's code issuer",
    "code_entry": "the log of codes typed",
    "code_throttle": "the code throttle",
    "attempt": "assessment attempts",
    "attempt_answer": "saved assessment answers",
    "exam_event": "the assessment event log",
    "exam_result": "assessment results",
    "accommodation": "accommodations",
    "skill_progress": "study progress",
    "selfcheck_run": "self-check results",
    "learner_prefs": "learners' reading preferences",
    "signin_throttle": "sign-in throttles",
    "school": "schools",
    "teacher": "teachers",
    "school_class": "classes",
    "learner": "learners",
    "access_grant": "access grants",
    "pack": "installed micro-credentials",
    "pack_file": "micro-credential files",
    "blob": "micro-credential files",
    "remote_pack": "the server's catalog list",
}


@dataclass(slots=True)
class SalvageReport:
    """What came across: rows per table, and the tables that lost rows or all of them."""

    copied: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)  # some rows lost
    unreadable: list[str] = field(default_factory=list)  # every row lost
    identity_from_copy: bool = False  # the station row came back from its copy
    pin_from_copy: bool = False  # the sync pin came back from its copy
    cursors_reset: bool = False

    @property
    def lost(self) -> list[str]:
        """The tables that lost rows, in words (each named once)."""
        names = [WORDS.get(table, table) for table in self.unreadable + self.damaged]
        return list(dict.fromkeys(names))


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in connection.execute(f'PRAGMA table_info("{table}")')]


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [str(name) for (name,) in rows if not str(name).startswith((SEARCH_INDEX, *NOT_COPIED))]


def _readable_from(connection: sqlite3.Connection, table: str, first: int) -> bool:
    """Whether a read of ``table`` can start at rowid ``first`` (the page it lands on is sound)."""
    try:
        connection.execute(
            f'SELECT rowid FROM "{table}" WHERE rowid >= ? ORDER BY rowid LIMIT 1', (first,)
        ).fetchall()
    except sqlite3.DatabaseError:
        return False
    return True


def _resume_at(connection: sqlite3.Connection, table: str, failed: int) -> int | None:
    """The lowest rowid from ``failed`` on where a read works again, or None."""
    if _readable_from(connection, table, failed):
        return failed + 1  # the page is sound but this row is not (its overflow): skip it
    step = 1
    while not _readable_from(connection, table, failed + step):
        if failed + step >= MAX_ROWID:
            return None
        step = min(step * 2, MAX_ROWID - failed)
    low, high = failed + step // 2, failed + step  # a read fails at low, works at high
    while high - low > 1:
        middle = (low + high) // 2
        if _readable_from(connection, table, middle):
            high = middle
        else:
            low = middle
    return high


def _rows(
    connection: sqlite3.Connection, table: str, columns: list[str]
) -> Iterator[tuple[object, ...] | None]:
    """Each readable row in rowid order; None marks a stretch that could not be read."""
    names = ", ".join(f'"{name}"' for name in columns)
    query = f'SELECT rowid, {names} FROM "{table}" WHERE rowid >= ? ORDER BY rowid'
    start = MIN_ROWID
    while True:
        try:
            for row in connection.execute(query, (start,)):
                start = int(row[0]) + 1
                yield tuple(row[1:])
            return
        except sqlite3.DatabaseError:
            yield None
            resume = _resume_at(connection, table, start)
            if resume is None:
                return
            start = resume


def _blob_intact(row: dict[str, object]) -> bool:
    """A damaged overflow page reads back as other bytes, with no error: check the hash."""
    data, sha256 = row.get("data"), row.get("sha256")
    return isinstance(data, bytes) and hashlib.sha256(data).hexdigest() == sha256


# Checks a row must pass to be copied, where damage can read back without an error.
ROW_CHECKS: dict[str, Callable[[dict[str, object]], bool]] = {"blob": _blob_intact}


def _drop_incomplete_packs(target: sqlite3.Connection, report: SalvageReport) -> None:
    """Packs missing a file are removed, so they install again (bundled, or the next sync)."""
    incomplete = [
        str(pack_id)
        for (pack_id,) in target.execute(
            "SELECT id FROM pack WHERE NOT EXISTS (SELECT 1 FROM pack_file WHERE pack_id = pack.id)"
            " OR EXISTS (SELECT 1 FROM pack_file WHERE pack_id = pack.id AND NOT EXISTS "
            "(SELECT 1 FROM blob WHERE blob.sha256 = pack_file.sha256))"
        )
    ]
    target.executemany("DELETE FROM pack WHERE id = ?", [(pack_id,) for pack_id in incomplete])
    target.execute("DELETE FROM pack_file WHERE pack_id NOT IN (SELECT id FROM pack)")
    if incomplete and "pack" not in report.damaged + report.unreadable:
        report.damaged.append("pack")


def _copy_table(
    source: sqlite3.Connection, target: sqlite3.Connection, table: str, report: SalvageReport
) -> None:
    try:
        kept = set(_columns(target, table))
        columns = [name for name in _columns(source, table) if name in kept]
    except sqlite3.DatabaseError:
        columns = []
    if not columns:
        report.unreadable.append(table)
        return
    names = ", ".join(f'"{name}"' for name in columns)
    insert = f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    intact = ROW_CHECKS.get(table)
    copied, gaps = 0, 0
    for row in _rows(source, table, columns):
        if row is None or (intact is not None and not intact(dict(zip(columns, row, strict=True)))):
            gaps += 1
            continue
        target.execute(insert, row)
        copied += 1
    report.copied[table] = copied
    if gaps and copied == 0:
        report.unreadable.append(table)
    elif gaps:
        report.damaged.append(table)


def _open_source(work: Path, wanted: set[str]) -> tuple[sqlite3.Connection, set[str], set[str]]:
    """The damaged copy opened, its readable tables, and the tables it should have had."""
    source = sqlite3.connect(work)
    try:
        found = set(_tables(source))
    except sqlite3.DatabaseError:
        return source, set(), wanted  # its schema page is lost: every table with it
    try:
        revision = current_revision(source)
    except sqlite3.DatabaseError:
        revision = None
    expected = set(EXPECTED_TABLES.get(revision or "", wanted)) & wanted
    return source, found, expected


def _restore_identity(
    target: sqlite3.Connection, identity_file: Path, report: SalvageReport
) -> None:
    """The station row and sync pin from their copy, where the salvage did not bring them."""
    kept = read_identity(identity_file)
    if kept is None:
        return
    if target.execute("SELECT count(*) FROM station").fetchone()[0] == 0:
        columns = [c for c in _columns(target, "station") if c in kept.station]
        target.execute(
            f"INSERT INTO station ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [kept.station[c] for c in columns],
        )
        report.identity_from_copy = True
    if "sync_state" not in report.damaged + report.unreadable:
        return  # kept whole: a key missing from it was removed on purpose
    present = {str(key) for (key,) in target.execute("SELECT key FROM sync_state")}
    missing = {key: value for key, value in kept.sync_state.items() if key not in present}
    if missing:
        target.executemany("INSERT INTO sync_state (key, value) VALUES (?, ?)", missing.items())
        report.pin_from_copy = True


def salvage(*, damaged: Path, target: Path, identity_file: Path) -> SalvageReport:
    """Copy what can be read of ``damaged`` into ``target``, a fresh store at the head revision."""
    # Read from a scratch copy: the file kept for the administrator stays as it was found.
    report = SalvageReport()
    with tempfile.TemporaryDirectory(prefix="mcdesk-salvage-") as scratch:
        work = Path(scratch) / damaged.name
        shutil.copyfile(damaged, work)
        wal = damaged.with_name(damaged.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, work.with_name(work.name + "-wal"))
        destination = sqlite3.connect(target, isolation_level=None)
        try:
            destination.execute("PRAGMA foreign_keys=OFF")  # parents may be the rows lost
            destination.execute("BEGIN IMMEDIATE")
            wanted = set(_tables(destination))
            source, found, expected = _open_source(work, wanted)
            try:
                for table in sorted(wanted):
                    if table in found:
                        _copy_table(source, destination, table, report)
                    elif table in expected:
                        report.unreadable.append(table)
                        report.copied[table] = 0
            finally:
                source.close()
            _restore_identity(destination, identity_file, report)
            _drop_incomplete_packs(destination, report)
            if report.damaged or report.unreadable:
                # Rows pulled from the server may be among those lost: pull everything again.
                destination.execute(
                    "DELETE FROM sync_state WHERE key LIKE ?", (CURSOR_PREFIX + "%",)
                )
                report.cursors_reset = True
            rebuild_search_index(destination)
            destination.execute("COMMIT")
        except BaseException:
            if destination.in_transaction:
                destination.execute("ROLLBACK")
            raise
        finally:
            destination.close()
    return report
