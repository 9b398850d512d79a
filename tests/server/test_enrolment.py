"""Enrolment over real HTTP: a token enrols one station once, then that station can push."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from mcdesk.keys import public_key_b64
from mcdesk.server.enrolment import new_enrol_token
from mcdesk.server.models import EnrolToken, School, Station
from mcdesk.server.signer import load_signer
from mcdesk.store.migrate import upgrade
from mcdesk.sync.client import SyncError, push_once
from mcdesk.sync.enrol import enrol_station
from mcdesk.sync.pinning import pinned_server_key
from tests.server.conftest import RunningServer
from tests.sync.conftest import StationIdentity, StationStore

ENROLL = "/api/v1/enroll"


def make_token(server: RunningServer, *, ttl: timedelta = timedelta(hours=1)) -> str:
    with Session(server.engine) as session:
        if session.get(School, "school-1") is None:
            session.add(School(id="school-1", name="Northside"))
            session.commit()
        return new_enrol_token(
            session, school_id="school-1", station_name="Lab 1", ttl=ttl, now=datetime.now(UTC)
        )


def body(token: str, key: Ed25519PrivateKey, station_id: str = "station-e") -> dict[str, str]:
    return {
        "token": token,
        "station_id": station_id,
        "name": "front desk",
        "public_key": public_key_b64(key.public_key()),
    }


def test_a_token_enrols_once(server: RunningServer) -> None:
    token = make_token(server)
    key = Ed25519PrivateKey.generate()
    answer = requests.post(server.url(ENROLL), json=body(token, key), timeout=30)
    assert answer.status_code == 200
    with Session(server.engine) as session:
        signer = load_signer(session)
        assert signer is not None
        assert answer.json() == {
            "station_id": "station-e",
            "school": "Northside",
            "station_name": "Lab 1",
            "server_key": public_key_b64(signer.public_key),
        }
        station = session.get(Station, "station-e")
        assert station is not None
        assert (station.name, station.school_id) == ("Lab 1", "school-1")
        assert session.get(EnrolToken, token) is None  # only the hash is stored
    again = requests.post(
        server.url(ENROLL), json=body(token, Ed25519PrivateKey.generate(), "station-f"), timeout=30
    )
    assert (again.status_code, again.json()) == (
        410,
        {"detail": "this enrolment token was used already"},
    )


def test_the_same_station_asking_again_gets_its_answer_again(server: RunningServer) -> None:
    """A lost answer must not strand a station: the same id and key may redeem again."""
    token = make_token(server)
    assert not token.startswith("-")  # safe after --token on a command line
    key = Ed25519PrivateKey.generate()
    first = requests.post(server.url(ENROLL), json=body(token, key), timeout=30)
    typed = token.lower().replace("-", " ")  # read aloud, typed in another case and spacing
    second = requests.post(server.url(ENROLL), json=body(typed, key), timeout=30)
    assert second.status_code == 200
    assert second.json() == first.json()
    thief = requests.post(
        server.url(ENROLL), json=body(token, Ed25519PrivateKey.generate()), timeout=30
    )
    assert thief.status_code == 410  # the same station id with another key is not the same


def test_expired_and_unknown_tokens_are_refused(server: RunningServer) -> None:
    key = Ed25519PrivateKey.generate()
    expired = make_token(server, ttl=timedelta(seconds=-1))
    answer = requests.post(server.url(ENROLL), json=body(expired, key), timeout=30)
    assert (answer.status_code, answer.json()) == (
        410,
        {"detail": "this enrolment token has expired"},
    )
    answer = requests.post(server.url(ENROLL), json=body("not-a-token", key), timeout=30)
    assert (answer.status_code, answer.json()) == (400, {"detail": "unknown enrolment token"})
    with Session(server.engine) as session:
        assert session.get(Station, "station-e") is None


def test_an_enrolled_station_pushes_with_no_other_registration(
    server: RunningServer, tmp_path: Path
) -> None:
    database = tmp_path / "station.sqlite3"
    upgrade(database)
    key = Ed25519PrivateKey.generate()
    store = StationStore(database=database, identity=StationIdentity(id="station-e", key=key))
    store.add_events(2)
    with pytest.raises(SyncError, match="enrolment token"):
        enrol_station(
            database=database,
            server_url=server.base_url,
            token="wrong",
            station_id="station-e",
            name="Lab",
            public_key_b64=public_key_b64(key.public_key()),
        )
    enrolment = enrol_station(
        database=database,
        server_url=server.base_url,
        token=make_token(server),
        station_id="station-e",
        name="Lab",
        public_key_b64=public_key_b64(key.public_key()),
    )
    assert enrolment.school == "Northside"
    pinned = pinned_server_key(database)
    assert pinned is not None
    assert public_key_b64(pinned) == public_key_b64(enrolment.server_key)
    report = push_once(
        database=database,
        station_key=key,
        station_id="station-e",
        server_url=server.base_url,
        server_public_key=pinned,
    )
    assert (report.accepted, report.rejected, store.unsent()) == (2, [], 0)
