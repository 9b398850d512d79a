"""The one throttle (mcdesk.throttle) on a real station store: counting, waits, clocks, tidying."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mcdesk.paths import Paths
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.throttle import (
    Reading,
    SqliteStatements,
    Try,
    forget_idle,
    take_try,
    wait_after,
)
from tests.conftest import NOW

TABLE = "code_throttle"


@pytest.fixture
def database(home: Paths) -> Path:
    open_store(home, now=NOW)
    return home.database


def _take(database: Path, reading: Reading, *, subject: str = "s", now: datetime = NOW) -> Try:
    with opened(database) as connection:
        connection.execute("BEGIN IMMEDIATE")
        return take_try(
            SqliteStatements(connection), table=TABLE, subject=subject, reading=reading, now=now
        )


def test_waits_double_from_30_s_and_stop_at_an_hour_whatever_the_count() -> None:
    assert [wait_after(n).total_seconds() for n in (0, 4, 5, 6, 7, 11)] == [
        0,
        0,
        30,
        60,
        120,
        1920,
    ]
    # 46 wrong tries overflowed the teacher page's old formula; no count may now.
    for failures in (12, 46, 60, 1_000, 10**18):
        assert wait_after(failures) == timedelta(hours=1)


def test_a_try_is_counted_before_its_secret_is_checked(database: Path) -> None:
    reading = Reading("run:a", 100.0)
    tries = [_take(database, reading) for _ in range(7)]
    # Nobody checked anything: the first five were let through to be checked, and counted.
    assert [(t.checked, t.failures, t.wait_seconds) for t in tries] == [
        (True, 1, 0),
        (True, 2, 0),
        (True, 3, 0),
        (True, 4, 0),
        (True, 5, 30),
        (False, 5, 30),
        (False, 5, 30),
    ]
    with opened(database) as connection:
        assert [tuple(r) for r in connection.execute(f"SELECT failures FROM {TABLE}")] == [(5,)]


def test_only_time_on_the_same_clock_counts(database: Path) -> None:
    for _ in range(5):
        _take(database, Reading("run:a", 100.0))
    # The wall clock a day on changes nothing; only the monotonic reading does.
    later = _take(database, Reading("run:a", 110.0), now=NOW + timedelta(days=1))
    assert (later.checked, later.wait_seconds) == (False, 20)
    # Another run of the app (a restart): its readings say nothing about the time between.
    restarted = _take(database, Reading("run:b", 5_000.0))
    assert (restarted.checked, restarted.wait_seconds) == (False, 20)
    # A monotonic clock cannot go back; if a reading does, it counts nothing.
    back = _take(database, Reading("run:b", 4_000.0))
    assert back.wait_seconds == 20
    served = _take(database, Reading("run:b", 4_020.0))
    assert (served.checked, served.failures) == (True, 6)


def test_rows_idle_past_the_cut_off_are_dropped(database: Path) -> None:
    _take(database, Reading("wall", 0.0), subject="old", now=NOW - timedelta(days=2))
    _take(database, Reading("wall", 0.0), subject="recent", now=NOW - timedelta(hours=2))
    with opened(database) as connection:
        forget_idle(SqliteStatements(connection), table=TABLE, before=NOW - timedelta(days=1))
        assert [r[0] for r in connection.execute(f"SELECT subject FROM {TABLE}")] == ["recent"]


def test_only_plain_table_names_reach_the_sql(database: Path) -> None:
    with opened(database) as connection, pytest.raises(ValueError, match="not a throttle table"):
        take_try(
            SqliteStatements(connection),
            table="code_throttle; DROP TABLE learner",
            subject="s",
            reading=Reading("run:a", 0.0),
            now=NOW,
        )
