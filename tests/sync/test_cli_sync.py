"""`mcdesk sync --once`: pins the server key, pushes, says what happened in plain words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session, select

from mcdesk.cli import main
from mcdesk.keys import public_key_b64, read_private_key
from mcdesk.paths import Paths
from mcdesk.server.admin import register_station
from mcdesk.store.engine import make_engine
from mcdesk.store.outbox import add_event
from mcdesk.store.tables import Station, SyncState
from mcdesk.sync.pinning import SERVER_PUBLIC_KEY
from tests.conftest import NOW
from tests.server.conftest import RunningServer


def test_sync_once_pushes_pins_the_key_and_refuses_a_changed_key(
    home: Paths, server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # First run: the store is set up; the server does not know this station yet.
    assert main(["sync", "--once", "--server", server.base_url]) == 1
    assert "unknown station" in capsys.readouterr().err
    engine = make_engine(home.database)
    try:
        with Session(engine) as session:
            station_id = session.exec(select(Station)).one().id
            for n in range(3):
                add_event(session, kind="skill_studied", body={"n": n}, now=NOW)
            session.commit()
        assert main(["sync", "--once", "--server", server.base_url]) == 1
        assert "unknown station" in capsys.readouterr().err
        with Session(server.engine) as session:
            key = read_private_key(home.station_key)
            register_station(
                session,
                station_id=station_id,
                name="Lab",
                public_key_b64=public_key_b64(key.public_key()),
                now=datetime.now(UTC),
            )

        assert main(["sync", "--once", "--server", server.base_url]) == 0
        assert capsys.readouterr().out.strip() == (
            "pushed 3 events (0 already there); 0 waiting; receipts stored"
        )

        other = public_key_b64(Ed25519PrivateKey.generate().public_key())
        with Session(engine) as session:
            session.merge(SyncState(key=SERVER_PUBLIC_KEY, value=other))
            session.commit()
        assert main(["sync", "--once", "--server", server.base_url]) == 1
        assert "presents a different key" in capsys.readouterr().err
    finally:
        engine.dispose()


def test_sync_without_a_server_says_how_to_set_one(
    home: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--once"]) == 1
    assert "set server_url" in capsys.readouterr().err


def test_sync_warns_when_the_server_is_plain_http_beyond_the_school(
    home: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 9 (discard) on a TEST-NET address: nothing answers, the warning comes first.
    assert main(["sync", "--once", "--server", "http://192.0.2.1:9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("warning: Sync with 192.0.2.1 is not encrypted (http://)")
    assert "sync failed" in err
