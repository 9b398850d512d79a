"""A migrated station store with one teacher, and its exam keys set up (real scrypt, fast cost)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mcdesk.content.sealing import PackKey
from mcdesk.exam.issuer import Issuer, open_issuer
from mcdesk.exam.unlock import ExamKeySetup, setup_exam_keys
from mcdesk.passwords import hash_secret
from mcdesk.paths import Paths
from mcdesk.protocol.slots import FAST_TEST_PARAMS
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from tests.conftest import NOW

TEACHER_ID = "teacher-rivera"
TEACHER_USER = "rivera"
PASSWORD = "correct horse battery"
STATION_ID = "station-a"


def new_station(paths: Paths) -> Path:
    """An empty, migrated store holding one school and one teacher; returns the database."""
    open_store(paths, now=NOW)
    with opened(paths.database) as connection:
        connection.execute("INSERT INTO school (id, name) VALUES ('school-1', 'Test High')")
        connection.execute(
            "INSERT INTO teacher (id, school_id, username, display_name, password_hash)"
            " VALUES (?, 'school-1', ?, 'Ms. Rivera', ?)",
            (TEACHER_ID, TEACHER_USER, hash_secret(PASSWORD)),
        )
    return paths.database


def set_up_keys(
    database: Path, *, slots: int = 6, pack_keys: Iterable[PackKey] = ()
) -> ExamKeySetup:
    with opened(database) as connection:
        return setup_exam_keys(
            connection,
            teacher_id=TEACHER_ID,
            station_id=STATION_ID,
            password=PASSWORD,
            pack_keys=pack_keys,
            slots=slots,
            params=FAST_TEST_PARAMS,
            now=NOW,
        )


def teacher_issuer(database: Path) -> Issuer:
    with opened(database) as connection:
        issuer = open_issuer(connection, teacher_id=TEACHER_ID, password=PASSWORD)
    assert issuer is not None
    return issuer
