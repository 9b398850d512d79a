"""The server as code issuer: slots and wrapped pack keys pulled, opened with its codes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from mcdesk.content.build import build_pack
from mcdesk.content.install import import_pack
from mcdesk.exam.console import teacher_codes
from mcdesk.exam.keyring import open_bank
from mcdesk.exam.unlock import UnlockDesk
from mcdesk.keys import PublisherKey, read_private_key
from mcdesk.paths import Paths
from mcdesk.server.issuer import SLOTS_AHEAD, next_codes
from mcdesk.server.models import Station, StationIssuer
from mcdesk.server.publish import publish_file
from mcdesk.settings import Settings
from mcdesk.startup import run_setup, setup_needs
from mcdesk.store.bootstrap import open_store
from mcdesk.store.connection import opened
from mcdesk.store.engine import make_engine as make_store_engine
from mcdesk.sync.client import push_once
from mcdesk.sync.pinning import pinned_server_key
from tests.server.conftest import RunningServer
from tests.server.pulling import EnrolledStation, enrol_store, enrolled_station, set_up_school

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
PACK = "sample-pack"


def _codes(
    server: RunningServer, station_id: str, count: int, start: int | None = None
) -> list[tuple[int, str]]:
    with Session(server.engine) as session:
        station = session.get(Station, station_id)
        assert station is not None
        return next_codes(session, station=station, count=count, start=start).codes


def _push(station: EnrolledStation) -> None:
    key = pinned_server_key(station.database)
    assert key is not None
    push_once(
        database=station.database,
        station_key=station.key,
        station_id=station.station_id,
        server_url=station.server.base_url,
        server_public_key=key,
    )


def test_server_codes_open_pulled_slots_and_a_pulled_key_opens_a_sealed_bank(
    server: RunningServer,
    tmp_path: Path,
    source: Path,
    publisher_key: Path,
    trusted: dict[str, PublisherKey],
) -> None:
    built = build_pack(source, tmp_path / "out" / "sample.mcpack", publisher_key=publisher_key)
    with Session(server.engine) as session:
        publish_file(
            session, path=built.output, pack_key_path=built.pack_key_file, trusted=trusted, now=NOW
        )
    school = set_up_school(server.engine)
    station = enrolled_station(server, tmp_path, school_id=school.school_id)
    engine = make_store_engine(station.database)
    import_pack(built.output, engine=engine, trusted=trusted, now=NOW)
    engine.dispose()

    report = station.pull()
    assert report.items == {
        "roster": 7, "grants": 0, "accommodations": 0, "code_slots": SLOTS_AHEAD, "pack_keys": 1,
        "catalog": 1,
        "badges": 0,
        "announcements": 0,
        "allowances": 0,
    }  # fmt: skip
    (issuer_id,) = {row[0] for row in station.query("SELECT issuer_id FROM exam_key_slot")}
    with Session(server.engine) as session:
        issuer = session.get(StationIssuer, station.station_id)
        assert issuer is not None
        assert (issuer.issuer_id, issuer.slots_through) == (issuer_id, SLOTS_AHEAD)
    assert station.query("SELECT value FROM sync_state WHERE key = 'code_issuer'") == [(issuer_id,)]

    desk = UnlockDesk(station.database)
    (first, code), (_, second_code) = _codes(server, station.station_id, 2)
    assert first == desk.next_counter() == 1
    assert not desk.try_code(second_code, action="start", now=NOW).ok  # code #2 is not #1
    opened_with = desk.try_code(code, action="start", now=NOW)
    assert opened_with.ok
    assert opened_with.exam_key is not None
    with opened(station.database, read_only=True) as connection:
        items = open_bank(connection, pack_id=PACK, version="1.0.0", exam_key=opened_with.exam_key)
    assert items  # the sealed bank opened with the server's wrapped key
    # Codes are single use: #1 again is refused, and the station now asks for #2.
    assert not desk.try_code(code, action="start", now=NOW).ok
    assert desk.next_counter() == 2

    # Two more codes used; the station tells the server by pushing, then the pull tops up.
    for _, next_code in _codes(server, station.station_id, 2, start=2):
        assert desk.try_code(next_code, action="resume", now=NOW).ok
    _push(station)
    assert [c for c, _ in _codes(server, station.station_id, 1)] == [4]  # admin codes: next #4
    assert station.pull().items["code_slots"] == 3
    assert station.query("SELECT max(counter), count(*) FROM exam_key_slot") == [(43, 43)]
    assert desk.slots_left() == SLOTS_AHEAD
    assert station.pull().items["code_slots"] == 0  # nothing owed: nothing sealed


def test_a_demo_station_switches_to_server_codes_and_drops_the_demo_school(
    server: RunningServer, home: Paths
) -> None:
    open_store(home, now=NOW)
    settings = Settings(import_bundled_catalog=False)
    with opened(home.database) as connection:
        needs = setup_needs(connection, settings=settings)
    assert needs.demo
    assert needs.exam_keys
    run_setup(home, settings, needs, now=NOW)
    with opened(home.database, read_only=True) as connection:
        station_id, name = connection.execute("SELECT id, name FROM station").fetchone()
        assert connection.execute("SELECT count(*) FROM issuer").fetchone()[0] == 1
    school = set_up_school(server.engine)
    station = enrol_store(
        server,
        school_id=school.school_id,
        database=home.database,
        station_id=station_id,
        key=read_private_key(home.station_key),
        name=name,
    )
    station.pull()
    # The demo school, its people and the demo teacher's issuer are gone; the server's
    # school and codes are here.
    assert station.query("SELECT id FROM school") == [(school.school_id,)]
    assert station.query("SELECT count(*) FROM issuer") == [(0,)]
    assert station.query("SELECT count(*) FROM wrapped_pack_key") == [(0,)]
    (issuer_id,) = station.query("SELECT DISTINCT issuer_id FROM exam_key_slot")
    assert station.query("SELECT value FROM sync_state WHERE key = 'code_issuer'") == [issuer_id]
    ((_, code),) = _codes(server, station_id, 1)
    assert UnlockDesk(home.database).try_code(code, action="start", now=NOW).ok
    # The local teacher console says where codes come from now, and shows none.
    listing = teacher_codes(home.database, username="mlee", password="x", now=NOW)
    assert listing.codes == []
    assert listing.from_server
    assert "mcdesk admin codes --station" in listing.note
    assert f"{server.base_url}/teacher" in listing.note  # the server's teacher page
