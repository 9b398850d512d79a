"""Station ids fit one pattern (mcdesk.protocol.ids.STATION_ID), on the station and at enrolment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, func, select

from mcdesk.keys import public_key_b64
from mcdesk.protocol.ids import STATION_ID, BadStationId, check_station_id, new_station_id
from mcdesk.server.admin import StationError, register_station
from mcdesk.server.models import EnrolToken, Station
from mcdesk.station import ensure_station
from mcdesk.store.engine import make_engine
from mcdesk.store.migrate import upgrade
from tests.server.conftest import RunningServer
from tests.server.test_enrolment import ENROLL, body, make_token

HOSTILE_IDS = {
    "empty": ("", "the station id is empty"),
    "long": ("a" * 100_000, "the station id has 100,000 characters; at most 64 are allowed"),
    "right-to-left": ("lab\u202e1", "is not a station id"),
    "path": ("../../etc/passwd", "is not a station id"),
    "space": ("lab 1", "is not a station id"),
    "newline": ("lab-1\n", "is not a station id"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_IDS))
def test_enrolment_refuses_a_station_id_that_is_not_one(server: RunningServer, case: str) -> None:
    station_id, words = HOSTILE_IDS[case]
    token = make_token(server)
    request = body(token, Ed25519PrivateKey.generate(), station_id)
    # Sent as a whole JSON body here (a 100,000-character id is over the enrolment route's
    # body limit, so it is refused with 413 before it is even parsed).
    answer = requests.post(server.url(ENROLL), json=request, timeout=30)
    if case == "long":
        assert answer.status_code == 413
    else:
        assert answer.status_code == 400
        assert words in answer.json()["detail"]
    with Session(server.engine) as session:
        assert session.exec(select(func.count()).select_from(Station)).one() == 0
        [row] = session.exec(select(EnrolToken)).all()
        assert row.used_at is None  # the token still works for a right id
    good = requests.post(
        server.url(ENROLL), json=body(token, Ed25519PrivateKey.generate(), new_station_id()),
        timeout=30,
    )  # fmt: skip
    assert good.status_code == 200


@pytest.mark.parametrize("case", sorted(HOSTILE_IDS))
def test_registering_refuses_the_same_ids(server: RunningServer, case: str) -> None:
    station_id, words = HOSTILE_IDS[case]
    with Session(server.engine) as session, pytest.raises(StationError, match=words):
        register_station(
            session,
            station_id=station_id,
            name="Lab",
            public_key_b64=public_key_b64(Ed25519PrivateKey.generate().public_key()),
            now=datetime.now(UTC),
        )


def test_ids_the_house_makes_fit_the_pattern(tmp_path: Path) -> None:
    database = tmp_path / "station.sqlite3"
    upgrade(database)
    engine = make_engine(database)
    try:
        station = ensure_station(
            engine=engine, key_path=tmp_path / "key.pem", name="Lab", now=datetime.now(UTC)
        )
    finally:
        engine.dispose()
    assert STATION_ID.fullmatch(station.id)
    for made in (new_station_id(), "s", "lab-1", "station_a.2", "x" * 64):
        assert check_station_id(made) == made
    for bad in ("x" * 65, "-lab", ".hidden", "lab/1", "lab\\1", "lab\u0661"):
        with pytest.raises(BadStationId):
            check_station_id(bad)
