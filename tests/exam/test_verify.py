"""Tampering with an answer row, a score or an event is found, and named."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcdesk.exam.eventlog import chain_hash
from mcdesk.exam.verify import verify_result
from tests.exam.bank import blueprint, make_bank, right, wrong
from tests.exam.conftest import EngineFactory, begin

BANK = make_bank()
BY_ID = {item["id"]: item for item in BANK}


@pytest.fixture
def finished(make_engine: EngineFactory) -> tuple[str, list[str]]:
    """A submitted attempt: (attempt id, item ids in shown order); the first answer is wrong."""
    engine = make_engine()
    attempt_id = begin(engine, bank=BANK, blueprint=blueprint())
    shown = [item["id"] for item in engine.form["items"]]
    for n, item_id in enumerate(shown):
        engine.answer(item_id=item_id, response=wrong(BY_ID[item_id]) if n == 0 else "x")
    engine.answer(item_id=shown[1], response=right(BY_ID[shown[1]]))
    engine.submit()
    engine.close()
    return attempt_id, shown


def _problems(store: Path, key: Ed25519PrivateKey, attempt_id: str) -> list[str]:
    with sqlite3.connect(store) as connection:
        found = verify_result(
            connection, attempt_id=attempt_id, public_key=key.public_key(), bank=BANK
        )
    return [str(p) for p in found]


def _seq_of_answer(store: Path, item_id: str) -> int:
    with sqlite3.connect(store) as connection:
        rows = connection.execute(
            "SELECT seq, body FROM exam_event WHERE kind = 'answered' ORDER BY seq"
        ).fetchall()
    return max(seq for seq, body in rows if f'"item_id":"{item_id}"'.encode() in bytes(body))


def test_an_untouched_result_verifies(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    assert _problems(store, station_key, finished[0]) == []


def test_an_edited_answer_row_is_named(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    attempt_id, shown = finished
    with sqlite3.connect(store) as connection:
        connection.execute(
            "UPDATE attempt_answer SET response = ? WHERE item_id = ?",
            ('"c"', shown[0]),
        )
    assert _problems(store, station_key, attempt_id) == [
        f"attempt_answer {shown[0]}: the stored answer differs from the signed result"
    ]


def test_an_edited_score_is_named(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    attempt_id, _ = finished
    with sqlite3.connect(store) as connection:
        connection.execute("UPDATE attempt SET score = 6, passed = 1")
    assert _problems(store, station_key, attempt_id) == [
        f"attempt {attempt_id}: the score differs from the signed result"
    ]


def test_an_edited_result_body_fails_its_signature(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    attempt_id, _ = finished
    with sqlite3.connect(store) as connection:
        result_id, body = connection.execute("SELECT id, body FROM exam_result").fetchone()
        forged = bytes(body).replace(b'"passed":false', b'"passed":true')
        assert forged != bytes(body)
        connection.execute("UPDATE exam_result SET body = ?", (forged,))
    problems = _problems(store, station_key, attempt_id)
    assert f"exam_result {result_id}: signature invalid: the result was edited after signing" in (
        problems
    )


def test_an_edited_answer_event_is_named(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    attempt_id, shown = finished
    seq = _seq_of_answer(store, shown[1])
    with sqlite3.connect(store) as connection:
        (body,) = connection.execute("SELECT body FROM exam_event WHERE seq = ?", (seq,)).fetchone()
        forged = bytes(body).replace(b'"response":', b'"response":["forged"],"was":', 1)
        connection.execute("UPDATE exam_event SET body = ? WHERE seq = ?", (forged, seq))
    problems = _problems(store, station_key, attempt_id)
    assert f"exam_event seq {seq}: hash mismatch: the body was edited after it was signed" in (
        problems
    )
    assert f"exam_event seq {seq}: the answer to {shown[1]} differs from the signed result" in (
        problems
    )


def test_a_consistent_forgery_without_the_key_still_fails(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    """Edit the row, the event (re-hashed) and the result: only signatures are left to fail."""
    attempt_id, shown = finished
    seq = _seq_of_answer(store, shown[0])
    with sqlite3.connect(store) as connection:
        body, prev = connection.execute(
            "SELECT body, prev_hash FROM exam_event WHERE seq = ?", (seq,)
        ).fetchone()
        forged = bytes(body).replace(b'"response":', b'"response":"c","was":', 1)
        connection.execute(
            "UPDATE exam_event SET body = ?, hash = ? WHERE seq = ?",
            (forged, chain_hash(prev, forged), seq),
        )
    problems = _problems(store, station_key, attempt_id)
    assert f"exam_event seq {seq}: signature invalid: not signed by this station's key" in problems
    assert f"exam_event seq {seq + 1}: broken link: prev_hash is not the previous event's hash" in (
        problems
    )


def test_a_deleted_answer_event_is_a_gap(
    finished: tuple[str, list[str]], store: Path, station_key: Ed25519PrivateKey
) -> None:
    attempt_id, shown = finished
    seq = _seq_of_answer(store, shown[3])
    with sqlite3.connect(store) as connection:
        connection.execute("DELETE FROM exam_event WHERE seq = ?", (seq,))
    problems = _problems(store, station_key, attempt_id)
    assert f"exam_event seq {seq + 1}: gap in seq: events {seq}..{seq} are missing" in problems
    assert any(p.endswith(f"the answer to {shown[3]} has no answered event") for p in problems)
