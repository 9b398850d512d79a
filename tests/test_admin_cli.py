"""`mcdesk admin …` against a SQLite file, and `mcdesk station enroll` against a live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from mcdesk.cli import main
from mcdesk.keys import public_key_b64
from mcdesk.paths import Paths
from mcdesk.server.db import make_engine
from mcdesk.server.models import Learner, Station, Teacher
from mcdesk.server.signer import load_signer
from mcdesk.store.engine import make_engine as make_store_engine
from mcdesk.store.tables import SyncState
from mcdesk.sync.pinning import SERVER_PUBLIC_KEY, SERVER_URL_KEY
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
    teacher = ["--school", "Northside", "--username", "mlee", "--name", "Ms Lee", *db]
    assert main(["admin", "teacher", "add", *teacher]) == 0
    assert main(["admin", "teacher", "add", "--school", "Nowhere", "--username", "x",
                 "--name", "X", *db]) == 1  # fmt: skip
    assert "no school called 'Nowhere'" in capsys.readouterr().err

    bad = tmp_path / "bad.csv"
    bad.write_text("class,learner\nCNC,\nCNC,Chi\nCNC,Chi\n", encoding="utf-8")
    assert main(["admin", "roster", "import", "--school", "Northside", str(bad), *db]) == 1
    err = capsys.readouterr().err
    assert "line 2: empty learner name\nline 4: duplicate of line 3\n" in err
    good = tmp_path / "good.csv"
    good.write_text("class,learner\nCNC,Chi\nCNC,Dee\n", encoding="utf-8")
    assert main(["admin", "roster", "import", "--school", "Northside", str(good), *db]) == 0
    assert capsys.readouterr().out.strip() == "roster imported: 2 learners added, 0 updated"

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
    assert capsys.readouterr().out.strip() == "enrolled with Northside; server key pinned"
    assert main(["station", "enroll", "--server", server.base_url, "--token", token]) == 1
    assert "used already" in capsys.readouterr().err

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
