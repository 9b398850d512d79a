"""Pushing events: stored once, receipts signed by the server, conflicts kept and flagged."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlmodel import Session, col, select

from mcdesk.protocol.canonical import canonical_json
from mcdesk.protocol.documents import PUSH_PATH
from mcdesk.protocol.signing import signed_headers
from mcdesk.server.models import Event, Flag
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, StationIdentity


def server_public_key(server: RunningServer) -> Ed25519PublicKey:
    answer = requests.get(server.url("/api/v1/server-key"), timeout=10).json()
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(answer["public_key"]))


def stored(server: RunningServer) -> list[Event]:
    with Session(server.engine) as session:
        return list(session.exec(select(Event).order_by(col(Event.seq))))


def flags(server: RunningServer, kind: str) -> list[Flag]:
    with Session(server.engine) as session:
        return list(session.exec(select(Flag).where(col(Flag.kind) == kind)))


def test_a_signed_push_is_stored_with_receipts_the_server_key_verifies(
    server: RunningServer, station: StationIdentity
) -> None:
    events = [make_event(seq) for seq in (1, 2, 3)]
    response = push(server.base_url, station, events)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["accepted"] == [e["id"] for e in events]
    assert answer["duplicate"] == answer["rejected"] == []
    key = server_public_key(server)
    for event, receipt in zip(events, answer["receipts"], strict=True):
        key.verify(base64.b64decode(receipt["signature"]), receipt["body"].encode("utf-8"))
        body = json.loads(receipt["body"])
        assert body["event_id"] == receipt["event_id"] == event["id"]
        assert body["station_id"] == station.id
        assert body["body_sha256"] == event["body_sha256"]
        assert body["seq"] == event["seq"]
        assert canonical_json(body) == receipt["body"].encode("utf-8")
    assert [(e.event_id, e.body.decode()) for e in stored(server)] == [
        (e["id"], e["body"]) for e in events
    ]


def test_the_same_batch_again_is_all_duplicate_with_the_original_receipts(
    server: RunningServer, station: StationIdentity
) -> None:
    events = [make_event(seq) for seq in (1, 2)]
    first = push(server.base_url, station, events).json()
    again = push(server.base_url, station, events)
    assert again.status_code == 200
    assert again.json()["duplicate"] == [e["id"] for e in events]
    assert again.json()["accepted"] == []
    assert again.json()["receipts"] == first["receipts"]
    assert len(stored(server)) == 2


def test_same_id_with_another_body_is_a_409_conflict_and_the_original_is_kept(
    server: RunningServer, station: StationIdentity
) -> None:
    original = make_event(1, points=3)
    assert push(server.base_url, station, [original]).status_code == 200
    forged_text = original["body"].replace('"points":3', '"points":9')
    forged = {
        **original,
        "body": forged_text,
        "body_sha256": hashlib.sha256(forged_text.encode()).hexdigest(),
    }
    fresh = make_event(2)
    response = push(server.base_url, station, [forged, fresh])
    assert response.status_code == 409
    assert response.json()["rejected"] == [{"id": original["id"], "reason": "conflict"}]
    assert response.json()["accepted"] == [fresh["id"]]  # the rest of the batch still lands
    assert stored(server)[0].body.decode() == original["body"]
    [flag] = flags(server, "conflict")
    assert flag.event_id == original["id"]
    assert flag.station_id == station.id


def test_a_body_that_does_not_match_its_hash_is_rejected(
    server: RunningServer, station: StationIdentity
) -> None:
    event = make_event(1)
    event["body_sha256"] = hashlib.sha256(b"something else").hexdigest()
    response = push(server.base_url, station, [event])
    assert response.json()["rejected"] == [{"id": event["id"], "reason": "hash_mismatch"}]
    assert stored(server) == []


def test_more_than_500_events_is_413_with_a_message(
    server: RunningServer, station: StationIdentity
) -> None:
    response = push(server.base_url, station, [make_event(seq) for seq in range(1, 502)])
    assert response.status_code == 413
    assert "500" in response.json()["detail"]
    assert stored(server) == []


def test_the_same_batch_posted_twice_at_once_is_stored_once(
    server: RunningServer, station: StationIdentity
) -> None:
    events = [make_event(seq) for seq in range(1, 201)]
    answers: list[Any] = []
    barrier = threading.Barrier(2)

    def post() -> None:
        barrier.wait()
        answers.append(push(server.base_url, station, events))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(r.status_code for r in answers) == [200, 200]
    ids = [e["id"] for e in events]
    accepted = [i for r in answers for i in r.json()["accepted"]]
    duplicate = [i for r in answers for i in r.json()["duplicate"]]
    assert sorted(accepted) == sorted(ids)  # each event accepted by exactly one request
    assert sorted(duplicate) == sorted(ids)
    receipts = [{r["event_id"]: r for r in a.json()["receipts"]} for a in answers]
    assert receipts[0] == receipts[1]  # the loser got the winner's receipts
    assert [e.event_id for e in stored(server)] == ids


def signed_batch(station: StationIdentity, seq: int) -> tuple[bytes, dict[str, str]]:
    """One event's push body and its signed headers, as a station sends them."""
    body = json.dumps({"events": [make_event(seq)]}).encode("utf-8")
    headers = signed_headers(
        key=station.key, station_id=station.id, method="POST", path=PUSH_PATH,
        body=body, timestamp=int(time.time()),
    )  # fmt: skip
    headers["Content-Type"] = "application/json"
    return body, headers


def test_a_push_answer_closes_its_connection_and_the_next_push_opens_another(
    server: RunningServer, station: StationIdentity
) -> None:
    """Each push gets a new connection, so a station's next batch goes to whichever worker
    is free to accept it, not to the one that took its first batch (a kept-alive station
    stays on one worker for its whole round, and a burst of stations can land unevenly)."""
    address = urlsplit(server.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    ports = []
    for seq in (1, 2):
        body, headers = signed_batch(station, seq)
        connection.request("POST", PUSH_PATH, body=body, headers=headers)
        assert connection.sock is not None
        ports.append(connection.sock.getsockname()[1])
        answer = connection.getresponse()
        assert answer.status == 200
        assert answer.getheader("Connection") == "close"
        assert len(json.loads(answer.read())["accepted"]) == 1
        assert connection.sock is None  # closed after the answer, as the server said
    connection.close()
    assert ports[0] != ports[1]
    assert len(stored(server)) == 2
    # A station's own client (requests, one session a round) opens the next one itself.
    with requests.Session() as session:
        for seq in (3, 4):
            body, headers = signed_batch(station, seq)
            response = session.post(server.url(PUSH_PATH), data=body, headers=headers, timeout=30)
            assert response.status_code == 200, response.text
    assert len(stored(server)) == 4
