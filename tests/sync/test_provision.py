"""``mcdesk station provision FILE``: every refusal says why and leaves the station as it was."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from mcdesk.cli import main
from mcdesk.keys import public_key_b64
from mcdesk.paths import Paths
from mcdesk.protocol.files import write_private
from mcdesk.server.db import make_engine, migrate
from mcdesk.server.provision import provision_station
from mcdesk.settings import Settings
from mcdesk.startup import run_setup, setup_needs
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from tests.server.pulling import set_up_school
from tests.sync.applying import Store

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


@pytest.fixture
def provision_file(tmp_path: Path) -> Path:
    """A provisioning file from a real (SQLite) server database."""
    engine = make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        migrate(engine)
        school = set_up_school(engine, csv="class,learner,pin\nCNC,Ana,1234\n")
        with Session(engine) as session:
            made = provision_station(
                session, school_id=school.school_id, station_name="Lab 9", server_url=None, now=NOW
            )
            session.commit()
    finally:
        engine.dispose()
    path = tmp_path / "lab9.mcprovision"
    write_private(path, made.data)
    return path


@pytest.fixture
def station(home: Paths) -> Store:
    """A station that has run once: demo school, local codes, its own key."""
    open_store(home, now=NOW)
    settings = Settings(import_bundled_catalog=False)
    with opened(home.database) as connection:
        needs = setup_needs(connection, settings=settings)
    run_setup(home, settings, needs, now=NOW)
    return Store(home.database)


def _state(home: Paths, store: Store) -> tuple[object, bytes]:
    return store.dump(), home.station_key.read_bytes()


def _refused(
    path: Path, home: Paths, store: Store, capsys: pytest.CaptureFixture[str], reason: str
) -> None:
    before = _state(home, store)
    assert main(["station", "provision", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("refused: ")
    assert reason in err
    assert _state(home, store) == before


def _rewrite(path: Path, change: dict[str, object]) -> Path:
    document = json.loads(path.read_bytes())
    document.update(change)
    changed = path.with_name("changed.mcprovision")
    changed.write_text(json.dumps(document), encoding="utf-8")
    return changed


def test_a_bad_file_is_refused_and_changes_nothing(
    provision_file: Path, home: Paths, station: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    data = provision_file.read_bytes()
    truncated = provision_file.with_name("cut.mcprovision")
    truncated.write_bytes(data[: len(data) // 2])
    _refused(truncated, home, station, capsys, "not a provisioning file (not JSON)")
    _refused(home.database, home, station, capsys, "not a provisioning file (not JSON)")
    _refused(provision_file.with_name("missing"), home, station, capsys, "cannot read")
    wrong_kind = _rewrite(provision_file, {"kind": "mcdesk-sync-export"})
    _refused(wrong_kind, home, station, capsys, "its kind is 'mcdesk-sync-export'")
    _refused(_rewrite(provision_file, {"format": 2}), home, station, capsys, "format 2")
    _refused(_rewrite(provision_file, {"body": "@@"}), home, station, capsys, "not base64")

    document = json.loads(data)
    body = document["body"]
    for where in (len(body) // 3, len(body) - 10):
        flipped = chr(ord(body[where]) ^ 0x01)
        if flipped not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/":
            flipped = "A" if body[where] != "A" else "B"
        changed = _rewrite(provision_file, {"body": body[:where] + flipped + body[where + 1 :]})
        before = _state(home, station)
        assert main(["station", "provision", str(changed)]) == 1
        err = capsys.readouterr().err
        assert "damaged" in err or "signature does not hold" in err
        assert _state(home, station) == before
    signature = document["signature"]
    bad_signature = signature[:5] + ("A" if signature[5] != "A" else "B") + signature[6:]
    _refused(
        _rewrite(provision_file, {"signature": bad_signature}),
        home,
        station,
        capsys,
        "the server's signature does not hold",
    )


def test_a_station_of_another_server_or_with_unsent_results_is_refused(
    provision_file: Path, home: Paths, station: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    other = public_key_b64(Ed25519PrivateKey.generate().public_key())
    station.execute("INSERT INTO sync_state (key, value) VALUES ('server_public_key', ?)", other)
    _refused(provision_file, home, station, capsys, "enrolled with another server")
    station.execute("DELETE FROM sync_state WHERE key = 'server_public_key'")
    station.execute(
        "INSERT INTO outbox (id, seq, kind, body, created_at) VALUES"
        " ('e1', 1, 'exam_result', x'7b7d', '2026-11-22 09:30:00.000000')"
    )
    _refused(provision_file, home, station, capsys, "sync export")


def test_a_good_file_makes_this_station_the_one_it_describes(
    provision_file: Path, home: Paths, station: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = json.loads(base64.b64decode(json.loads(provision_file.read_bytes())["body"]))
    assert main(["station", "provision", str(provision_file)]) == 0
    out = capsys.readouterr()
    assert "this station is now 'Lab 9' of Northside" in out.out
    assert "roster 4" in out.out
    assert "code_slots 40" in out.out
    assert "Delete" in out.err
    assert station.rows("SELECT id, name FROM station") == [(payload["station"]["id"], "Lab 9")]
    assert home.station_key.stat().st_mode & 0o777 == 0o600
    assert not home.station_key.with_name("station.ed25519.provisioned").exists()
    assert station.rows("SELECT name FROM school") == [("Northside",)]  # the demo school is gone
    server_slots = (
        "SELECT count(*) FROM exam_key_slot WHERE issuer_id ="
        " (SELECT value FROM sync_state WHERE key = 'code_issuer')"
    )
    assert station.rows(server_slots) == [(40,)]
    # The same file again changes nothing it has not changed already.
    before = station.dump()
    assert main(["station", "provision", str(provision_file)]) == 0
    assert station.dump() == before
