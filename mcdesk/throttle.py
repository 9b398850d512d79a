"""One throttle for every secret a person types: learner PINs, unlock codes, the teacher page.

Security rules (docs/security.md, "Throttles"):

- A try is counted before its secret is checked, in one short transaction that holds the
  throttle row: ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` locks the row on PostgreSQL
  and takes the write lock on SQLite. Of N tries at once, at most the free tries left are
  checked; the others are refused unchecked. A right secret then deletes the row.
- After ``FREE_TRIES`` wrong tries in a row every try waits: 30 s, doubling with each
  further wrong one, at most an hour. The doubling is capped before it is computed, so no
  count, however large, overflows.
- A wait is stored as the seconds still to serve and the clock reading they were counted
  at, and only time on that same clock counts. The station counts on a monotonic clock
  named afresh for each run of the app: moving the wall clock counts nothing, and neither
  does time while the app is closed. The server counts on its own wall clock, which all
  its workers share and no learner can move.
- The secret is checked outside that transaction, so the row is held for milliseconds,
  never for a scrypt run.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Connection

FREE_TRIES = 5
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
# 30 s doubled this often is past the hour already, so larger exponents change nothing.
_MOST_DOUBLINGS = (LONGEST_WAIT // FIRST_WAIT).bit_length()
WALL_CLOCK = "wall"
_TABLE_NAME = re.compile(r"[a-z_]+\Z")

_TAKE = (
    "INSERT INTO {table} (subject, failures, wait_left, clock, clock_at, last_try)"
    " VALUES (:subject, 0, 0, :clock, :clock_at, :last_try)"
    # A no-op update, there only to lock the row that is already there.
    " ON CONFLICT (subject) DO UPDATE SET failures = {table}.failures"
    " RETURNING failures, wait_left, clock, clock_at"
)
_STORE = (
    "UPDATE {table} SET failures = :failures, wait_left = :wait_left, clock = :clock,"
    " clock_at = :clock_at, last_try = :last_try WHERE subject = :subject"
)


def wait_after(failures: int) -> timedelta:
    """How long to wait after this many wrong tries in a row (nothing while tries are free)."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_WAIT * (1 << min(failures - FREE_TRIES, _MOST_DOUBLINGS)), LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class Reading:
    """Seconds on the clock called ``clock``; readings of two different clocks never compare."""

    clock: str
    seconds: float


def wall_reading(now: datetime) -> Reading:
    """The server's reading: its own wall clock, the same in every worker."""
    return Reading(WALL_CLOCK, now.timestamp())


@cache
def _this_run() -> str:
    # Made on first use, not at import; a monotonic reading means nothing to another run.
    return f"run:{uuid.uuid4().hex}"


def station_reading(monotonic: Callable[[], float] = time.monotonic) -> Reading:
    """The station's reading: the monotonic clock of this run of the app."""
    return Reading(_this_run(), monotonic())


class Statements(Protocol):
    """Runs one SQL statement (``:name`` parameters) on the caller's open transaction."""

    def rows(self, sql: str, params: Mapping[str, object]) -> Sequence[Sequence[Any]]: ...


@dataclass(frozen=True, slots=True)
class SqliteStatements:
    """Statements on a raw sqlite3 connection (the exam's path, which never loads SQLAlchemy)."""

    connection: sqlite3.Connection

    def rows(self, sql: str, params: Mapping[str, object]) -> Sequence[Sequence[Any]]:
        return self.connection.execute(sql, dict(params)).fetchall()


@dataclass(frozen=True, slots=True)
class AlchemyStatements:
    """Statements on a SQLAlchemy connection: the station's engine, or the server's database."""

    connection: Connection

    def rows(self, sql: str, params: Mapping[str, object]) -> Sequence[Sequence[Any]]:
        from sqlalchemy import text

        result = self.connection.execute(text(sql), dict(params))
        return result.fetchall() if result.returns_rows else []


@dataclass(frozen=True, slots=True)
class Try:
    """A counted try: check the secret only when ``checked``; otherwise it waits."""

    checked: bool
    failures: int  # wrong tries in a row, this one included should it be wrong
    wait_seconds: int  # refused: the wait left; checked: the wait a wrong secret starts

    def after_wrong(self) -> str:
        """What to say after a wrong secret: the wait it started, or the free tries left."""
        if self.wait_seconds:
            return f"Wait {self.wait_seconds} s before the next try."
        left = FREE_TRIES - self.failures
        return f"{left} more {'try' if left == 1 else 'tries'} before a wait."


def _table(name: str) -> str:
    if not _TABLE_NAME.match(name):
        raise ValueError(f"not a throttle table name: {name!r}")
    return name


def take_try(db: Statements, *, table: str, subject: str, reading: Reading, now: datetime) -> Try:
    """Count a try before its secret is checked; commit before checking it."""
    params: dict[str, object] = {
        "subject": subject,
        "clock": reading.clock,
        "clock_at": reading.seconds,
        "last_try": now.timestamp(),
    }
    name = _table(table)
    found = db.rows(_TAKE.format(table=name), params)[0]
    failures, wait_left = int(found[0]), float(found[1])
    if found[2] == reading.clock:
        wait_left -= max(0.0, reading.seconds - float(found[3]))
    if wait_left > 0:
        # Re-based on this clock, so the rest of the wait counts from now in this run.
        db.rows(_STORE.format(table=name), {**params, "failures": failures, "wait_left": wait_left})
        return Try(checked=False, failures=failures, wait_seconds=int(wait_left + 0.999))
    failures += 1
    # Set before the check: a try arriving meanwhile already finds the wait.
    wait = wait_after(failures).total_seconds()
    db.rows(_STORE.format(table=name), {**params, "failures": failures, "wait_left": wait})
    return Try(checked=True, failures=failures, wait_seconds=int(wait))


def forget(db: Statements, *, table: str, subject: str) -> None:
    """A right secret, or a teacher's say-so: the count starts again."""
    db.rows(f"DELETE FROM {_table(table)} WHERE subject = :subject", {"subject": subject})


def forget_idle(db: Statements, *, table: str, before: datetime) -> None:
    """Drop rows with no try since ``before`` (it must lie further back than the longest wait)."""
    db.rows(f"DELETE FROM {_table(table)} WHERE last_try < :before", {"before": before.timestamp()})
