"""Exam results: the station's signature on the result must hold, or it is refused."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.server.models import Event, Flag
from tests.server.client import push
from tests.server.conftest import RunningServer, StationIdentity


def result_event(
    seq: int,
    *,
    key: Ed25519PrivateKey,
    tamper: bool = False,
    drop: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    """An exam_result outbox event shaped as mcdesk.exam.results.outbox_body makes it."""
    result_id = f"0190aaaa-0000-7000-8000-{seq:012d}"
    document = {
        "kind": "mcdesk-exam-result",
        "id": result_id,
        "attempt_id": "attempt-1",
        "learner_id": "learner-1",
        "pack_id": "sample-pack",
        "pack_version": "1.0.0",
        "form": {"items": []},
        "responses": {},
        "score": {"points": 3, "max_points": 4, "passed": True},
        "event_counter": 0,
        "chain_hash": "0" * 64,
        **extra,
    }
    for name in drop:
        del document[name]
    signed = canonical_json(document)
    signature = key.sign(signed)
    if tamper:
        signed = signed.replace(b'"points":3', b'"points":9')
    text = canonical_json(
        {
            "kind": "exam_result",
            "result_id": result_id,
            "attempt_id": "attempt-1",
            "result": base64.b64encode(signed).decode(),
            "signature": base64.b64encode(signature).decode(),
        }
    ).decode()
    return {
        "id": result_id,
        "seq": seq,
        "kind": "exam_result",
        "body": text,
        "body_sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def test_a_result_signed_by_the_station_is_accepted(
    server: RunningServer, station: StationIdentity
) -> None:
    event = result_event(1, key=station.key)
    response = push(server.base_url, station, [event])
    assert response.json()["accepted"] == [event["id"]]


def test_an_edited_result_is_rejected_as_bad_signature_and_flagged(
    server: RunningServer, station: StationIdentity
) -> None:
    edited = result_event(1, key=station.key, tamper=True)
    other_key = result_event(2, key=Ed25519PrivateKey.generate())
    response = push(server.base_url, station, [edited, other_key])
    assert response.status_code == 200
    assert response.json()["rejected"] == [
        {"id": edited["id"], "reason": "bad_signature"},
        {"id": other_key["id"], "reason": "bad_signature"},
    ]
    with Session(server.engine) as session:
        assert list(session.exec(select(Event))) == []
        found = session.exec(select(Flag).where(col(Flag.kind) == "bad_signature")).all()
    assert sorted(f.event_id or "" for f in found) == sorted([edited["id"], other_key["id"]])


def test_a_signed_result_missing_a_field_is_rejected_as_malformed(
    server: RunningServer, station: StationIdentity
) -> None:
    event = result_event(1, key=station.key, drop=("learner_id",))
    response = push(server.base_url, station, [event])
    assert response.json()["rejected"] == [{"id": event["id"], "reason": "malformed"}]
    with Session(server.engine) as session:
        assert list(session.exec(select(Event))) == []
