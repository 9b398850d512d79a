"""Pushing a real station outbox to a real server: receipts stored, every event once."""

from __future__ import annotations

import base64
import hashlib
import json
import random
import socket
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, col, select

from mcdesk.server.models import Event
from mcdesk.sync.backoff import Backoff
from mcdesk.sync.client import PushReport, SyncError, fetch_server_key, push_once
from tests.server.client import push
from tests.server.conftest import RunningServer
from tests.sync.conftest import StationStore, make_station
from tests.sync.proxy import (
    DELAY,
    DROP,
    DUPLICATE,
    ERROR_503,
    GARBAGE,
    PASS,
    RESET,
    fault_proxy,
)


def server_events(server: RunningServer, station_id: str) -> list[Event]:
    with Session(server.engine) as session:
        query = select(Event).where(col(Event.station_id) == station_id)
        return list(session.exec(query.order_by(col(Event.seq))))


def push_station(store: StationStore, url: str, server_url: str) -> PushReport:
    """Push through ``url`` (the server or a proxy), trusting the real server's key."""
    return push_once(
        database=store.database,
        station_key=store.identity.key,
        station_id=store.identity.id,
        server_url=url,
        server_public_key=fetch_server_key(server_url),
    )


def assert_receipts_verify(store: StationStore, server: RunningServer) -> None:
    key = fetch_server_key(server.base_url)
    outbox = {event.id: event for event in store.outbox()}
    receipts = store.receipts()
    assert sorted(r.event_id for r in receipts) == sorted(outbox)
    for receipt in receipts:
        key.verify(receipt.signature, receipt.body)
        fields = json.loads(receipt.body)
        assert fields["event_id"] == receipt.event_id
        assert fields["station_id"] == store.identity.id
        assert fields["body_sha256"] == hashlib.sha256(outbox[receipt.event_id].body).hexdigest()
        assert fields["seq"] == outbox[receipt.event_id].seq


def test_a_push_sends_everything_and_stores_one_verified_receipt_per_event(
    server: RunningServer, station_store: StationStore
) -> None:
    ids = station_store.add_events(5)
    report = push_station(station_store, server.base_url, server.base_url)
    assert (report.accepted, report.duplicate, report.rejected) == (5, 0, [])
    assert (report.batches, report.remaining) == (1, 0)
    assert station_store.unsent() == 0
    assert_receipts_verify(station_store, server)
    assert [e.event_id for e in server_events(server, "station-a")] == ids
    again = push_station(station_store, server.base_url, server.base_url)
    assert (again.accepted, again.duplicate, again.batches) == (0, 0, 0)


def test_after_a_lost_response_the_push_is_all_duplicate_and_stored_once(
    server: RunningServer, station_store: StationStore
) -> None:
    station_store.add_events(4)
    # The first push reached the server, but its answer never came back to the station.
    lost = [
        {
            "id": e.id,
            "seq": e.seq,
            "kind": e.kind,
            "body": e.body.decode(),
            "body_sha256": hashlib.sha256(e.body).hexdigest(),
        }
        for e in station_store.outbox()
    ]
    first = push(server.base_url, station_store.identity, lost)
    assert first.status_code == 200
    report = push_station(station_store, server.base_url, server.base_url)
    assert (report.accepted, report.duplicate, report.remaining) == (0, 4, 0)
    assert station_store.unsent() == 0
    assert_receipts_verify(station_store, server)
    # The original receipts, byte for byte.
    stored = {r.event_id: r.body for r in station_store.receipts()}
    assert {r["event_id"]: r["body"].encode() for r in first.json()["receipts"]} == stored
    assert len(server_events(server, "station-a")) == 4


def test_twelve_hundred_events_go_in_three_batches(
    server: RunningServer, station_store: StationStore
) -> None:
    ids = station_store.add_events(1200)
    report = push_station(station_store, server.base_url, server.base_url)
    assert (report.accepted, report.batches, report.remaining) == (1200, 3, 0)
    assert station_store.unsent() == 0
    assert len(station_store.receipts()) == 1200
    assert [e.event_id for e in server_events(server, "station-a")] == ids


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_server_that_is_down_leaves_the_outbox_untouched(
    server: RunningServer, station_store: StationStore
) -> None:
    station_store.add_events(3)
    before = [(e.id, e.seq, e.body) for e in station_store.outbox()]
    with pytest.raises(SyncError, match="server unreachable"):
        push_station(station_store, closed_port_url(), server.base_url)
    assert [(e.id, e.seq, e.body) for e in station_store.outbox()] == before
    assert station_store.receipts() == []
    assert station_store.unsent() == 3


@pytest.mark.parametrize(
    ("mode", "reason"), [(ERROR_503, "server error 503"), (GARBAGE, "not understood")]
)
def test_a_failing_or_babbling_server_changes_nothing(
    server: RunningServer, station_store: StationStore, mode: str, reason: str
) -> None:
    station_store.add_events(2)
    with (
        fault_proxy(server.base_url, modes=[mode], seed=1) as proxy,
        pytest.raises(SyncError, match=reason),
    ):
        push_station(station_store, proxy.url, server.base_url)
    assert station_store.receipts() == []
    assert station_store.unsent() == 2


def test_receipts_from_another_key_are_refused_and_nothing_is_marked_sent(
    server: RunningServer, station_store: StationStore
) -> None:
    station_store.add_events(2)
    impostor = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(SyncError, match="not signed by the pinned server key"):
        push_once(
            database=station_store.database,
            station_key=station_store.identity.key,
            station_id=station_store.identity.id,
            server_url=server.base_url,
            server_public_key=impostor,
        )
    assert station_store.receipts() == []


def test_an_unregistered_station_is_told_why(
    server: RunningServer, station_store: StationStore
) -> None:
    station_store.add_events(1)
    with pytest.raises(SyncError, match="unknown station"):
        push_once(
            database=station_store.database,
            station_key=station_store.identity.key,
            station_id="nobody",
            server_url=server.base_url,
            server_public_key=fetch_server_key(server.base_url),
        )
    assert station_store.unsent() == 1


def test_many_stations_through_a_faulty_network_store_every_event_exactly_once(
    server: RunningServer, template_store: Path, tmp_path: Path
) -> None:
    rng = random.Random(7)
    stations = [
        make_station(server, template_store, tmp_path, station_id=f"lab-{n}") for n in range(5)
    ]
    created = {s.identity.id: s.add_events(rng.randint(20, 60)) for s in stations}
    key = fetch_server_key(server.base_url)
    modes = [PASS, PASS, DROP, RESET, RESET, DELAY, DUPLICATE, ERROR_503]
    failures = 0
    with fault_proxy(server.base_url, modes=modes, seed=11) as proxy:
        for store in stations:
            backoff = Backoff()
            with requests.Session() as http:
                for _ in range(60):
                    try:
                        report = push_once(
                            database=store.database,
                            station_key=store.identity.key,
                            station_id=store.identity.id,
                            server_url=proxy.url,
                            server_public_key=key,
                            session=http,
                            batch_size=7,
                            timeout=10,
                        )
                    except SyncError:
                        failures += 1
                        # Computed as the real loop would, but not slept: the test stays fast.
                        assert 0 <= backoff.failed(rng) <= 300
                        continue
                    assert report.rejected == []
                    backoff.succeeded()
                    if report.remaining == 0:
                        break
            assert store.unsent() == 0, f"{store.identity.id} still has unsent events"
    # Every fault really happened, and the retries really were needed.
    assert set(proxy.seen) == set(modes)
    assert failures > 0
    total = 0
    for store in stations:
        ids = created[store.identity.id]
        on_server = [e.event_id for e in server_events(server, store.identity.id)]
        assert sorted(on_server) == sorted(ids)  # each once, none missing
        assert len(store.receipts()) == len(ids)
        assert_receipts_verify(store, server)
        total += len(ids)
    with Session(server.engine) as session:
        assert len(list(session.exec(select(Event)))) == total


def test_the_server_key_is_fetched_as_published(server: RunningServer) -> None:
    answer = requests.get(server.url("/api/v1/server-key"), timeout=10).json()
    key = fetch_server_key(server.base_url + "/")
    assert base64.b64encode(key.public_bytes_raw()).decode() == answer["public_key"]
