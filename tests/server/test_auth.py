"""Forged, replayed, stale and unknown requests are refused with 401 and a reason."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, select

from mcdesk.server.admin import revoke_station
from mcdesk.server.models import Event
from tests.server.client import make_event, push
from tests.server.conftest import RunningServer, StationIdentity, enrol


def refused(response: object, reason: str) -> None:
    assert getattr(response, "status_code", None) == 401
    assert reason in response.json()["detail"]  # type: ignore[attr-defined]


def nothing_stored(server: RunningServer) -> bool:
    with Session(server.engine) as session:
        return list(session.exec(select(Event))) == []


def flip_a_bit(body: bytes) -> bytes:
    at = body.index(b"safety")
    return body[:at] + bytes([body[at] ^ 0x01]) + body[at + 1 :]


def test_a_flipped_bit_in_the_body_is_refused(
    server: RunningServer, station: StationIdentity
) -> None:
    refused(push(server.base_url, station, [make_event(1)], tamper=flip_a_bit), "bad signature")
    assert nothing_stored(server)


def test_a_request_signed_by_another_stations_key_is_refused(
    server: RunningServer, station: StationIdentity
) -> None:
    other = enrol(server.engine, station_id="station-b")
    refused(push(server.base_url, station, [make_event(1)], key=other.key), "bad signature")
    stranger = Ed25519PrivateKey.generate()
    refused(push(server.base_url, station, [make_event(1)], key=stranger), "bad signature")
    assert nothing_stored(server)


def test_a_replayed_nonce_is_refused(server: RunningServer, station: StationIdentity) -> None:
    nonce = "ab" * 16
    assert push(server.base_url, station, [make_event(1)], nonce=nonce).status_code == 200
    refused(push(server.base_url, station, [make_event(2)], nonce=nonce), "nonce was used")


@pytest.mark.parametrize("offset", [-600, 600])
def test_a_timestamp_ten_minutes_off_is_refused(
    server: RunningServer, station: StationIdentity, offset: int
) -> None:
    late = int(time.time()) + offset
    refused(push(server.base_url, station, [make_event(1)], timestamp=late), "timestamp")
    assert nothing_stored(server)


def test_a_revoked_station_is_refused(server: RunningServer, station: StationIdentity) -> None:
    assert push(server.base_url, station, [make_event(1)]).status_code == 200
    with Session(server.engine) as session:
        revoke_station(session, station_id=station.id, now=datetime.now(UTC))
    refused(push(server.base_url, station, [make_event(2)]), "revoked")


def test_an_unknown_station_is_refused(server: RunningServer) -> None:
    ghost = StationIdentity(id="ghost", key=Ed25519PrivateKey.generate())
    refused(push(server.base_url, ghost, [make_event(1)]), "unknown station")


def test_a_short_nonce_and_missing_headers_are_refused(
    server: RunningServer, station: StationIdentity
) -> None:
    refused(push(server.base_url, station, [make_event(1)], nonce="ab" * 4), "nonce")
    import requests

    response = requests.post(server.url("/api/v1/push"), json={"events": []}, timeout=10)
    refused(response, "missing header")
