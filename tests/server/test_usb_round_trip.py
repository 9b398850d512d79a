"""A lab with no link at all, on the command line: provision, assess, export, import, receipts."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from mcdesk.cli.main import main
from mcdesk.content.catalog import load_manifest
from mcdesk.exam.engine import ExamEngine
from mcdesk.exam.keyring import open_bank
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.keys import PublisherKey, public_file_for, read_private_key
from mcdesk.paths import Paths
from mcdesk.server.models import Event, Flag, Result
from mcdesk.store.connection import opened
from tests.server.conftest import RunningServer
from tests.server.pulling import publish_and_grant, set_up_school

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def server_counts(server: RunningServer) -> tuple[int, int, int]:
    with Session(server.engine) as session:
        return (
            session.exec(select(func.count()).select_from(Event)).one(),
            session.exec(select(func.count()).select_from(Result)).one(),
            session.exec(select(func.count()).select_from(Flag)).one(),
        )


def test_usb_stick_round_trip_on_the_command_line(
    server: RunningServer,
    home: Paths,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, ana = publish_and_grant(
        server, source=source, publisher_key=publisher_key, trusted=trusted, out=tmp_path / "out"
    )
    db = ["--db", server.engine.url.render_as_string(hide_password=False)]
    stick = tmp_path / "usb"
    provision = stick / "lab9.mcprovision"
    assert main(["admin", "provision", "--school", "Northside", "--station-name", "Lab 9",
                 "-o", str(provision), *db]) == 0  # fmt: skip
    assert main(["keys", "trust", str(public_file_for(publisher_key))]) == 0
    assert main(["station", "provision", str(provision)]) == 0
    capsys.readouterr()

    # An assessment, unlocked by a code the administrator read off the server.
    assert main(["admin", "codes", "--station", "Lab 9", "--count", "1", *db]) == 0
    code = "".join(capsys.readouterr().out.splitlines()[0].split()[1:])
    unlocked = UnlockDesk(home.database).try_code(code, action="start", now=NOW)
    assert unlocked.exam_key is not None
    with opened(home.database, read_only=True) as connection:
        bank = open_bank(
            connection, pack_id="sample-pack", version="1.0.0", exam_key=unlocked.exam_key
        )
        manifest = load_manifest(connection, "sample-pack")
    assert manifest is not None
    engine = ExamEngine(database=home.database, station_key=read_private_key(home.station_key))
    try:
        attempt = engine.create_attempt(
            learner_id=ana,
            pack_id="sample-pack",
            pack_version="1.0.0",
            blueprint=manifest["assessment"],
            bank=bank,
        )
        engine.unlock(attempt, action="start", counter=unlocked.counter)
        engine.start()
        for shown in engine.form["items"]:
            engine.answer(item_id=shown["id"], response=None)
        result = engine.submit()
    finally:
        engine.close()

    # To the server and back, twice over: counts do not move the second time.
    export = stick / "lab9.mcsync"
    assert main(["sync", "export", "-o", str(export)]) == 0
    exported = int(capsys.readouterr().out.split()[1])
    assert exported >= 3  # code use, exam log, result (and any study events)
    receipts = stick / "lab9.receipts"
    assert main(["admin", "import-sync", str(export), "-o", str(receipts), *db]) == 0
    assert f"{exported} events stored, 0 already here, 0 refused" in capsys.readouterr().out
    first = server_counts(server)
    assert first[1] == 1
    assert main(["admin", "import-sync", str(export), "-o", str(receipts), *db]) == 0
    assert f"0 events stored, {exported} already here" in capsys.readouterr().out
    assert server_counts(server) == first
    with Session(server.engine) as session:
        stored = session.exec(select(Result)).one()
    assert stored.id == result.id
    assert stored.rescored is True  # the server holds the pack key: its score counts
    assert stored.server_points == pytest.approx(result.score.points)

    assert main(["sync", "import-receipts", str(receipts)]) == 0
    assert f"{exported} receipts stored; 0 events still waiting" in capsys.readouterr().out
    with sqlite3.connect(home.database) as raw:
        (waiting,) = raw.execute(
            "SELECT COUNT(*) FROM outbox WHERE id NOT IN (SELECT event_id FROM receipt)"
        ).fetchone()
    assert waiting == 0

    assert main(["admin", "report", *db]) == 0
    report = capsys.readouterr().out
    assert "Lab 9:" in report
    assert "1 results" in report
    assert "Nothing to look at" in report

    # Weeks later, still no link: an update file brings a fresh code for the one used.
    update = stick / "lab9-update.mcprovision"
    assert main(["admin", "provision", "--update", "Lab 9", "-o", str(update), *db]) == 0
    assert "41 unlock codes in all" in capsys.readouterr().out
    assert main(["station", "provision", str(update)]) == 0
    out = capsys.readouterr().out
    assert "station 'Lab 9' updated from the server's file" in out
    with sqlite3.connect(home.database) as raw:
        counters = [c for (c,) in raw.execute("SELECT counter FROM exam_key_slot ORDER BY 1")]
        (used,) = raw.execute("SELECT used_at FROM exam_key_slot WHERE counter = 1").fetchone()
    assert counters == list(range(1, 42))
    assert used is not None  # a used code stays used


def test_an_update_file_is_refused_by_any_other_station(
    server: RunningServer, home: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    set_up_school(server.engine)
    db = ["--db", server.engine.url.render_as_string(hide_password=False)]
    file = tmp_path / "lab9.mcprovision"
    assert main(["admin", "provision", "--school", "Northside", "--station-name", "Lab 9",
                 "-o", str(file), *db]) == 0  # fmt: skip
    update = tmp_path / "lab9-update.mcprovision"
    assert main(["admin", "provision", "--update", "Lab 9", "-o", str(update), *db]) == 0
    capsys.readouterr()
    # This station never imported Lab 9's first file: it is not Lab 9.
    assert main(["station", "provision", str(update)]) == 1
    assert "this update file is for station 'Lab 9'" in capsys.readouterr().err
    assert main(["admin", "provision", "--update", "Lab 99", "-o", str(tmp_path / "x"), *db]) == 1
    assert "no station with the id or name 'Lab 99'" in capsys.readouterr().err
