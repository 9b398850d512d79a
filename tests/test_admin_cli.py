"""`mcdesk admin …` against a SQLite file, and `mcdesk station enroll` against a live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.cli.main import main
from mcdesk.keys import public_key_b64
from mcdesk.paths import Paths
from mcdesk.server.db import make_engine
from mcdesk.server.models import Learner, Station, Teacher
from mcdesk.server.signer import load_signer
from mcdesk.store.engine import make_engine as make_store_engine
from mcdesk.store.sync_state import SERVER_URL_KEY
from mcdesk.store.tables import SyncState
from mcdesk.sync.pinning import SERVER_PUBLIC_KEY
from tests.server.conftest import (  # noqa: F401  (fixtures pytest finds by name)
    RunningServer,
    database_url,
    postgres_port,
    server,
)


def test_school_teacher_roster_and_token_round_trip(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'admin.sqlite3'}"
    db = ["--db", url]
    assert main(["admin", "school", "add", "Northside", *db]) == 0
    assert main(["admin", "school", "add", "Northside", *db]) == 1
    assert "exists already" in capsys.readouterr().err
    password = tmp_path / "password.txt"
    password.write_text("chalk and cheese 42\n", encoding="utf-8")
    secret = ["--password-file", str(password)]
    teacher = ["--school", "Northside", "--username", "mlee", "--name", "Ms Lee", *secret, *db]
    assert main(["admin", "teacher", "add", *teacher]) == 0
    assert main(["admin", "teacher", "add", "--school", "Nowhere", "--username", "x",
                 "--name", "X", *secret, *db]) == 1  # fmt: skip
    assert "no school called 'Nowhere'" in capsys.readouterr().err

    bad = tmp_path / "bad.csv"
    bad.write_text("class,learner\nCNC,\nCNC,Chi\nCNC,Chi\n", encoding="utf-8")
    assert main(["admin", "roster", "import", "--school", "Northside", str(bad), *db]) == 1
    err = capsys.readouterr().err
    assert "line 2: empty learner name\nline 4: duplicate of line 3\n" in err
    good = tmp_path / "good.csv"
    good.write_text("class,learner\nCNC,Chi\nCNC,Dee\n", encoding="utf-8")
    assert main(["admin", "roster", "import", "--school", "Northside", str(good), *db]) == 1
    assert "give --pins-out FILE" in capsys.readouterr().err  # and nothing was imported
    pins = tmp_path / "pins.csv"
    imported = ["admin", "roster", "import", "--school", "Northside", str(good)]
    assert main([*imported, "--pins-out", str(pins), *db]) == 0
    assert capsys.readouterr().out.startswith("roster imported: 2 learners added, 0 updated\n")
    assert pins.stat().st_mode & 0o777 == 0o600
    lines = pins.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "class,learner,pin"
    assert [line.rsplit(",", 1)[0] for line in lines[1:]] == ["CNC,Chi", "CNC,Dee"]
    assert all(len(line.rsplit(",", 1)[1]) == 4 for line in lines[1:])
    assert main([*imported, "--pins-out", str(pins), *db]) == 1  # never over an older list
    assert "exists already" in capsys.readouterr().err

    args = ["admin", "enrol-token", "--school", "Northside", "--station-name", "Lab 1", *db]
    assert main(args) == 0
    token = capsys.readouterr().out.strip()
    assert len(token) >= 32
    assert main(["admin", "revoke-station", "nope", *db]) == 1

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            assert [t.display_name for t in session.exec(select(Teacher))] == ["Ms Lee"]
            assert len(session.exec(select(Learner)).all()) == 2
    finally:
        engine.dispose()


def test_station_enroll_pins_the_server_key(
    home: Paths,
    server: RunningServer,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = ["--db", str(server.engine.url.render_as_string(hide_password=False))]
    assert main(["admin", "school", "add", "Northside", *db]) == 0
    capsys.readouterr()
    args = ["admin", "enrol-token", "--school", "Northside", "--station-name", "Lab 1", *db]
    assert main(args) == 0
    token = capsys.readouterr().out.strip()

    assert main(["station", "enroll", "--server", server.base_url, "--token", token]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "enrolled with Northside; server key pinned",
        # The school has no roster yet; the station's codes and issuer arrived.
        "pulled: roster 1, grants 0, accommodations 0, code_slots 40, pack_keys 0, catalog 0,"
        " badges 0, announcements 0, allowances 0",
    ]
    # Asking again (an answer lost on the way back) gives the same answer, nothing new.
    assert main(["station", "enroll", "--server", server.base_url, "--token", token]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "enrolled with Northside; server key pinned",
        "pulled: roster 0, grants 0, accommodations 0, code_slots 0, pack_keys 0, catalog 0,"
        " badges 0, announcements 0, allowances 0",
    ]

    with Session(server.engine) as session:
        signer = load_signer(session)
        assert signer is not None
        (station,) = session.exec(select(Station)).all()
    engine = make_store_engine(home.database)
    try:
        with Session(engine) as session:
            pinned = session.get(SyncState, SERVER_PUBLIC_KEY)
            stored_url = session.get(SyncState, SERVER_URL_KEY)
    finally:
        engine.dispose()
    assert pinned is not None
    assert pinned.value == public_key_b64(signer.public_key)
    assert stored_url is not None
    assert stored_url.value == server.base_url

    # An enrolled station syncs with no --server and no settings: it remembers its server.
    assert main(["sync", "--once"]) == 0
    assert "receipts stored" in capsys.readouterr().out

    assert main(["admin", "revoke-station", station.id, *db]) == 0
    with Session(server.engine) as session:
        revoked = session.get(Station, station.id)
        assert revoked is not None
        assert revoked.revoked_at is not None


def test_grants_accommodations_and_class_teachers_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'admin.sqlite3'}"]
    assert main(["admin", "school", "add", "Northside", *db]) == 0
    typed = iter(["chalk and cheese 42", "chalk and cheese 24"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))  # a terminal we lack
    teacher = ["admin", "teacher", "add", "--school", "Northside", "--name", "Ms Lee"]
    assert main([*teacher, "--username", "mlee", *db]) == 1
    assert "the two passwords differ" in capsys.readouterr().err
    typed = iter(["chalk and cheese 42"] * 4)
    assert main([*teacher, "--username", "mlee", *db]) == 0
    assert main([*teacher, "--username", "okafor", *db]) == 0
    roster = tmp_path / "roster.csv"
    roster.write_text("class,learner,pin\nCNC,Ana,1234\nCNC,Ben,5678\n", encoding="utf-8")
    assert main(["admin", "roster", "import", "--school", "Northside", str(roster), *db]) == 0
    klass = ["admin", "class", "teacher", "--school", "Northside", "--class", "CNC"]
    assert main([*klass, "--teacher", "okafor", *db]) == 0
    assert main([*klass, "--teacher", "nobody", *db]) == 1
    capsys.readouterr()

    grant = ["admin", "grant", "--school", "Northside", "--pack", "sample-pack", "--class", "CNC"]
    assert main([*grant, "--opens", "2026-13-01", *db]) == 1
    assert "--opens '2026-13-01' is not a date: use YYYY-MM-DD" in capsys.readouterr().err
    assert main([*grant, "--opens", "2026-09-01", "--closes", "2026-08-01", *db]) == 1
    assert "must be after --opens" in capsys.readouterr().err
    assert main([*grant, "--learner", "Zed", *db]) == 1
    assert "no learner called 'Zed' in class 'CNC'" in capsys.readouterr().err
    assert main([*grant, "--closes", "2099-06-30", *db]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("granted sample-pack to class CNC: opens -, closes 2099-07-01")
    assert "not published on this server yet" in out.err
    assert main([*grant, "--learner", "Ana", *db]) == 0
    capsys.readouterr()
    assert main(["admin", "grant", "list", *db]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[3] for line in listed] == ["class CNC", "Ana (CNC)"]
    assert main(["admin", "grant", "revoke", listed[0].split()[0], *db]) == 0
    assert main(["admin", "grant", "revoke", "nope", *db]) == 1
    capsys.readouterr()
    assert main(["admin", "grant", "list", *db]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1

    extra = ["admin", "accommodate", "--school", "Northside", "--class", "CNC", "--learner", "Ben"]
    assert main([*extra, "--time", "5", *db]) == 1
    assert "between 1 and 4" in capsys.readouterr().err
    assert main([*extra, *db]) == 1
    assert "give --time MULTIPLIER" in capsys.readouterr().err
    assert main([*extra, "--time", "1.5", *db]) == 0
    assert main([*extra, "--clear", *db]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Ben: 1.5× time from the next attempt after a sync",
        "Ben: accommodation cleared",
    ]
    assert main(["admin", "codes", "--station", "Lab 1", *db]) == 1
    assert "no station with the id or name 'Lab 1'" in capsys.readouterr().err
