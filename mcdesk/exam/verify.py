"""Checking a stored result: its signature, and that the store and the event log agree.

A learner with the database file could edit an answer row, a score or an event. Each
edit shows up as a ``Problem`` that names the row or the event: the result's signature
covers its own bytes, the log's hash chain and signatures cover every event, and the
answers replayed from the log must equal the answers the result carries.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcdesk.exam.eventlog import ExamEvent, Problem, read_events, verify_log
from mcdesk.keys import verify_signature
from mcdesk.protocol.attempt_score import score_form, score_from_json
from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.items.parsed import parse_bank


def _same(a: Any, b: Any) -> bool:
    return canonical_json(a) == canonical_json(b)


def _replayed(events: list[ExamEvent]) -> dict[str, tuple[Any, ExamEvent]]:
    """The last response per item according to the log, with the event that set it."""
    last: dict[str, tuple[Any, ExamEvent]] = {}
    for event in events:
        data = event.body.get("data", {})
        if event.kind == "answered" and isinstance(data, dict) and "item_id" in data:
            last[str(data["item_id"])] = (data.get("response"), event)
    return last


def _answer_problems(
    connection: sqlite3.Connection,
    *,
    attempt_id: str,
    signed: Mapping[str, Any],
    events: list[ExamEvent],
    where_result: str,
) -> list[Problem]:
    problems: list[Problem] = []
    signed_responses = {item: entry.get("response") for item, entry in signed.items()}
    replay = _replayed(events)
    for item in sorted(set(replay) | {i for i, r in signed_responses.items() if r is not None}):
        if item not in replay:
            problems.append(Problem(where_result, f"the answer to {item} has no answered event"))
            continue
        response, event = replay[item]
        if not _same(response, signed_responses.get(item)):
            what = f"the answer to {item} differs from the signed result"
            problems.append(Problem(f"exam_event seq {event.seq}", what, seq=event.seq))
    rows = connection.execute(
        "SELECT item_id, response FROM attempt_answer WHERE attempt_id = ?", (attempt_id,)
    ).fetchall()
    stored = {str(item): None if text is None else json.loads(text) for item, text in rows}
    for item in sorted(set(stored) | set(signed_responses)):
        if not _same(stored.get(item), signed_responses.get(item)):
            what = "the stored answer differs from the signed result"
            problems.append(Problem(f"attempt_answer {item}", what))
    return problems


def _chain_problems(
    document: Mapping[str, Any], events: list[ExamEvent], result_body: bytes
) -> list[Problem]:
    problems: list[Problem] = []
    by_seq = {event.seq: event for event in events}
    counter = document.get("event_counter")
    ended = by_seq.get(counter) if isinstance(counter, int) else None
    if ended is None or ended.hash != document.get("chain_hash"):
        what = "the event the result names (counter and chain hash) is missing or different"
        seq = counter if isinstance(counter, int) else None
        problems.append(Problem(f"exam_event seq {counter}", what, seq=seq))
    scored = [e for e in events if e.kind == "scored"]
    digest = hashlib.sha256(result_body).hexdigest()
    if not scored or scored[-1].body.get("data", {}).get("result_sha256") != digest:
        seq = scored[-1].seq if scored else None
        problems.append(
            Problem(f"exam_event seq {seq}", "the scored event names another result", seq=seq)
        )
    created = next((e for e in events if e.kind == "created"), None)
    if created is None or not _same(created.body.get("data", {}).get("form"), document["form"]):
        seq = created.seq if created else None
        what = "the form differs from the one drawn when the attempt was created"
        problems.append(Problem(f"exam_event seq {seq}", what, seq=seq))
    return problems


def verify_result(
    connection: sqlite3.Connection,
    *,
    attempt_id: str,
    public_key: Ed25519PublicKey,
    bank: Sequence[Mapping[str, Any]] | None = None,
) -> list[Problem]:
    """Every problem with an attempt's result, its rows and the event log; empty if sound.

    With the bank, the responses are also re-scored and compared with the signed score.
    """
    row = connection.execute(
        "SELECT id, body, signature FROM exam_result WHERE attempt_id = ?", (attempt_id,)
    ).fetchone()
    if row is None:
        return [Problem(f"attempt {attempt_id}", "no result is stored for this attempt")]
    result_id, body, signature = str(row[0]), bytes(row[1]), bytes(row[2])
    where = f"exam_result {result_id}"
    problems = list(verify_log(connection, public_key))
    if not verify_signature(public_key, signature, body):
        problems.append(Problem(where, "signature invalid: the result was edited after signing"))
    document = json.loads(body)
    events = read_events(connection, attempt_id=attempt_id)
    problems += _answer_problems(
        connection,
        attempt_id=attempt_id,
        signed=document.get("responses", {}),
        events=events,
        where_result=where,
    )
    problems += _chain_problems(document, events, body)
    score = score_from_json(document["score"])
    attempt = connection.execute(
        "SELECT score, max_score, passed, result_id FROM attempt WHERE id = ?", (attempt_id,)
    ).fetchone()
    if attempt is None or (
        attempt[0] is None
        or abs(float(attempt[0]) - score.points) > 1e-6
        or attempt[1] != score.max_points
        or bool(attempt[2]) != score.passed
        or attempt[3] != result_id
    ):
        problems.append(
            Problem(f"attempt {attempt_id}", "the score differs from the signed result")
        )
    if bank is not None:
        responses = {item: e.get("response") for item, e in document["responses"].items()}
        rescored = score_form(
            form=document["form"],
            bank=parse_bank(bank),
            responses=responses,
            proficiency_level=score.proficiency_level,
        )
        if abs(rescored.points - score.points) > 1e-6:
            what = f"the signed score {score.points:g} re-scores as {rescored.points:g}"
            problems.append(Problem(where, what))
    return problems
