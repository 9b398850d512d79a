from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.eventlog import GENESIS_HASH, append, chain_hash, verify_log
from mcdesk.store.connection import connect
from tests.conftest import NOW


@pytest.fixture
def log(store: Path, station_key: Ed25519PrivateKey) -> sqlite3.Connection:
    connection = connect(store)
    with connection:
        for n in range(5):
            append(
                connection,
                kind="answered",
                attempt_id="att-1",
                data={"item_id": f"i{n}", "response": n},
                key=station_key,
                now=NOW,
            )
    return connection


def _problems(connection: sqlite3.Connection, key: Ed25519PrivateKey) -> list[str]:
    return [str(p) for p in verify_log(connection, key.public_key())]


def test_an_intact_log_verifies(log: sqlite3.Connection, station_key: Ed25519PrivateKey) -> None:
    rows = log.execute("SELECT seq, prev_hash, hash, body FROM exam_event ORDER BY seq").fetchall()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0][1] == GENESIS_HASH
    assert all(rows[n][1] == rows[n - 1][2] for n in range(1, 5))
    assert rows[2][2] == chain_hash(rows[2][1], bytes(rows[2][3]))
    assert _problems(log, station_key) == []
    assert verify_log(log, Ed25519PrivateKey.generate().public_key())[0].what.startswith(
        "signature invalid"
    )


def test_an_edited_body_is_a_hash_mismatch_at_its_seq(
    log: sqlite3.Connection, station_key: Ed25519PrivateKey
) -> None:
    with log:
        log.execute(
            "UPDATE exam_event SET body = CAST(replace(CAST(body AS TEXT), '\"response\":2', "
            "'\"response\":9') AS BLOB) WHERE seq = 3"
        )
    assert _problems(log, station_key) == [
        "exam_event seq 3: hash mismatch: the body was edited after it was signed"
    ]


def test_a_rehashed_edit_fails_the_signature(
    log: sqlite3.Connection, station_key: Ed25519PrivateKey
) -> None:
    body, prev = log.execute("SELECT body, prev_hash FROM exam_event WHERE seq = 2").fetchone()
    forged = bytes(body).replace(b'"response":1', b'"response":7')
    with log:
        log.execute(
            "UPDATE exam_event SET body = ?, hash = ? WHERE seq = 2",
            (forged, chain_hash(prev, forged)),
        )
    problems = _problems(log, station_key)
    assert "exam_event seq 2: signature invalid: not signed by this station's key" in problems
    assert "exam_event seq 3: broken link: prev_hash is not the previous event's hash" in problems


def test_a_deleted_event_shows_as_a_gap(
    log: sqlite3.Connection, station_key: Ed25519PrivateKey
) -> None:
    with log:
        log.execute("DELETE FROM exam_event WHERE seq = 4")
    assert _problems(log, station_key) == [
        "exam_event seq 5: gap in seq: events 4..4 are missing",
        "exam_event seq 5: broken link: prev_hash is not the previous event's hash",
    ]


def test_a_row_column_changed_outside_the_body_is_seen(
    log: sqlite3.Connection, station_key: Ed25519PrivateKey
) -> None:
    with log:
        log.execute("UPDATE exam_event SET attempt_id = 'att-2' WHERE seq = 1")
    assert _problems(log, station_key) == [
        "exam_event seq 1: the row's attempt_id differs from the signed body"
    ]
